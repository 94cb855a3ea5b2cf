"""Run-sheet arithmetic: planned starts (front time), back time, totals against the target.

Pure: segments and times in, rows out; no queries, no clock reads. A planned duration may be
fixed, a range ("5–10 mins") or missing. Ranges are carried through as earliest/latest: a
segment's front time is a span because the segments before it may run short or long, and so
is its back time (the latest start that still ends the show on its target length) because the
segments after it may.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Generic, Protocol, TypeVar

ZERO = timedelta(0)


class Timed(Protocol):
    """Anything with a planned duration (read-only here: a model's fields qualify)."""

    @property
    def planned_seconds(self) -> int | None: ...

    @property
    def planned_max_seconds(self) -> int | None: ...


T = TypeVar("T", bound=Timed)


@dataclass(frozen=True)
class Planned:
    """A planned duration in seconds: fixed (min == max), a range, or none (both None)."""

    min_seconds: int | None
    max_seconds: int | None

    def __post_init__(self) -> None:
        if (self.min_seconds is None) != (self.max_seconds is None):
            raise ValueError("A planned duration needs both a minimum and a maximum, or neither.")
        if self.min_seconds is not None:
            assert self.max_seconds is not None
            if self.min_seconds < 0:
                raise ValueError("A planned duration cannot be negative.")
            if self.min_seconds > self.max_seconds:
                raise ValueError("The minimum of a planned duration is above its maximum.")

    @property
    def is_set(self) -> bool:
        return self.min_seconds is not None

    @property
    def is_range(self) -> bool:
        return self.is_set and self.min_seconds != self.max_seconds

    def span(self) -> "Span":
        return Span(
            timedelta(seconds=self.min_seconds or 0), timedelta(seconds=self.max_seconds or 0)
        )


@dataclass(frozen=True)
class Span:
    """A length of time known to lie between ``earliest`` and ``latest`` (equal when exact)."""

    earliest: timedelta
    latest: timedelta

    @classmethod
    def exact(cls, value: timedelta) -> "Span":
        return cls(value, value)

    @property
    def is_exact(self) -> bool:
        return self.earliest == self.latest

    def __add__(self, other: "Span") -> "Span":
        return Span(self.earliest + other.earliest, self.latest + other.latest)

    def __sub__(self, other: "Span") -> "Span":
        # The smallest difference pairs our smallest with their largest, and vice versa.
        return Span(self.earliest - other.latest, self.latest - other.earliest)

    def at(self, origin: datetime) -> "Moment":
        return Moment(origin + self.earliest, origin + self.latest)


@dataclass(frozen=True)
class Moment:
    """A clock time known to lie between ``earliest`` and ``latest``."""

    earliest: datetime
    latest: datetime

    @property
    def is_exact(self) -> bool:
        return self.earliest == self.latest


class Verdict(StrEnum):
    UNDER = "under"  # even at its longest the plan ends before the target
    ON_TARGET = "on_target"  # exactly the target
    FITS = "fits"  # a range that contains the target
    OVER = "over"  # even at its shortest the plan runs past the target


@dataclass(frozen=True)
class Row(Generic[T]):
    segment: T
    index: int
    planned: Planned
    front: Span  # planned start, as an offset from the air start
    back: Span  # latest start that still ends on the target, as an offset from the air start
    front_at: Moment | None  # the same as clock times, when the air start is known
    back_at: Moment | None

    @property
    def is_timed(self) -> bool:
        return self.planned.is_set

    @property
    def end(self) -> Span:
        return self.front + self.planned.span()

    @property
    def slack(self) -> Span:
        """How much later than planned this segment could start and still end on time."""
        return self.back - self.front


@dataclass(frozen=True)
class RunSheet(Generic[T]):
    rows: list[Row[T]]
    total: Span
    target: timedelta
    starts_at: datetime | None
    now: datetime
    untimed_count: int

    @property
    def over_under(self) -> Span:
        """Total minus target: positive means over, negative under."""
        return self.total - Span.exact(self.target)

    @property
    def verdict(self) -> Verdict:
        if self.total.earliest > self.target:
            return Verdict.OVER
        if self.total.latest < self.target:
            return Verdict.UNDER
        if self.total.is_exact:
            return Verdict.ON_TARGET
        return Verdict.FITS

    @property
    def ends_at(self) -> Moment | None:
        return self.total.at(self.starts_at) if self.starts_at is not None else None

    @property
    def target_end_at(self) -> datetime | None:
        return self.starts_at + self.target if self.starts_at is not None else None

    @property
    def starts_in(self) -> timedelta | None:
        """Time from ``now`` to the air start; negative once it has passed."""
        return self.starts_at - self.now if self.starts_at is not None else None

    @property
    def has_ranges(self) -> bool:
        return any(row.planned.is_range for row in self.rows)


def build(
    segments: Sequence[T], *, starts_at: datetime | None, target: timedelta, now: datetime
) -> RunSheet[T]:
    """Compute front and back times for ``segments`` in the order given.

    Segments without a planned duration take no time in the arithmetic and are counted in
    ``untimed_count`` so the page can say the totals leave them out.
    """
    if target < ZERO:
        raise ValueError("The target length cannot be negative.")
    plans = [Planned(s.planned_seconds, s.planned_max_seconds) for s in segments]
    spans = [plan.span() for plan in plans]

    fronts: list[Span] = []
    elapsed = Span.exact(ZERO)
    for span in spans:
        fronts.append(elapsed)
        elapsed = elapsed + span
    total = elapsed

    # Back time: from the target end, step backwards over each segment and those after it.
    backs: list[Span] = [Span.exact(ZERO)] * len(spans)
    remaining = Span.exact(ZERO)
    for index in range(len(spans) - 1, -1, -1):
        remaining = remaining + spans[index]
        # Latest start when everything from here runs shortest; earliest when it runs longest.
        backs[index] = Span(target - remaining.latest, target - remaining.earliest)

    rows = [
        Row(
            segment=segment,
            index=index,
            planned=plans[index],
            front=fronts[index],
            back=backs[index],
            front_at=fronts[index].at(starts_at) if starts_at is not None else None,
            back_at=backs[index].at(starts_at) if starts_at is not None else None,
        )
        for index, segment in enumerate(segments)
    ]
    return RunSheet(
        rows=rows,
        total=total,
        target=target,
        starts_at=starts_at,
        now=now,
        untimed_count=sum(1 for plan in plans if not plan.is_set),
    )

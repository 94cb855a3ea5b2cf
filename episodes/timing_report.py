"""The timing report's pure rule: what each segment was planned to take and what it took on air.

Pure, like :mod:`episodes.runsheet`: plain records in, report rows out, no queries. The live
log (:class:`episodes.models.SegmentRun`) gives the actual times; a segment played more than
once (the show caller went back to it) counts all its time on air, pauses left out.

A ranged plan ("5–10 min") is met anywhere inside the range: a segment runs over when it takes
longer than the maximum and under when shorter than the minimum.
"""

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from .runsheet import Planned

KIND_ORDER = ("hook", "news", "intro", "questions", "demo", "wrap_up", "other")


@dataclass(frozen=True)
class PlannedSegment:
    """A segment of the episode as planned now."""

    segment_id: int
    title: str
    kind: str
    planned: Planned
    questions_planned: int = 0
    questions_asked: int = 0
    questions_skipped: int = 0


@dataclass(frozen=True)
class Run:
    """One stretch of a segment on air, from the live log."""

    segment_id: int | None  # None when the segment has since been deleted
    title: str
    planned: Planned  # as planned when it went on air
    started_at: datetime
    ended_at: datetime | None
    paused_ms: int = 0
    kind: str = "other"

    @property
    def seconds(self) -> float | None:
        if self.ended_at is None:
            return None
        return max(0.0, (self.ended_at - self.started_at).total_seconds() - self.paused_ms / 1000)


def difference(planned: Planned, actual: float) -> float | None:
    """Seconds over the plan's maximum (positive) or under its minimum (negative); 0 inside."""
    if not planned.is_set:
        return None
    low, high = planned.min_seconds or 0, planned.max_seconds or 0
    if actual > high:
        return actual - high
    if actual < low:
        return actual - low
    return 0.0


def verdict(delta: float | None, *, tolerance: float = 0.5) -> str:
    """ "over", "under", "on" (within the plan), or "unplanned" when there was no plan."""
    if delta is None:
        return "unplanned"
    if delta > tolerance:
        return "over"
    if delta < -tolerance:
        return "under"
    return "on"


@dataclass
class ReportRow:
    title: str
    kind: str
    planned: Planned
    actual_seconds: float | None  # None: not played (or still running)
    started_at: datetime | None
    questions_planned: int = 0
    questions_asked: int = 0
    questions_skipped: int = 0
    segment_id: int | None = None
    deleted: bool = False

    @property
    def played(self) -> bool:
        return self.actual_seconds is not None

    @property
    def delta_seconds(self) -> float | None:
        if self.actual_seconds is None:
            return None
        return difference(self.planned, self.actual_seconds)

    @property
    def verdict(self) -> str:
        return verdict(self.delta_seconds) if self.played else "not_played"


@dataclass
class EpisodeReport:
    rows: list[ReportRow]
    target_seconds: int
    started_at: datetime | None
    ended_at: datetime | None
    running: bool = False  # a segment is on air now: its time is not counted yet

    @property
    def played_rows(self) -> list[ReportRow]:
        return [row for row in self.rows if row.played]

    @property
    def has_runs(self) -> bool:
        return bool(self.played_rows) or self.running

    @property
    def actual_seconds(self) -> float:
        return sum(row.actual_seconds or 0 for row in self.rows)

    @property
    def planned_total(self) -> Planned:
        timed = [row.planned for row in self.rows if row.planned.is_set]
        return Planned(
            sum(p.min_seconds or 0 for p in timed), sum(p.max_seconds or 0 for p in timed)
        )

    @property
    def target_delta_seconds(self) -> float:
        return self.actual_seconds - self.target_seconds

    @property
    def target_verdict(self) -> str:
        return verdict(self.target_delta_seconds, tolerance=30)

    @property
    def questions(self) -> tuple[int, int, int]:
        """(planned, asked, skipped) over the whole episode."""
        return (
            sum(row.questions_planned for row in self.rows),
            sum(row.questions_asked for row in self.rows),
            sum(row.questions_skipped for row in self.rows),
        )


def episode_report(
    segments: Sequence[PlannedSegment], runs: Iterable[Run], *, target_seconds: int
) -> EpisodeReport:
    """Each planned segment with its time on air, then segments deleted after they ran."""
    runs = sorted(runs, key=lambda run: run.started_at)
    by_segment: dict[int, list[Run]] = {}
    orphans: dict[str, list[Run]] = {}
    running = False
    for run in runs:
        if run.ended_at is None:
            running = True
            continue
        if run.segment_id is None:
            orphans.setdefault(run.title, []).append(run)
        else:
            by_segment.setdefault(run.segment_id, []).append(run)
    rows = []
    for segment in segments:
        played = by_segment.pop(segment.segment_id, [])
        rows.append(
            ReportRow(
                title=segment.title,
                kind=segment.kind,
                # The plan it went on air with; what it says now if it never ran.
                planned=played[0].planned if played else segment.planned,
                actual_seconds=sum(run.seconds or 0 for run in played) if played else None,
                started_at=played[0].started_at if played else None,
                questions_planned=segment.questions_planned,
                questions_asked=segment.questions_asked,
                questions_skipped=segment.questions_skipped,
                segment_id=segment.segment_id,
            )
        )
    # Runs of segments that are no longer in the episode's plan: moved away or deleted.
    leftovers = [*by_segment.values(), *orphans.values()]
    for played in sorted(leftovers, key=lambda group: group[0].started_at):
        first = played[0]
        rows.append(
            ReportRow(
                title=first.title,
                kind=first.kind,
                planned=first.planned,
                actual_seconds=sum(run.seconds or 0 for run in played),
                started_at=first.started_at,
                segment_id=first.segment_id,
                deleted=True,
            )
        )
    finished = [run.ended_at for run in runs if run.ended_at is not None]
    return EpisodeReport(
        rows=rows,
        target_seconds=target_seconds,
        started_at=runs[0].started_at if runs else None,
        ended_at=max(finished, default=None),
        running=running,
    )


# -- across episodes ------------------------------------------------------------------------


@dataclass(frozen=True)
class Played:
    """A segment's whole time on air in one episode (its runs added up)."""

    episode_id: int
    kind: str
    planned: Planned
    seconds: float


def played_segments(runs: Iterable[tuple[int, Run]]) -> list[Played]:
    """(episode id, run) pairs added up per segment and episode; unfinished runs left out."""
    totals: dict[tuple[int, object], Played] = {}
    for episode_id, run in sorted(runs, key=lambda pair: pair[1].started_at):
        seconds = run.seconds
        if seconds is None:
            continue
        key = (episode_id, run.segment_id if run.segment_id is not None else run.title)
        if key in totals:
            before = totals[key]
            totals[key] = Played(episode_id, before.kind, before.planned, before.seconds + seconds)
        else:
            totals[key] = Played(episode_id, run.kind, run.planned, seconds)
    return list(totals.values())


@dataclass
class KindStats:
    kind: str
    seconds: list[float] = field(default_factory=list)
    planned_seconds: list[float] = field(default_factory=list)  # the middle of each plan
    deltas: list[float] = field(default_factory=list)  # only segments with a plan
    episodes: set[int] = field(default_factory=set)

    @property
    def count(self) -> int:
        return len(self.seconds)

    @property
    def mean_seconds(self) -> float:
        return statistics.fmean(self.seconds)

    @property
    def median_seconds(self) -> float:
        return statistics.median(self.seconds)

    @property
    def mean_planned_seconds(self) -> float | None:
        return statistics.fmean(self.planned_seconds) if self.planned_seconds else None

    @property
    def over_count(self) -> int:
        return sum(1 for delta in self.deltas if verdict(delta) == "over")

    @property
    def over_share(self) -> float | None:
        """How often it ran over, of the times it had a plan."""
        return self.over_count / len(self.deltas) if self.deltas else None

    @property
    def mean_delta_seconds(self) -> float | None:
        """Beyond the plan on average: over its maximum, under its minimum, 0 inside."""
        return statistics.fmean(self.deltas) if self.deltas else None

    @property
    def mean_over_seconds(self) -> float | None:
        """By how much, on average, when it ran over."""
        overs = [delta for delta in self.deltas if verdict(delta) == "over"]
        return statistics.fmean(overs) if overs else None


def by_kind(played: Iterable[Played]) -> list[KindStats]:
    """How long each kind of segment really runs, in the usual order of a show."""
    stats: dict[str, KindStats] = {}
    for item in played:
        entry = stats.setdefault(item.kind, KindStats(item.kind))
        entry.seconds.append(item.seconds)
        entry.episodes.add(item.episode_id)
        delta = difference(item.planned, item.seconds)
        if delta is not None:
            low, high = item.planned.min_seconds or 0, item.planned.max_seconds or 0
            entry.planned_seconds.append((low + high) / 2)
            entry.deltas.append(delta)
    order = {kind: index for index, kind in enumerate(KIND_ORDER)}
    return sorted(stats.values(), key=lambda entry: (order.get(entry.kind, len(order)), entry.kind))


def usual_seconds(played: Iterable[Played], *, minimum: int = 2) -> dict[str, tuple[float, int]]:
    """Per kind, (median seconds on air, how many) when it has run at least ``minimum`` times:
    what the editor shows beside a segment's plan."""
    return {
        entry.kind: (entry.median_seconds, entry.count)
        for entry in by_kind(played)
        if entry.count >= minimum
    }


# -- the chart --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    y: float
    width: float
    seconds: float


@dataclass(frozen=True)
class ChartRow:
    label: str
    y: float  # the top of the row
    planned: Bar | None
    actual: Bar
    over_share: float | None
    is_over: bool  # longer than planned, on average


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    label_width: int
    plot_width: int
    rows: list[ChartRow]
    ticks: list[tuple[float, int]]  # (x, minutes)


def kind_chart(
    stats: Sequence[KindStats], labels: dict[str, str], *, width: int = 720, row_height: int = 44
) -> Chart:
    """Geometry of a bar chart: per kind, the average plan above the average actual."""
    label_width, top, bottom = 120, 8, 28
    plot_width = width - label_width - 60
    longest = max(
        [s.mean_seconds for s in stats] + [s.mean_planned_seconds or 0 for s in stats] + [60]
    )
    # Whole steps of minutes, with room right of the longest bar for its figures.
    reach = longest * 1.4 / 60
    step = nice_step(reach)
    scale_max = max(1, math.ceil(reach / step)) * step * 60
    scale = plot_width / scale_max
    rows = []
    for index, entry in enumerate(stats):
        y = top + index * row_height
        planned = entry.mean_planned_seconds
        rows.append(
            ChartRow(
                label=labels.get(entry.kind, entry.kind),
                y=y,
                planned=Bar(y + 4, planned * scale, planned) if planned is not None else None,
                actual=Bar(y + 20, entry.mean_seconds * scale, entry.mean_seconds),
                over_share=entry.over_share,
                is_over=verdict(entry.mean_delta_seconds) == "over",
            )
        )
    ticks = [
        (label_width + minutes * 60 * scale, int(minutes))
        for minutes in range(0, int(scale_max // 60) + 1, int(step))
    ]
    height = top + len(stats) * row_height + bottom
    return Chart(width, height, label_width, plot_width, rows, ticks)


def nice_step(minutes: float) -> int:
    """Tick spacing in whole minutes giving at most about six ticks."""
    for step in (1, 2, 5, 10, 15, 30, 60):
        if minutes / step <= 6:
            return step
    return 120

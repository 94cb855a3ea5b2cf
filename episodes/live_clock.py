"""The live clock's pure rule: a state machine written as data, and timer arithmetic on anchors.

Pure: no database, no clock reads. The clock is a handful of timestamps (when the current
segment started, when it was paused, how long it has been paused, how much time was added);
every figure a screen shows is arithmetic on those and ``now``, so a restart, another worker
process or a late screen all compute the same number.

What a screen shows (digits, over/under, the projected end) is worked out by the screens
themselves from the same anchors: ``static/js/clock.js``. The server computes only what its API
reports (:func:`remaining`, :func:`elapsed`, :func:`phase`).
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from showrunner import bounds


class State(StrEnum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    ENDED = "ended"


class Phase(StrEnum):
    NORMAL = "normal"
    WARNING = "warning"
    DANGER = "danger"
    OVERTIME = "overtime"


class InvalidAction(Exception):
    """A command that does not apply to the clock as it is."""


ANY = frozenset(State)
LIVE = frozenset({State.RUNNING, State.PAUSED})

# action -> (states it is allowed in, resulting state; None keeps the state)
TRANSITIONS: dict[str, tuple[frozenset[State], State | None]] = {
    "start": (frozenset({State.READY}), State.RUNNING),
    "pause": (frozenset({State.RUNNING}), State.PAUSED),
    "resume": (frozenset({State.PAUSED}), State.RUNNING),
    "next": (LIVE, State.RUNNING),
    "previous": (LIVE, State.RUNNING),
    "jump": (frozenset({State.READY, State.RUNNING, State.PAUSED}), State.RUNNING),
    "add_time": (LIVE, None),
    "end": (LIVE, State.ENDED),
    "reset": (ANY, State.READY),
}
ACTIONS = tuple(TRANSITIONS)


@dataclass(frozen=True)
class Clock:
    state: State = State.READY
    segment_id: int | None = None
    segment_started_at: datetime | None = None
    paused_at: datetime | None = None
    paused_ms: int = 0
    added_ms: int = 0
    show_started_at: datetime | None = None
    ended_at: datetime | None = None


@dataclass(frozen=True)
class Played:
    """A segment that went on or came off air, for the log of actual times."""

    event: str  # "started" or "ended"
    segment_id: int
    at: datetime
    paused_ms: int = 0
    added_ms: int = 0


def ms(delta: timedelta) -> int:
    return round(delta.total_seconds() * 1000)


def apply(
    clock: Clock,
    action: str,
    *,
    order: Sequence[int],
    now: datetime,
    segment: int | None = None,
    seconds: int | None = None,
) -> tuple[Clock, list[Played]]:
    """The clock after ``action`` at ``now``, and the segments that started or ended.

    ``order`` is the run-sheet's segment ids in running order, as it is now (unplayed segments
    can be reordered on air). Raises :class:`InvalidAction` with a reason people can read.
    """
    if action not in TRANSITIONS:
        raise InvalidAction(f"“{action}” is not a command; use one of {', '.join(ACTIONS)}.")
    allowed, result = TRANSITIONS[action]
    if clock.state not in allowed:
        raise InvalidAction(f"Cannot {action.replace('_', ' ')} while the show is {clock.state}.")

    if action == "reset":
        return Clock(), []
    if action == "pause":
        return replace(clock, state=State.PAUSED, paused_at=now), []
    if action == "resume":
        assert clock.paused_at is not None
        paused = clock.paused_ms + max(0, ms(now - clock.paused_at))
        return replace(clock, state=State.RUNNING, paused_at=None, paused_ms=paused), []
    if action == "add_time":
        if seconds is None or seconds == 0:
            raise InvalidAction("Say how many seconds to add (negative to take time away).")
        if abs(seconds) > bounds.LARGEST_ADD_SECONDS:
            raise InvalidAction(
                f"Add or take away at most {bounds.LARGEST_ADD_SECONDS:,} seconds at a time."
            )
        added_ms = clock.added_ms + seconds * 1000
        if abs(added_ms) > bounds.LARGEST_ADDED_SECONDS * 1000:
            raise InvalidAction(
                f"A segment can gain or lose at most {bounds.LARGEST_ADDED_SECONDS:,} seconds "
                "in all."
            )
        return replace(clock, added_ms=added_ms), []
    if action == "end":
        finished = finish(clock, now)
        return replace(
            clock,
            state=State.ENDED,
            paused_at=None,
            paused_ms=finished.paused_ms if finished else clock.paused_ms,
            ended_at=now,
        ), [finished] if finished else []

    if not order:
        raise InvalidAction("The run-sheet has no segments to run.")
    if action == "start":
        target = order[0]
    elif action == "jump":
        if segment is None or segment not in order:
            raise InvalidAction("Say which segment of this run-sheet to jump to.")
        if segment == clock.segment_id:
            raise InvalidAction("That segment is already on.")
        target = segment
    else:
        index = order.index(clock.segment_id) if clock.segment_id in order else -1
        if action == "next":
            if index == len(order) - 1:
                # Past the last segment the show is over.
                return apply(clock, "end", order=order, now=now)
            target = order[index + 1]
        else:
            if index <= 0:
                raise InvalidAction("This is already the first segment.")
            target = order[index - 1]

    events: list[Played] = []
    finished = finish(clock, now)
    if finished:
        events.append(finished)
    events.append(Played("started", target, now))
    assert result is not None
    return Clock(
        state=result,
        segment_id=target,
        segment_started_at=now,
        show_started_at=clock.show_started_at or now,
    ), events


def finish(clock: Clock, now: datetime) -> Played | None:
    """The current segment coming off air at ``now``, pauses settled."""
    if clock.segment_id is None or clock.state not in LIVE:
        return None
    paused = clock.paused_ms
    if clock.paused_at is not None:
        paused += max(0, ms(now - clock.paused_at))
    return Played("ended", clock.segment_id, now, paused_ms=paused, added_ms=clock.added_ms)


# -- the current segment -----------------------------------------------------------------------


def elapsed(clock: Clock, now: datetime) -> int:
    """Milliseconds the current segment has been on air, pauses left out."""
    if clock.segment_started_at is None:
        return 0
    until = clock.paused_at or (clock.ended_at if clock.state == State.ENDED else None) or now
    return max(0, ms(until - clock.segment_started_at) - clock.paused_ms)


def remaining(clock: Clock, planned_ms: int | None, now: datetime) -> int | None:
    """Milliseconds left in the current segment (negative: overtime); None when unplanned."""
    if planned_ms is None or clock.segment_started_at is None:
        return None
    return planned_ms + clock.added_ms - elapsed(clock, now)


def phase(remaining_ms: int | None, *, warning_ms: int, danger_ms: int) -> Phase:
    if remaining_ms is None:
        return Phase.NORMAL  # nothing planned: the timer counts up, no colour to change to
    if remaining_ms < 0:
        return Phase.OVERTIME
    if remaining_ms <= danger_ms:
        return Phase.DANGER
    if remaining_ms <= warning_ms:
        return Phase.WARNING
    return Phase.NORMAL

"""The live clock, without a database and with a fixed ``now``."""

from datetime import UTC, datetime, timedelta

import pytest

from episodes import live_clock
from episodes.live_clock import Clock, InvalidAction, Phase, Played, State

T0 = datetime(2026, 3, 3, 17, 0, tzinfo=UTC)
ORDER = [10, 20, 30]


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def run(*steps: tuple[str, float], **params: int) -> tuple[Clock, list[Played]]:
    clock, events = Clock(), []
    for action, seconds in steps:
        clock, new = live_clock.apply(clock, action, order=ORDER, now=at(seconds), **params)
        events.extend(new)
    return clock, events


def test_start_puts_the_first_segment_on_air() -> None:
    clock, events = run(("start", 0))

    assert clock.state is State.RUNNING
    assert (clock.segment_id, clock.segment_started_at, clock.show_started_at) == (10, T0, T0)
    assert events == [Played("started", 10, T0)]


def test_count_down_from_the_planned_time() -> None:
    clock, _ = run(("start", 0))

    assert live_clock.elapsed(clock, at(90)) == 90_000
    assert live_clock.remaining(clock, 300_000, at(90)) == 210_000


@pytest.mark.parametrize(
    ("left", "phase"),
    [
        (600_000, Phase.NORMAL),
        (120_001, Phase.NORMAL),
        (120_000, Phase.WARNING),
        (60_001, Phase.WARNING),
        (60_000, Phase.DANGER),
        (0, Phase.DANGER),
        (-1, Phase.OVERTIME),
        (None, Phase.NORMAL),
    ],
)
def test_phases_by_time_left(left: int | None, phase: Phase) -> None:
    assert live_clock.phase(left, warning_ms=120_000, danger_ms=60_000) is phase


def test_pause_freezes_and_resume_continues() -> None:
    clock, _ = run(("start", 0), ("pause", 60))

    assert clock.state is State.PAUSED
    assert live_clock.elapsed(clock, at(60)) == live_clock.elapsed(clock, at(500)) == 60_000

    clock, _ = live_clock.apply(clock, "resume", order=ORDER, now=at(100))
    assert clock.paused_ms == 40_000
    assert live_clock.elapsed(clock, at(130)) == 90_000


def test_add_and_remove_time() -> None:
    clock, _ = run(("start", 0), ("add_time", 10), seconds=60)

    assert live_clock.remaining(clock, 300_000, at(10)) == 350_000
    clock, _ = live_clock.apply(clock, "add_time", order=ORDER, now=at(20), seconds=-120)
    assert live_clock.remaining(clock, 300_000, at(20)) == 220_000


def test_add_time_needs_seconds() -> None:
    clock, _ = run(("start", 0))

    with pytest.raises(InvalidAction, match="how many seconds"):
        live_clock.apply(clock, "add_time", order=ORDER, now=at(1))


def test_next_ends_one_segment_and_starts_the_next_fresh() -> None:
    clock, events = run(("start", 0), ("add_time", 5), ("pause", 50), ("next", 80), seconds=60)

    assert (clock.state, clock.segment_id, clock.segment_started_at) == (State.RUNNING, 20, at(80))
    assert (clock.paused_ms, clock.added_ms, clock.paused_at) == (0, 0, None)
    assert events[1:] == [
        Played("ended", 10, at(80), paused_ms=30_000, added_ms=60_000),
        Played("started", 20, at(80)),
    ]
    assert clock.show_started_at == T0


def test_next_after_the_last_segment_ends_the_show() -> None:
    clock, events = run(("start", 0), ("next", 10), ("next", 20), ("next", 30))

    assert clock.state is State.ENDED
    assert clock.ended_at == at(30)
    assert events[-1] == Played("ended", 30, at(30))
    assert live_clock.elapsed(clock, at(999)) == 10_000


def test_previous_restarts_the_segment_before() -> None:
    clock, _ = run(("start", 0), ("next", 10), ("previous", 25))

    assert (clock.segment_id, clock.segment_started_at) == (10, at(25))


def test_previous_on_the_first_segment_is_refused() -> None:
    clock, _ = run(("start", 0))

    with pytest.raises(InvalidAction, match="already the first"):
        live_clock.apply(clock, "previous", order=ORDER, now=at(1))


def test_jump_to_any_segment_even_before_the_start() -> None:
    clock, _ = run(("start", 0), ("jump", 5), segment=30)

    assert clock.segment_id == 30
    ready_jump, events = live_clock.apply(Clock(), "jump", order=ORDER, now=T0, segment=20)
    assert (ready_jump.state, ready_jump.segment_id, ready_jump.show_started_at) == (
        State.RUNNING,
        20,
        T0,
    )
    assert events == [Played("started", 20, T0)]


@pytest.mark.parametrize("segment", [None, 99])
def test_jump_needs_a_segment_of_this_run_sheet(segment: int | None) -> None:
    with pytest.raises(InvalidAction, match="which segment"):
        live_clock.apply(Clock(), "jump", order=ORDER, now=T0, segment=segment)


def test_end_while_paused_settles_the_pause() -> None:
    clock, events = run(("start", 0), ("pause", 40), ("end", 100))

    assert clock.state is State.ENDED
    assert events[-1] == Played("ended", 10, at(100), paused_ms=60_000)
    assert live_clock.elapsed(clock, at(500)) == 40_000


@pytest.mark.parametrize(
    ("steps", "action", "message"),
    [
        ((), "pause", "Cannot pause while the show is ready"),
        ((), "next", "Cannot next while the show is ready"),
        ((("start", 0),), "start", "Cannot start while the show is running"),
        ((("start", 0),), "resume", "Cannot resume while the show is running"),
        ((("start", 0), ("end", 1)), "next", "Cannot next while the show is ended"),
        ((), "dance", "is not a command"),
    ],
)
def test_commands_that_do_not_apply_are_refused(
    steps: tuple[tuple[str, float], ...], action: str, message: str
) -> None:
    clock, _ = run(*steps)

    with pytest.raises(InvalidAction, match=message):
        live_clock.apply(clock, action, order=ORDER, now=at(5))


def test_start_needs_segments() -> None:
    with pytest.raises(InvalidAction, match="no segments"):
        live_clock.apply(Clock(), "start", order=[], now=T0)


def test_reset_returns_to_ready() -> None:
    clock, _ = run(("start", 0), ("next", 5))

    assert live_clock.apply(clock, "reset", order=ORDER, now=at(9)) == (Clock(), [])


def test_transition_table_covers_every_action() -> None:
    assert set(live_clock.ACTIONS) == {
        "start", "pause", "resume", "next", "previous", "jump", "add_time", "end", "reset",
    }  # fmt: skip

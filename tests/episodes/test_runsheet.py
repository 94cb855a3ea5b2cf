"""The run-sheet arithmetic, without a database and with a fixed ``now``."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from episodes.runsheet import Moment, Planned, Span, Verdict, build

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
AIR = datetime(2026, 3, 3, 17, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@dataclass
class Seg:
    planned_seconds: int | None
    planned_max_seconds: int | None


def fixed(minutes: float) -> Seg:
    return Seg(int(minutes * 60), int(minutes * 60))


def ranged(low: float, high: float) -> Seg:
    return Seg(int(low * 60), int(high * 60))


def untimed() -> Seg:
    return Seg(None, None)


def mins(value: float) -> timedelta:
    return timedelta(minutes=value)


def test_front_times_are_cumulative_starts_from_the_air_start() -> None:
    segments = [fixed(1), fixed(2), fixed(20), fixed(2)]

    sheet = build(segments, starts_at=AIR, target=HOUR, now=NOW)

    assert [row.front for row in sheet.rows] == [
        Span.exact(mins(0)),
        Span.exact(mins(1)),
        Span.exact(mins(3)),
        Span.exact(mins(23)),
    ]
    assert [row.front_at.earliest for row in sheet.rows] == [
        AIR,
        AIR + mins(1),
        AIR + mins(3),
        AIR + mins(23),
    ]


def test_back_times_are_latest_starts_that_end_on_the_target() -> None:
    segments = [fixed(10), fixed(20), fixed(5)]

    sheet = build(segments, starts_at=AIR, target=HOUR, now=NOW)

    # The last segment must start 5 minutes before the hour, the one before 25, the first 35.
    assert [row.back for row in sheet.rows] == [
        Span.exact(mins(25)),
        Span.exact(mins(35)),
        Span.exact(mins(55)),
    ]
    assert sheet.rows[2].back_at == Moment(AIR + mins(55), AIR + mins(55))
    assert sheet.rows[0].slack == Span.exact(mins(25))


def test_ranges_carry_through_as_earliest_and_latest() -> None:
    segments = [fixed(2), ranged(5, 10), fixed(20), ranged(1, 3)]

    sheet = build(segments, starts_at=AIR, target=HOUR, now=NOW)

    assert sheet.rows[2].front == Span(mins(7), mins(12))
    assert sheet.rows[3].front == Span(mins(27), mins(32))
    assert sheet.total == Span(mins(28), mins(35))
    # Back time of the range segment: the rest (20 + 1..3) after it, plus itself (5..10).
    assert sheet.rows[1].back == Span(HOUR - mins(33), HOUR - mins(26))
    assert sheet.rows[3].back == Span(mins(57), mins(59))
    assert sheet.rows[1].front_at == Moment(AIR + mins(2), AIR + mins(2))
    assert sheet.rows[2].front_at == Moment(AIR + mins(7), AIR + mins(12))
    assert sheet.has_ranges


def test_segments_without_a_duration_take_no_time_and_are_counted() -> None:
    segments = [fixed(5), untimed(), fixed(10)]

    sheet = build(segments, starts_at=AIR, target=HOUR, now=NOW)

    assert sheet.untimed_count == 1
    assert not sheet.rows[1].is_timed
    assert sheet.rows[1].front == sheet.rows[2].front == Span.exact(mins(5))
    assert sheet.total == Span.exact(mins(15))


def test_total_under_the_target() -> None:
    sheet = build([fixed(20), ranged(10, 30)], starts_at=None, target=HOUR, now=NOW)

    assert sheet.verdict is Verdict.UNDER
    assert sheet.over_under == Span(mins(-30), mins(-10))


def test_total_over_the_target() -> None:
    sheet = build([fixed(50), ranged(15, 20)], starts_at=None, target=HOUR, now=NOW)

    assert sheet.verdict is Verdict.OVER
    assert sheet.over_under == Span(mins(5), mins(10))


def test_total_exactly_on_target() -> None:
    sheet = build([fixed(30), fixed(30)], starts_at=None, target=HOUR, now=NOW)

    assert sheet.verdict is Verdict.ON_TARGET
    assert sheet.over_under == Span.exact(timedelta(0))


def test_a_range_that_contains_the_target_fits() -> None:
    sheet = build([fixed(40), ranged(15, 25)], starts_at=None, target=HOUR, now=NOW)

    assert sheet.verdict is Verdict.FITS
    assert sheet.over_under == Span(mins(-5), mins(5))


@pytest.mark.parametrize(
    ("segments", "verdict"),
    [
        ([ranged(30, 60)], Verdict.FITS),  # the top of the range lands on the target
        ([ranged(60, 90)], Verdict.FITS),  # the bottom of the range lands on the target
        ([fixed(59)], Verdict.UNDER),
        ([fixed(61)], Verdict.OVER),
    ],
)
def test_verdict_at_the_edges(segments: list[Seg], verdict: Verdict) -> None:
    assert build(segments, starts_at=None, target=HOUR, now=NOW).verdict is verdict


def test_without_an_air_start_times_are_offsets_only() -> None:
    sheet = build([fixed(5), fixed(5)], starts_at=None, target=HOUR, now=NOW)

    assert sheet.rows[1].front == Span.exact(mins(5))
    assert sheet.rows[1].front_at is None
    assert sheet.rows[1].back_at is None
    assert sheet.ends_at is None
    assert sheet.starts_in is None


def test_ends_at_and_target_end() -> None:
    sheet = build([fixed(45), ranged(5, 20)], starts_at=AIR, target=HOUR, now=NOW)

    assert sheet.ends_at == Moment(AIR + mins(50), AIR + mins(65))
    assert sheet.target_end_at == AIR + HOUR


def test_starts_in_counts_from_now() -> None:
    before = build([fixed(5)], starts_at=AIR, target=HOUR, now=NOW)
    after = build([fixed(5)], starts_at=AIR, target=HOUR, now=AIR + mins(90))

    assert before.starts_in == AIR - NOW
    assert after.starts_in == -mins(90)


def test_empty_run_sheet() -> None:
    sheet = build([], starts_at=AIR, target=HOUR, now=NOW)

    assert sheet.rows == []
    assert sheet.total == Span.exact(timedelta(0))
    assert sheet.verdict is Verdict.UNDER


def test_over_long_plan_gives_back_times_before_the_air_start() -> None:
    sheet = build([fixed(50), fixed(20)], starts_at=AIR, target=HOUR, now=NOW)

    assert sheet.rows[0].back == Span.exact(mins(-10))
    assert sheet.rows[0].slack == Span.exact(mins(-10))


def test_row_end_and_index_and_segment_identity() -> None:
    segments = [fixed(3), ranged(2, 4)]

    sheet = build(segments, starts_at=AIR, target=HOUR, now=NOW)

    assert sheet.rows[1].segment is segments[1]
    assert sheet.rows[1].index == 1
    assert sheet.rows[1].end == Span(mins(5), mins(7))


def test_span_arithmetic() -> None:
    a = Span(mins(5), mins(10))
    b = Span(mins(1), mins(2))

    assert a + b == Span(mins(6), mins(12))
    assert a - b == Span(mins(3), mins(9))
    assert Span.exact(mins(3)).is_exact
    assert not a.is_exact


@pytest.mark.parametrize(
    ("low", "high", "message"),
    [
        (5, None, "both"),
        (None, 5, "both"),
        (10, 5, "above its maximum"),
        (-1, 5, "negative"),
    ],
)
def test_planned_rejects_impossible_durations(
    low: int | None, high: int | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Planned(low, high)


def test_planned_kinds() -> None:
    assert Planned(60, 60).is_set
    assert not Planned(60, 60).is_range
    assert Planned(300, 600).is_range
    assert not Planned(None, None).is_set
    assert Planned(None, None).span() == Span.exact(timedelta(0))


def test_negative_target_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        build([fixed(1)], starts_at=None, target=-HOUR, now=NOW)


def test_invalid_segment_duration_is_refused() -> None:
    with pytest.raises(ValueError, match="above its maximum"):
        build([Seg(600, 300)], starts_at=None, target=HOUR, now=NOW)


def test_over_and_under_read_as_amounts_beside_their_word() -> None:
    from episodes.templatetags.showtime import over_under_amount

    assert over_under_amount(Span.exact(mins(-32))) == "32 min"
    assert over_under_amount(Span(mins(-28), mins(-23))) == "23 min to 28 min"
    assert over_under_amount(Span(mins(5), mins(10))) == "5 min to 10 min"
    assert over_under_amount(Span(mins(-5), mins(5))) == "−5 min to +5 min"
    assert over_under_amount(Span(mins(-5), mins(0))) == "−5 min to 0 min"

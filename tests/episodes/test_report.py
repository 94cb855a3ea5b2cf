"""Planned against actual, worked out without a database."""

from datetime import UTC, datetime, timedelta

import pytest

from episodes import timing_report
from episodes.runsheet import Planned
from episodes.timing_report import PlannedSegment, Played, Run

T0 = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)


def run(segment_id: int | None, start: int, seconds: float | None, **kwargs: object) -> Run:
    defaults: dict[str, object] = {
        "title": f"Segment {segment_id}",
        "planned": Planned(300, 300),
        "paused_ms": 0,
        "kind": "other",
    }
    values = {**defaults, **kwargs}
    return Run(
        segment_id=segment_id,
        started_at=T0 + timedelta(seconds=start),
        ended_at=None if seconds is None else T0 + timedelta(seconds=start + seconds),
        **values,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("planned", "actual", "expected"),
    [
        (Planned(300, 300), 360, 60),
        (Planned(300, 300), 240, -60),
        (Planned(300, 300), 300, 0),
        (Planned(300, 600), 450, 0),  # anywhere inside a range meets it
        (Planned(300, 600), 660, 60),  # over: past the maximum
        (Planned(300, 600), 200, -100),  # under: short of the minimum
        (Planned(None, None), 500, None),
    ],
)
def test_difference_counts_from_the_nearest_end_of_the_plan(
    planned: Planned, actual: float, expected: float | None
) -> None:
    assert timing_report.difference(planned, actual) == expected


def test_episode_report_gives_each_segment_its_time_on_air_and_difference() -> None:
    segments = [
        PlannedSegment(1, "News", "news", Planned(300, 300)),
        PlannedSegment(2, "Talk", "questions", Planned(1200, 1500), 4, 3, 1),
        PlannedSegment(3, "Wrap", "wrap_up", Planned(180, 180)),
    ]
    runs = [
        run(1, 0, 330),
        run(
            2, 330, 1290, paused_ms=90_000, planned=Planned(1200, 1500)
        ),  # 1,290 s on the clock, 90 s of it paused
        run(3, 1620, 150, planned=Planned(180, 180)),
    ]

    result = timing_report.episode_report(segments, runs, target_seconds=1800)

    news, talk, wrap = result.rows
    assert (news.actual_seconds, news.delta_seconds, news.verdict) == (330, 30, "over")
    assert (talk.actual_seconds, talk.delta_seconds, talk.verdict) == (1200, 0, "on")
    assert (wrap.actual_seconds, wrap.delta_seconds, wrap.verdict) == (150, -30, "under")
    assert result.actual_seconds == 1680
    assert result.target_delta_seconds == -120
    assert result.planned_total == Planned(1680, 1980)
    assert result.questions == (4, 3, 1)
    assert result.started_at == T0
    assert result.ended_at == T0 + timedelta(seconds=1770)


def test_a_segment_played_twice_counts_both_stretches_with_its_first_plan() -> None:
    segments = [PlannedSegment(1, "News", "news", Planned(600, 600))]
    runs = [
        run(1, 0, 100, planned=Planned(300, 300)),
        run(1, 200, 250, planned=Planned(600, 600)),  # replanned on air, then went back to it
    ]

    (row,) = timing_report.episode_report(segments, runs, target_seconds=600).rows

    assert row.actual_seconds == 350
    assert row.planned == Planned(300, 300)
    assert row.started_at == T0


def test_unplayed_deleted_and_running_segments_are_told_apart() -> None:
    segments = [
        PlannedSegment(1, "News", "news", Planned(300, 300)),
        PlannedSegment(2, "Demo", "demo", Planned(600, 600)),
        PlannedSegment(3, "Skipped", "other", Planned(60, 60)),
    ]
    runs = [
        run(1, 0, 300),
        run(None, 300, 120, title="Cut item", planned=Planned(None, None)),  # deleted after it ran
        run(2, 420, None),  # on air now
    ]

    result = timing_report.episode_report(segments, runs, target_seconds=1800)

    assert [(r.title, r.verdict, r.deleted) for r in result.rows] == [
        ("News", "on", False),
        ("Demo", "not_played", False),
        ("Skipped", "not_played", False),
        ("Cut item", "unplanned", True),
    ]
    assert result.running
    assert result.actual_seconds == 420


def test_an_episode_never_on_air_has_no_runs() -> None:
    result = timing_report.episode_report(
        [PlannedSegment(1, "News", "news", Planned(300, 300))], [], target_seconds=600
    )

    assert not result.has_runs
    assert result.started_at is None
    assert result.rows[0].verdict == "not_played"


def test_played_segments_add_up_per_episode_and_leave_out_unfinished_runs() -> None:
    played = timing_report.played_segments(
        [
            (1, run(10, 0, 100, kind="news")),
            (1, run(10, 500, 50, kind="news")),
            (2, run(10, 0, 70, kind="news")),  # same segment id, another episode
            (2, run(11, 70, None, kind="demo")),
        ]
    )

    assert sorted((p.episode_id, p.seconds) for p in played) == [(1, 150), (2, 70)]


def test_by_kind_averages_and_counts_the_overruns_in_show_order() -> None:
    played = [
        Played(1, "questions", Planned(1200, 1200), 1500),
        Played(2, "questions", Planned(1200, 1200), 1380),
        Played(3, "questions", Planned(1200, 1500), 1320),
        Played(1, "news", Planned(300, 300), 280),
        Played(2, "news", Planned(None, None), 320),
        Played(1, "other", Planned(60, 60), 60),
    ]

    news, questions, other = timing_report.by_kind(played)

    assert (news.kind, questions.kind, other.kind) == ("news", "questions", "other")
    assert questions.count == 3
    assert questions.mean_seconds == 1400
    assert questions.median_seconds == 1380
    assert questions.mean_planned_seconds == 1250
    assert (questions.over_count, questions.over_share) == (2, 2 / 3)
    assert questions.mean_over_seconds == 240
    assert questions.mean_delta_seconds == 160  # 300, 180 and 0 (inside its range)
    assert questions.episodes == {1, 2, 3}
    assert news.over_share == 0  # only the planned one counts
    assert news.mean_over_seconds is None


def test_usual_seconds_needs_a_few_runs_before_it_says_anything() -> None:
    played = [
        Played(1, "questions", Planned(1200, 1200), 1400),
        Played(2, "questions", Planned(1200, 1200), 1480),
        Played(1, "demo", Planned(600, 600), 900),
    ]

    assert timing_report.usual_seconds(played) == {"questions": (1440, 2)}


def test_kind_chart_scales_bars_to_whole_minute_ticks() -> None:
    stats = timing_report.by_kind(
        [
            Played(1, "questions", Planned(1200, 1200), 1500),
            Played(1, "news", Planned(None, None), 300),
        ]
    )

    chart = timing_report.kind_chart(stats, {"questions": "Questions", "news": "News"}, width=720)

    news, questions = chart.rows
    assert questions.is_over
    assert not news.is_over  # no plan to be over
    assert (news.label, questions.label) == ("News", "Questions")
    assert news.planned is None
    # 25 min at most, and room beside it for the figures: a scale of 40 min in steps of 10.
    assert questions.actual.width == pytest.approx(chart.plot_width * 25 / 40)
    assert questions.planned is not None
    assert questions.planned.width == pytest.approx(chart.plot_width * 20 / 40)
    assert [minutes for _, minutes in chart.ticks] == [0, 10, 20, 30, 40]
    assert chart.ticks[-1][0] == pytest.approx(chart.label_width + chart.plot_width)
    assert chart.height > questions.actual.y

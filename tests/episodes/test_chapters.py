"""Video chapters: from the times on air, and back from what a producer edited."""

from datetime import UTC, datetime, timedelta

import pytest

from episodes import chapters
from episodes.chapters import Chapter
from episodes.formats import ParseError

T0 = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def runs(
    *stretches: tuple[float, float | None, str],
) -> list[tuple[datetime, datetime | None, str]]:
    return [(at(start), None if end is None else at(end), title) for start, end, title in stretches]


def test_chapters_count_from_the_first_segment_with_pauses_left_in() -> None:
    result = chapters.from_runs(
        runs((30, 330, "News"), (330, 1600, "Talk with Dana"), (1600, 1800, "Wrap up"))
    )

    assert result == [Chapter(0, "News"), Chapter(300, "Talk with Dana"), Chapter(1570, "Wrap up")]
    assert chapters.render(result) == "00:00 News\n05:00 Talk with Dana\n26:10 Wrap up\n"


def test_a_chapter_shorter_than_ten_seconds_goes_to_the_one_before() -> None:
    # The caller pressed next twice by mistake, then went back: "Demo" was on for 4 s.
    result = chapters.from_runs(
        runs(
            (0, 300, "News"),
            (300, 304, "Demo"),
            (304, 900, "Talk"),
            (900, 1200, "Demo"),
            (1200, 1205, "Wrap up"),  # the last one, too short too
        )
    )

    assert result == [Chapter(0, "News"), Chapter(304, "Talk"), Chapter(900, "Demo")]


def test_a_short_first_chapter_gives_way_to_the_next_at_zero() -> None:
    result = chapters.from_runs(runs((0, 3, "Hook"), (3, 200, "News"), (200, 400, "Talk")))

    assert result == [Chapter(0, "News"), Chapter(200, "Talk")]


def test_going_back_to_the_segment_just_on_adds_no_chapter() -> None:
    result = chapters.from_runs(
        runs((0, 100, "News"), (100, 105, "Talk"), (105, 300, "News"), (300, 600, "Talk"))
    )

    assert result == [Chapter(0, "News"), Chapter(300, "Talk")]


def test_a_show_over_an_hour_writes_hours_on_every_line() -> None:
    result = chapters.from_runs(
        runs((0, 1800, "Part one"), (1800, 3700, "Part two"), (3700, 4000, "End"))
    )

    assert chapters.render(result) == "00:00:00 Part one\n00:30:00 Part two\n01:01:40 End\n"


def test_no_runs_no_chapters() -> None:
    assert chapters.from_runs([]) == []
    assert chapters.render([]) == ""


def test_edited_chapters_read_back_in_the_forms_people_write() -> None:
    text = "0:00 Intro\n\n1:30 - News round\n12:05 Talk: Dana on plugins\n1:02:03 Wrap up\n"

    assert chapters.parse(text) == [
        Chapter(0, "Intro"),
        Chapter(90, "News round"),
        Chapter(725, "Talk: Dana on plugins"),
        Chapter(3723, "Wrap up"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("00:05 Intro\n01:00 News\n", 1, "The first chapter must start at 00:00."),
        ("00:00 Intro\nNews at one\n", 2, "“News at one” does not start with a time"),
        ("00:00 Intro\n00:08 News\n", 2, "The chapter before this one is 8 s long"),
        ("00:00 Intro\n05:00 News\n04:00 Talk\n", 3, "Chapters must be in order"),
        ("00:00 Intro\n05:00\n", 2, "This chapter has no title."),
        ("00:00 Intro\n05:75 News\n", 2, "is not a time"),
        ("00:00 " + "x" * 101 + "\n", 1, "101 characters long"),
    ],
)
def test_edited_chapters_that_a_video_site_would_refuse_say_where(
    text: str, line: int, reason: str
) -> None:
    with pytest.raises(ParseError) as caught:
        chapters.parse(text)

    assert caught.value.line == line
    assert reason in caught.value.reason


def test_a_huge_paste_is_refused_before_it_is_read() -> None:
    with pytest.raises(ParseError, match="the limit is 20,000"):
        chapters.parse("00:00 Intro\n" * 2000)


def test_empty_chapters_are_refused() -> None:
    with pytest.raises(ParseError, match="There are no chapters"):
        chapters.parse("\n  \n")


def test_fewer_than_three_chapters_is_a_warning_not_an_error() -> None:
    two = chapters.parse("00:00 Intro\n10:00 Talk\n")

    assert chapters.warnings(two) == [
        "Video sites show chapters only when there are at least 3; there are 2."
    ]
    assert chapters.warnings([*two, Chapter(900, "End")]) == []

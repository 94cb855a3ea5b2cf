"""The run-sheet shapes of issue 14, one small document each in tests/fixtures/runsheets/: what
each reads as, what is left only in notes, and the bad input that is refused with its line."""

from datetime import date
from pathlib import Path

import pytest

from episodes.formats import ParseError, read
from episodes.formats.document import EVERYONE, EpisodeDocument
from episodes.formats.summary import summarize

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "runsheets"
TODAY = date(2026, 11, 22)


def read_fixture(name: str) -> EpisodeDocument:
    path = FIXTURES / name
    (doc,) = read(path.read_text(encoding="utf-8"), today=TODAY, path=path, show="show")
    return doc


def addressed(doc: EpisodeDocument, title: str) -> list[tuple[list[str], str]]:
    segment = next(s for s in doc.segments if s.title == title)
    return [(q.addressed_to, q.text) for q in segment.questions]


def kept(doc: EpisodeDocument) -> list[tuple[int, str]]:
    return [(k.line, k.text) for k in doc.kept_as_notes]


def test_a_show_name_and_number_in_the_heading_speakers_in_a_segment_and_both() -> None:
    doc = read_fixture("late-show-112.md")

    assert (doc.show_name, doc.number, doc.air_date) == ("Late Show", 112, date(2023, 2, 3))
    assert doc.title == "Widgets and gadgets"
    assert doc.hook.startswith("Tonight we take apart")
    assert [(s.name, s.role) for s in doc.speakers] == [
        ("Ana Lopez", "guest"),
        ("Ben Ode", "guest"),
    ]
    assert doc.segments[0].notes == ""  # the speakers: line named the guests
    assert addressed(doc, "Questions") == [
        (["Ana Lopez"], "how did widgets start?"),
        (["Ben Ode"], "what is a gadget?"),
        (["Ana Lopez", "Ben Ode"], "what comes next?"),
    ]
    assert kept(doc) == []


def test_show_hash_number_and_guests_joined_by_and() -> None:
    doc = read_fixture("show-hash-number.md")

    assert (doc.show_name, doc.number, doc.title) == ("Show", 27, "Sprockets in the wild")
    assert doc.air_date == date(2024, 3, 9)
    assert [s.name for s in doc.speakers] == ["Lee Park", "Zoë Brandt"]
    assert addressed(doc, "General Questions") == [
        (["Lee Park"], "where do sprockets break first?"),
        (["Zoë Brandt"], "what would you measure?"),
    ]
    assert [(n.title, n.url) for n in doc.news] == [
        ("Sprocket 4 is out", "https://sprockets.example.org/4"),
        ("Meetup next Tuesday", ""),
    ]
    assert kept(doc) == []


def test_a_title_ending_in_a_question_mark_and_a_segment_phrased_as_a_question() -> None:
    doc = read_fixture("question-title.md")

    assert doc.title == "Can widgets fly?"
    assert doc.hook == "Nobody has flown a widget yet. Tonight we try."
    assert [(s.title, s.kind, s.planned_seconds) for s in doc.segments] == [
        ("Hook", "hook", 60),
        ("Is the new release worth it?", "questions", 300),
        ("wrap up", "wrap_up", 120),
    ]
    assert addressed(doc, "Is the new release worth it?") == [
        ([], "what changed since the last one?"),
        ([], "who should wait?"),
    ]
    assert kept(doc) == [(13, "- Thank everyone for watching.")]


def test_a_person_named_by_first_name_and_in_full_is_one_guest_with_the_full_name() -> None:
    doc = read_fixture("same-person.md")

    assert [(s.name, s.role) for s in doc.speakers] == [("Dana Li", "guest")]
    assert doc.segments[0].kind == "questions"
    assert addressed(doc, "Chat with Dana") == [
        (["Dana Li"], "when did you first try?"),
        (["Dana Li"], "what broke?"),
    ]
    assert doc.segments[1].owner == "Dana Li"


def test_the_number_of_a_document_without_one_comes_from_its_folder() -> None:
    doc = read_fixture("07-numbered-folder/notes.md")

    assert doc.number == 7
    assert addressed(doc, "Questions") == [([EVERYONE], "what did you ship this week?")]


def test_both_with_other_than_two_guests_is_everyone() -> None:
    (doc,) = read(
        "# Show Episode 3\n\nguests: Ana Lopez, Ben Ode, Lee Park\n\n**Questions** (5 mins)\n"
        "- Both: hello?\n",
        today=TODAY,
        show="show",
    )

    assert addressed(doc, "Questions") == [([EVERYONE], "hello?")]


def test_a_placeholder_speakers_line_stays_a_note() -> None:
    doc = read_fixture("talk-show-12.md")

    assert (13, "speakers: intro") in kept(doc)
    assert [s.name for s in doc.speakers] == ["Sam", "Dana Li", "Omar Haddad"]


def test_the_summary_lists_what_is_saved_and_the_notes_with_their_lines() -> None:
    lines = summarize(read_fixture("talk-show-12.md")).lines()

    assert "  number: 12" in lines
    assert "       - to both (Dana Li and Omar Haddad): What surprised you most?" in lines
    assert "    5. Let us dive into demo (Demo, 5-10 min, led by Dana Li)" in lines
    assert "    line 13, in the notes of “speaker intro”: speakers: intro" in lines


@pytest.mark.parametrize(
    ("name", "line", "reason"),
    [
        ("ten-minutes.md", 4, "The duration “(ten minutes)” is not one the importer can count"),
        ("negative-number.md", 1, "Episode numbers start at 1; the heading's number is negative"),
        ("absurd-number.md", 1, "The episode number 99999999 is too large: at most 999,999."),
    ],
)
def test_bad_documents_are_refused_naming_the_line(name: str, line: int, reason: str) -> None:
    with pytest.raises(ParseError) as refused:
        read_fixture(name)

    assert refused.value.line == line
    assert reason in refused.value.reason


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("# Show Episode 3\n\n**Intro** (-5 mins)\n", 3, "“(-5 mins)” is not one the importer"),
        ("# Show Episode 3\n\n**Intro** (99999999 mins)\n", 3, "is far too long"),
        ("# Show Episode 3\n\n**Intro** (2000 mins)\n", 3, "is longer than a day"),
        ("# Show Episode 3\nTitle\x00\x01\x02\n", 2, "is this a binary file?"),
        ("# Show Episode 0\n", 1, "Episode numbers start at 1."),
        ("# Show Episode 3, May 3, 2022 at 25:00 UTC\n", 1, "is not a time of day"),
    ],
)
def test_bad_lines_are_refused_naming_the_line(text: str, line: int, reason: str) -> None:
    with pytest.raises(ParseError) as refused:
        read(text, today=TODAY, show="show")

    assert refused.value.line == line
    assert reason in refused.value.reason


def test_a_time_after_the_date_with_its_offset_gives_the_start() -> None:
    (doc,) = read("# Late Show 112 — Feb 3, 2023 at 20:00 UTC+01:00\nTitle\n", today=TODAY)

    assert doc.starts_at is not None
    assert doc.starts_at.isoformat() == "2023-02-03T20:00:00+01:00"
    assert doc.title == "Title"

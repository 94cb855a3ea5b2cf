"""The episode JSON format: dump, load, and the field-by-field checks."""

import copy
import json
from datetime import date
from typing import Any

import pytest

from episodes.formats import episode_json
from episodes.formats.document import ParseError

EPISODE: dict[str, Any] = {
    "format": "showrunner.episode/1",
    "show": {"slug": "talk-show", "name": "Talk Show", "time_zone": "Europe/Berlin"},
    "number": 12,
    "title": "Building a Widget Together",
    "air_date": "2026-03-03",
    "starts_at": "2026-03-03T18:00:00+01:00",
    "target_seconds": 3600,
    "status": "scheduled",
    "hook": "Widgets are everywhere.",
    "description": "What a good widget needs.",
    "recording_url": "",
    "join_url": "https://studio.example.org/room",
    "speakers": [
        {"name": "Sam Rivera", "role": "host", "is_group": False, "email": "", "links": []},
        {
            "name": "Dana Li",
            "role": "guest",
            "is_group": False,
            "email": "dana@example.org",
            "links": ["https://dana.example.org"],
        },
        {"name": "widget team", "role": "guest", "is_group": True, "email": "", "links": []},
    ],
    "segments": [
        {
            "title": "Hook",
            "kind": "hook",
            "planned_seconds": 60,
            "planned_max_seconds": 60,
            "owner": None,
            "notes": "Widgets are everywhere.",
            "questions": [],
        },
        {
            "title": "General Questions",
            "kind": "questions",
            "planned_seconds": 1200,
            "planned_max_seconds": 1200,
            "owner": "Sam Rivera",
            "notes": "Components:",
            "questions": [
                {
                    "text": "How did you start?",
                    "addressed_to": ["Dana Li"],
                    "notes": "her first patch",
                    "status": "planned",
                },
                {"text": "What next?", "addressed_to": ["all"], "notes": "", "status": "asked"},
                {
                    "text": "Roadmap?",
                    "addressed_to": ["widget team"],
                    "notes": "",
                    "status": "skipped",
                },
                {"text": "Anything else?", "addressed_to": [], "notes": "", "status": "planned"},
            ],
        },
        {
            "title": "Demo",
            "kind": "demo",
            "planned_seconds": 300,
            "planned_max_seconds": 600,
            "owner": "Dana Li",
            "notes": "",
            "questions": [],
        },
        {
            "title": "Wrap up",
            "kind": "wrap_up",
            "planned_seconds": None,
            "planned_max_seconds": None,
            "owner": None,
            "notes": "",
            "questions": [],
        },
    ],
    "news": [
        {"title": "Widget 2.0", "url": "https://news.example.org/2-0", "notes": ""},
        {"title": "Conference next week!!", "url": "", "notes": "book tickets"},
    ],
}


def with_change(path: str, value: object) -> dict[str, Any]:
    data = copy.deepcopy(EPISODE)
    target: Any = data
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    target[int(last) if last.isdigit() else last] = value
    return data


def test_load_then_dump_gives_the_same_data() -> None:
    doc = episode_json.load(EPISODE)

    assert doc.air_date == date(2026, 3, 3)
    assert episode_json.dump(doc, time_zone="Europe/Berlin") == EPISODE


def test_loads_accepts_one_object_or_a_list() -> None:
    assert len(episode_json.loads(json.dumps(EPISODE))) == 1
    assert len(episode_json.loads(json.dumps([EPISODE, EPISODE]))) == 2


def test_an_empty_list_is_refused() -> None:
    """Found by fuzzing: "[]" previewed as nothing, with a Save button that saved nothing."""
    with pytest.raises(ParseError, match="holds no episode"):
        episode_json.loads("[]")


def test_syntax_error_reports_the_line() -> None:
    with pytest.raises(ParseError) as caught:
        episode_json.loads('{\n  "format": "showrunner.episode/1",\n  "title": oops\n}')

    assert caught.value.line == 3


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("format", "showrunner.episode/9", "format: must be “showrunner.episode/1”"),
        ("show.slug", "", "show.slug: must not be empty"),
        ("show.slug", "Not A Slug", "is not a slug"),
        ("number", "twelve", "number: must be a whole number"),
        ("number", 0, "episode numbers start at 1"),
        ("number", 2**31, "number: must be at most 999,999."),
        ("number", 2**63 - 1, "number: must be at most 999,999."),
        ("target_seconds", 2**31, "target_seconds: must be at most 86,400 s."),
        ("air_date", "9999-12-31", "air_date: the year must be between 1900 and 2199."),
        ("starts_at", "0001-01-01T00:30:00+09:00", "starts_at: the year must be between 1900"),
        ("title", "a\ud800b", "title: contains an unpaired surrogate (U+D800)"),
        ("hook", "ring\x07", "hook: contains the control character U+0007"),
        ("title", "a\x00b", "title: contains a NUL character"),
        ("segments.1.questions.0.notes", "\x00", "segments[1].questions[0].notes: contains a NUL"),
        ("air_date", "03/03/2026", "air_date: “03/03/2026” is not a date"),
        ("starts_at", "2026-03-03T18:00:00", "starts_at: needs a UTC offset"),
        ("status", "aired", "status: must be one of"),
        ("speakers.1.role", "star", "speakers[1].role: must be one of"),
        ("speakers.1.email", "not-an-email", "speakers[1].email"),
        ("speakers.1.links", ["ftp://x.example.org"], "speakers[1].links[0]"),
        ("speakers.2.name", "Dana Li", "speakers[2].name: “Dana Li” is listed twice"),
        ("segments.1.title", " ", "segments[1].title: must not be empty"),
        ("segments.1.kind", "chat", "segments[1].kind: must be one of"),
        ("segments.1.planned_seconds", -60, "segments[1].planned_seconds: cannot be negative"),
        ("segments.1.planned_max_seconds", 60, "the maximum (60 s) is below the minimum"),
        (
            "segments.1.planned_max_seconds",
            2**40,
            "segments[1].planned_max_seconds: must be at most",
        ),
        ("segments.1.planned_max_seconds", None, "give both planned_seconds"),
        ("segments.1.owner", "Nobody", "segments[1].owner: “Nobody” is not one of the speakers"),
        (
            "segments.1.questions.0.addressed_to",
            ["Omar"],
            "segments[1].questions[0].addressed_to: “Omar” is not one of the speakers",
        ),
        ("segments.1.questions.0.addressed_to", ["all", "Dana Li"], "“all” already includes"),
        ("segments.1.questions.0.text", "", "segments[1].questions[0].text: must not be empty"),
        ("news.0.url", "not a url", "news[0].url: “not a url” is not a web address"),
        ("news.1.title", "", "news[1]: a news item needs a title or a url"),
        ("segments", {"not": "a list"}, "segments: must be a list"),
    ],
)
def test_each_field_is_checked_and_named(path: str, value: object, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        episode_json.load(with_change(path, value))

    assert message in str(caught.value)


def test_list_items_are_named_by_their_index() -> None:
    broken = with_change("segments.1.kind", "chat")

    with pytest.raises(ParseError, match=r"^\[1\]\.segments\[1\]\.kind"):
        episode_json.loads(json.dumps([EPISODE, broken]))


def test_json_over_the_size_limit_is_refused_before_parsing() -> None:
    text = '{"format": "showrunner.episode/1", "title": "' + "x" * 2_000_000 + '"}'

    with pytest.raises(ParseError) as caught:
        episode_json.loads(text)

    assert caught.value.reason == (
        f"The JSON is {len(text):,} characters long; the limit is 2,000,000."
    )

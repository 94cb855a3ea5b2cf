"""Reading recap posts from both generations of the Hugo site."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from episodes.formats import hugo_recap, read
from episodes.formats.document import ParseError

TODAY = date(2026, 11, 22)

OLD_STYLE = """---
title: Community Call - Widgets at Scale
linkTitle: Community Call - Widgets at Scale
newsSubtitle: October 6, 2022
publishdate: 2022-10-07
authors:
- name: Pat Example
  email: pat@example.org
  avatar: https://avatars.example.org/u/1?s=400
aliases: ["/blog/2022/10/06/01"]
---

## Presenters

This community call was led by [Sam Rivera](https://code.example.org/samrivera), [Lee Park](https://code.example.org/leepark) and Alex Kim.

## Topicss

Sam opens with what changed in the widget registry.

Lee then shows the new dashboard.

## Recording

{{< youtube id="AbCdEfGhIjK" title="Widgets at Scale" >}}
"""

NEW_STYLE = """---
aliases:
  - "/blog/2024/02/01/01"
authors:
  - avatar: "https://avatars.example.org/u/2"
    email: "lee@example.org"
    name: "Lee Park"
linkTitle: "Community Call - Faster Builds"
newsSubtitle: "February 1, 2024"
publishdate: "2024-02-02"
tags:
  - community
title: "Community Call - Faster Builds"
---

## Presenters

This community call was led by [Dana Li](https://code.example.org/dana) and [Omar Haddad](https://code.example.org/omar).

## Overview

Build caching, explained.

## Recording

<YouTubeVideo videoId="ZyXwVuTsRqP" />
"""

ANNOUNCEMENT = """---
title: Community Call - Planning 2027
linkTitle: Community Call - Planning 2027
newsSubtitle: January 14, 2027
publishdate: 2026-12-20
authors:
- name: Pat Example
  email: pat@example.org
  avatar: https://avatars.example.org/u/1
aliases: ["/blog/2026/12/20/01"]
---

## Presenters

This community call will be led by Sam Rivera.

## Topics

What we build next year.

## Meeting Link

Join at [the meeting room](https://meet.example.org/room-42) from 10:00-11:00 AM CEST.
"""


def test_old_style_recap() -> None:
    doc = hugo_recap.parse(OLD_STYLE, today=TODAY)

    assert (doc.show_name, doc.show_slug, doc.title) == (
        "Community Call",
        "community-call",
        "Widgets at Scale",
    )
    assert doc.air_date == date(2022, 10, 6)  # the event (newsSubtitle), not the publish date
    assert doc.status == "done"
    assert doc.recording_url == "https://www.youtube.com/watch?v=AbCdEfGhIjK"
    assert doc.description.startswith("Sam opens with")  # read from the misspelled section
    assert [(s.name, s.role, s.links) for s in doc.speakers] == [
        ("Pat Example", "producer", []),
        ("Sam Rivera", "presenter", ["https://code.example.org/samrivera"]),
        ("Lee Park", "presenter", ["https://code.example.org/leepark"]),
        ("Alex Kim", "presenter", []),
    ]
    assert doc.speakers[0].email == "pat@example.org"
    assert doc.segments == []


def test_new_style_recap_with_sorted_quoted_keys_and_the_video_component() -> None:
    doc = hugo_recap.parse(NEW_STYLE, today=TODAY)

    assert doc.title == "Faster Builds"
    assert doc.air_date == date(2024, 2, 1)
    assert doc.recording_url == "https://www.youtube.com/watch?v=ZyXwVuTsRqP"
    assert doc.description == "Build caching, explained."
    assert [s.name for s in doc.speakers] == ["Lee Park", "Dana Li", "Omar Haddad"]


def test_announcement_gives_start_length_and_meeting_link() -> None:
    doc = hugo_recap.parse(ANNOUNCEMENT, today=TODAY)

    assert doc.status == "scheduled"
    assert doc.join_url == "https://meet.example.org/room-42"
    assert doc.starts_at == datetime(2027, 1, 14, 10, 0, tzinfo=timezone(timedelta(hours=2)))
    assert doc.starts_at.astimezone(UTC).hour == 8
    assert doc.target_seconds == 3600
    assert [(s.name, s.role) for s in doc.speakers][-1] == ("Sam Rivera", "presenter")


@pytest.mark.parametrize(
    ("text", "start", "minutes"),
    [
        ("9:30 - 10:15 am PT", datetime(2027, 1, 14, 17, 30, tzinfo=UTC), 45),
        ("15:00-16:30 UTC", datetime(2027, 1, 14, 15, 0, tzinfo=UTC), 90),
        ("11:00 AM - 12:00 PM EST", datetime(2027, 1, 14, 16, 0, tzinfo=UTC), 60),
    ],
)
def test_time_ranges_with_zones(text: str, start: datetime, minutes: int) -> None:
    doc = hugo_recap.parse(ANNOUNCEMENT.replace("10:00-11:00 AM CEST", text), today=TODAY)

    assert doc.starts_at == start
    assert doc.target_seconds == minutes * 60


def test_unknown_time_zone_is_an_error_with_its_line() -> None:
    with pytest.raises(ParseError) as caught:
        hugo_recap.parse(ANNOUNCEMENT.replace("CEST", "XYZT"), today=TODAY)

    assert caught.value.line == 21
    assert "XYZT" in caught.value.reason


def test_publishdate_is_used_when_the_subtitle_is_not_a_date() -> None:
    doc = hugo_recap.parse(
        OLD_STYLE.replace("newsSubtitle: October 6, 2022", "newsSubtitle: Our autumn call"),
        today=TODAY,
    )

    assert doc.air_date == date(2022, 10, 7)


def test_broken_front_matter_is_an_error_with_its_line() -> None:
    with pytest.raises(ParseError) as caught:
        hugo_recap.parse("---\ntitle: A\nauthors: [unclosed\n---\n", today=TODAY)

    assert caught.value.line is not None
    assert "not valid YAML" in caught.value.reason


@pytest.mark.parametrize("authors", ["5", "true", "Pat Example", "{name: Pat}"])
def test_authors_that_are_not_a_list_name_no_one(authors: str) -> None:
    doc = hugo_recap.parse(f"---\ntitle: A - B\nauthors: {authors}\n---\n", today=TODAY)

    assert doc.speakers == []


def test_title_without_show_needs_the_show_from_outside() -> None:
    (doc,) = read(
        OLD_STYLE.replace("Community Call - Widgets at Scale", "Widgets at Scale"),
        today=TODAY,
        show="calls",
    )

    assert (doc.show_slug, doc.title) == ("calls", "Widgets at Scale")


def test_read_tells_recaps_from_run_sheets() -> None:
    (recap,) = read(OLD_STYLE, today=TODAY)
    (runsheet,) = read("# Talk Show Episode 1, June 1, 2022\n", today=TODAY)

    assert recap.recording_url
    assert runsheet.number == 1


BILLION_LAUGHS = "\n".join(
    ["---", "title: A - B", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    + ["---", ""]
)


def test_front_matter_with_aliases_is_refused_naming_the_line() -> None:
    with pytest.raises(ParseError) as caught:
        hugo_recap.parse(BILLION_LAUGHS, today=TODAY)

    assert caught.value.line == 3
    assert "anchors and aliases (& and *) are not allowed" in caught.value.reason


def test_front_matter_with_an_anchor_alone_is_refused() -> None:
    with pytest.raises(ParseError) as caught:
        hugo_recap.parse("---\ntitle: A - B\ntags: &t [x]\n---\n", today=TODAY)

    assert caught.value.line == 3


def test_front_matter_over_the_size_limit_is_refused_before_parsing() -> None:
    text = "---\ntitle: A - B\nabout: " + "x" * hugo_recap.MAX_FRONT_MATTER + "\n---\n"

    with pytest.raises(ParseError) as caught:
        hugo_recap.parse(text, today=TODAY)

    assert "the limit is 20,000" in caught.value.reason


def test_front_matter_nested_too_deeply_is_an_error() -> None:
    text = "---\ntitle: A - B\nx: " + "[" * 5000 + "]" * 5000 + "\n---\n"

    with pytest.raises(ParseError, match="nested too deeply"):
        hugo_recap.parse(text, today=TODAY)

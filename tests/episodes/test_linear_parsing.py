"""Every reader of user text runs in time linear in its size.

Each parser gets the shapes that make a backtracking pattern slow -- long runs of the characters
its patterns repeat, after the text that leads into the repetition, and deep nesting -- at
100-200 KB. Linear readers take milliseconds; one quadratic pattern takes minutes, a cubic one
years. Each runs in a worker process (showrunner.isolated) that is stopped past a wall limit
generous enough never to be reached by a linear reader on a busy machine, so a regression fails
(with ``TooSlow``) rather than hangs. Nothing here is timed.
"""

import contextlib
from datetime import date
from functools import partial

import pytest
from django.core.exceptions import ValidationError

from episodes import chapters, forms
from episodes.formats import ParseError, episode_json, hugo_recap, markdown_runsheet, people, read
from showrunner import isolated

WALL_SECONDS = 20
N = 100_000
TODAY = date(2026, 1, 1)
RECAP = "---\ntitle: Call - Widgets\n---\n\n"

MARKDOWN = {
    "heading, spaces, text": "# a" + " " * N + "b\n",
    "heading, spaces, hashes": "# a" + " " * N + "#" * N + " x\n",
    "heading, hashes": "# a" + " #" * N + "x\n",
    "many headings with spaces": ("# a" + " " * 1000 + "b\n") * 100,
    "episode heading, spaces": "# Show Episode" + " " * N + "x\n",
    "show name, spaces, episode": "# Show" + " " * N + "Episode x\n",
    "bold, spaces": "**a" + " " * N + "b**c\n",
    "bold runs": "**" * N + "x\n",
    "underscores": "__a" + "_" * N + "\n",
    "dashes": "-- -" * (N // 2) + "x\n",
    "bullet, spaces": "- " + " " * N + "x?\n",
    "parentheses": "(" * N + "1 min\n",
    "duration, spaces": "Demo (1" + " " * N + "x\n",
    "one long capitalised word": "A" + "a" * N + "!\n",
    "capitalised words": "Aa " * (N // 2) + "will join\n",
    "names and particles": "Dana " + "de " * (N // 2) + "x\n",
    "pass to, long name": "Pass to A" + "a" * N + "!\n",
    "ask, names": "Ask " + "Aa and " * (N // 6) + "x\n",
    "joined by, names": "Sam is joined by " + "Aa, " * (N // 4) + "x\n",
    "prefix, spaces": "- a" + " " * N + "x\n",
    "label, links": "a:https://" * (N // 10) + " b\n",
    "label, spaces, colon": "a" + " " * N + "x: https://example.org\n",
    "link brackets": "[" * N + "\n",
    "role line, spaces": "Guests:" + " " * N + "\n",
    "team, spaces": "- widget" + " " * N + "x team: hi\n",
    "date, spaces": "# Show, March" + " " * N + "x\n",
    "minutes, spaces": "1" + " " * N + "min hook\n",
    "url, no end": "<https://" + "a" * N + " x\n",
    "tabs": "# a" + "\t" * N + "b\n",
    "no-break spaces": "# a" + "\u00a0" * N + "b\n",
    "one long line of prose": "Dana Li and Omar Haddad will join Sam to talk. " * (N // 48),
}
# Where in a run-sheet a line is read decides which patterns see it.
CONTEXTS = {
    "alone": "{}",
    "in the hook": "# Show Episode 1, March 3, 2021\n\n{}\nmore of the hook\n",
    "in news": "# Show Episode 1\n\n## News (5 mins)\n\n{}\n- [a](https://example.org) b\n",
    "in questions": "# Show Episode 1\n\nDana Li joins Sam.\n\n## Questions (10 mins)\n\n{}\n",
    "as a heading": "# Show Episode 1\n\n**{}**\n\n- Dana: why?\n",
    "as a bullet": "# Show Episode 1\n\n## Demo (5 mins)\n\n- {}\n  -- -{}\n",
}
RECAPS = {
    "front matter, dashes": "---\n" + "-" * N + "\n",
    "section, spaces": RECAP + "## a" + " " * N + "b\n",
    "section, hashes": RECAP + "## a" + " #" * N + "x\n",
    "presenters, brackets": RECAP + "## Presenters\n\n" + "[" * N + "\n",
    "presenters, links": RECAP + "## Presenters\n\n" + "[a](" * (N // 4) + "\n",
    "presenters, led by": RECAP + "## Presenters\n\nled by " + "Aa and " * (N // 7) + "x\n",
    "meeting, time ranges": RECAP + "## Meeting Link\n\n" + "1 " * N + "\n",
    "meeting, digits": RECAP + "## Meeting Link\n\n" + "10:00" + " " * N + "-\n",
    "video shortcode": RECAP + "## Recording\n\n{{< youtube " + " " * N + "\n",
    "video component": RECAP + "## Recording\n\n<YouTubeVideo " + "a" * N + "\n",
}
CHAPTERS = {
    "title, spaces": "00:00 a" + " " * 19_000 + "x\n",
    "spaces after the time": "00:00" + " " * 19_000 + "x\n",
    "many lines": "".join(f"{i // 60:02}:{i % 60:02} a  b\n" for i in range(0, 19_000, 10))[
        :19_990
    ],
}
JSON = {
    "long strings": '[{"format": "showrunner.episode/1", "title": "' + " " * N + '"}]',
    "long email": '[{"format": "showrunner.episode/1", "speakers": [{"name": "A", "email": "'
    + "a." * N
    + '"}]}]',
    "long web address": '[{"format": "showrunner.episode/1", "recording_url": "https://'
    + "a-" * N
    + '"}]',
}


def read_markdown(text: str) -> None:
    with contextlib.suppress(ParseError):
        markdown_runsheet.parse(text, today=TODAY)


def read_recap(text: str) -> None:
    with contextlib.suppress(ParseError):
        hugo_recap.parse(text, today=TODAY)


def read_any(text: str) -> None:
    with contextlib.suppress(ParseError):
        read(text, today=TODAY)


def read_chapters(text: str) -> None:
    with contextlib.suppress(ParseError):
        chapters.parse(text)


def read_json(text: str) -> None:
    with contextlib.suppress(ParseError):
        episode_json.loads(text)


def read_planned(text: str) -> None:
    with contextlib.suppress(ValidationError):
        forms.parse_planned(text)


def read_people(text: str) -> None:
    cast = people.Cast()
    cast.gather_from_prose(text)
    cast.gather_from_line(text)
    cast.split_prefix(text)
    cast.owner_from_cue(text)


def finishes(function: object, text: str) -> None:
    isolated.run(partial(function), text, seconds=WALL_SECONDS, megabytes=1500)


@pytest.fixture(autouse=True, scope="module")
def _workers_started() -> None:
    """The first call starts the workers; that is not what is being measured."""
    isolated.run(pow, 2, 2, seconds=120)


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("shape", MARKDOWN)
def test_markdown_runsheet_reads_adversarial_text_in_linear_time(shape: str, context: str) -> None:
    finishes(read_markdown, CONTEXTS[context].replace("{}", MARKDOWN[shape].strip()))


@pytest.mark.parametrize("shape", MARKDOWN)
def test_people_patterns_read_adversarial_text_in_linear_time(shape: str) -> None:
    finishes(read_people, MARKDOWN[shape].strip())


@pytest.mark.parametrize("shape", RECAPS)
def test_recap_post_reads_adversarial_text_in_linear_time(shape: str) -> None:
    finishes(read_recap, RECAPS[shape])


@pytest.mark.parametrize("shape", CHAPTERS)
def test_chapters_read_adversarial_text_in_linear_time(shape: str) -> None:
    finishes(read_chapters, CHAPTERS[shape])


@pytest.mark.parametrize("shape", JSON)
def test_episode_json_reads_adversarial_text_in_linear_time(shape: str) -> None:
    finishes(read_json, JSON[shape])
    finishes(read_any, JSON[shape])


def test_planned_time_reads_adversarial_text_in_linear_time() -> None:
    finishes(read_planned, "1" + " " * N + "x")
    finishes(read_planned, "1 min" + " " * N + "x")


def match_chapter_line(text: str) -> None:
    chapters.LINE.match(text)


def test_chapter_lines_are_matched_in_linear_time_beyond_the_size_limit() -> None:
    # The 20,000-character limit bounds a quadratic pattern to seconds; the pattern is linear.
    finishes(match_chapter_line, "00:00 a" + " " * 2 * N + "x")
    finishes(match_chapter_line, "00:00" + " " * 2 * N + "x")


def read_line_patterns(text: str) -> None:
    people.PREFIX.match(text)
    people.split_names(text)
    people.Cast().addressees(text)


@pytest.mark.parametrize(
    "text",
    ["Ask " + " " * N + "x", "a" + " " * N + "b", "Dana" + " " * N + "and", "Guests: a" + " " * N],
)
def test_question_prefixes_and_name_lists_are_read_in_linear_time(text: str) -> None:
    finishes(read_line_patterns, text)

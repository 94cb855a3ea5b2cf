"""Video chapters from the times segments actually went on air.

Video sites read chapters from the description as lines of ``<time> <title>``: the first at
00:00, in order, each at least 10 seconds long (and at least three of them to show a chapter
bar). The times here are wall-clock from the start of the first segment: a recording keeps
running through a pause, so pauses stay in. Pure: runs in, text out, and the text back in.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from .formats.document import ParseError

MIN_SECONDS = 10
MIN_CHAPTERS = 3
MAX_LENGTH = 20_000
# The title is the rest of the line, stripped afterwards: a lazy title before a run of spaces
# and the end would try every split of a long run of spaces (quadratic).
LINE = re.compile(r"^\s*(?:(?P<h>\d{1,2}):)?(?P<m>\d{1,3}):(?P<s>\d{2})(?P<title>.*)$")
SEPARATOR = re.compile(r"\s*[-–—:|]?")


@dataclass(frozen=True)
class Chapter:
    start: int  # seconds from the start of the video
    title: str


def from_runs(runs: Iterable[tuple[datetime, datetime | None, str]]) -> list[Chapter]:
    """Chapters from (started, ended, title) of each stretch on air, in any order.

    Going back to a segment that was just on adds nothing; a stretch too short to be a
    chapter is given to the one before it (the very first one, to the one after it).
    """
    ordered = sorted(runs, key=lambda run: run[0])
    if not ordered:
        return []
    origin = ordered[0][0]
    last_end = ordered[-1][1]  # None while the last one is still on air
    finish = int((last_end - origin).total_seconds()) if last_end is not None else None
    chapters: list[Chapter] = []
    for started, _, title in ordered:
        start = int((started - origin).total_seconds())
        if chapters and chapters[-1].title == title:
            continue
        if chapters and start - chapters[-1].start < MIN_SECONDS:
            chapters.pop()
            if not chapters:  # the first one is short: the next takes its place at 00:00
                chapters.append(Chapter(0, title))
            elif chapters[-1].title != title:
                chapters.append(Chapter(start, title))
            continue
        chapters.append(Chapter(start, title))
    if finish is not None and len(chapters) > 1 and finish - chapters[-1].start < MIN_SECONDS:
        chapters.pop()
    return chapters


def stamp(seconds: int, *, hours: bool) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02}:{m:02}:{s:02}" if hours else f"{m:02}:{s:02}"


def render(chapters: Sequence[Chapter]) -> str:
    """One chapter a line, "00:00 Title"; with hours for everyone once one needs them."""
    hours = any(chapter.start >= 3600 for chapter in chapters)
    return "".join(f"{stamp(c.start, hours=hours)} {c.title}\n" for c in chapters)


def parse(text: str) -> list[Chapter]:
    """Chapters as a person edited them; refuses what a video site would not accept."""
    if len(text) > MAX_LENGTH:
        raise ParseError(f"The chapters are {len(text):,} characters long; the limit is 20,000.")
    chapters: list[Chapter] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = LINE.match(line)
        if not match:
            raise ParseError(
                f"“{line.strip()[:60]}” does not start with a time such as 00:00 or 1:02:03.",
                number,
            )
        minutes, seconds = int(match["m"]), int(match["s"])
        if seconds > 59 or (match["h"] is not None and minutes > 59):
            raise ParseError(f"“{line.strip()[:60]}” is not a time.", number)
        start = int(match["h"] or 0) * 3600 + minutes * 60 + seconds
        title = match["title"]
        title = SEPARATOR.sub("", title, count=1).strip()  # it always matches at the start
        if not title:
            raise ParseError("This chapter has no title.", number)
        if len(title) > 100:
            raise ParseError(
                f"The title is {len(title)} characters long; the limit is 100.", number
            )
        if not chapters and start != 0:
            raise ParseError("The first chapter must start at 00:00.", number)
        if chapters and start <= chapters[-1].start:
            raise ParseError("Chapters must be in order: this one starts too early.", number)
        if chapters and start - chapters[-1].start < MIN_SECONDS:
            raise ParseError(
                f"The chapter before this one is {start - chapters[-1].start} s long; "
                f"each must be at least {MIN_SECONDS} s.",
                number,
            )
        chapters.append(Chapter(start, title))
    if not chapters:
        raise ParseError("There are no chapters: write one per line, such as “00:00 Intro”.")
    return chapters


def warnings(chapters: Sequence[Chapter]) -> list[str]:
    """What still works but a viewer would miss."""
    if len(chapters) < MIN_CHAPTERS:
        return [
            f"Video sites show chapters only when there are at least {MIN_CHAPTERS}; "
            f"there {'is' if len(chapters) == 1 else 'are'} {len(chapters)}."
        ]
    return []

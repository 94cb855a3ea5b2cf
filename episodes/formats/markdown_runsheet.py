"""Markdown run-sheets as producers write them by hand: reading every variant, and writing one.

The reader works on raw lines, not rendered Markdown: real files use broken bold
(``** Deep dive** (10 mins)``), ``--`` pseudo-nesting, and wrap-ups indented into what Markdown
would call a code block. ``docs/formats.md`` lists the variants; in short:

* a header (``# Show Episode 12, March 3, 2021`` and its variants), an optional title line, bare
  reference URLs, then the hook (after a ``1 min hook ...`` label, or the first paragraph);
* segments: a line carrying a duration ``(N mins)`` / ``(N-M mins)``, or a bold or plain line that
  is a usual segment label (news, speaker intro, questions, demo, wrap up, resources, ``Q/A with
  X``, ``Bring in X``); other label-like lines are sub-topics in the segment's notes;
* in questions, discussion and demo segments: each bullet, and each plain line ending in ``?``, is
  a question; the bullets right under a plain question and all sub-items are its notes;
* in news segments: one item per URL, titled by its label, and text-only items.
"""

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from datetime import timezone as dt_timezone

import re2
from django.utils.text import slugify

from showrunner import bounds

from .document import (
    EVERYONE,
    EpisodeDocument,
    KeptAsNotes,
    NewsDoc,
    ParseError,
    QuestionDoc,
    SegmentDoc,
)
from .people import NAME, PREFIX, TEAM, Cast, split_names

MONTHS = {
    name: index
    for index, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
DATE = re.compile(
    r"\b(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b"
)
# The heading's text is what follows the hashes, less spaces and closing hashes around it
# (heading_text): said in a pattern, the lazy text and three runs around it backtrack cubically.
HEADING = re.compile(r"^(?P<hashes>#{1,6})(?P<text>.*)$")
EPISODE = re.compile(
    r"^(?P<show>.*?)\b(?:Episode|Ep\.?)\s*(?:#\s*)?(?P<number>\d+)\b(?P<rest>.*)$", re.IGNORECASE
)
# "Late Show 112", "Show #27": the first run of digits in a heading that "Episode" did not match.
DIGITS = re.compile(r"\d+")
# A time after the date, written by the exporter: "at 20:00 UTC+01:00" (the offset is needed:
# a run-sheet does not say its show's time zone).
TIME = re.compile(
    r"^[\s,]*at\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})\s+UTC(?:(?P<sign>[+-])(?P<oh>\d{2}):(?P<om>\d{2}))?"
)
DURATION = re.compile(
    r"\(\s*(?P<min>\d+)\s*(?:(?:-|–|—|to)\s*(?P<max>\d+)\s*)?min(?:ute)?s?\.?\s*\)",
    re.IGNORECASE,
)
# Durations the reader cannot take, refused with their line rather than read as title text.
WORDY_DURATION = re.compile(
    r"\(\s*(?P<amount>-\s*\d+|[a-z]+(?:-[a-z]+)?)\s*min(?:ute)?s?\.?\s*\)", re.IGNORECASE
)
NUMBER_WORDS = {
    "a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "fifteen", "twenty", "thirty", "forty", "forty-five", "fifty", "sixty",
    "few", "several", "some",
}  # fmt: skip
MAX_DURATION_DIGITS = 5
HOOK_LABEL = re.compile(r"^(?P<minutes>\d+)\s*min(?:ute)?s?\.?\s+(?:hook|intro)\b", re.IGNORECASE)
URL_ONLY = re.compile(r"^<?(?P<url>https?://\S+?)>?$", re.IGNORECASE)
URL_ANYWHERE = re.compile(r"https?://[^\s<>()\[\]]+", re.IGNORECASE)
MD_LINK = re.compile(r"^\[(?P<title>[^\]]+)\]\((?P<url>https?://[^)\s]+)\)(?P<rest>.*)$")
# "label: URL" has no safe shape in a backtracking engine: the lazy label is tried at every
# length against the spaces after it, and the URL from every colon to the line's end (both
# quadratic). RE2 runs it in linear time; its \s and \S are ASCII, as the lines here are.
LABEL_URL = re2.compile(r"(?i)^(?P<label>.+?)\s*:\s*<?(?P<url>https?://\S+?)>?$")
BULLET = re.compile(r"^(?P<marker>--\s*-|--|[-*+•]|\d+[.)])\s+(?P<text>.*)$")
ROLE_LINE = re.compile(
    r"^(?P<role>hosts?|co-?hosts?|guests?|presenters?|producers?|speakers?)\s*:\s*(?P<names>.+)$",
    re.IGNORECASE,
)
# "Kind: questions" right under a segment heading: written by the exporter when the title alone
# would give another kind.
KIND_LINE = re.compile(r"^kind\s*:\s*(?P<kind>[a-z][a-z _-]{0,19})$", re.IGNORECASE)
KIND_LABELS = {
    "hook": "hook",
    "news": "news",
    "intro": "intro",
    "questions": "questions",
    "demo": "demo",
    "wrap_up": "wrap up",
    "other": "other",
}
KIND_BY_LABEL = {label.replace(" ", ""): kind for kind, label in KIND_LABELS.items()}
# One name alone, as a role line lists them ("speakers: Ana Lopez, Ben Ode").
ONE_NAME = re.compile(NAME)
ROLE_WORDS = {
    "host": "host",
    "cohost": "co_host",
    "co-host": "co_host",
    "guest": "guest",
    "presenter": "presenter",
    "producer": "producer",
    "speaker": "guest",
}

# Labels that make a line a segment heading on their own, without a duration.
PLAIN_LABELS = [
    re.compile(p)
    for p in (
        r"(?:the )?news(?: round(?:up)?| and updates| & updates| update| updates)?",
        r"(?:(?:speakers?|guests?)(?:'s|s'|’s)? )?intro(?:duction)?s?",
        r"(?:general |open )?(?:questions?|discussions?|q ?[/&] ?a|qna)",
        r"(?:general |open )?(?:questions?|discussions?|q ?[/&] ?a|qna) with .+",
        r"bring in .+",
        r"(?:live |the )?demo(?:s| time)?",
        r"wrap[ -]?up|outro|closing(?: remarks)?",
        r"resources|links",
        r"hook",
    )
]
BOLD_KEYWORDS = re.compile(
    r"news|intro|question|discussion|q ?[/&] ?a|demo|wrap|outro|closing|resources|bring in|hook",
    re.IGNORECASE,
)
KIND_KEYWORDS = [
    ("hook", re.compile(r"\bhook\b", re.I)),
    ("news", re.compile(r"\bnews\b", re.I)),
    ("wrap_up", re.compile(r"\bwrap[\s-]?up\b|\boutro\b|\bclosing\b|\bgoodbye\b", re.I)),
    ("demo", re.compile(r"\bdemo|\bcode\b|\bcoding\b|\bwalk-?through\b|\bhands[\s-]on\b", re.I)),
    (
        "questions",
        re.compile(
            r"question|discussion|\bdiscuss\b|\bchat\b|\bq\s*[/&]\s*a\b|\bqna\b|\bama\b"
            r"|interview|deep dive",
            re.I,
        ),
    ),
    ("intro", re.compile(r"\bintro|\bbring in\b|\bwelcome\b", re.I)),
]
QUESTION_KINDS = {"questions", "demo"}
OWNER_LINE = re.compile(rf"Pass to (?:{NAME})\.?")


@dataclass
class Line:
    number: int
    raw: str
    indent: int

    @property
    def text(self) -> str:
        return self.raw.strip()

    @property
    def blank(self) -> bool:
        return not self.raw.strip()


@dataclass
class Heading:
    title: str
    kind: str
    planned_seconds: int | None
    planned_max_seconds: int | None


@dataclass
class RawSegment:
    heading: Heading
    line: int
    body: list[Line] = field(default_factory=list)
    kind_line: int | None = None
    has_text: bool = False  # a non-blank line in the body: a "Kind:" line after it is a note


def heading_text(heading: re.Match[str]) -> str:
    """``## Title ##`` → ``Title``: one closing run of hashes goes, as do spaces around."""
    return heading.group("text").strip().rstrip("#").strip()


def bold_label(text: str) -> str | None:
    """The label of a line that is bold as a whole (``**Label**:``), else None."""
    text = text.strip().removesuffix(":").rstrip()
    if len(text) >= 4 and text.startswith(("**", "__")) and text.endswith(("**", "__")):
        return text[2:-2]
    return None


def split_lines(text: str) -> list[Line]:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for number, raw in enumerate(text.split("\n"), start=1):
        raw = raw.replace("\t", "    ").rstrip().replace("\u00a0", " ")
        lines.append(Line(number=number, raw=raw, indent=len(raw) - len(raw.lstrip(" "))))
    return lines


def parse_date(text: str, line: int) -> date | None:
    match = DATE.search(text)
    if not match:
        return None
    month = MONTHS.get(match.group("month").lower())
    if month is None:
        return None
    try:
        return date(int(match.group("year")), month, int(match.group("day")))
    except ValueError:
        raise ParseError(f"“{match.group(0)}” is not a real date.", line) from None


def duration_of(text: str, line: int) -> tuple[re.Match[str] | None, int | None, int | None]:
    """The last ``(N mins)`` or ``(N-M mins)`` on the line, as seconds."""
    matches = list(DURATION.finditer(text))
    if not matches:
        return None, None, None
    match = matches[-1]
    if max(len(match.group("min")), len(match.group("max") or "")) > MAX_DURATION_DIGITS:
        raise ParseError(f"The duration “{match.group(0)[:40]}” is far too long.", line)
    low = int(match.group("min")) * 60
    high = int(match.group("max")) * 60 if match.group("max") else low
    if high > bounds.LONGEST_SECONDS:
        raise ParseError(
            f"The duration “{match.group(0)}” is longer than a day: a segment is planned in "
            "minutes.",
            line,
        )
    if high < low:
        raise ParseError(
            f"The duration “{match.group(0)}” runs backwards: write the shorter time first.", line
        )
    return match, low, high


def kind_of(title: str) -> str:
    for kind, pattern in KIND_KEYWORDS:
        if pattern.search(title):
            return kind
    return "other"


def is_bullet(text: str) -> bool:
    if text.startswith("**"):
        return False
    return bool(BULLET.match(text))


def is_stage_direction(text: str) -> bool:
    """``* a quick demo of the thing *``: italic-ish asides that Markdown reads as bullets."""
    return (
        len(text) > 4
        and text.startswith("* ")
        and text.endswith(" *")
        and not text.startswith("**")
        and not text.endswith("**")
    )


def heading_of(line: Line) -> Heading | None:
    """The segment this line starts, if it is a segment heading in any of the styles in use."""
    text = line.text
    if not text or is_stage_direction(text):
        return None
    hashed = HEADING.match(text)
    if hashed:
        text = heading_text(hashed)
    elif is_bullet(text) or text.startswith(">"):
        return None
    match, low, high = duration_of(text, line.number)
    label_text = text[: match.start()] + text[match.end() :] if match else text
    bold = label_text.lstrip().startswith(("**", "__"))
    if bold:
        # The bold part must be the whole line (a trailing colon aside): "**Note:** do this" is
        # emphasis inside a sentence, not a heading.
        inner = bold_label(label_text)
        if inner is None:
            return None
        label_text = inner
    title = re.sub(r"[*_]{2,}", "", label_text).strip().rstrip(":").strip()
    title = re.sub(r"\s{2,}", " ", title).rstrip(".").strip()
    if not title or len(title) > 100 or URL_ANYWHERE.search(title):
        return None
    if match:
        # "**Is the new release worth it? (5 mins)**" is a segment; a plain line ending in "?"
        # with a duration is still a question.
        if title.endswith("?") and not bold and hashed is None:
            return None
        return Heading(title, kind_of(title), low, high)
    label = title.lower().rstrip(":").strip()
    if bold and hashed is None:
        return Heading(title, kind_of(title), None, None) if is_heading_like(title) else None
    if hashed is not None and BOLD_KEYWORDS.search(label):
        return Heading(title, kind_of(title), None, None)
    if any(pattern.fullmatch(label) for pattern in PLAIN_LABELS):
        return Heading(title, kind_of(title), None, None)
    return None


def is_heading_like(title: str) -> bool:
    """A whole bold line is a heading unless it reads as a sentence or a question."""
    return not title.endswith(("?", "!")) and len(title.split()) <= 10


def parse_header(lines: list[Line]) -> tuple[dict[str, object], int]:
    """Show, number, date and title from the top of the file; returns them and the next index."""
    found: dict[str, object] = {}
    index = next_content(lines, 0)
    if index is None:
        raise ParseError("The file is empty.")
    hashed = HEADING.match(lines[index].text)
    if not hashed:
        return found, index
    heading = heading_text(hashed)
    found["heading_line"] = lines[index].number
    line_number = lines[index].number
    numbered = numbered_heading(heading, line_number)
    if numbered is not None:
        show, number, rest = numbered
        if show:
            found["show"] = show
        found["number"] = number
        rest = date_and_time(rest.strip(), line_number, found).strip(" ,")
        title = re.sub(r"^[-–—:|]\s*", "", rest).strip()
        if title:
            found["title"] = title
    else:
        date_and_time(heading, line_number, found)
    index += 1
    if "date" not in found:
        following = next_content(lines, index)
        if following is not None and DATE.fullmatch(lines[following].text.rstrip(". ")):
            found["date"] = parse_date(lines[following].text, lines[following].number)
            index = following + 1
    if "title" not in found:
        following = next_content(lines, index)
        if following is not None and is_title_line(lines, following):
            found["title"] = lines[following].text
            index = following + 1
    return found, index


def date_and_time(text: str, line: int, found: dict[str, object]) -> str:
    """The date in a heading, and the time right after it ("at 20:00 UTC+01:00"), into
    ``found``; returns the text without them."""
    date_match = DATE.search(text)
    day = parse_date(text, line)
    if day is None or date_match is None:
        return text
    found["date"] = day
    after = text[date_match.end() :]
    time = TIME.match(after)
    if time is not None:
        found["starts_at"] = start_time(day, time, line)
        after = after[time.end() :]
    return text[: date_match.start()] + after


def numbered_heading(heading: str, line: int) -> tuple[str, int, str] | None:
    """Show, number and the rest of a heading that numbers its episode: "Talk Show Episode 12,
    ...", "Ep. 3", "Late Show 112 — Feb 3, 2023", "Show #27". A number that is the day of a date
    ("# March 3, 2021") is not an episode number."""
    episode = EPISODE.match(heading)
    if episode:
        show, digits, rest = episode.group("show"), episode.group("number"), episode.group("rest")
        before = heading[: episode.start("number")]
    else:
        found = DIGITS.search(heading)
        if found is None:
            return None
        before, digits, rest = heading[: found.start()], found.group(), heading[found.end() :]
        show = before.rstrip().removesuffix("#")
        words = show.lower().replace(".", " ").split()
        if not words or words[-1] in MONTHS or not any(c.isalpha() for c in show):
            return None
    if before.rstrip(" #").endswith(("-", "−")) and not before.rstrip(" #")[-2:-1].isalnum():
        raise ParseError("Episode numbers start at 1; the heading's number is negative.", line)
    if len(digits) > len(str(bounds.LARGEST_EPISODE_NUMBER)) or int(digits) > (
        bounds.LARGEST_EPISODE_NUMBER
    ):
        shown = digits if len(digits) <= 20 else f"{digits[:20]}…"
        raise ParseError(
            f"The episode number {shown} is too large: at most {bounds.LARGEST_EPISODE_NUMBER:,}.",
            line,
        )
    if int(digits) < 1:
        raise ParseError("Episode numbers start at 1.", line)
    return show.strip().strip(" -–—:,#"), int(digits), rest


def start_time(day: date, time: re.Match[str], line: int) -> datetime:
    hour, minute = int(time.group("hour")), int(time.group("minute"))
    if hour > 23 or minute > 59:
        raise ParseError(f"“{time.group(0).strip()}” is not a time of day.", line)
    offset = timedelta(0)
    if time.group("sign"):
        offset = timedelta(hours=int(time.group("oh")), minutes=int(time.group("om")))
        if offset >= timedelta(hours=24):
            raise ParseError(f"“{time.group(0).strip()}” has an impossible UTC offset.", line)
        if time.group("sign") == "-":
            offset = -offset
    return datetime.combine(day, dt_time(hour, minute), tzinfo=dt_timezone(offset))


def role_line(text: str) -> tuple[str, list[str]] | None:
    """``speakers: Ana Lopez, Ben Ode`` → ("guest", [...]); None when the line is not one, or
    names no one ("speakers: intro" is a placeholder)."""
    match = ROLE_LINE.match(text)
    if not match:
        return None
    names = split_names(match.group("names"))
    if not names or not all(ONE_NAME.fullmatch(n) or TEAM.match(n) for n in names):
        return None
    return ROLE_WORDS.get(match.group("role").lower().rstrip("s"), "guest"), names


def is_title_line(lines: list[Line], index: int) -> bool:
    line = lines[index]
    text = line.text
    if (
        heading_of(line)
        or HOOK_LABEL.match(text)
        or URL_ONLY.match(text)
        or ROLE_LINE.match(text)
        or is_bullet(text)
    ):
        return False
    # A title can be a question ("Can widgets fly?"), standing alone like any title.
    if len(text) > 100 or text.endswith((".", "!", ":")) or len(text.split()) > 16:
        return False
    # A title stands alone; a line that runs on into more prose is the hook.
    after = lines[index + 1] if index + 1 < len(lines) else None
    return (
        after is None
        or after.blank
        or bool(HOOK_LABEL.match(after.text) or URL_ONLY.match(after.text) or heading_of(after))
    )


def next_content(lines: list[Line], start: int) -> int | None:
    for index in range(start, len(lines)):
        if not lines[index].blank:
            return index
    return None


def paragraph(lines: list[Line], start: int) -> tuple[list[Line], int]:
    """Consecutive non-blank lines from ``start`` (stopping at a segment heading)."""
    block = []
    index = start
    while index < len(lines) and not lines[index].blank and not heading_of(lines[index]):
        block.append(lines[index])
        index += 1
    return block, index


def join_text(lines: list[Line]) -> str:
    return "\n".join(line.text for line in lines)


def tidy_notes(lines: list[str]) -> str:
    """Join note lines, dropping leading/trailing blanks and collapsing runs of blank lines."""
    out: list[str] = []
    for line in lines:
        if not line.strip():
            if out and out[-1] != "":
                out.append("")
        else:
            out.append(line.rstrip())
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)


def note_text(line: Line, base_indent: int = 0) -> str:
    """A body line as kept in notes: a quoted line loses its ``>``, indentation is relative."""
    text = line.raw[min(base_indent, line.indent) :]
    stripped = text.strip()
    if stripped.startswith(">"):
        return stripped[1:].strip()
    return text.rstrip()


def parse(
    text: str,
    *,
    today: date,
    number: int | None = None,
    show: str | None = None,
) -> EpisodeDocument:
    """Read a Markdown run-sheet. ``number`` and ``show`` (a slug) come from outside the file
    (command-line options) and take precedence over what the file says."""
    lines = split_lines(text)
    if not any(not line.blank for line in lines):
        raise ParseError("The file is empty.")
    check_lines(lines)
    header, index = parse_header(lines)
    doc = EpisodeDocument()
    if header.get("show"):
        doc.show_name = str(header["show"])
        doc.show_slug = slugify(doc.show_name)
    if show:
        doc.show_slug = show
    doc.number = number if number is not None else header.get("number")  # type: ignore[assignment]
    doc.air_date = header.get("date")  # type: ignore[assignment]
    starts_at = header.get("starts_at")
    doc.starts_at = starts_at if isinstance(starts_at, datetime) else None
    doc.title = str(header.get("title", ""))

    cast = Cast()
    preamble, hook_segment, index = parse_preamble(lines, index, doc, cast)
    raw_segments = split_segments(lines, index)
    if not raw_segments and not doc.title and "number" not in header:
        first = next_content(lines, 0)
        raise ParseError(
            "This does not look like a run-sheet: no “# Show Episode N, Date” heading and no "
            "segment headings such as “**News (2 mins)**”.",
            lines[first].number if first is not None else None,
        )
    gather_cast(cast, doc.hook, preamble, raw_segments)

    if hook_segment is not None:
        doc.segments.append(hook_segment)
    for raw in raw_segments:
        doc.segments.append(build_segment(raw, doc, cast))
    doc.speakers = cast.speakers()
    if doc.air_date is None:
        doc.status = "draft"
    else:
        doc.status = "done" if doc.air_date < today else "scheduled"
    return doc


def parse_preamble(
    lines: list[Line], index: int, doc: EpisodeDocument, cast: Cast
) -> tuple[list[Line], SegmentDoc | None, int]:
    """Everything between the header and the first segment: reference URLs, role lines, the
    hook (labelled or not). Other lines become the episode's description."""
    description: list[str] = []
    preamble: list[Line] = []
    hook_segment = None
    while index < len(lines):
        line = lines[index]
        if line.blank:
            index += 1
            continue
        if heading_of(line):
            break
        text = line.text
        label = HOOK_LABEL.match(text)
        role_line = read_role_line(text)
        if label:
            start = next_content(lines, index + 1)
            block, index = paragraph(lines, start) if start is not None else ([], index + 1)
            doc.hook = join_text(block)
            hook_segment = SegmentDoc(
                title="Hook",
                kind="hook",
                planned_seconds=int(label.group("minutes")) * 60,
                planned_max_seconds=int(label.group("minutes")) * 60,
                notes=doc.hook,
            )
            preamble.extend(block)
            continue
        if role_line:
            add_role_line(cast, role_line)
            index += 1
            continue
        if URL_ONLY.match(text):
            description.append(text)
            keep(doc, line, "the episode's description")
            index += 1
            continue
        block, index = paragraph(lines, index)
        preamble.extend(block)
        if not doc.hook and hook_segment is None:
            doc.hook = join_text(block)
        else:
            description.append(join_text(block))
            for kept in block:
                keep(doc, kept, "the episode's description")
    doc.description = "\n\n".join(description)
    return preamble, hook_segment, index


def read_role_line(text: str) -> tuple[str, list[str]] | None:
    return role_line(text)


def add_role_line(cast: Cast, found: tuple[str, list[str]]) -> None:
    role, names = found
    for name in names:
        cast.add(name, role, is_group=bool(TEAM.match(name)))


def keep(doc: EpisodeDocument, line: Line, where: str) -> None:
    doc.kept_as_notes.append(KeptAsNotes(line=line.number, text=line.text, where=where))


def check_lines(lines: list[Line]) -> None:
    """Refuse, naming the line, what would otherwise be read as text: control characters (a
    binary file) and durations the reader cannot count ("(ten minutes)", "(-5 mins)")."""
    for line in lines:
        problem = bounds.text_problem(line.raw)
        if problem is not None:
            raise ParseError(
                f"The line {problem.removesuffix('.')}: is this a binary file? A run-sheet is "
                "plain text.",
                line.number,
            )
        wordy = WORDY_DURATION.search(line.text)
        if wordy is None:
            continue
        amount = " ".join(wordy.group("amount").lower().split())
        if not amount.startswith("-") and amount not in NUMBER_WORDS:
            continue
        probe = line.raw[: wordy.start()] + "(1 min)" + line.raw[wordy.end() :]
        if heading_of(Line(number=line.number, raw=probe, indent=line.indent)) is not None:
            raise ParseError(
                f"The duration “{wordy.group(0)}” is not one the importer can count: write "
                "whole minutes in digits, e.g. (10 mins) or (15-20 mins).",
                line.number,
            )


def split_segments(lines: list[Line], index: int) -> list[RawSegment]:
    segments: list[RawSegment] = []
    for line in lines[index:]:
        heading = heading_of(line)
        if heading is not None:
            segments.append(RawSegment(heading=heading, line=line.number))
        elif segments:
            raw = segments[-1]
            kind = KIND_LINE.match(line.text)
            label = kind.group("kind").lower().replace(" ", "").replace("-", "") if kind else ""
            if label in KIND_BY_LABEL and not raw.has_text:
                raw.heading.kind = KIND_BY_LABEL[label]  # "Kind: questions" under the heading
                raw.kind_line = line.number
                continue
            raw.body.append(line)
            raw.has_text = raw.has_text or not line.blank
    return segments


def gather_cast(cast: Cast, hook: str, preamble: list[Line], segments: list[RawSegment]) -> None:
    cast.gather_from_prose(hook)
    cast.gather_from_prose(join_text(preamble))
    for line in preamble:
        cast.gather_from_line(line.text)
    for raw in segments:
        for line in raw.body:
            found = read_role_line(line.text)
            if found is not None:
                add_role_line(cast, found)
    teams: Counter[str] = Counter()
    for raw in segments:
        cast.gather_from_line(raw.heading.title)
        for line in raw.body:
            text = line.text
            cast.gather_from_line(text)
            bullet = BULLET.match(text)
            prefix = PREFIX.match(bullet.group("text") if bullet else text)
            if prefix and TEAM.match(prefix.group("who").strip()):
                teams[" ".join(prefix.group("who").split())] += 1
        cast.gather_from_prose(join_text(raw.body))
    # The most frequent spelling of a team wins; rarer ones match it as misspellings.
    for team, _count in teams.most_common():
        cast.gather_team(team)


def build_segment(raw: RawSegment, doc: EpisodeDocument, cast: Cast) -> SegmentDoc:
    heading = raw.heading
    segment = SegmentDoc(
        title=heading.title,
        kind=heading.kind,
        planned_seconds=heading.planned_seconds,
        planned_max_seconds=heading.planned_max_seconds,
    )
    body = []
    for line in raw.body:
        # A line that is nothing but "Pass to Dana Li." only names the owner, which the
        # run-sheet shows in its own column; a longer cue stays in the notes.
        if OWNER_LINE.fullmatch(line.text) and cast.owner_from_cue(line.text):
            segment.owner = cast.owner_from_cue(line.text)
        elif read_role_line(line.text) is None:  # "speakers: Ana Lopez, Ben Ode" names guests
            body.append(line)
    notes = Notes(base=min((line.indent for line in body if not line.blank), default=0))
    if heading.kind == "news":
        doc.news.extend(read_news(body, notes))
    elif heading.kind in QUESTION_KINDS:
        segment.questions = read_questions(body, notes, cast)
    else:
        for line in body:
            notes.add(line)
    for line in body:
        # A quoted line ("> Pass to Dana") is a note as written, never a cue.
        owner = None if line.text.startswith(">") else cast.owner_from_cue(line.text)
        if owner and segment.owner is None:
            segment.owner = owner
    segment.notes = tidy_notes(notes.texts)
    where = f"the notes of “{segment.title}”"
    doc.kept_as_notes.extend(
        KeptAsNotes(line=line.number, text=line.text, where=where) for line in notes.lines
    )
    return segment


class Notes:
    """A segment's note lines as kept, and the source lines they came from."""

    def __init__(self, base: int) -> None:
        self.base = base
        self.texts: list[str] = []
        self.lines: list[Line] = []

    def add(self, line: Line) -> None:
        if line.blank:
            self.texts.append("")
            return
        self.texts.append(note_text(line, self.base))
        self.lines.append(line)


def strip_bullet(text: str) -> tuple[str | None, str]:
    match = BULLET.match(text)
    if match and not text.startswith("**") and not is_stage_direction(text):
        return match.group("marker"), match.group("text").strip()
    return None, text.strip()


def read_questions(body: list[Line], notes: Notes, cast: Cast) -> list[QuestionDoc]:
    questions: list[QuestionDoc] = []
    current: QuestionDoc | None = None
    current_is_plain = False
    current_indent = 0
    adjacent = False  # no blank line since the current question's line
    for line in body:
        if line.blank:
            adjacent = False
            notes.add(line)
            continue
        text = line.text
        marker, content = strip_bullet(text)
        if text.startswith(">") or is_stage_direction(text):
            notes.add(line)
            continue
        if cast.owner_from_cue(text) and marker in (None, "-", "*", "+"):
            notes.add(line)  # "Pass to Dana for the demo." is a cue
            continue
        sub_item = marker is not None and (
            marker.startswith("--") or (current is not None and nested(line.indent, current_indent))
        )
        under_plain = marker is not None and current_is_plain and adjacent
        if current is not None and (sub_item or under_plain or URL_ONLY.match(text)):
            add_note(current, content if marker else text)
            adjacent = True
            continue
        if marker is not None or text.endswith("?"):
            addressed_to, question_text = cast.split_prefix(content)
            current = QuestionDoc(text=question_text, addressed_to=addressed_to)
            questions.append(current)
            current_is_plain = marker is None
            current_indent = line.indent
            adjacent = True
            continue
        # A sub-topic ("Components:") or a remark: the segment's notes, and the end of the
        # current question, so the bullets after it are questions of their own.
        notes.add(line)
        current = None
        current_is_plain = False
    return questions


def nested(indent: int, parent_indent: int) -> bool:
    """Two or more spaces deeper than the item above nests under it; one space does not."""
    return indent >= parent_indent + 2


def add_note(question: QuestionDoc, text: str) -> None:
    question.notes = f"{question.notes}\n{text}" if question.notes else text


def read_news(body: list[Line], notes: Notes) -> list[NewsDoc]:
    """News items: one per URL, titled by its label when it has one; text-only items too.

    A label can share the URL's line (``label: URL``, ``[label](URL)``), or stand on the line
    before it; a label ending in ``:`` titles every URL on the lines right after it.
    """
    items: list[NewsDoc] = []
    last: NewsDoc | None = None
    last_indent = 0
    label: str | None = None  # a "label:" line still collecting URLs on the following lines
    index = 0
    while index < len(body):
        line = body[index]
        index += 1
        if line.blank:
            label = None
            continue
        text = line.text
        if text.startswith(">") or is_stage_direction(text):
            notes.add(line)
            continue
        marker, content = strip_bullet(text)
        if (
            last is not None
            and marker is not None
            and (marker.startswith("--") or nested(line.indent, last_indent))
        ):
            last.notes = f"{last.notes}\n{content}" if last.notes else content
            continue
        new = news_items(content, label)
        if new:
            items.extend(new)
        else:
            # No URL on this line: a label for the URL(s) on the next lines, or a text item.
            following = body[index] if index < len(body) else None
            next_text = strip_bullet(following.text)[1] if following and not following.blank else ""
            # Two items in a list ("- Conference next week", "- https://...") stay two items.
            listed = marker is not None and following is not None and is_bullet(following.text)
            if URL_ONLY.match(next_text) and not listed:
                label = content.rstrip(":").strip()
                continue
            if (
                following is not None
                and content.endswith(":")
                and next_text
                and not strip_bullet(following.text)[0]
            ):
                # "hoot update:" then a line of text: one text-only item.
                items.append(NewsDoc(title=f"{content} {next_text}"))
                index += 1
            else:
                items.append(NewsDoc(title=content.rstrip(":").strip()))
            label = None
        last = items[-1]
        last_indent = line.indent
    return items


def news_items(content: str, label: str | None) -> list[NewsDoc]:
    """The items one line holds: a bare URL, ``label: URL``, a Markdown link, or prose with URLs."""
    url_only = URL_ONLY.match(content)
    if url_only:
        return [NewsDoc(title=label or "", url=url_only.group("url"))]
    link = MD_LINK.match(content)
    if link:
        rest = link.group("rest").strip(" -–:")
        return [NewsDoc(title=link.group("title").strip(), url=link.group("url"), notes=rest)]
    labelled = LABEL_URL.match(content)
    if labelled:
        return [NewsDoc(title=labelled.group("label").strip(), url=labelled.group("url"))]
    urls = URL_ANYWHERE.findall(content)
    if urls:
        title = URL_ANYWHERE.sub("", content).strip(" :-–")
        return [NewsDoc(title=title, url=url.rstrip(".,;")) for url in urls]
    return []


# -- writing ---------------------------------------------------------------------------------
#
# One writer, in the seeds' shape, whatever the episode was read from: the heading
# "# Show Episode N, Month D, YYYY", the title, the people as role lines, the hook (after
# "N min hook to today's show." when the episode opens with its hook segment), then each segment
# as "**Title** (N mins)". What a run-sheet would read differently is quoted ("> ") or said
# ("Kind: demo", "Pass to Dana Li."), so that reading an export gives the episode back.


def format_minutes(low: int | None, high: int | None) -> str | None:
    if low is None or high is None:
        return None
    if low % 60 or high % 60:
        # The format counts whole minutes; round so the file stays readable.
        low, high = round(low / 60) * 60, round(high / 60) * 60
    if low == high:
        return f"({low // 60} {'min' if low == 60 else 'mins'})"
    return f"({low // 60}-{high // 60} mins)"


ROLE_HEADINGS = (
    ("host", "Hosts"),
    ("co_host", "Co-hosts"),
    ("guest", "Guests"),
    ("presenter", "Presenters"),
    ("producer", "Producers"),
)


def heading_line(doc: EpisodeDocument) -> str:
    heading = f"# {doc.show_name or 'Show'}"
    if doc.number is not None:
        heading += f" Episode {doc.number}"
    if doc.air_date is not None:
        heading += f", {doc.air_date:%B} {doc.air_date.day}, {doc.air_date.year}"
        if doc.starts_at is not None:
            heading += f" at {doc.starts_at:%H:%M} {utc_offset(doc.starts_at)}"
    return heading


def utc_offset(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def opening_hook(doc: EpisodeDocument) -> SegmentDoc | None:
    """The first segment, when it is the hook the "N min hook" label stands for."""
    first = doc.segments[0] if doc.segments else None
    if (
        first is not None
        and first.kind == "hook"
        and first.title == "Hook"
        and doc.hook
        and first.notes == doc.hook
        and first.owner is None
        and not first.questions
        and first.planned_seconds is not None
        and first.planned_seconds == first.planned_max_seconds
        and first.planned_seconds >= 60
        and first.planned_seconds % 60 == 0
    ):
        return first
    return None


def render(doc: EpisodeDocument) -> str:
    """A run-sheet in the seeds' shape, which :func:`parse` reads back to the same facts."""
    out: list[str] = [heading_line(doc)]
    if doc.title:
        out.append(safe_title(doc.title))
    out.append("")
    roles: dict[str, list[str]] = {}
    for speaker in doc.speakers:
        roles.setdefault(speaker.role, []).append(speaker.name)
    for role, label in ROLE_HEADINGS:
        if roles.get(role):
            out.append(f"{label}: {', '.join(roles[role])}")
    if roles:
        out.append("")
    hook_segment = opening_hook(doc)
    if hook_segment is not None:
        minutes = (hook_segment.planned_seconds or 60) // 60
        out.append(f"{minutes} min hook to today's show.")
    if doc.hook:
        out.extend([*doc.hook.splitlines(), ""])
    if doc.description:
        out.extend([*protect_lines(doc.description.splitlines(), kind="other"), ""])
    pair = guest_pair(doc)
    news_written = False
    for segment in doc.segments:
        if segment is hook_segment:
            continue
        duration = format_minutes(segment.planned_seconds, segment.planned_max_seconds)
        title = segment.title.replace("*", "")
        out.append(f"**{title}** {duration}" if duration else f"**{title}**")
        if kind_of(title) != segment.kind:
            out.append(f"Kind: {KIND_LABELS.get(segment.kind, 'other')}")
        if segment.kind == "news" and not news_written:
            out.extend(render_news(doc.news))
            news_written = True
        if segment.notes:
            out.extend(protect_lines(segment.notes.splitlines(), kind=segment.kind))
        if segment.owner:
            out.append(f"Pass to {segment.owner}.")  # read back as the owner, not as a note
        for question in segment.questions:
            out.append(f"- {render_prefix(question.addressed_to, pair)}{question.text}")
            for note in question.notes.splitlines():
                if note.strip():
                    out.append(f"    - {note.strip()}")
        out.append("")
    if doc.news and not news_written:
        out.extend(["**News**", *render_news(doc.news), ""])
    return "\n".join(out).rstrip("\n") + "\n"


def guest_pair(doc: EpisodeDocument) -> list[str] | None:
    """The two guests "Both:" stands for, as the reader counts them (:meth:`Cast.guest_pair`)."""
    guests = [s.name for s in doc.speakers if s.role == "guest" and not s.is_group]
    return guests if len(guests) == 2 else None


def safe_title(title: str) -> str:
    return title.rstrip(".!:")


def render_prefix(addressed_to: list[str], pair: list[str] | None = None) -> str:
    if not addressed_to:
        return ""
    if addressed_to == [EVERYONE]:
        return "all: "
    if pair is not None and addressed_to == pair:
        return "Both: "
    # "Dana Li and widget team" would read as the name of one team: a comma keeps them apart.
    joiner = ", " if any(TEAM.match(name) for name in addressed_to) else " and "
    return joiner.join(addressed_to) + ": "


def render_news(news: list[NewsDoc]) -> Iterator[str]:
    for item in news:
        if item.url and item.title:
            yield f"- [{item.title.replace(']', ')')}]({item.url})"
        elif item.url:
            yield f"- {item.url}"
        else:
            yield f"- {item.title}"
        for note in item.notes.splitlines():
            if note.strip():
                yield f"    - {note.strip()}"


def protect_lines(lines: list[str], *, kind: str) -> list[str]:
    """Quote note lines that would otherwise read back as something else: a heading, a
    question, a news item, a cue, a role line, a kind."""
    protected = []
    for line in lines:
        text = line.strip()
        probe = Line(number=0, raw=line, indent=len(line) - len(line.lstrip(" ")))
        try:
            heading = heading_of(probe) is not None
        except ParseError:
            heading = True
        risky = (
            heading
            or kind == "news"
            or bool(HOOK_LABEL.match(text))
            or text.startswith(">")
            or bool(KIND_LINE.match(text))
            or bool(OWNER_LINE.fullmatch(text))
            or bool(PASS_TO_ANY.search(text))
            or role_line(text) is not None
            or bool(WORDY_DURATION.search(text))
            or (kind in QUESTION_KINDS and (text.endswith("?") or is_bullet(text)))
        )
        protected.append(f"> {text}" if risky and text else line)
    return protected


PASS_TO_ANY = re.compile(r"\bPass\s+(?:it\s+)?(?:over\s+)?to\s+[A-Z]")

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
from datetime import date

import re2
from django.utils.text import slugify

from .document import (
    EVERYONE,
    EpisodeDocument,
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
DURATION = re.compile(
    r"\(\s*(?P<min>\d+)\s*(?:(?:-|–|—|to)\s*(?P<max>\d+)\s*)?min(?:ute)?s?\.?\s*\)",
    re.IGNORECASE,
)
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
            r"question|discussion|\bdiscuss\b|\bq\s*[/&]\s*a\b|\bqna\b|\bama\b|interview|deep dive",
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
    low = int(match.group("min")) * 60
    high = int(match.group("max")) * 60 if match.group("max") else low
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
        if title.endswith("?"):
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
    episode = EPISODE.match(heading)
    if episode:
        show = episode.group("show").strip().strip(" -–—:,")
        if show:
            found["show"] = show
        found["number"] = int(episode.group("number"))
        rest = episode.group("rest").strip()
        day = parse_date(rest, lines[index].number)
        if day is not None:
            found["date"] = day
            rest = DATE.sub("", rest, count=1)
        rest = rest.strip(" ,")
        title = re.sub(r"^[-–—:|]\s*", "", rest).strip()
        if title:
            found["title"] = title
    else:
        day = parse_date(heading, lines[index].number)
        if day is not None:
            found["date"] = day
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
    if len(text) > 100 or text.endswith((".", "?", "!", ":")) or len(text.split()) > 16:
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
    header, index = parse_header(lines)
    doc = EpisodeDocument()
    if header.get("show"):
        doc.show_name = str(header["show"])
        doc.show_slug = slugify(doc.show_name)
    if show:
        doc.show_slug = show
    doc.number = number if number is not None else header.get("number")  # type: ignore[assignment]
    doc.air_date = header.get("date")  # type: ignore[assignment]
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
        role_line = ROLE_LINE.match(text)
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
            role = ROLE_WORDS.get(role_line.group("role").lower().rstrip("s"), "guest")
            for name in split_names(role_line.group("names")):
                cast.add(name, role, is_group=bool(TEAM.match(name)))
            index += 1
            continue
        if URL_ONLY.match(text):
            description.append(text)
            index += 1
            continue
        block, index = paragraph(lines, index)
        preamble.extend(block)
        if not doc.hook and hook_segment is None:
            doc.hook = join_text(block)
        else:
            description.append(join_text(block))
    doc.description = "\n\n".join(description)
    return preamble, hook_segment, index


def split_segments(lines: list[Line], index: int) -> list[RawSegment]:
    segments: list[RawSegment] = []
    for line in lines[index:]:
        heading = heading_of(line)
        if heading is not None:
            segments.append(RawSegment(heading=heading, line=line.number))
        elif segments:
            segments[-1].body.append(line)
    return segments


def gather_cast(cast: Cast, hook: str, preamble: list[Line], segments: list[RawSegment]) -> None:
    cast.gather_from_prose(hook)
    for line in preamble:
        cast.gather_from_line(line.text)
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
        else:
            body.append(line)
    base = min((line.indent for line in body if not line.blank), default=0)
    notes: list[str] = []
    if heading.kind == "news":
        doc.news.extend(read_news(body, notes, base))
    elif heading.kind in QUESTION_KINDS:
        segment.questions = read_questions(body, notes, cast, base)
    else:
        notes.extend(note_text(line, base) for line in body)
    for line in body:
        owner = cast.owner_from_cue(line.text)
        if owner and segment.owner is None:
            segment.owner = owner
    segment.notes = tidy_notes(notes)
    return segment


def strip_bullet(text: str) -> tuple[str | None, str]:
    match = BULLET.match(text)
    if match and not text.startswith("**") and not is_stage_direction(text):
        return match.group("marker"), match.group("text").strip()
    return None, text.strip()


def read_questions(body: list[Line], notes: list[str], cast: Cast, base: int) -> list[QuestionDoc]:
    questions: list[QuestionDoc] = []
    current: QuestionDoc | None = None
    current_is_plain = False
    current_indent = 0
    adjacent = False  # no blank line since the current question's line
    for line in body:
        if line.blank:
            adjacent = False
            notes.append("")
            continue
        text = line.text
        marker, content = strip_bullet(text)
        if text.startswith(">") or is_stage_direction(text):
            notes.append(note_text(line, base))
            continue
        if cast.owner_from_cue(text) and marker in (None, "-", "*", "+"):
            notes.append(note_text(line, base))  # "Pass to Dana for the demo." is a cue
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
        notes.append(note_text(line, base))
        current = None
        current_is_plain = False
    return questions


def nested(indent: int, parent_indent: int) -> bool:
    """Two or more spaces deeper than the item above nests under it; one space does not."""
    return indent >= parent_indent + 2


def add_note(question: QuestionDoc, text: str) -> None:
    question.notes = f"{question.notes}\n{text}" if question.notes else text


def read_news(body: list[Line], notes: list[str], base: int) -> list[NewsDoc]:
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
            notes.append(note_text(line, base))
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
            if URL_ONLY.match(next_text):
                label = content.rstrip(":").strip()
                continue
            if content.endswith(":") and next_text and not strip_bullet(following.text)[0]:
                # "hoot update:" then a line of text: one text-only item.
                assert following is not None
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


def format_minutes(low: int | None, high: int | None) -> str | None:
    if low is None or high is None:
        return None
    if low % 60 or high % 60:
        # The format counts whole minutes; round so the file stays readable.
        low, high = round(low / 60) * 60, round(high / 60) * 60
    if low == high:
        return f"({low // 60} {'min' if low == 60 else 'mins'})"
    return f"({low // 60}-{high // 60} mins)"


def render(doc: EpisodeDocument) -> str:
    """A run-sheet in the tidy shape, which :func:`parse` reads back to the same facts."""
    out: list[str] = []
    heading = f"# {doc.show_name or 'Show'}"
    if doc.number is not None:
        heading += f" Episode {doc.number}"
    if doc.air_date is not None:
        heading += f", {doc.air_date:%B} {doc.air_date.day}, {doc.air_date.year}"
    out.append(heading)
    if doc.title:
        out.append(safe_title(doc.title))
    out.append("")
    roles: dict[str, list[str]] = {}
    for speaker in doc.speakers:
        roles.setdefault(speaker.role, []).append(speaker.name)
    for role, label in (
        ("host", "Hosts"),
        ("co_host", "Co-hosts"),
        ("guest", "Guests"),
        ("presenter", "Presenters"),
        ("producer", "Producers"),
    ):
        if roles.get(role):
            out.append(f"{label}: {', '.join(roles[role])}")
    if roles:
        out.append("")
    if doc.description:
        out.extend([*protect_lines(doc.description.splitlines(), question_kind=False), ""])
    hook_segment = next((s for s in doc.segments if s.kind == "hook"), None)
    if hook_segment is not None:
        minutes = (hook_segment.planned_seconds or 60) // 60 or 1
        out.append(f"{minutes} min hook to today's show.")
    if doc.hook:
        out.extend([doc.hook, ""])
    news_written = False
    for segment in doc.segments:
        if segment is hook_segment:
            continue
        duration = format_minutes(segment.planned_seconds, segment.planned_max_seconds)
        title = segment.title.replace("*", "")
        out.append(f"**{title} {duration}**" if duration else f"**{title}**")
        if segment.kind == "news" and not news_written:
            out.extend(render_news(doc.news))
            news_written = True
        question_kind = segment.kind in QUESTION_KINDS
        if segment.notes:
            out.extend(protect_lines(segment.notes.splitlines(), question_kind=question_kind))
        if segment.owner and not PASS_TO_ANY.search(segment.notes):
            out.append(f"Pass to {segment.owner}.")  # read back as the owner, not as a note
        if question_kind:
            for question in segment.questions:
                out.append(f"- {render_prefix(question.addressed_to)}{question.text}")
                for note in question.notes.splitlines():
                    if note.strip():
                        out.append(f"    - {note.strip()}")
        out.append("")
    if doc.news and not news_written:
        out.extend(["**News**", *render_news(doc.news), ""])
    return "\n".join(out).rstrip("\n") + "\n"


PASS_TO_ANY = re.compile(r"\bPass\s+(?:it\s+)?(?:over\s+)?to\s+[A-Z]")


def safe_title(title: str) -> str:
    return title.rstrip(".?!:")


def render_prefix(addressed_to: list[str]) -> str:
    if not addressed_to:
        return ""
    if addressed_to == [EVERYONE]:
        return "all: "
    return " and ".join(addressed_to) + ": "


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


def protect_lines(lines: list[str], *, question_kind: bool) -> list[str]:
    """Quote note lines that would otherwise read back as a heading, question or item."""
    protected = []
    for line in lines:
        probe = Line(number=0, raw=line, indent=len(line) - len(line.lstrip(" ")))
        risky = (
            heading_of(probe) is not None
            or HOOK_LABEL.match(line.strip())
            or line.strip().startswith(">")
            or (question_kind and (line.strip().endswith("?") or is_bullet(line.strip())))
        )
        protected.append(f"> {line.strip()}" if risky and line.strip() else line)
    return protected

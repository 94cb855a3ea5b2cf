"""Recap posts for a Hugo website: YAML front matter, then Presenters, Topics and Recording.

Two generations of the same site are read: the older one with keys in a fixed order and a
``{{< youtube id="..." >}}`` shortcode, and the newer one with sorted, quoted keys, ``tags:``
and ``<YouTubeVideo videoId="..." />``. An announcement of an upcoming call has a
``## Meeting Link`` section with the meeting URL and a time range such as
``10:00-11:00 AM CEST``, which gives the start and the length.
"""

import re
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

import yaml
from django.utils.text import slugify

from .document import EpisodeDocument, ParseError, SpeakerDoc
from .markdown_runsheet import DATE, parse_date
from .people import NAME

FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(?P<yaml>.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
# Patterns here see user text: none has two repetitions that can match the same characters
# side by side, nor a repetition that can run into where the next match starts (linear time,
# tests/episodes/test_linear_parsing.py). A section's title is stripped of closing hashes after.
SECTION = re.compile(r"^##[ \t]+(?P<title>.+)$", re.M)
LINK = re.compile(r"\[(?P<name>[^\[\]]+)\]\((?P<url>[^()\[\]\s]+)\)")
YOUTUBE = [
    re.compile(r"\{\{<\s*youtube\s+(?:id=)?\"?(?P<id>[\w-]{6,})(?![\w-])\"?[^<>]*>\}\}"),
    re.compile(r"<YouTubeVideo\s[^<>]*?videoId=[\"'](?P<id>[\w-]{6,})[\"'][^<>]*>"),
]
URL = re.compile(r"https?://[^\s<>()\]]+")
TIME_RANGE = re.compile(
    r"(?P<h1>\d{1,2})(?::(?P<m1>\d{2}))?\s*(?:(?P<ap1>[AaPp]\.?[Mm]\.?)\s*)?(?:-|–|—|to)\s*"
    r"(?P<h2>\d{1,2})(?::(?P<m2>\d{2}))?(?:\s*(?P<ap2>[AaPp]\.?[Mm]\.?))?"
    r"(?:\s*(?P<zone>UTC[+-]\d{1,2}(?::\d{2})?|[A-Z]{2,5}\b|[A-Za-z]+/[A-Za-z_]+))?"
)
# Abbreviations written in meeting announcements. The summer/winter forms name a fixed offset;
# the generic ones ("PT") follow the region's rules on the meeting's date.
ZONES: dict[str, str | int] = {
    "UTC": 0, "GMT": 0, "WET": 0, "WEST": 60, "BST": 60, "CET": 60, "CEST": 120, "EET": 120,
    "EEST": 180, "MSK": 180, "IST": 330, "SGT": 480, "JST": 540, "KST": 540, "AEST": 600,
    "AEDT": 660, "NZST": 720, "NZDT": 780, "EST": -300, "EDT": -240, "CST": -360, "CDT": -300,
    "MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
    "ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver",
    "PT": "America/Los_Angeles", "CEST/CET": "Europe/Berlin",
}  # fmt: skip
TOPIC_SECTIONS = re.compile(r"^(?:topics?s*|overview|summary|agenda|about)$", re.IGNORECASE)


def looks_like_recap(text: str) -> bool:
    return bool(FRONT_MATTER.match(text))


def parse(
    text: str, *, today: date, number: int | None = None, show: str | None = None
) -> EpisodeDocument:
    match = FRONT_MATTER.match(text)
    if not match:
        raise ParseError("A recap post starts with YAML front matter between two “---” lines.", 1)
    front = load_front_matter(match.group("yaml"))
    body = text[match.end() :]
    body_first_line = text[: match.end()].count("\n") + 1

    doc = EpisodeDocument(number=number)
    title = str(front.get("title") or front.get("linkTitle") or "").strip()
    if not title:
        raise ParseError("The front matter has no “title”.", 2)
    if " - " in title:
        show_name, doc.title = (part.strip() for part in title.split(" - ", 1))
        doc.show_name = show_name
        doc.show_slug = slugify(show_name)
    else:
        doc.title = title
    if show:
        doc.show_slug = show

    doc.air_date = event_date(front, match.group("yaml"))
    authors = front.get("authors")
    # A list of name/email mappings; anything else names no one (a number or true used to
    # stop the import with a TypeError; a string or a mapping read as no authors, as now).
    for author in authors if isinstance(authors, list) else []:
        if isinstance(author, dict) and author.get("name"):
            doc.speakers.append(
                SpeakerDoc(
                    name=str(author["name"]).strip(),
                    role="producer",
                    email=str(author.get("email") or "").strip(),
                )
            )

    sections = split_sections(body, body_first_line)
    for heading, (line, content) in sections.items():
        key = heading.lower()
        if key.startswith("presenter") or key in {"speakers", "hosts", "host"}:
            for speaker in presenters(content):
                if speaker.name not in doc.speaker_names():
                    doc.speakers.append(speaker)
        elif TOPIC_SECTIONS.match(key):
            doc.description = content.strip()
        elif key.startswith("recording") or key.startswith("video"):
            doc.recording_url = recording_url(content)
        elif key.startswith("meeting") or key.startswith("join"):
            read_meeting(doc, content, line)
    if doc.air_date is not None:
        doc.status = "done" if doc.air_date < today else "scheduled"
    return doc


MAX_FRONT_MATTER = 20_000  # characters; real front matter is a few hundred


class FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML without anchors and aliases: a few hundred bytes of nested aliases expand to
    gigabytes (the "billion laughs"), and front matter has no use for them."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases (& and *) are not allowed", event.start_mark
            )
        return super().compose_node(parent, index)


def load_front_matter(source: str) -> dict[str, object]:
    if len(source) > MAX_FRONT_MATTER:
        raise ParseError(
            f"The front matter is {len(source):,} characters long; "
            f"the limit is {MAX_FRONT_MATTER:,}.",
            2,
        )
    try:
        front = yaml.load(source, Loader=FrontMatterLoader)  # noqa: S506 (a SafeLoader)
    except RecursionError:
        raise ParseError("The front matter is nested too deeply.", 2) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ParseError(
            f"The front matter is not valid YAML: {problem}.",
            mark.line + 2 if mark is not None else 2,
        ) from None
    if not isinstance(front, dict):
        raise ParseError("The front matter must be a list of “key: value” lines.", 2)
    return front


def event_date(front: dict[str, object], source: str) -> date | None:
    """The event's date: ``newsSubtitle`` when it is a date, else ``publishdate``."""
    subtitle = front.get("newsSubtitle")
    line = line_of_key(source, "newsSubtitle")
    if isinstance(subtitle, date):
        return subtitle
    if isinstance(subtitle, str) and DATE.search(subtitle):
        found = parse_date(subtitle, line)
        if found is not None:
            return found
    published = front.get("publishdate") or front.get("publishDate") or front.get("date")
    if isinstance(published, datetime):
        return published.date()
    if isinstance(published, date):
        return published
    if isinstance(published, str) and published.strip():
        try:
            return date.fromisoformat(published.strip()[:10])
        except ValueError:
            raise ParseError(
                f"publishdate “{published}” is not a date (YYYY-MM-DD).",
                line_of_key(source, "publishdate"),
            ) from None
    return None


def line_of_key(source: str, key: str) -> int:
    for number, line in enumerate(source.splitlines(), start=2):
        if line.lstrip().startswith(f"{key}:"):
            return number
    return 2


def split_sections(body: str, first_line: int) -> dict[str, tuple[int, str]]:
    sections: dict[str, tuple[int, str]] = {}
    matches = list(SECTION.finditer(body))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(body)
        line = first_line + body[: match.start()].count("\n")
        title = match.group("title").strip().rstrip("#").strip()
        sections[title] = (line, body[match.end() : end].strip())
    return sections


def presenters(content: str) -> list[SpeakerDoc]:
    """Names from "This call was led by [Sam](url), [Lee](url) and Alex Kim." """
    text = " ".join(content.split())
    led_by = re.search(r"\b(?:led|presented|hosted|given|run)\s+by\s+(?P<names>.*)$", text, re.I)
    names_text = led_by.group("names") if led_by else text
    links: dict[str, str] = {}

    def placeholder(match: re.Match[str]) -> str:
        key = f"\x00{len(links)}\x00"
        links[key] = match.group(0)
        return key

    names_text = LINK.sub(placeholder, names_text).rstrip(". ")
    found: list[SpeakerDoc] = []
    for part in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*", names_text):
        part = part.strip(" .")
        if not part:
            continue
        if part in links:
            link = LINK.match(links[part])
            assert link is not None
            found.append(
                SpeakerDoc(name=link.group("name").strip(), role="presenter", links=[link["url"]])
            )
        elif re.fullmatch(NAME, part):
            found.append(SpeakerDoc(name=part, role="presenter"))
    return found


def recording_url(content: str) -> str:
    for pattern in YOUTUBE:
        match = pattern.search(content)
        if match:
            return f"https://www.youtube.com/watch?v={match.group('id')}"
    url = URL.search(content)
    return url.group(0) if url else ""


def read_meeting(doc: EpisodeDocument, content: str, line: int) -> None:
    links = [m.group("url") for m in LINK.finditer(content)] or URL.findall(content)
    if links:
        doc.join_url = links[0]
    plain = LINK.sub(lambda m: m.group("name"), content)
    plain = URL.sub("", plain)
    # A time range has minutes or an AM/PM marker ("10:00-11:00 AM"); "2022-10" is not one.
    match = next(
        (
            m
            for m in TIME_RANGE.finditer(plain)
            if m.group("m1") or m.group("ap1") or m.group("ap2")
        ),
        None,
    )
    if not match or doc.air_date is None:
        return
    start, end = clock(match, 1), clock(match, 2)
    if start is None or end is None:
        raise ParseError(f"“{match.group(0).strip()}” is not a time range.", line)
    zone = zone_of(match.group("zone"), line)
    starts = datetime.combine(doc.air_date, start, tzinfo=zone)
    ends = datetime.combine(doc.air_date, end, tzinfo=zone)
    if ends <= starts:
        ends += timedelta(days=1)
    doc.starts_at = starts
    doc.target_seconds = int((ends - starts).total_seconds())


def clock(match: re.Match[str], which: int) -> time | None:
    hour = int(match.group(f"h{which}"))
    minute = int(match.group(f"m{which}") or 0)
    # "10:00-11:00 AM": the marker after the range applies to both ends.
    marker = (match.group(f"ap{which}") or match.group("ap2") or "").lower().replace(".", "")
    if marker:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if marker == "pm" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def zone_of(name: str | None, line: int) -> tzinfo:
    if not name:
        return UTC
    offset = re.fullmatch(r"UTC([+-])(\d{1,2})(?::(\d{2}))?", name)
    if offset:
        minutes = int(offset.group(2)) * 60 + int(offset.group(3) or 0)
        return timezone(timedelta(minutes=minutes if offset.group(1) == "+" else -minutes))
    known = ZONES.get(name.upper()) if "/" not in name else name
    if isinstance(known, int):
        return timezone(timedelta(minutes=known), name.upper())
    if isinstance(known, str):
        try:
            return zoneinfo.ZoneInfo(known)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    raise ParseError(f"“{name}” is not a time zone this importer knows.", line)


# -- writing -----------------------------------------------------------------------------------

YOUTUBE_URL = re.compile(
    r"^https?://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?(?:.*&)?v=|live/|embed/|shorts/)"
    r"|youtu\.be/)(?P<id>[\w-]{6,})"
)
LEAVE_OUT_OF_TOPICS = {"hook", "wrap_up"}
TAG = re.compile(r"<[^<>]*>")  # no nested repetition: linear in the text's length


def body_text(text: str) -> str:
    """Text for the post's Markdown body with no HTML in it: ``<`` as ``&lt;``, which Markdown
    shows as itself, so a name like ``<script>`` reads as typed and never runs."""
    return text.replace("<", "&lt;")


def front_text(text: str) -> str:
    """Text for the front matter, which themes put into pages: tags and any ``<`` taken out."""
    return TAG.sub("", text).replace("<", "")


def render(doc: EpisodeDocument, *, avatars: dict[str, str] | None = None) -> str:
    """The recap post for the website: what :func:`parse` reads back into the same episode.

    Producers are the post's authors (``avatars`` maps a name to a picture's address); everyone
    else on the episode is a presenter. Topics are the episode's description, or else a list of
    its segments. A recorded episode links its video; one still to come gives its meeting link
    and time instead, as announcements do.
    """
    avatars = avatars or {}
    title = f"{doc.show_name} - {doc.title}" if doc.show_name and doc.title else ""
    title = title or doc.title or doc.show_name or "Episode"
    if not doc.title and doc.number is not None:
        title = f"{doc.show_name or 'Episode'} - Episode {doc.number}"
    title = front_text(title)
    front: list[str] = [
        scalar("title", title),
        scalar("linkTitle", title),
    ]
    if doc.air_date is not None:
        front += [
            scalar("newsSubtitle", f"{doc.air_date:%B} {doc.air_date.day}, {doc.air_date.year}"),
            f"publishdate: {doc.air_date.isoformat()}",
        ]
    authors = [
        {
            "name": front_text(s.name),
            **({"email": s.email} if s.email else {}),
            **({"avatar": avatars[s.name]} if avatars.get(s.name) else {}),
        }
        for s in doc.speakers
        if s.role == "producer"
    ]
    if authors:
        front.append(
            yaml.safe_dump(
                {"authors": authors}, sort_keys=False, allow_unicode=True, width=1000
            ).rstrip("\n")
        )
    if doc.air_date is not None:
        front.append(f'aliases: ["/blog/{doc.air_date:%Y/%m/%d}/01"]')

    sections = ["---", *front, "---", ""]
    presenters_line = presenter_sentence([s for s in doc.speakers if s.role != "producer"])
    if presenters_line:
        sections += ["## Presenters", "", presenters_line, ""]
    topics = body_text(doc.description.strip()) or "\n".join(
        f"- {body_text(segment.title)}"
        for segment in doc.segments
        if segment.kind not in LEAVE_OUT_OF_TOPICS and segment.title.strip()
    )
    if topics:
        sections += ["## Topics", "", topics, ""]
    if doc.recording_url:
        video = YOUTUBE_URL.match(doc.recording_url)
        if video:
            shortcode_title = front_text(doc.title or title).replace('"', "'")
            embed = f'{{{{< youtube id="{video["id"]}" title="{shortcode_title}" >}}}}'
        else:
            embed = f"[Watch the recording]({doc.recording_url})"
        sections += ["## Recording", "", embed, ""]
    elif doc.status != "done" and (doc.join_url or doc.starts_at):
        sections += ["## Meeting Link", "", *meeting_lines(doc), ""]
    return "\n".join(sections).rstrip("\n") + "\n"


def scalar(key: str, value: str) -> str:
    """``key: value``, quoted only where YAML needs it."""
    return yaml.safe_dump({key: value}, allow_unicode=True, width=1000).rstrip("\n")


def markdown_link(text: str, url: str) -> str:
    label = re.sub(r"[\[\]]", "", text)
    return f"[{label}]({url.replace(' ', '%20').replace(')', '%29')})"


def presenter_sentence(speakers: list[SpeakerDoc]) -> str:
    names = [
        markdown_link(body_text(s.name), s.links[0]) if s.links else body_text(s.name)
        for s in speakers
    ]
    if not names:
        return ""
    joined = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"This episode was led by {joined}."


def meeting_lines(doc: EpisodeDocument) -> list[str]:
    lines = []
    if doc.join_url:
        lines.append(f"Join the call: {markdown_link(doc.join_url, doc.join_url)}")
    if doc.starts_at is not None:
        start = doc.starts_at
        end = start + timedelta(seconds=doc.target_seconds or 3600)
        lines.append(f"{start:%H:%M}-{end:%H:%M} {zone_label(start)}")
    return lines


def zone_label(moment: datetime) -> str:
    """The abbreviation readers know ("CEST") when this importer reads it as the same offset;
    else the offset itself ("UTC+05:30")."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    name = moment.tzname() or ""
    if ZONES.get(name.upper()) == minutes:
        return name.upper()
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}:{rest:02}" if rest else f"UTC{sign}{hours}"

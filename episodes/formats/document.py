"""The parsed form of an episode that every outside format reads into and writes from.

It mirrors the episode JSON format (``docs/episode-format.md``): the Markdown run-sheet and
Hugo recap readers produce an :class:`EpisodeDocument`, :mod:`episodes.importing` saves one,
and the exporters render one. Nothing here touches the database.
"""

from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from showrunner import bounds

from .. import limits

EVERYONE = "all"  # the addressee that stands for everyone on the episode ("Both", "all")

SEGMENT_KINDS = ("hook", "news", "intro", "questions", "demo", "wrap_up", "other")
SPEAKER_ROLES = ("host", "co_host", "guest", "presenter", "producer")
STATUSES = ("draft", "scheduled", "live", "done")


class ParseError(ValueError):
    """A document that cannot be understood; ``line`` is 1-based, or None for the whole file."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}" if self.line is not None else self.reason


@dataclass
class QuestionDoc:
    text: str
    addressed_to: list[str] = field(default_factory=list)  # full names, ["all"], or []
    notes: str = ""
    status: str = "planned"


@dataclass
class SegmentDoc:
    title: str
    kind: str = "other"
    planned_seconds: int | None = None
    planned_max_seconds: int | None = None
    owner: str | None = None  # full name of the speaker who leads it
    notes: str = ""
    questions: list[QuestionDoc] = field(default_factory=list)


@dataclass
class SpeakerDoc:
    name: str
    role: str = "guest"
    is_group: bool = False
    email: str = ""
    links: list[str] = field(default_factory=list)


@dataclass
class NewsDoc:
    title: str
    url: str = ""
    notes: str = ""


@dataclass
class KeptAsNotes:
    """A line of the source that no field holds: kept word for word in ``where``."""

    line: int  # 1-based, in the document read
    text: str
    where: str  # "the notes of “Wrap up”", "the episode's description"


@dataclass
class EpisodeDocument:
    show_name: str = ""
    show_slug: str = ""
    show_time_zone: str = ""  # when the show is created by this import; else the show's own
    number: int | None = None
    title: str = ""
    air_date: date | None = None
    starts_at: datetime | None = None  # aware, when the time of day is known
    target_seconds: int | None = None  # None: the show's default
    status: str = "draft"
    hook: str = ""
    description: str = ""
    recording_url: str = ""
    join_url: str = ""  # where guests join: a studio or meeting link
    speakers: list[SpeakerDoc] = field(default_factory=list)
    segments: list[SegmentDoc] = field(default_factory=list)
    news: list[NewsDoc] = field(default_factory=list)
    # What a reader could only keep as notes, line by line, so a preview can show it apart.
    # Not part of the episode: never saved, never written, not compared.
    kept_as_notes: list[KeptAsNotes] = field(default_factory=list, compare=False, repr=False)

    def speaker_names(self) -> list[str]:
        return [speaker.name for speaker in self.speakers]

    def summary(self) -> str:
        """One line a person can check an import by."""
        show = self.show_name or self.show_slug or "(no show)"
        number = f"#{self.number}" if self.number is not None else "(no number)"
        when = self.air_date.isoformat() if self.air_date else "no date"
        title = f"“{self.title}”" if self.title else "(untitled)"
        questions = sum(len(s.questions) for s in self.segments)
        return (
            f"{show} {number} {when} {title}: {counted(len(self.segments), 'segment')}, "
            f"{counted(questions, 'question')}, {len(self.news)} news, "
            f"speakers: {', '.join(self.speaker_names()) or 'none'}"
        )


def counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


SLUG_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_")
is_web_address = URLValidator(schemes=["http", "https"])
is_email = EmailValidator()


def validate(doc: EpisodeDocument, *, path: str = "") -> None:
    """Check what the database will insist on, and the bounds every page, export and backup
    can hold (:mod:`showrunner.bounds`), before anything is written.

    Raises :class:`ParseError` naming the field, e.g. ``segments[2].owner: ...``.
    """
    at = f"{path}." if path else ""

    def fail(where: str, reason: str) -> ParseError:
        return ParseError(f"{at}{where}: {reason}")

    def check_length(where: str, value: str, limit: int) -> None:
        if len(value) > limit:
            raise fail(where, f"is {len(value)} characters long; the limit is {limit}.")

    def check_url(where: str, value: str, limit: int = 500) -> None:
        if not value:
            return
        check_length(where, value, limit)
        try:
            is_web_address(value)
        except ValidationError:
            raise fail(where, f"“{value}” is not a web address (http:// or https://).") from None

    def check_number(where: str, value: int | None, low: int, high: int, unit: str = "") -> None:
        if value is None:
            return
        problem = bounds.number_problem(value, low=low, high=high, unit=unit)
        if problem is not None:
            raise fail(where, problem)

    for where, text in strings_of(doc):
        problem = bounds.text_problem(text)
        if problem is not None:
            raise fail(where, problem)
    for where, moment in (("air_date", doc.air_date), ("starts_at", doc.starts_at)):
        problem = bounds.year_problem(moment) if moment is not None else None
        if problem is not None:
            raise fail(where, problem)
    if not doc.show_slug:
        raise fail(
            "show", "cannot tell which show this is: the document names none; give --show SLUG."
        )
    if not set(doc.show_slug) <= SLUG_CHARS or len(doc.show_slug) > 100:
        raise fail("show.slug", f"“{doc.show_slug}” is not a slug (lowercase letters, digits, -).")
    check_length("show.name", doc.show_name, 200)
    if doc.number is not None and doc.number < 1:
        raise fail("number", "episode numbers start at 1.")
    check_number("number", doc.number, 1, bounds.LARGEST_EPISODE_NUMBER)
    if doc.status not in STATUSES:
        raise fail("status", f"must be one of {', '.join(STATUSES)}.")
    check_number("target_seconds", doc.target_seconds, 0, bounds.LONGEST_SECONDS, " s")
    check_length("title", doc.title, 200)
    check_url("recording_url", doc.recording_url)
    check_url("join_url", doc.join_url)

    names: dict[str, SpeakerDoc] = {}
    for index, speaker in enumerate(doc.speakers):
        where = f"speakers[{index}]"
        if not speaker.name.strip():
            raise fail(f"{where}.name", "must not be empty.")
        check_length(f"{where}.name", speaker.name, 200)
        if speaker.name.lower() in names:
            raise fail(f"{where}.name", f"“{speaker.name}” is listed twice.")
        if speaker.name.lower() == EVERYONE:
            raise fail(f"{where}.name", "“all” stands for everyone and cannot be a speaker's name.")
        if speaker.role not in SPEAKER_ROLES:
            raise fail(f"{where}.role", f"must be one of {', '.join(SPEAKER_ROLES)}.")
        if speaker.email:
            try:
                is_email(speaker.email)
            except ValidationError:
                reason = f"“{speaker.email}” is not an email address."
                raise fail(f"{where}.email", reason) from None
        for link_index, link in enumerate(speaker.links):
            check_url(f"{where}.links[{link_index}]", link)
        names[speaker.name.lower()] = speaker

    if len(doc.segments) > limits.MAX_SEGMENTS_PER_EPISODE:
        limit = limits.MAX_SEGMENTS_PER_EPISODE
        raise fail("segments", f"{len(doc.segments)} segments; an episode holds at most {limit}.")
    for index, segment in enumerate(doc.segments):
        where = f"segments[{index}]"
        if len(segment.questions) > limits.MAX_QUESTIONS_PER_SEGMENT:
            limit = limits.MAX_QUESTIONS_PER_SEGMENT
            reason = f"{len(segment.questions)} questions; a segment holds at most {limit}."
            raise fail(f"{where}.questions", reason)
        if not segment.title.strip():
            raise fail(f"{where}.title", "must not be empty.")
        check_length(f"{where}.title", segment.title, 200)
        if segment.kind not in SEGMENT_KINDS:
            raise fail(f"{where}.kind", f"must be one of {', '.join(SEGMENT_KINDS)}.")
        low, high = segment.planned_seconds, segment.planned_max_seconds
        if (low is None) != (high is None):
            raise fail(
                f"{where}.planned_max_seconds",
                "give both planned_seconds and planned_max_seconds (equal when fixed), or neither.",
            )
        if low is not None and high is not None:
            if low < 0 or high < 0:
                raise fail(f"{where}.planned_seconds", "cannot be negative.")
            check_number(f"{where}.planned_max_seconds", high, 0, bounds.LONGEST_SECONDS, " s")
            if low > high:
                raise fail(
                    f"{where}.planned_max_seconds",
                    f"the maximum ({high} s) is below the minimum ({low} s).",
                )
        if segment.owner and segment.owner.lower() not in names:
            raise fail(f"{where}.owner", f"“{segment.owner}” is not one of the speakers.")
        for q_index, question in enumerate(segment.questions):
            q_where = f"{where}.questions[{q_index}]"
            if not question.text.strip():
                raise fail(f"{q_where}.text", "must not be empty.")
            check_length(f"{q_where}.text", question.text, limits.MAX_QUESTION_LENGTH)
            if question.status not in ("planned", "asked", "skipped"):
                raise fail(f"{q_where}.status", "must be planned, asked or skipped.")
            if EVERYONE in question.addressed_to and len(question.addressed_to) > 1:
                raise fail(f"{q_where}.addressed_to", "“all” already includes everyone.")
            for name in question.addressed_to:
                if name != EVERYONE and name.lower() not in names:
                    raise fail(f"{q_where}.addressed_to", f"“{name}” is not one of the speakers.")

    for index, item in enumerate(doc.news):
        where = f"news[{index}]"
        if not item.title.strip() and not item.url:
            raise fail(where, "a news item needs a title or a url.")
        check_length(f"{where}.title", item.title, 300)
        check_url(f"{where}.url", item.url, 1000)


def strings_of(value: object, where: str = "") -> list[tuple[str, str]]:
    """Every text in a document with its place, e.g. ``("segments[2].title", "News")``."""
    if isinstance(value, str):
        return [(where, value)]
    if isinstance(value, list):
        return [
            found
            for index, item in enumerate(value)
            for found in strings_of(item, f"{where}[{index}]")
        ]
    if is_dataclass(value):
        prefix = f"{where}." if where else ""
        return [
            found
            for item in fields(value)
            for found in strings_of(getattr(value, item.name), prefix + item.name)
        ]
    return []

"""What an import will save, as a person checks it: the import page's preview and
``import_runsheet --dry-run`` both show :func:`summarize` of each document.

Everything that will be saved comes first (number, date and time, title, hook, people with
their roles, each segment with its time, kind, lead, questions and to whom, news); then, apart,
the lines a reader could only keep as notes, with their line numbers, so that a misreading is
seen before anything is saved. Pure: no database.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from .document import EVERYONE, EpisodeDocument, KeptAsNotes, counted

KIND_NAMES = {
    "hook": "Hook",
    "news": "News",
    "intro": "Intro",
    "questions": "Questions",
    "demo": "Demo",
    "wrap_up": "Wrap-up",
    "other": "Other",
}
ROLE_NAMES = {
    "host": "host",
    "co_host": "co-host",
    "guest": "guest",
    "presenter": "presenter",
    "producer": "producer",
}


@dataclass
class QuestionSummary:
    to: str  # "Ana Lopez", "Ana Lopez and Ben Ode", "everyone", or "" for no one
    text: str
    notes: str


@dataclass
class SegmentSummary:
    position: int
    title: str
    kind: str  # the kind's name, e.g. "Questions"
    planned: str  # "2 min", "15-20 min", or "" without a planned time
    owner: str
    notes: str
    questions: list[QuestionSummary] = field(default_factory=list)


@dataclass
class NewsSummary:
    title: str
    url: str
    notes: str


@dataclass
class ImportSummary:
    show: str
    number: int | None
    when: str  # "Friday 3 February 2023, 20:00 (UTC+01:00)", "Friday 3 February 2023", ""
    status: str
    title: str
    hook: str
    description: str
    people: list[tuple[str, str]]  # (name, role name)
    segments: list[SegmentSummary]
    news: list[NewsSummary]
    kept_as_notes: list[KeptAsNotes]

    def lines(self) -> list[str]:
        """The summary as text, one fact a line (what ``import_runsheet --dry-run`` prints)."""
        out = [
            f"  show: {self.show or '(none)'}",
            f"  number: {self.number if self.number is not None else '(none)'}",
            f"  date and time: {self.when or '(none)'} · {self.status}",
            f"  title: {self.title or '(none)'}",
            f"  hook: {one_line(self.hook) or '(none)'}",
        ]
        if self.description:
            out.append(f"  description: {one_line(self.description)}")
        people = ", ".join(f"{name} ({role})" for name, role in self.people)
        out.append(f"  people: {people or '(none)'}")
        out.append(f"  segments: {len(self.segments) or '(none)'}")
        for segment in self.segments:
            facts = [segment.kind, segment.planned or "no planned time"]
            if segment.owner:
                facts.append(f"led by {segment.owner}")
            out.append(f"    {segment.position}. {segment.title} ({', '.join(facts)})")
            for question in segment.questions:
                to = f"to {question.to}" if question.to else "to no one"
                out.append(f"       - {to}: {question.text}")
                if question.notes:
                    out.append(f"         notes: {one_line(question.notes)}")
        out.append(f"  news: {len(self.news) or '(none)'}")
        for item in self.news:
            link = f" <{item.url}>" if item.url else " (no link)"
            out.append(f"    - {item.title or '(untitled)'}{link}")
        if self.kept_as_notes:
            out.append(f"  kept only as notes ({counted(len(self.kept_as_notes), 'line')}):")
            for kept in self.kept_as_notes:
                out.append(f"    line {kept.line}, in {kept.where}: {kept.text}")
        else:
            out.append("  kept only as notes: nothing")
        return out


def one_line(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def planned(low: int | None, high: int | None) -> str:
    if low is None or high is None:
        return ""

    def minutes(seconds: int) -> str:
        return f"{seconds // 60}" if seconds % 60 == 0 else f"{seconds / 60:.1f}"

    if low == high:
        return f"{minutes(low)} min"
    return f"{minutes(low)}-{minutes(high)} min"


def addressees(names: list[str], guests: list[str]) -> str:
    if not names:
        return ""
    if names == [EVERYONE]:
        return "everyone"
    label = " and ".join(names)
    return f"both ({label})" if len(guests) == 2 and names == guests else label


def when(doc: EpisodeDocument) -> str:
    if doc.starts_at is not None:
        offset = doc.starts_at.utcoffset() or timedelta(0)
        sign = "-" if offset < timedelta(0) else "+"
        minutes = abs(int(offset.total_seconds())) // 60
        day = doc.starts_at.date()
        return (
            f"{day:%A} {day.day} {day:%B %Y}, {doc.starts_at:%H:%M} "
            f"(UTC{sign}{minutes // 60:02d}:{minutes % 60:02d})"
        )
    if doc.air_date is not None:
        return f"{doc.air_date:%A} {doc.air_date.day} {doc.air_date:%B %Y}"
    return ""


def summarize(doc: EpisodeDocument) -> ImportSummary:
    guests = [s.name for s in doc.speakers if s.role == "guest" and not s.is_group]
    return ImportSummary(
        show=doc.show_name or doc.show_slug,
        number=doc.number,
        when=when(doc),
        status=doc.status,
        title=doc.title,
        hook=doc.hook,
        description=doc.description,
        people=[
            (s.name + (" (a group)" if s.is_group else ""), ROLE_NAMES.get(s.role, s.role))
            for s in doc.speakers
        ],
        segments=[
            SegmentSummary(
                position=position,
                title=segment.title,
                kind=KIND_NAMES.get(segment.kind, segment.kind),
                planned=planned(segment.planned_seconds, segment.planned_max_seconds),
                owner=segment.owner or "",
                notes=segment.notes,
                questions=[
                    QuestionSummary(
                        to=addressees(question.addressed_to, guests),
                        text=question.text,
                        notes=question.notes,
                    )
                    for question in segment.questions
                ],
            )
            for position, segment in enumerate(doc.segments, start=1)
        ],
        news=[NewsSummary(title=n.title, url=n.url, notes=n.notes) for n in doc.news],
        kept_as_notes=list(doc.kept_as_notes),
    )

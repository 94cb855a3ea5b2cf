"""The episode JSON format, ``showrunner.episode/1`` (documented in ``docs/episode-format.md``).

:func:`dump` turns an :class:`EpisodeDocument` into plain data and :func:`load` reads it back,
checking every field; a problem is reported with the path of the field that has it
(``segments[2].planned_seconds: ...``).
"""

import json
from datetime import date, datetime
from typing import Any

from showrunner import bounds

from .document import (
    SEGMENT_KINDS,
    SPEAKER_ROLES,
    STATUSES,
    EpisodeDocument,
    NewsDoc,
    ParseError,
    QuestionDoc,
    SegmentDoc,
    SpeakerDoc,
    validate,
)

FORMAT = "showrunner.episode/1"


def dump(doc: EpisodeDocument, *, time_zone: str | None = None) -> dict[str, Any]:
    show: dict[str, Any] = {"slug": doc.show_slug, "name": doc.show_name}
    if time_zone:
        show["time_zone"] = time_zone
    return {
        "format": FORMAT,
        "show": show,
        "number": doc.number,
        "title": doc.title,
        "air_date": doc.air_date.isoformat() if doc.air_date else None,
        "starts_at": doc.starts_at.isoformat() if doc.starts_at else None,
        "target_seconds": doc.target_seconds,
        "status": doc.status,
        "hook": doc.hook,
        "description": doc.description,
        "recording_url": doc.recording_url,
        "join_url": doc.join_url,
        "speakers": [
            {
                "name": s.name,
                "role": s.role,
                "is_group": s.is_group,
                "email": s.email,
                "links": list(s.links),
            }
            for s in doc.speakers
        ],
        "segments": [
            {
                "title": s.title,
                "kind": s.kind,
                "planned_seconds": s.planned_seconds,
                "planned_max_seconds": s.planned_max_seconds,
                "owner": s.owner,
                "notes": s.notes,
                "questions": [
                    {
                        "text": q.text,
                        "addressed_to": list(q.addressed_to),
                        "notes": q.notes,
                        "status": q.status,
                    }
                    for q in s.questions
                ],
            }
            for s in doc.segments
        ],
        "news": [{"title": n.title, "url": n.url, "notes": n.notes} for n in doc.news],
    }


def dumps(docs: list[EpisodeDocument] | EpisodeDocument, **kwargs: Any) -> str:
    data = [dump(d, **kwargs) for d in docs] if isinstance(docs, list) else dump(docs, **kwargs)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# The JSON of a previewed import comes back from the browser to be saved: a document at the
# size limit of formats.MAX_CHARACTERS is about three times as long as JSON.
MAX_JSON_CHARACTERS = 2_000_000


def loads(text: str) -> list[EpisodeDocument]:
    """One episode object, or a list of them (what ``import_runsheet --json`` prints)."""
    if len(text) > MAX_JSON_CHARACTERS:
        raise ParseError(
            f"The JSON is {len(text):,} characters long; the limit is {MAX_JSON_CHARACTERS:,}."
        )
    try:
        data = bounds.parse_json(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"Not valid JSON: {exc.msg}.", exc.lineno) from None
    except ValueError as exc:  # too deep, a number too long, NaN or Infinity
        raise ParseError(f"Not accepted as JSON: {exc}.") from None
    if isinstance(data, list):
        if not data:
            raise ParseError("The list holds no episode: expected at least one object {...}.", 1)
        return [load(item, path=f"[{index}]") for index, item in enumerate(data)]
    return [load(data)]


class Reader:
    """Typed access to one JSON object, naming the path of any field that is wrong."""

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, dict):
            raise ParseError(f"{path or 'the episode'}: expected an object {{...}}.")
        self.data = data
        self.path = path

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, reason: str) -> ParseError:
        return ParseError(f"{self.where(key)}: {reason}")

    def string(self, key: str, *, required: bool = False, default: str = "") -> str:
        value = self.data.get(key, None)
        if value is None:
            if required:
                raise self.fail(key, "is required.")
            return default
        if not isinstance(value, str):
            raise self.fail(key, "must be a string.")
        if required and not value.strip():
            raise self.fail(key, "must not be empty.")
        return value

    def optional_int(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, "must be a whole number or null.")
        if value < 0:
            raise self.fail(key, "cannot be negative.")
        return value

    def boolean(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false.")
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.string(key, default=default)
        if value not in choices:
            raise self.fail(key, f"must be one of {', '.join(choices)}, not “{value}”.")
        return value

    def items(self, key: str) -> list[Any]:
        value = self.data.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, "must be a list.")
        return value

    def strings(self, key: str) -> list[str]:
        values = self.items(key)
        for index, value in enumerate(values):
            if not isinstance(value, str):
                raise ParseError(f"{self.where(key)}[{index}]: must be a string.")
        return values


def load(data: object, *, path: str = "") -> EpisodeDocument:
    top = Reader(data, path)
    fmt = top.data.get("format")
    if fmt != FORMAT:
        raise top.fail("format", f"must be “{FORMAT}”, not {json.dumps(fmt)}.")
    show = Reader(top.data.get("show"), top.where("show"))
    doc = EpisodeDocument(
        show_slug=show.string("slug", required=True),
        show_name=show.string("name"),
        number=top.optional_int("number"),
        title=top.string("title"),
        target_seconds=top.optional_int("target_seconds"),
        status=top.choice("status", STATUSES, "draft"),
        hook=top.string("hook"),
        description=top.string("description"),
        recording_url=top.string("recording_url"),
        join_url=top.string("join_url"),
    )
    doc.show_time_zone = show.string("time_zone")
    if doc.number == 0:
        raise top.fail("number", "episode numbers start at 1.")
    air_date = top.string("air_date")
    if air_date:
        try:
            doc.air_date = date.fromisoformat(air_date)
        except ValueError:
            raise top.fail("air_date", f"“{air_date}” is not a date (YYYY-MM-DD).") from None
    starts_at = top.string("starts_at")
    if starts_at:
        try:
            doc.starts_at = datetime.fromisoformat(starts_at)
        except ValueError:
            raise top.fail("starts_at", f"“{starts_at}” is not an ISO 8601 date-time.") from None
        if doc.starts_at.utcoffset() is None:
            raise top.fail("starts_at", "needs a UTC offset, e.g. 2026-03-03T17:00:00+01:00.")

    for index, item in enumerate(top.items("speakers")):
        speaker = Reader(item, f"{top.where('speakers')}[{index}]")
        doc.speakers.append(
            SpeakerDoc(
                name=speaker.string("name", required=True).strip(),
                role=speaker.choice("role", SPEAKER_ROLES, "guest"),
                is_group=speaker.boolean("is_group"),
                email=speaker.string("email"),
                links=speaker.strings("links"),
            )
        )
    for index, item in enumerate(top.items("segments")):
        segment = Reader(item, f"{top.where('segments')}[{index}]")
        owner = segment.string("owner") or None
        parsed = SegmentDoc(
            title=segment.string("title", required=True).strip(),
            kind=segment.choice("kind", SEGMENT_KINDS, "other"),
            planned_seconds=segment.optional_int("planned_seconds"),
            planned_max_seconds=segment.optional_int("planned_max_seconds"),
            owner=owner,
            notes=segment.string("notes"),
        )
        for q_index, q_item in enumerate(segment.items("questions")):
            question = Reader(q_item, f"{segment.where('questions')}[{q_index}]")
            parsed.questions.append(
                QuestionDoc(
                    text=question.string("text", required=True).strip(),
                    addressed_to=question.strings("addressed_to"),
                    notes=question.string("notes"),
                    status=question.choice("status", ("planned", "asked", "skipped"), "planned"),
                )
            )
        doc.segments.append(parsed)
    for index, item in enumerate(top.items("news")):
        news = Reader(item, f"{top.where('news')}[{index}]")
        doc.news.append(
            NewsDoc(title=news.string("title"), url=news.string("url"), notes=news.string("notes"))
        )
    validate(doc, path=path)
    return doc

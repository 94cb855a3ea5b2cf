"""What the editor's templates show, as plain rows: one small dataclass per segment, question,
news item and guest, built in one function (:func:`editor_rows`) from the episode.

The templates read these and nothing else about the rows, so a row carries its URLs and its
pre-rendered choices. Select options and addressee chips are rendered once per distinct value
(an episode has a handful of kinds, leads and addressee sets), and each URL name is reversed
once per render (:class:`RowUrl`), which keeps a hundred-segment run-sheet cheap.
"""

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.timesince import timesince

from ..models import Appearance, Episode, Question, Segment
from ..runsheet import RunSheet
from ..templatetags.showtime import kind_label, minutes_text, planned_input, row_times

# An id no row has: reversed in its place, then replaced by each row's own id.
SLOT = 987654321987654321


class RowUrl:
    """A URL name reversed once, with the row's id filled in per row (the id comes last)."""

    def __init__(self, name: str, *args: Any) -> None:
        path = reverse(name, args=[*args, SLOT])
        self.head, _, self.tail = path.rpartition(str(SLOT))

    def __call__(self, pk: int) -> str:
        return f"{self.head}{pk}{self.tail}"


@dataclass(frozen=True)
class QuestionRow:
    pk: int
    version: int
    text: str
    chips: SafeString  # the addressee checkboxes, rendered once per distinct set
    edit_url: str
    move_url: str
    delete_url: str


@dataclass(frozen=True)
class SegmentRow:
    pk: int
    version: int
    position: int
    title: str
    notes: str
    planned: str  # as typed: "5" or "5-10"
    history_hint: str  # "Questions usually run 24 min"
    front: str  # planned start: a clock time, or an offset from the top
    back: str  # latest start that still ends on the target
    locked: bool  # already on air: its plan cannot change
    kind_options: SafeString
    owner_options: SafeString
    questions: tuple[QuestionRow, ...]
    edit_url: str
    move_url: str
    duplicate_url: str
    delete_url: str
    add_question_url: str


@dataclass(frozen=True)
class NewsRow:
    pk: int
    version: int
    title: str
    url: str
    edit_url: str
    move_url: str
    delete_url: str


@dataclass(frozen=True)
class ContactCell:
    name: str  # the speaker's field
    label: str
    input_type: str
    value: str


@dataclass(frozen=True)
class GuestRow:
    pk: int
    version: int
    name: str
    role: str
    notes: str
    has_email: bool
    link_url: str  # the private link, or "" when there is none
    link_expires: str  # YYYY-MM-DD in the show's zone, or ""
    link_expired: bool
    contacts: tuple[ContactCell, ...]
    profile_change: str  # "Changed their pronouns 3 hours ago.", or ""
    edit_url: str
    remove_url: str
    link_action_url: str
    contact_url: str


@dataclass(frozen=True)
class TimeRow:
    """A segment's times alone: what a saved cell sends again."""

    pk: int
    front: str
    back: str


@dataclass(frozen=True)
class EditorRows:
    segments: tuple[SegmentRow, ...]
    news: tuple[NewsRow, ...]
    guests: tuple[GuestRow, ...]


def rendered_once(name: str, variants: dict[Any, dict[str, Any]]) -> dict[Any, SafeString]:
    """Render a small fragment once per distinct value instead of once per row. It goes inside
    an element of each row, so without the newline that ends the template's file."""
    template = get_template(name)
    return {
        key: SafeString(template.render(context).rstrip("\n")) for key, context in variants.items()
    }


def history_hint(kind: str, usual: dict[str, tuple[float, int]]) -> str:
    """ "Questions usually run 24 min": the median on air of this kind of segment on the show."""
    if kind not in usual:
        return ""
    seconds, _ = usual[kind]
    rounded = round(seconds / 60) * 60 if seconds >= 120 else round(seconds)
    verb = "run" if kind == "questions" else "runs"
    return f"{kind_label(kind)} usually {verb} {minutes_text(rounded)}"


def time_rows(episode: Episode, sheet: RunSheet[Any]) -> tuple[TimeRow, ...]:
    zone = episode.show.zone
    return tuple(TimeRow(row.segment.pk, *row_times(row, zone)) for row in sheet.rows)


def editor_rows(
    episode: Episode,
    sheet: RunSheet[Any],
    *,
    questions: dict[int, list[Question]],
    addressed: dict[int, frozenset[int]],
    locked: set[int],
    usual: dict[str, tuple[float, int]],
    links: dict[int, str],
    profile_changes: dict[int, tuple[str, datetime]],
    now: datetime,
) -> EditorRows:
    """Every row the editor shows. ``questions``: each segment's, in order; ``addressed``:
    whom each question is for (appearance ids); ``links``: each appearance's private link;
    ``profile_changes``: each speaker's latest own change (what, when)."""
    pk = episode.pk
    zone = episode.show.zone
    appearances = list(episode.appearances.all())
    kinds = rendered_once(
        "episodes/editor/_options.html",
        {value: {"choices": Segment.Kind.choices, "selected": value} for value in Segment.Kind},
    )
    owner_choices = [("", "—"), *((a.pk, a.speaker.name) for a in appearances)]
    owners = rendered_once(
        "episodes/editor/_options.html",
        {value: {"choices": owner_choices, "selected": value} for value, _ in owner_choices},
    )
    chip_sets: dict[tuple[bool, frozenset[int], bool], dict[str, Any]] = {}
    for segment_questions in questions.values():
        for question in segment_questions:
            key = chip_key(question, addressed)
            chip_sets[key] = {
                "appearances": appearances,
                "everyone": key[0],
                "ids": key[1],
                "recurring": key[2],
            }
    chips = rendered_once("episodes/editor/_addressees.html", chip_sets)
    segment_url, question_url = (
        RowUrl("episodes:edit_segment", pk),
        RowUrl("episodes:edit_question", pk),
    )
    moves = {
        kind: RowUrl("episodes:move_item", pk, kind) for kind in ("segments", "questions", "news")
    }
    deletes = {
        kind: RowUrl("episodes:delete_item", pk, kind) for kind in ("segments", "questions", "news")
    }
    duplicate_url, add_question_url = (
        RowUrl("episodes:duplicate_segment", pk),
        RowUrl("episodes:add_question", pk),
    )
    segments = []
    for row in sheet.rows:
        segment = row.segment
        front, back = row_times(row, zone)
        segments.append(
            SegmentRow(
                pk=segment.pk,
                version=segment.version,
                position=segment.position,
                title=segment.title,
                notes=segment.notes,
                planned=planned_input(segment.planned_seconds, segment.planned_max_seconds),
                history_hint=history_hint(segment.kind, usual),
                front=front,
                back=back,
                locked=segment.pk in locked,
                kind_options=kinds[segment.kind],
                owner_options=owners[segment.owner_id or ""],
                questions=tuple(
                    QuestionRow(
                        pk=question.pk,
                        version=question.version,
                        text=question.text,
                        chips=chips[chip_key(question, addressed)],
                        edit_url=question_url(question.pk),
                        move_url=moves["questions"](question.pk),
                        delete_url=deletes["questions"](question.pk),
                    )
                    for question in questions.get(segment.pk, [])
                ),
                edit_url=segment_url(segment.pk),
                move_url=moves["segments"](segment.pk),
                duplicate_url=duplicate_url(segment.pk),
                delete_url=deletes["segments"](segment.pk),
                add_question_url=add_question_url(segment.pk),
            )
        )
    news_url = RowUrl("episodes:edit_news", pk)
    news = tuple(
        NewsRow(
            pk=item.pk,
            version=item.version,
            title=item.title,
            url=item.url,
            edit_url=news_url(item.pk),
            move_url=moves["news"](item.pk),
            delete_url=deletes["news"](item.pk),
        )
        for item in episode.news_items.all()
    )
    guests = tuple(
        guest_row(appearance, links.get(appearance.pk, ""), profile_changes, zone=zone, now=now)
        for appearance in appearances
    )
    return EditorRows(segments=tuple(segments), news=news, guests=guests)


def chip_key(
    question: Question, addressed: dict[int, frozenset[int]]
) -> tuple[bool, frozenset[int], bool]:
    return (question.for_everyone, addressed.get(question.pk, frozenset()), question.is_recurring)


def guest_row(
    appearance: Appearance,
    link_url: str,
    profile_changes: dict[int, tuple[str, datetime]],
    *,
    zone: tzinfo,
    now: datetime,
) -> GuestRow:
    speaker = appearance.speaker
    pk, episode_pk = appearance.pk, appearance.episode_id
    expires_at = speaker.link_expires_at
    change = profile_changes.get(speaker.pk)
    return GuestRow(
        pk=pk,
        version=appearance.version,
        name=speaker.name,
        role=appearance.role,
        notes=appearance.notes,
        has_email=bool(speaker.email),
        link_url=link_url,
        link_expires=expires_at.astimezone(zone).date().isoformat() if expires_at else "",
        link_expired=bool(expires_at and expires_at <= now),
        contacts=(
            ContactCell("email", "Email", "email", speaker.email),
            ContactCell("pronouns", "Pronouns", "text", speaker.pronouns),
            ContactCell("title", "Title or affiliation", "text", speaker.title),
            ContactCell("pronunciation", "Say the name", "text", speaker.pronunciation),
        ),
        profile_change=(
            f"Changed their {change[0]} {timesince(change[1], now, depth=1)} ago." if change else ""
        ),
        edit_url=reverse("episodes:edit_appearance", args=[episode_pk, pk]),
        remove_url=reverse("episodes:remove_guest", args=[episode_pk, pk]),
        link_action_url=reverse("episodes:guest_link", args=[episode_pk, pk]),
        contact_url=reverse("episodes:edit_contact", args=[episode_pk, pk]),
    )

"""The edits producers make in the episode editor.

Every edit is checked against the version the producer's screen showed, inside the UPDATE
itself (``WHERE version = %s``), so two producers, or two worker processes, can never both win,
on SQLite as on PostgreSQL. A refused edit raises :class:`Conflict` and changes nothing.

Rows carry their own ``version`` (a cell edit conflicts only with an edit of the same row);
adding, removing and reordering check the episode's ``layout_version``. Every edit moves the
plan's revision (:func:`plan_changed`), which open editors follow; only an edit of something
live screens show (titles, durations, order, questions, guests) moves what they follow too.

Each edit is recorded as a :class:`~episodes.models.Change` holding what restores the state
before it, so the producer who made it can undo it for a few minutes.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F

from showrunner import bounds
from speakers import emails, links
from speakers.models import ProfileChange, Speaker

from . import broadcast, limits, onair, ordering
from .models import Appearance, Change, Episode, NewsItem, Question, Segment, Show

UNDO_WINDOW = timedelta(minutes=5)

Ordered = Segment | Question | NewsItem
ModelT = TypeVar("ModelT", bound=models.Model)
MODELS: dict[str, type[models.Model]] = {
    "episode": Episode,
    "segment": Segment,
    "question": Question,
    "news": NewsItem,
    "appearance": Appearance,
}
NAMES = {model: name for name, model in MODELS.items()}
# The models undo removes and restores with their positions among their siblings.
ORDERED_MODELS: dict[str, type[Ordered]] = {
    "segment": Segment,
    "question": Question,
    "news": NewsItem,
}


class Conflict(Exception):
    """The edit was made against a stale version; ``current`` is the row as it is now."""

    def __init__(self, message: str, current: models.Model | None = None) -> None:
        super().__init__(message)
        self.current = current


class CannotUndo(Exception):
    pass


class Refused(Exception):
    """A new episode cannot be made now; the message says why. Nothing was saved."""


# Tries at the next number when another writer took it first (new_episode).
NUMBER_ATTEMPTS = 5


@dataclass
class Actor:
    """Who makes an edit, and when (time is passed in, never read here)."""

    user: User | None
    now: datetime


# What live screens show of each model (episodes/live_screens.py): an edit of anything else
# (notes, news, the hook, links) refreshes editors only and pushes nothing to a screen.
SHOWN_ON_AIR: dict[type[models.Model], frozenset[str]] = {
    Episode: frozenset({"title", "number", "starts_at", "air_date", "hard_out_at"}),
    Segment: frozenset(
        {
            "title",
            "kind",
            "planned_seconds",
            "planned_max_seconds",
            "owner_id",
            "owner",
            "warning_seconds",
            "danger_seconds",
            "position",
        }
    ),
    Question: frozenset({"text", "for_everyone", "addressed_to", "status", "position"}),
    Appearance: frozenset(),
    NewsItem: frozenset(),
}


def shown_on_air(model: type[models.Model], fields: Iterable[str]) -> bool:
    return bool(SHOWN_ON_AIR.get(model, frozenset()) & set(fields))


def plan_changed(episode_id: int, *, on_air: bool, now: datetime) -> None:
    """The plan changed: open editors refresh (and guests are told once edits settle). With
    ``on_air``, live screens show what changed, so they are sent it too."""
    broadcast.revise(episode_id, plan=True, live=on_air, now=now)


# What live screens and stream graphics show of a speaker.
SPEAKER_ON_AIR = frozenset({"name", "pronouns", "title", "avatar"})


def speaker_changed(speaker_id: int, fields: Iterable[str], *, now: datetime) -> None:
    """A speaker's own details changed: the editors of every episode they are on that has not
    aired long ago show them again, and where ``fields`` are shown on air, live screens too
    (a lower third on the stream takes a guest's fixed title at once)."""
    on_air = bool(SPEAKER_ON_AIR & set(fields))
    recent = now - timedelta(days=1)
    episodes = (
        Episode.objects.filter(appearances__speaker_id=speaker_id, is_template=False)
        .filter(models.Q(starts_at__isnull=True) | models.Q(starts_at__gte=recent))
        .values_list("pk", flat=True)
        .distinct()
    )
    for episode_id in episodes:
        plan_changed(episode_id, on_air=on_air, now=now)


def claim_layout(episode: Episode, expected: int | None, actor: Actor, *, on_air: bool) -> None:
    """Check-and-bump the layout version; ``None`` takes whatever is current (undo does).
    ``on_air``: the change is to what live screens show (segments, questions, guests; not
    news)."""
    claimed = broadcast.revise(
        episode.pk, plan=True, live=on_air, now=actor.now, layout=True, expected_layout=expected
    )
    if claimed is None:
        raise Conflict(
            "The run-sheet changed while you were working: someone added, removed or moved "
            "something. This is the current run-sheet; your change was not applied."
        )
    episode.refresh_from_db(fields=["layout_version", "revision", "live_revision"])


def record(
    episode: Episode, actor: Actor, action: str, description: str, undo: dict[str, Any]
) -> Change:
    return Change.objects.create(
        episode=episode,
        user=actor.user if actor.user is not None and actor.user.is_authenticated else None,
        created_at=actor.now,
        action=action,
        description=description[:300],
        undo=undo,
    )


def episode_of(obj: models.Model) -> Episode:
    if isinstance(obj, Episode):
        return obj
    if isinstance(obj, Question):
        return obj.segment.episode
    if isinstance(obj, Segment | NewsItem | Appearance):
        return obj.episode
    raise TypeError(f"A {type(obj).__name__} is not part of an episode.")


def field_values(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        assert isinstance(field, models.Field)  # the names are of the model's own columns
        values[field.attname] = getattr(obj, field.attname)
    return values


def to_json(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}


def from_json(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    converted = {}
    for attname, value in values.items():
        field = next(f for f in model._meta.concrete_fields if f.attname == attname)
        converted[attname] = field.to_python(value) if value is not None else None
    return converted


# -- what is on air stays as it was ----------------------------------------------------------------

ON_AIR = "This segment has already been on air, so its plan can no longer change."


def check_not_played(obj: models.Model) -> None:
    """Segments (and their questions) that have been on air in the show now running are
    locked; the rest of the run-sheet stays editable on air."""
    segment_id = (
        obj.pk
        if isinstance(obj, Segment)
        else obj.segment_id
        if isinstance(obj, Question)
        else None
    )
    if segment_id is None:
        return
    episode = episode_of(obj)
    if segment_id in onair.locked_segment_ids(episode):
        raise Conflict(ON_AIR)


def check_positions_kept(
    episode: Episode, new_order: Sequence[int] | None = None, opening_at: int | None = None
) -> None:
    """Refuse a layout change that would move a segment that has been on air."""
    locked = onair.locked_segment_ids(episode)
    if not locked:
        return
    current = list(
        Segment.objects.filter(episode=episode).order_by("position").values_list("pk", flat=True)
    )
    if new_order is not None:
        moved = [
            pk
            for pk in locked
            if pk in current and pk in new_order and current.index(pk) != list(new_order).index(pk)
        ]
        if moved:
            raise Conflict("Segments that have been on air keep their place in the run-sheet.")
    if opening_at is not None:
        later = current[opening_at - 1 :]
        if any(pk in locked for pk in later):
            raise Conflict("Segments that have been on air keep their place in the run-sheet.")


# -- changing fields -----------------------------------------------------------------------------


def update_fields(
    obj: ModelT,
    changes: dict[str, Any],
    expected_version: int,
    actor: Actor,
    *,
    description: str,
) -> ModelT:
    """Set ``changes`` (attnames → values) on ``obj`` if it is still at ``expected_version``."""
    model = type(obj)
    episode = episode_of(obj)
    check_not_played(obj)
    with transaction.atomic():
        current = model._default_manager.filter(pk=obj.pk).first()
        if current is None:
            raise Conflict("This was deleted by someone else while you were working.")
        if current.version != expected_version:  # type: ignore[attr-defined]
            raise Conflict(stale_message(current), current)
        before = {name: getattr(current, name) for name in changes}
        if before == changes:
            return current
        extra = {"updated_at": actor.now} if isinstance(current, Episode) else {}
        updated = model._default_manager.filter(pk=obj.pk, version=expected_version).update(
            **changes, **extra, version=F("version") + 1
        )
        if not updated:
            raise Conflict(stale_message(current), model._default_manager.get(pk=obj.pk))
        plan_changed(episode.pk, on_air=shown_on_air(model, changes), now=actor.now)
        current.refresh_from_db()
        record(
            episode,
            actor,
            "edit",
            description,
            {
                "kind": "fields",
                "model": NAMES[model],
                "pk": obj.pk,
                "before": to_json(before),
                "version": current.version,  # type: ignore[attr-defined]
            },
        )
    return current


def stale_message(current: models.Model) -> str:
    return (
        "Someone else changed this while you were editing, so your edit was not saved. "
        "The current values are shown."
    )


def set_addressees(
    question: Question,
    appearance_ids: Sequence[int],
    for_everyone: bool,
    expected_version: int,
    actor: Actor,
) -> Question:
    """Address ``question`` to these appearances of its episode, or to everyone."""
    episode = question.segment.episode
    check_not_played(question)
    with transaction.atomic():
        current = Question.objects.filter(pk=question.pk).first()
        if current is None:
            raise Conflict("This question was deleted by someone else.")
        if current.version != expected_version:
            raise Conflict(stale_message(current), current)
        before_ids = sorted(current.addressed_to.values_list("pk", flat=True))
        before_everyone = current.for_everyone
        updated = Question.objects.filter(pk=question.pk, version=expected_version).update(
            for_everyone=for_everyone, version=F("version") + 1
        )
        if not updated:
            raise Conflict(stale_message(current), Question.objects.get(pk=question.pk))
        ids = episode.appearances.filter(pk__in=appearance_ids).values_list("pk", flat=True)
        current.addressed_to.set(sorted(ids))
        plan_changed(episode.pk, on_air=True, now=actor.now)
        current.refresh_from_db()
        record(
            episode,
            actor,
            "edit",
            f"change whom “{current.text[:60]}” is for",
            {
                "kind": "addressees",
                "pk": current.pk,
                "ids": before_ids,
                "for_everyone": before_everyone,
                "version": current.version,
            },
        )
    return current


# -- adding, removing, moving --------------------------------------------------------------------


def siblings_of(obj: Ordered) -> models.QuerySet:
    if isinstance(obj, Question):
        return Question.objects.filter(segment_id=obj.segment_id)
    if isinstance(obj, Segment):
        return Segment.objects.filter(episode_id=obj.episode_id)
    return NewsItem.objects.filter(episode_id=obj.episode_id)


def add_segment(
    episode: Episode,
    expected_layout: int,
    actor: Actor,
    *,
    after: Segment | None = None,
    title: str = "New segment",
) -> Segment:
    """A new segment at the end, or right after ``after``."""
    with transaction.atomic():
        claim_layout(episode, expected_layout, actor, on_air=True)
        siblings = Segment.objects.filter(episode=episode)
        limits.check_segments(siblings.count() + 1)
        if after is None:
            position = ordering.next_position(siblings)
        else:
            position = after.position + 1
            check_positions_kept(episode, opening_at=position)
            ordering.open_gap(siblings, position)
        segment = Segment.objects.create(episode=episode, position=position, title=title)
        undo = {"kind": "remove", "model": "segment", "pk": segment.pk}
        record(episode, actor, "add", f"add “{segment.title}”", undo)
    return segment


def duplicate_segment(segment: Segment, expected_layout: int, actor: Actor) -> Segment:
    """A copy right below, with its questions (and whom they address)."""
    episode = segment.episode
    with transaction.atomic():
        claim_layout(episode, expected_layout, actor, on_air=True)
        check_positions_kept(episode, opening_at=segment.position + 1)
        siblings = Segment.objects.filter(episode=episode)
        limits.check_segments(siblings.count() + 1)
        ordering.open_gap(siblings, segment.position + 1)
        copy = Segment.objects.create(
            episode=episode,
            position=segment.position + 1,
            title=segment.title,
            kind=segment.kind,
            planned_seconds=segment.planned_seconds,
            planned_max_seconds=segment.planned_max_seconds,
            notes=segment.notes,
            owner=segment.owner,
        )
        copy_questions(segment.questions.all(), copy, keep_addressees=True)
        record(
            episode,
            actor,
            "duplicate",
            f"duplicate “{segment.title}”",
            {"kind": "remove", "model": "segment", "pk": copy.pk},
        )
    return copy


def copy_questions(
    questions: Iterable[Question],
    segment: Segment,
    *,
    keep_addressees: bool,
    recurring_only: bool = False,
) -> None:
    position = 0
    for question in questions:
        if recurring_only and not question.is_recurring:
            continue
        position += 1
        copy = Question.objects.create(
            segment=segment,
            position=position,
            text=question.text,
            notes=question.notes,
            for_everyone=question.for_everyone,
            is_recurring=question.is_recurring,
        )
        if keep_addressees:
            copy.addressed_to.set(question.addressed_to.all())


def add_question(segment: Segment, text: str, expected_layout: int, actor: Actor) -> Question:
    episode = segment.episode
    check_not_played(segment)
    limits.check_question_text(text)
    with transaction.atomic():
        claim_layout(episode, expected_layout, actor, on_air=True)
        limits.check_questions(Question.objects.filter(segment=segment).count() + 1)
        question = Question.objects.create(
            segment=segment,
            position=ordering.next_position(Question.objects.filter(segment=segment)),
            text=text,
        )
        record(
            episode,
            actor,
            "add",
            f"add question “{text[:60]}”",
            {"kind": "remove", "model": "question", "pk": question.pk},
        )
    return question


def add_news(
    episode: Episode, items: Sequence[tuple[str, str]], expected_layout: int, actor: Actor
) -> list[NewsItem]:
    """News items (title, url) appended in order, all in one change."""
    with transaction.atomic():
        claim_layout(episode, expected_layout, actor, on_air=False)
        start = ordering.next_position(NewsItem.objects.filter(episode=episode))
        created = [
            NewsItem.objects.create(episode=episode, position=start + i, title=title, url=url)
            for i, (title, url) in enumerate(items)
        ]
        record(
            episode,
            actor,
            "add",
            f"add {len(created)} news item{'s' if len(created) != 1 else ''}",
            {"kind": "remove", "model": "news", "pks": [item.pk for item in created]},
        )
    return created


def delete(obj: Ordered, expected_layout: int, actor: Actor) -> None:
    """Remove a segment (with its questions), a question or a news item; undoable."""
    episode = episode_of(obj)
    check_not_played(obj)
    if isinstance(obj, Segment):
        check_positions_kept(episode, opening_at=obj.position)
    with transaction.atomic():
        claim_layout(episode, expected_layout, actor, on_air=not isinstance(obj, NewsItem))
        kept = copy_for_undo(obj)
        siblings = siblings_of(obj)
        position = obj.position
        obj.delete()
        ordering.close_gap(siblings, position)
        label = obj.title if not isinstance(obj, Question) else obj.text[:60]
        record(episode, actor, "delete", f"delete “{label}”", {"kind": "restore", **kept})


def move(obj: Ordered, to_index: int, expected_layout: int, actor: Actor) -> None:
    """Put ``obj`` at ``to_index`` (0-based) among its siblings."""
    episode = episode_of(obj)
    check_not_played(obj)
    with transaction.atomic():
        claim_layout(episode, expected_layout, actor, on_air=not isinstance(obj, NewsItem))
        siblings = siblings_of(obj)
        before = list(siblings.order_by("position").values_list("pk", flat=True))
        after = ordering.moved(before, obj.pk, to_index)
        if after == before:
            return
        if isinstance(obj, Segment):
            check_positions_kept(episode, new_order=after)
        ordering.renumber(siblings, after)
        label = obj.title if not isinstance(obj, Question) else obj.text[:60]
        record(
            episode,
            actor,
            "move",
            f"move “{label}”",
            {"kind": "order", "model": NAMES[type(obj)], "parent": parent_of(obj), "pks": before},
        )


def parent_of(obj: Ordered) -> int:
    return obj.segment_id if isinstance(obj, Question) else obj.episode_id


def copy_for_undo(obj: Ordered) -> dict[str, Any]:
    """What undoing a delete needs of ``obj``: its fields, addressees and questions, as JSON."""
    fields = {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname != "version"
    }
    kept: dict[str, Any] = {"model": NAMES[type(obj)], "fields": to_json(fields)}
    if isinstance(obj, Question):
        kept["addressed_to"] = list(obj.addressed_to.values_list("pk", flat=True))
    if isinstance(obj, Segment):
        kept["questions"] = [copy_for_undo(q) for q in obj.questions.all()]
    return kept


def recreate_from_copy(copy: dict[str, Any]) -> models.Model:
    """A deleted row made again from :func:`copy_for_undo`'s copy (its questions too), under
    its old id where that is still free."""
    model = MODELS[copy["model"]]
    fields = from_json(model, copy["fields"])
    if model._default_manager.filter(pk=fields["id"]).exists():
        fields.pop("id")
    obj = model(**fields)
    obj.save(force_insert=True)
    if isinstance(obj, Question):
        obj.addressed_to.set(
            Appearance.objects.filter(pk__in=copy["addressed_to"], episode=obj.segment.episode)
        )
    for question in copy.get("questions", []):
        question["fields"]["segment_id"] = obj.pk
        recreate_from_copy(question)
    return obj


# -- guests --------------------------------------------------------------------------------------


def speaker_for(
    episode: Episode,
    *,
    speaker: Speaker | None = None,
    copy_of: Speaker | None = None,
    name: str = "",
) -> Speaker:
    """Whom to put on the episode: one of its show's speakers, the same person as a speaker of
    another show (the copy made before, or a new one), or someone new called ``name``."""
    if speaker is not None:
        return speaker
    if copy_of is not None:
        existing = (
            Speaker.objects.filter(
                show=episode.show, name=copy_of.name, email__iexact=copy_of.email
            )
            .order_by("pk")
            .first()
        )
        return existing or copy_of.copy_to(episode.show)
    return Speaker.objects.create(
        show=episode.show, name=name, is_group=name.lower().endswith(" team")
    )


def add_guest(
    episode: Episode,
    expected_layout: int,
    actor: Actor,
    *,
    role: str,
    speaker: Speaker | None = None,
    copy_of: Speaker | None = None,
    name: str = "",
) -> Appearance:
    """Put someone on the episode (see :func:`speaker_for`), in ``role``; undoable. Refused
    when they are on it already, also when added twice at once; nothing is saved then."""
    with transaction.atomic():
        person = speaker_for(episode, speaker=speaker, copy_of=copy_of, name=name)
        already = Refused(f"{person.name} is on the episode already.")
        if Appearance.objects.filter(episode=episode, speaker=person).exists():
            raise already
        try:
            claim_layout(episode, expected_layout, actor, on_air=True)
            with transaction.atomic():  # one person added twice at once: the second is refused
                appearance = Appearance.objects.create(episode=episode, speaker=person, role=role)
        except IntegrityError:
            raise already from None
        except Conflict:
            if Appearance.objects.filter(episode=episode, speaker=person).exists():
                raise already from None
            raise
        record(
            episode,
            actor,
            "add",
            f"add {person.name}",
            {"kind": "remove", "model": "appearance", "pk": appearance.pk},
        )
    return appearance


def remove_guest(appearance: Appearance, expected_layout: int, actor: Actor) -> None:
    """Take someone off the episode; their questions stay, addressed to the others. Undoing
    puts them back with whom they were asked and which segments they led."""
    episode = appearance.episode
    with transaction.atomic():
        claim_layout(episode, expected_layout, actor, on_air=True)
        undo = {"kind": "restore", **appearance_copy(appearance)}
        appearance.delete()
        record(episode, actor, "delete", f"take {appearance.speaker.name} off", undo)


def appearance_copy(appearance: Appearance) -> dict[str, Any]:
    fields = {
        f.attname: getattr(appearance, f.attname)
        for f in Appearance._meta.concrete_fields
        if f.attname != "version"
    }
    return {
        "model": "appearance",
        "fields": to_json(fields),
        "questions": list(appearance.questions.values_list("pk", flat=True)),
        "segments": list(appearance.owned_segments.values_list("pk", flat=True)),
    }


def restore_appearance(episode: Episode, snapshot: dict[str, Any]) -> None:
    fields = from_json(Appearance, snapshot["fields"])
    if Appearance.objects.filter(episode=episode, speaker_id=fields["speaker_id"]).exists():
        raise CannotUndo("They are on the episode again already.")
    if not Speaker.objects.filter(pk=fields["speaker_id"]).exists():
        raise CannotUndo("Their profile has been deleted since.")
    if Appearance.objects.filter(pk=fields["id"]).exists():
        fields.pop("id")
    appearance = Appearance.objects.create(**fields)
    appearance.questions.set(
        Question.objects.filter(pk__in=snapshot["questions"], segment__episode=episode)
    )
    Segment.objects.filter(pk__in=snapshot["segments"], episode=episode, owner=None).update(
        owner=appearance
    )


LINK_ACTIONS = ("new", "revoke", "expiry", "send")


def guest_link(
    appearance: Appearance, action: str, actor: Actor, *, expires_at: datetime | None = None
) -> str:
    """A guest's private link: a new one (the old stops working), none, an expiry
    (``expires_at``, None: never), or sent by email. Says what it did. Not undoable: a link
    that was replaced or turned off must stay off. Open editors refresh."""
    speaker = appearance.speaker
    if action == "new":
        links.regenerate(speaker, expires_at=speaker.link_expires_at, now=actor.now)
        message = f"New link for {speaker.name}; the old one no longer works."
    elif action == "revoke":
        links.revoke(speaker, now=actor.now)
        message = f"{speaker.name}'s link no longer works."
    elif action == "expiry":
        links.set_expiry(speaker, expires_at, now=actor.now)
        zone = appearance.episode.show.zone
        until = (
            f"works until the end of {expires_at.astimezone(zone):%-d %B %Y}."
            if expires_at
            else "does not expire."
        )
        message = f"{speaker.name}'s link {until}"
    elif action == "send":
        if not speaker.email:
            raise Refused(
                f"Add an email address for {speaker.name} first, in their Email field above."
            )
        links.ensure_link(speaker, now=actor.now)
        emails.send_link(appearance, now=actor.now)
        message = f"Sent {speaker.name} their link at {speaker.email}."
    else:
        raise Refused(f"There is no link action {action!r}.")
    plan_changed(appearance.episode_id, on_air=False, now=actor.now)
    return message


def set_contact(
    appearance: Appearance, field: str, value: str, was: str | None, actor: Actor
) -> bool:
    """A guest's email, pronouns or pronunciation, set by a producer of the guest's show:
    checked against the value the producer's screen showed (``was``; None: not checked) in
    the transaction that writes it, and recorded in the guest's profile history as the
    producers' change. True if it changed; :class:`Conflict` (with the speaker as they are
    now) if ``was`` is stale."""
    with transaction.atomic():
        speaker = Speaker.objects.select_for_update().get(pk=appearance.speaker_id)
        before = getattr(speaker, field)
        if was is not None and before != was:
            raise Conflict(f"Someone changed this meanwhile to “{before}”.", speaker)
        if value == before:
            return False
        Speaker.objects.filter(pk=speaker.pk).update(**{field: value, "updated_at": actor.now})
        ProfileChange.objects.create(
            speaker=speaker,
            changed_at=actor.now,
            fields={field: [before, value]},
            changed_by=actor.user,
        )
        speaker_changed(speaker.pk, [field], now=actor.now)
    return True


# -- after the show ------------------------------------------------------------------------------


def set_chapters(episode: Episode, text: str, expected: str | None, actor: Actor) -> bool:
    """Save the chapters' text over ``expected`` (what the producer's screen started from;
    None: whatever is saved). False, and nothing saved, if someone saved other chapters since.
    """
    rows = Episode.objects.filter(pk=episode.pk)
    if expected is not None:
        rows = rows.filter(chapters=expected)
    with transaction.atomic():
        if not rows.update(chapters=text):
            return False
        plan_changed(episode.pk, on_air=False, now=actor.now)
    return True


# -- undo ----------------------------------------------------------------------------------------


def last_change(episode: Episode, actor: Actor) -> Change | None:
    if actor.user is None or not actor.user.is_authenticated:
        return None
    return (
        Change.objects.filter(
            episode=episode,
            user=actor.user,
            undone_at__isnull=True,
            created_at__gte=actor.now - UNDO_WINDOW,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def undo_last(episode: Episode, actor: Actor) -> Change:
    """Undo ``actor``'s most recent change to ``episode`` made within the last few minutes."""
    with transaction.atomic():
        change = last_change(episode, actor)
        if change is None:
            raise CannotUndo("There is nothing of yours to undo from the last few minutes.")
        apply_undo(episode, change.undo, actor)
        Change.objects.filter(pk=change.pk).update(undone_at=actor.now)
        change.undone_at = actor.now
    return change


def apply_undo(episode: Episode, undo: dict[str, Any], actor: Actor) -> None:
    kind = undo["kind"]
    if kind == "fields":
        model = MODELS[undo["model"]]
        updated = model._default_manager.filter(pk=undo["pk"], version=undo["version"]).update(
            **from_json(model, undo["before"]), version=F("version") + 1
        )
        if not updated:
            raise CannotUndo("It has been changed again since, so it cannot be undone.")
        plan_changed(episode.pk, on_air=shown_on_air(model, undo["before"]), now=actor.now)
    elif kind == "addressees":
        question = Question.objects.filter(pk=undo["pk"], version=undo["version"]).first()
        if question is None:
            raise CannotUndo("The question has been changed again since.")
        Question.objects.filter(pk=question.pk).update(
            for_everyone=undo["for_everyone"], version=F("version") + 1
        )
        question.addressed_to.set(episode.appearances.filter(pk__in=undo["ids"]))
        plan_changed(episode.pk, on_air=True, now=actor.now)
    elif kind == "remove" and undo["model"] == "appearance":
        claim_layout(episode, None, actor, on_air=True)
        Appearance.objects.filter(pk=undo["pk"], episode=episode).delete()
    elif kind == "restore" and undo["model"] == "appearance":
        claim_layout(episode, None, actor, on_air=True)
        restore_appearance(episode, undo)
    elif kind == "remove":
        model = ORDERED_MODELS[undo["model"]]
        claim_layout(episode, None, actor, on_air=model is not NewsItem)
        for pk in undo.get("pks", [undo.get("pk")]):
            obj = model._default_manager.filter(pk=pk).first()
            if obj is not None:
                siblings, position = siblings_of(obj), obj.position
                obj.delete()
                ordering.close_gap(siblings, position)
    elif kind == "restore":
        model = ORDERED_MODELS[undo["model"]]
        claim_layout(episode, None, actor, on_air=model is not NewsItem)
        fields = from_json(model, undo["fields"])
        probe = model(**fields)
        siblings = siblings_of(probe)
        position = min(fields["position"], ordering.next_position(siblings))
        undo["fields"]["position"] = position
        ordering.open_gap(siblings, position)
        recreate_from_copy(undo)
    elif kind == "order":
        model = MODELS[undo["model"]]
        claim_layout(episode, None, actor, on_air=model is not NewsItem)
        parent = "segment_id" if model is Question else "episode_id"
        siblings = model._default_manager.filter(**{parent: undo["parent"]})
        if set(siblings.values_list("pk", flat=True)) != set(undo["pks"]):
            raise CannotUndo("Items were added or removed since, so the order cannot be undone.")
        ordering.renumber(siblings, undo["pks"])
    else:
        raise CannotUndo(f"Unknown change {kind!r}.")


# -- whole episodes ------------------------------------------------------------------------------


def template_of(show: Show) -> Episode:
    """The show's template episode, created (empty) the first time it is asked for."""
    template = Episode.objects.filter(show=show, is_template=True).first()
    if template is None:
        try:
            with transaction.atomic():
                template = Episode.objects.create(
                    show=show,
                    is_template=True,
                    title="Template",
                    target_seconds=show.default_target_seconds,
                    status=Episode.Status.DRAFT,
                )
        except IntegrityError:  # made by a concurrent request: one template per show
            template = Episode.objects.get(show=show, is_template=True)
    return template


def next_number(show: Show) -> int:
    top = Episode.objects.filter(show=show).aggregate(top=models.Max("number"))["top"]
    return (top or 0) + 1


def suggested_start(show: Show, now: datetime) -> datetime | None:
    """A week after the show's latest scheduled start, if that is still ahead; else None."""
    latest = (
        Episode.objects.filter(show=show, is_template=False, starts_at__isnull=False)
        .order_by("-starts_at")
        .first()
    )
    if latest is None or latest.starts_at is None:
        return None
    if bounds.year_problem(latest.starts_at) or bounds.year_problem(now):
        return None  # a start saved before the bounds: a week later may not be a date at all
    start = latest.starts_at
    if start <= now:
        start += ((now - start) // timedelta(days=7) + 1) * timedelta(days=7)
    if start == latest.starts_at:
        start += timedelta(days=7)
    # Keep the local time of day across a daylight-saving change.
    local = latest.starts_at.astimezone(show.zone)
    target_day = start.astimezone(show.zone).date()
    suggested = datetime.combine(target_day, local.time().replace(tzinfo=None), tzinfo=show.zone)
    return None if bounds.year_problem(suggested) else suggested


def new_episode(source: Episode, actor: Actor) -> Episode:
    """A draft episode with the next number, copying ``source``'s segments and durations.

    From the template, everything in its segments comes along (notes and all its questions);
    from an earlier episode, only recurring questions do, and no notes, guests or news.

    New episodes of one show take turns (the show's row is locked on PostgreSQL; SQLite's
    IMMEDIATE transactions take turns anyway), so each gets the next number. A number taken
    in the meantime by another way in (the editor, an import) is a unique-constraint error:
    the next number is tried, a few times, and then :class:`Refused` is raised.
    """
    for attempt in range(1, NUMBER_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return copy_as_new(source, actor)
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS:
                raise Refused(
                    "Others were creating episodes of this show at the same moment, so no "
                    "number was free; nothing was saved. Try again."
                ) from None
    raise AssertionError("unreachable")


def copy_as_new(source: Episode, actor: Actor) -> Episode:
    """:func:`new_episode`'s one attempt, inside its transaction."""
    show = source.show
    if connection.features.has_select_for_update:
        list(Show.objects.select_for_update().filter(pk=show.pk).values_list("pk"))
    number = next_number(show)
    if number > bounds.LARGEST_EPISODE_NUMBER:
        raise Refused(
            f"Episode numbers go up to {bounds.LARGEST_EPISODE_NUMBER:,}, and this show's "
            f"highest is {number - 1:,}: give that episode a lower number first."
        )
    starts_at = suggested_start(show, actor.now)
    episode = Episode.objects.create(
        show=show,
        number=number,
        title="",
        starts_at=starts_at,
        target_seconds=source.target_seconds,
        hook=source.hook if source.is_template else "",
        status=Episode.Status.DRAFT,
    )
    for segment in source.segments.prefetch_related("questions"):
        copy = Segment.objects.create(
            episode=episode,
            position=segment.position,
            title=segment.title,
            kind=segment.kind,
            planned_seconds=segment.planned_seconds,
            planned_max_seconds=segment.planned_max_seconds,
            notes=segment.notes if source.is_template else "",
        )
        copy_questions(
            segment.questions.all(),
            copy,
            keep_addressees=False,
            recurring_only=not source.is_template,
        )
    if source.is_template:
        Question.objects.filter(segment__episode=episode).update(is_recurring=True)
    return episode


# -- archiving and deleting ----------------------------------------------------------------------


def deletable(episode: Episode) -> str:
    """Why the episode cannot be deleted, or "" if it can: only a draft that never aired."""
    from .models import SegmentRun

    if episode.is_template:
        return "The template cannot be deleted; new episodes start from it."
    if episode.status != Episode.Status.DRAFT:
        return f"Only drafts can be deleted; this one is {episode.get_status_display().lower()}."
    if SegmentRun.objects.filter(episode=episode).exists():
        return "This episode has been on air (or rehearsed): it stays for the reports."
    return ""


def delete_episode(episode: Episode, actor: Actor) -> Change:
    """Delete a draft that never aired: hidden at once, restorable for UNDO_WINDOW, purged
    after that (:func:`purge_deleted`). Its number is freed for the next episode."""
    with transaction.atomic():
        locked = Episode.objects.select_for_update().filter(pk=episode.pk).first()
        if locked is None:
            raise CannotUndo("This episode is already deleted.")
        reason = deletable(locked)
        if reason:
            raise CannotUndo(reason)
        Episode.objects.filter(pk=episode.pk).update(deleted_at=actor.now, number=None)
        change = record(
            episode,
            actor,
            "delete",
            f"delete {episode.label}",
            {"kind": "undelete", "number": episode.number},
        )
    broadcast.revise(episode.pk, plan=True, live=True, now=actor.now)
    return change


def deleted_recently(show: Show, *, now: datetime) -> models.QuerySet[Episode]:
    """The show's deleted drafts that can still be restored."""
    return Episode.everything.filter(show=show, deleted_at__gte=now - UNDO_WINDOW)


def restore_episode(episode_pk: int, show: Show, actor: Actor) -> Episode:
    """Undo a deletion within UNDO_WINDOW; the number comes back if no one took it since."""
    with transaction.atomic():
        episode = deleted_recently(show, now=actor.now).filter(pk=episode_pk).first()
        if episode is None:
            raise CannotUndo("That deletion is more than five minutes old; it cannot be undone.")
        change = Change.objects.filter(episode=episode, action="delete", undone_at=None).first()
        number = change.undo.get("number") if change is not None else None
        if number is not None and Episode.objects.filter(show=show, number=number).exists():
            number = None
        Episode.everything.filter(pk=episode.pk).update(deleted_at=None, number=number)
        if change is not None:
            Change.objects.filter(pk=change.pk).update(undone_at=actor.now)
    return Episode.objects.select_related("show").get(pk=episode.pk)


def purge_deleted(*, now: datetime) -> int:
    """Delete for good the episodes deleted longer ago than the undo window."""
    _, by_model = Episode.everything.filter(deleted_at__lt=now - UNDO_WINDOW).delete()
    return by_model.get("episodes.Episode", 0)


def set_archived(episode: Episode, archived: bool, *, now: datetime) -> None:
    Episode.objects.filter(pk=episode.pk).update(archived_at=now if archived else None)
    plan_changed(episode.pk, on_air=False, now=now)

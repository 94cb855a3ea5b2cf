"""The live show's commands in the database: the clock, control, messages, ticked questions.

Commands go through :func:`perform`. A command that moves the show (start, next, previous,
jump, end, pause, resume) carries the version of the clock it was issued against, checked in
the UPDATE itself, so a double click or two show callers pressing "next" together advance once,
on SQLite as on PostgreSQL. Time adjustments are relative and always apply, press by press:
two quick "+1 min" are two minutes. A command without a version (a hardware button cannot know
it) applies to the clock as it is; a request id (:func:`claim_request`) makes a request sent
twice apply once, and without one, the same start, next, previous or end within a few hundred
milliseconds of the last is taken as a bounce and ignored. Commands on one episode take turns
(:func:`hold`), so each sees the one before it, whichever process served it.

One show caller holds control at a time; the first to act takes it, and taking it over from
someone else is an explicit command everyone sees.

What screens are sent is built apart, by :mod:`episodes.live_screens` (the read model).
"""

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from showrunner import bounds

from . import broadcast, live_clock
from .live_clock import Clock, InvalidAction, State
from .models import (
    Appearance,
    CommandReceipt,
    Episode,
    LiveMessage,
    LiveState,
    Question,
    Segment,
    SegmentRun,
)

# A versionless start/next/previous/end this soon after the same one is a bounced button.
REPEAT_WINDOW = timedelta(milliseconds=int(os.environ.get("SHOWRUNNER_BOUNCE_MS", "400")))
DEBOUNCED = frozenset({"start", "next", "previous", "end"})
# Relative: applied press by press whatever version the screen had seen.
RELATIVE = frozenset({"add_time"})
# How long a request id is remembered.
RECEIPT_WINDOW = timedelta(minutes=5)
# Commands that change what an editor shows (which segments are locked, the episode's status).
PLAN_ACTIONS = frozenset({"start", "next", "previous", "jump", "end", "reset"})
# Commands that move only the current segment's clock: screens are sent only that.
CLOCK_ONLY = frozenset({"pause", "resume", "add_time"})


class Stale(Exception):
    """The command was issued against an older version of the clock; nothing changed."""

    def __init__(self, state: LiveState) -> None:
        super().__init__(
            "The show has moved on since this was pressed (someone else, or a second click); "
            "nothing was changed."
        )
        self.state = state


class NotInControl(Exception):
    def __init__(self, state: LiveState) -> None:
        holder = state.controller.get_username() if state.controller else "someone else"
        super().__init__(f"{holder} is calling the show. Take over to act.")
        self.state = state


@dataclass
class Outcome:
    version: int  # the clock's version after the command
    repeat: bool = False  # a bounce of the press before, ignored
    revision: int | None = None  # the episode's live revision after it


def state_of(episode: Episode) -> LiveState:
    """The episode's live state, created (ready) the first time it is asked for."""
    try:
        return LiveState.objects.select_related("controller", "segment").get(episode=episode)
    except LiveState.DoesNotExist:
        try:
            with transaction.atomic():
                LiveState.objects.create(episode=episode)
        except IntegrityError:
            pass  # created by a concurrent request
        return LiveState.objects.select_related("controller", "segment").get(episode=episode)


def clock_of(state: LiveState) -> Clock:
    return Clock(
        state=State(state.state),
        segment_id=state.segment_id,
        segment_started_at=state.segment_started_at,
        paused_at=state.paused_at,
        paused_ms=state.paused_ms,
        added_ms=state.added_ms,
        show_started_at=state.show_started_at,
        ended_at=state.ended_at,
    )


def running_order(episode: Episode) -> list[int]:
    return list(episode.segments.order_by("position").values_list("pk", flat=True))


def perform(
    episode: Episode,
    action: str,
    *,
    user: User,
    now: datetime,
    version: int | None,
    source: str,
    segment: int | None = None,
    seconds: int | None = None,
    request_id: str = "",
) -> Outcome:
    """Apply a clock command. Raises :class:`Stale`, :class:`NotInControl` or
    :class:`~episodes.live_clock.InvalidAction`; on any of them nothing has changed. ``request_id``:
    the caller has claimed it (:func:`claim_request`), so no bounce check is needed."""
    with transaction.atomic():
        hold(episode)
        state = state_of(episode)
        if state.controller_id not in (None, user.pk):
            raise NotInControl(state)
        if action in RELATIVE:
            version = state.version
        elif version is None:
            if (
                not request_id
                and action in DEBOUNCED
                and state.last_action == action
                and state.last_action_at is not None
                and now - state.last_action_at < REPEAT_WINDOW
            ):
                return Outcome(state.version, repeat=True)
            version = state.version
        elif version != state.version:
            raise Stale(state)
        if action == "reset" and not state.is_rehearsal:
            raise InvalidAction("Only a rehearsal can be reset; the show's own times are kept.")
        clock, played = live_clock.apply(
            clock_of(state),
            action,
            order=running_order(episode) if action not in CLOCK_ONLY else (),
            now=now,
            segment=segment,
            seconds=seconds,
        )
        changed = LiveState.objects.filter(pk=state.pk, version=version).update(
            state=clock.state,
            segment_id=clock.segment_id,
            segment_started_at=clock.segment_started_at,
            paused_at=clock.paused_at,
            paused_ms=clock.paused_ms,
            added_ms=clock.added_ms,
            show_started_at=clock.show_started_at,
            ended_at=clock.ended_at,
            controller_id=user.pk,
            controller_since=state.controller_since if state.controller_id else now,
            last_action=action,
            last_action_by=source,
            last_action_at=now,
            version=F("version") + 1,
            updated_at=now,
        )
        if not changed:
            raise Stale(state_of(episode))
        record_played(episode, played, rehearsal=state.is_rehearsal)
        expire_cues(episode, state, clock, action, now=now)
        if action == "reset":
            SegmentRun.objects.filter(episode=episode, is_rehearsal=True).delete()
        if not state.is_rehearsal and action in ("start", "jump", "end"):
            status = Episode.Status.DONE if clock.state == State.ENDED else Episode.Status.LIVE
            Episode.objects.filter(pk=episode.pk).update(status=status)
        # A segment going on (or the show coming off) air locks it in the editor.
        revision = live_changed(
            episode,
            plan=not state.is_rehearsal and action in PLAN_ACTIONS,
            clock_only=action in CLOCK_ONLY,
        )
        return Outcome(version + 1, revision=revision)  # the UPDATE matched ``version``, +1


def expire_cues(
    episode: Episode, before: LiveState, clock: Clock, action: str, *, now: datetime
) -> None:
    """A run starts and ends with no message; a cue sent "until this segment ends" goes when
    the segment it was sent in comes off air."""
    pending = LiveMessage.objects.filter(episode=episode, cleared_at__isnull=True)
    if action in ("start", "reset") or clock.state == State.ENDED:
        pending.update(cleared_at=now)
    elif clock.segment_id != before.segment_id:
        ending = pending.filter(lasts=LiveMessage.Lasts.SEGMENT)
        if clock.segment_id is None:  # off every segment: each segment's cues go
            ending = ending.exclude(segment_id__isnull=True)
        else:
            ending = ending.exclude(segment_id=clock.segment_id)
        ending.update(cleared_at=now)


def claim_request(episode: Episode, key: str, action: str, *, now: datetime) -> bool:
    """Record a command's request id; False if the same id came for this episode within the
    last few minutes (so the command was applied already). Call inside the command's
    transaction: a command that fails releases its id, so a retry can apply."""
    CommandReceipt.objects.filter(episode=episode, created_at__lt=now - RECEIPT_WINDOW).delete()
    try:
        with transaction.atomic():
            CommandReceipt.objects.create(episode=episode, key=key, action=action, created_at=now)
    except IntegrityError:
        return False
    return True


def hold(episode: Episode) -> None:
    """Make the rest of this transaction the episode's only live command until it commits.

    SQLite's IMMEDIATE transactions already take the database's write lock when they begin. On
    PostgreSQL two commands would otherwise both read the clock as it was: the version check in
    the UPDATE still lets only one through, but a command without a version would be refused as
    stale instead of being seen as the repeat it is, and a second caller told "moved on" instead
    of who is calling the show. Locking the live state's row makes them take turns there too.
    """
    if not connection.features.has_select_for_update:
        return
    row = LiveState.objects.select_for_update().filter(episode=episode).values_list("pk")
    if not list(row):
        state_of(episode)  # the first command of the episode: make the row, then lock it
        list(row.all())


def record_played(
    episode: Episode, played: Sequence[live_clock.Played], *, rehearsal: bool
) -> None:
    segments = {s.pk: s for s in Segment.objects.filter(pk__in={p.segment_id for p in played})}
    for event in played:
        if event.event == "ended":
            SegmentRun.objects.filter(
                episode=episode,
                segment_id=event.segment_id,
                is_rehearsal=rehearsal,
                ended_at__isnull=True,
            ).update(ended_at=event.at, paused_ms=event.paused_ms, added_ms=event.added_ms)
        else:
            segment = segments[event.segment_id]
            SegmentRun.objects.create(
                episode=episode,
                segment=segment,
                title=segment.title,
                planned_seconds=segment.planned_seconds,
                planned_max_seconds=segment.planned_max_seconds,
                is_rehearsal=rehearsal,
                started_at=event.at,
            )


def live_changed(episode: Episode, *, plan: bool = False, clock_only: bool = False) -> int:
    """What live screens show changed: every open screen of this episode is sent it. With
    ``plan``, what editors show changed too (a segment went on air and is locked now, the
    episode is live or done): open editors refresh. Pauses, added time, messages and ticked
    questions change nothing an editor shows."""
    # Nothing here edits the run-sheet the screens show: they are sent the live part only.
    kind = broadcast.CLOCK if clock_only else broadcast.LIVE
    return broadcast.revise(episode.pk, plan=plan, live=True, kind=kind) or 0


def bump(live_state: LiveState, **fields: Any) -> None:
    LiveState.objects.filter(pk=live_state.pk).update(version=F("version") + 1, **fields)


def take_control(episode: Episode, *, user: User, now: datetime) -> LiveState:
    with transaction.atomic():
        state = state_of(episode)
        if state.controller_id != user.pk:
            bump(state, controller_id=user.pk, controller_since=now)
            live_changed(episode)
        return state_of(episode)


def require_control(state: LiveState, user: User) -> None:
    if state.controller_id not in (None, user.pk):
        raise NotInControl(state)


def set_rehearsal(episode: Episode, rehearsal: bool, *, user: User, now: datetime) -> LiveState:
    """Switch between rehearsing and the real show. Only while nothing is on air: the clock
    goes back to ready, and a rehearsal's times stay apart from the show's."""
    with transaction.atomic():
        state = state_of(episode)
        require_control(state, user)
        if state.state in (State.RUNNING, State.PAUSED):
            raise InvalidAction("End the run first; the mode changes only while nothing is on air.")
        if state.is_rehearsal != rehearsal or state.state != State.READY:
            bump(
                state,
                is_rehearsal=rehearsal,
                state=State.READY,
                segment_id=None,
                segment_started_at=None,
                paused_at=None,
                paused_ms=0,
                added_ms=0,
                show_started_at=None,
                ended_at=None,
                controller_id=user.pk,
                controller_since=state.controller_since or now,
            )
            LiveMessage.objects.filter(episode=episode, cleared_at__isnull=True).update(
                cleared_at=now
            )  # a new run starts with no message
            live_changed(episode)
        return state_of(episode)


def leave_ended_rehearsal(episode: Episode) -> None:
    """A rehearsal that has ended is over: the caller's page opens on the real show, ready to
    start. The rehearsal's times stay recorded apart, as ever; nothing else changes (not who
    is in control), and a rehearsal still running or paused, or the show itself, is left be."""
    with transaction.atomic():
        hold(episode)
        state = state_of(episode)
        if not (state.is_rehearsal and state.state == State.ENDED):
            return
        bump(
            state,
            is_rehearsal=False,
            state=State.READY,
            segment_id=None,
            segment_started_at=None,
            paused_at=None,
            paused_ms=0,
            added_ms=0,
            show_started_at=None,
            ended_at=None,
        )
        live_changed(episode)


MESSAGE_SECONDS = {LiveMessage.Lasts.HALF_MINUTE: 30, LiveMessage.Lasts.MINUTE: 60}


def send_message(
    episode: Episode,
    text: str,
    *,
    user: User,
    now: datetime,
    flash: bool = False,
    to: Appearance | None = None,
    lasts: str = LiveMessage.Lasts.SEGMENT,
) -> LiveMessage:
    """A message for the host (``to`` empty) or one guest; it replaces the one before. It
    lasts until the segment on air now ends (the default), 30 s, a minute, or until cleared."""
    text = " ".join(text.split())
    if not text:
        raise InvalidAction("Write the message first.")
    problem = bounds.text_problem(text)
    if problem is not None:
        raise InvalidAction(f"The message {problem}")
    if len(text) > 280:
        raise InvalidAction("Keep it under 280 characters: it has to be read on air.")
    if lasts not in LiveMessage.Lasts.values:
        raise InvalidAction(
            "“lasts” is one of: "
            + ", ".join(f"{v} ({label})" for v, label in LiveMessage.Lasts.choices)
        )
    seconds = MESSAGE_SECONDS.get(lasts)  # type: ignore[call-overload]
    with transaction.atomic():
        state = state_of(episode)
        require_control(state, user)
        LiveMessage.objects.filter(episode=episode, appearance=to, cleared_at__isnull=True).update(
            cleared_at=now
        )
        message = LiveMessage.objects.create(
            episode=episode,
            appearance=to,
            text=text,
            flash=flash,
            created_at=now,
            lasts=lasts,
            segment_id=state.segment_id if state.state in (State.RUNNING, State.PAUSED) else None,
            expires_at=now + timedelta(seconds=seconds) if seconds else None,
        )
        bump(state)
        live_changed(episode)
    return message


def clear_message(
    episode: Episode, *, user: User, now: datetime, to: Appearance | None = None
) -> None:
    with transaction.atomic():
        state = state_of(episode)
        require_control(state, user)
        LiveMessage.objects.filter(episode=episode, appearance=to, cleared_at__isnull=True).update(
            cleared_at=now
        )
        bump(state)
        live_changed(episode)


def read_message(
    episode: Episode, message_id: int, *, now: datetime, to: Appearance | None = None
) -> bool:
    """The host (``to`` empty) or a guest tapped "Got it" on the message showing to them; the
    caller sees it was read. False if that message is no longer showing."""
    with transaction.atomic():
        read = (
            LiveMessage.objects.filter(
                pk=message_id, episode=episode, appearance=to, cleared_at__isnull=True
            )
            .exclude(expires_at__lte=now)
            .filter(read_at__isnull=True)
            .update(read_at=now)
        )
        if read:
            live_changed(episode)
    return bool(read)


def mark_question(question: Question, status: str, *, user: User) -> None:
    if status not in Question.Status.values:
        raise InvalidAction(f"A question is planned, asked or skipped, not “{status}”.")
    episode = question.segment.episode
    with transaction.atomic():
        require_control(state_of(episode), user)
        Question.objects.filter(pk=question.pk).update(status=status, version=F("version") + 1)
        live_changed(episode)


def set_graphics(episode: Episode, data: dict[str, Any], *, user: User) -> None:
    """The caller moves the stream graphics (episodes/overlays.py): the question asked now (it
    is marked asked too), the news item on screen, a graphic's mode. Versioned and announced
    like every live command."""
    from . import overlays

    with transaction.atomic():
        state = LiveState.objects.select_for_update().get(pk=state_of(episode).pk)
        require_control(state, user)
        fields = overlays.graphics_change(episode, state, data)
        if fields.get("asking_id") is not None:
            Question.objects.filter(pk=fields["asking_id"]).exclude(
                status=Question.Status.ASKED
            ).update(status=Question.Status.ASKED, version=F("version") + 1)
        bump(state, **fields)
        live_changed(episode)


def locked_segment_ids(episode: Episode) -> set[int]:
    """Segments already played in the show now on air: their plan can no longer change."""
    state = LiveState.objects.filter(episode=episode).first()
    if state is None or state.is_rehearsal or state.state not in (State.RUNNING, State.PAUSED):
        return set()
    return set(
        SegmentRun.objects.filter(
            episode=episode, is_rehearsal=False, segment__isnull=False
        ).values_list("segment_id", flat=True)
    )


# -- what screens are sent -----------------------------------------------------------------------

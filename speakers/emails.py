"""Emails to guests: their private link, reminders before the show, and word of changes.

Every email is recorded (:class:`episodes.models.Reminder`) before it is sent, in the same
transaction, so none goes out twice even if ``send_reminders`` runs again or twice at once.
"""

import hashlib
import json
from datetime import datetime, timedelta

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string

from episodes.models import Appearance, Episode, Reminder

from . import links

DAY_BEFORE = timedelta(hours=24)
HOUR_BEFORE = timedelta(hours=1)
SETTLE = timedelta(minutes=10)  # changes are told once they have stopped for this long
SLACK = timedelta(hours=1)  # a reminder sent this early still counts for its call time


def guest_view(appearance: Appearance) -> dict[str, object]:
    """What a guest has been told about an episode: when, their segments, their questions."""
    episode = appearance.episode
    sheet = episode.run_sheet(now=episode.updated_at)
    mine = []
    for row in sheet.rows:
        segment = row.segment
        questions = [
            q.text
            for q in segment.questions.all()
            if q.for_everyone or appearance in q.addressed_to.all()
        ]
        if segment.owner_id == appearance.pk or questions:
            start, end = row.front, row.end
            times = [start.earliest, start.latest, end.earliest, end.latest]
            mine.append([segment.title, [t.total_seconds() for t in times], questions])
    return {
        "starts_at": episode.starts_at.isoformat() if episode.starts_at else None,
        "call_time": episode.call_time.isoformat() if episode.call_time else None,
        "join_url": episode.join_url,
        "segments": mine,
    }


def fingerprint(appearance: Appearance) -> str:
    encoded = json.dumps(guest_view(appearance), sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()


def send(appearance: Appearance, kind: str, *, now: datetime, marker: str) -> bool:
    """Record and send one email; False if this one was already sent (or has no address).

    ``marker`` is the fingerprint of what the email tells, so a change notice goes out once per
    state of the plan, and later changes are measured against the last thing told.
    """
    speaker = appearance.speaker
    if not speaker.email:
        return False
    episode = appearance.episode
    context = {
        "speaker": speaker,
        "episode": episode,
        "show": episode.show,
        "appearance": appearance,
        "kind": kind,
        "link": links.absolute_url(speaker),
        "zone": speaker.time_zone or episode.show.time_zone,
    }
    subject = render_to_string(f"speakers/email/{kind}_subject.txt", context).strip()
    body = render_to_string(f"speakers/email/{kind}.txt", context)
    try:
        with transaction.atomic():
            Reminder.objects.create(
                appearance=appearance, kind=kind, fingerprint=marker, sent_at=now
            )
            send_mail(subject, body, None, [speaker.email])
    except IntegrityError:
        return False
    return True


def send_link(appearance: Appearance, *, now: datetime) -> bool:
    """The private link, by email (the producer's "Send link"). It can be sent again."""
    Reminder.objects.filter(appearance=appearance, kind=Reminder.Kind.LINK).delete()
    return send(appearance, Reminder.Kind.LINK, now=now, marker=fingerprint(appearance))


def sent_since(reminders: list[Reminder], kind: str, moment: datetime) -> bool:
    """Whether this kind went out for the current call time: a show moved to another day is
    reminded of again."""
    return any(r.kind == kind and r.sent_at >= moment for r in reminders)


def due(now: datetime) -> list[tuple[Appearance, str]]:
    """The emails ``send_reminders`` should send now."""
    upcoming = Episode.objects.filter(is_template=False, starts_at__gt=now).exclude(
        status=Episode.Status.DONE
    )
    # Reminders are due within a day; change notices only to guests already told something.
    soon = Q(episode__starts_at__lt=now + DAY_BEFORE + timedelta(days=1))
    appearances = (
        Appearance.objects.filter(episode__in=upcoming)
        .filter(soon | Q(reminders__isnull=False))
        .distinct()
        .exclude(speaker__email="")
        .select_related("episode__show", "speaker")
        .prefetch_related("reminders")
    )
    found: list[tuple[Appearance, str]] = []
    for appearance in appearances:
        call = appearance.episode.call_time
        if call is None or call <= now:
            continue
        reminders = list(appearance.reminders.all())
        if call - now <= HOUR_BEFORE:
            if not sent_since(reminders, Reminder.Kind.HOUR, call - HOUR_BEFORE - SLACK):
                found.append((appearance, Reminder.Kind.HOUR))
            continue
        if call - now <= DAY_BEFORE and not sent_since(
            reminders, Reminder.Kind.DAY, call - DAY_BEFORE - SLACK
        ):
            found.append((appearance, Reminder.Kind.DAY))
            continue
        told = [r for r in reminders if r.fingerprint]
        if told and appearance.episode.updated_at <= now - SETTLE:
            latest = max(told, key=lambda r: r.sent_at)
            if latest.fingerprint != fingerprint(appearance):
                found.append((appearance, Reminder.Kind.CHANGES))
    return found


def send_due(now: datetime) -> list[tuple[Appearance, str]]:
    sent = []
    for appearance, kind in due(now):
        if send(appearance, kind, now=now, marker=fingerprint(appearance)):
            sent.append((appearance, kind))
    return sent


def send_own_links(address: str, *, now: datetime) -> int:
    """A guest asked for their link again: each speaker with this email address gets theirs.

    Through :func:`send_link` for their next (or latest) episode on their show, or, with no
    episode, a note with the link alone; a link that has expired is not renewed (a producer
    set that date): they are told whom to ask. A speaker with no link yet gets one.
    """
    from .models import Speaker

    sent = 0
    for speaker in Speaker.objects.filter(email__iexact=address.strip()).select_related("show"):
        expired = speaker.link_expires_at is not None and speaker.link_expires_at <= now
        if not expired:
            links.ensure_link(speaker)
        if speaker.show_id is None:  # on no show yet: no episode of theirs to link to
            appearances = Appearance.objects.none()
        else:
            appearances = Appearance.objects.filter(
                speaker=speaker, episode__show_id=speaker.show_id, episode__is_template=False
            ).select_related("episode__show")
        upcoming = appearances.filter(episode__starts_at__gte=now).order_by("episode__starts_at")
        appearance = upcoming.first() or appearances.order_by("-episode__starts_at").first()
        if appearance is not None and not expired:
            sent += send_link(appearance, now=now)
            continue
        kind = "link_expired" if expired else "portal_link"
        context = {
            "speaker": speaker,
            "show": speaker.show,
            "link": "" if expired else links.absolute_url(speaker),
        }
        subject = render_to_string(f"speakers/email/{kind}_subject.txt", context).strip()
        body = render_to_string(f"speakers/email/{kind}.txt", context)
        sent += send_mail(subject, body, None, [speaker.email])
    return sent

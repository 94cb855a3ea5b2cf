"""A show's team: new shows, roles changed or removed, and invitations by email.

A show always keeps a producer: the last one can neither remove nor change their own role
until they have handed it to someone (checked with the show's producer rows locked, so two
producers stepping down at once cannot both succeed). Roles take effect at once; the live
streams a removed role opened end within seconds (:mod:`episodes.stream_access`).

An invitation is a row (to withdraw it, or tell it was used) and a link carrying its id signed
with ``SECRET_KEY`` (:mod:`django.core.signing`), good for ``SHOWRUNNER_INVITATION_DAYS``.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify

from .models import Invitation, Role, Show, ShowRole

SALT = "showrunner.invitation"
RESERVED_SLUGS = {"new"}


class LastProducer(Exception):
    """The change would leave the show without a producer."""


LAST_PRODUCER = (
    "{show} needs a producer: make someone else its producer first, then change your own role."
)


def free_slug(name: str) -> str:
    base = slugify(name)[:90] or "show"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Show.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_show(name: str, time_zone: str, creator: User) -> Show:
    """A new show, its creator its producer."""
    with transaction.atomic():
        show = Show.objects.create(name=name, slug=free_slug(name), time_zone=time_zone)
        ShowRole.objects.create(show=show, user=creator, role=Role.PRODUCER)
    return show


def _other_producers(show: Show, excluding: ShowRole) -> bool:
    producers = list(
        ShowRole.objects.select_for_update()
        .filter(show=show, role=Role.PRODUCER)
        .values_list("pk", flat=True)
    )
    return any(pk != excluding.pk for pk in producers)


def change_role(show_role: ShowRole, role: str) -> ShowRole:
    """Give this row another role; if the person has that role already, the row goes."""
    with transaction.atomic():
        stepping_down = show_role.role == Role.PRODUCER and role != Role.PRODUCER
        if stepping_down and not _other_producers(show_role.show, show_role):
            raise LastProducer(LAST_PRODUCER.format(show=show_role.show.name))
        duplicate = ShowRole.objects.filter(
            show=show_role.show, user=show_role.user, role=role
        ).exclude(pk=show_role.pk)
        if duplicate.exists():
            show_role.delete()
            return duplicate.get()
        ShowRole.objects.filter(pk=show_role.pk).update(role=role)
        show_role.role = role
    return show_role


def remove_role(show_role: ShowRole) -> None:
    with transaction.atomic():
        if show_role.role == Role.PRODUCER and not _other_producers(show_role.show, show_role):
            raise LastProducer(LAST_PRODUCER.format(show=show_role.show.name))
        show_role.delete()


def add_role(show: Show, user: User, role: str) -> ShowRole:
    show_role, _ = ShowRole.objects.get_or_create(show=show, user=user, role=role)
    return show_role


# -- invitations ---------------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"invitation": invitation.pk}, salt=SALT)


def max_age() -> timedelta:
    return timedelta(days=settings.SHOWRUNNER_INVITATION_DAYS)


def invitation_for(token: str) -> Invitation | None:
    """The open invitation this link names, if the link is genuine, in date and unused."""
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.BadSignature:  # expired links raise SignatureExpired, a BadSignature
        return None
    pk = data.get("invitation") if isinstance(data, dict) else None
    if not isinstance(pk, int):
        return None
    return (
        Invitation.objects.select_related("show", "invited_by")
        .filter(pk=pk, accepted_at__isnull=True)
        .first()
    )


def invite(show: Show, email: str, role: str, invited_by: User, *, now: datetime) -> Invitation:
    """Record an invitation and email its link (through the configured email backend)."""
    with transaction.atomic():
        invitation = Invitation.objects.create(
            show=show, email=email, role=role, invited_by=invited_by, created_at=now
        )
        link = settings.SHOWRUNNER_BASE_URL.rstrip("/") + reverse(
            "episodes:accept_invitation", args=[invitation_token(invitation)]
        )
        context = {
            "invitation": invitation,
            "show": show,
            "link": link,
            "inviter": invited_by.get_username(),
            "days": settings.SHOWRUNNER_INVITATION_DAYS,
        }
        subject = render_to_string("episodes/email/invitation_subject.txt", context).strip()
        body = render_to_string("episodes/email/invitation.txt", context)
        send_mail(subject, body, None, [email])
    return invitation


def accept(invitation: Invitation, user: User, *, now: datetime) -> ShowRole | None:
    """Give ``user`` the invited role; None if the invitation was used meanwhile."""
    with transaction.atomic():
        claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
            accepted_at=now, accepted_by=user
        )
        if not claimed:
            return None
        return add_role(invitation.show, user, invitation.role)

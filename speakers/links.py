"""Private links for guests: no account, just a link that only they have.

A link is ``/guest/<speaker id>-<mac>/`` where the MAC is an HMAC-SHA256 (256 bits) of the
speaker's own random secret, keyed with the site's SECRET_KEY. So the producer can copy a
working link at any time (it is computed, not stored), a leaked database alone reveals no link
(the key is not in it), and a new secret revokes every earlier link. A wrong, revoked or expired
link gets the same answer, in about the same time: no hint that a link was close.
"""

import base64
import re
import secrets
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import Speaker

SALT = "showrunner.guest-link"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def mac(speaker_id: int, secret: str) -> str:
    digest = salted_hmac(SALT, f"{speaker_id}:{secret}", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_for(speaker: Speaker) -> str | None:
    if not speaker.link_secret:
        return None
    return f"{speaker.pk}-{mac(speaker.pk, speaker.link_secret)}"


def speaker_for(token: str, *, now: datetime) -> Speaker | None:
    """The speaker this link belongs to, if it still works."""
    pk_text, _, given = token.partition("-")
    # ASCII digits only, as few as a row id has (str.isdigit takes "²" and "٣" too).
    pk = int(pk_text) if re.fullmatch("[0-9]{1,18}", pk_text) else 0
    speaker = Speaker.objects.filter(pk=pk).first() if pk and given else None
    secret = speaker.link_secret if speaker is not None else ""
    # Compute a MAC either way, so an unknown speaker answers as slowly as a wrong link.
    expected = mac(pk, secret or "no link")
    if speaker is None or not secret or not constant_time_compare(expected, given):
        return None
    if speaker.link_expires_at is not None and speaker.link_expires_at <= now:
        return None
    return speaker


def ensure_link(speaker: Speaker, *, now: datetime | None = None) -> str:
    """The speaker's link token, creating a secret the first time one is needed."""
    if not speaker.link_secret:
        # Set only if still unset: a copy loaded earlier must not replace a link just made.
        Speaker.objects.filter(pk=speaker.pk, link_secret="").update(
            link_secret=new_secret(), updated_at=now or timezone.now()
        )
        speaker.refresh_from_db(fields=["link_secret", "link_expires_at"])
    token = token_for(speaker)
    assert token is not None
    return token


def regenerate(
    speaker: Speaker, *, expires_at: datetime | None = None, now: datetime | None = None
) -> str:
    """A new link; every earlier one stops working.

    The link's columns change only through their own UPDATE, never with a whole-row save, so a
    profile save in flight cannot write an old secret back (speakers/forms.py saves only the
    fields it changed).
    """
    secret = new_secret()
    Speaker.objects.filter(pk=speaker.pk).update(
        link_secret=secret, link_expires_at=expires_at, updated_at=now or timezone.now()
    )
    speaker.link_secret, speaker.link_expires_at = secret, expires_at
    token = token_for(speaker)
    assert token is not None
    return token


def revoke(speaker: Speaker, *, now: datetime | None = None) -> None:
    Speaker.objects.filter(pk=speaker.pk).update(link_secret="", updated_at=now or timezone.now())
    speaker.link_secret = ""


def set_expiry(
    speaker: Speaker, expires_at: datetime | None, *, now: datetime | None = None
) -> None:
    """When the link stops working (None: never); the secret itself stays as it is."""
    Speaker.objects.filter(pk=speaker.pk).update(
        link_expires_at=expires_at, updated_at=now or timezone.now()
    )
    speaker.link_expires_at = expires_at


def absolute_url(speaker: Speaker) -> str:
    """The link to send: the site's address (SHOWRUNNER_BASE_URL) and the guest's page."""
    path = reverse("speakers:guest_portal", args=[ensure_link(speaker)])
    return settings.SHOWRUNNER_BASE_URL.rstrip("/") + path

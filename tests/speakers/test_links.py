"""Guests' private links: unguessable, derived from the site key, revocable, expiring."""

import base64
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from speakers import links
from speakers.models import Speaker
from tests.factories import make_appearance, make_episode, make_speaker

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def page(client: Client, token: str) -> tuple[int, str]:
    response = client.get(reverse("speakers:guest_portal", args=[token]))
    # The CSRF token is masked afresh on every page: the only part that may differ.
    body = re.sub(r'"X-CSRFToken": "\w+"', "", response.content.decode())
    return response.status_code, body


def test_a_token_carries_256_bits_of_mac_and_the_secret_is_random() -> None:
    speaker = make_speaker()
    token = links.ensure_link(speaker)
    pk, _, mac = token.partition("-")
    assert pk == str(speaker.pk)
    assert len(base64.urlsafe_b64decode(mac + "=")) == 32  # 256 bits, at least 128 wanted
    other = make_speaker()
    links.ensure_link(other)
    assert speaker.link_secret != other.link_secret
    assert len(base64.urlsafe_b64decode(speaker.link_secret + "=")) == 32


def test_the_link_is_computed_again_on_demand_and_stored_nowhere() -> None:
    speaker = make_speaker()
    token = links.ensure_link(speaker)
    speaker.refresh_from_db()
    assert links.token_for(speaker) == token  # the producer can copy it at any time
    stored = " ".join(
        str(value) for value in Speaker.objects.filter(pk=speaker.pk).values()[0].values()
    )
    assert token.partition("-")[2] not in stored


def test_the_link_depends_on_the_site_key(settings: object) -> None:
    speaker = make_speaker()
    token = links.ensure_link(speaker)
    assert links.speaker_for(token, now=NOW) == speaker
    settings.SECRET_KEY = "another-site-key-" + "x" * 40  # type: ignore[attr-defined]
    assert links.speaker_for(token, now=NOW) is None  # a database alone does not make links


def test_new_link_revokes_the_old_and_revoke_revokes_all() -> None:
    speaker = make_speaker()
    old = links.ensure_link(speaker)
    new = links.regenerate(speaker)
    assert old != new
    assert links.speaker_for(old, now=NOW) is None
    assert links.speaker_for(new, now=NOW) == speaker
    links.revoke(speaker)
    assert links.speaker_for(new, now=NOW) is None
    assert links.token_for(speaker) is None


def test_an_expired_link_stops_working() -> None:
    speaker = make_speaker()
    token = links.regenerate(speaker, expires_at=NOW + timedelta(days=1))
    assert links.speaker_for(token, now=NOW) == speaker
    assert links.speaker_for(token, now=NOW + timedelta(days=1)) is None


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character off
        lambda t: t.partition("-")[2],  # no speaker id
        lambda t: "999999-" + t.partition("-")[2],  # someone else's id
        lambda t: t.partition("-")[0] + "-",  # no MAC
        lambda t: "not-a-token",
        lambda t: "-".join(reversed(t.split("-", 1))),
        lambda t: t + "x" * 500,
    ],
)
def test_a_wrong_link_gets_the_same_friendly_page(client: Client, mangle: object) -> None:
    speaker = make_speaker(name="Dana Li", email="dana@example.org")
    make_appearance(make_episode(title="Secret plans"), speaker)
    token = links.ensure_link(speaker)
    status, body = page(client, mangle(token))  # type: ignore[operator]
    links.revoke(speaker)
    revoked_status, revoked_body = page(client, token)
    assert status == revoked_status == 404
    assert body == revoked_body
    assert "This link does not work" in body
    assert "Dana" not in body
    assert "Secret plans" not in body


def test_a_revoked_link_answers_on_every_portal_url(client: Client) -> None:
    speaker = make_speaker()
    episode = make_episode()
    make_appearance(episode, speaker)
    token = links.ensure_link(speaker)
    links.revoke(speaker)
    for name, args in [
        ("speakers:guest_portal", [token]),
        ("speakers:guest_feed", [token]),
        ("speakers:guest_profile", [token]),
        ("speakers:guest_episode", [token, episode.pk]),
        ("speakers:guest_episode_calendar", [token, episode.pk]),
        ("speakers:guest_live_state", [token, episode.pk]),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 404, name
        assert b"This link does not work" in response.content
        assert response["Cache-Control"] == "private, no-store"

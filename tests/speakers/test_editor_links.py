"""The producer's controls for guests' links in the episode editor."""

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from episodes.models import Appearance, Role
from speakers import links
from speakers.models import ProfileChange
from tests.factories import make_appearance, make_episode, make_show, make_speaker, make_user

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def appearance() -> Appearance:
    episode = make_episode(show=make_show(name="Build Night"), title="Plugins")
    return make_appearance(episode, make_speaker(name="Dana Li", email="dana@example.org"))


@pytest.fixture
def producer(client: Client, appearance: Appearance) -> Client:
    client.force_login(make_user((appearance.episode.show, Role.PRODUCER)))
    return client


def act(client: Client, appearance: Appearance, action: str, **data: str) -> str:
    response = client.post(
        reverse("episodes:guest_link", args=[appearance.episode_id, appearance.pk]),
        {"action": action, **data},
        **HX,
    )
    assert response.status_code in (200, 422), response.content
    return response.content.decode()


def test_make_copy_replace_and_revoke_a_link(producer: Client, appearance: Appearance) -> None:
    editor = reverse("episodes:episode_editor", args=[appearance.episode_id])
    assert "No private link." in producer.get(editor).content.decode()
    act(producer, appearance, "new")
    speaker = appearance.speaker
    speaker.refresh_from_db()
    first = links.token_for(speaker)
    assert first is not None
    assert f"/guest/{first}/" in producer.get(editor).content.decode()  # ready to copy
    html = act(producer, appearance, "new")
    assert "New link for Dana Li; the old one no longer works." in html
    speaker.refresh_from_db()
    assert links.speaker_for(first, now=datetime.now(UTC)) is None
    second = links.token_for(speaker)
    assert f"/guest/{second}/" in html
    act(producer, appearance, "revoke")
    speaker.refresh_from_db()
    assert links.token_for(speaker) is None
    assert links.speaker_for(second, now=datetime.now(UTC)) is None


def test_an_expiry_date(producer: Client, appearance: Appearance) -> None:
    act(producer, appearance, "new")
    html = act(producer, appearance, "expiry", expires="2030-01-31")
    assert "Dana Li&#x27;s link works until the end of 31 January 2030." in html
    appearance.speaker.refresh_from_db()
    expires = appearance.speaker.link_expires_at
    assert expires is not None
    assert expires.astimezone(appearance.episode.show.zone).date().isoformat() == "2030-01-31"
    assert "“31/01/2030” is not a date" in act(producer, appearance, "expiry", expires="31/01/2030")
    act(producer, appearance, "expiry", expires="")
    appearance.speaker.refresh_from_db()
    assert appearance.speaker.link_expires_at is None


def test_email_the_link(producer: Client, appearance: Appearance) -> None:
    html = act(producer, appearance, "send")
    assert "Sent Dana Li their link at dana@example.org." in html
    (message,) = mail.outbox
    appearance.speaker.refresh_from_db()
    assert links.absolute_url(appearance.speaker) in message.body
    act(producer, appearance, "send")  # sent again on request
    assert len(mail.outbox) == 2
    appearance.speaker.email = ""
    appearance.speaker.save()
    assert "Add an email address for Dana Li first" in act(producer, appearance, "send")
    assert len(mail.outbox) == 2


def test_the_producer_sees_what_the_guest_changed(producer: Client, appearance: Appearance) -> None:
    ProfileChange.objects.create(
        speaker=appearance.speaker,
        changed_at=datetime.now(UTC),
        fields={"pronunciation": ["", "DAH-nah"], "avatar": ["", "avatars/a.jpg"]},
    )
    html = producer.get(
        reverse("episodes:episode_editor", args=[appearance.episode_id])
    ).content.decode()
    assert "Changed their pronunciation, photo 0\xa0minutes ago." in html


@pytest.mark.parametrize("role", [Role.HOST, Role.SHOW_CALLER])
def test_only_producers_touch_links(client: Client, appearance: Appearance, role: str) -> None:
    client.force_login(make_user((appearance.episode.show, role)))
    response = client.post(
        reverse("episodes:guest_link", args=[appearance.episode_id, appearance.pk]),
        {"action": "new"},
    )
    assert response.status_code == 403
    appearance.speaker.refresh_from_db()
    assert appearance.speaker.link_secret == ""


def test_an_appearance_of_another_episode_is_not_found(
    producer: Client, appearance: Appearance
) -> None:
    elsewhere = make_appearance(make_episode())
    response = producer.post(
        reverse("episodes:guest_link", args=[appearance.episode_id, elsewhere.pk]),
        {"action": "new"},
    )
    assert response.status_code == 404

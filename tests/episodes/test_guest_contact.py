"""A guest's contact details, set by the show's producers in the editor."""

import pytest
from django.test import Client
from django.urls import reverse

from episodes.models import Episode, Role
from speakers import links
from speakers.models import ProfileChange, Speaker
from tests.factories import make_appearance, make_episode, make_show, make_speaker, make_user

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def episode() -> Episode:
    episode = make_episode(show=make_show(), title="Widgets")
    make_appearance(episode, make_speaker(name="Dana Li", show=episode.show))
    return episode


@pytest.fixture
def producer(episode: Episode) -> Client:
    client = Client()
    client.force_login(make_user((episode.show, Role.PRODUCER), username="pat"))
    return client


def contact_url(episode: Episode) -> str:
    return reverse("episodes:edit_contact", args=[episode.pk, episode.appearances.get().pk])


def test_a_producer_sets_a_guests_email_and_the_guest_sees_it_in_their_history(
    episode: Episode, producer: Client
) -> None:
    response = producer.post(
        contact_url(episode), {"field": "email", "email": " dana@example.org ", "was": ""}, **HX
    )

    dana = Speaker.objects.get(name="Dana Li")
    assert response.status_code == 200
    assert dana.email == "dana@example.org"
    change = ProfileChange.objects.get(speaker=dana)
    assert change.fields == {"email": ["", "dana@example.org"]}
    assert change.changed_by.username == "pat"
    page = Client().get(reverse("speakers:guest_profile", args=[links.ensure_link(dana)]))
    assert "the producers set your email" in page.content.decode()


def test_an_invalid_email_is_refused_next_to_its_field(episode: Episode, producer: Client) -> None:
    appearance = episode.appearances.get()

    response = producer.post(
        contact_url(episode), {"field": "email", "email": "dana at example", "was": ""}, **HX
    )

    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#contact-{appearance.pk}-email-error"
    assert "Enter a valid email address." in response.content.decode()
    assert Speaker.objects.get(name="Dana Li").email == ""
    assert not ProfileChange.objects.exists()


def test_a_change_made_meanwhile_is_not_overwritten(episode: Episode, producer: Client) -> None:
    Speaker.objects.filter(name="Dana Li").update(pronouns="she/her")

    response = producer.post(
        contact_url(episode), {"field": "pronouns", "pronouns": "they/them", "was": ""}, **HX
    )

    assert response.status_code == 409
    assert "Someone changed this meanwhile to “she/her”" in response.content.decode()
    assert Speaker.objects.get(name="Dana Li").pronouns == "she/her"


def test_only_producers_of_the_guests_show_set_contact_details(episode: Episode) -> None:
    caller = Client()
    caller.force_login(make_user((episode.show, Role.SHOW_CALLER)))
    other = Client()
    other.force_login(make_user((make_show(), Role.PRODUCER)))
    body = {"field": "email", "email": "x@example.org", "was": ""}

    assert caller.post(contact_url(episode), body, **HX).status_code == 403
    assert other.post(contact_url(episode), body, **HX).status_code == 403
    assert Speaker.objects.get(name="Dana Li").email == ""


def test_the_editor_shows_contact_fields_and_no_longer_sends_to_the_admin(
    episode: Episode, producer: Client
) -> None:
    appearance = episode.appearances.get()
    links.ensure_link(appearance.speaker)

    page = producer.get(reverse("episodes:episode_editor", args=[episode.pk])).content.decode()
    refused = producer.post(
        reverse("episodes:guest_link", args=[episode.pk, appearance.pk]), {"action": "send"}, **HX
    )

    assert f'id="contact-{appearance.pk}-email-was"' in page
    assert 'data-testid="contact-pronunciation"' in page
    assert "in the admin" not in refused.content.decode()
    assert "in their Email field above" in refused.content.decode()

"""API tokens made and revoked by their owner in the app."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from episodes import live_screens, stream_access
from episodes.models import ApiToken, Role
from tests.factories import make_episode, make_user

pytestmark = pytest.mark.django_db


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_new_token_is_shown_once_and_works_on_the_api() -> None:
    episode = make_episode()
    user = make_user((episode.show, Role.SHOW_CALLER))
    client = logged_in(user)

    made = client.post(reverse("account_tokens"), {"name": "Stream Deck B"})
    value = made.context["created"]
    later = client.get(reverse("account_tokens")).content.decode()
    api = Client().get(reverse("episodes:api_episodes"), HTTP_AUTHORIZATION=f"Bearer {value}")

    assert value.startswith("sr_")
    assert value in made.content.decode()
    assert value not in later
    assert "Stream Deck B" in later
    assert value[:8] in later  # the prefix, to tell tokens apart
    assert api.status_code == 200
    token = ApiToken.objects.get(user=user)
    assert token.last_used_at is not None
    assert "ago" in logged_in(user).get(reverse("account_tokens")).content.decode()


def test_a_token_needs_a_name() -> None:
    response = logged_in(make_user()).post(reverse("account_tokens"), {"name": "   "})

    assert response.status_code == 422
    assert "Give the token a name" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_a_token_stops_it_and_its_streams() -> None:
    episode = make_episode()
    user = make_user((episode.show, Role.SHOW_CALLER))
    client = logged_in(user)
    value = client.post(reverse("account_tokens"), {"name": "Deck"}).context["created"]
    token = ApiToken.objects.get(user=user)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {value}"}
    assert Client().get(reverse("episodes:api_episodes"), **headers).status_code == 200
    stream = (episode.pk, live_screens.TEAM, stream_access.for_api_token(token.pk))
    assert stream_access.allowed([stream], now=timezone.now()) == {stream}

    client.post(reverse("revoke_token", args=[token.pk]))

    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert Client().get(reverse("episodes:api_episodes"), **headers).status_code == 401
    assert stream_access.allowed([stream], now=timezone.now()) == set()


def test_nobody_revokes_or_sees_anothers_token() -> None:
    owner, other = make_user(), make_user()
    logged_in(owner).post(reverse("account_tokens"), {"name": "OWNERS-DECK"})
    token = ApiToken.objects.get(user=owner)

    page = logged_in(other).get(reverse("account_tokens")).content.decode()
    refused = logged_in(other).post(reverse("revoke_token", args=[token.pk]))

    assert "OWNERS-DECK" not in page
    assert refused.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None

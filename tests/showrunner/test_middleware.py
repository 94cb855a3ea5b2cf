"""Team pages are never stored by a browser or a cache: ``Cache-Control: no-store``."""

import pytest
from django.test import Client
from django.urls import reverse

from episodes.models import Role
from tests.factories import make_episode, make_show, make_user

pytestmark = pytest.mark.django_db


def test_every_page_a_logged_in_user_gets_is_not_stored(client: Client) -> None:
    episode = make_episode()
    client.force_login(make_user((episode.show, Role.PRODUCER)))

    pages = [
        client.get(reverse("episodes:home")),
        client.get(reverse("episodes:episode_editor", args=[episode.pk])),
        client.get(reverse("episodes:export_json", args=[episode.pk])),
        client.get(reverse("episodes:live_caller", args=[episode.pk])),
        client.get(reverse("episodes:show_calendar", args=[episode.show.slug])),
        client.get("/episodes/999999/"),
    ]

    for response in pages:
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= directives, response.request["PATH_INFO"]
        assert "public" not in directives


def test_a_public_page_for_anyone_is_left_to_cache(client: Client) -> None:
    show = make_show(upcoming_public=True)

    response = client.get(reverse("episodes:show_upcoming", args=[show.slug]))

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")

"""The app's own 404 and 500 pages (DEBUG is off by default, so these are what people see)."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import path
from pytest_django.fixtures import Settings as SettingsWrapper

from episodes.models import Role
from tests.factories import make_episode, make_user

pytestmark = pytest.mark.django_db


def broken(request: object) -> None:
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken)]


def test_an_unknown_episode_shows_the_apps_own_not_found_page(client: Client) -> None:
    episode = make_episode()
    client.force_login(make_user((episode.show, Role.PRODUCER)))

    response = client.get("/episodes/999999/")

    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    assert b"Page not found" in response.content
    assert b"Go to your shows" in response.content


def test_a_server_error_shows_the_apps_own_page_without_details(
    client: Client, settings: SettingsWrapper
) -> None:
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False

    response = client.get("/broken/")

    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"a bug" not in response.content
    assert b"Traceback" not in response.content


def test_debug_is_off_unless_asked_for() -> None:
    assert django_settings.DEBUG is False


def test_uploaded_photos_are_served_by_a_local_install(client: Client) -> None:
    photo = Path(django_settings.MEDIA_ROOT) / "avatars" / "someone.jpg"
    photo.parent.mkdir(parents=True, exist_ok=True)
    photo.write_bytes(b"\xff\xd8\xff\xe0 a jpeg")

    response = client.get("/media/avatars/someone.jpg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == photo.read_bytes()  # type: ignore[attr-defined]

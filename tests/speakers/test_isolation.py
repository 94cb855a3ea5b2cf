"""A guest's link shows that guest's data and nothing else, on every portal URL.

Two guests share an episode; the second is also on an episode of their own. Every URL the
portal has is requested with the first guest's link, and none may show the second guest's
email, notes, questions, messages or other episode, nor the producers' private notes.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from episodes import live_screens, onair, stream_access
from episodes.models import LiveMessage, Role
from episodes.push import read_token
from speakers import links
from speakers import urls as portal_urls
from speakers.models import Speaker
from tests.factories import (
    make_appearance,
    make_episode,
    make_question,
    make_segment,
    make_show,
    make_speaker,
    make_user,
)

pytestmark = pytest.mark.django_db

SECRETS_OF_B = [
    "b-private@example.org",
    "PREP-ONLY-FOR-B",
    "QUESTION-ONLY-FOR-B",
    "EPISODE-ONLY-B-IS-ON",
    "MESSAGE-ONLY-FOR-B",
    "PRODUCERS-PRIVATE-NOTE",
    "QUESTION-PRIVATE-NOTE",
    "caller-login-name",
]


@pytest.fixture
def world() -> dict[str, object]:
    show = make_show()
    starts = datetime.now(UTC) + timedelta(days=3)
    shared = make_episode(show=show, title="Shared episode", starts_at=starts)
    only_b = make_episode(show=show, title="EPISODE-ONLY-B-IS-ON", starts_at=starts)
    a = make_speaker(name="Alex Ames", email="a@example.org")
    b = make_speaker(name="Bo Brandt", email="b-private@example.org")
    on_a = make_appearance(shared, a, notes="Prep for A")
    on_b = make_appearance(shared, b, notes="PREP-ONLY-FOR-B")
    make_appearance(only_b, b)
    segment = make_segment(shared, title="Questions", notes="PRODUCERS-PRIVATE-NOTE", owner=on_b)
    make_question(segment, on_a, text="Question for A")
    make_question(segment, on_b, text="QUESTION-ONLY-FOR-B", notes="QUESTION-PRIVATE-NOTE")
    make_question(segment, text="Question for all", for_everyone=True)
    make_segment(only_b, title="B's segment")
    caller = make_user((show, Role.SHOW_CALLER), username="caller-login-name")
    now = datetime.now(UTC)
    onair.perform(shared, "start", user=caller, now=now, version=None, source="test")
    onair.send_message(shared, "MESSAGE-ONLY-FOR-B", user=caller, now=now, to=on_b)
    onair.send_message(shared, "Message for A", user=caller, now=now, to=on_a)
    return {
        "a": a,
        "b": b,
        "token": links.ensure_link(a),
        "b_token": links.ensure_link(b),
        "shared": shared,
        "only_b": only_b,
    }


def routes() -> dict[str, URLPattern]:
    """The guest portal's URLs that take a link, by their namespaced name."""
    return {
        f"{portal_urls.app_name}:{p.name}": p
        for p in portal_urls.urlpatterns
        if isinstance(p, URLPattern) and p.name and "<str:token>" in str(p.pattern)
    }


def url_for(name: str, token: str, episode_pk: int) -> str:
    takes_episode = "<id:pk>" in str(routes()[name].pattern)
    return reverse(name, args=[token, episode_pk] if takes_episode else [token])


POSTS = {
    "speakers:guest_profile": {"name": "Alex A.", "time_zone": "Europe/Paris", "links": ""},
    "speakers:guest_time_zone": {"time_zone": "Asia/Tokyo"},
}


def test_every_portal_url_shows_only_the_guests_own_data(
    client: Client, world: dict[str, object]
) -> None:
    token, shared = world["token"], world["shared"]
    checked = set()
    for name in routes():
        url = url_for(name, token, shared.pk)  # type: ignore[arg-type, attr-defined]
        response = client.get(url)
        if response.status_code == 405:  # POST-only: its answer is checked below
            if (
                name == "speakers:guest_live_read"
            ):  # "Got it" on the message the caller sent guest A
                data = {"message": LiveMessage.objects.get(text="Message for A").pk}
            elif (
                name == "speakers:guest_live_screen"
            ):  # the heartbeat of A's page (its own name only)
                data = {"screen": "guest-tab-01", "kind": "guest"}
            else:
                data = POSTS[name]
            response = client.post(url, data, follow=True)
        assert response.status_code == 200, (name, response.status_code)
        body = response.content.decode()
        for secret in SECRETS_OF_B:
            assert secret not in body, (name, secret)
        assert response["Cache-Control"] == "private, no-store"
        checked.add(name)
    assert checked == set(routes())  # a new portal URL is checked without editing this test


def test_the_guests_own_data_is_there(client: Client, world: dict[str, object]) -> None:
    token, shared = world["token"], world["shared"]
    page = client.get(reverse("speakers:guest_episode", args=[token, shared.pk])).content.decode()  # type: ignore[attr-defined]
    for own in ["Question for A", "Question for all", "Prep for A"]:
        assert own in page
    state = client.get(reverse("speakers:guest_live_state", args=[token, shared.pk])).json()[
        "state"
    ]  # type: ignore[attr-defined]
    assert state["message"]["text"] == "Message for A"
    assert [q["text"] for q in state["segment"]["questions"]] == [
        "Question for A",
        "Question for all",
    ]


def test_the_guests_stream_is_their_own_audience(client: Client, world: dict[str, object]) -> None:
    token, shared = world["token"], world["shared"]
    state = client.get(reverse("speakers:guest_live_state", args=[token, shared.pk])).json()[
        "state"
    ]  # type: ignore[attr-defined]
    stream_token = state["stream_url"].split("?token=", 1)[1]
    appearance = shared.appearances.get(speaker=world["a"])  # type: ignore[attr-defined]
    assert read_token(stream_token) == (
        shared.pk,  # type: ignore[attr-defined]
        live_screens.guest_audience(appearance.pk),
        stream_access.for_guest(world["a"]),  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    "name",
    ["speakers:guest_episode", "speakers:guest_episode_calendar", "speakers:guest_live_state"],
)
def test_an_episode_the_guest_is_not_on_is_not_there(
    client: Client, world: dict[str, object], name: str
) -> None:
    response = client.get(reverse(name, args=[world["token"], world["only_b"].pk]))  # type: ignore[attr-defined]
    assert response.status_code == 404
    assert b"EPISODE-ONLY-B-IS-ON" not in response.content
    assert b"This link does not work" in response.content


def test_changing_things_changes_only_ones_own_profile(
    client: Client, world: dict[str, object]
) -> None:
    b_before = Speaker.objects.filter(pk=world["b"].pk).values().get()  # type: ignore[attr-defined]
    for name, data in POSTS.items():
        response = client.post(url_for(name, world["token"], 0), data)  # type: ignore[arg-type]
        assert response.status_code == 302
    assert Speaker.objects.filter(pk=world["b"].pk).values().get() == b_before  # type: ignore[attr-defined]
    a = Speaker.objects.get(pk=world["a"].pk)  # type: ignore[attr-defined]
    assert (a.name, a.time_zone) == ("Alex A.", "Asia/Tokyo")


def test_changes_need_the_csrf_token(world: dict[str, object]) -> None:
    client = Client(enforce_csrf_checks=True)
    for name, data in POSTS.items():
        response = client.post(url_for(name, world["token"], 0), data)  # type: ignore[arg-type]
        assert response.status_code == 403, name
    assert Speaker.objects.get(pk=world["a"].pk).time_zone == ""  # type: ignore[attr-defined]


def test_a_guest_link_opens_no_team_page(client: Client, world: dict[str, object]) -> None:
    client.get(reverse("speakers:guest_portal", args=[world["token"]]))
    shared = world["shared"]
    for url in [
        reverse("episodes:episode_editor", args=[shared.pk]),  # type: ignore[attr-defined]
        reverse("episodes:live_host", args=[shared.pk]),  # type: ignore[attr-defined]
        reverse("episodes:live_state", args=[shared.pk]),  # type: ignore[attr-defined]
    ]:
        response = client.get(url)
        assert response.status_code in (302, 403), url

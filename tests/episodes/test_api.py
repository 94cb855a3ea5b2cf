"""The HTTP API for hardware buttons and scripts, and the show caller's JSON commands."""

import json
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from episodes import onair
from episodes.models import ApiToken, Episode, Role
from tests.factories import make_episode, make_segment, make_show, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode() -> Episode:
    episode = make_episode(title="On air")
    make_segment(episode, title="News", minutes=5)
    make_segment(episode, title="Talk", minutes=20)
    return episode


def token_for(user: object) -> str:
    out = StringIO()
    call_command("create_api_token", user.get_username(), "--name", "Stream Deck", stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def caller_token(episode: Episode) -> str:
    return token_for(make_user((episode.show, Role.SHOW_CALLER), username="deck"))


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post(client: Client, url: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    response = client.post(
        url,
        json.dumps(body) if body is not None else "",
        content_type="application/json",
        **bearer(token),
    )
    return response.status_code, response.json()


def test_create_api_token_prints_a_token_and_keeps_only_its_hash(episode: Episode) -> None:
    user = make_user(username="sam")

    token = token_for(user)

    stored = ApiToken.objects.get()
    assert token.startswith("sr_")
    assert token not in (stored.key_hash, stored.prefix)
    assert stored.name == "Stream Deck"
    with pytest.raises(CommandError, match="no user called 'nobody'"):
        call_command("create_api_token", "nobody")


def test_list_episodes(client: Client, episode: Episode, caller_token: str) -> None:
    make_episode(title="Another show")  # not this user's

    data = client.get("/api/episodes/", **bearer(caller_token)).json()

    assert [(e["id"], e["title"], e["show"]["slug"]) for e in data["episodes"]] == [
        (episode.pk, "On air", episode.show.slug)
    ]
    assert data["episodes"][0]["starts_at"].startswith("2026-03-03T17:00:00")


def test_live_state_has_remaining_phase_anchors_and_a_stream_url(
    client: Client, episode: Episode, caller_token: str
) -> None:
    post(client, f"/api/episodes/{episode.pk}/live/start", caller_token)

    data = client.get(f"/api/episodes/{episode.pk}/live", **bearer(caller_token)).json()

    assert data["state"] == "running"
    assert data["segment"]["title"] == "News"
    assert data["next"]["title"] == "Talk"
    assert 0 < data["remaining_ms"] <= 300_000
    assert data["phase"] == "normal"
    assert abs(data["server_time"] - data["segment"]["started_at"]) < 5_000
    assert data["stream_url"].startswith(f"/live/stream/{episode.pk}/?token=")
    assert isinstance(data["version"], int)


def test_commands_with_a_version_refuse_a_stale_one(
    client: Client, episode: Episode, caller_token: str
) -> None:
    status, started = post(client, f"/api/episodes/{episode.pk}/live/start", caller_token)
    version = started["version"]

    first, moved = post(
        client, f"/api/episodes/{episode.pk}/live/next", caller_token, {"version": version}
    )
    second, refused = post(
        client, f"/api/episodes/{episode.pk}/live/next", caller_token, {"version": version}
    )

    assert (status, first, second) == (200, 200, 409)
    assert moved["segment"]["title"] == "Talk"
    assert "moved on" in refused["error"]
    assert refused["segment"]["title"] == "Talk"  # the current state comes back


def test_a_button_without_a_version_is_debounced(
    client: Client, episode: Episode, caller_token: str
) -> None:
    post(client, f"/api/episodes/{episode.pk}/live/start", caller_token)
    pressed = timezone.now() + timedelta(seconds=5)

    # Two presses 100 ms apart, whatever the machine's speed: the second is the bounce.
    with mock.patch("django.utils.timezone.now", return_value=pressed):
        _, first = post(client, f"/api/episodes/{episode.pk}/live/next", caller_token)
    with mock.patch("django.utils.timezone.now", return_value=pressed + timedelta(seconds=0.1)):
        _, repeat = post(client, f"/api/episodes/{episode.pk}/live/next", caller_token)

    assert first.get("repeat") is None
    assert repeat["repeat"] is True
    assert onair.state_of(episode).segment.title == "Talk"


def test_commands_with_parameters_and_messages(
    client: Client, episode: Episode, caller_token: str
) -> None:
    talk = episode.segments.get(title="Talk")
    post(client, f"/api/episodes/{episode.pk}/live/start", caller_token)

    _, jumped = post(
        client, f"/api/episodes/{episode.pk}/live/jump", caller_token, {"segment": talk.pk}
    )
    _, added = post(
        client, f"/api/episodes/{episode.pk}/live/add_time", caller_token, {"seconds": 30}
    )
    _, message = post(
        client,
        f"/api/episodes/{episode.pk}/live/message",
        caller_token,
        {"text": "Two minutes", "flash": True},
    )

    assert jumped["segment"]["title"] == "Talk"
    assert added["segment"]["added_ms"] == 30_000
    assert message["message"] == {
        "id": message["message"]["id"],
        "text": "Two minutes",
        "flash": True,
        "at": message["message"]["at"],
        "lasts": "segment",
        "expires_at": None,
        "read_at": None,
    }


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"seconds": "lots"}, 409, "must be a whole number"),
        ({}, 409, "how many seconds"),
    ],
)
def test_bad_parameters_are_explained(
    client: Client, episode: Episode, caller_token: str, body: dict, status: int, error: str
) -> None:
    post(client, f"/api/episodes/{episode.pk}/live/start", caller_token)

    code, data = post(client, f"/api/episodes/{episode.pk}/live/add_time", caller_token, body)

    assert code == status
    assert error in data["error"]


def test_bad_json_unknown_command_and_bad_tokens(
    client: Client, episode: Episode, caller_token: str
) -> None:
    url = f"/api/episodes/{episode.pk}/live"

    broken = client.post(
        f"{url}/start", "{not json", content_type="application/json", **bearer(caller_token)
    )
    unknown = client.post(
        f"{url}/dance", "", content_type="application/json", **bearer(caller_token)
    )
    anonymous = client.get(url)
    wrong = client.get(url, **bearer("sr_not-a-real-token"))
    missing = client.get("/api/episodes/999999/live", **bearer(caller_token))

    assert (broken.status_code, unknown.status_code) == (400, 404)
    assert (anonymous.status_code, wrong.status_code, missing.status_code) == (401, 401, 404)
    assert anonymous["WWW-Authenticate"].startswith("Bearer")


def test_tokens_only_reach_their_users_shows(client: Client, episode: Episode) -> None:
    host_token = token_for(make_user((episode.show, Role.HOST), username="host"))
    stranger = token_for(make_user((make_show(), Role.SHOW_CALLER), username="stranger"))

    assert client.get(f"/api/episodes/{episode.pk}/live", **bearer(host_token)).status_code == 200
    assert post(client, f"/api/episodes/{episode.pk}/live/start", host_token)[0] == 403
    assert client.get(f"/api/episodes/{episode.pk}/live", **bearer(stranger)).status_code == 403


def test_a_revoked_token_stops_working(client: Client, episode: Episode, caller_token: str) -> None:
    from episodes import api

    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    api._token_cache.clear()  # as after ten seconds

    assert client.get(f"/api/episodes/{episode.pk}/live", **bearer(caller_token)).status_code == 401


def test_token_calls_need_no_csrf_token(episode: Episode, caller_token: str) -> None:
    client = Client(enforce_csrf_checks=True)

    status, _ = post(client, f"/api/episodes/{episode.pk}/live/start", caller_token)

    assert status == 200


def test_the_callers_page_commands_need_csrf_and_the_call_role(episode: Episode) -> None:
    caller = make_user((episode.show, Role.SHOW_CALLER))
    host = make_user((episode.show, Role.HOST))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(caller)
    relaxed = Client()
    relaxed.force_login(host)

    no_token = strict.post(
        f"/episodes/{episode.pk}/live/start/", "{}", content_type="application/json"
    )
    as_host = relaxed.post(
        f"/episodes/{episode.pk}/live/start/", "{}", content_type="application/json"
    )

    assert (no_token.status_code, as_host.status_code) == (403, 403)
    assert onair.state_of(episode).state == "ready"


def test_the_callers_page_flow(client: Client, episode: Episode) -> None:
    client.force_login(make_user((episode.show, Role.SHOW_CALLER)))

    page = client.get(f"/episodes/{episode.pk}/live/caller/")
    started = client.post(f"/episodes/{episode.pk}/live/start/", {"version": 1})
    again = client.post(f"/episodes/{episode.pk}/live/start/", {"version": 1})
    state = client.get(f"/episodes/{episode.pk}/live/state/").json()["state"]

    assert page.status_code == 200
    assert b'id="live-config"' in page.content
    assert started.json()["ok"] is True
    assert again.status_code == 409
    assert state["state"] == "running"


def test_the_callers_page_is_answered_what_a_command_did_and_takes_the_state_from_the_stream(
    client: Client, episode: Episode
) -> None:
    client.force_login(make_user((episode.show, Role.SHOW_CALLER)))

    started = client.post(f"/episodes/{episode.pk}/live/start/", {"version": 1}).json()
    stale = client.post(f"/episodes/{episode.pk}/live/next/", {"version": 1})
    episode.refresh_from_db()

    assert started == {"ok": True, "version": 2, "revision": episode.live_revision}
    assert stale.status_code == 409
    assert stale.json()["revision"] == episode.live_revision
    assert "state" not in stale.json()
    assert stale.json()["error"]


def test_the_host_view_is_for_anyone_on_the_show(client: Client, episode: Episode) -> None:
    client.force_login(make_user((episode.show, Role.HOST)))
    assert client.get(f"/episodes/{episode.pk}/live/host/").status_code == 200
    assert client.get(f"/episodes/{episode.pk}/live/caller/").status_code == 403
    client.force_login(make_user((make_show(), Role.PRODUCER)))
    assert client.get(f"/episodes/{episode.pk}/live/host/").status_code == 403
    assert client.get(f"/episodes/{episode.pk}/live/state/").status_code == 403


def test_five_quick_add_time_presses_add_five_minutes(
    client: Client, episode: Episode, caller_token: str
) -> None:
    base = f"/api/episodes/{episode.pk}/live/"
    _, started = post(client, base + "start", caller_token)

    answers = [
        post(
            client, base + "add_time", caller_token, {"seconds": 60, "version": started["version"]}
        )
        for _ in range(5)
    ]

    assert [status for status, _ in answers] == [200] * 5
    assert answers[-1][1]["segment"]["added_ms"] == 5 * 60_000


def test_one_request_id_sent_twice_applies_once(
    client: Client, episode: Episode, caller_token: str
) -> None:
    base = f"/api/episodes/{episode.pk}/live/"
    post(client, base + "start", caller_token)

    def press(key: str) -> dict:
        response = client.post(
            base + "add_time",
            json.dumps({"seconds": 60}),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=key,
            **bearer(caller_token),
        )
        return response.json()

    first, again, other = press("deck-press-1"), press("deck-press-1"), press("deck-press-2")

    assert (first.get("repeat"), again.get("repeat"), other.get("repeat")) == (None, True, None)
    assert other["segment"]["added_ms"] == 2 * 60_000


def test_a_request_id_in_the_body_works_as_the_header(
    client: Client, episode: Episode, caller_token: str
) -> None:
    base = f"/api/episodes/{episode.pk}/live/"
    post(client, base + "start", caller_token)

    post(client, base + "next", caller_token, {"request_id": "n-1"})
    _, again = post(client, base + "next", caller_token, {"request_id": "n-1"})

    assert again["repeat"] is True
    assert again["segment"]["title"] == "Talk"


def test_a_bad_request_id_is_refused_with_the_reason(
    client: Client, episode: Episode, caller_token: str
) -> None:
    status, body = post(
        client, f"/api/episodes/{episode.pk}/live/start", caller_token, {"request_id": "a b"}
    )

    assert status == 400
    assert "request id" in body["error"]


def test_two_presses_of_next_on_the_same_version_advance_once(
    client: Client, episode: Episode, caller_token: str
) -> None:
    """Two devices of the caller (or a double click) that saw the same version: one step."""
    base = f"/api/episodes/{episode.pk}/live/"
    _, started = post(client, base + "start", caller_token)

    first = post(client, base + "next", caller_token, {"version": started["version"]})
    second = post(client, base + "next", caller_token, {"version": started["version"]})

    assert (first[0], second[0]) == (200, 409)
    assert second[1]["segment"]["title"] == "Talk"

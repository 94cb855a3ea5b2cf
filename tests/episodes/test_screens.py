"""The screens open on an episode (episodes/screens.py, episodes/views/screens.py): the
heartbeat, the caller's list, names and commands, and who may do what to which row."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from episodes import screens
from episodes.models import Episode, Role, Screen
from speakers import links
from tests.factories import make_appearance, make_episode, make_speaker, make_user

pytestmark = pytest.mark.django_db

CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36"


def client_for(user: Any) -> Client:
    client = Client(HTTP_USER_AGENT=CHROME)
    client.force_login(user)
    return client


def beat(client: Client, episode: Episode, screen: str, kind: str = "host") -> Any:
    return client.post(
        reverse("episodes:live_screen_heartbeat", args=[episode.pk]),
        {"screen": screen, "kind": kind},
    )


@pytest.fixture
def team() -> dict[str, Any]:
    episode = make_episode(title="Tonight")
    show = episode.show
    return {
        "episode": episode,
        "caller": make_user((show, Role.SHOW_CALLER), username="cal"),
        "host": make_user(
            (show, Role.HOST), username="hana@example.org", first_name="Hana", last_name="Ito"
        ),
        "plain": make_user((show, Role.HOST), username="pat@example.org"),
    }


def test_a_heartbeat_puts_the_screen_on_the_callers_list(team: dict[str, Any]) -> None:
    episode = team["episode"]
    answer = beat(client_for(team["host"]), episode, "tab-one-1234")
    assert answer.status_code == 200
    assert answer.json() == {
        "ok": True,
        "name": "",
        "label": "Host view · Hana Ito",
        "commands": [],
    }

    listed = (
        client_for(team["caller"]).get(reverse("episodes:live_screens", args=[episode.pk])).json()
    )
    [screen] = listed["screens"]
    assert screen["what"] == "Host view"
    assert screen["whose"] == "Hana Ito"
    assert screen["user_agent"] == "Chrome on Linux"
    assert 0 <= screen["seconds_ago"] < 10  # a busy machine is slow between the two
    assert "hana@example.org" not in str(listed)


def test_a_login_name_that_is_an_email_is_shown_without_its_domain(team: dict[str, Any]) -> None:
    beat(client_for(team["plain"]), team["episode"], "tab-two-1234", kind="studio")
    [screen] = screens.listing(team["episode"], timezone.now())
    assert screen["whose"] == "pat"
    assert screen["what"] == "Studio clock"


def test_heartbeats_update_one_row_and_a_minute_of_silence_drops_it(team: dict[str, Any]) -> None:
    episode = team["episode"]
    host = client_for(team["host"])
    beat(host, episode, "tab-one-1234")
    beat(host, episode, "tab-one-1234")
    beat(host, episode, "tab-two-5678", kind="studio")
    assert Screen.objects.filter(episode=episode).count() == 2

    Screen.objects.filter(screen_id="tab-one-1234").update(
        last_seen=timezone.now() - timedelta(seconds=61)
    )
    listed = screens.listing(episode, timezone.now())
    assert [s["kind"] for s in listed] == ["studio"]


def test_an_unknown_kind_is_kept_as_it_is_for_screens_still_to_come(team: dict[str, Any]) -> None:
    beat(client_for(team["host"]), team["episode"], "obs-source-01", kind="overlay")
    beat(client_for(team["host"]), team["episode"], "obs-source-02", kind="lower-third")
    kinds = [(s["kind"], s["what"]) for s in screens.listing(team["episode"], timezone.now())]
    assert kinds == [("overlay", "Overlay"), ("lower-third", "Lower third")]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "host"}, "screen"),
        ({"screen": "short", "kind": "host"}, "screen"),
        ({"screen": "a" * 41, "kind": "host"}, "screen"),
        ({"screen": "has spaces in", "kind": "host"}, "screen"),
        ({"screen": "tab-one-1234"}, "kind"),
        ({"screen": "tab-one-1234", "kind": "Host<script>"}, "kind"),
    ],
)
def test_a_bad_heartbeat_says_what_is_wrong(
    team: dict[str, Any], body: dict[str, str], field: str
) -> None:
    response = client_for(team["host"]).post(
        reverse("episodes:live_screen_heartbeat", args=[team["episode"].pk]), body
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"{field}:")
    assert not Screen.objects.exists()


def test_rename_identify_and_reload_reach_that_screen_once(team: dict[str, Any]) -> None:
    episode = team["episode"]
    host = client_for(team["host"])
    caller = client_for(team["caller"])
    beat(host, episode, "tab-one-1234")
    beat(host, episode, "tab-two-5678")
    one = Screen.objects.get(screen_id="tab-one-1234")

    named = caller.post(
        reverse("episodes:live_screen_name", args=[episode.pk, one.pk]), {"name": "  Desk   left "}
    )
    assert named.json() == {"ok": True, "name": "Desk left", "label": "Desk left"}
    sent = caller.post(
        reverse("episodes:live_screen_command", args=[episode.pk, one.pk]), {"command": "identify"}
    )
    assert sent.json() == {"ok": True, "pending": "identify"}

    assert beat(host, episode, "tab-two-5678").json()["commands"] == []  # not the other one
    first = beat(host, episode, "tab-one-1234").json()
    assert first == {
        "ok": True,
        "name": "Desk left",
        "label": "Desk left",
        "commands": ["identify"],
    }
    assert beat(host, episode, "tab-one-1234").json()["commands"] == []  # handed over once

    caller.post(
        reverse("episodes:live_screen_command", args=[episode.pk, one.pk]), {"command": "reload"}
    )
    assert beat(host, episode, "tab-one-1234").json()["commands"] == ["reload"]


def test_bad_names_and_commands_are_refused_and_change_nothing(team: dict[str, Any]) -> None:
    episode = team["episode"]
    beat(client_for(team["host"]), episode, "tab-one-1234")
    one = Screen.objects.get()
    caller = client_for(team["caller"])
    long = caller.post(
        reverse("episodes:live_screen_name", args=[episode.pk, one.pk]), {"name": "x" * 61}
    )
    assert long.status_code == 400
    assert "at most 60 characters (this one has 61)" in long.json()["error"]
    wrong = caller.post(
        reverse("episodes:live_screen_command", args=[episode.pk, one.pk]),
        {"command": "format-disk"},
    )
    assert wrong.status_code == 400
    one.refresh_from_db()
    assert (one.name, one.command) == ("", "")


def test_a_name_is_escaped_where_it_is_shown(team: dict[str, Any]) -> None:
    episode = team["episode"]
    beat(client_for(team["host"]), episode, "tab-one-1234")
    one = Screen.objects.get()
    client_for(team["caller"]).post(
        reverse("episodes:live_screen_name", args=[episode.pk, one.pk]), {"name": "<b>Desk</b>"}
    )
    # JSON answers only; the pages put it in with textContent (static/js/caller-screens.js).
    assert Screen.objects.get().name == "<b>Desk</b>"
    response = client_for(team["caller"]).get(reverse("episodes:live_screens", args=[episode.pk]))
    assert response["Content-Type"] == "application/json"


def test_the_host_may_not_list_name_or_command_screens(team: dict[str, Any]) -> None:
    episode = team["episode"]
    host = client_for(team["host"])
    beat(host, episode, "tab-one-1234")
    one = Screen.objects.get()
    assert host.get(reverse("episodes:live_screens", args=[episode.pk])).status_code == 403
    assert (
        host.post(
            reverse("episodes:live_screen_name", args=[episode.pk, one.pk]), {"name": "x"}
        ).status_code
        == 403
    )
    assert (
        host.post(
            reverse("episodes:live_screen_command", args=[episode.pk, one.pk]),
            {"command": "reload"},
        ).status_code
        == 403
    )
    assert Screen.objects.get().command == ""


def test_another_shows_caller_can_neither_see_nor_command_these_screens(
    team: dict[str, Any],
) -> None:
    episode = team["episode"]
    beat(client_for(team["host"]), episode, "tab-one-1234")
    one = Screen.objects.get()
    elsewhere = make_episode(title="Other show's episode")
    stranger = client_for(make_user((elsewhere.show, Role.SHOW_CALLER), username="stranger"))

    assert stranger.get(reverse("episodes:live_screens", args=[episode.pk])).status_code == 403
    # Their own episode's URL with this screen's id finds nothing either.
    assert (
        stranger.get(reverse("episodes:live_screens", args=[elsewhere.pk])).json()["screens"] == []
    )
    for url, body in [
        (reverse("episodes:live_screen_name", args=[elsewhere.pk, one.pk]), {"name": "Mine now"}),
        (
            reverse("episodes:live_screen_command", args=[elsewhere.pk, one.pk]),
            {"command": "reload"},
        ),
        (reverse("episodes:live_screen_name", args=[episode.pk, one.pk]), {"name": "Mine now"}),
        (reverse("episodes:live_screen_command", args=[episode.pk, one.pk]), {"command": "reload"}),
    ]:
        assert stranger.post(url, body).status_code in (403, 404)
    # A heartbeat with this screen's id, on their own episode, makes a row of their own.
    beat(stranger, elsewhere, "tab-one-1234")
    one.refresh_from_db()
    assert (one.name, one.command, one.episode_id) == ("", "", episode.pk)
    assert Screen.objects.filter(episode=elsewhere).count() == 1


def test_the_same_screen_id_from_another_account_is_another_row(team: dict[str, Any]) -> None:
    episode = team["episode"]
    beat(client_for(team["host"]), episode, "tab-one-1234")
    one = Screen.objects.get()
    client_for(team["caller"]).post(
        reverse("episodes:live_screen_command", args=[episode.pk, one.pk]), {"command": "reload"}
    )
    # Someone who learnt the id cannot take the host's command, nor change the host's row.
    answer = beat(client_for(team["plain"]), episode, "tab-one-1234").json()
    assert answer["commands"] == []
    one.refresh_from_db()
    assert (one.command, one.principal) == ("reload", "Hana Ito")


def test_a_guests_page_beats_through_the_link_and_hears_only_its_own(team: dict[str, Any]) -> None:
    episode = team["episode"]
    guest = make_speaker(name="Dana Li", email="dana@example.org", show=episode.show)
    make_appearance(episode, guest)
    token = links.ensure_link(guest)
    beat(client_for(team["host"]), episode, "tab-one-1234")
    host_screen = Screen.objects.get()
    client_for(team["caller"]).post(
        reverse("episodes:live_screen_name", args=[episode.pk, host_screen.pk]),
        {"name": "Host desk"},
    )
    guest_client = Client(HTTP_USER_AGENT=CHROME)
    url = reverse("speakers:guest_live_screen", args=[token, episode.pk])

    answer = guest_client.post(url, {"screen": "guest-tab-99", "kind": "guest"})
    assert answer.status_code == 200
    assert answer.json() == {
        "ok": True,
        "name": "",
        "label": "Guest page · Dana Li",
        "commands": [],
    }
    assert "Host desk" not in answer.content.decode()
    listed = screens.listing(episode, timezone.now())
    assert [(s["what"], s["whose"]) for s in listed] == [
        ("Host view", "Hana Ito"),
        ("Guest page", "Dana Li"),
    ]
    assert "dana@example.org" not in str(listed)

    # The host screen's id through the guest's link: a row of the guest's, not the host's.
    client_for(team["caller"]).post(
        reverse("episodes:live_screen_command", args=[episode.pk, host_screen.pk]),
        {"command": "identify"},
    )
    stolen = guest_client.post(url, {"screen": "tab-one-1234", "kind": "host"}).json()
    assert stolen["commands"] == []
    assert "Host desk" not in str(stolen)
    host_screen.refresh_from_db()
    assert host_screen.command == "identify"


def test_a_guest_link_for_another_episode_is_turned_away(team: dict[str, Any]) -> None:
    guest = make_speaker(name="Dana Li", show=team["episode"].show)
    token = links.ensure_link(guest)  # not on this episode
    response = Client().post(
        reverse("speakers:guest_live_screen", args=[token, team["episode"].pk]),
        {"screen": "guest-tab-99", "kind": "guest"},
    )
    assert response.status_code == 404
    assert not Screen.objects.exists()


def test_user_agents_are_summed_up() -> None:
    assert screens.user_agent_summary(CHROME) == "Chrome on Linux"
    assert (
        screens.user_agent_summary(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605 Version/17.0 Mobile/15E148 Safari/604.1"
        )
        == "Safari on iPhone"
    )
    assert (
        screens.user_agent_summary("Mozilla/5.0 (Windows NT 10.0) Chrome/120 OBS/30.0")
        == "OBS on Windows"
    )
    assert screens.user_agent_summary("") == "Browser"


def test_the_studio_clock_page_is_the_host_views_for_a_room(team: dict[str, Any]) -> None:
    response = client_for(team["host"]).get(
        reverse("episodes:live_studio", args=[team["episode"].pk])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="time-of-day"' in page
    assert f"Time in {team['episode'].show.time_zone}" in page
    assert "/screens/heartbeat/" in page
    assert 'data-alerts-toggle="studio"' in page

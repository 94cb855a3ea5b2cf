"""The push stream against real uvicorn processes on the test database."""

import json
import time
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from episodes import live_screens, onair, push, stream_access
from episodes.api import new_token
from episodes.models import Episode, Role
from tests.factories import (
    make_episode,
    make_question,
    make_segment,
    make_user,
    team_stream_url,
)
from tests.servers import EventStream, Server, apply_change, request, running_server

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server() -> Iterator[Server]:
    with running_server() as running:
        yield running


@pytest.fixture
def episode() -> Episode:
    episode = make_episode(title="Streamed")
    make_segment(episode, title="News", minutes=5)
    make_segment(episode, title="Talk", minutes=20)
    return episode


@pytest.fixture
def token(episode: Episode) -> str:
    return new_token(make_user((episode.show, Role.SHOW_CALLER), username="deck"))


def command(server: Server, episode: Episode, token: str, action: str, **body: object) -> dict:
    status, data = request(
        f"{server.url}/api/episodes/{episode.pk}/live/{action}",
        "POST",
        body,
        {"Authorization": f"Bearer {token}"},
    )
    assert status == 200, data
    return data


def test_the_clock_endpoint_answers_the_server_time(server: Server) -> None:
    before = time.time() * 1000
    status, data = request(f"{server.url}/live/time")
    after = time.time() * 1000

    assert status == 200
    assert before - 5 <= data["t"] <= after + 5


def test_the_stream_starts_with_the_state_and_follows_commands(
    server: Server, episode: Episode, token: str
) -> None:
    stream = EventStream(server.url + team_stream_url(episode))
    assert stream.status == 200
    first = stream.next_state()
    assert (first["state"], first["segment"]) == ("ready", None)

    command(server, episode, token, "start")
    running = stream.next_state(lambda s: s["state"] == "running")
    command(server, episode, token, "add_time", seconds=60)
    added = stream.next_state(lambda s: s["segment"]["added_ms"] == 60_000)

    assert running["segment"]["title"] == "News"
    assert added["version"] > running["version"]
    stream.close()


def test_a_change_made_by_another_process_reaches_the_stream(
    server: Server, episode: Episode
) -> None:
    stream = EventStream(server.url + team_stream_url(episode))
    stream.next_state()

    # This test process is not the server: only the database tells the server.
    onair.perform(
        episode, "start", user=make_user(), now=timezone.now(), version=None, source="test"
    )

    assert stream.next_state(lambda s: s["state"] == "running")["segment"]["title"] == "News"
    stream.close()


def test_any_process_serves_any_screen(episode: Episode, token: str) -> None:
    with running_server() as first, running_server() as second:
        stream = EventStream(second.url + team_stream_url(episode))
        stream.next_state()

        command(first, episode, token, "start")

        assert stream.next_state(lambda s: s["state"] == "running")["segment"]["title"] == "News"
        stream.close()


def test_bad_expired_and_foreign_tokens_are_refused(server: Server, episode: Episode) -> None:
    other = make_episode()
    with mock.patch("time.time", return_value=time.time() - 3600):
        expired = team_stream_url(episode)
    principal = stream_access.for_user(make_user((other.show, "host")))

    bad = EventStream(f"{server.url}/live/stream/{episode.pk}/?token=forged")
    old = EventStream(server.url + expired)
    foreign = EventStream(
        f"{server.url}/live/stream/{episode.pk}/"
        f"?token={push.stream_token(other.pk, live_screens.TEAM, principal)}"
    )

    assert (bad.status, old.status, foreign.status) == (403, 403, 403)
    assert b"expired" in old.response.read()


def test_a_restart_mid_segment_keeps_the_time_right(episode: Episode, token: str) -> None:
    server = Server().start()
    started = command(server, episode, token, "start")
    server.kill()  # kill -9

    with running_server(server.port) as again:
        status, state = request(
            f"{again.url}/api/episodes/{episode.pk}/live",
            headers={"Authorization": f"Bearer {token}"},
        )

    expected = started["segment"]["planned_ms"] - (
        state["server_time"] - started["segment"]["started_at"]
    )
    assert status == 200
    assert state["state"] == "running"
    assert abs(state["remaining_ms"] - expected) < 50
    assert state["remaining_ms"] < started["remaining_ms"]  # it went on while the server was down


def test_a_stream_reconnects_after_a_restart(episode: Episode, token: str) -> None:
    server = Server().start()
    url = team_stream_url(episode)
    stream = EventStream(server.url + url)
    stream.next_state()
    server.kill()
    with pytest.raises((EOFError, OSError)):
        stream.next()

    with running_server(server.port) as again:
        reconnected = EventStream(again.url + url)  # the same URL, as EventSource retries it
        assert reconnected.next_state()["state"] == "ready"
        command(again, episode, token, "start")
        assert reconnected.next_state(lambda s: s["state"] == "running")
        reconnected.close()


def test_a_view_hands_out_a_stream_link_signed_now(episode: Episode) -> None:
    """Found by the soak: after fifteen quiet minutes the hub's shared snapshot carried a link
    that had expired, so a screen that lost its stream could not reconnect until a change."""
    with mock.patch("time.time", return_value=time.time() - 3600):
        old = push.build_snapshot(episode.pk, live_screens.TEAM)
    hub = push.Hub()
    hub.tasks, hub.loop = [mock.Mock()], mock.Mock()  # as if serving from another thread
    hub.built[(episode.pk, live_screens.TEAM)] = push.Built(old, push.sse(old))

    with mock.patch.object(push, "hub", hub):
        data = push.current_screen_state(episode.pk, live_screens.TEAM, "u:7")

    assert data["revision"] == old["revision"]
    token = data["stream_url"].split("token=")[1]
    assert push.read_token(token) == (episode.pk, live_screens.TEAM, "u:7")
    assert "stream_url" not in hub.built[(episode.pk, live_screens.TEAM)].data


def test_stopping_the_server_ends_open_streams_quietly(episode: Episode, tmp_path: Path) -> None:
    """uvicorn cancels the streams still open when its graceful-shutdown wait runs out: that
    logged a traceback for every open screen at every restart."""
    log = tmp_path / "server.log"
    server = Server(log=log).start()
    streams = [EventStream(server.url + team_stream_url(episode)) for _ in range(3)]
    for stream in streams:
        stream.next_state()

    server.stop()

    output = log.read_text()
    assert "Cancel 3 running task(s)" in output  # it did have to cut them off
    assert "Exception in ASGI application" not in output
    assert "Traceback" not in output
    for stream in streams:
        with pytest.raises((EOFError, OSError)):
            stream.next()


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="LISTEN/NOTIFY is PostgreSQL's",
)
def test_on_postgresql_another_processs_change_is_heard_without_polling(episode: Episode) -> None:
    """A server whose SQLite-style watcher would look once an hour still hears at once."""
    server = Server(env={"SHOWRUNNER_WATCH_INTERVAL": "3600"}).start()
    try:
        stream = EventStream(server.url + team_stream_url(episode))
        stream.next_state()

        onair.perform(
            episode, "start", user=make_user(), now=timezone.now(), version=None, source="test"
        )

        assert stream.next_state(lambda s: s["state"] == "running")["segment"]["title"] == "News"
        stream.close()
    finally:
        server.stop()


def test_a_single_process_watches_no_database(episode: Episode) -> None:
    """As bin/run starts it: the one process hears its own changes, and nothing else is read."""
    server = Server(env={"SHOWRUNNER_SINGLE_PROCESS": "true"}).start()
    try:
        caller = make_user((episode.show, Role.SHOW_CALLER))
        stream = EventStream(server.url + team_stream_url(episode))
        stream.next_state()

        command(server, episode, new_token(caller), "start")  # made in that process

        assert stream.next_state(lambda s: s["state"] == "running")["segment"]["title"] == "News"
        stream.close()
    finally:
        server.stop()


def test_pause_resume_and_added_time_travel_as_a_few_bytes(
    server: Server, episode: Episode, token: str
) -> None:
    stream = EventStream(server.url + team_stream_url(episode))
    stream.next_state()
    command(server, episode, token, "start")
    stream.next_state(lambda s: s["state"] == "running")

    sizes = {}
    for action, body in [("pause", {}), ("resume", {}), ("add_time", {"seconds": 60})]:
        command(server, episode, token, action, **body)
        event, data = stream.next()
        sizes[action] = (event, len(json.dumps(data, separators=(",", ":"))))

    assert {action: event for action, (event, _) in sizes.items()} == dict.fromkeys(sizes, "patch")
    assert max(size for _, size in sizes.values()) < 300, sizes
    stream.close()


def test_every_live_change_is_a_patch_that_lands_on_the_whole_state(
    server: Server, episode: Episode, token: str
) -> None:
    """Start, next, a message, a question ticked, a pause, added time, previous, the end: each
    reaches the screen as a patch on the state before, and what the screen then holds is the
    snapshot read afresh, value for value."""
    talk = episode.segments.get(title="Talk")
    question = make_question(talk)
    deck = get_user_model().objects.get(username="deck")
    stream = EventStream(server.url + team_stream_url(episode))
    stream.next_state()
    steps = [
        lambda: command(server, episode, token, "start"),
        lambda: command(server, episode, token, "next"),
        lambda: command(server, episode, token, "message", text="Wrap up", flash=True),
        lambda: onair.mark_question(question, "asked", user=deck),
        lambda: command(server, episode, token, "pause"),
        lambda: command(server, episode, token, "add_time", seconds=30),
        lambda: command(server, episode, token, "previous"),
        lambda: command(server, episode, token, "end"),
    ]

    for step in steps:
        before = stream.state
        assert before is not None
        step()
        event, change = stream.next()
        assert event == "patch", change
        stream.state = apply_change(before, change)

        assert stream.state == live_screens.snapshot(episode.pk, live_screens.TEAM)
    stream.close()

"""Two app processes behind one database: presses at the same instant, and a kill -9 mid-show.

The tests share two real uvicorn servers on the test database (tests/servers.py). Concurrent
presses leave from threads released together by a barrier, one through each process, on
connections opened beforehand, so both requests are in flight at the same moment. Two tests in
the middle pin, without servers, the races of one process's hub that made screens miss a change.
"""

import asyncio
import http.client
import json
import threading
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from django.db.models import F

from episodes import live_clock, live_screens, onair, push
from episodes.api import new_token
from episodes.models import Episode, LiveState, Role, SegmentRun
from tests.factories import (
    guest_stream_url,
    make_appearance,
    make_episode,
    make_segment,
    make_show,
    make_speaker,
    make_user,
    team_stream_url,
)
from tests.servers import BOUNCE_MS, EventStream, Server, request, running_servers

pytestmark = pytest.mark.django_db(transaction=True)

STALE = "The show has moved on since this was pressed"
T = TypeVar("T")


@pytest.fixture(scope="module")
def servers(django_db_setup: None) -> Iterator[tuple[Server, Server]]:
    """Shared by this module's tests (each makes its own episode); the kill -9 test, last,
    restarts the one it kills."""
    with running_servers(2) as (first, second):
        yield first, second


def make_show_episode(segments: int = 3, **kwargs: Any) -> Episode:
    episode = make_episode(title="Two processes", **kwargs)
    for position in range(segments):
        make_segment(episode, title=f"Segment {position + 1}", minutes=5)
    return episode


def api(server: Server, episode: Episode, token: str, action: str = "", **body: Any) -> Any:
    path = f"/api/episodes/{episode.pk}/live" + (f"/{action}" if action else "")
    return request(
        server.url + path,
        "POST" if action else "GET",
        body if action else None,
        {"Authorization": f"Bearer {token}"},
    )


def ok(server: Server, episode: Episode, token: str, action: str = "", **body: Any) -> Any:
    status, data = api(server, episode, token, action, **body)
    assert status == 200, (status, data if isinstance(data, dict) else data[:2000])
    return data


def press_together(
    episode: Episode, presses: list[tuple[Server, str, str, dict[str, Any]]]
) -> list[tuple[int, dict[str, Any]]]:
    """Send each (server, token, action, body) at the same instant; the answers, in order."""
    barrier = threading.Barrier(len(presses))
    answers: list[tuple[int, dict[str, Any]] | BaseException | None] = [None] * len(presses)

    def press(index: int, server: Server, token: str, action: str, body: dict[str, Any]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        try:
            connection.connect()
            barrier.wait(timeout=30)
            connection.request(
                "POST",
                f"/api/episodes/{episode.pk}/live/{action}",
                body=json.dumps(body),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            response = connection.getresponse()
            raw = response.read()
            try:
                answers[index] = (response.status, json.loads(raw))
            except json.JSONDecodeError:  # a server error's page: shown by the assertion
                answers[index] = (response.status, {"page": raw[:2000].decode(errors="replace")})
        except BaseException as exc:  # handed to the test thread below
            answers[index] = exc
            barrier.abort()
        finally:
            connection.close()

    threads = [
        threading.Thread(target=press, args=(index, *arguments))
        for index, arguments in enumerate(presses)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    failures = [answer for answer in answers if isinstance(answer, BaseException)]
    failures.sort(key=lambda exc: isinstance(exc, threading.BrokenBarrierError))
    if failures:
        raise failures[0]  # the cause, rather than the barrier it broke for the other press
    assert None not in answers, "a press did not finish"
    return answers  # type: ignore[return-value]


def position_of(episode: Episode) -> int:
    state = onair.state_of(episode)
    return state.segment.position if state.segment else 0


def runs_per_segment(episode: Episode) -> list[int]:
    return [
        SegmentRun.objects.filter(episode=episode, segment=segment).count()
        for segment in episode.segments.order_by("position")
    ]


def test_one_caller_on_two_devices_pressing_next_together_advances_once(
    servers: tuple[Server, Server],
) -> None:
    first, second = servers
    episode = make_show_episode(segments=12)
    caller = make_user((episode.show, Role.SHOW_CALLER), username="caller")
    laptop, deck = new_token(caller, "laptop"), new_token(caller, "Stream Deck")
    ok(first, episode, laptop, "start")
    ok(second, episode, deck)  # both processes know the token
    url = team_stream_url(episode)
    screens = [EventStream(first.url + url, timeout=5), EventStream(second.url + url, timeout=5)]

    try:
        for round_ in range(1, 11):
            version = onair.state_of(episode).version
            answers = press_together(
                episode,
                [
                    (first, laptop, "next", {"version": version}),
                    (second, deck, "next", {"version": version}),
                ],
            )

            assert sorted(status for status, _ in answers) == [200, 409], (round_, answers)
            refused = next(data for status, data in answers if status == 409)
            assert refused["error"].startswith(STALE)
            assert refused["version"] == version + 1  # the answer shows the show as it now is
            assert position_of(episode) == 1 + round_
            for screen in screens:  # the screens on both processes follow
                shown = screen.next_state(lambda s, v=version: s["version"] > v)
                assert shown["segment"]["title"] == f"Segment {1 + round_}"
    finally:
        for screen in screens:
            screen.close()
    assert runs_per_segment(episode) == [1] * 11 + [0]
    assert SegmentRun.objects.filter(episode=episode, ended_at__isnull=True).count() == 1


def test_two_decks_without_a_version_pressing_next_together_advance_once(
    servers: tuple[Server, Server],
) -> None:
    first, second = servers
    episode = make_show_episode(segments=5)
    caller = make_user((episode.show, Role.SHOW_CALLER), username="caller")
    left, right = new_token(caller, "deck left"), new_token(caller, "deck right")
    ok(first, episode, left, "start")
    ok(second, episode, right)

    for round_ in range(1, 5):
        # Each round is a new press: the round before's press is moved out of the repeat window
        # in the database rather than waited out.
        LiveState.objects.filter(episode=episode).update(
            last_action_at=F("last_action_at") - timedelta(milliseconds=BOUNCE_MS + 1000)
        )
        answers = press_together(episode, [(first, left, "next", {}), (second, right, "next", {})])

        assert position_of(episode) == 1 + round_, (round_, answers)
        assert [status for status, _ in answers] == [200, 200], (round_, answers)
        assert sorted(bool(data.get("repeat")) for _, data in answers) == [False, True]
    assert runs_per_segment(episode) == [1] * 5


def test_two_callers_pressing_start_together_one_starts_and_calls_the_show(
    servers: tuple[Server, Server],
) -> None:
    first, second = servers
    show = make_show()
    episodes = [make_show_episode(show=show) for _ in range(5)]
    caller = make_user((show, Role.SHOW_CALLER), username="caller")
    producer = make_user((show, Role.PRODUCER), username="producer")
    caller_token, producer_token = new_token(caller), new_token(producer)

    for episode in episodes:
        ok(first, episode, caller_token)
        ok(second, episode, producer_token)
        version = onair.state_of(episode).version
        answers = press_together(
            episode,
            [
                (first, caller_token, "start", {"version": version}),
                (second, producer_token, "start", {"version": version}),
            ],
        )

        assert sorted(status for status, _ in answers) == [200, 409], answers
        winner = caller if answers[0][0] == 200 else producer
        refused = next(data for status, data in answers if status == 409)
        assert refused["error"] == f"{winner.username} is calling the show. Take over to act."
        state = onair.state_of(episode)
        assert (state.state, state.controller, state.version) == ("running", winner, version + 1)
        assert runs_per_segment(episode) == [1, 0, 0]
        episode.refresh_from_db()
        assert episode.status == Episode.Status.LIVE


# -- one process's part: each change reaches its screens -----------------------------------------


class FakeEpisode:
    """The database as a process's hub sees it: builds read the revision as it is when they
    start, and may be held there (a build under way while a change commits)."""

    def __init__(self) -> None:
        self.revision = 1
        self.hold: threading.Event | None = None
        self.read = threading.Event()  # set once a held build has read the revision

    def build(self, episode_id: int, audience: str) -> dict[str, Any]:
        revision, hold = self.revision, self.hold
        if hold is not None:
            self.read.set()
            hold.wait(10)
        return {
            "episode": episode_id,
            "audience": audience,
            "version": revision,
            "revision": revision,
        }

    def revisions(self, episode_ids: set[int]) -> dict[int, int]:
        return dict.fromkeys(episode_ids, self.revision)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeEpisode:
    fake = FakeEpisode()
    monkeypatch.setattr(push, "screen_view_of", lambda key, plan: (fake.build(*key), None))
    monkeypatch.setattr(push, "read_revisions", fake.revisions)
    monkeypatch.setattr(push, "WATCH_INTERVAL", 3600)  # only what the test does tells the hub
    return fake


async def screen_on(hub: push.Hub, key: tuple[int, str]) -> list[int]:
    """A screen subscribed to ``key`` as push.stream does it: the revisions it is sent."""
    received: list[int] = []

    async def send(message: dict[str, Any]) -> None:
        data = message["body"].decode().split("data: ", 1)[1]
        received.append(json.loads(data)["revision"])

    first = await hub.cached_screen_state(key)
    hub.subscribe(key, send).deliver(first.payload)
    return received


def run_apart(scenario: Coroutine[Any, Any, T]) -> T:
    """asyncio.run in a thread of its own: Playwright's sync API, once started by a browser
    test, keeps an event loop running in the test thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, scenario).result(30)


async def shown_within(received: list[int], revision: int, seconds: float = 3) -> list[int]:
    deadline = time.monotonic() + seconds
    while (not received or received[-1] < revision) and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    return received


def test_a_change_a_view_finds_before_the_watcher_reaches_the_screens(fake: FakeEpisode) -> None:
    async def scenario() -> list[int]:
        hub = push.Hub()
        await hub.start()
        try:
            team = await screen_on(hub, (7, live_screens.TEAM))
            fake.revision = 2  # committed by the other process; this one's watcher has not looked
            await hub.cached_screen_state(
                (7, live_screens.guest_audience(1))
            )  # a guest's poll builds it first
            return await shown_within(team, 2)
        finally:
            await hub.stop()

    assert run_apart(scenario()) == [1, 2]


def test_a_build_under_way_when_a_change_commits_is_not_the_last_word(fake: FakeEpisode) -> None:
    async def scenario() -> list[int]:
        hub = push.Hub()
        await hub.start()
        try:
            team = await screen_on(hub, (7, live_screens.TEAM))
            hub.built.clear()  # nothing cached: the next request starts a build
            fake.hold = held = threading.Event()
            early = asyncio.create_task(
                hub.cached_screen_state((7, live_screens.TEAM))
            )  # a view's, say
            await asyncio.sleep(0.1)  # it has read revision 1
            fake.hold, fake.revision = None, 2
            hub.heard(7, 2)  # the change commits in this process
            held.set()
            await early
            return await shown_within(team, 2)
        finally:
            await hub.stop()

    assert run_apart(scenario())[-1] == 2


# -- kill -9 -------------------------------------------------------------------------------------


def remaining_on_screen(data: dict[str, Any], now_ms: float) -> float:
    """What a screen computes from a snapshot (static/js/live.js, remainingMs)."""
    segment = data["segment"]
    until = segment["paused_at"] or now_ms
    elapsed = max(0, until - segment["started_at"] - segment["paused_ms"])
    return segment["planned_ms"] + segment["added_ms"] - elapsed


def remaining_in_database(episode: Episode, now_ms: float) -> int | None:
    state = LiveState.objects.select_related("segment").get(episode=episode)
    now = live_screens.from_ms(round(now_ms))
    assert now is not None
    return live_clock.remaining(
        onair.clock_of(state), state.segment.planned_max_seconds * 1000, now
    )


def test_kill_9_of_one_process_mid_segment_keeps_every_screen_right(
    servers: tuple[Server, Server],
) -> None:
    a, b = servers
    episode = make_episode(title="Killed")
    make_segment(episode, title="News", minutes=5)
    make_segment(episode, title="Talk", minutes=20)
    make_segment(episode, title="Wrap up", minutes=3)
    dana = make_appearance(episode, make_speaker(name="Dana Li"))
    token = new_token(make_user((episode.show, Role.SHOW_CALLER), username="caller"))
    team_url = team_stream_url(episode)
    guest_url = guest_stream_url(dana)
    on_a = [EventStream(a.url + team_url), EventStream(a.url + guest_url)]
    on_b = [EventStream(b.url + team_url), EventStream(b.url + guest_url)]
    reconnected: list[EventStream] = []
    try:
        for stream in on_a + on_b:
            assert stream.next_state()["state"] == "ready"
        started = ok(a, episode, token, "start")
        for stream in on_a + on_b:
            assert (
                stream.next_state(lambda s: s["state"] == "running")["segment"]["title"] == "News"
            )

        a.kill()  # kill -9, mid-segment
        for stream in on_a:
            with pytest.raises((EOFError, OSError)):
                stream.next()
        # The show goes on through B while A is down.
        before_next = time.time() * 1000
        moved = ok(b, episode, token, "next", version=started["version"])
        after_next = time.time() * 1000
        ok(b, episode, token, "add_time", version=moved["version"], seconds=30)
        screens = [
            stream.next_state(lambda s: s["segment"]["added_ms"] == 30_000) for stream in on_b
        ]
        a.start()  # the same port: the screens' EventSources retry the same URLs
        reconnected += [EventStream(a.url + team_url), EventStream(a.url + guest_url)]
        screens += [stream.next_state() for stream in reconnected]
        polled = ok(a, episode, token)  # a Stream Deck reading the state from A

        now_ms = time.time() * 1000
        expected = remaining_in_database(episode, now_ms)
        shown = [remaining_on_screen(data, now_ms) for data in screens]
        polled_now = polled["remaining_ms"] - (now_ms - polled["server_time"])

        assert expected is not None
        assert [data["segment"]["title"] for data in screens] == ["Talk"] * 4
        assert [data["segment"]["added_ms"] for data in screens] == [30_000] * 4
        for remaining in [*shown, polled_now]:
            assert abs(remaining - expected) < 1000, (remaining, expected)
        # Talk went on air when B was told "next"; its time has run since, through the restart.
        planned = 20 * 60_000 + 30_000
        assert (
            planned - (now_ms - before_next) - 5 <= expected <= planned - (now_ms - after_next) + 5
        )
        assert expected < planned - 500

        # The restarted process takes commands again, and every screen hears them.
        paused = ok(a, episode, token, "pause", version=polled["version"])
        for stream in on_b + reconnected:
            frozen = stream.next_state(lambda s: s["state"] == "paused")
            assert frozen["segment"]["paused_at"] == paused["segment"]["paused_at"]
    finally:
        for stream in on_a + on_b + reconnected:
            stream.close()
        if a.process is None or a.process.poll() is not None:
            a.start()  # the module's other tests share this process

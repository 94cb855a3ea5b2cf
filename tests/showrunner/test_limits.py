"""Bounds the ASGI entry enforces: request bodies (before reading them) and open live streams."""

import asyncio
import socket
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from asgiref.testing import ApplicationCommunicator
from pytest_django.fixtures import Settings as SettingsWrapper

from episodes import live_screens, push
from showrunner import limits
from showrunner.asgi import application
from tests.servers import running_server


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """In a thread of its own: Playwright's sync API may own this thread's event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def scope(
    path: str, method: str = "POST", headers: list[tuple[bytes, bytes]] | None = None,
    query: bytes = b"", client: str = "127.0.0.1",
) -> dict[str, Any]:  # fmt: skip
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000"), *(headers or [])],
        "client": (client, 50000),
        "server": ("127.0.0.1", 8000),
    }


async def answer_without_a_body(request: dict[str, Any]) -> tuple[int, bytes]:
    """The app's answer when the client has sent the headers and not a byte of the body."""
    communicator = ApplicationCommunicator(application, request)
    start = await communicator.receive_output(timeout=5)
    body = await communicator.receive_output(timeout=5)
    return start["status"], body["body"]


def test_a_huge_anonymous_post_is_refused_before_its_body_is_read() -> None:
    request = scope("/accounts/login/", headers=[(b"content-length", b"200000000")])

    status, body = run(answer_without_a_body(request))

    assert status == 413
    assert b"at most 1,000,000 bytes" in body


def test_a_body_without_a_length_is_refused() -> None:
    request = scope("/api/episodes/1/live/next", headers=[(b"transfer-encoding", b"chunked")])

    status, _body = run(answer_without_a_body(request))

    assert status == 411


def test_a_length_that_is_not_a_number_is_refused() -> None:
    request = scope("/accounts/login/", headers=[(b"content-length", b"12abc")])

    status, _body = run(answer_without_a_body(request))

    assert status == 400


@pytest.mark.parametrize(
    ("path", "bound"),
    [
        ("/accounts/login/", 1_000_000),
        ("/episodes/4/edit/header/", 1_000_000),
        ("/api/episodes/4/live/message", 1_000_000),
        ("/guest/4-abc/profile/", 8_000_000),
        ("/shows/build-night/import/", 8_000_000),
        ("/shows/build-night/import/save/", 8_000_000),
        ("/shows/build-night/import/sheet/", 8_000_000),
        ("/admin/speakers/speaker/1/change/", 8_000_000),
        ("/guest/4-abc/profile/extra/", 1_000_000),
    ],
)
def test_the_upload_forms_have_the_larger_bound(path: str, bound: int) -> None:
    assert limits.body_bound(path) == bound


def test_a_photo_sized_upload_is_let_through_to_the_form() -> None:
    six_mb = scope("/guest/4-abc/profile/", headers=[(b"content-length", b"6000000")])
    two_mb = scope("/accounts/login/", headers=[(b"content-length", b"2000000")])

    assert limits.body_refusal(six_mb) is None
    assert limits.body_refusal(two_mb) == (
        413,
        "The request is too large: at most 1,000,000 bytes here.",
    )


@pytest.mark.django_db(transaction=True)
def test_the_server_answers_413_while_the_client_still_holds_the_body() -> None:
    with running_server() as server, socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.settimeout(10)
        sock.sendall(
            b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 200000000\r\n\r\nusername=a"
        )
        answer = sock.recv(4096)

    assert answer.startswith(b"HTTP/1.1 413 ")


class HeldStream:
    """Stands in for push.stream: answers 200 and stays open until released."""

    def __init__(self) -> None:
        self.release = asyncio.Event()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await self.release.wait()
        await send({"type": "http.response.body", "body": b""})


def open_streams(requests: list[dict[str, Any]], settings: SettingsWrapper) -> list[int]:
    """Open every stream at once, keep them open, and give each one's status."""

    async def scenario() -> list[int]:
        held = HeldStream()
        original, push.stream = push.stream, held
        try:
            communicators = [ApplicationCommunicator(application, r) for r in requests]
            statuses = []
            for communicator in communicators:  # one after the other: each is counted first
                statuses.append((await communicator.receive_output(timeout=5))["status"])
            held.release.set()
            for communicator in communicators:
                await communicator.wait(timeout=5)
            return statuses
        finally:
            push.stream = original

    return run(scenario())


def stream_request(episode_id: int, audience: str, client: str) -> dict[str, Any]:
    token = push.stream_token(episode_id, audience, "u:1")
    return scope(
        f"/live/stream/{episode_id}/", method="GET", query=f"token={token}".encode(), client=client
    )


def test_streams_per_link_are_bounded(settings: SettingsWrapper) -> None:
    settings.SHOWRUNNER_MAX_STREAMS_PER_LINK = 2
    settings.LOCAL = False
    requests = [stream_request(7, live_screens.TEAM, f"198.51.100.{n}") for n in range(3)]
    other_link = stream_request(8, live_screens.TEAM, "198.51.100.9")

    statuses = open_streams([*requests, other_link], settings)

    assert statuses == [200, 200, 429, 200]
    assert limits.open_streams == {}  # every slot given back when the streams closed


def test_streams_per_client_are_bounded(settings: SettingsWrapper) -> None:
    settings.SHOWRUNNER_MAX_STREAMS_PER_CLIENT = 2
    settings.LOCAL = False
    requests = [stream_request(n, live_screens.TEAM, "198.51.100.1") for n in range(1, 4)]
    other_client = stream_request(4, live_screens.TEAM, "198.51.100.2")

    statuses = open_streams([*requests, other_client], settings)

    assert statuses == [200, 200, 429, 200]
    assert limits.open_streams == {}

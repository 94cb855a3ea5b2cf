"""The ASGI application uvicorn serves: Django over WSGI for ordinary requests."""

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from asgiref.testing import ApplicationCommunicator
from pytest_django.fixtures import Settings as SettingsWrapper

from showrunner.asgi import application


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run in a thread of its own: Playwright's sync API may own this thread's event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def get(path: str, client: str = "127.0.0.1") -> tuple[int, dict[bytes, bytes], bytes]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000")],
        "client": (client, 50000),
        "server": ("127.0.0.1", 8000),
    }
    communicator = ApplicationCommunicator(application, scope)
    await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
    start = await communicator.receive_output(timeout=5)
    body = b""
    while True:
        message = await communicator.receive_output(timeout=5)
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    return start["status"], dict(start["headers"]), body


@pytest.mark.django_db
def test_login_page_is_served_through_the_asgi_app() -> None:
    status, headers, body = run(get("/accounts/login/"))

    assert status == 200
    assert b"Log in" in body
    assert b"script-src 'self'" in headers[b"content-security-policy"]


def test_lifespan_starts_and_stops() -> None:
    async def cycle() -> list[str]:
        communicator = ApplicationCommunicator(application, {"type": "lifespan"})
        await communicator.send_input({"type": "lifespan.startup"})
        started = await communicator.receive_output(timeout=5)
        await communicator.send_input({"type": "lifespan.shutdown"})
        stopped = await communicator.receive_output(timeout=5)
        return [started["type"], stopped["type"]]

    assert run(cycle()) == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


@pytest.mark.django_db
def test_a_local_install_answers_this_machine_only(settings: SettingsWrapper) -> None:
    settings.LOCAL = True

    status, _headers, body = run(get("/accounts/login/", client="203.0.113.7"))
    loopback_v6, _headers, _body = run(get("/accounts/login/", client="::1"))

    assert status == 403
    assert b"local install" in body
    assert loopback_v6 == 200


@pytest.mark.django_db
def test_a_deployment_answers_every_client(settings: SettingsWrapper) -> None:
    settings.LOCAL = False

    status, _headers, _body = run(get("/accounts/login/", client="203.0.113.7"))

    assert status == 200

"""The README's production deployment, served: DEBUG off, static files collected and served by
whitenoise, several uvicorn workers behind a TLS-terminating proxy, on the test's database (the
local PostgreSQL in CI's second run)."""

import http.client
import re
import subprocess
import sys
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import global_settings
from pytest_django.fixtures import Settings as SettingsWrapper

from episodes.models import Role
from tests.factories import make_episode, make_segment, make_user, team_stream_url
from tests.servers import ROOT, EventStream, free_port, server_env, wait_for_port

pytestmark = pytest.mark.django_db(transaction=True)

PROXY = {"X-Forwarded-Proto": "https"}  # what the proxy in front adds to every request


@pytest.fixture
def production(tmp_path: Path) -> Iterator[str]:
    env = {
        **server_env(),  # this test's SECRET_KEY, so the stream link signed here is good there
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "TRUST_X_FORWARDED_PROTO": "true",
        "STATIC_ROOT": str(tmp_path / "static"),
        "SHOWRUNNER_PLAIN_STATIC": "false",
    }
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert collected.returncode == 0, collected.stderr
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "showrunner.asgi:application", "--host", "127.0.0.1",
            "--port", str(port), "--workers", "2", "--timeout-graceful-shutdown", "5",
        ],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for_port(port, server)
        yield f"127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(30)
        log.close()


def get(host: str, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(host, timeout=10)
    connection.request("GET", path, headers={**PROXY, **(headers or {})})
    response = connection.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    return response


def cookies(response: http.client.HTTPResponse) -> SimpleCookie:
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return jar


def test_the_documented_deployment_serves_pages_static_files_and_the_live_show(
    production: str, settings: SettingsWrapper
) -> None:
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # the server's own
    episode = make_episode(title="Served")
    make_segment(episode, title="News", minutes=5)
    make_user((episode.show, Role.PRODUCER), username="producer", password="a-long-password-1")

    login = get(production, "/accounts/login/")
    csrf = cookies(login)["csrftoken"].value
    stylesheet = re.search(rb'href="(/static/css/[^"]+\.[0-9a-f]{12}\.css)"', login.body)  # type: ignore[attr-defined]
    connection = http.client.HTTPConnection(production, timeout=10)
    connection.request(
        "POST",
        "/accounts/login/",
        body=urlencode(
            {"username": "producer", "password": "a-long-password-1", "csrfmiddlewaretoken": csrf}
        ),
        headers={
            **PROXY,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
            "Origin": f"https://{production}",
        },
    )
    logged_in = connection.getresponse()
    session = cookies(logged_in)["sessionid"]
    editor = get(
        production, f"/episodes/{episode.pk}/edit/", {"Cookie": f"sessionid={session.value}"}
    )
    plain = http.client.HTTPConnection(production, timeout=10)
    plain.request("GET", "/accounts/login/")  # as if the proxy had not said https
    stream = EventStream(f"http://{production}" + team_stream_url(episode))

    assert login.status == 200
    assert login.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert stylesheet is not None, "the page links the collected, hashed stylesheet"
    css = get(production, stylesheet.group(1).decode())
    assert css.status == 200
    assert "max-age=315360000" in css.headers["Cache-Control"]  # whitenoise: cached for good
    assert (logged_in.status, logged_in.headers["Location"]) == (302, "/")
    assert session["secure"]
    assert session["httponly"]
    assert editor.status == 200
    assert b"Served" in editor.body  # type: ignore[attr-defined]
    assert plain.getresponse().status == 301
    assert stream.status == 200
    assert stream.next_state()["state"] == "ready"
    stream.close()

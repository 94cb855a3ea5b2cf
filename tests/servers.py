"""Real uvicorn servers for tests of the push stream (live_server cannot stream).

The server process uses the test database: the SQLite test database is a file (settings.py),
and on PostgreSQL the test database is reachable by name.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
# The servers' bounce window for versionless presses: wider than the app's 400 ms, so two
# presses sent "together" by a test on a busy machine still land within it.
BOUNCE_MS = 2000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env() -> dict[str, str]:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "showrunner.settings",
        "SECRET_KEY": settings.SECRET_KEY,  # stream tokens signed here must verify there
        "DEBUG": "true",
        "LOG_LEVEL": "WARNING",
        "SHOWRUNNER_WATCH_INTERVAL": "0.02",
        "SHOWRUNNER_BOUNCE_MS": str(BOUNCE_MS),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),  # the test's own folder for uploads
    }
    if db["ENGINE"].endswith("sqlite3"):
        env["SQLITE_PATH"] = str(db["NAME"])
        env.pop("DATABASE_URL", None)
    else:
        user = quote(db.get("USER") or "")
        password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
        auth = f"{user}{password}@" if user else ""
        env["DATABASE_URL"] = (
            f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
        )
    return env


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 20) -> None:
    """Until ``process`` accepts connections on ``port``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited while starting")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the server did not start")


class Server:
    def __init__(
        self, port: int | None = None, log: Path | None = None, env: dict[str, str] | None = None
    ) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = log  # where the server's output goes, when a test reads it
        self.env = env or {}  # more settings for this server

    def start(self) -> "Server":
        return self.launch().wait_until_up()

    def launch(self) -> "Server":
        """Start the process without waiting for it (several servers start side by side)."""
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "uvicorn", "showrunner.asgi:application",
                "--host", "127.0.0.1", "--port", str(self.port), "--no-access-log",
                "--timeout-graceful-shutdown", "1",
            ],
            cwd=ROOT,
            env={**server_env(), **self.env},
            stdout=self.log.open("ab") if self.log else None,
            stderr=subprocess.STDOUT if self.log else None,
        )  # fmt: skip
        return self

    def wait_until_up(self) -> "Server":
        assert self.process is not None
        wait_for_port(self.port, self.process)
        return self

    def kill(self) -> None:
        """Like kill -9: no shutdown, no goodbye to the screens."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def running_server(port: int | None = None) -> Iterator[Server]:
    server = Server(port).start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def running_servers(count: int) -> Iterator[list[Server]]:
    """``count`` servers on the same database, started side by side."""
    servers: list[Server] = []
    try:
        for _ in range(count):
            servers.append(Server().launch())
        for server in servers:
            server.wait_until_up()
        yield servers
    finally:
        for server in servers:
            server.stop()


def request(
    url: str, method: str = "GET", body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    parts = urlsplit(url)
    connection_ = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    payload = json.dumps(body) if body is not None else None
    connection_.request(
        method,
        parts.path + (f"?{parts.query}" if parts.query else ""),
        body=payload,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    response = connection_.getresponse()
    raw = response.read()
    connection_.close()
    try:
        return response.status, json.loads(raw)
    except json.JSONDecodeError:
        return response.status, raw.decode(errors="replace")


class EventStream:
    """A server-sent event stream read event by event."""

    def __init__(self, url: str, timeout: float = 10) -> None:
        parts = urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        self.connection.request("GET", f"{parts.path}?{parts.query}")
        self.response = self.connection.getresponse()
        self.status = self.response.status
        self.state: dict[str, Any] | None = None

    def next(self) -> tuple[str, Any]:
        event, data = "message", []
        while True:
            line = self.response.readline()
            if not line:
                raise EOFError("the stream ended")
            text = line.decode().rstrip("\n")
            if not text:
                if data:
                    return event, json.loads("\n".join(data))
                continue
            if text.startswith(":"):
                continue
            field, _, value = text.partition(": ")
            if field == "event":
                event = value
            elif field == "data":
                data.append(value)

    def next_state(self, until: Any = None, limit: int = 20) -> dict[str, Any]:
        """The next state, or the first one that ``until(state)`` accepts: a "state" event, or
        a "patch" event applied to the state before it, as static/js/changes.js does."""
        for _ in range(limit):
            event, data = self.next()
            if event == "patch":
                assert self.state is not None, "a change before any state"
                assert data["base"] == self.state["revision"], "a change for another state"
                data = apply_change(self.state, data)
            elif event != "state":
                continue
            self.state = data
            if until is None or until(data):
                return data
        raise AssertionError("no matching state arrived")

    def close(self) -> None:
        self.connection.close()


def apply_change(state: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """A "patch" event applied to a state: what static/js/changes.js does, for the tests' own
    screens."""
    moved = {"version": change["version"], "revision": change["revision"]}
    data = {**state, **change.get("set", {}), **moved}
    if "segment" in change:
        data["segment"] = {**state["segment"], **change["segment"]}
    if "segments" in change:
        rows = change["segments"]
        data["segments"] = [{**row, **rows.get(str(row["id"]), {})} for row in state["segments"]]
    return data

"""How fast a live command reaches every open screen, and how fast screens connect.

Serves the app with uvicorn (one process, as bin/run does), opens N event streams (default
1,000) from a lean asyncio client in its own process, sends 20 commands through the HTTP API,
and measures, for every screen, the time from sending the command to receiving the new state.
Then times how long 1,000 and 5,000 screens take to connect.

    .venv/bin/python bench/live_propagation.py [--screens 1000] [--database sqlite|postgres]

The open-files limit is raised to its hard limit in both processes.
"""

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PYTHON, bench_database, manage, percentile, run_python, served

ACTIONS = ["start"] + ["add_time", "pause", "resume", "next"] * 5
ACTIONS = ACTIONS[:20]

SETUP = """
from datetime import timedelta
from django.utils import timezone
from django.contrib.auth import get_user_model
from episodes.api import new_token
from episodes.models import Show, Episode, Segment, ShowRole
show = Show.objects.create(name="Bench", slug="bench", time_zone="UTC")
episode = Episode.objects.create(show=show, number=1, title="Propagation", target_seconds=7200,
                                 starts_at=timezone.now() + timedelta(minutes=5))
for position in range(1, 11):
    Segment.objects.create(episode=episode, position=position, title=f"Segment {position}",
                           planned_seconds=600, planned_max_seconds=600)
user = get_user_model().objects.create_user("caller", password="bench-password")
ShowRole.objects.create(show=show, user=user, role="show_caller")
from episodes import push, onair, stream_access
print(episode.pk, new_token(user),
      push.stream_url(episode.pk, onair.TEAM, stream_access.for_user(user)))
"""


def raise_open_files() -> int:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children (worker processes), from /proc."""
    total = 0.0
    for each in [pid, *children(pid)]:
        fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(child) for child in found]


# -- the client process ----------------------------------------------------------------------------


class Screen(asyncio.Protocol):
    """One open stream, as lean as it gets: bytes in, the arrival time of each new version."""

    def __init__(
        self,
        request: bytes,
        received: dict[int, list[float]],
        connected: asyncio.Queue[float | Exception],
    ) -> None:
        self.request = request
        self.received = received
        self.connected = connected
        self.buffer = b""
        self.head_done = False
        self.first = True
        self.seen: set[int] = set()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.write(self.request)  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        now = time.time()
        # The usual case: one whole event in one read. Find its id without copying.
        whole = data.endswith(b"\n\n") and data.count(b"\n\n") == 1
        if self.head_done and not self.buffer and whole:
            self.arrived(data, now)
            return
        self.buffer += data
        if not self.head_done:
            head, found, rest = self.buffer.partition(b"\r\n\r\n")
            if not found:
                return
            if not head.startswith(b"HTTP/1.1 200"):
                self.connected.put_nowait(RuntimeError(head.split(b"\r\n", 1)[0].decode()))
                return
            self.head_done, self.buffer = True, rest
        *events, self.buffer = self.buffer.split(b"\n\n")
        for event in events:
            self.arrived(event, now)

    def arrived(self, event: bytes, now: float) -> None:
        at = event.find(b"id: ")
        if at < 0:
            return  # a keepalive, or the stream's retry line
        version = int(event[at + 4 : event.index(b"-", at)])
        if self.first:
            self.first = False
            self.connected.put_nowait(now)
        if version not in self.seen:  # the first arrival of each state on this screen
            self.seen.add(version)
            self.received.setdefault(version, []).append(now)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.first:
            self.connected.put_nowait(exc or RuntimeError("closed"))
            self.first = False


async def client_main(url: str, screens: int) -> None:
    loop = asyncio.get_running_loop()
    parts = urlsplit(url)
    request = (
        f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.hostname}\r\n"
        "Accept: text/event-stream\r\n\r\n"
    ).encode()
    received: dict[int, list[float]] = {}
    connected: asyncio.Queue[float | Exception] = asyncio.Queue()
    started = time.time()
    transports = []
    errors = 0
    for _ in range(screens):
        try:
            transport, _ = await loop.create_connection(
                lambda: Screen(request, received, connected), parts.hostname, parts.port
            )
            transports.append(transport)
        except OSError as exc:
            connected.put_nowait(exc)
    last = started
    for _ in range(screens):
        result = await connected.get()
        if isinstance(result, BaseException):
            errors += 1
        else:
            last = max(last, result)
    print(
        json.dumps({"ready": True, "connect_seconds": last - started, "errors": errors}), flush=True
    )
    await loop.run_in_executor(None, sys.stdin.readline)  # until told
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"received": received, "cpu": usage.ru_utime + usage.ru_stime}), flush=True)
    for transport in transports:
        transport.close()


# -- the controller ----------------------------------------------------------------------------------


def start_client(url: str, screens: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [PYTHON, __file__, "--client", url, "--screens", str(screens)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip


def read_json(process: subprocess.Popen[str]) -> dict:
    line = process.stdout.readline() if process.stdout else ""
    if not line:
        raise RuntimeError("the client process stopped")
    return json.loads(line)


def command(base: str, episode: str, token: str, action: str) -> tuple[float, int]:
    import http.client

    parts = urlsplit(base)
    body = json.dumps({"seconds": 30} if action == "add_time" else {})
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    sent = time.time()
    connection.request(
        "POST", f"/api/episodes/{episode}/live/{action}", body=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    response = connection.getresponse()
    data = json.loads(response.read())
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"{action}: {response.status} {data}")
    return sent, data["version"]


def warm_up(base: str, episode: str, token: str) -> None:
    import http.client

    parts = urlsplit(base)
    for _ in range(3):
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        connection.request(
            "GET", f"/api/episodes/{episode}/live", headers={"Authorization": f"Bearer {token}"}
        )
        connection.getresponse().read()
        connection.close()


def measure(options: argparse.Namespace, env: dict[str, str]) -> dict[str, float]:
    manage(env, "migrate", "--noinput", "-v", "0")
    episode, token, stream = run_python(env, SETUP).split()
    args = ["--workers", str(options.workers)] if options.workers > 1 else []
    with served(env, args, server_pid=True) as (base, server_pid):
        client = start_client(base + stream, options.screens)
        ready = read_json(client)
        # As a show caller's screen does before the first command: read the state once, so
        # the measured commands do not include the server's first-request warm-up.
        warm_up(base, episode, token)
        server_cpu, wall = cpu_seconds(server_pid), time.time()
        spy = None
        if os.environ.get("BENCH_PROFILE"):
            spy = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "py-spy"),
                    "record",
                    "-p",
                    str(server_pid),
                    "-o",
                    os.environ["BENCH_PROFILE"],
                    "-f",
                    "raw",
                    "-r",
                    "500",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(1)
        sent: dict[int, float] = {}
        for action in ACTIONS:
            at, version = command(base, episode, token, action)
            sent[version] = at
            time.sleep(options.gap)
        time.sleep(1)
        if spy:
            spy.send_signal(2)
            spy.wait(30)
        server_cpu = cpu_seconds(server_pid) - server_cpu
        wall = time.time() - wall
        assert client.stdin is not None
        client.stdin.write("done\n")
        client.stdin.flush()
        report = read_json(client)
        client.wait(30)

        latencies, missing = [], 0
        for (version, at), action in zip(sent.items(), ACTIONS, strict=False):
            arrivals = report["received"].get(str(version), [])
            missing += options.screens - ready["errors"] - len(arrivals)
            these = sorted((arrival - at) * 1000 for arrival in arrivals)
            latencies.extend(these)
            if options.verbose and these:
                print(
                    f"  {action:9} first {these[0]:6.1f}  p50 {these[len(these) // 2]:6.1f}  last {these[-1]:6.1f} ms"
                )

        connect = {}
        for screens in (1000, 5000):
            probe = start_client(base + stream, screens)
            connected = read_json(probe)
            assert probe.stdin is not None
            probe.stdin.write("done\n")
            probe.stdin.flush()
            read_json(probe)
            probe.wait(60)
            connect[screens] = (connected["connect_seconds"], connected["errors"])

    return {
        "p50": statistics.median(latencies),
        "p95": percentile(latencies, 0.95),
        "max": max(latencies),
        "deliveries": len(latencies),
        "errors": ready["errors"] + missing + connect[1000][1] + connect[5000][1],
        "server_cpu": server_cpu / wall * 100,
        "client_cpu": report["cpu"],
        "connect_first": ready["connect_seconds"],
        "connect_1000": connect[1000][0],
        "connect_5000": connect[5000][0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--screens", type=int, default=1000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--gap", type=float, default=0.3, help="seconds between commands")
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--verbose", action="store_true", help="figures per command")
    parser.add_argument(
        "--workers", type=int, default=1, help="uvicorn worker processes (one node, several cores)"
    )
    options = parser.parse_args()
    limit = raise_open_files()
    if options.client:
        asyncio.run(client_main(options.client, options.screens))
        return

    with bench_database(options.database, options.postgres_url) as env:
        figures = measure(options, env)

    processes = (
        "one uvicorn process" if options.workers == 1 else f"{options.workers} uvicorn workers"
    )
    print(f"database: {options.database}; {processes}; open-files limit {limit}")
    print(f"{options.screens} screens connected in {figures['connect_first']:.2f} s")
    print(
        f"{len(ACTIONS)} commands, {figures['deliveries']} deliveries: "
        f"p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms, max {figures['max']:.1f} ms"
    )
    print(f"errors: {figures['errors']}")
    print(
        f"CPU: server {figures['server_cpu']:.0f}% of one core during the commands; client {figures['client_cpu']:.1f} s"
    )
    print(
        f"connect: 1,000 screens in {figures['connect_1000']:.2f} s; 5,000 in {figures['connect_5000']:.2f} s"
    )
    print(
        f"RESULT database={options.database} workers={options.workers} screens={options.screens} "
        f"p95_ms={figures['p95']:.1f} "
        f"max_ms={figures['max']:.1f} errors={figures['errors']} "
        f"connect_1000_s={figures['connect_1000']:.2f} connect_5000_s={figures['connect_5000']:.2f}"
    )


if __name__ == "__main__":
    main()

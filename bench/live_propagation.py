"""How fast a live command reaches every open screen, what it costs, and how fast screens connect.

Serves the app with uvicorn (one process, as bin/run does, or ``--workers N``), and for each
level of screens (``--levels``, default 1,100,1000,2000,5000) opens that many event streams from
a lean asyncio client in its own process, measures the server's CPU while they sit idle, sends
20 commands through the HTTP API, and measures, for every screen, the time from sending the
command to receiving the new state, the bytes each screen was sent per kind of command, and
the server's CPU per command. Then times how long 1,000 and 5,000 screens take to connect.

    .venv/bin/python bench/live_propagation.py [--levels 1,1000] [--database sqlite|postgres]

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

ACTIONS = ["start"] + ["add_time", "pause", "resume", "next", "message"] * 4
ACTIONS = ACTIONS[:20]
BODIES = {"add_time": {"seconds": 30}, "message": {"text": "Wrap up in two minutes, please."}}

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
from episodes import live_screens, overlays, push, stream_access
print(episode.pk, new_token(user),
      push.stream_url(episode.pk, live_screens.TEAM, stream_access.for_user(user)),
      push.stream_url(episode.pk, overlays.AUDIENCE, stream_access.for_overlay(show)))
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
        sizes: dict[int, int] | None = None,
    ) -> None:
        self.request = request
        self.received = received
        self.sizes = sizes if sizes is not None else {}
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
            self.sizes.setdefault(version, len(event) + 2)  # the bytes of the event, as sent

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
    sizes: dict[int, int] = {}
    connected: asyncio.Queue[float | Exception] = asyncio.Queue()
    started = time.time()
    transports = []
    errors = 0
    for _ in range(screens):
        try:
            transport, _ = await loop.create_connection(
                lambda: Screen(request, received, connected, sizes), parts.hostname, parts.port
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
    print(
        json.dumps({"received": received, "sizes": sizes, "cpu": usage.ru_utime + usage.ru_stime}),
        flush=True,
    )
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


def command(base: str, episode: str, token: str, action: str) -> tuple[float, float, int]:
    """Sends one command on a new connection: when it was sent, when its answer was read, and
    the version it made."""
    import http.client

    parts = urlsplit(base)
    body = json.dumps(BODIES.get(action, {}))
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    sent = time.time()
    connection.request(
        "POST", f"/api/episodes/{episode}/live/{action}", body=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    response = connection.getresponse()
    data = json.loads(response.read())
    answered = time.time()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"{action}: {response.status} {data}")
    return sent, answered, data["version"]


def floor_request(base: str) -> float:
    """The round trip of the cheapest request through Django on this server (a redirect with
    no query), on a new connection as the commands are: the floor under a command's answer."""
    import http.client

    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    sent = time.perf_counter()
    connection.request("GET", "/favicon.ico")
    connection.getresponse().read()
    took = (time.perf_counter() - sent) * 1000
    connection.close()
    return took


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


def run_level(
    options: argparse.Namespace, base: str, stream: str, overlay_stream: str, episode: str,
    token: str, server_pid: int, screens: int,
) -> dict[str, object]:  # fmt: skip
    """One level: ``screens`` open, idle CPU, then the commands, their latency and bytes; one
    stream graphics overlay open beside them, its latency apart (it is sent no messages)."""
    client = start_client(base + stream, screens)
    ready = read_json(client)
    overlay = start_client(base + overlay_stream, 1)
    read_json(overlay)
    # As a show caller's screen does before the first command: read the state once, so
    # the measured commands do not include the server's first-request warm-up.
    warm_up(base, episode, token)
    idle_cpu, idle_wall = cpu_seconds(server_pid), time.time()
    time.sleep(options.idle)
    idle = (cpu_seconds(server_pid) - idle_cpu) / (time.time() - idle_wall) * 100
    server_cpu = cpu_seconds(server_pid)
    sent: dict[int, tuple[float, str]] = {}
    answers, floors = [], []
    for action in ACTIONS:
        at, answered, version = command(base, episode, token, action)
        sent[version] = (at, action)
        answers.append((answered - at) * 1000)
        time.sleep(options.gap)
        floors.append(floor_request(base))
    time.sleep(1)
    server_cpu = cpu_seconds(server_pid) - server_cpu  # the commands and their fan-out
    assert client.stdin is not None
    assert overlay.stdin is not None
    client.stdin.write("done\n")
    client.stdin.flush()
    report = read_json(client)
    client.wait(30)
    overlay.stdin.write("done\n")
    overlay.stdin.flush()
    overlay_report = read_json(overlay)
    overlay.wait(30)
    overlay_latencies = sorted(
        (arrival - at) * 1000
        for version, (at, _) in sent.items()
        for arrival in overlay_report["received"].get(str(version), [])
    )
    latencies, missing = [], 0
    sizes: dict[str, list[int]] = {}
    for version, (at, action) in sent.items():
        arrivals = report["received"].get(str(version), [])
        missing += screens - ready["errors"] - len(arrivals)
        these = sorted((arrival - at) * 1000 for arrival in arrivals)
        latencies.extend(these)
        if str(version) in report["sizes"]:
            sizes.setdefault(action, []).append(report["sizes"][str(version)])
        if options.verbose and these:
            print(
                f"  {screens:5} {action:9} first {these[0]:6.1f}  "
                f"p50 {these[len(these) // 2]:6.1f}  last {these[-1]:6.1f} ms"
            )
    return {
        "screens": screens,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p95": percentile(latencies, 0.95) if latencies else float("nan"),
        "max": max(latencies) if latencies else float("nan"),
        "errors": ready["errors"] + missing,
        "idle_cpu": idle,
        "cpu_ms_per_action": server_cpu / len(ACTIONS) * 1000,
        "bytes": {action: statistics.median(values) for action, values in sizes.items()},
        "connect": ready["connect_seconds"],
        "overlay_p50": statistics.median(overlay_latencies) if overlay_latencies else float("nan"),
        "overlay_p95": percentile(overlay_latencies, 0.95) if overlay_latencies else float("nan"),
        "answer_p50": statistics.median(answers),
        "floor_p50": statistics.median(floors),
    }


def reset_show(env: dict[str, str]) -> None:
    """Back to ready before each level, so each runs the same commands."""
    run_python(env, RESET)


RESET = """
from episodes.models import LiveState, SegmentRun
LiveState.objects.all().delete()
SegmentRun.objects.all().delete()
"""


def measure(options: argparse.Namespace, env: dict[str, str]) -> dict[str, object]:
    manage(env, "migrate", "--noinput", "-v", "0")
    episode, token, stream, overlay_stream = run_python(env, SETUP).split()
    args = ["--workers", str(options.workers)] if options.workers > 1 else []
    if options.workers == 1 and not options.watch:
        # As bin/run starts it: a process that knows it is alone watches nothing.
        env = {**env, "SHOWRUNNER_SINGLE_PROCESS": "true"}
    levels = []
    with served(env, args, server_pid=True) as (base, server_pid):
        for screens in options.levels:
            reset_show(env)
            levels.append(
                run_level(
                    options, base, stream, overlay_stream, episode, token, server_pid, screens
                )
            )
        connect = {}
        if not options.no_connect:
            for screens in (1000, 5000):
                probe = start_client(base + stream, screens)
                connected = read_json(probe)
                assert probe.stdin is not None
                probe.stdin.write("done\n")
                probe.stdin.flush()
                read_json(probe)
                probe.wait(60)
                connect[screens] = (connected["connect_seconds"], connected["errors"])
    return {"levels": levels, "connect": connect}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--levels",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1, 100, 1000, 2000, 5000],
        help="numbers of open screens, comma-separated",
    )
    parser.add_argument("--screens", type=int, help=argparse.SUPPRESS)  # the client's
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--gap", type=float, default=0.3, help="seconds between commands")
    parser.add_argument("--idle", type=float, default=5.0, help="seconds of idle CPU measured")
    parser.add_argument("--no-connect", action="store_true", help="skip the connect-time probe")
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--verbose", action="store_true", help="figures per command")
    parser.add_argument(
        "--workers", type=int, default=1, help="uvicorn worker processes (one node, several cores)"
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="one process that still watches for other processes' changes (as a deployment "
        "that may start more does); without it one process runs as bin/run starts it",
    )
    options = parser.parse_args()
    limit = raise_open_files()
    if options.client:
        asyncio.run(client_main(options.client, options.screens))
        return

    with bench_database(options.database, options.postgres_url) as env:
        figures = measure(options, env)

    if options.workers > 1:
        processes = f"{options.workers} uvicorn workers, each watching for the others' changes"
    elif options.watch:
        processes = "one uvicorn process, watching for other processes' changes"
    else:
        processes = "one uvicorn process, alone (as bin/run starts it: no watcher)"
    print(f"database: {options.database}; {processes}; open-files limit {limit}")
    print(f"{len(ACTIONS)} commands per level (start, then add_time/pause/resume/next/message)")
    print("screens  p50 ms  p95 ms  max ms  errors  idle CPU %  CPU ms/command  bytes/screen: "
          "pause resume add_time next message  overlay p50/p95 ms  answer p50  floor p50")  # fmt: skip
    worst_errors = 0
    for level in figures["levels"]:
        sizes = level["bytes"]
        worst_errors += level["errors"]
        print(
            f"{level['screens']:7}  {level['p50']:6.1f}  {level['p95']:6.1f}  {level['max']:6.1f}"
            f"  {level['errors']:6}  {level['idle_cpu']:10.2f}  {level['cpu_ms_per_action']:14.1f}"
            f"  {sizes.get('pause', 0):5.0f} {sizes.get('resume', 0):6.0f}"
            f" {sizes.get('add_time', 0):8.0f} {sizes.get('next', 0):4.0f}"
            f" {sizes.get('message', 0):7.0f}"
            f"  {level['overlay_p50']:7.1f}/{level['overlay_p95']:<6.1f}"
            f"  {level['answer_p50']:10.1f}  {level['floor_p50']:9.1f}"
        )
    print(
        "(answer: the command's own round trip, sent to answer read; floor: the cheapest request"
        " through Django on the same server, between the commands)"
    )
    connect = figures["connect"]
    if connect:
        print(
            f"connect: 1,000 screens in {connect[1000][0]:.2f} s; 5,000 in {connect[5000][0]:.2f} s"
        )
        worst_errors += connect[1000][1] + connect[5000][1]
    by_level = " ".join(
        f"p50_{level['screens']}={level['p50']:.1f} p95_{level['screens']}={level['p95']:.1f}"
        for level in figures["levels"]
    )
    last = figures["levels"][-1]
    idle_1000 = "".join(
        f"idle_cpu_pct_1000={level['idle_cpu']:.2f} "
        for level in figures["levels"]
        if level["screens"] == 1000 and last["screens"] != 1000
    )
    print(
        f"RESULT database={options.database} workers={options.workers} {by_level} "
        f"{idle_1000}idle_cpu_pct_{last['screens']}={last['idle_cpu']:.2f} "
        f"answer_p50_1={figures['levels'][0]['answer_p50']:.1f} "
        f"floor_p50={figures['levels'][0]['floor_p50']:.1f} "
        f"pause_bytes={last['bytes'].get('pause', 0):.0f} "
        f"add_time_bytes={last['bytes'].get('add_time', 0):.0f} "
        f"next_bytes={last['bytes'].get('next', 0):.0f} "
        f"message_bytes={last['bytes'].get('message', 0):.0f} "
        f"overlay_p50_{last['screens']}={last['overlay_p50']:.1f} "
        f"overlay_p95_{last['screens']}={last['overlay_p95']:.1f} errors={worst_errors}"
    )


if __name__ == "__main__":
    main()

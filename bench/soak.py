"""Soak: N screens (default 1,000) kept connected to one node for M minutes with a show running.

Serves the app with uvicorn (one process, as bin/run does) and opens the event streams from a
lean asyncio client in its own process: four in five are the team's, the rest are split
between three guests. Every few seconds a live command goes through the HTTP API (add time,
pause, resume, next, in turn, after a start), and every open screen must receive the new state
within the deadline. Every 30 s a batch of screens (5 %) disconnects and reconnects with a
fresh stream URL, as a reloaded tab does, and the reads a screen's page makes are done once
(the API's state, each guest's page and state, the server clock).

Errors: a connection refused, an answer other than 200, a stream that closes or fails, a
screen that misses a state, a command that fails, a screen that sees no keepalive in a minute.

The server's resident memory (VmRSS, with any worker processes) is sampled every 10 s. The
baseline is the sample taken once every screen is connected and a warm-up has run the same
load (a minute; 10 % of a shorter run); the soak's minutes count from then. Growth is the
highest sample of the last minute over the baseline. Exits non-zero on any error or on a growth
of 10 % or more.

    .venv/bin/python bench/soak.py [--screens 1000] [--minutes 10] [--database sqlite|postgres]

The open-files limit is raised to its hard limit in both processes.
"""

import argparse
import asyncio
import http.client
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PYTHON, bench_database, manage, percentile, run_python, served
from live_propagation import (
    Screen,
    children,
    command,
    raise_open_files,
    read_json,
    warm_up,
)

CYCLE = ("add_time", "pause", "resume", "next")  # the show is live throughout
GUESTS = 3
GUEST_SHARE = 5  # one screen in this many is a guest's
RECONNECT_EVERY = 30.0  # seconds
RECONNECT_SHARE = 0.05
SAMPLE_EVERY = 10.0  # seconds between memory samples
CONNECT_DEADLINE = 30.0  # seconds for a batch of screens to receive their first state
KEEPALIVE_WITHIN = 60.0  # a screen open this long must have seen a keepalive (sent every 15 s)

SETUP = """
import json
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from episodes import live_screens, push, stream_access
from episodes.api import new_token
from episodes.models import Appearance, Episode, Question, Segment, Show, ShowRole
from speakers.links import ensure_link
from speakers.models import Speaker
show = Show.objects.create(name="Soak", slug="soak", time_zone="UTC")
episode = Episode.objects.create(show=show, number=1, title="Soak", target_seconds=SEGMENTS * 600,
                                 starts_at=timezone.now() + timedelta(minutes=5))
speakers = [Speaker.objects.create(name=f"Guest {number}") for number in range(1, GUESTS + 1)]
appearances = [Appearance.objects.create(episode=episode, speaker=s) for s in speakers]
for position in range(1, SEGMENTS + 1):
    segment = Segment.objects.create(episode=episode, position=position, title=f"Segment {position}",
                                     planned_seconds=600, planned_max_seconds=600,
                                     owner=appearances[position % GUESTS] if position % 2 else None)
    question = Question.objects.create(segment=segment, position=1, text=f"Question {position}?")
    question.addressed_to.set([appearances[position % GUESTS]])
user = get_user_model().objects.create_user("caller", password="bench-password")
ShowRole.objects.create(show=show, user=user, role="show_caller")
print(json.dumps({
    "episode": episode.pk,
    "token": new_token(user),
    "team": push.stream_url(episode.pk, live_screens.TEAM, stream_access.for_user(user)),
    "guests": [
        [ensure_link(s), push.stream_url(episode.pk, live_screens.guest_audience(a.pk),
                                         stream_access.for_guest(s))]
        for s, a in zip(speakers, appearances)
    ],
}))
"""


# -- the client process ----------------------------------------------------------------------------


class SoakScreen(Screen):
    """A screen that stays open: the newest version it holds, its keepalives, how it ended.

    The parent reports the first state (or a failure) through ``connected.put_nowait``; this
    screen is its own ``connected`` and keeps the outcome.
    """

    def __init__(
        self, request: bytes, received: dict[int, list[float]], audience: str, errors: list[str]
    ) -> None:
        super().__init__(request, received, self)  # type: ignore[arg-type]
        self.audience = audience
        self.errors = errors
        self.transport: asyncio.BaseTransport | None = None
        self.opened = time.monotonic()
        self.state_at: float | None = None
        self.failure: str | None = None
        self.latest = 0
        self.keepalives = 0
        self.leaving = False  # closed by us, as a reloaded tab does
        self.gone = False

    def put_nowait(self, result: float | BaseException) -> None:
        if isinstance(result, BaseException):
            self.failure = self.failure or f"{type(result).__name__}: {result}"
        else:
            self.state_at = result

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        super().connection_made(transport)

    def arrived(self, event: bytes, now: float) -> None:
        at = event.find(b"id: ")
        if at < 0:
            if b": keepalive" in event:
                self.keepalives += 1
            return
        super().arrived(event, now)
        self.latest = max(self.latest, int(event[at + 4 : event.index(b"-", at)]))

    def connection_lost(self, exc: Exception | None) -> None:
        was_open = not self.first
        super().connection_lost(exc)
        self.gone = True
        if was_open and not self.leaving:
            age = time.monotonic() - self.opened
            self.errors.append(
                f"closed: a {self.audience} stream after {age:.0f} s: {exc or 'by the server'}"
            )

    def leave(self) -> None:
        self.leaving = True
        if self.transport is not None:
            self.transport.close()


def stream_request(url: str) -> tuple[str, int, bytes]:
    parts = urlsplit(url)
    request = (
        f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.hostname}\r\n"
        "Accept: text/event-stream\r\n\r\n"
    ).encode()
    return str(parts.hostname), int(parts.port or 80), request


@dataclass
class Client:
    """The open screens, driven by one JSON order a line on stdin, answered on stdout."""

    screens: list[SoakScreen] = field(default_factory=list)
    received: dict[int, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    async def open(self, wanted: list[list[str]]) -> dict[str, Any]:
        """Open a screen per ``[audience, url]``; wait until each has its first state."""
        loop = asyncio.get_running_loop()
        started = time.time()
        batch: list[SoakScreen] = []
        for audience, url in wanted:
            host, port, request = stream_request(url)
            screen = SoakScreen(request, self.received, audience, self.errors)
            try:
                await loop.create_connection(lambda s=screen: s, host, port)  # type: ignore[misc]
            except OSError as exc:
                self.errors.append(f"refused: a {audience} screen could not connect: {exc}")
                continue
            batch.append(screen)
        deadline = time.monotonic() + CONNECT_DEADLINE
        while time.monotonic() < deadline and any(
            s.state_at is None and s.failure is None and not s.gone for s in batch
        ):
            await asyncio.sleep(0.01)
        last = started
        for screen in batch:
            if screen.state_at is not None:
                if not screen.gone:  # else counted as closed
                    self.screens.append(screen)
                    last = max(last, screen.state_at)
                continue
            problem = screen.failure or f"no state within {CONNECT_DEADLINE:.0f} s"
            self.errors.append(f"refused: a {screen.audience} stream: {problem}")
            screen.leave()
        return {"opened": len(self.screens), "seconds": last - started}

    async def expect(self, version: int, sent: float, deadline: float) -> dict[str, Any]:
        """Wait until every open screen holds ``version`` (or the deadline passes)."""
        while True:
            self.screens = [s for s in self.screens if not s.gone]
            waiting = [s for s in self.screens if s.latest < version]
            if not waiting or time.time() > sent + deadline:
                break
            await asyncio.sleep(0.01)
        for screen in waiting:
            self.errors.append(
                f"missed: a {screen.audience} screen lacked version {version} after "
                f"{deadline:g} s (holds {screen.latest})"
            )
        arrivals = self.received.get(version, [])
        for old in [v for v in self.received if v <= version]:
            del self.received[old]
        return {"latencies": [round((at - sent) * 1000, 2) for at in arrivals]}

    async def reconnect(self, share: float, urls: dict[str, str]) -> dict[str, Any]:
        """Close a random share of the screens and open as many again, with fresh URLs."""
        self.screens = [s for s in self.screens if not s.gone]
        leaving = random.sample(self.screens, round(len(self.screens) * share))
        for screen in leaving:
            screen.leave()
        gone = set(leaving)
        self.screens = [s for s in self.screens if s not in gone]
        opened = await self.open([[s.audience, urls[s.audience]] for s in leaving])
        return {"reconnected": len(leaving), "seconds": opened["seconds"]}

    def keepalive_check(self) -> dict[str, Any]:
        now = time.monotonic()
        old = [s for s in self.screens if not s.gone and now - s.opened >= KEEPALIVE_WITHIN]
        for screen in old:
            if screen.keepalives == 0:
                self.errors.append(
                    f"keepalive: a {screen.audience} screen saw none in {now - screen.opened:.0f} s"
                )
        counts = sorted(s.keepalives for s in old)
        return {"old": len(old), "fewest": counts[0] if counts else None}

    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            order = json.loads(line)
            kind = order.pop("order")
            if kind == "open":
                answer = await self.open(order["screens"])
            elif kind == "expect":
                answer = await self.expect(**order)
            elif kind == "reconnect":
                answer = await self.reconnect(**order)
            else:  # "done"
                answer = self.keepalive_check()
            self.screens = [s for s in self.screens if not s.gone]
            answer.update(open=len(self.screens), errors=self.errors)
            print(json.dumps(answer), flush=True)
            self.errors.clear()  # the screens hold this list
            if kind == "done":
                for screen in self.screens:
                    screen.leave()
                await asyncio.sleep(0.5)  # let the closes go out
                return


# -- the controller ----------------------------------------------------------------------------------


class ClientProcess:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [PYTHON, __file__, "--client"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def ask(self, order: str, **fields: Any) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"order": order, **fields}) + "\n")
        self.process.stdin.flush()
        return read_json(self.process)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)


def memory_kb(pid: int, kind: str = "VmRSS") -> int:
    """Resident memory of a process and its worker processes, from /proc."""
    total = 0
    for each in [pid, *children(pid)]:
        for line in Path(f"/proc/{each}/status").read_text().splitlines():
            if line.startswith(f"{kind}:"):
                total += int(line.split()[1])
    return total


def memory_parts(pid: int) -> str:
    """The resident memory by kind: the heap (anonymous), mapped files, shared memory."""
    return ", ".join(
        f"{name} {memory_kb(pid, kind) / 1024:.1f} MB"
        for name, kind in (("anon", "RssAnon"), ("file", "RssFile"), ("shmem", "RssShmem"))
    )


def running(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status").read_text()
    return "\nState:\tZ" not in status and "\nState:\tX" not in status


def open_files(pid: int) -> int:
    return sum(len(os.listdir(f"/proc/{each}/fd")) for each in [pid, *children(pid)])


def open_file_kinds(pid: int) -> str:
    """What a process's open files are: sockets, database files, pipes and the rest."""
    kinds: Counter[str] = Counter()
    for each in [pid, *children(pid)]:
        for fd in os.listdir(f"/proc/{each}/fd"):
            try:
                target = os.readlink(f"/proc/{each}/fd/{fd}")
            except OSError:
                continue  # closed meanwhile
            kind = target.split(":", 1)[0] if ":[" in target else "file"
            kinds[kind] += 1
    return ", ".join(f"{count} {kind}" for kind, count in kinds.most_common())


def fetch(base: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def page_reads(base: str, setup: dict[str, Any]) -> tuple[dict[str, str], int, list[str]]:
    """What screens' pages read: the states (with fresh stream URLs by audience), a guest's
    page, the server's clock. Returns the URLs, the number of reads, and what failed."""
    episode = setup["episode"]
    reads: list[tuple[str, str, dict[str, str]]] = [
        ("team", f"/api/episodes/{episode}/live", {"Authorization": f"Bearer {setup['token']}"}),
        ("", "/live/time", {}),
    ]
    for number, (link, _url) in enumerate(setup["guests"], start=1):
        reads.append((f"guest{number}", f"/guest/{link}/episodes/{episode}/live/", {}))
        reads.append(("", f"/guest/{link}/episodes/{episode}/", {}))
    urls, errors = {}, []
    for audience, path, headers in reads:
        try:
            status, body = fetch(base, path, headers)
        except OSError as exc:
            errors.append(f"read: GET {path}: {exc}")
            continue
        if status != 200:
            errors.append(f"read: GET {path}: {status} {body[:200]!r}")
        elif audience:
            data = json.loads(body)
            state = data["state"] if audience.startswith("guest") else data  # as the API has it
            urls[audience] = base + state["stream_url"]
    return urls, len(reads), errors


@dataclass
class Soak:
    """What the run has seen so far."""

    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    minute: list[float] = field(default_factory=list)
    samples: list[tuple[float, int]] = field(default_factory=list)  # (monotonic, kB)
    commands: int = 0
    reads: int = 0
    reconnected: int = 0
    batches: int = 0
    reconnect_seconds: float = 0.0
    open: int = 0

    def heard(self, answer: dict[str, Any]) -> dict[str, Any]:
        self.errors.extend(answer["errors"])
        self.open = answer["open"]
        return answer


def run(options: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    warmup = min(60.0, options.minutes * 6.0)
    total = warmup + options.minutes * 60
    nexts = math.ceil(total / options.interval / len(CYCLE)) + 1
    segments = max(40, nexts + 5)
    manage(env, "migrate", "--noinput", "-v", "0")
    setup = json.loads(run_python(env, f"SEGMENTS = {segments}\nGUESTS = {GUESTS}\n" + SETUP))
    episode, token = str(setup["episode"]), setup["token"]
    soak = Soak()
    with served(env, server_pid=True) as (base, pid):
        idle_fds = open_files(pid)
        idle_kinds = open_file_kinds(pid)
        idle_kb = memory_kb(pid)
        wanted = []
        for number in range(options.screens):
            guest = number % GUEST_SHARE == GUEST_SHARE - 1
            which = number // GUEST_SHARE % GUESTS
            wanted.append(
                [f"guest{which + 1}", base + setup["guests"][which][1]]
                if guest
                else ["team", base + setup["team"]]
            )
        client = ClientProcess()
        try:
            opened = soak.heard(client.ask("open", screens=wanted))
            print(
                f"{opened['open']} screens connected in {opened['seconds']:.2f} s "
                f"({sum(w[0] == 'team' for w in wanted)} team, the rest {GUESTS} guests'); "
                f"warm-up {warmup:.0f} s, then {options.minutes} min measured",
                flush=True,
            )
            warm_up(base, episode, token)
            started = time.monotonic()
            end = started + total
            baseline_at = started + warmup
            baseline: tuple[int, int] | None = None  # (kB, fds)
            next_reconnect = started + RECONNECT_EVERY
            next_sample = started
            next_progress = started + 60
            actions = iter(("start", *CYCLE * nexts))
            next_command = started
            while next_command < end:
                time.sleep(max(0.0, next_command - time.monotonic()))
                next_command += options.interval
                action = next(actions)
                try:
                    sent, version = command(base, episode, token, action)
                except Exception as exc:
                    soak.errors.append(f"command: {action}: {exc}")
                else:
                    soak.commands += 1
                    answer = soak.heard(
                        client.ask("expect", version=version, sent=sent, deadline=options.deadline)
                    )
                    soak.latencies.extend(answer["latencies"])
                    soak.minute.extend(answer["latencies"])
                if not running(pid):
                    raise RuntimeError("the server process has stopped (its output is above)")
                now = time.monotonic()
                if now >= next_reconnect:
                    next_reconnect += RECONNECT_EVERY
                    urls, count, failed = page_reads(base, setup)
                    soak.reads += count
                    soak.errors.extend(failed)
                    if len(urls) == GUESTS + 1:
                        answer = soak.heard(
                            client.ask("reconnect", share=RECONNECT_SHARE, urls=urls)
                        )
                        soak.batches += 1
                        soak.reconnected += answer["reconnected"]
                        soak.reconnect_seconds = max(soak.reconnect_seconds, answer["seconds"])
                if now >= next_sample or (baseline is None and now >= baseline_at):
                    next_sample += SAMPLE_EVERY
                    soak.samples.append((now, memory_kb(pid)))
                    if baseline is None and now >= baseline_at:
                        baseline = (soak.samples[-1][1], open_files(pid))
                        baseline_parts = memory_parts(pid)
                        print(
                            f"baseline after {now - started:.0f} s of warm-up with {soak.open} "
                            f"screens: RSS {baseline[0] / 1024:.1f} MB, {baseline[1]} open files",
                            flush=True,
                        )
                if now >= next_progress:
                    next_progress += 60
                    print(progress(soak, now - started, pid), flush=True)
                    soak.minute = []
            soak.samples.append((time.monotonic(), memory_kb(pid)))
            end_fds = open_files(pid)
            end_kinds = open_file_kinds(pid)
            end_parts = memory_parts(pid)
            print(progress(soak, time.monotonic() - started, pid), flush=True)
            final = soak.heard(client.ask("done"))
            client.process.wait(30)
        finally:
            client.stop()
        time.sleep(3)  # the server notices the closed streams
        after_fds = open_files(pid)
        after_kinds = open_file_kinds(pid)
        after_kb = memory_kb(pid)
    assert baseline is not None
    last_minute = [kb for at, kb in soak.samples if at >= soak.samples[-1][0] - 60]
    measured = [(at, kb) for at, kb in soak.samples if at >= baseline_at]
    slope = statistics.linear_regression(
        [at / 60 for at, _ in measured], [kb for _, kb in measured]
    )
    return {
        "soak": soak,
        "segments": segments,
        "warmup": warmup,
        "connect_seconds": opened["seconds"],
        "keepalive": final,
        "idle_fds": idle_fds,
        "idle_kb": idle_kb,
        "baseline_kb": baseline[0],
        "start_fds": baseline[1],
        "end_kb": soak.samples[-1][1],
        "last_minute_kb": max(last_minute),
        "peak_kb": max(kb for _, kb in soak.samples),
        "end_fds": end_fds,
        "after_fds": after_fds,
        "fd_kinds": (idle_kinds, end_kinds, after_kinds),
        "memory_parts": (baseline_parts, end_parts),
        "after_kb": after_kb,
        "kb_per_minute": slope.slope,
    }


def progress(soak: Soak, elapsed: float, pid: int) -> str:
    p95 = f"{percentile(soak.minute, 0.95):.1f} ms" if soak.minute else "-"
    return (
        f"{int(elapsed // 60):3d}:{int(elapsed % 60):02d}  screens open {soak.open}  "
        f"errors {len(soak.errors)}  RSS {memory_kb(pid) / 1024:.1f} MB  "
        f"open files {open_files(pid)}  commands {soak.commands}  p95 {p95} (since last line)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--screens", type=int, default=1000)
    parser.add_argument("--minutes", type=float, default=10, help="measured, after the warm-up")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between commands")
    parser.add_argument(
        "--deadline", type=float, default=5.0, help="seconds for every screen to get a state"
    )
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    limit = raise_open_files()
    if options.client:
        asyncio.run(Client().serve())
        return

    print(f"database: {options.database}; one uvicorn process; open-files limit {limit}")
    with bench_database(options.database, options.postgres_url) as env:
        figures = run(options, env)

    soak: Soak = figures["soak"]
    latencies = soak.latencies
    growth = (figures["last_minute_kb"] / figures["baseline_kb"] - 1) * 100
    mb = {key: figures[key] / 1024 for key in figures if key.endswith("_kb")}
    print("summary")
    print(
        f"  screens: {options.screens} connected in {figures['connect_seconds']:.2f} s, "
        f"{soak.open} open at the end; {soak.batches} reconnect batches, {soak.reconnected} "
        f"reconnections (slowest batch {soak.reconnect_seconds:.2f} s)"
    )
    print(
        f"  commands: {soak.commands} over {figures['segments']} segments, {len(latencies)} "
        f"deliveries: p50 {statistics.median(latencies):.1f} ms, "
        f"p95 {percentile(latencies, 0.95):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms, "
        f"max {max(latencies):.1f} ms"
    )
    print(f"  page and API reads: {soak.reads}")
    keepalive = figures["keepalive"]
    if keepalive["old"]:
        print(
            f"  keepalives: the {keepalive['old']} screens open {KEEPALIVE_WITHIN:.0f} s or more "
            f"saw at least {keepalive['fewest']} each"
        )
    print(
        f"  memory (VmRSS): {mb['idle_kb']:.1f} MB before the screens, baseline "
        f"{mb['baseline_kb']:.1f} MB (all screens connected, after {figures['warmup']:.0f} s "
        f"of warm-up), end {mb['end_kb']:.1f} MB, highest in the last minute "
        f"{mb['last_minute_kb']:.1f} MB, peak {mb['peak_kb']:.1f} MB, {mb['after_kb']:.1f} MB "
        f"after the screens left: growth {growth:+.1f} %, trend "
        f"{figures['kb_per_minute'] / 1024:+.2f} MB a minute (least squares, after the baseline)"
    )
    print(f"    baseline: {figures['memory_parts'][0]}")
    print(f"    end: {figures['memory_parts'][1]}")
    print(
        f"  open files: {figures['idle_fds']} before the screens, {figures['start_fds']} at the "
        f"baseline, {figures['end_fds']} at the end, {figures['after_fds']} after the screens left"
    )
    for when, kinds in zip(("before", "at the end", "after"), figures["fd_kinds"], strict=True):
        print(f"    {when}: {kinds}")
    kinds = Counter(error.split(":", 1)[0] for error in soak.errors)
    print(f"  errors: {len(soak.errors)}" + (f" ({dict(kinds)})" if kinds else ""))
    for error, count in list(Counter(soak.errors).items())[:10]:
        print(f"    {error}" + (f" (×{count})" if count > 1 else ""))
    print(
        f"RESULT soak_screens={options.screens} soak_minutes={options.minutes:g} "
        f"errors={len(soak.errors)} memory_growth_pct={growth:.1f} "
        f"fds_start={figures['start_fds']} fds_end={figures['end_fds']} "
        f"p95_ms={percentile(latencies, 0.95):.1f}"
    )
    if soak.errors or growth >= 10:
        sys.exit(1)


if __name__ == "__main__":
    main()

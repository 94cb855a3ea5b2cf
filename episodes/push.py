"""Live screens: the server-sent event stream and the clock endpoint, served natively by the
ASGI server (showrunner/asgi.py) while ordinary pages go through Django over WSGI.

One :class:`Hub` per process. When an episode changes, the hub builds each audience's
snapshot once (:mod:`episodes.live_screens`, in a thread: the ORM is synchronous) and hands
the same bytes to every open stream of that episode: after the first, only what changed. It
hears of changes made in this process at once (:mod:`episodes.broadcast`), and of changes
made by other processes from the database (:meth:`Hub.listen_forever` on PostgreSQL,
:meth:`Hub.watch_forever` on SQLite), so any process can serve any screen. A process that is
the only one (``SHOWRUNNER_SINGLE_PROCESS``, as ``bin/run`` starts it) watches nothing:
everything it must hear of happens in it.

A stream URL carries its own signed, short-lived token (an EventSource cannot send headers),
naming the episode, the audience (the team, or one guest) and whom it was handed to
(:mod:`episodes.stream_access`). That access is checked when the stream opens and, for every
open stream, every few seconds: a removed role or a revoked link ends the stream.
"""

import asyncio
import contextlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Awaitable, Callable, Coroutine, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from django.core import signing
from django.db import close_old_connections, connection
from django.utils import timezone

from . import broadcast, live_screens, overlays, stream_access
from .models import Episode

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
# A coroutine function, as uvicorn's send is: Subscriber.deliver drives the coroutine by hand.
Send = Callable[[Message], Coroutine[Any, Any, None]]

STREAM_SALT = "showrunner.live-stream"  # a signing namespace, not a secret
TOKEN_MAX_AGE = 15 * 60  # seconds; screens fetch a fresh URL when theirs has expired
WATCH_INTERVAL = float(os.environ.get("SHOWRUNNER_WATCH_INTERVAL", "0.02"))
SINGLE_PROCESS = os.environ.get("SHOWRUNNER_SINGLE_PROCESS", "").lower() in ("1", "true", "yes")
KEEPALIVE = 15.0
ACCESS_INTERVAL = float(os.environ.get("SHOWRUNNER_ACCESS_INTERVAL", "2"))
RETRY_MS = 1000
KEEPALIVE_MESSAGE = b": keepalive\n\n"


def stream_token(episode_id: int, audience: str, principal: str) -> str:
    return signing.dumps(
        {"e": episode_id, "a": audience, "p": principal}, salt=STREAM_SALT, compress=True
    )


def read_token(token: str) -> tuple[int, str, str]:
    """The episode, audience and principal a token was signed for."""
    data = signing.loads(token, salt=STREAM_SALT, max_age=TOKEN_MAX_AGE)
    return int(data["e"]), str(data["a"]), str(data["p"])


def stream_url(episode_id: int, audience: str, principal: str) -> str:
    return f"/live/stream/{episode_id}/?token={stream_token(episode_id, audience, principal)}"


def sse(data: dict[str, Any], event: str = "state") -> bytes:
    body = json.dumps(data, separators=(",", ":"))
    ident = f"{data.get('version', '')}-{data.get('revision', '')}"
    return f"event: {event}\nid: {ident}\ndata: {body}\n\n".encode()


class Subscriber:
    """One open screen, written to directly by the hub.

    ASGI's ``send`` returns without suspending unless the screen's socket is backed up, so the
    hub drives each screen's send itself, one after the other in one loop: no task to wake per
    screen, which made a change to a thousand screens take tens of milliseconds. A screen that
    does suspend (it reads slowly) is finished by a task of its own, and meanwhile keeps only
    the newest snapshot, so it never holds up the others.
    """

    def __init__(self, key: tuple[int, str], send: Send, principal: str = "") -> None:
        self.key = key
        self.principal = principal
        self.send = send
        self.writing = False
        self.pending: bytes | None = None
        self.finishing: asyncio.Future[None] | None = None
        self.closed = asyncio.Event()

    def deliver(self, payload: bytes) -> None:
        if self.closed.is_set():
            return
        if self.writing:
            self.pending = payload  # only the newest one matters
            return
        coroutine = self.send({"type": "http.response.body", "body": payload, "more_body": True})
        try:
            waiting = coroutine.send(None)
        except StopIteration:
            return  # written at once: the usual case
        except Exception:
            self.closed.set()
            return
        self.writing = True
        self.finishing = asyncio.ensure_future(self.finish(coroutine, waiting))

    async def finish(self, coroutine: Any, waiting: Any) -> None:
        """Resume a send that had to wait for the screen's socket."""
        try:
            while True:
                if isinstance(waiting, asyncio.Future):
                    with contextlib.suppress(Exception):
                        await waiting  # the send itself sees how it ended when resumed
                else:
                    await asyncio.sleep(0)
                try:
                    waiting = coroutine.send(None)
                except StopIteration:
                    break
        except asyncio.CancelledError:
            coroutine.close()
            raise
        except Exception:
            self.closed.set()
            return
        finally:
            self.writing = False
        if self.pending is not None:
            payload, self.pending = self.pending, None
            self.deliver(payload)


@dataclass
class Built:
    """An episode's snapshot for one audience, as data and as the bytes screens are sent, and
    the plan it was built from (:class:`episodes.live_screens.Plan`). ``patch``: the few bytes
    that take a screen holding the snapshot before (``base``) to this one
    (:func:`episodes.live_screens.changes`)."""

    data: dict[str, Any]
    payload: bytes
    plan: live_screens.Plan | None = None
    patch: bytes | None = None
    base: int | None = None

    @property
    def revision(self) -> int:
        return int(self.data["revision"])


class Hub:
    def __init__(self) -> None:
        self.subscribers: dict[tuple[int, str], set[Subscriber]] = {}
        self.built: dict[tuple[int, str], Built] = {}
        self.building: dict[tuple[int, str], asyncio.Future[Built]] = {}
        self.offered: dict[tuple[int, str], bytes] = {}
        self.offered_revision: dict[tuple[int, str], int] = {}
        self.revisions: dict[int, int] = {}
        self.marks: dict[int, int] = {}  # how many changes were marked, per episode
        self.previous: dict[tuple[int, str], Built] = {}  # the snapshot before the last change
        self.kinds: dict[int, dict[int, str]] = {}  # per episode: what each revision touched
        self.dirty: set[int] = set()
        self.wake: asyncio.Event | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.tasks: list[asyncio.Task[None]] = []

    # -- life ------------------------------------------------------------------------------------

    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.wake = asyncio.Event()
        broadcast.listen(self.changed)
        self.tasks = [
            asyncio.create_task(self.refresh_forever(), name="live-refresh"),
            *self.watchers(),
            asyncio.create_task(self.keep_alive_forever(), name="live-keepalive"),
            asyncio.create_task(self.check_access_forever(), name="live-access"),
        ]

    async def stop(self) -> None:
        """Close every stream (screens reconnect, to this process or another) and stop."""
        broadcast.unlisten(self.changed)
        for group in self.subscribers.values():
            for subscriber in group:
                subscriber.closed.set()
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks = []
        self.loop = None

    @property
    def running(self) -> bool:
        return bool(self.tasks)

    # -- changes -----------------------------------------------------------------------------

    def changed(self, episode_id: int, revision: int, kind: str = broadcast.FULL) -> None:
        """Called from any thread of this process once a change has committed."""
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self.heard, episode_id, revision, kind)

    def heard(self, episode_id: int, revision: int, kind: str = broadcast.FULL) -> None:
        """A change at ``revision``, from this process: unless already built, mark it. Noting
        the revision keeps the watcher from announcing the same change again."""
        self.note_kind(episode_id, revision, kind)
        if revision > self.revisions.get(episode_id, 0):
            self.revisions[episode_id] = revision
            self.mark(episode_id)

    def note_kind(self, episode_id: int, revision: int, kind: str) -> None:
        if kind != broadcast.FULL:  # a revision not noted counts as full
            seen = self.kinds.setdefault(episode_id, {})
            seen[revision] = kind
            if len(seen) > 256:  # only the last few matter
                for old in sorted(seen)[:-64]:
                    del seen[old]

    def touched(self, key: tuple[int, str], target: int) -> tuple[Built | None, str]:
        """The snapshot before (if any) and the most any change since it touched: what the
        next snapshot can be built from. A revision heard of without its kind (another
        process's, found by reading the revisions) counts as full."""
        base = self.previous.get(key)
        if base is None or base.revision >= target:
            return base, broadcast.FULL
        seen = self.kinds.get(key[0], {})
        kinds = {
            seen.get(revision, broadcast.FULL) for revision in range(base.revision + 1, target + 1)
        }
        for kind in reversed(broadcast.KINDS):
            if kind in kinds:
                return base, kind
        return base, broadcast.FULL

    def mark(self, episode_id: int) -> None:
        self.marks[episode_id] = self.marks.get(episode_id, 0) + 1
        for key in [k for k in self.built if k[0] == episode_id]:
            self.previous[key] = self.built.pop(key)
        if any(key[0] == episode_id for key in self.subscribers):
            self.dirty.add(episode_id)
            assert self.wake is not None
            self.wake.set()

    async def refresh_forever(self) -> None:
        assert self.wake is not None
        while True:
            await self.wake.wait()
            self.wake.clear()
            episodes, self.dirty = self.dirty, set()
            for episode_id in episodes:
                for key in [k for k in self.subscribers if k[0] == episode_id]:
                    try:
                        # As new as the newest change heard of: a build already under way when
                        # it committed (for a view, a screen connecting) is not enough.
                        built = await self.fresh(key, self.revisions.get(episode_id, 0))
                    except Exception:
                        logger.exception("Could not build the live snapshot of %s", key)
                        continue
                    if built.payload is self.offered.get(key):
                        continue  # already with every screen (a change heard twice)
                    offered = self.offered_revision.get(key)
                    # Screens that had the snapshot before get only what changed; a screen
                    # that finds it missed something asks for the whole again (live.js).
                    payload = (
                        built.patch
                        if built.patch is not None and built.base == offered
                        else built.payload
                    )
                    self.offered[key] = built.payload
                    self.offered_revision[key] = built.revision
                    for subscriber in list(self.subscribers.get(key, ())):
                        subscriber.deliver(payload)

    async def keep_alive_forever(self) -> None:
        """A comment line now and then, so proxies and browsers keep idle streams open."""
        while True:
            await asyncio.sleep(KEEPALIVE)
            for group in list(self.subscribers.values()):
                for subscriber in list(group):
                    if not subscriber.writing:
                        subscriber.deliver(KEEPALIVE_MESSAGE)

    async def check_access_forever(self) -> None:
        """End every open stream whose access has ended (a role removed, a link revoked)."""
        while True:
            await asyncio.sleep(ACCESS_INTERVAL)
            await self.check_access()

    async def check_access(self) -> None:
        open_streams = [s for group in list(self.subscribers.values()) for s in group]
        keys = {(s.key[0], s.key[1], s.principal) for s in open_streams}
        if not keys:
            return
        try:
            still = await asyncio.to_thread(allowed_in_thread, keys)
        except Exception:
            logger.exception("Could not check the live streams' access")
            return
        for subscriber in open_streams:
            if (subscriber.key[0], subscriber.key[1], subscriber.principal) not in still:
                subscriber.closed.set()

    def watchers(self) -> list[asyncio.Task[None]]:
        """How this process hears of other processes' changes."""
        if SINGLE_PROCESS:
            return []
        if connection.vendor == "postgresql":
            return [asyncio.create_task(self.listen_forever(), name="live-listen")]
        return [asyncio.create_task(self.watch_forever(), name="live-watch")]

    def heard_elsewhere(self, episode_id: int, revision: int, kind: str = broadcast.FULL) -> None:
        """A change at ``revision`` from any process: only ever forward (a read that started
        before a change may answer after it, and this process hears its own changes twice)."""
        self.note_kind(episode_id, revision, kind)
        known = self.revisions.get(episode_id)
        if known is None or revision > known:
            if known is not None:
                self.mark(episode_id)
            self.revisions[episode_id] = revision

    async def catch_up(self) -> None:
        """Read the live revisions of the episodes served here (after a notification may have
        been missed: at start, on reconnecting)."""
        watched = {key[0] for key in self.subscribers} | {key[0] for key in self.built}
        if watched:
            for episode_id, revision in (await asyncio.to_thread(read_revisions, watched)).items():
                self.heard_elsewhere(episode_id, revision)

    async def listen_forever(self) -> None:
        """PostgreSQL: one connection per process LISTENs; every change is NOTIFYd as it
        commits (episodes/broadcast.py), so nothing is polled."""
        import psycopg

        while True:
            try:
                listener = await psycopg.AsyncConnection.connect(**listen_params(), autocommit=True)
                async with listener:
                    await listener.execute(f"LISTEN {broadcast.CHANNEL}")
                    await self.catch_up()
                    async for notification in listener.notifies():
                        heard = broadcast.parse(notification.payload)
                        if heard is not None:
                            self.heard_elsewhere(*heard)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Lost the database's notifications; listening again")
                await asyncio.sleep(1)

    async def watch_forever(self) -> None:
        """SQLite: the database file's change counter, read every few ms on a connection of
        its own (no table is read, no thread woken); only when another connection has
        committed something are the live revisions read."""
        path = str(connection.settings_dict["NAME"])
        seen: int | None = None
        watcher = sqlite3.connect(path, timeout=1, check_same_thread=False)
        try:
            while True:
                await asyncio.sleep(WATCH_INTERVAL)
                if not self.subscribers and not self.built:
                    continue
                try:
                    version = watcher.execute("PRAGMA data_version").fetchone()[0]
                    if version != seen:
                        seen = version
                        await self.catch_up()
                except Exception:
                    logger.exception("Could not read the episodes' revisions")
                    await asyncio.sleep(1)
        finally:
            watcher.close()

    # -- snapshots -------------------------------------------------------------------------------

    async def cached_screen_state(self, key: tuple[int, str]) -> Built:
        """The latest snapshot, built at most once at a time per episode and audience: the
        screens, the state endpoint and the command that caused the change all share it."""
        built = self.built.get(key)
        if built is not None:
            return built
        pending = self.building.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        pending = asyncio.get_running_loop().create_future()
        self.building[key] = pending
        marks = self.marks.get(key[0], 0)
        target = self.revisions.get(key[0], 0)
        base, kind = self.touched(key, target)
        try:
            built = await asyncio.to_thread(build_in_thread, key, base, kind, target)
        except BaseException as exc:
            pending.set_exception(exc)
            pending.exception()  # retrieved: waiters re-raise it, no "never retrieved" noise
            raise
        finally:
            del self.building[key]
        # A change marked while this was being built may have come after the build's reads: it
        # is handed to those waiting but not kept as the latest, so the refresh builds again.
        current = self.marks.get(key[0], 0) == marks
        known = self.revisions.get(key[0])
        if known is None or built.revision > known:
            # Seen now: the watcher must not announce this revision a second time, so announce
            # it here if it is news (another process's change, found before the watcher did):
            # the episode's other screens need it too.
            self.revisions[key[0]] = built.revision
            if known is not None:
                self.mark(key[0])
        if current:
            self.built[key] = built
        pending.set_result(built)
        return built

    async def fresh(self, key: tuple[int, str], revision: int) -> Built:
        """A snapshot at least as new as ``revision`` (one whose build began before the change
        committed is not enough)."""
        for _ in range(5):
            built = await self.cached_screen_state(key)
            if built.revision >= revision:
                break
            self.built.pop(key, None)
        return built

    def screen_state_from_thread(
        self, episode_id: int, audience: str, revision: int
    ) -> dict[str, Any]:
        """For views, which run in worker threads: wait for the hub's shared snapshot."""
        assert self.loop is not None
        future = asyncio.run_coroutine_threadsafe(
            self.fresh((episode_id, audience), revision), self.loop
        )
        return future.result(timeout=10).data

    # -- screens ---------------------------------------------------------------------------------

    def subscribe(self, key: tuple[int, str], send: Send, principal: str = "") -> Subscriber:
        subscriber = Subscriber(key, send, principal)
        self.subscribers.setdefault(key, set()).add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        group = self.subscribers.get(subscriber.key)
        if group is not None:
            group.discard(subscriber)
            if not group:
                del self.subscribers[subscriber.key]
                self.offered.pop(subscriber.key, None)
                self.offered_revision.pop(subscriber.key, None)
                self.previous.pop(subscriber.key, None)

    @property
    def screens(self) -> int:
        return sum(len(group) for group in self.subscribers.values())


def listen_params() -> dict[str, Any]:
    """How to reach the database, for the process's listening connection."""
    db = connection.settings_dict
    params = {"dbname": db["NAME"], "user": db["USER"], "password": db["PASSWORD"],
              "host": db["HOST"], "port": db["PORT"]}  # fmt: skip
    return {key: value for key, value in params.items() if value}


def read_revisions(episode_ids: set[int]) -> dict[int, int]:
    close_old_connections()
    return dict(Episode.objects.filter(pk__in=episode_ids).values_list("pk", "live_revision"))


def allowed_in_thread(keys: set[stream_access.StreamKey]) -> set[stream_access.StreamKey]:
    close_old_connections()
    return stream_access.allowed(keys, now=timezone.now())


def build_in_thread(key: tuple[int, str], base: Built | None, kind: str, target: int) -> Built:
    """The next snapshot of ``key``, from as little as the changes since ``base`` touched:
    only the clock's row (a pause), the live part without the run-sheet (a segment on, a
    message), or everything; with the patch that takes a screen from ``base`` to it."""
    close_old_connections()
    data: dict[str, Any] | None = None
    plan = base.plan if base is not None else None
    if base is not None and kind == broadcast.CLOCK:
        data = live_screens.clock_moved(base.data, target)
    if data is None:
        data, plan = screen_view_of(key, None if kind == broadcast.FULL else plan)
    change = live_screens.changes(base.data, data) if base is not None else None
    if change is None or base is None:
        return Built(data, sse(data), plan)
    return Built(data, sse(data), plan, sse(change, "patch"), base.revision)


def build_snapshot(episode_id: int, audience: str) -> dict[str, Any]:
    """What every screen of the audience is sent; each view adds a stream link of its own."""
    if audience == overlays.AUDIENCE:
        return overlays.overlay_view(episode_id)
    return live_screens.snapshot(episode_id, audience)


def screen_view_of(
    key: tuple[int, str], plan: live_screens.Plan | None
) -> tuple[dict[str, Any], live_screens.Plan | None]:
    """The audience's snapshot, reading the run-sheet unless ``plan`` is given. The stream
    graphics' audience is :mod:`episodes.overlays`' (always read whole: it is small)."""
    if key[1] == overlays.AUDIENCE:
        return overlays.overlay_view(key[0]), None
    return live_screens.screen_view(*key, plan=plan)


def current_screen_state(
    episode_id: int, audience: str, principal: str, revision: int = 0
) -> dict[str, Any]:
    """The snapshot for a view (the state endpoint, a command's answer), with a stream link
    signed now for ``principal`` (who asked). When this process runs a hub it is the hub's
    shared one, so a change is built once for everyone; otherwise (tests, a plain WSGI server)
    it is built here. ``revision`` asks for one at least that new.
    """
    if hub.running and hub.loop is not None and not in_loop(hub.loop):
        built = hub.built.get((episode_id, audience))  # a dict read: safe from any thread
        if built is not None and built.revision >= revision:
            data = built.data
        else:
            data = hub.screen_state_from_thread(episode_id, audience, revision)
    else:
        data = build_snapshot(episode_id, audience)
    # Signed now and for this asker: the shared snapshot is everyone's, and a link lasts only
    # so long (a screen reconnecting after a quiet spell needs one signed now).
    return {**data, "stream_url": stream_url(episode_id, audience, principal)}


def in_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


hub = Hub()


# -- ASGI endpoints ------------------------------------------------------------------------------


async def respond(send: Send, status: int, body: bytes, content_type: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"cache-control", b"no-store"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def server_time(scope: Scope, receive: Receive, send: Send) -> None:
    """The server's clock in epoch milliseconds: screens time a few round trips to it and keep
    the quickest to learn how far their own clock is off."""
    body = b'{"t":%d}' % round(time.time() * 1000)
    await respond(send, 200, body, b"application/json")


async def stream(scope: Scope, receive: Receive, send: Send) -> None:
    """``/live/stream/<episode>/?token=...``: the episode's snapshot now and after each change."""
    parts = scope["path"].strip("/").split("/")
    query = parse_qs(scope.get("query_string", b"").decode())
    try:
        episode_id, audience, principal = read_token(query.get("token", [""])[0])
        if parts[-1] != str(episode_id):
            raise signing.BadSignature("token for another episode")
    except signing.SignatureExpired:
        await respond(send, 403, b"This stream link has expired; fetch a new one.", b"text/plain")
        return
    except (signing.BadSignature, ValueError, KeyError):
        await respond(send, 403, b"This stream link is not valid.", b"text/plain")
        return
    if not await asyncio.to_thread(allowed_in_thread, {(episode_id, audience, principal)}):
        await respond(send, 403, b"This stream link no longer works.", b"text/plain")
        return
    key = (episode_id, audience)
    try:
        first = await hub.cached_screen_state(key)
    except Episode.DoesNotExist:
        await respond(send, 404, b"No such episode.", b"text/plain")
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"text/event-stream"),
                (b"cache-control", b"no-store"),
                (b"x-accel-buffering", b"no"),
            ],
        }
    )
    subscriber = hub.subscribe(key, send, principal)
    hub.offered_revision.setdefault(key, first.revision)  # what this key's screens all have
    subscriber.deliver(f"retry: {RETRY_MS}\n\n".encode() + first.payload)
    if first.revision < hub.revisions.get(episode_id, 0):
        hub.mark(episode_id)  # it changed while this screen was connecting: send it that too
    # Sent: not kept for the life of the stream (a screen open for hours held on to the
    # snapshot it connected with, one per revision screens connected at; found by the soak).
    del first

    async def watch_disconnect() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        subscriber.closed.set()

    watcher = asyncio.create_task(watch_disconnect())
    try:
        await subscriber.closed.wait()  # the screen went away, or the server is stopping
    except asyncio.CancelledError:
        # uvicorn cancels the streams still open when its graceful-shutdown wait runs out, and
        # only then stops the hub. The screen reconnects to whichever process serves next: end
        # here quietly (raised on, it logged a traceback per open screen at every restart).
        return
    finally:
        hub.unsubscribe(subscriber)
        watcher.cancel()
    if not subscriber.writing:  # end the response cleanly (ignored if the screen has gone)
        with contextlib.suppress(Exception):
            await send({"type": "http.response.body", "body": b"", "more_body": False})

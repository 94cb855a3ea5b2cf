"""Heavy work kept off the live path: a pure function run in a worker process, with limits.

The live push (``episodes/push.py``) is an asyncio loop in the same interpreter as Django's
request threads (``showrunner/asgi.py``). A request thread that spends seconds of CPU in Python
-- reading an import, decoding a photo -- holds the interpreter lock, and every live screen waits.
:func:`run` sends such work to a small pool of worker processes instead; the request thread
waits on a pipe, which holds no lock. Each call has

* a memory cap (``RLIMIT_AS`` set in the worker for the call): past it the work fails with
  :class:`TooMuchMemory`;
* a wall-time limit: the worker is killed and :class:`TooSlow` raised.

Workers are forked from a forkserver that has imported Django and the readers once, and a few
are started ahead of use, so a call costs a round trip through a pipe rather than a new
interpreter. A killed or spent worker is replaced. The function and its arguments must be
picklable (a module-level function), and the function pure: it must not touch the database.
"""

import multiprocessing
import os
import queue
import resource
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

Result = TypeVar("Result")

MB = 1024 * 1024
NICENESS = 10
TASKS_PER_WORKER = 200  # then a fresh worker: whatever a parser leaked goes with the old one


class IsolationError(Exception):
    """The work did not finish; the message says why, for the person who sent it."""


class TooSlow(IsolationError):
    pass


class TooMuchMemory(IsolationError):
    pass


class Busy(IsolationError):
    pass


class Crashed(IsolationError):
    pass


# -- the worker side -----------------------------------------------------------------------------


def _serve(connection: Connection) -> None:
    """A worker's loop: one call at a time, each under its own memory cap."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    os.nice(NICENESS)  # the live push, in the app process, goes first for the CPU
    while True:
        try:
            function, args, memory_bytes = connection.recv()
        except EOFError:
            return
        resource.setrlimit(resource.RLIMIT_AS, (_address_space() + memory_bytes, hard))
        try:
            outcome: tuple[str, Any] = ("ok", function(*args))
        except MemoryError:
            outcome = ("memory", None)
        except Exception as exc:  # handed to the caller, who raises it
            outcome = ("raised", exc)
        finally:
            resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
        try:
            connection.send(outcome)
        except Exception as exc:  # an exception or result that does not pickle
            connection.send(("raised", IsolationError(f"The result could not be sent: {exc}")))
        if outcome[0] == "memory":
            return  # a worker that ran out of memory may be in a bad state: end it


def _address_space() -> int:
    """The worker's own address space now, which the cap comes on top of."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


# -- the caller side -----------------------------------------------------------------------------


class Worker:
    def __init__(self, context: Any) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.tasks = 0

    def stop(self) -> None:
        self.connection.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)


class Pool:
    """``size`` workers started ahead of use; callers beyond that wait their turn."""

    def __init__(self, size: int, preload: list[str]) -> None:
        self.size = size
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(preload)
        self.idle: queue.LifoQueue[Worker | None] = queue.LifoQueue()
        self.lock = threading.Lock()
        self.started = False

    def start(self) -> None:
        """Start the workers, in the background: the first call may wait for one."""
        with self.lock:
            if self.started:
                return
            self.started = True
        threading.Thread(target=self._fill, daemon=True).start()

    def _fill(self) -> None:
        for _ in range(self.size):
            try:
                self.idle.put(Worker(self.context))
            except Exception:
                self.idle.put(None)  # whoever takes this place starts one (and sees why not)

    def run(
        self, function: Callable[..., Result], args: tuple[Any, ...], *, seconds: float,
        megabytes: int, what: str, doing: str,
    ) -> Result:  # fmt: skip
        self.start()
        try:
            worker = self.idle.get(timeout=seconds)
        except queue.Empty:
            raise Busy(
                f"The server is busy reading other uploads (over {seconds:g} s waiting); "
                "nothing was saved. Please try again in a minute."
            ) from None
        try:
            if worker is None or not worker.process.is_alive():
                worker = Worker(self.context)
            worker.tasks += 1
            try:
                worker.connection.send((function, args, megabytes * MB))
            except (OSError, EOFError):  # it died, or never started: a new one next time
                worker.stop()
                worker = None
                raise Crashed(
                    f"{what} stopped the reader unexpectedly; nothing was saved."
                ) from None
            if not worker.connection.poll(seconds):
                worker.stop()
                worker = None
                raise TooSlow(
                    f"{what} took too long to {doing} (over {seconds:g} s); nothing was saved."
                )
            try:
                kind, value = worker.connection.recv()
            except (EOFError, OSError):
                worker.stop()
                worker = None
                raise Crashed(
                    f"{what} stopped the reader unexpectedly; nothing was saved."
                ) from None
            if kind == "memory":
                worker.stop()
                worker = None
                raise TooMuchMemory(
                    f"{what} needed too much memory to {doing} (over {megabytes} MB); "
                    "nothing was saved."
                )
            if kind == "raised":
                raise value
            return value
        finally:
            if worker is not None and worker.tasks >= TASKS_PER_WORKER:
                worker.stop()
                worker = None
            self.idle.put(worker)

    def stop(self) -> None:
        with self.lock:
            while True:
                try:
                    worker = self.idle.get_nowait()
                except queue.Empty:
                    break
                if worker is not None:
                    worker.stop()
            self.started = False


_pool: Pool | None = None
_pool_lock = threading.Lock()


def pool() -> Pool:
    global _pool
    with _pool_lock:
        if _pool is None:
            from django.conf import settings

            _pool = Pool(settings.ISOLATED_WORKERS, ["showrunner.isolated_preload"])
        return _pool


def run(
    function: Callable[..., Result], *args: Any, what: str = "This document", doing: str = "read",
    seconds: float | None = None, megabytes: int | None = None,
) -> Result:  # fmt: skip
    """``function(*args)`` in a worker process, within the limits (the settings' by default).

    Returns its result or raises what it raised; raises :class:`IsolationError` (with a message
    for the user, naming ``what`` was being ``doing``) when it ran too long, needed too much
    memory, died, or no worker came free in time.
    """
    from django.conf import settings

    seconds = settings.ISOLATED_SECONDS if seconds is None else seconds
    megabytes = settings.ISOLATED_MEGABYTES if megabytes is None else megabytes
    return pool().run(function, args, seconds=seconds, megabytes=megabytes, what=what, doing=doing)

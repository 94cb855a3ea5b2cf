"""The worker pool that keeps heavy work off the live path: real worker processes, no mocks."""

import os
import threading
import time

import pytest

from episodes.formats import ParseError
from showrunner import isolated


def spin() -> None:
    while True:
        pass


def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * isolated.MB))


def die() -> None:
    os._exit(3)


def fail(reason: str, line: int) -> None:
    raise ParseError(reason, line)


def hold(event_path: str, seconds: float) -> int:
    with open(event_path, "w") as flag:
        flag.write("busy")
    time.sleep(seconds)
    return os.getpid()


def test_run_returns_the_result_from_another_process() -> None:
    pid = isolated.run(os.getpid)

    assert pid != os.getpid()
    assert isolated.run(pow, 2, 10) == 1024


def test_run_reuses_a_started_worker() -> None:
    first = isolated.run(os.getpid)

    assert isolated.run(os.getpid) in {first, *(w.process.pid for w in _workers())}


def test_run_raises_what_the_function_raised_with_its_line() -> None:
    with pytest.raises(ParseError) as raised:
        isolated.run(fail, "No title.", 7)

    assert raised.value.line == 7
    assert str(raised.value) == "line 7: No title."


def test_run_over_the_time_limit_kills_the_worker_and_says_so() -> None:
    with pytest.raises(isolated.TooSlow) as raised:
        isolated.run(spin, seconds=0.5)

    assert str(raised.value) == (
        "This document took too long to read (over 0.5 s); nothing was saved."
    )
    assert isolated.run(pow, 3, 2) == 9  # a fresh worker took its place


def test_run_over_the_memory_cap_fails_and_says_so() -> None:
    with pytest.raises(isolated.TooMuchMemory) as raised:
        isolated.run(allocate, 400, megabytes=100, what="This picture", doing="process")

    assert str(raised.value) == (
        "This picture needed too much memory to process (over 100 MB); nothing was saved."
    )
    assert isolated.run(allocate, 50, megabytes=100) == 50 * isolated.MB


def test_run_of_a_dying_worker_fails_and_says_so() -> None:
    with pytest.raises(isolated.Crashed, match="stopped the reader unexpectedly"):
        isolated.run(die)

    assert isolated.run(pow, 2, 3) == 8


def test_run_when_every_worker_is_busy_refuses_after_waiting(tmp_path) -> None:
    pool = isolated.Pool(1, ["showrunner.isolated_preload"])
    flag = tmp_path / "busy"
    holder = threading.Thread(
        target=pool.run,
        args=(hold, (str(flag), 1.5)),
        kwargs={"seconds": 10, "megabytes": 100, "what": "This document", "doing": "read"},
    )
    holder.start()
    deadline = time.monotonic() + 20
    while not flag.exists() and time.monotonic() < deadline:
        time.sleep(0.02)

    with pytest.raises(isolated.Busy, match="busy reading other uploads"):
        pool.run(os.getpid, (), seconds=0.2, megabytes=100, what="This document", doing="read")

    holder.join()
    pool.stop()


def _workers() -> list[isolated.Worker]:
    pool = isolated.pool()
    return [w for w in list(pool.idle.queue) if w is not None]


def test_workers_yield_the_cpu_to_the_app_process() -> None:
    assert isolated.run(os.nice, 0) == os.nice(0) + isolated.NICENESS

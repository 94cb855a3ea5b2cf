"""Shared helpers for the bench scripts: a throwaway database and a served app."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """Production-like settings (DEBUG off) on a throwaway database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.django_settings",
        "SHOWRUNNER_DATA_DIR": str(data_dir),
        "DEBUG": "false",
        "HTTPS": "false",  # plain HTTP on the loopback
        "SECRET_KEY": "bench-only-secret-key-not-for-production",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SHOWRUNNER_PLAIN_STATIC": "true",
        "STATIC_ROOT": str(data_dir / "static"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        # Every bench screen connects from this machine, hundreds on one link.
        "SHOWRUNNER_MAX_STREAMS_PER_LINK": "100000",
        "SHOWRUNNER_MAX_STREAMS_PER_CLIENT": "100000",
        **extra,
    }
    return env


@contextmanager
def data_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="showrunner-bench-") as folder:
        yield Path(folder)


def postgres_database(admin_url: str) -> tuple[str, str]:
    import psycopg

    name = f"showrunner_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(admin_url)
    return name, parts._replace(path=f"/{name}").geturl()


def drop_postgres(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def bench_database(database: str, postgres_url: str) -> Iterator[dict[str, str]]:
    """:func:`bench_env` on a throwaway database: SQLite in a temporary folder, or a new
    PostgreSQL database on the server at ``postgres_url``, dropped afterwards."""
    with data_dir() as folder:
        if database != "postgres":
            env = bench_env(folder)
            env.pop("DATABASE_URL", None)
            yield env
            return
        name, url = postgres_database(postgres_url)
        try:
            yield bench_env(folder, DATABASE_URL=url)
        finally:
            drop_postgres(postgres_url, name)


def manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def run_python(env: dict[str, str], code: str) -> str:
    return subprocess.run(
        [PYTHON, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@contextmanager
def served(
    env: dict[str, str], args: Sequence[str] = (), *, server_pid: bool = False
) -> Iterator[Any]:
    """uvicorn serving the app as bin/run does; yields the base URL (and its pid, if asked)."""
    port = free_port()
    process = subprocess.Popen(
        [
            PYTHON, "-m", "uvicorn", "showrunner.asgi:application",
            "--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning",
            "--timeout-graceful-shutdown", "2", *args,
        ],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the server did not start")
        base = f"http://127.0.0.1:{port}"
        yield (base, process.pid) if server_pid else base
    finally:
        process.terminate()
        process.wait(timeout=10)


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]

"""Throughput of the live state endpoint, against a minimal Django view in the same run.

Serves the app (uvicorn, one process, DEBUG off) with a show on air and loads, one after the
other, ``GET /api/episodes/<id>/live`` (bearer token, as a Stream Deck or a script polls it)
and a minimal view that answers a small JSON without touching the database, with wrk
(50 connections, 2 threads). Prints requests/s of both and their ratio.

    .venv/bin/python bench/live_state.py [--seconds 10]

Needs wrk (Debian: apt-get install wrk).
"""

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_env, data_dir, manage, run_python, served

SETUP = """
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from episodes import onair
from episodes.api import new_token
from episodes.models import Show, Episode, Segment, ShowRole
show = Show.objects.create(name="Bench", slug="bench", time_zone="UTC")
episode = Episode.objects.create(show=show, number=1, title="State", target_seconds=3600,
                                 starts_at=timezone.now())
for position in range(1, 11):
    Segment.objects.create(episode=episode, position=position, title=f"Segment {position}",
                           planned_seconds=600, planned_max_seconds=600)
user = get_user_model().objects.create_user("deck", password="bench-password")
ShowRole.objects.create(show=show, user=user, role="show_caller")
onair.perform(episode, "start", user=user, now=timezone.now(), version=None, source="bench")
print(episode.pk, new_token(user))
"""


def wrk(url: str, seconds: float, header: str | None = None) -> tuple[float, int, str]:
    command = ["wrk", "-t2", "-c50", f"-d{round(seconds)}s", "--latency"]
    if header:
        command += ["-H", header]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    p99 = re.search(r"99%\s+([\d.]+\w+)", output)
    return rate, errors, p99.group(1) if p99 else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench/live_state.py needs wrk: apt-get install wrk")
    with data_dir() as folder:
        env = bench_env(folder)
        manage(env, "migrate", "--noinput", "-v", "0")
        episode, token = run_python(env, SETUP).split()
        with served(env) as base:
            state_url = f"{base}/api/episodes/{episode}/live"
            minimal_url = f"{base}/bench/minimal-json/"
            header = f"Authorization: Bearer {token}"
            wrk(state_url, 2, header)  # warm up both
            wrk(minimal_url, 2)
            minimal, minimal_errors, minimal_p99 = wrk(minimal_url, options.seconds)
            state, state_errors, state_p99 = wrk(state_url, options.seconds, header)
    print("one uvicorn process (Django over WSGI via a2wsgi), SQLite; wrk -t2 -c50")
    print(f"minimal view:   {minimal:8.0f} requests/s, p99 {minimal_p99}, errors {minimal_errors}")
    print(f"state endpoint: {state:8.0f} requests/s, p99 {state_p99}, errors {state_errors}")
    print(
        f"RESULT state_over_minimal={state / minimal:.2f} state_rps={state:.0f} minimal_rps={minimal:.0f}"
    )


if __name__ == "__main__":
    main()

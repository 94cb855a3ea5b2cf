"""How fast the episode editor renders a big run-sheet, against a minimal page of the same rows.

Builds an episode with 100 segments and 200 questions (3 guests, 10 news items), serves the
app with uvicorn as bin/run does (DEBUG off), and requests, over one kept-alive connection,
(a) the editor and (b) a bare baseline view that renders the same rows from one prefetched
query with a minimal template. Prints p50/p95 of each and their ratio.

    .venv/bin/python bench/runsheet_page.py [--requests 200]
"""

import argparse
import http.client
import time
from urllib.parse import urlsplit

from common import bench_env, data_dir, manage, percentile, run_python, served

SETUP = """
from datetime import datetime, UTC
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from episodes.models import Show, Episode, Segment, Question, Appearance, NewsItem
from speakers.models import Speaker

show = Show.objects.create(name="Bench Show", slug="bench", time_zone="Europe/Berlin")
episode = Episode.objects.create(show=show, number=1, title="Big", target_seconds=3600 * 4,
                                 starts_at=datetime(2026, 3, 3, 17, tzinfo=UTC))
guests = [Appearance.objects.create(episode=episode, speaker=Speaker.objects.create(name=f"Guest {i}"))
          for i in range(3)]
kinds = ["news", "intro", "questions", "demo", "wrap_up", "other"]
for position in range(1, 101):
    segment = Segment.objects.create(episode=episode, position=position, title=f"Segment {position}",
        kind=kinds[position % len(kinds)], planned_seconds=120 + position,
        planned_max_seconds=120 + position + (60 if position % 4 == 0 else 0),
        owner=guests[position % 3])
    for q in range(2):
        question = Question.objects.create(segment=segment, position=q + 1,
                                           text=f"Question {q + 1} of segment {position}?")
        question.addressed_to.set([guests[(position + q) % 3]])
for position in range(1, 11):
    NewsItem.objects.create(episode=episode, position=position, title=f"Story {position}",
                            url=f"https://news.example.org/{position}")
user = get_user_model().objects.create_user("bench", password="bench-password", is_staff=True)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(episode.pk, session.session_key)
"""


def timed_get(connection: http.client.HTTPConnection, path: str, cookie: str) -> float:
    started = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}: {body[:200]!r}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per page")
    options = parser.parse_args()
    with data_dir() as folder:
        env = bench_env(folder)
        manage(env, "migrate", "--noinput", "-v", "0")
        episode_pk, cookie = run_python(env, SETUP).split()
        with served(env) as base:
            host = urlsplit(base)
            connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
            pages = {
                "editor": f"/episodes/{episode_pk}/edit/",
                "minimal": f"/bench/minimal/{episode_pk}/",
            }
            for path in pages.values():  # warm up: templates compiled, connections open
                for _ in range(10):
                    timed_get(connection, path, cookie)
            times: dict[str, list[float]] = {name: [] for name in pages}
            for _ in range(options.requests):
                for name, path in pages.items():  # interleaved, so both see the same machine
                    times[name].append(timed_get(connection, path, cookie))
            connection.request("GET", pages["editor"], headers={"Cookie": f"sessionid={cookie}"})
            size = len(connection.getresponse().read())
    print(f"episode: 100 segments, 200 questions; editor page {size / 1024:.0f} KiB")
    for name, values in times.items():
        print(
            f"{name:8} p50 {percentile(values, 0.5) * 1000:7.1f} ms   "
            f"p95 {percentile(values, 0.95) * 1000:7.1f} ms   ({len(values)} requests)"
        )
    ratio = percentile(times["editor"], 0.5) / percentile(times["minimal"], 0.5)
    print(f"RESULT editor_over_minimal_p50={ratio:.2f}")


if __name__ == "__main__":
    main()

"""The episode editor rendered by Django templates and by Jinja2, on equal terms.

The app renders the editor with Django templates; this keeps the measure that decided it
(DEVELOPERS.md, "Templates") repeatable. Builds episodes of 6, 15 and 100 segments (2
questions each, 3 guests, 10 news items), serves the app with uvicorn as bin/run does (DEBUG
off, so Django's cached template loader), and requests over one kept-alive connection,
interleaved:

- ``django``: the editor page as the app renders it, its body from templates/episodes/editor/
  (bench/urls.py ``editor_with``: the editor's view, queries and rows);
- ``jinja2``: the same view, queries and rows, its body rendered from bench/jinja2/, the
  bench's Jinja2 copy of the same markup (its environment in bench/jinja_env.py, an engine
  of bench/django_settings.py only);
- ``minimal``: a bare view of the same rows from one prefetched query (the floor).

The rows, with the select options and addressee chips pre-rendered in them, are built by the
same code for both. Then, in one process without HTTP or queries, it renders the body alone
from one prepared context with each engine. Prints milliseconds per page and per render, the
ratio Django/Jinja2 at each size, and ends with a RESULT line.

    .venv/bin/python bench/runsheet_page.py [--requests 100]
"""

import argparse
import http.client
import time
from urllib.parse import urlsplit

from common import bench_env, data_dir, manage, percentile, run_python, served

SIZES = (6, 15, 100)

SETUP = """
from datetime import datetime, UTC
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from episodes.models import Show, Episode, Segment, Question, Appearance, NewsItem
from speakers.models import Speaker

show = Show.objects.create(name="Bench Show", slug="bench", time_zone="Europe/Berlin")
kinds = ["news", "intro", "questions", "demo", "wrap_up", "other"]
pks = []
for number, size in enumerate(SIZES, start=1):
    episode = Episode.objects.create(show=show, number=number, title=f"{size} segments",
                                     target_seconds=3600 * 4,
                                     starts_at=datetime(2026, 3, 3, 17, tzinfo=UTC))
    guests = [Appearance.objects.create(episode=episode,
                                        speaker=Speaker.objects.create(show=show, name=f"Guest {number}.{i}"))
              for i in range(3)]
    for position in range(1, size + 1):
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
    pks.append(episode.pk)
user = get_user_model().objects.create_user("bench", password="bench-password", is_staff=True)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(*pks, session.session_key)
"""

# The body alone, from one context built once per size: the engines' own cost.
RENDER = """
import time
from django.contrib.auth import get_user_model
from django.template import engines
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone
from episodes.views import editor

loaders = engines["django"].engine.template_loaders
assert type(loaders[0]).__name__ == "Loader" and loaders[0].__module__.endswith("cached"), loaders
request = RequestFactory().get("/", HTTP_HOST="127.0.0.1")
request.user = get_user_model().objects.get(username="bench")
request.htmx = False
for pk in PKS:
    episode = editor.fresh(pk)
    with timezone.override(episode.show.zone):
        context = editor.editor_context(request, episode)
        best = {}
        for engine in ("django", "jinja2"):
            for _ in range(5):
                render_to_string("episodes/editor/_body.html", context, request=request, using=engine)
        times = {"django": [], "jinja2": []}
        for _ in range(ROUNDS):
            for engine in ("django", "jinja2"):  # interleaved
                started = time.perf_counter()
                render_to_string("episodes/editor/_body.html", context, request=request, using=engine)
                times[engine].append(time.perf_counter() - started)
    print(pk, *(sorted(times[e])[len(times[e]) // 2] for e in ("django", "jinja2")))
"""


def timed_get(connection: http.client.HTTPConnection, path: str, cookie: str) -> tuple[float, int]:
    started = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}: {body[:200]!r}")
    return elapsed, len(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=100, help="requests per page and size")
    options = parser.parse_args()
    with data_dir() as folder:
        env = bench_env(folder)
        manage(env, "migrate", "--noinput", "-v", "0")
        *pks, cookie = run_python(env, f"SIZES = {SIZES!r}\n" + SETUP).split()
        times: dict[tuple[int, str], list[float]] = {}
        sizes: dict[tuple[int, str], int] = {}
        with served(env) as base:
            host = urlsplit(base)
            connection = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
            for size, pk in zip(SIZES, pks, strict=True):
                pages = {
                    "django": f"/bench/editor/django/{pk}/",
                    "jinja2": f"/bench/editor/jinja2/{pk}/",
                    "minimal": f"/bench/minimal/{pk}/",
                }
                for path in pages.values():  # warm up: templates compiled, connections open
                    for _ in range(5):
                        timed_get(connection, path, cookie)
                for _ in range(options.requests):
                    for name, path in pages.items():  # interleaved: all see the same machine
                        elapsed, length = timed_get(connection, path, cookie)
                        times.setdefault((size, name), []).append(elapsed)
                        sizes[size, name] = length
        rounds = max(20, options.requests)
        rendered = run_python(env, f"PKS = {pks!r}\nROUNDS = {rounds}\n" + RENDER).split("\n")
    bodies = {}
    for line, size in zip(rendered, SIZES, strict=False):
        _, django_s, jinja_s = line.split()
        bodies[size] = (float(django_s), float(jinja_s))
    print(
        "ms per page (p50 of requests), the editor's page; minimal: the bare view of the same rows"
    )
    print(
        f"{'segments':>8} {'django':>9} {'jinja2':>9} {'minimal':>9} {'django/jinja2':>14}   page KiB (django, jinja2)"
    )
    ratios = {}
    for size in SIZES:
        p50 = {
            name: percentile(times[size, name], 0.5) * 1000
            for name in ("django", "jinja2", "minimal")
        }
        ratios[size] = p50["django"] / p50["jinja2"]
        print(
            f"{size:>8} {p50['django']:>9.1f} {p50['jinja2']:>9.1f} {p50['minimal']:>9.1f} "
            f"{ratios[size]:>14.2f}   {sizes[size, 'django'] / 1024:.0f}, {sizes[size, 'jinja2'] / 1024:.0f}"
        )
    print(f"({options.requests} requests per page and size)")
    print("ms per render of the editor's body alone (p50, one prepared context, no queries)")
    print(f"{'segments':>8} {'django':>9} {'jinja2':>9} {'django/jinja2':>14}")
    for size, (django_s, jinja_s) in bodies.items():
        print(
            f"{size:>8} {django_s * 1000:>9.2f} {jinja_s * 1000:>9.2f} {django_s / jinja_s:>14.2f}"
        )
    print(
        "RESULT "
        + " ".join(f"page_django_over_jinja2_{size}={ratios[size]:.2f}" for size in SIZES)
        + " "
        + " ".join(f"body_django_over_jinja2_{s}={d / j:.2f}" for s, (d, j) in bodies.items())
    )


if __name__ == "__main__":
    main()

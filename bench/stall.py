"""Does any input stall the live show? Live delivery delay with and without an attack.

Serves the app as bin/run does (one uvicorn process) on a throwaway database, opens 200 live
screens (event streams) on a running show, and sends a live command every ``--gap`` seconds,
measuring for every screen the time from sending the command to receiving the new state. First
without attack, then while ``--attackers`` clients at once keep sending the worst inputs found:

* an import of Markdown with a heading followed by a long run of spaces (11 s before the fix),
* an import of a recap post whose front matter nests YAML aliases (9 s and 600 MB before),
* a guest's profile with a 5,000 x 5,000 PNG and a 6,320 x 6,320 PNG (7 s and 880 MB before),
* chapters text of 19,000 characters shaped against the chapter pattern (2.6 s before),
* the slowest shapes bench/regex_linearity.py finds (long names, bold runs, dashes, brackets).

    .venv/bin/python bench/stall.py [--screens 200] [--commands 40] [--gap 0.25]

Prints p50, p99 and max delivery delay in both phases and their ratio, how the attack requests
fared, and ends with ``RESULT ...``. Goal: the worst delay during the attack under 100 ms.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_database, manage, percentile, run_python, served
from live_propagation import command, raise_open_files, read_json, start_client

SETUP = """
import json
from datetime import timedelta
from django.contrib.auth import get_user_model, BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from django.utils import timezone
from episodes.api import new_token
from episodes.models import Show, Episode, Segment, ShowRole, Appearance
from speakers.models import Speaker
from speakers import links
from episodes import live_screens, push, stream_access
show = Show.objects.create(name="Bench", slug="bench", time_zone="UTC")
episode = Episode.objects.create(show=show, number=1, title="Stall", target_seconds=7200,
                                 starts_at=timezone.now() + timedelta(minutes=5))
for position in range(1, 11):
    Segment.objects.create(episode=episode, position=position, title=f"Segment {position}",
                           planned_seconds=600, planned_max_seconds=600)
User = get_user_model()
caller = User.objects.create_user("caller", password="bench-password")
ShowRole.objects.create(show=show, user=caller, role="show_caller")
producer = User.objects.create_user("producer", password="bench-password")
ShowRole.objects.create(show=show, user=producer, role="producer")
session = SessionStore()
session[SESSION_KEY] = str(producer.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = producer.get_session_auth_hash()
session.create()
kwargs = {"show": show} if any(f.name == "show" for f in Speaker._meta.fields) else {}
speaker = Speaker.objects.create(name="Dana Li", email="dana@example.org", **kwargs)
Appearance.objects.create(episode=episode, speaker=speaker, role="guest")
print(json.dumps({
    "episode": episode.pk, "token": new_token(caller),
    "stream": push.stream_url(episode.pk, live_screens.TEAM, stream_access.for_user(caller)), "session": session.session_key,
    "import": reverse("episodes:import_preview", args=["bench"]),
    "chapters": reverse("episodes:episode_chapters", args=[episode.pk]),
    "profile": reverse("speakers:guest_profile", args=[links.ensure_link(speaker)]),
}))
"""
# Forms go as the browser sends them (the import form is multipart, the chapters form is not);
# --urlencoded sends every form percent-encoded instead, which Django decodes in Python.
URLENCODED = False
INPUTS = ""  # --inputs: a part of the names of the inputs to send
CSRF = "benchcsrfsecretbenchcsrfsecret12"  # 32 characters: a CSRF cookie's secret, unmasked
RECAP_ALIASES = "\n".join(
    ["---", "title: A - B", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    + ["---", "", "## Presenters", "", "Dana Li"]
)


def png(size: int, mode: str) -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new(mode, (size, size), 1).save(out, "PNG")
    return out.getvalue()


def attacks() -> list[tuple[str, str, dict[str, str], bytes | None]]:
    """(name, which URL, form fields, photo) for each of the worst inputs."""
    chapters = "00:00 a" + " " * 18_980 + "x\n"
    markdown = [
        ("heading + spaces", "# a" + " " * 400_000 + "b\n"),
        ("heading + spaces, 1 KB", "# a" + " " * 1_000 + "b\n" * 2),
        ("heading + hashes", "# a" + " #" * 200_000 + "x\n"),
        ("bold run", "**" * 200_000 + "x\n"),
        ("dashes", "-- -" * 100_000 + "x\n"),
        ("one long name", "A" + "a" * 400_000 + " will join\n"),
        ("capitalised words", "Aa " * 130_000 + "will join\n"),
        ("parentheses", "(" * 400_000 + "1 min\n"),
        ("label and links", "a:https://" * 40_000 + " b\n"),
    ]
    found = [(f"import: {name}", "import", {"text": text}, None) for name, text in markdown]
    found.append(("import: recap with YAML aliases", "import", {"text": RECAP_ALIASES}, None))
    found.append(("chapters: 19,000 characters", "chapters", {"chapters": chapters}, None))
    found.append(("photo: 6,320 x 6,320 PNG", "profile", {"name": "Dana Li"}, png(6320, "1")))
    found.append(("photo: 5,000 x 5,000 PNG", "profile", {"name": "Dana Li"}, png(5000, "RGB")))
    return found


PHOTO_MEMORY = """
import resource, sys, time
from pathlib import Path
from speakers import avatars
if not hasattr(avatars, "encode"):  # the code before photos were bounded: not measured here
    print("untested", 0, 0)
    raise SystemExit
data = Path(sys.argv[1]).read_bytes()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    avatars.encode(data)
    outcome = "cut"
except avatars.AvatarError as exc:
    outcome = "refused"
seconds = time.perf_counter() - started
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(outcome, seconds, grown / 1024)
"""


def photo_costs(env: dict[str, str], folder: Path) -> list[tuple[str, str, float, float]]:
    """(photo, outcome, seconds, MB more at the peak) of decoding each worst photo, alone in
    a fresh process, as a worker does."""
    from PIL import Image

    photos = {
        "6,320 x 6,320 PNG (the finding)": ("png", (6320, 6320), "1"),
        "5,000 x 5,000 RGBA PNG (largest accepted)": ("png", (5000, 5000), "RGBA"),
        "10,000 x 8,000 JPEG (largest accepted)": ("jpeg", (10000, 8000), "RGB"),
    }
    found = []
    for name, (fmt, size, mode) in photos.items():
        path = folder / f"photo.{fmt}"
        Image.new(mode, size, "white").save(path, fmt.upper())  # small file, many pixels
        line = run_python(env, PHOTO_MEMORY.replace("sys.argv[1]", repr(str(path))))
        outcome, seconds, megabytes = line.split()
        found.append((name, outcome, float(seconds), float(megabytes)))
    return found


def post(
    base: str, path: str, fields: dict[str, str], photo: bytes | None, session: str
) -> tuple[int, float]:
    import http.client

    parts = urlsplit(base)
    fields = {**fields, "csrfmiddlewaretoken": CSRF}
    if photo is None and (URLENCODED or "chapters" in fields):
        body = urllib.parse.urlencode(fields).encode()
        content_type = "application/x-www-form-urlencoded"
    else:
        boundary = "benchboundary7d3f"
        chunks = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        ]
        if photo is not None:
            chunks.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="me.png"'
                "\r\nContent-Type: image/png\r\n\r\n".encode()
                + photo
                + b"\r\n"
            )
        chunks.append(f"--{boundary}--\r\n".encode())
        body = b"".join(chunks)
        content_type = f"multipart/form-data; boundary={boundary}"
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    started = time.monotonic()
    connection.request(
        "POST", path, body=body,
        headers={"Content-Type": content_type, "Referer": base + path, "Origin": base,
                 "Cookie": f"sessionid={session}; csrftoken={CSRF}"},
    )  # fmt: skip
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, time.monotonic() - started


class Attack:
    """``threads`` clients sending the worst inputs round and round until stopped."""

    def __init__(self, base: str, urls: dict[str, str], threads: int) -> None:
        self.base, self.urls, self.threads = base, urls, threads
        self.inputs = [attack for attack in attacks() if INPUTS in attack[0]]
        self.stopped = threading.Event()
        self.results: dict[str, list[tuple[int, float]]] = {}
        self.workers = [threading.Thread(target=self.loop, args=(i,)) for i in range(threads)]

    def loop(self, offset: int) -> None:
        index = offset
        while not self.stopped.is_set():
            name, which, fields, photo = self.inputs[index % len(self.inputs)]
            index += 1
            try:
                outcome = post(self.base, self.urls[which], fields, photo, self.urls["session"])
            except OSError:
                outcome = (0, float("nan"))
            self.results.setdefault(name, []).append(outcome)

    def __enter__(self) -> "Attack":
        for worker in self.workers:
            worker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        for worker in self.workers:
            worker.join()


def profile(pid: int) -> subprocess.Popen[bytes]:
    """py-spy sampling the server (BENCH_PROFILE=out.txt; py-spy installed in the venv)."""
    spy = Path(sys.executable).parent / "py-spy"
    command = [str(spy), "record", "-p", str(pid), "-o", os.environ["BENCH_PROFILE"]]
    return subprocess.Popen(
        [*command, "-f", "raw", "-r", "200", "--gil"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def phase(base: str, urls: dict[str, str], commands: int, gap: float) -> dict[int, float]:
    """Send ``commands`` live commands ``gap`` seconds apart; the send time of each version."""
    sent: dict[int, float] = {}
    # Pause and resume in turn: a different command each time (the same one again within a
    # second is taken as a repeated press and ignored), ending as it began, running.
    for index in range(commands):
        action = "pause" if index % 2 == 0 else "resume"
        at, version = command(base, str(urls["episode"]), urls["token"], action)
        sent[version] = at
        time.sleep(gap)
    return sent


def delays(
    sent: dict[int, float], received: dict[str, list[float]], screens: int
) -> tuple[list[float], int]:
    found, missing = [], 0
    for version, at in sent.items():
        arrivals = received.get(str(version), [])
        missing += screens - len(arrivals)
        found.extend((arrival - at) * 1000 for arrival in arrivals)
    return found, missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--screens", type=int, default=200)
    parser.add_argument("--commands", type=int, default=40, help="commands in each phase")
    parser.add_argument("--gap", type=float, default=0.25, help="seconds between commands")
    parser.add_argument("--attackers", type=int, default=4, help="attack requests at once")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--urlencoded", action="store_true", help="forms percent-encoded")
    parser.add_argument("--inputs", default="", help="only the attack inputs whose name has this")
    options = parser.parse_args()
    global URLENCODED, INPUTS
    URLENCODED, INPUTS = options.urlencoded, options.inputs
    options.commands += options.commands % 2
    raise_open_files()

    with bench_database(options.database, options.postgres_url) as env:
        manage(env, "migrate", "--noinput", "-v", "0")
        urls = json.loads(run_python(env, SETUP))
        photos = photo_costs(env, Path(env["SHOWRUNNER_DATA_DIR"]))
        with served(env, server_pid=True) as (base, server_pid):
            client = start_client(base + urls["stream"], options.screens)
            ready = read_json(client)
            command(base, str(urls["episode"]), urls["token"], "start")
            time.sleep(1)
            quiet = phase(base, urls, options.commands, options.gap)
            with Attack(base, urls, options.attackers) as attack:
                time.sleep(2)  # the attack under way before the first measured command
                spy = profile(server_pid) if os.environ.get("BENCH_PROFILE") else None
                attacked = phase(base, urls, options.commands, options.gap)
                if spy:
                    spy.send_signal(2)
                    spy.wait(30)
            time.sleep(1)
            assert client.stdin is not None
            client.stdin.write("done\n")
            client.stdin.flush()
            report = read_json(client)
            client.wait(30)

    screens = options.screens - ready["errors"]
    before, missing_before = delays(quiet, report["received"], screens)
    during, missing_during = delays(attacked, report["received"], screens)
    print(f"{options.screens} screens ({ready['errors']} failed to connect); "
          f"{options.commands} commands {options.gap} s apart in each phase; "
          f"{options.attackers} attack requests at once")  # fmt: skip
    for name, values, missing in (
        ("without attack", before, missing_before),
        ("during attack", during, missing_during),
    ):
        print(
            f"{name:15} deliveries {len(values):6}  missing {missing:4}  "
            f"p50 {statistics.median(values):7.1f} ms  p99 {percentile(values, 0.99):7.1f} ms  "
            f"max {max(values):7.1f} ms"
        )
    print("attack requests (status: count, slowest answer):")
    for name, outcomes in attack.results.items():
        statuses: dict[int, int] = {}
        for status, _ in outcomes:
            statuses[status] = statuses.get(status, 0) + 1
        slowest = max(seconds for _, seconds in outcomes)
        shown = ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items()))
        print(f"  {name:38} {shown:18} {slowest:6.2f} s")
    print("photos, decoded alone (peak memory above the process's own):")
    for name, outcome, seconds, megabytes in photos:
        print(f"  {name:42} {outcome:8} {seconds:6.2f} s  {megabytes:6.0f} MB")
    p99_ratio = percentile(during, 0.99) / percentile(before, 0.99)
    max_ratio = max(during) / max(before)
    print(
        f"RESULT screens={options.screens} p50_ms={statistics.median(before):.1f}/"
        f"{statistics.median(during):.1f} p99_ms={percentile(before, 0.99):.1f}/"
        f"{percentile(during, 0.99):.1f} max_ms={max(before):.1f}/{max(during):.1f} "
        f"p99_ratio={p99_ratio:.2f} max_ratio={max_ratio:.2f} "
        f"missing={missing_before + missing_during} "
        f"photo_peak_mb={max(p[3] for p in photos):.0f} goal_max_under_100ms={max(during) < 100}"
    )


if __name__ == "__main__":
    main()

"""Do all screens show the same second at the same moment, whatever their own clocks say?

Serves the app (uvicorn, DEBUG off), starts a show, and opens the host's timer in several
headless Chromium pages, each in its own browser context with only ``Date`` shifted (an init
script) by up to ±10 minutes. Each page records the real instant
(``performance.timeOrigin + performance.now()``) at which its display flips to each new second;
those are compared with the true flip instants computed from the server's anchors.

The baseline, measured in the same run: pages that cannot correct their clock (their offset
samples are answered with their own shifted time), i.e. a screen that trusts its own clock.

    .venv/bin/python bench/live_agreement.py [--pages 6] [--seconds 12]
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_env, data_dir, manage, percentile, run_python, served

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # Every page stands for a screen in the foreground of its own device: no page is throttled
    # as a background tab would be.
    "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]  # fmt: skip

SETUP = """
import json
from datetime import timedelta
from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from episodes import onair
from episodes.models import Show, Episode, Segment, ShowRole
show = Show.objects.create(name="Bench", slug="bench", time_zone="UTC")
episode = Episode.objects.create(show=show, number=1, title="Agreement", target_seconds=3600,
                                 starts_at=timezone.now())
Segment.objects.create(episode=episode, position=1, title="Long segment",
                       planned_seconds=1800, planned_max_seconds=1800)
user = get_user_model().objects.create_user("host", password="bench-password")
ShowRole.objects.create(show=show, user=user, role="show_caller")
onair.perform(episode, "start", user=user, now=timezone.now(), version=None, source="bench")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
data = onair.screen_state(episode.pk)
print(json.dumps({"episode": episode.pk, "session": session.session_key, "segment": data["segment"]}))
"""

# Shift this page's clock: Date.now() and new Date() run `shift` ms off the real time.
SHIFT_DATE = """
(() => {
  const shift = %d;
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args) { if (args.length === 0) { super(RealDate.now() + shift); } else { super(...args); } }
    static now() { return RealDate.now() + shift; }
  }
  window.Date = ShiftedDate;
})();
"""

# Record the real instant each time the big number changes.
RECORD_FLIPS = """
(() => {
  window.__flips = [];
  const watch = () => {
    const timer = document.querySelector('[data-field="remaining"]');
    if (!timer) { requestAnimationFrame(watch); return; }
    const root = document.querySelector("[data-live]");
    new MutationObserver(() => {
      // The real instant, what is shown, and the page's estimate of its offset to the server.
      window.__flips.push([performance.timeOrigin + performance.now(), timer.textContent, Number(root.dataset.offset ?? "NaN")]);
    }).observe(timer, { childList: true, characterData: true, subtree: true });
  };
  document.addEventListener("DOMContentLoaded", watch);
})();
"""


def seconds_shown(text: str) -> int | None:
    if not text or text.startswith("+") or ":" not in text:
        return None
    parts = [int(part) for part in text.split(":")]
    return parts[-1] + 60 * parts[-2] + (3600 * parts[-3] if len(parts) == 3 else 0)


def errors_of(
    flips: list[list], segment: dict, settle_until: float, shift: float
) -> list[tuple[float, float, float]]:
    """For each recorded flip after ``settle_until``: milliseconds between it and the true
    instant of that flip, and that error's two parts. The page believes the server's time is
    ``real + shift + offset``; its offset estimate is off by ``e = shift + offset`` (the server
    runs on this machine's real clock), which moves its flips ``e`` early. What remains, the
    error plus ``e``, is how late the flip was drawn after the page meant it: the timer firing
    late and the page's own work, with the other pages sharing the cores."""
    end = segment["started_at"] + segment["paused_ms"] + segment["planned_ms"] + segment["added_ms"]
    found = []
    for at, text, offset in flips:
        shown = seconds_shown(text)
        if shown is None or at < settle_until:
            continue
        # A countdown shows s while the time left is in (s-1, s] seconds: it flips to s when
        # the time left reaches s seconds.
        error = at - (end - shown * 1000)
        estimate_error = shift + offset
        found.append((error, -estimate_error, error + estimate_error))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=6, help="corrected pages")
    parser.add_argument("--seconds", type=float, default=12, help="how long to record")
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    shifts = [
        round(-600_000 + 1_200_000 * i / max(1, options.pages - 1)) for i in range(options.pages)
    ]
    baseline_shifts = [-250, 400]
    with data_dir() as folder:
        env = bench_env(folder)
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        setup = json.loads(run_python(env, SETUP))
        with served(env) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            host = urlsplit(base).hostname
            pages = []
            for shift, corrected in [(s, True) for s in shifts] + [
                (s, False) for s in baseline_shifts
            ]:
                context = browser.new_context()
                context.add_cookies([{"name": "sessionid", "value": setup["session"], "url": base}])
                context.add_init_script(SHIFT_DATE % shift)
                context.add_init_script(RECORD_FLIPS)
                if not corrected:
                    # Answer the offset samples with the page's own (shifted) time: it cannot
                    # learn how far off it is, like a screen that trusts its clock.
                    context.route(
                        "**/live/time",
                        lambda route, _request, shift=shift: route.fulfill(
                            status=200,
                            content_type="application/json",
                            body=json.dumps({"t": time.time() * 1000 + shift}),
                        ),
                    )
                page = context.new_page()
                page.goto(f"{base}/episodes/{setup['episode']}/live/host/")
                pages.append((shift, corrected, page))
            assert host
            time.sleep(3)  # the pages connect and estimate their offsets
            settle_until = time.time() * 1000
            deadline = time.time() + options.seconds
            while time.time() < deadline:
                for _, _, page in pages:
                    page.wait_for_timeout(50)  # keep each page's events flowing
            results = [
                (shift, corrected, page.evaluate("window.__flips"))
                for shift, corrected, page in pages
            ]
            browser.close()

    corrected_errors, baseline_errors = [], []
    print(
        f"{len(shifts)} pages with Date shifted by {shifts[0] / 1000:+.0f} s … {shifts[-1] / 1000:+.0f} s; "
        f"{len(baseline_shifts)} baseline pages without correction; {options.seconds:.0f} s recorded"
    )
    offset_parts, late_parts = [], []
    for shift, corrected, flips in results:
        parts = errors_of(flips, setup["segment"], settle_until, shift if corrected else 0)
        errors = [error for error, _, _ in parts]
        (corrected_errors if corrected else baseline_errors).extend(errors)
        if corrected:
            offset_parts.extend(abs(part) for _, part, _ in parts)
            late_parts.extend(part for _, _, part in parts)
        label = "corrected" if corrected else "baseline "
        if errors:
            print(
                f"  {label} shift {shift / 1000:+7.1f} s: {len(errors):3} flips, "
                f"mean {statistics.mean(errors):+7.1f} ms, worst {max(errors, key=abs):+7.1f} ms"
            )
        else:
            print(f"  {label} shift {shift / 1000:+7.1f} s: no flips recorded")
    magnitudes = [abs(e) for e in corrected_errors]
    baseline = [abs(e) for e in baseline_errors]
    print(
        f"corrected: {len(magnitudes)} flips, |error| p50 {statistics.median(magnitudes):.1f} ms, "
        f"p95 {percentile(magnitudes, 0.95):.1f} ms, max {max(magnitudes):.1f} ms"
    )
    print(
        f"baseline:  {len(baseline)} flips, |error| p50 {statistics.median(baseline):.1f} ms, "
        f"p95 {percentile(baseline, 0.95):.1f} ms"
    )
    print(
        f"where it comes from: the offset estimate |part| p50 {statistics.median(offset_parts):.1f} ms, "
        f"p95 {percentile(offset_parts, 0.95):.1f} ms; drawn late after the page meant it: "
        f"p50 {statistics.median(late_parts):.1f} ms, p95 {percentile(late_parts, 0.95):.1f} ms, "
        f"max {max(late_parts):.1f} ms"
    )
    print(
        f"RESULT agreement_p95_ms={percentile(magnitudes, 0.95):.1f} "
        f"max_ms={max(magnitudes):.1f} baseline_p95_ms={percentile(baseline, 0.95):.1f} "
        f"offset_part_p95_ms={percentile(offset_parts, 0.95):.1f} "
        f"late_part_p95_ms={percentile(late_parts, 0.95):.1f} pages={len(shifts)}"
    )


if __name__ == "__main__":
    main()

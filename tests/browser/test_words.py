"""Words a producer would use: every page of the demo, as each role sees it, reads in people's
words: no snake_case names, no raw field names, no negative "ahead", no clock of days."""

import re
from collections import deque
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, Page, expect

from episodes.models import Episode
from speakers import links
from speakers.models import Speaker
from tests.browser.conftest import log_in
from tests.servers import Server, running_server

pytestmark = pytest.mark.django_db(transaction=True)

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
NEGATIVE_AHEAD = re.compile(r"[−-]\s*\d[\d:]*\s*(?:min\s*)?ahead")
DAYS_AS_CLOCK = re.compile(r"\b(\d{2,}):\d\d:\d\d\b")
JARGON = ("updating every second", "(updating")
# Not pages: downloads, the admin, leaving, and the push stream.
SKIP = re.compile(r"/admin/|/logout|\.(?:csv|ics|md|json)$|/stream|/live/state/")


@pytest.fixture
def server() -> Iterator[Server]:
    with running_server() as running:
        yield running


@pytest.fixture
def demo(tmp_path: Path) -> None:
    call_command("load_demo", "--logins-file", str(tmp_path / "logins.json"), stdout=StringIO())


def odd_words(text: str) -> list[str]:
    found = [f"snake_case {word!r}" for word in SNAKE.findall(text)]
    found += [f"negative ahead {match!r}" for match in NEGATIVE_AHEAD.findall(text)]
    found += [
        f"days as a clock {hours}:…" for hours in DAYS_AS_CLOCK.findall(text) if int(hours) >= 24
    ]
    found += [f"jargon {phrase!r}" for phrase in JARGON if phrase in text]
    return found


def settled(page: Page) -> None:
    """Live pages have drawn their first state; other pages are there once loaded."""
    live = page.locator("[data-live]")
    if live.count():
        expect(live.first).not_to_have_attribute("data-connection", "connecting")
        expect(page.locator("[data-field=remaining]").first).not_to_have_text("--:--")


def crawl(context: BrowserContext, start: str, inside: str, at_least: int) -> dict[str, list[str]]:
    """Open every page reachable by links from ``start`` whose path begins with ``inside``;
    the odd words each page shows."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    seen = {start}
    queue = deque([start])
    found: dict[str, list[str]] = {}
    while queue:
        url = queue.popleft()
        answer = context.request.get(url)
        if not answer.headers.get("content-type", "").startswith("text/html"):
            continue
        page.goto(url)
        settled(page)
        words = odd_words(page.locator("body").inner_text())
        if words:
            found[url] = words
        for href in page.locator("a[href]").evaluate_all("els => els.map(e => e.href)"):
            target = urldefrag(href).url
            parts = urlsplit(target)
            if (
                parts.netloc != urlsplit(start).netloc
                or not parts.path.startswith(inside)
                or SKIP.search(parts.path)
                or target in seen
            ):
                continue
            seen.add(target)
            queue.append(target)
    assert errors == [], errors
    assert len(seen) >= at_least, f"only {sorted(seen)} reached from {start}"
    page.close()
    return found


@pytest.mark.parametrize("role", ["producer", "caller", "host"])
def test_every_demo_page_reads_in_words_for_the_team(
    browser: Browser, server: Server, demo: None, role: str
) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    log_in(context, server.url, get_user_model().objects.get(username=role))

    found = crawl(context, f"{server.url}/", "/", at_least=10)

    assert found == {}
    context.close()


def test_every_demo_page_reads_in_words_for_a_guest(
    browser: Browser, server: Server, demo: None
) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="en-GB", timezone_id="Asia/Tokyo"
    )
    context.set_default_timeout(10_000)
    amara = Speaker.objects.get(name="Amara Okafor")
    token = links.ensure_link(amara)

    found = crawl(context, f"{server.url}/guest/{token}/", f"/guest/{token}/", at_least=3)

    assert found == {}
    context.close()


def test_undo_and_the_import_preview_name_things_by_their_labels(
    browser: Browser, server: Server, demo: None
) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    log_in(context, server.url, get_user_model().objects.get(username="producer"))
    page = context.new_page()
    episode = Episode.objects.get(number=43)

    page.goto(f"{server.url}/episodes/{episode.pk}/edit/")
    page.locator("#episode-air-time").fill("19:30")
    page.locator("#episode-air-time").press("Tab")
    expect(page.locator("#undo-button")).to_have_text("↶ Undo change the air time")

    page.goto(f"{server.url}/shows/build-night/import/")
    demo_file = Path(__file__).resolve().parents[2] / "episodes/demo/43-accessibility-audit.md"
    page.get_by_label("Paste a run-sheet or recap post").fill(demo_file.read_text())
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_test_id("preview")
    expect(preview).to_contain_text("Wrap-up")
    assert odd_words(preview.inner_text()) == []
    context.close()

"""The studio clock, alerts and the caller's list of screens, in Chromium on a real server."""

import os
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from episodes import onair
from episodes.models import Episode, LiveState, Role
from tests.browser.conftest import log_in
from tests.browser.looks import poor_contrast
from tests.factories import make_episode, make_segment, make_show, make_user
from tests.servers import Server

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("SHOWRUNNER_SCREENSHOTS", "")
CLOCK = re.compile(r"^\d\d:\d\d:\d\d$")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=False)


@pytest.fixture
def server() -> Iterator[Server]:
    # Screens check in every second here (10 s in use), so a command reaches them quickly.
    running = Server(env={"SHOWRUNNER_SCREEN_HEARTBEAT_MS": "1000"}).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def episode() -> Episode:
    show = make_show(name="Morning Widgets", time_zone="Europe/Berlin", warning_seconds=120)
    episode = make_episode(
        show=show, title="Live tonight", starts_at=timezone.now() + timedelta(minutes=10)
    )
    make_segment(episode, title="Opening", minutes=5)
    make_segment(episode, title="Interview with the guest", minutes=20)
    return episode


def open_page(context: BrowserContext, server: Server, path: str) -> Page:
    page = context.new_page()
    page.js_errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))  # type: ignore[attr-defined]
    page.goto(server.url + path)
    expect(page.locator("[data-live]")).to_have_attribute("data-connection", "live")
    return page


@pytest.fixture
def caller_page(context: BrowserContext, server: Server, episode: Episode) -> Page:
    caller = make_user(
        (episode.show, Role.SHOW_CALLER), username="cal", first_name="Cal", last_name="Lee"
    )
    log_in(context, server.url, caller)
    return open_page(context, server, f"/episodes/{episode.pk}/live/caller/")


@pytest.fixture
def host_context(browser: Browser, server: Server, episode: Episode) -> Iterator[BrowserContext]:
    """The host on a machine of their own (a browser context: cookies and storage apart)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    context.set_default_timeout(10_000)
    host = make_user(
        (episode.show, Role.HOST), username="hana@example.org", first_name="Hana", last_name="Ito"
    )
    log_in(context, server.url, host)
    yield context
    context.close()


def test_the_studio_clock_shows_the_time_of_day_and_follows_the_caller(
    caller_page: Page, host_context: BrowserContext, server: Server, episode: Episode
) -> None:
    studio = open_page(host_context, server, f"/episodes/{episode.pk}/live/studio/")
    clock = studio.get_by_test_id("time-of-day")
    expect(clock).to_have_text(CLOCK)
    first = clock.inner_text()
    expect(clock).not_to_have_text(first, timeout=3000)  # it ticks, seconds and all
    expect(studio.get_by_test_id("time-zone")).to_have_text(
        re.compile(r"^Time in Europe/Berlin \(CES?T\), the show's time zone$")
    )
    light = studio.get_by_test_id("on-air")
    expect(light).to_have_text("NOT ON AIR YET")
    expect(light).to_have_attribute("data-lit", "false")

    caller_page.get_by_role("button", name="Start").click()
    remaining = studio.get_by_test_id("studio-remaining")
    expect(remaining).to_have_text(re.compile(r"^(5:00|4:59)$"))
    expect(remaining).to_have_text("4:58", timeout=4000)
    expect(light).to_have_text("ON AIR")
    expect(light).to_have_attribute("data-lit", "true")
    expect(studio.get_by_test_id("studio-elapsed")).to_have_text(re.compile(r"^0:0\d$"))
    expect(studio.get_by_test_id("studio-over-under")).to_have_text("on time")
    unreadable = poor_contrast(studio)

    caller_page.keyboard.press("Space")  # pause
    expect(light).to_have_text("PAUSED")
    expect(light).to_have_attribute("data-lit", "false")
    frozen = remaining.inner_text()
    ticking = clock.inner_text()
    expect(clock).not_to_have_text(ticking, timeout=3000)  # the time of day goes on
    assert remaining.inner_text() == frozen
    unreadable += poor_contrast(studio)
    assert unreadable == [], unreadable

    caller_page.keyboard.press("Space")  # resume
    expect(light).to_have_text("ON AIR")
    expect(remaining).not_to_have_text(frozen, timeout=3000)
    studio.set_viewport_size({"width": 1920, "height": 1080})
    shot(studio, "studio-clock-1920")
    studio.set_viewport_size({"width": 390, "height": 844})
    shot(studio, "studio-clock-phone")
    sizes = studio.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert sizes[0] <= sizes[1], f"the phone-sized clock scrolls sideways: {sizes}"
    assert studio.js_errors == []  # type: ignore[attr-defined]


def test_a_rehearsal_lights_rehearsal_not_on_air(
    caller_page: Page, host_context: BrowserContext, server: Server, episode: Episode
) -> None:
    studio = open_page(host_context, server, f"/episodes/{episode.pk}/live/studio/")
    caller_page.get_by_role("button", name="Switch to rehearsal").click()
    expect(studio.get_by_test_id("on-air")).to_have_text("REHEARSAL · NOT STARTED")
    caller_page.get_by_role("button", name="Start").click()
    expect(studio.get_by_test_id("on-air")).to_have_text("REHEARSAL")
    expect(studio.get_by_test_id("on-air")).to_have_attribute("data-lit", "rehearsal")


def test_the_caller_sees_the_host_view_and_identifies_and_reloads_it(
    caller_page: Page, host_context: BrowserContext, server: Server, episode: Episode
) -> None:
    host = open_page(host_context, server, f"/episodes/{episode.pk}/live/host/")
    rows = caller_page.get_by_test_id("screens-rows").locator("tr")
    host_row = rows.filter(has_text="Host view")
    expect(host_row).to_have_count(1)
    expect(host_row).to_contain_text("Hana Ito")
    expect(host_row).not_to_contain_text("example.org")
    expect(host_row).to_contain_text("Chrome on Linux")
    expect(host_row).to_contain_text(re.compile(r"just now|\d+ s ago"))
    expect(rows.filter(has_text="Cal Lee")).to_have_count(0)  # the caller's page is no screen

    host_row.get_by_role("textbox").fill("Desk left")
    host_row.get_by_role("button", name="Save").click()
    expect(caller_page.locator("[data-screens-notice]")).to_have_text("Named it “Desk left”.")

    host_row.get_by_role("button", name=re.compile("^Identify")).click()
    banner = host.get_by_test_id("screen-name")
    expect(banner).to_be_visible(timeout=6000)
    expect(banner).to_have_text("Desk left")
    shot(host, "host-identify")

    # Reload: the page is loaded anew (a marker set on this one is gone), and keeps its id:
    # still one row, with its name.
    host.evaluate("() => { window.beforeReload = true; }")
    with host.expect_navigation(timeout=8000):
        host_row.get_by_role("button", name=re.compile("^Reload")).click()
    expect(host.locator("[data-live]")).to_have_attribute("data-connection", "live")
    assert host.evaluate("() => window.beforeReload === undefined")
    caller_page.wait_for_function(
        "() => !document.querySelector('[data-screens-rows]').textContent.includes('reload waiting')",
        timeout=6000,
    )
    expect(rows.filter(has_text="Host view")).to_have_count(1)
    expect(rows.filter(has_text="Host view").get_by_role("textbox")).to_have_value("Desk left")
    caller_page.locator(".caller-screens").scroll_into_view_if_needed()
    shot(caller_page, "caller-screens")
    assert host.js_errors == []  # type: ignore[attr-defined]
    assert caller_page.js_errors == []  # type: ignore[attr-defined]


def test_alerts_on_the_host_view_flash_at_the_warning(
    caller_page: Page, host_context: BrowserContext, server: Server, episode: Episode
) -> None:
    host = open_page(host_context, server, f"/episodes/{episode.pk}/live/host/")
    toggle = host.get_by_role("button", name="Alerts off")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    root = host.locator("[data-live]")
    caller_page.get_by_role("button", name="Start").click()
    expect(host.locator(".host-segment")).to_have_text("Opening")

    # Off by default: crossing into the warning says nothing...
    LiveState.objects.filter(episode=episode).update(
        segment_started_at=timezone.now() - timedelta(minutes=3, seconds=5)
    )
    onair.live_changed(episode)
    expect(root).to_have_attribute("data-phase", "warning")
    assert root.get_attribute("data-alert-count") is None

    # ...turned on (and remembered for this screen), the next crossing flashes.
    toggle.click()
    expect(host.get_by_role("button", name="Alerts on")).to_have_attribute("aria-pressed", "true")
    assert host.evaluate("() => localStorage.getItem('showrunner-alerts:host')") == "on"
    LiveState.objects.filter(episode=episode).update(
        segment_started_at=timezone.now() - timedelta(minutes=2, seconds=58)
    )
    onair.live_changed(episode)
    expect(root).to_have_attribute("data-phase", "normal")
    expect(root).to_have_attribute("data-alert", "warning", timeout=6000)
    expect(root).to_have_class(re.compile(r"\balert-flash\b"))
    expect(root).to_have_attribute("data-alert-count", "1")
    shot(host, "host-alert-warning")

    # A message arrives: its own alert.
    caller_page.get_by_label("Message to the host").fill("Wrap up")
    caller_page.locator("[data-message-form]").first.get_by_role("button", name="Send").click()
    expect(root).to_have_attribute("data-alert", "message")
    expect(root).to_have_attribute("data-alert-count", "2")

    host.reload()
    expect(host.get_by_role("button", name="Alerts on")).to_be_visible()  # remembered
    assert host.js_errors == []  # type: ignore[attr-defined]

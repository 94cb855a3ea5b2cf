"""Screens on two app processes while one of them is killed and restarted mid-segment."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from episodes import live_clock, onair
from episodes.models import Episode, LiveState, Role
from speakers import links
from tests.browser.conftest import log_in
from tests.browser.test_live import open_page, seconds_of
from tests.factories import (
    make_appearance,
    make_episode,
    make_question,
    make_segment,
    make_speaker,
    make_user,
)
from tests.servers import Server, running_server, running_servers

pytestmark = pytest.mark.django_db(transaction=True)

RECONNECT_MS = 20_000  # a restarted process is found again within a few seconds; be generous


@dataclass
class Screen:
    name: str
    page: Page
    title: Locator
    timer: Locator


@pytest.fixture
def server() -> Iterator[Server]:
    with running_server() as running:
        yield running


@pytest.fixture
def servers() -> Iterator[tuple[Server, Server]]:
    with running_servers(2) as (a, b):
        yield a, b


@pytest.fixture
def episode() -> Episode:
    episode = make_episode(title="Live tonight", starts_at=timezone.now() + timedelta(minutes=10))
    dana = make_appearance(episode, make_speaker(name="Dana Li"))
    make_segment(episode, title="News", minutes=5)
    talk = make_segment(episode, title="Talk", kind="questions", minutes=20)
    make_segment(episode, title="Wrap up", minutes=3)
    make_question(talk, dana, text="How did you start?")
    return episode


def host_screen(name: str, context: BrowserContext, server: Server, episode: Episode) -> Screen:
    page = open_page(context, server, f"/episodes/{episode.pk}/live/host/")
    return Screen(name, page, page.locator(".host-segment"), page.get_by_test_id("host-remaining"))


def remaining_ms(episode: Episode) -> int:
    """What is left of the segment on air now, from the database alone."""
    state = LiveState.objects.select_related("segment").get(episode=episode)
    left = live_clock.remaining(
        onair.clock_of(state), state.segment.planned_max_seconds * 1000, timezone.now()
    )
    assert left is not None
    return left


def assert_shows_the_time_left(timer: Locator, episode: Episode, name: str = "") -> None:
    """The timer is within a second of the time left, at some instant while it was read."""
    most = remaining_ms(episode)
    shown = seconds_of(timer.inner_text()) * 1000
    least = remaining_ms(episode)
    assert least - 1000 <= shown <= most + 1000, (name, shown, least, most)


def test_restarting_the_only_server_mid_segment_keeps_the_host_right(
    server: Server, context: BrowserContext, episode: Episode
) -> None:
    log_in(context, server.url, make_user((episode.show, Role.SHOW_CALLER), username="caller"))
    caller = open_page(context, server, f"/episodes/{episode.pk}/live/caller/")
    host = open_page(context, server, f"/episodes/{episode.pk}/live/host/")
    expect(host.locator("[data-live]")).to_have_attribute("data-connection", "live")
    caller.get_by_role("button", name="Start").click()
    expect(host.locator(".host-segment")).to_have_text("News")

    server.kill()
    expect(host.locator("[data-live]")).not_to_have_attribute("data-connection", "live")
    server.start()  # the same port: screens find it again

    expect(host.locator("[data-live]")).to_have_attribute(
        "data-connection", "live", timeout=RECONNECT_MS
    )
    assert_shows_the_time_left(host.get_by_test_id("host-remaining"), episode)


def test_killing_one_process_mid_segment_keeps_every_screen_right(
    servers: tuple[Server, Server], browser: Browser, context: BrowserContext, episode: Episode
) -> None:
    a, b = servers
    log_in(context, b.url, make_user((episode.show, Role.SHOW_CALLER), username="caller"))
    caller = open_page(context, b, f"/episodes/{episode.pk}/live/caller/")
    guest_context = browser.new_context(viewport={"width": 1280, "height": 900})
    dana = episode.appearances.get().speaker
    guest = open_page(guest_context, a, f"/guest/{links.ensure_link(dana)}/episodes/{episode.pk}/")
    screens = [
        host_screen("host on A", context, a, episode),
        Screen(
            "guest on A",
            guest,
            guest.get_by_test_id("guest-live").locator('[data-field="segment-title"]'),
            guest.get_by_test_id("guest-remaining"),
        ),
        Screen(
            "caller on B",
            caller,
            caller.locator(".caller-segment"),
            caller.get_by_test_id("caller-remaining"),
        ),
        host_screen("host on B", context, b, episode),
    ]
    on_a = screens[:2]
    try:
        for screen in screens:
            expect(screen.page.locator("[data-live]")).to_have_attribute("data-connection", "live")
        caller.get_by_role("button", name="Start").click()
        for screen in screens:
            expect(screen.title).to_have_text("News")

        a.kill()  # kill -9, mid-segment
        for screen in on_a:
            expect(screen.page.locator("[data-live]")).not_to_have_attribute(
                "data-connection", "live"
            )
        caller.get_by_role("button", name="Next →").click()  # the show goes on through B
        expect(caller.locator(".caller-segment")).to_have_text("Talk")
        a.start()  # the same port: the screens on A find it again

        for screen in on_a:
            expect(screen.page.locator("[data-live]")).to_have_attribute(
                "data-connection", "live", timeout=RECONNECT_MS
            )
        for screen in screens:
            expect(screen.title).to_have_text("Talk", timeout=RECONNECT_MS)
        for screen in screens:
            assert_shows_the_time_left(screen.timer, episode, screen.name)
            assert seconds_of(screen.timer.inner_text()) <= 20 * 60 - 1  # it ran on meanwhile
        for screen in screens:
            assert screen.page.js_errors == [], screen.name  # type: ignore[attr-defined]
    finally:
        guest_context.close()

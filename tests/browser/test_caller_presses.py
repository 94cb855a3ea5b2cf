"""Every press counts on the show caller's page: five quick "+1 min" are five minutes."""

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, expect

from episodes.models import Episode, LiveState, Role
from tests.browser.conftest import log_in
from tests.factories import make_episode, make_segment, make_user
from tests.servers import Server, running_server

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server() -> Iterator[Server]:
    with running_server() as running:
        yield running


@pytest.fixture
def episode() -> Episode:
    episode = make_episode(title="Presses", starts_at=timezone.now() + timedelta(minutes=10))
    make_segment(episode, title="News", minutes=5)
    make_segment(episode, title="Talk", minutes=20)
    return episode


def test_five_quick_plus_presses_add_five_minutes_without_a_warning(
    context: BrowserContext, server: Server, episode: Episode
) -> None:
    log_in(context, server.url, make_user((episode.show, Role.SHOW_CALLER), username="caller"))
    page = context.new_page()
    page.goto(f"{server.url}/episodes/{episode.pk}/live/caller/")
    root = page.locator("[data-live]")
    expect(root).to_have_attribute("data-connection", "live")
    page.keyboard.press("Space")  # start
    expect(root).to_have_attribute("data-state", "running")

    for _ in range(5):
        page.keyboard.press("+", delay=150)  # each key held 150 ms: presses ~150 ms apart

    # Ten minutes in a five-minute segment, a few seconds gone: "9:5x" once all five land.
    expect(page.get_by_test_id("caller-remaining")).to_have_text(re.compile(r"^9:5\d$"))
    assert LiveState.objects.get(episode=episode).added_ms == 5 * 60_000
    expect(page.locator("#caller-notice")).not_to_contain_text("moved on")


def test_with_the_stream_down_the_caller_sees_their_own_press_from_its_answer(
    context: BrowserContext, server: Server, episode: Episode
) -> None:
    """No stream and no polling tick: the page's timers are stopped (Playwright's clock), so
    the only way the press can show is the command's answer and the fetch it starts at once."""
    log_in(context, server.url, make_user((episode.show, Role.SHOW_CALLER), username="caller"))
    page = context.new_page()
    now = timezone.now()
    page.clock.install(time=now)
    page.clock.pause_at(now + timedelta(seconds=1))  # no timer fires from here on
    page.route("**/live/stream/**", lambda route: route.abort())
    page.goto(f"{server.url}/episodes/{episode.pk}/live/caller/")
    root = page.locator("[data-live]")
    expect(root).to_have_attribute("data-state", "ready")
    expect(root).not_to_have_attribute("data-connection", re.compile("^(live|connecting)$"))

    page.keyboard.press("Space")  # start
    expect(root).to_have_attribute("data-state", "running")
    expect(page.locator(".caller-segment")).to_have_text("News")
    assert LiveState.objects.get(episode=episode).state == "running"

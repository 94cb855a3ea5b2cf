"""The live show in Chromium: the host's timer and the show caller's page, on a real server."""

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from episodes import live_screens, onair
from episodes.models import Episode, LiveState, Role
from tests.browser.conftest import log_in
from tests.factories import (
    make_appearance,
    make_episode,
    make_question,
    make_segment,
    make_speaker,
    make_user,
)
from tests.servers import Server, running_server

pytestmark = pytest.mark.django_db(transaction=True)

TIMER = re.compile(r"^\+?\d+:\d\d$")


@pytest.fixture
def server() -> Iterator[Server]:
    with running_server() as running:
        yield running


@pytest.fixture
def episode() -> Episode:
    episode = make_episode(title="Live tonight", starts_at=timezone.now() + timedelta(minutes=10))
    dana = make_appearance(episode, make_speaker(name="Dana Li"))
    make_segment(episode, title="News", minutes=5)
    talk = make_segment(episode, title="Talk", kind="questions", minutes=20)
    make_segment(episode, title="Wrap up", minutes=3)
    make_question(talk, dana, text="How did you start?")
    return episode


def open_page(context: BrowserContext, server: Server, path: str) -> Page:
    page = context.new_page()
    page.js_errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))  # type: ignore[attr-defined]
    page.goto(server.url + path)
    return page


@pytest.fixture
def caller_page(context: BrowserContext, server: Server, episode: Episode) -> Page:
    log_in(context, server.url, make_user((episode.show, Role.SHOW_CALLER), username="caller"))
    page = open_page(context, server, f"/episodes/{episode.pk}/live/caller/")
    expect(page.locator("[data-live]")).to_have_attribute("data-connection", "live")
    return page


@pytest.fixture
def host_page(context: BrowserContext, server: Server, episode: Episode, caller_page: Page) -> Page:
    page = open_page(context, server, f"/episodes/{episode.pk}/live/host/")
    expect(page.locator("[data-live]")).to_have_attribute("data-connection", "live")
    return page


def seconds_of(text: str) -> int:
    sign = -1 if text.startswith("+") else 1
    minutes, seconds = text.lstrip("+").split(":")[-2:]
    return sign * (int(minutes) * 60 + int(seconds))


def test_start_ticks_next_moves_the_host_and_pause_freezes_both(
    caller_page: Page, host_page: Page, episode: Episode
) -> None:
    host_timer = host_page.get_by_test_id("host-remaining")
    expect(host_page.locator(".host-segment")).to_have_text("Up first: News")

    caller_page.get_by_role("button", name="Start").click()

    expect(host_page.locator(".host-segment")).to_have_text("News")
    # 5:00 when it starts; a loaded machine may draw it first a few seconds in.
    expect(host_timer).to_have_text(re.compile(r"^(5:00|4:[0-5]\d)$"))
    expect(host_timer).not_to_have_text(host_timer.inner_text())  # it ticks
    expect(host_page.get_by_test_id("host-next")).to_have_text("Talk")

    caller_page.get_by_role("button", name="Next →").click()
    expect(host_page.locator(".host-segment")).to_have_text("Talk")
    expect(host_timer).to_have_text(re.compile(r"^(20:00|19:59)$"))
    expect(host_page.locator(".live-question-text")).to_have_text("How did you start?")

    caller_page.keyboard.press("Space")  # pause
    expect(host_page.locator("[data-live]")).to_have_attribute("data-state", "paused")
    # Frozen in what the screens are sent: a paused clock's remaining time is the same a minute
    # on, and both pages show that figure (no pause waited out before looking).
    sent = live_screens.snapshot(episode.pk)
    now = timezone.now()
    remaining_ms = live_screens.at_now(sent, now)["remaining_ms"]
    assert live_screens.at_now(sent, now + timedelta(minutes=1))["remaining_ms"] == remaining_ms
    seconds = -(-remaining_ms // 1000)  # rounded up, as static/js/clock.js countdown() does
    shown = f"{seconds // 60}:{seconds % 60:02d}"
    expect(host_timer).to_have_text(shown)
    expect(caller_page.get_by_test_id("caller-remaining")).to_have_text(shown)
    assert host_page.js_errors == []  # type: ignore[attr-defined]
    assert caller_page.js_errors == []  # type: ignore[attr-defined]


def test_overtime_turns_red_and_counts_up(
    caller_page: Page, host_page: Page, episode: Episode
) -> None:
    caller_page.get_by_role("button", name="Start").click()
    expect(host_page.locator(".host-segment")).to_have_text("News")
    # Put the anchors in the past rather than faking the browser's clock (the pages would
    # correct it away): the segment started 5 minutes and 3 seconds ago.
    LiveState.objects.filter(episode=episode).update(
        segment_started_at=timezone.now() - timedelta(minutes=5, seconds=3)
    )
    onair.live_changed(episode)

    root = host_page.locator("[data-live]")
    expect(root).to_have_attribute("data-phase", "overtime")
    timer = host_page.get_by_test_id("host-remaining")
    expect(timer).to_have_text(re.compile(r"^\+0:0[3-5]$"))
    first = seconds_of(timer.inner_text())
    expect(timer).not_to_have_text(timer.inner_text(), timeout=2500)
    assert seconds_of(timer.inner_text()) < first  # counting up: more negative remaining
    color = timer.evaluate("el => getComputedStyle(el).color")
    assert color == "rgb(255, 59, 48)"


def test_a_message_appears_and_clears(caller_page: Page, host_page: Page) -> None:
    caller_page.get_by_label("Message to the host").fill("Wrap up in one minute")
    caller_page.locator("form[data-message-form]").first.get_by_role("button", name="Send").click()

    message = host_page.locator(".host-message")
    expect(message.locator(".message-text")).to_have_text("Wrap up in one minute")
    expect(message).to_be_visible()

    caller_page.locator("form[data-message-form]").first.get_by_role("button", name="Clear").click()
    expect(message).to_be_hidden()


def test_a_double_next_advances_once(caller_page: Page, host_page: Page, episode: Episode) -> None:
    caller_page.get_by_role("button", name="Start").click()
    expect(host_page.locator(".host-segment")).to_have_text("News")

    caller_page.get_by_role("button", name="Next →").dblclick()

    expect(host_page.locator(".host-segment")).to_have_text("Talk")
    # The second press has been answered once the caller is told the show moved on; by then the
    # server has decided, so its state (not the page after a pause) says it advanced once.
    expect(caller_page.locator("#caller-notice")).to_contain_text("moved on")
    assert onair.state_of(episode).segment.title == "Talk"
    expect(host_page.locator(".host-segment")).to_have_text("Talk")


def test_a_second_caller_cannot_act_until_taking_over(
    browser: Browser, server: Server, caller_page: Page, episode: Episode
) -> None:
    caller_page.get_by_role("button", name="Start").click()
    expect(caller_page.get_by_test_id("controller")).to_have_text("caller is calling the show")
    other_context = browser.new_context(viewport={"width": 1280, "height": 900})
    log_in(
        other_context, server.url, make_user((episode.show, Role.SHOW_CALLER), username="second")
    )
    second = open_page(other_context, server, f"/episodes/{episode.pk}/live/caller/")

    expect(second.get_by_role("button", name="Next →")).to_be_disabled()
    second.keyboard.press("ArrowRight")
    expect(second.locator("#caller-notice")).to_contain_text("caller is calling the show")
    assert onair.state_of(episode).segment.title == "News"

    second.get_by_role("button", name="Take over").click()
    expect(second.get_by_test_id("controller")).to_have_text("second is calling the show")
    expect(caller_page.get_by_test_id("controller")).to_have_text("second is calling the show")
    expect(caller_page.get_by_role("button", name="Next →")).to_be_disabled()
    second.get_by_role("button", name="Next →").click()
    expect(second.locator(".caller-segment")).to_have_text("Talk")
    other_context.close()

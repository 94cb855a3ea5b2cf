"""Cues on the host's and a guest's screen: they expire with their segment, show their age,
and "Got it" tells the caller the message was read."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from episodes import live_screens, onair
from episodes.models import Episode, Role
from speakers import links
from tests.browser.conftest import DEADLINE_MS, log_in
from tests.factories import make_appearance, make_episode, make_segment, make_speaker, make_user
from tests.servers import Server, running_server

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server() -> Iterator[Server]:
    with running_server() as running:
        yield running


@pytest.fixture
def episode() -> Episode:
    episode = make_episode(title="Cues", starts_at=timezone.now() + timedelta(minutes=10))
    make_segment(episode, title="News", minutes=5)
    make_segment(episode, title="Talk", minutes=20)
    return episode


def live_page(context: BrowserContext, url: str) -> Page:
    page = context.new_page()
    page.goto(url)
    expect(page.locator("[data-live]")).to_have_attribute("data-connection", "live")
    return page


def test_the_host_taps_got_it_and_the_caller_sees_it_read(
    context: BrowserContext, server: Server, episode: Episode
) -> None:
    log_in(context, server.url, make_user((episode.show, Role.SHOW_CALLER), username="caller"))
    caller = live_page(context, f"{server.url}/episodes/{episode.pk}/live/caller/")
    host = live_page(context, f"{server.url}/episodes/{episode.pk}/live/host/")
    caller.keyboard.press("Space")  # start
    expect(host.locator("[data-live]")).to_have_attribute("data-state", "running")

    caller.get_by_label("Message to the host").fill("Wrap up in one minute please")
    caller.get_by_label("Message to the host").press("Enter")
    message = host.get_by_test_id("host-message")
    expect(message.locator(".message-text")).to_have_text("Wrap up in one minute please")
    expect(message).to_contain_text("sent just now")
    expect(caller.get_by_test_id("caller-message-read")).to_have_text("not read yet")

    host.get_by_role("button", name="Got it").click()

    expect(caller.get_by_test_id("caller-message-read")).to_contain_text("read")
    expect(caller.get_by_test_id("caller-message-read")).not_to_have_text("not read yet")
    expect(message).to_contain_text("✓ Got it")

    caller.get_by_role("button", name="Next →").click()  # its segment ends: so does the cue
    expect(host.locator(".host-segment")).to_have_text("Talk")
    expect(message).to_be_hidden()


def test_a_guests_up_next_cue_goes_when_their_segment_starts(
    browser: Browser, context: BrowserContext, server: Server, episode: Episode
) -> None:
    dana = make_appearance(episode, make_speaker(name="Dana Li"))
    talk = episode.segments.get(title="Talk")
    talk.owner = dana
    talk.save()
    caller = make_user((episode.show, Role.SHOW_CALLER), username="caller")
    onair.perform(episode, "start", user=caller, now=timezone.now(), version=None, source="t")
    onair.send_message(episode, "You're on in 2 minutes", user=caller, now=timezone.now(), to=dana)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    phone.set_default_timeout(DEADLINE_MS)
    guest = live_page(
        phone, f"{server.url}/guest/{links.ensure_link(dana.speaker)}/episodes/{episode.pk}/"
    )
    cue = guest.get_by_test_id("guest-message")
    expect(cue.locator(".message-text")).to_have_text("You're on in 2 minutes")

    guest.get_by_role("button", name="Got it").click()
    expect(cue).to_contain_text("✓ Got it")
    onair.perform(episode, "next", user=caller, now=timezone.now(), version=None, source="t")

    expect(guest.get_by_test_id("guest-up")).to_have_text("You're on now")
    expect(cue).to_be_hidden()
    assert live_screens.snapshot(episode.pk, live_screens.TEAM)["guest_messages"] == []
    phone.close()

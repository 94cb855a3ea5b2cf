"""Fingers fit: every link, button and field on a guest's pages on a phone (390 px wide), and on
the caller's page on a tablet (1024×768), is at least 44×44 CSS px."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from episodes.models import Episode, Role
from speakers import links
from tests.browser.conftest import log_in
from tests.browser.looks import small_targets
from tests.factories import (
    make_appearance,
    make_episode,
    make_question,
    make_segment,
    make_show,
    make_speaker,
    make_user,
)
from tests.servers import Server, running_server

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server() -> Iterator[Server]:
    with running_server() as running:
        yield running


@pytest.fixture
def episode() -> Episode:
    show = make_show(name="Build Night", time_zone="Europe/Berlin")
    episode = make_episode(
        show=show,
        title="Plugins",
        starts_at=timezone.now() + timedelta(minutes=20),
        join_url="https://studio.example.org/build-night",
    )
    amara = make_appearance(
        episode,
        make_speaker(name="Amara Okafor", email="amara@example.org", show=show),
        notes="Bring code",
    )
    make_appearance(episode, make_speaker(name="Ravi Shah", show=show))
    news = make_segment(episode, title="News", minutes=5)
    make_segment(episode, title="Talk", kind="questions", minutes=20)
    make_question(news, amara, text="What happened this week?")
    past = make_episode(show=show, title="Last time", starts_at=timezone.now() - timedelta(days=7))
    make_appearance(past, amara.speaker)
    return episode


def test_every_tap_target_on_a_guests_phone_is_big_enough(
    browser: Browser, server: Server, episode: Episode
) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="en-GB",
        timezone_id="Asia/Tokyo",
        has_touch=True,
        is_mobile=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    token = links.ensure_link(episode.appearances.get(speaker__name="Amara Okafor").speaker)
    too_small = {}
    for path in ["", f"episodes/{episode.pk}/", "profile/"]:
        page.goto(f"{server.url}/guest/{token}/{path}")
        expect(page.locator("main")).to_be_visible()
        if path.startswith("episodes"):
            live = page.locator("[data-live]")
            expect(live).to_have_attribute("data-connection", "live")
        found = small_targets(page)
        if found:
            too_small[path or "portal"] = found
    assert too_small == {}
    context.close()


def test_every_tap_target_on_the_callers_tablet_is_big_enough(
    browser: Browser, server: Server, episode: Episode
) -> None:
    context = browser.new_context(
        viewport={"width": 1024, "height": 768}, locale="en-GB", has_touch=True
    )
    context.set_default_timeout(10_000)
    log_in(context, server.url, make_user((episode.show, Role.SHOW_CALLER)))
    page = context.new_page()
    page.goto(f"{server.url}/episodes/{episode.pk}/live/caller/")
    root = page.locator("[data-live]")
    expect(root).to_have_attribute("data-connection", "live")
    found = {"ready": small_targets(page)}

    page.get_by_role("button", name="Start").click()
    expect(root).to_have_attribute("data-state", "running")
    expect(page.locator("#caller-questions button").first).to_be_visible()
    found["running"] = small_targets(page)

    assert found == {"ready": [], "running": []}
    context.close()

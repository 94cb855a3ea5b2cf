"""The live pages as people see them: paused reads PAUSED, ON AIR only while on air, and every
text readable against its background (WCAG AA) on the host's, the caller's and a guest's page,
in every state of the show."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from episodes import onair
from episodes.models import Episode, LiveState, Role
from speakers import links
from tests.browser.conftest import log_in
from tests.browser.looks import poor_contrast
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


@pytest.fixture
def server() -> Iterator[Server]:
    with running_server() as running:
        yield running


@pytest.fixture
def episode() -> Episode:
    episode = make_episode(title="Live tonight", starts_at=timezone.now() + timedelta(minutes=10))
    dana = make_appearance(episode, make_speaker(name="Dana Li"))
    news = make_segment(episode, title="News", minutes=5)
    talk = make_segment(episode, title="Talk", kind="questions", minutes=20)
    make_segment(episode, title="Wrap up", minutes=3)
    make_question(news, dana, text="What happened this week?")
    make_question(talk, dana, text="How did you start?")
    return episode


def new_page(browser: Browser, server: Server, path: str, **options: object) -> Page:
    context = browser.new_context(locale="en-GB", **options)  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.js_errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))  # type: ignore[attr-defined]
    page.context.base = server.url  # type: ignore[attr-defined]
    return page


def started_ago(episode: Episode, seconds: int) -> None:
    """Move the running segment's start into the past (the pages keep the server's clock)."""
    LiveState.objects.filter(episode=episode).update(
        segment_started_at=timezone.now() - timedelta(seconds=seconds)
    )
    onair.live_changed(episode)


def test_paused_reads_paused_and_every_text_is_readable_in_every_state(
    browser: Browser, server: Server, episode: Episode
) -> None:
    caller_user = make_user((episode.show, Role.SHOW_CALLER), username="caller")
    dana = episode.appearances.get().speaker
    pages = {}
    for name, path, options in [
        (
            "host",
            f"/episodes/{episode.pk}/live/host/",
            {"viewport": {"width": 1920, "height": 1080}},
        ),
        (
            "caller",
            f"/episodes/{episode.pk}/live/caller/",
            {"viewport": {"width": 1024, "height": 768}},
        ),
        (
            "guest",
            f"/guest/{links.ensure_link(dana)}/episodes/{episode.pk}/",
            {"viewport": {"width": 390, "height": 844}, "timezone_id": "Asia/Tokyo"},
        ),
    ]:
        page = new_page(browser, server, path, **options)
        if name != "guest":
            log_in(page.context, server.url, caller_user)
        page.goto(server.url + path)
        expect(page.locator("[data-live]")).to_have_attribute("data-connection", "live")
        pages[name] = page

    def act(action: str) -> None:
        onair.perform(
            episode, action, user=caller_user, now=timezone.now(), version=None, source="test"
        )

    steps = [
        ("ready", "normal", lambda: None),
        ("running", "normal", lambda: act("start")),
        ("paused", "normal", lambda: act("pause")),
        ("running", "warning", lambda: (act("resume"), started_ago(episode, 300 - 100))),
        ("running", "danger", lambda: started_ago(episode, 300 - 40)),
        ("running", "overtime", lambda: started_ago(episode, 300 + 3)),
        ("paused", "overtime", lambda: act("pause")),
    ]
    unreadable = []
    for state, phase, step in steps:
        step()
        for name, page in pages.items():
            root = page.locator("[data-live]")
            expect(root).to_have_attribute("data-state", state)
            expect(root).to_have_attribute("data-phase", phase)
            mode = page.locator("[data-field=mode]")
            if state == "paused":
                expect(mode).to_have_text("Paused")
                expect(page.get_by_test_id("paused")).to_have_text("PAUSED", use_inner_text=True)
                expect(page.get_by_test_id("paused")).to_be_visible()
            elif state == "running":
                expect(mode).to_have_text("On air")
                expect(page.get_by_test_id("paused")).to_be_hidden()
            words = page.locator("body").inner_text().upper()
            assert ("ON AIR" in words) == (state == "running"), (name, state, words[:300])
            unreadable += [f"{name}, {state}/{phase}: {text}" for text in poor_contrast(page)]
    assert unreadable == [], "\n".join(unreadable)
    for page in pages.values():
        assert page.js_errors == []  # type: ignore[attr-defined]
        page.context.close()

"""An open editor follows the plan, not the live show: a caller pausing, adding time, sending
messages and ticking questions refreshes no editor; a segment going on air does (it locks)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, Request, expect

from episodes import onair
from episodes.models import Role
from tests.browser.conftest import log_in
from tests.factories import (
    make_appearance,
    make_episode,
    make_question,
    make_segment,
    make_speaker,
    make_user,
)

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for_polls(page: Page, more: int) -> None:
    """Until the editor has asked the server for the plan's revision ``more`` times again
    (and had its answer), so a refresh it would start has started."""
    for _ in range(more):
        with page.expect_response(lambda r: "/edit/revision/" in r.url, timeout=20_000):
            pass


def test_the_editor_is_not_refreshed_by_pauses_time_messages_and_ticks(
    live_server: object, context: BrowserContext, page: Page
) -> None:
    episode = make_episode(title="Plan")
    talk = make_segment(episode, title="Talk", kind="questions", minutes=20)
    wrap = make_segment(episode, title="Wrap up", minutes=3)
    dana = make_appearance(episode, make_speaker(name="Dana Li"))
    question = make_question(talk, dana, text="How did you start?")
    caller = make_user((episode.show, Role.SHOW_CALLER))
    log_in(context, live_server.url, make_user((episode.show, Role.PRODUCER)))  # type: ignore[attr-defined]
    onair.perform(episode, "start", user=caller, now=timezone.now(), version=None, source="t")
    refreshes: list[Request] = []
    page.on("request", lambda r: refreshes.append(r) if "part=body" in r.url else None)
    page.goto(f"{live_server.url}/episodes/{episode.pk}/edit/")  # type: ignore[attr-defined]
    expect(page.locator(f"#segment-{talk.pk} .on-air-badge")).to_be_visible()
    wait_for_polls(page, 1)

    start = timezone.now()
    presses = [("pause", None), ("resume", None), ("add_time", 60), ("add_time", 60)]
    for step, (action, seconds) in enumerate(presses, start=1):
        onair.perform(
            episode,
            action,
            user=caller,
            now=start + timedelta(seconds=2 * step),
            version=None,
            source="t",
            seconds=seconds,
        )
    onair.send_message(episode, "Wrap up in one minute", user=caller, now=start)
    onair.mark_question(question, "asked", user=caller)
    wait_for_polls(page, 3)

    assert refreshes == []

    onair.perform(episode, "next", user=caller, now=timezone.now(), version=None, source="t")
    expect(page.locator(f"#segment-{wrap.pk} [name=kind]")).to_be_disabled()
    assert len(refreshes) == 1

"""Starting out with the demo: "New episode" gives the show's run-sheet, the editor's fields
fit what they hold, and the caller's page opens on the show to come."""

from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, Page, expect

from episodes.models import Episode, LiveState, SegmentRun
from tests.browser.conftest import DEADLINE_MS, log_in
from tests.servers import Server, running_server

pytestmark = pytest.mark.django_db(transaction=True)

# Each visible field of the editor's header whose text is wider than the field shows.
CUT_FIELDS_JS = """
() => [...document.querySelectorAll("#editor-header input, #editor-header select")]
  .filter((el) => el.type !== "hidden" && el.checkVisibility())
  .filter((el) => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().width < 64)
  .map((el) => `${el.name} (${el.value}): ${el.clientWidth} px shows ${el.scrollWidth} px`)
"""


@pytest.fixture
def server() -> Iterator[Server]:
    with running_server() as running:
        yield running


@pytest.fixture
def demo(tmp_path: Path) -> None:
    call_command("load_demo", "--logins-file", str(tmp_path / "logins.json"), stdout=StringIO())


def signed_in(browser: Browser, server: Server, username: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
    context.set_default_timeout(DEADLINE_MS)
    log_in(context, server.url, get_user_model().objects.get(username=username))
    page = context.new_page()
    page.js_errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))  # type: ignore[attr-defined]
    return context, page


def test_new_episode_of_the_demo_show_starts_with_its_run_sheet(
    browser: Browser, server: Server, demo: None
) -> None:
    context, page = signed_in(browser, server, "producer")

    page.goto(f"{server.url}/shows/build-night/")
    page.get_by_role("button", name="New episode").click()

    expect(page.locator("#episode-number")).to_have_value("44")
    titles = page.locator(".segment .col-title input")
    expect(titles).to_have_count(6)
    assert titles.evaluate_all("els => els.map(e => e.value)") == [
        "Hook",
        "News",
        "Speaker intro",
        "Questions",
        "Demo",
        "Wrap-up",
    ]
    expect(page.get_by_test_id("total-planned")).to_have_text("32–38 min")
    assert page.evaluate(CUT_FIELDS_JS) == []
    assert page.js_errors == []  # type: ignore[attr-defined]
    context.close()


def test_the_templates_fields_show_all_they_hold(
    browser: Browser, server: Server, demo: None
) -> None:
    context, page = signed_in(browser, server, "producer")

    page.goto(f"{server.url}/shows/build-night/template/")

    expect(page.get_by_role("heading", name="Template for Build Night")).to_be_visible()
    expect(page.locator("#episode-title")).to_have_value("Template")
    assert page.evaluate(CUT_FIELDS_JS) == []
    page.goto(f"{server.url}/episodes/{Episode.objects.get(number=43).pk}/edit/")
    assert page.evaluate(CUT_FIELDS_JS) == []
    context.close()


def test_the_callers_page_opens_on_the_show_to_come_not_yesterdays_rehearsal(
    browser: Browser, server: Server, demo: None
) -> None:
    upcoming = Episode.objects.get(number=42)
    assert LiveState.objects.get(episode=upcoming).state == "ended"  # rehearsed yesterday
    context, page = signed_in(browser, server, "caller")

    page.goto(f"{server.url}/episodes/{upcoming.pk}/live/caller/")

    root = page.locator("[data-live]")
    expect(root).to_have_attribute("data-connection", "live")
    expect(root).to_have_attribute("data-state", "ready")
    expect(root).to_have_attribute("data-rehearsal", "false")
    expect(page.locator("[data-field=mode]")).to_have_text("Not started")
    first = upcoming.segments.order_by("position").first()
    assert first is not None
    expect(page.locator(".caller-segment")).to_have_text(f"Up first: {first.title}")
    expect(page.get_by_role("button", name="Start")).to_be_enabled()
    expect(page.locator("#mode-toggle")).to_have_text("Switch to rehearsal")
    # The rehearsal's times are still there, apart from the show's.
    assert SegmentRun.objects.filter(episode=upcoming, is_rehearsal=True).count() == 6
    assert page.js_errors == []  # type: ignore[attr-defined]
    context.close()

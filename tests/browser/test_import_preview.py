"""The import preview as a producer sees it: everything that will be saved, and apart, the
lines kept only as notes with their numbers. ``SHOWRUNNER_SCREENSHOTS=<folder>`` saves a
picture of each state."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from episodes.models import Episode, Role, Show
from tests.browser.conftest import log_in
from tests.factories import make_show, make_user

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "runsheets"
SHOTS = os.environ.get("SHOWRUNNER_SCREENSHOTS")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture
def show() -> Show:
    return make_show(name="Late Show", slug="late-show", time_zone="Europe/Berlin")


@pytest.fixture
def producer_page(live_server: LiveServer, context: BrowserContext, page: Page, show: Show) -> Page:
    log_in(context, live_server.url, make_user((show, Role.PRODUCER)))
    page.goto(f"{live_server.url}/shows/late-show/import/")
    return page


def js_errors(page: Page) -> list[str]:
    """What tests/browser/conftest.py's page fixture collected."""
    errors: list[str] = vars(page)["js_errors"]
    return errors


def paste(page: Page, text: str) -> None:
    page.get_by_label("Paste a run-sheet or recap post").fill(text)
    page.get_by_role("button", name="Preview").click()


def test_the_late_show_preview_shows_number_guests_and_whom_each_question_is_for(
    producer_page: Page, show: Show
) -> None:
    page = producer_page

    paste(page, (FIXTURES / "late-show-112.md").read_text())

    preview = page.get_by_test_id("preview")
    expect(page.get_by_test_id("preview-number")).to_have_text("112")
    expect(page.get_by_test_id("preview-people")).to_contain_text("Ana Lopez (guest)")
    expect(page.get_by_test_id("preview-people")).to_contain_text("Ben Ode (guest)")
    expect(preview).to_contain_text("to Ana Lopez: how did widgets start?")
    expect(preview).to_contain_text("to Ben Ode: what is a gadget?")
    expect(preview).to_contain_text("to both (Ana Lopez and Ben Ode): what comes next?")
    expect(page.get_by_test_id("kept-as-notes")).to_contain_text("Nothing")
    shot(page, "import-preview-late-show")
    assert not Episode.objects.exists()

    page.get_by_role("button", name="Save 1 episode").click()

    expect(page.locator("#episode-title")).to_have_value("Widgets and gadgets")
    assert Episode.objects.get().number == 112
    assert js_errors(page) == []


def test_lines_kept_only_as_notes_are_listed_with_their_line_numbers(
    producer_page: Page,
) -> None:
    page = producer_page

    paste(page, (FIXTURES / "talk-show-12.md").read_text())

    kept = page.get_by_test_id("kept-as-notes")
    expect(kept.locator("tbody tr")).to_have_count(3)
    expect(kept.locator("tbody tr").first).to_contain_text("13")
    expect(kept.locator("tbody tr").first).to_contain_text("speakers: intro")
    shot(page, "import-preview-kept-as-notes")
    assert js_errors(page) == []


def test_a_paste_over_the_limit_is_refused_in_the_page_and_stays(producer_page: Page) -> None:
    page = producer_page
    box = page.get_by_label("Paste a run-sheet or recap post")
    box.evaluate("(el) => { el.value = '# Late Show 1\\n' + 'x'.repeat(600000); }")

    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_role("alert")).to_contain_text("The paste is 600,014 characters long")
    assert box.evaluate("(el) => el.value.length") == 600_014
    shot(page, "import-paste-too-long")
    assert not Episode.objects.exists()
    assert js_errors(page) == []

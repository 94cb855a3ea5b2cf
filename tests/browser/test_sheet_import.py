"""A producer imports a spreadsheet: the column-mapping step in a real browser."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from episodes.models import Episode, Role
from tests.browser.conftest import log_in
from tests.factories import make_show, make_user

pytestmark = pytest.mark.django_db(transaction=True)

SHEET = (
    "Segment,Length,Type,Presenter,Questions,Camera\n"
    "Welcome,2,Intro,Dana Li,,1\n"
    "Chat with Omar,10-15 mins,Questions,Dana Li,"
    '"Omar Haddad: how did it start?\nAll: what next?",2\n'
    "Wrap,0:03:00,Wrap-up,,,1\n"
)
SHOTS = os.environ.get("SHOWRUNNER_SCREENSHOTS", "")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / name), full_page=True)


def choose(page: Page, column: str, meaning: str) -> None:
    """Picks what a column holds once the page's script follows the choices (a module script
    runs after the page is shown: a choice made before it would not update the preview)."""
    expect(page.locator("[data-sheet-mapping]")).to_have_attribute("data-follows", "true")
    page.get_by_label(f"Column {column} holds").select_option(meaning)


def test_change_a_column_then_save(
    live_server: LiveServer, context: BrowserContext, page: Page, tmp_path: Path
) -> None:
    show = make_show(slug="talk-show", name="Talk Show")
    log_in(context, live_server.url, make_user((show, Role.PRODUCER)))
    plan = tmp_path / "plan.csv"
    plan.write_text(SHEET)

    page.goto(f"{live_server.url}/shows/talk-show/import/")
    page.get_by_label("…or upload a file").set_input_files(str(plan))
    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_role("heading", name="Import a spreadsheet")).to_be_visible()
    preview = page.get_by_test_id("preview")
    expect(preview).to_contain_text("Camera: 2")
    expect(page.get_by_label("Column F holds")).to_have_value("notes")
    shot(page, "sheet-mapping.png")

    choose(page, "F", "ignore")  # the preview follows at once

    expect(page.get_by_test_id("sheet-ignored")).to_have_text("Not imported: column F (Camera).")
    expect(preview).not_to_contain_text("Camera: 2")
    expect(page.get_by_label("Column F holds")).to_have_value("ignore")

    choose(page, "B", "title")  # two title columns: named
    expect(page.get_by_test_id("sheet-problems")).to_contain_text("Columns A, B are all marked")
    expect(page.get_by_role("button", name="Save the episode")).to_have_count(0)
    choose(page, "B", "duration")
    expect(page.get_by_test_id("sheet-problems")).to_have_count(0)

    page.get_by_label("Episode number").fill("41")
    page.get_by_role("button", name="Update the preview").click()
    expect(preview.get_by_role("heading", level=2)).to_have_text("#41 Untitled")
    shot(page, "sheet-preview.png")

    page.get_by_role("button", name="Save the episode").click()

    expect(page).to_have_url(f"{live_server.url}/episodes/{Episode.objects.get().pk}/edit/")
    episode = Episode.objects.get()
    assert episode.number == 41
    assert list(episode.segments.order_by("position").values_list("title", "notes")) == [
        ("Welcome", ""), ("Chat with Omar", ""), ("Wrap", ""),
    ]  # fmt: skip
    assert vars(page).get("js_errors") == []  # the page fixture's console and network errors


def test_cells_that_cannot_be_read_are_named(
    live_server: LiveServer, context: BrowserContext, page: Page, tmp_path: Path
) -> None:
    show = make_show(slug="talk-show", name="Talk Show")
    log_in(context, live_server.url, make_user((show, Role.PRODUCER)))
    plan = tmp_path / "plan.csv"
    plan.write_text("Item,Mins,Kind\nOpen,5,Intro\nChat,ten minutes,Chat\nWrap,-3,\n")

    page.goto(f"{live_server.url}/shows/talk-show/import/")
    page.get_by_label("…or upload a file").set_input_files(str(plan))
    page.get_by_role("button", name="Preview").click()

    problems = page.get_by_test_id("sheet-problems")
    expect(problems).to_contain_text("B3: “ten minutes” is not a duration")
    expect(problems).to_contain_text("C3: “Chat” is not a kind")
    expect(problems).to_contain_text("B4: “-3” is negative")
    expect(page.get_by_role("button", name="Save the episode")).to_have_count(0)
    shot(page, "sheet-problems.png")
    assert not Episode.objects.exists()

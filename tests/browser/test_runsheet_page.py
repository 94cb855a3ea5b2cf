"""A producer logs in and reads an imported episode's run-sheet in a real browser."""

from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from episodes.models import Episode, Role
from tests.factories import make_user

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "runsheets"

pytestmark = pytest.mark.django_db(transaction=True)


def test_log_in_and_read_the_times_of_an_imported_run_sheet(
    live_server: object, page: Page
) -> None:
    call_command(
        "import_runsheet", str(FIXTURES / "talk-show-12.md"), stdout=StringIO(), stderr=StringIO()
    )
    episode = Episode.objects.get()
    episode.starts_at = datetime(2026, 3, 3, 17, 0, tzinfo=UTC)
    episode.save()
    make_user((episode.show, Role.PRODUCER), username="pat", password="a-long-test-password")

    page.goto(f"{live_server.url}/")  # type: ignore[attr-defined]
    page.get_by_label("Username").fill("pat")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Talk Show").first.click()
    page.get_by_role("link", name="#12 Building a Widget Together").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Building a Widget Together")
    starts = page.locator(".segment-row .front").all_inner_texts()
    assert [text.split("\n")[0] for text in starts] == [
        "17:00",
        "17:01",
        "17:03",
        "17:05",
        "17:25",
        "17:30–17:35",
    ]
    expect(page.get_by_test_id("total-planned")).to_have_text("32–37 min")
    expect(page.get_by_test_id("over-under")).to_have_text("23 min to 28 min")
    expect(page.locator("#runsheet-totals")).to_have_class("totals verdict-under")
    expect(page.get_by_role("heading", name="For Dana Li").first).to_be_visible()
    assert page.js_errors == []  # type: ignore[attr-defined]

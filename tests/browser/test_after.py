"""After the show, in a real browser: the report with its chart, and the chapters editor."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from episodes.models import Episode, Role, Show
from tests.browser.conftest import log_in
from tests.factories import (
    make_episode,
    make_question,
    make_run,
    make_segment,
    make_show,
    make_user,
)

pytestmark = pytest.mark.django_db(transaction=True)


def aired(show: Show, number: int, talk_seconds: int) -> Episode:
    episode = make_episode(
        show=show,
        number=number,
        title=f"Episode {number}",
        starts_at=datetime(2026, 3, 3, 17, 0, tzinfo=UTC) + timedelta(days=7 * number),
        target_seconds=1800,
        status=Episode.Status.DONE,
    )
    segments = [
        make_segment(episode, title="News", kind="news", planned_seconds=300, planned_max_seconds=300),
        make_segment(episode, title="Talk with Dana", kind="questions", planned_seconds=1200,
                     planned_max_seconds=1200),
        make_segment(episode, title="Wrap up", kind="wrap_up", planned_seconds=180, planned_max_seconds=180),
    ]  # fmt: skip
    make_question(segments[1], text="How did you start?", status="asked")
    start = episode.starts_at
    for segment, seconds in zip(segments, [300, talk_seconds, 150], strict=True):
        make_run(segment, start, seconds)
        start += timedelta(seconds=seconds)
    return episode


def test_the_report_shows_each_segment_against_its_plan_and_the_show_chart(
    live_server: object, context: BrowserContext, page: Page
) -> None:
    show = make_show(name="Build Night", slug="build-night")
    aired(show, 1, 1320)
    episode = aired(show, 2, 1500)
    log_in(context, live_server.url, make_user((show, Role.HOST)))  # type: ignore[attr-defined]

    page.goto(f"{live_server.url}/episodes/{episode.pk}/")  # type: ignore[attr-defined]
    page.get_by_role("link", name="Planned vs actual").click()

    table = page.get_by_test_id("report-table")
    talk = table.get_by_role("row", name="Talk with Dana")
    expect(talk).to_contain_text("+5 min")
    expect(talk).to_have_class("report-row result-over")
    expect(table.get_by_role("row", name="Wrap up")).to_contain_text("−30 s")
    expect(page.get_by_test_id("actual-total")).to_have_text("32 min 30 s")
    expect(page.get_by_test_id("target-delta")).to_have_text("+2 min 30 s")

    page.get_by_role("link", name="All episodes").click()
    chart = page.get_by_test_id("kind-chart")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None
    assert box["width"] > 600
    bars = chart.locator("rect.bar-actual")
    expect(bars).to_have_count(3)
    # Questions ran 22 and 25 min against 20: its bar is the longest, and marked as over.
    widths = [float(bars.nth(i).get_attribute("width") or 0) for i in range(3)]
    assert widths[1] == max(widths)
    expect(bars.nth(1)).to_have_class("bar-actual is-over")
    expect(page.get_by_test_id("kind-table")).to_contain_text("2 of 2 (100 %)")
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_the_producer_edits_chapters_fixes_a_mistake_saves_and_copies(
    live_server: object, context: BrowserContext, page: Page
) -> None:
    url = live_server.url  # type: ignore[attr-defined]
    show = make_show(name="Build Night", slug="build-night")
    episode = aired(show, 1, 1500)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    log_in(context, url, make_user((show, Role.PRODUCER)))

    page.goto(f"{url}/episodes/{episode.pk}/report/")
    page.get_by_role("link", name="Video chapters").click()
    box = page.get_by_label("Chapters, one a line")
    expect(box).to_have_value("00:00 News\n05:00 Talk with Dana\n30:00 Wrap up\n")

    box.fill("00:00 News\n00:04 Dana on plugins\n30:00 Wrap up\n")
    page.get_by_role("button", name="Save edits").click()
    expect(page.get_by_role("alert")).to_contain_text("Line 2: The chapter before this one is 4 s")
    expect(box).to_have_value("00:00 News\n00:04 Dana on plugins\n30:00 Wrap up\n")

    box.fill("00:00 News\n5:00 Dana on plugins\n30:00 Wrap up\n")
    page.get_by_role("button", name="Save edits").click()
    expect(page.get_by_text("Chapters saved.")).to_be_visible()
    expect(box).to_have_value("00:00 News\n05:00 Dana on plugins\n30:00 Wrap up\n")

    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == (
        "00:00 News\n05:00 Dana on plugins\n30:00 Wrap up\n"
    )

    page.get_by_role("button", name="Back to the recorded times").click()
    expect(box).to_have_value("00:00 News\n05:00 Talk with Dana\n30:00 Wrap up\n")
    assert [e for e in page.js_errors if "422" not in e] == []  # type: ignore[attr-defined]

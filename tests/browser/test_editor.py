"""The episode editor in Chromium: templates, cells, reorder, undo, import, conflicts, print."""

import time
from datetime import UTC, datetime

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from episodes import editing
from episodes.models import Episode, Role, Segment, Show
from tests.browser.conftest import log_in
from tests.factories import (
    make_appearance,
    make_episode,
    make_question,
    make_segment,
    make_show,
    make_speaker,
    make_user,
)

pytestmark = pytest.mark.django_db(transaction=True)

RUNSHEET = """# Talk Show Episode 30, October 4, 2026
Pasted In

1 min hook to today's show.
Dana Li will join Sam to talk about pasting.

**News (2 mins)**
- Paste works: https://news.example.org/paste

**General Questions** (20 mins)
- Dana: Why paste?
- all: What else?

**Demo** (5-10 mins)
"""


def planned_episode(show: Show) -> Episode:
    episode = make_episode(
        show=show, number=5, title="Widgets", starts_at=datetime(2026, 3, 3, 17, 0, tzinfo=UTC)
    )
    dana = make_appearance(episode, make_speaker(name="Dana Li"))
    make_segment(episode, title="News", kind="news", minutes=2)
    questions = make_segment(episode, title="Questions", kind="questions", minutes=20)
    make_segment(episode, title="Wrap up", kind="wrap_up", minutes=3)
    make_question(questions, dana, text="How did you start?")
    return episode


@pytest.fixture
def show() -> Show:
    return make_show(name="Talk Show", slug="talk-show", time_zone="Europe/Berlin")


@pytest.fixture
def producer_page(live_server: object, context: BrowserContext, page: Page, show: Show) -> Page:
    log_in(context, live_server.url, make_user((show, Role.PRODUCER)))  # type: ignore[attr-defined]
    page.base_url = live_server.url  # type: ignore[attr-defined]
    return page


def open_editor(page: Page, episode: Episode) -> None:
    page.goto(f"{page.base_url}/episodes/{episode.pk}/edit/")  # type: ignore[attr-defined]
    expect(page.locator("#editor-body")).to_be_visible()


def segment_titles(page: Page) -> list[str]:
    return page.locator(".segment .col-title input").evaluate_all("els => els.map(e => e.value)")


def db_titles(episode: Episode) -> list[str]:
    return list(episode.segments.order_by("position").values_list("title", flat=True))


def test_new_episode_from_the_template(producer_page: Page, show: Show) -> None:
    template = editing.template_of(show)
    make_segment(template, title="Hook", kind="hook", minutes=1)
    wrap = make_segment(template, title="Wrap up", kind="wrap_up", minutes=2)
    make_question(wrap, text="How do folks reach out to you?")
    make_episode(show=show, number=41, starts_at=datetime(2026, 3, 3, 17, 0, tzinfo=UTC))
    page = producer_page

    page.goto(f"{page.base_url}/shows/talk-show/")  # type: ignore[attr-defined]
    page.get_by_role("button", name="New episode").click()

    expect(page.locator("#episode-number")).to_have_value("42")
    assert segment_titles(page) == ["Hook", "Wrap up"]
    expect(page.locator(".question-text")).to_have_value("How do folks reach out to you?")
    expect(page.get_by_test_id("total-planned")).to_have_text("3 min")
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_edit_cells_see_totals_change_and_invalid_values_refused(
    producer_page: Page, show: Show
) -> None:
    episode = planned_episode(show)
    page = producer_page
    open_editor(page, episode)
    news = episode.segments.get(title="News")
    expect(page.get_by_test_id("total-planned")).to_have_text("25 min")

    planned = page.locator(f"#segment-{news.pk} [name=planned]")
    planned.fill("5-10")
    planned.press("Tab")

    expect(page.get_by_test_id("total-planned")).to_have_text("28–33 min")
    questions = episode.segments.get(title="Questions")
    expect(page.locator(f"#segment-{questions.pk}-front")).to_have_text("18:05–18:10")

    page.locator(f"#segment-{news.pk} [name=planned]").fill("ten-ish")
    page.locator(f"#segment-{news.pk} [name=planned]").press("Tab")

    expect(page.locator(f"#segment-{news.pk} .planned-error")).to_contain_text(
        "Write minutes, such as 5"
    )
    expect(page.get_by_test_id("total-planned")).to_have_text("28–33 min")
    news.refresh_from_db()
    assert (news.planned_seconds, news.planned_max_seconds) == (300, 600)

    title = page.locator(f"#segment-{news.pk} [name=title]")
    title.fill("Headlines")
    title.press("Tab")
    expect(page.locator("#editor-status")).to_have_text("Saved.")
    # The planned time is still invalid: its message stays until it is fixed.
    expect(page.locator(f"#segment-{news.pk} .planned-error")).to_contain_text("Write minutes")
    page.locator(f"#segment-{news.pk} [name=planned]").fill("6-9")
    page.locator(f"#segment-{news.pk} [name=planned]").press("Tab")
    expect(page.locator(f"#segment-{news.pk} .planned-error")).to_have_text("")
    expect(page.get_by_test_id("total-planned")).to_have_text("29–32 min")
    page.reload()
    expect(page.locator(f"#segment-{news.pk} [name=title]")).to_have_value("Headlines")
    # The refused value was a 422 answer; nothing else went wrong.
    assert page.js_errors  # type: ignore[attr-defined]
    assert all("422" in error for error in page.js_errors)  # type: ignore[attr-defined]


def test_reorder_by_drag_and_by_keyboard(producer_page: Page, show: Show) -> None:
    episode = planned_episode(show)
    page = producer_page
    open_editor(page, episode)
    news, wrap = episode.segments.get(title="News"), episode.segments.get(title="Wrap up")

    page.locator(f"#segment-{wrap.pk} .drag-handle").drag_to(
        page.locator(f"#segment-{news.pk} .segment-row"), target_position={"x": 200, "y": 4}
    )

    expect(page.locator(".segment .col-title input").first).to_have_value("Wrap up")
    assert db_titles(episode) == ["Wrap up", "News", "Questions"]

    page.locator(f"#segment-{wrap.pk} [name=title]").focus()
    page.keyboard.press("Alt+ArrowDown")
    expect(page.locator(".segment .col-title input").first).to_have_value("News")
    assert db_titles(episode) == ["News", "Wrap up", "Questions"]

    expect(page.locator(f"#segment-{wrap.pk}-down")).to_be_focused()  # the keyboard stayed on it
    page.keyboard.press("Alt+ArrowDown")
    expect(page.locator(".segment .col-title input").nth(2)).to_have_value("Wrap up")
    assert db_titles(episode) == ["News", "Questions", "Wrap up"]
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_undo_a_delete(producer_page: Page, show: Show) -> None:
    episode = planned_episode(show)
    page = producer_page
    open_editor(page, episode)
    questions = episode.segments.get(title="Questions")

    page.get_by_role("button", name="Delete segment Questions").click()
    expect(page.locator(f"#segment-{questions.pk}")).to_have_count(0)
    expect(page.get_by_test_id("total-planned")).to_have_text("5 min")

    page.get_by_role("button", name="Undo delete “Questions”").click()

    expect(page.locator(f"#segment-{questions.pk} [name=title]")).to_have_value("Questions")
    expect(page.get_by_test_id("total-planned")).to_have_text("25 min")
    expect(page.locator(f"#segment-{questions.pk} .question-text")).to_have_value(
        "How did you start?"
    )
    assert db_titles(episode) == ["News", "Questions", "Wrap up"]

    page.get_by_role("button", name="Delete segment Wrap up").click()
    expect(page.locator(".segment")).to_have_count(2)
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+z")
    expect(page.locator(".segment")).to_have_count(3)
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_import_a_pasted_run_sheet_through_the_preview(producer_page: Page, show: Show) -> None:
    page = producer_page
    page.goto(f"{page.base_url}/shows/talk-show/")  # type: ignore[attr-defined]
    page.get_by_role("link", name="Import a run-sheet").click()

    page.get_by_label("Paste a run-sheet or recap post").fill(RUNSHEET)
    page.get_by_role("button", name="Preview").click()

    preview = page.get_by_test_id("preview")
    expect(preview).to_contain_text("#30 Pasted In")
    expect(preview).to_contain_text("Dana Li: Why paste?")
    expect(page.get_by_test_id("preview-segments").locator("tbody tr")).to_have_count(4)
    assert not Episode.objects.filter(number=30).exists()

    page.get_by_role("button", name="Save 1 episode").click()

    expect(page.locator("#episode-title")).to_have_value("Pasted In")
    assert segment_titles(page) == ["Hook", "News", "General Questions", "Demo"]
    episode = Episode.objects.get(number=30)
    assert episode.show == show
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_two_producers_on_the_same_row(
    live_server: object, browser: object, producer_page: Page, show: Show
) -> None:
    episode = planned_episode(show)
    news = episode.segments.get(title="News")
    first = producer_page
    second_context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    log_in(second_context, live_server.url, make_user((show, Role.PRODUCER)))  # type: ignore[attr-defined]
    second = second_context.new_page()
    second.base_url = live_server.url  # type: ignore[attr-defined]
    open_editor(first, episode)
    open_editor(second, episode)

    # The second producer starts typing; the first saves the same cell meanwhile.
    second.locator(f"#segment-{news.pk} [name=title]").fill("Top stories")
    first.locator(f"#segment-{news.pk} [name=title]").fill("Headlines")
    first.locator(f"#segment-{news.pk} [name=title]").press("Tab")
    expect(first.locator("#editor-status")).to_have_text("Saved.")
    second.locator(f"#segment-{news.pk} [name=title]").press("Tab")

    expect(second.locator("#editor-status")).to_contain_text("Someone else changed this")
    notice = second.locator(f"#segment-{news.pk} [data-testid=conflict]")
    expect(notice).to_contain_text("Saved now: “Headlines”")
    expect(second.locator(f"#segment-{news.pk} [name=title]")).to_have_value("Top stories")
    assert Segment.objects.get(pk=news.pk).title == "Headlines"
    notice.get_by_role("button", name="Take theirs").click()
    expect(second.locator(f"#segment-{news.pk} [name=title]")).to_have_value("Headlines")
    expect(notice).to_have_count(0)

    # An edit on the first page shows on the second within two seconds, without reloading.
    wrap = episode.segments.get(title="Wrap up")
    first.locator(f"#segment-{wrap.pk} [name=planned]").fill("4")
    started = time.monotonic()
    first.locator(f"#segment-{wrap.pk} [name=planned]").press("Tab")
    expect(second.locator(f"#segment-{wrap.pk} [name=planned]")).to_have_value("4", timeout=2000)
    expect(second.get_by_test_id("total-planned")).to_have_text("26 min")
    assert time.monotonic() - started < 2
    second_context.close()


def test_print_view(producer_page: Page, show: Show) -> None:
    episode = planned_episode(show)
    page = producer_page
    page.goto(f"{page.base_url}/episodes/{episode.pk}/")  # type: ignore[attr-defined]

    page.get_by_role("link", name="Print").click()
    page.emulate_media(media="print")

    expect(page.locator("h1")).to_have_text("Widgets")
    expect(page.locator(".print-row .time").first).to_have_text("18:00")
    expect(page.locator(".print-by-guest")).to_contain_text("Dana Li")
    expect(page.locator(".print-by-guest")).to_contain_text("How did you start?")
    expect(page.locator(".print-bar")).to_be_hidden()
    expect(page.locator(".site-header")).to_have_count(0)
    assert page.js_errors == []  # type: ignore[attr-defined]

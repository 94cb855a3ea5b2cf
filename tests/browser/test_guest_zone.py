"""A guest sees their own time: the browser's zone until they pick one, offered to save; a
searchable picker of real places with their offsets; the calendar file in their zone."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from playwright.sync_api import Browser, expect

from speakers import links
from speakers.models import Speaker
from tests.factories import make_appearance, make_episode, make_segment, make_show, make_speaker
from tests.servers import Server, running_server

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server() -> Iterator[Server]:
    with running_server() as running:
        yield running


@pytest.fixture
def amara() -> Speaker:
    show = make_show(name="Build Night", time_zone="Europe/Berlin")
    # 17:00 UTC: 18:00 in Berlin, 18:00 in Lagos, 02:00 the next morning in Tokyo.
    episode = make_episode(
        show=show, title="Plugins", starts_at=datetime(2030, 1, 8, 17, 0, tzinfo=UTC)
    )
    make_segment(episode, title="News", minutes=5)
    # The producer filled in Lagos; the guest is in Tokyo this week.
    speaker = make_speaker(name="Amara Okafor", show=show, time_zone="Africa/Lagos")
    make_appearance(episode, speaker)
    return speaker


def test_a_guest_in_tokyo_sees_tokyo_times_before_choosing_and_saving_keeps_them(
    browser: Browser, server: Server, amara: Speaker
) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="en-GB", timezone_id="Asia/Tokyo"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    portal = f"{server.url}/guest/{links.ensure_link(amara)}/"

    page.goto(portal)

    local = page.locator(".when-local").first
    expect(local).to_contain_text("Wednesday 9 January, 02:00")
    expect(local).to_contain_text("your time (Asia/Tokyo)")
    offer = page.get_by_test_id("zone-offer")
    expect(offer).to_contain_text("Your browser says Asia/Tokyo. Save it?")
    amara.refresh_from_db()
    assert amara.time_zone == "Africa/Lagos"  # nothing saved without asking

    options = page.locator("#zone-choices option")
    labels = options.evaluate_all("els => els.map(e => e.textContent)")
    values = options.evaluate_all("els => els.map(e => e.value)")
    assert "Asia/Tokyo (UTC+9)" in labels
    assert "Asia/Kolkata (UTC+5:30)" in labels
    assert not [
        value
        for value in values
        if value in ("Factory", "localtime", "UTC")
        or value.startswith(("Etc/", "posix/", "right/", "US/"))
    ]

    offer.get_by_role("button", name="Save Asia/Tokyo").click()
    expect(page.get_by_test_id("zone-offer")).to_have_count(0)
    expect(page.locator(".when-local").first).to_contain_text("your time (Asia/Tokyo)")
    amara.refresh_from_db()
    assert amara.time_zone == "Asia/Tokyo"

    page.reload()
    expect(page.locator(".when-local").first).to_contain_text("02:00")
    expect(page.get_by_test_id("zone-offer")).to_have_count(0)

    calendar_link = page.get_by_role("link", name="Add to calendar").get_attribute("href")
    ics = context.request.get(f"{server.url}{calendar_link}")
    (event,) = Calendar.from_ical(ics.body()).walk("VEVENT")
    assert "On air at 02:00 on Wednesday 9 January (Asia/Tokyo)" in str(event["description"])

    # The picker is searched by typing: a city, then its zone from the list.
    picker = page.get_by_label("Times are shown in")
    picker.fill("Asia/Kolkata")
    picker.press("Tab")
    expect(page.locator(".when-local").first).to_contain_text("Tuesday 8 January, 22:30")
    expect(page.locator(".when-local").first).to_contain_text("your time (Asia/Kolkata)")
    amara.refresh_from_db()
    assert amara.time_zone == "Asia/Kolkata"
    assert errors == []
    context.close()

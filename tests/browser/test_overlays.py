"""The stream graphics in Chromium, as an OBS browser source shows them: transparent, 1920×1080
with no scrollbars, following a run of the demo show by itself, and stopping when the key is
revoked."""

import io
import json
import os
import re
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, expect

from episodes import commands, onair, overlays
from episodes.models import Episode, LiveMessage, NewsItem, Question, Segment, Show
from tests.servers import Server, running_server

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("SHOWRUNNER_SHOTS", "var/shots"))
NO_SCROLLBARS_JS = """() => {
  const d = document.documentElement;
  return d.scrollWidth <= innerWidth && d.scrollHeight <= innerHeight
    && getComputedStyle(d).overflow === "hidden";
}"""


@pytest.fixture
def server() -> Iterator[Server]:
    with running_server() as running:
        yield running


@pytest.fixture
def demo(tmp_path: Path) -> Show:
    call_command("load_demo", "--logins-file", str(tmp_path / "logins.json"), stdout=io.StringIO())
    show = Show.objects.get(slug="build-night")
    Show.objects.filter(pk=show.pk).update(lower_third_seconds=3)
    show.refresh_from_db()
    return show


def source(browser: Browser, width: int = 1920, height: int = 1080) -> BrowserContext:
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(15_000)
    return context


def open_overlay(context: BrowserContext, server: Server, show: Show, page_name: str) -> Page:
    page = context.new_page()
    page.js_errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))  # type: ignore[attr-defined]
    key = overlays.overlay_key(show)
    page.goto(f"{server.url}/overlays/{show.slug}/{page_name}/?key={key}")
    return page


def on_air(page: Page) -> str:
    return str(page.locator("[data-live]").get_attribute("data-on") or "")


def wait_for(
    check: Callable[[], bool], what: str, seconds: float = 15, page: Page | None = None
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    seen = ""
    if page is not None:
        root = page.locator("[data-live]")
        seen = (
            f" (on air: {root.get_attribute('data-on')!r}, state: {root.get_attribute('data-state')},"
            f" connection: {root.get_attribute('data-connection')},"
            f" errors: {page.js_errors})"  # type: ignore[attr-defined]
        )
    raise AssertionError(f"timed out waiting for {what}{seen}")


def shot(page: Page, name: str) -> Image.Image:
    SHOTS.mkdir(parents=True, exist_ok=True)
    # What is coming in has finished its transition: the picture as it stays on the stream.
    page.wait_for_function(
        "() => [...document.querySelectorAll('.g.on')]"
        ".every((el) => getComputedStyle(el).opacity === '1')"
    )
    png = page.screenshot(omit_background=True)
    (SHOTS / f"overlay-{name}.png").write_bytes(png)
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    return image


def transparent_at(image: Image.Image, points: list[tuple[float, float]]) -> bool:
    width, height = image.size
    return all(image.getpixel((int(x * width), int(y * height)))[3] == 0 for x, y in points)


# The middle of the picture, where no bar ever goes: the camera's picture shows through.
MIDDLE = [(0.5, 0.5), (0.3, 0.45), (0.7, 0.55), (0.5, 0.35)]


def run(episode: Episode, action: str, data: dict[str, Any] | None = None) -> None:
    caller = get_user_model().objects.get(username="caller")
    if action == "start":
        onair.leave_ended_rehearsal(episode)  # as the caller's page does when it opens
    done = commands.run(episode, action, data or {}, user=caller, source="test")
    assert done.ok, done.error


def test_the_full_overlay_follows_a_run_of_the_demo_show(
    browser: Browser, server: Server, demo: Show
) -> None:
    episode = Episode.objects.get(show=demo, number=42)
    segments = list(Segment.objects.filter(episode=episode).order_by("position"))
    intro = next(s for s in segments if s.kind == Segment.Kind.INTRO)
    guests = list(
        episode.appearances.exclude(role__in=["host", "co_host", "producer"]).order_by("pk")
    )
    context = source(browser)
    page = open_overlay(context, server, demo, "full")

    # Before air: "starting soon", full screen, with the episode's title and its guests.
    wait_for(lambda: on_air(page) == "starting_soon", "starting soon", page=page)
    expect(page.locator(".ss-title")).to_contain_text(episode.title)
    expect(page.locator(".ss-name")).to_contain_text([guests[0].speaker.name])
    assert page.evaluate(NO_SCROLLBARS_JS)
    shot(page, "starting-soon")

    # On air: the first segment's owner comes in, holds three seconds and goes out.
    run(episode, "start")
    first = segments[0]
    wait_for(lambda: "now_next" in on_air(page), "the now/next bar")
    expect(page.locator('[data-o="now"]')).to_have_text(first.title)
    if first.owner_id is not None:
        wait_for(lambda: "lower_third" in on_air(page), "the owner's lower third")
        expect(page.locator('[data-o="lt-name"]')).to_have_text(first.owner.speaker.name)
        image = shot(page, "lower-third")
        assert transparent_at(image, MIDDLE)
        wait_for(lambda: "lower_third" not in on_air(page), "the lower third going out")
    assert "clock" in on_air(page)

    # Into the news: the caller steps to the first item; its title and domain come up.
    while Segment.objects.get(pk=episode.live.segment_id).kind != Segment.Kind.NEWS:
        run(episode, "next")
        episode.live.refresh_from_db()
    run(episode, "graphics", {"news": "next"})
    item = NewsItem.objects.filter(episode=episode).order_by("position").first()
    assert item is not None
    wait_for(lambda: "news" in on_air(page) and "lower_third" not in on_air(page), "the news")
    expect(page.locator('[data-o="nw-domain"]')).to_have_text("plugins.example.org")
    shot(page, "news")

    # The intro steps through the guests, one lower third at a time.
    while episode.live.segment_id != intro.pk:
        run(episode, "next")
        episode.live.refresh_from_db()
    wait_for(lambda: "lower_third" in on_air(page), "the intro's first lower third")
    expect(page.locator('[data-o="lt-name"]')).to_have_text(guests[0].speaker.name)
    assert "news" not in on_air(page)
    shot(page, "intro")
    if len(guests) > 1:
        expect(page.locator('[data-o="lt-name"]')).to_have_text(guests[1].speaker.name)

    # Asking a question: the caption takes the bottom of the screen, with whom it is for.
    question = Question.objects.filter(segment=intro).order_by("position").first()
    if question is None:
        run(episode, "next")
        episode.live.refresh_from_db()
        question = Question.objects.filter(segment_id=episode.live.segment_id).first()
    assert question is not None
    run(episode, "graphics", {"element": "lower_third", "mode": "in"})
    run(episode, "graphics", {"asking": str(question.pk)})
    wait_for(lambda: "caption" in on_air(page), "the question's caption")
    assert "lower_third" not in on_air(page)  # never two graphics in one place
    expect(page.locator('[data-o="cp-text"]')).to_have_text(question.text)
    image = shot(page, "caption")
    assert transparent_at(image, MIDDLE)
    assert Question.objects.get(pk=question.pk).status == Question.Status.ASKED
    run(episode, "graphics", {"asking": ""})
    wait_for(lambda: "lower_third" in on_air(page), "the lower third held in by hand")
    run(episode, "graphics", {"element": "lower_third", "mode": "auto"})

    # The end: the end card.
    run(episode, "end")
    wait_for(lambda: on_air(page) == "end_card", "the end card")
    expect(page.locator(".ec-thanks")).to_have_text("Thanks for watching")
    expect(page.locator('[data-o="next-episode-title"]')).not_to_be_empty()
    shot(page, "end-card")
    assert page.js_errors == []  # type: ignore[attr-defined]
    context.close()


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_each_overlay_is_transparent_and_fits_its_source(
    browser: Browser, server: Server, demo: Show, size: tuple[int, int]
) -> None:
    episode = Episode.objects.get(show=demo, number=42)
    run(episode, "start")
    run(episode, "graphics", {"element": "lower_third", "mode": "in"})
    context = source(browser, *size)
    for name in ("lower-third", "now-next", "clock", "caption", "news"):
        page = open_overlay(context, server, demo, name)
        wait_for(
            lambda page=page: page.locator("[data-live]").get_attribute("data-state") == "running",
            f"{name} loaded",
        )
        assert page.evaluate(NO_SCROLLBARS_JS), name
        box = page.locator("[data-live]").bounding_box()
        assert box is not None
        assert abs(box["width"] - size[0]) <= 1, name
        assert abs(box["height"] - size[1]) <= 1, name
        image = shot(page, f"{name}-{size[0]}")
        assert transparent_at(image, MIDDLE), name
        assert page.js_errors == [], name  # type: ignore[attr-defined]
        page.close()
    context.close()


def test_a_new_key_stops_an_open_overlay_and_the_old_address_is_blank(
    browser: Browser, server: Server, demo: Show
) -> None:
    episode = Episode.objects.get(show=demo, number=42)
    run(episode, "start")
    run(episode, "graphics", {"element": "now_next", "mode": "in"})
    context = source(browser)
    page = open_overlay(context, server, demo, "now-next")
    wait_for(lambda: "now_next" in on_air(page), "the now/next bar")
    old_key = overlays.overlay_key(demo)

    producer = get_user_model().objects.get(username="producer")
    from django.test import Client

    client = Client()
    client.force_login(producer)
    assert client.post(f"/shows/{demo.slug}/overlay-key/").status_code == 302

    wait_for(lambda: on_air(page) == "", "the overlay going blank")
    assert page.locator("[data-live]").get_attribute("data-connection") == "revoked"
    expect(page.locator(".g-now-next")).to_be_hidden()  # faded out
    image = shot(page, "revoked")
    assert transparent_at(image, [(0.1, 0.1), (0.5, 0.5), (0.9, 0.9), (0.2, 0.07)])

    stale = context.new_page()
    response = stale.goto(f"{server.url}/overlays/{demo.slug}/full/?key={old_key}")
    assert response is not None
    assert response.status == 403
    assert stale.locator("body").inner_text() == ""
    image = Image.open(io.BytesIO(stale.screenshot(omit_background=True))).convert("RGBA")
    assert image.getextrema()[3] == (0, 0)  # every pixel transparent
    context.close()


def test_the_overlay_stream_carries_nothing_off_air(server: Server, demo: Show) -> None:
    episode = Episode.objects.get(show=demo, number=42)
    run(episode, "start")
    run(episode, "message", {"text": "Wrap up in two, secret host note"})
    guest = episode.appearances.exclude(role="host").first()
    assert guest is not None
    run(episode, "message", {"text": "Private word for the guest", "to": str(guest.pk)})
    assert LiveMessage.objects.filter(episode=episode).count() == 2
    key = overlays.overlay_key(demo)
    state_url = f"{server.url}/overlays/{demo.slug}/state/?key={key}"
    with urllib.request.urlopen(state_url) as answer:  # noqa: S310 (the test's own server)
        state = json.load(answer)["state"]
    stream_url = f"{server.url}{state['stream_url']}"
    with urllib.request.urlopen(stream_url, timeout=10) as stream:  # noqa: S310
        lines = []
        while not any(line.startswith(b"data:") for line in lines):
            lines.append(stream.readline())
    body = b"".join(lines).decode()
    assert '"audience":"overlay"' in body
    assert "secret host note" not in body
    assert "Private word" not in body
    for appearance in episode.appearances.select_related("speaker"):
        if appearance.speaker.email:
            assert appearance.speaker.email not in body
        if appearance.notes:
            assert appearance.notes not in body
    for question in Question.objects.filter(segment__episode=episode):
        assert question.text not in body  # none asked yet
    for item in NewsItem.objects.filter(episode=episode):
        if item.notes:
            assert item.notes not in body
    assert '"controller"' not in body  # no login names
    assert "caller" not in body


def test_the_callers_graphics_strip_shows_the_tally_and_takes_graphics_in_and_out(
    browser: Browser, server: Server, demo: Show
) -> None:
    from tests.browser.conftest import log_in

    episode = Episode.objects.get(show=demo, number=42)
    onair.leave_ended_rehearsal(episode)
    context = source(browser, 1440, 1000)
    log_in(context, server.url, get_user_model().objects.get(username="caller"))
    caller = context.new_page()
    caller.goto(f"{server.url}/episodes/{episode.pk}/live/caller/")
    overlay = open_overlay(context, server, demo, "full")
    strip = caller.locator("#graphics-strip")
    row = strip.locator('[data-element="starting_soon"] .tally')
    expect(row).to_have_text("On stream")  # before air, as the overlay shows
    caller.get_by_role("button", name="Take control").click() if caller.get_by_role(
        "button", name="Take control"
    ).is_visible() else None
    run(episode, "start")
    expect(strip.locator('[data-element="now_next"] .tally')).to_have_text("On stream")
    # Take the clock out by key 5, as the strip says; the overlay drops it, the tally agrees.
    caller.locator("body").click(position={"x": 5, "y": 5})
    caller.keyboard.press("Digit5")
    expect(strip.locator('[data-element="clock"]')).to_have_attribute("data-mode", "out")
    expect(strip.locator('[data-element="clock"] .tally')).to_have_text("Off")
    wait_for(lambda: "clock" not in on_air(overlay), "the clock going out", page=overlay)
    # Back to auto by click.
    strip.locator('[data-element="clock"] button', has_text="Auto").click()
    wait_for(lambda: "clock" in on_air(overlay), "the clock back", page=overlay)
    SHOTS.mkdir(parents=True, exist_ok=True)
    strip.screenshot(path=str(SHOTS / "caller-graphics-strip.png"))
    context.close()


def test_the_producer_picks_the_graphics_looks_with_a_live_preview(
    browser: Browser, server: Server, demo: Show
) -> None:
    from tests.browser.conftest import log_in

    producer = get_user_model().objects.get(username="producer")
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(15_000)
    log_in(context, server.url, producer)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.url}/shows/{demo.slug}/settings/#looks")
    frame = page.frame_locator("[data-looks-preview]")
    # The preview shows the show's own people, at a quarter of the size.
    expect(frame.locator('[data-o="lt-name"]')).not_to_be_empty()
    expect(frame.locator(".g-lower-third")).to_have_class(re.compile(r"\bon\b"))
    bar = frame.locator(".lt-bar")
    assert bar.evaluate("el => getComputedStyle(el).borderLeftColor") == "rgb(228, 0, 43)"

    # Picking a colour and a font changes the preview before anything is saved.
    page.locator("#id_overlay_accent").evaluate(
        "el => { el.value = '#1a7f37'; el.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    page.locator("#id_overlay_font").select_option("serif")
    expect(bar).to_have_css("border-left-color", "rgb(26, 127, 55)")
    expect(bar).to_have_css("font-family", re.compile("Georgia"))
    assert Show.objects.get(pk=demo.pk).overlay_accent == "#e4002b"
    page.locator("#looks").scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#looks").screenshot(path=str(SHOTS / "overlay-looks-settings.png"))

    # A bad size is refused next to its field; what was picked stays.
    page.locator("#id_overlay_size").fill("400")
    page.get_by_role("button", name="Save the looks").click()
    expect(page.locator("#looks .field-error")).to_contain_text("150")
    expect(page.locator("#id_overlay_font")).to_have_value("serif")
    assert Show.objects.get(pk=demo.pk).overlay_font == "sans"

    page.locator("#id_overlay_size").fill("120")
    page.get_by_role("button", name="Save the looks").click()
    expect(page.get_by_text("Saved how the stream graphics look")).to_be_visible()
    saved = Show.objects.get(pk=demo.pk)
    assert (saved.overlay_accent, saved.overlay_font, saved.overlay_size) == (
        "#1a7f37",
        "serif",
        120,
    )
    # An overlay opened now has them.
    overlay = open_overlay(source(browser), server, saved, "lower-third")
    expect(overlay.locator(".lt-bar")).to_have_css("border-left-color", "rgb(26, 127, 55)")
    assert errors == []
    assert overlay.js_errors == []


def test_an_overlay_keeps_its_picture_while_the_server_is_down_and_recovers(
    browser: Browser, server: Server, demo: Show
) -> None:
    episode = Episode.objects.get(show=demo, number=42)
    segments = list(Segment.objects.filter(episode=episode).order_by("position"))
    page = open_overlay(source(browser), server, demo, "now-next")
    run(episode, "start")
    root = page.locator("[data-live]")
    expect(page.locator('[data-o="now"]')).to_have_text(segments[0].title)
    expect(root).to_have_attribute("data-connection", "live")

    server.kill()
    # Still the same picture on the stream: the bar stays, nothing else comes on.
    expect(root).not_to_have_attribute("data-connection", "live")
    assert "now_next" in on_air(page)
    expect(page.locator('[data-o="now"]')).to_have_text(segments[0].title)
    assert page.evaluate(NO_SCROLLBARS_JS)
    assert page.locator(".overlay-canvas").count() == 1  # the overlay's own page, no error page
    run(episode, "next")  # the caller moved on meanwhile (another process, the database)
    server.start()

    expect(root).to_have_attribute("data-connection", "live", timeout=20_000)
    expect(page.locator('[data-o="now"]')).to_have_text(segments[1].title)
    assert "now_next" in on_air(page)
    assert page.js_errors == []  # type: ignore[attr-defined]

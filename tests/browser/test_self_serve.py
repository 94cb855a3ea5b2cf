"""A producer who is not staff sets a show up from nothing in Chromium, without the admin:
the show, its settings, a caller and a host invited by email, guests with their emails, and
an API token.

With SHOWRUNNER_SCREENSHOTS=<folder> set, the test saves a 1440x900 picture of each new page
there (the pictures the issue's work was looked at with).
"""

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, expect

from episodes.models import ApiToken, Episode, Role, Show, ShowRole
from speakers.models import ProfileChange, Speaker
from tests.browser.conftest import log_in
from tests.factories import make_speaker, make_user

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("SHOWRUNNER_SCREENSHOTS", "")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=False)


def invitation_link(email: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [email])
    found = re.search(r"https?://\S+?(/invitations/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def join(browser: Browser, base: str, email: str, username: str) -> Page:
    """Open an invitation in a browser of one's own and make the account."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(base + invitation_link(email))
    shot(page, f"accept-invitation-{username}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill("a-long-enough-phrase")
    page.get_by_label("Password confirmation").fill("a-long-enough-phrase")
    page.get_by_role("button", name="Create my account and join").click()
    expect(page.locator(".messages")).to_contain_text("Welcome to Night Desk")
    return page


def test_a_producer_sets_up_a_show_without_the_admin(
    live_server: object, browser: Browser, context: BrowserContext, page: Page, settings: object
) -> None:
    settings.SHOWRUNNER_ANYONE_CREATES_SHOWS = True  # type: ignore[attr-defined]
    settings.SHOWRUNNER_BASE_URL = live_server.url  # type: ignore[attr-defined]
    base = live_server.url  # type: ignore[attr-defined]
    producer = make_user(username="pat", email="pat@example.org")
    assert not producer.is_staff
    log_in(context, base, producer)
    page.set_viewport_size({"width": 1440, "height": 900})

    # A new show, from the home page.
    page.goto(base + "/")
    page.get_by_role("link", name="New show").click()
    page.get_by_label("Name").fill("Night Desk")
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    shot(page, "new-show")
    page.get_by_role("button", name="Create the show").click()
    expect(page.locator(".messages")).to_contain_text("you are its producer")
    show = Show.objects.get(name="Night Desk")
    assert ShowRole.objects.filter(show=show, user=producer, role=Role.PRODUCER).exists()

    # Its settings.
    page.get_by_label("Call time (minutes before air)").fill("20")
    page.get_by_label("Contact for guests").fill("Pat")
    page.get_by_label("Contact email").fill("pat@example.org")
    page.get_by_label("Anyone may see the upcoming page").check()
    shot(page, "show-settings")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.locator(".messages")).to_contain_text("Saved the settings of Night Desk")
    show.refresh_from_db()
    assert (show.call_minutes, show.contact_email, show.upcoming_public) == (
        20,
        "pat@example.org",
        True,
    )

    # A caller and a host, invited by email.
    page.get_by_role("link", name="Team").click()
    for email, role in (("sam@example.org", "Show caller"), ("hana@example.org", "Host")):
        page.get_by_label("Email").fill(email)
        page.get_by_label("Role", exact=True).select_option(label=role)
        page.get_by_role("button", name="Send the invitation").click()
        expect(page.locator(".messages")).to_contain_text(f"Invited {email}")
    shot(page, "team-invited")
    sam_page = join(browser, base, "sam@example.org", "sam")
    join(browser, base, "hana@example.org", "hana")
    assert dict(ShowRole.objects.filter(show=show).values_list("user__username", "role")) == {
        "pat": Role.PRODUCER,
        "sam": Role.SHOW_CALLER,
        "hana": Role.HOST,
    }
    page.reload()
    expect(
        page.locator("#member-" + str(ShowRole.objects.get(role=Role.HOST).user_id))
    ).to_contain_text("hana")
    shot(page, "team")

    # An episode, and guests with their emails.
    page.get_by_role("link", name="Night Desk").click()
    page.get_by_role("button", name="New episode").click()
    expect(page.locator("#guests-editor")).to_be_visible()
    episode = Episode.objects.get(show=show, is_template=False)
    for name, email in (("Dana Li", "dana@example.org"), ("Ravi Rao", "ravi@example.org")):
        page.locator("#guest-search-input").fill(name)
        page.get_by_role("button", name=f"Add “{name}” as someone new").click()
        guest = page.locator(".guest", has_text=name)
        expect(guest).to_be_visible()
        field = guest.get_by_test_id("contact-email")
        field.fill(email)
        field.press("Tab")
        # Saved: the value the next change is checked against is the new one.
        expect(guest.locator('input[type="hidden"][name="was"]').first).to_have_value(email)
        speaker = Speaker.objects.get(show=show, name=name)
        assert speaker.email == email
    wrong = page.locator(".guest", has_text="Ravi Rao").get_by_test_id("contact-email")
    wrong.fill("ravi at example")
    wrong.press("Tab")
    expect(
        page.locator(".guest", has_text="Ravi Rao").locator(".contact-error").first
    ).to_have_text("Enter a valid email address.")
    expect(wrong).to_have_value("ravi at example")  # what was typed stays
    page.locator(".guest", has_text="Dana Li").get_by_test_id("contact-pronouns").fill("she/her")
    page.locator(".guest", has_text="Dana Li").get_by_test_id("contact-pronouns").press("Tab")
    dana_was = page.locator(".guest", has_text="Dana Li").locator('input[name="was"]')
    expect(dana_was.nth(1)).to_have_value("she/her")
    # The save moved the revision, so the open editor refreshes and replaces the guests' rows:
    # wait for that before scrolling to one (it was detached under the scroll now and then).
    revision = Episode.objects.get(pk=episode.pk).revision
    expect(page.locator("#editor-state")).to_have_attribute("data-revision", str(revision))
    page.locator(".guest", has_text="Dana Li").scroll_into_view_if_needed()
    shot(page, "editor-guest-contacts")
    assert Speaker.objects.get(name="Ravi Rao").email == "ravi@example.org"
    assert ProfileChange.objects.filter(speaker__show=show, changed_by=producer).count() == 3
    assert sam_page.goto(base + f"/episodes/{episode.pk}/live/caller/").status == 200

    # An API token for the Stream Deck.
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("Stream Deck")
    page.get_by_role("button", name="Make a token").click()
    value = page.get_by_test_id("new-token").inner_text().strip()
    shot(page, "api-tokens")
    answer = Client().get("/api/episodes/", HTTP_AUTHORIZATION=f"Bearer {value}")
    assert answer.status_code == 200
    assert [e["id"] for e in answer.json()["episodes"]] == [episode.pk]
    assert ApiToken.objects.get(user=producer).name == "Stream Deck"
    # The one refused address answered 422, as it should; nothing else went wrong.
    unexpected = [e for e in page.js_errors if "422" not in e]  # type: ignore[attr-defined]
    assert unexpected == []


def test_screenshots_of_the_other_new_pages(
    live_server: object, context: BrowserContext, page: Page
) -> None:
    """The time-zone question, archive and undo, password reset and the guest's own link page,
    as a person sees them."""
    base = live_server.url  # type: ignore[attr-defined]
    page.set_viewport_size({"width": 1440, "height": 900})
    show = Show.objects.create(name="Night Desk", slug="night-desk", time_zone="Europe/Berlin")
    producer = make_user((show, Role.PRODUCER), username="pat", email="pat@example.org")
    for number in (41, 42):
        Episode.objects.create(
            show=show,
            number=number,
            title=f"Episode {number}",
            target_seconds=3600,
            status=Episode.Status.DRAFT if number == 42 else Episode.Status.SCHEDULED,
            starts_at=datetime(2030, 3, 5, 18, tzinfo=UTC) + timedelta(days=7 * (number - 41)),
        )
    make_speaker(name="Dana Li", email="dana@example.org", show=show)

    # A guest whose link does not work asks for it again.
    page.goto(base + "/guest/1-nope/")
    shot(page, "guest-invalid-link")
    page.get_by_role("link", name="Send me my link").click()
    page.get_by_label("Your email address").fill("dana@example.org")
    shot(page, "guest-lost-link")
    page.get_by_role("button", name="Send me my link").click()
    expect(page.get_by_role("status")).to_contain_text("If we know that address, we've sent")
    shot(page, "guest-lost-link-sent")
    assert [m.to for m in mail.outbox] == [["dana@example.org"]]

    # A forgotten password.
    page.goto(base + "/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label("Email").fill("pat@example.org")
    shot(page, "password-reset")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    shot(page, "password-reset-sent")
    link = re.search(r"https?://\S+?(/accounts/reset/\S+/)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    page.goto(base + link.group(1))
    page.get_by_label("New password", exact=True).fill("another-long-phrase")
    page.get_by_label("New password confirmation").fill("another-long-phrase")
    shot(page, "password-reset-confirm")
    page.get_by_role("button", name="Save my new password").click()
    expect(page.get_by_role("heading", name="Your password is changed")).to_be_visible()
    producer.refresh_from_db()
    assert producer.check_password("another-long-phrase")

    # The time zone question, before anything is saved.
    log_in(context, base, producer)
    page.goto(base + "/shows/night-desk/settings/")
    page.get_by_label("Time zone").select_option("America/New_York")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.locator(".confirm-zone")).to_contain_text(
        "Episode 41: Tue 5 Mar 19:00 Berlin → 13:00 New York"
    )
    shot(page, "show-settings-time-zone-confirm")
    page.get_by_role("button", name="Change to New York time and save").click()
    expect(page.locator(".messages")).to_contain_text("Saved the settings")
    show.refresh_from_db()
    assert show.time_zone == "America/New_York"

    # Deleting a draft, and its undo on the show's page.
    draft = Episode.objects.get(number=42)
    page.goto(base + f"/episodes/{draft.pk}/edit/")
    page.get_by_role("button", name="Delete this draft").scroll_into_view_if_needed()
    shot(page, "editor-archive-delete")
    page.get_by_role("button", name="Delete this draft").click()
    expect(page.locator(".undo-bar")).to_contain_text("Deleted Night Desk: Episode 42")
    shot(page, "show-deleted-undo")
    page.locator(".undo-bar").get_by_role("button", name="Undo").click()
    expect(page.locator(".messages")).to_contain_text("Restored Night Desk #42")
    assert Episode.objects.filter(pk=draft.pk, number=42).exists()

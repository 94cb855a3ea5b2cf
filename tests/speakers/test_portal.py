"""What a guest sees through their link: their episodes, times in their zone, their questions."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from episodes.models import Episode, Segment
from speakers import links
from speakers.models import Speaker
from tests.factories import (
    make_appearance,
    make_episode,
    make_question,
    make_segment,
    make_show,
    make_speaker,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dana() -> Speaker:
    return make_speaker(name="Dana Li", time_zone="America/New_York")


@pytest.fixture
def episode(dana: Speaker) -> Episode:
    show = make_show(
        name="Build Night",
        time_zone="Europe/Berlin",
        call_minutes=30,
        contact_name="Jo",
        contact_email="jo@example.org",
    )
    # Winter: New York is UTC−5, Berlin UTC+1.
    starts = datetime(2030, 1, 8, 17, 0, tzinfo=UTC)
    episode = make_episode(
        show=show,
        number=42,
        title="Shipping a plugin",
        starts_at=starts,
        join_url="https://studio.example.org/room",
    )
    on = make_appearance(episode, dana, notes="Bring the **demo** repo")
    other = make_appearance(episode, make_speaker(name="Sam Roe"))
    make_segment(episode, title="Hook", kind=Segment.Kind.HOOK, minutes=1)
    intro = make_segment(episode, title="Intro", minutes=4, owner=on, notes="Team only: cue music")
    make_question(intro, on, text="How did you start?")
    make_question(intro, text="What is new this week?", for_everyone=True)
    make_question(intro, other, text="Sam, what broke?")
    return episode


def page(client: Client, name: str, speaker: Speaker, *args: object) -> str:
    response = client.get(reverse(name, args=[links.ensure_link(speaker), *args]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_portal_lists_upcoming_first_in_the_guests_zone(
    client: Client, dana: Speaker, episode: Episode
) -> None:
    past = make_episode(
        show=episode.show,
        title="Last time",
        starts_at=episode.starts_at - timedelta(days=30),  # type: ignore[operator]
        air_date=(episode.starts_at - timedelta(days=30)).date(),  # type: ignore[operator]
        status=Episode.Status.DONE,
    )
    make_appearance(past, dana)
    html = page(client, "speakers:guest_portal", dana)
    assert html.index("Shipping a plugin") < html.index("Past") < html.index("Last time")
    assert "12:00" in html and "your time (America/New_York)" in html  # noqa: PT018 - one line
    assert "18:00 in Europe/Berlin" in html  # the show's own zone beside it
    assert "Please be there at <strong>11:30</strong>" in html


def test_the_episode_page_has_the_outline_and_the_guests_questions(
    client: Client, dana: Speaker, episode: Episode
) -> None:
    html = page(client, "speakers:guest_episode", dana, episode.pk)
    assert "Hook" in html and "Intro" in html  # noqa: PT018
    assert 'class="for-me"><span class="badge">For you</span> How did you start?' in html
    assert "For everyone:</span> What is new this week?" in html
    assert "Sam, what broke?" not in html
    assert "cue music" not in html  # the producers' notes stay with the team
    assert "Bring the <strong>demo</strong> repo" in html
    assert 'data-testid="call-time">11:30<' in html
    assert "https://studio.example.org/room" in html
    assert "jo@example.org" in html
    assert "You lead this" in html


def test_an_episode_calendar_file(client: Client, dana: Speaker, episode: Episode) -> None:
    response = client.get(
        reverse("speakers:guest_episode_calendar", args=[links.ensure_link(dana), episode.pk])
    )
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert event["summary"] == "Build Night #42: Shipping a plugin"
    assert event.decoded("dtstart") == episode.call_time
    assert event.decoded("dtend") == episode.starts_at + timedelta(hours=1)  # type: ignore[operator]
    assert event["location"] == "https://studio.example.org/room"
    assert "Bring the **demo** repo" in event["description"]


def test_the_feed_has_every_episode_with_a_time_and_only_the_guests(
    client: Client, dana: Speaker, episode: Episode
) -> None:
    undated = make_episode(show=episode.show, title="Someday", starts_at=None)
    make_appearance(undated, dana)
    not_mine = make_episode(show=episode.show, title="Not Dana's")
    make_appearance(not_mine)
    later = make_episode(
        show=episode.show, title="Later", starts_at=episode.starts_at + timedelta(days=7)
    )  # type: ignore[operator]
    make_appearance(later, dana)
    response = client.get(reverse("speakers:guest_feed", args=[links.ensure_link(dana)]))
    calendar = Calendar.from_ical(response.content)
    titles = sorted(str(event["summary"]) for event in calendar.walk("VEVENT"))
    assert titles == sorted(
        ["Build Night #42: Shipping a plugin", f"Build Night #{later.number}: Later"]
    )


def test_a_guest_without_a_zone_sees_the_shows(client: Client, episode: Episode) -> None:
    guest = make_speaker(name="No Zone")
    make_appearance(episode, guest)
    html = page(client, "speakers:guest_episode", guest, episode.pk)
    assert "18:00" in html
    assert "your time (Europe/Berlin)" in html


def test_a_guest_on_no_show_sees_none_of_its_episodes(
    client: Client, dana: Speaker, episode: Episode
) -> None:
    Speaker.objects.filter(pk=dana.pk).update(show=None)  # as from before speakers had shows
    dana.refresh_from_db()
    token = links.ensure_link(dana)

    portal = client.get(reverse("speakers:guest_portal", args=[token]))
    own = client.get(reverse("speakers:guest_episode", args=[token, episode.pk]))

    assert portal.status_code == 200
    assert "Shipping a plugin" not in portal.content.decode()
    assert own.status_code == 404

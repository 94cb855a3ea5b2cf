"""send_reminders: 24 hours and 1 hour before the call time, and once when the plan changes."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from episodes import editing
from episodes.editing import Actor
from episodes.models import Appearance, Episode, Reminder
from speakers import emails, links
from tests.factories import (
    make_appearance,
    make_episode,
    make_question,
    make_segment,
    make_show,
    make_speaker,
)

pytestmark = pytest.mark.django_db

AIR = datetime(2030, 1, 8, 17, 0, tzinfo=UTC)
CALL = AIR - timedelta(minutes=30)


@pytest.fixture
def appearance() -> Appearance:
    show = make_show(name="Build Night", time_zone="Europe/Berlin", call_minutes=30)
    episode = make_episode(show=show, title="Plugins", starts_at=AIR)
    guest = make_speaker(name="O'Neil Dana", email="dana@example.org", time_zone="Asia/Tokyo")
    appearance = make_appearance(episode, guest, notes="Bring the repo")
    segment = make_segment(episode, title="Intro", owner=appearance)
    make_question(segment, appearance, text="How did you start?")
    Episode.objects.filter(pk=episode.pk).update(updated_at=AIR - timedelta(days=3))
    return appearance


def run(now: datetime) -> list[str]:
    return [kind for _appearance, kind in emails.send_due(now)]


def test_a_day_and_an_hour_before_the_call_each_once(appearance: Appearance) -> None:
    assert run(CALL - timedelta(hours=25)) == []
    assert run(CALL - timedelta(hours=23)) == ["day"]
    assert run(CALL - timedelta(hours=22)) == []
    assert run(CALL - timedelta(hours=2)) == []
    assert run(CALL - timedelta(minutes=55)) == ["hour"]
    assert run(CALL - timedelta(minutes=5)) == []
    assert run(CALL + timedelta(minutes=5)) == []  # the call has passed
    assert len(mail.outbox) == 2
    day, hour = mail.outbox
    assert day.to == ["dana@example.org"]
    number = appearance.episode.number
    assert day.subject == f"Tomorrow: Build Night #{number}: Plugins"
    link = links.absolute_url(appearance.speaker)
    assert link in day.body
    assert "O'Neil Dana" in day.body  # plain text: nothing HTML-escaped
    assert "On air: Wednesday 9 January 2030, 02:00 (Asia/Tokyo)" in day.body
    assert "Please be there at: 01:30" in day.body
    assert "Bring the repo" in day.body
    assert hour.subject == f"In an hour: Build Night #{number}: Plugins"


def test_a_change_is_told_once_after_edits_settle(appearance: Appearance) -> None:
    assert run(CALL - timedelta(days=5)) == []  # never told anything: nothing to correct
    emails.send_link(appearance, now=CALL - timedelta(days=5))
    assert run(CALL - timedelta(days=4)) == []  # nothing changed since
    segment = appearance.episode.segments.get()
    first_edit = CALL - timedelta(days=3, minutes=5)
    for minutes in (3, 4):  # two edits a minute apart make one email
        editing.update_fields(
            segment,
            {"planned_seconds": minutes * 60, "planned_max_seconds": minutes * 60},
            segment.version,
            Actor(None, first_edit),
            description="change",
        )
        segment.refresh_from_db()
    Episode.objects.filter(pk=appearance.episode_id).update(updated_at=first_edit)
    assert run(first_edit + timedelta(minutes=5)) == []  # still being edited
    assert run(first_edit + timedelta(minutes=11)) == ["changes"]
    assert run(first_edit + timedelta(minutes=30)) == []
    number = appearance.episode.number
    assert [m.subject for m in mail.outbox] == [
        f"Your page for Build Night #{number}: Plugins",
        f"Changes for you: Build Night #{number}: Plugins",
    ]


def test_a_change_that_does_not_concern_the_guest_is_not_told(appearance: Appearance) -> None:
    emails.send_link(appearance, now=CALL - timedelta(days=5))
    other = make_segment(appearance.episode, title="Someone else's", minutes=None)
    make_question(other, make_appearance(appearance.episode), text="Not for Dana")
    assert run(CALL - timedelta(days=2)) == []


def test_a_show_moved_to_another_day_is_reminded_of_again(appearance: Appearance) -> None:
    assert run(CALL - timedelta(hours=20)) == ["day"]
    Episode.objects.filter(pk=appearance.episode_id).update(starts_at=AIR + timedelta(days=7))
    assert run(CALL + timedelta(days=7) - timedelta(hours=20)) == ["day"]


def test_no_email_address_no_email(appearance: Appearance) -> None:
    appearance.speaker.email = ""
    appearance.speaker.save()
    assert run(CALL - timedelta(hours=23)) == []
    assert not Reminder.objects.exists()


def test_the_command_reports_what_it_sent(appearance: Appearance, settings: object) -> None:
    out = StringIO()
    Episode.objects.filter(pk=appearance.episode_id).update(
        starts_at=datetime.now(UTC) + timedelta(hours=20)
    )
    call_command("send_reminders", stdout=out)
    call_command("send_reminders", stdout=out)
    assert out.getvalue().splitlines() == [
        f"Sent day to O'Neil Dana ({appearance.episode})",
        "1 email sent.",
        "0 emails sent.",
    ]

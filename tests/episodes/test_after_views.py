"""After the show: the report pages, their CSV, the chapters editor, the upcoming page and feed."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from episodes.models import Appearance, Episode, Role, Segment, SegmentRun, Show
from episodes.views.upcoming import feed_key
from tests.factories import (
    make_appearance,
    make_episode,
    make_producer,
    make_question,
    make_run,
    make_segment,
    make_show,
    make_speaker,
    make_user,
)

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 3, 17, 0, tzinfo=UTC)


def aired(show: Show, number: int, talk_seconds: float, **kwargs: object) -> Episode:
    """An episode that went on air: news 5 min as planned, talk planned 20 min."""
    episode = make_episode(
        show=show,
        number=number,
        title=f"Episode {number}",
        starts_at=START + timedelta(days=7 * number),
        target_seconds=1800,
        status=Episode.Status.DONE,
        **kwargs,
    )
    news = make_segment(
        episode, title="News", kind="news", planned_seconds=300, planned_max_seconds=300
    )
    talk = make_segment(
        episode, title="Talk", kind="questions", planned_seconds=1200, planned_max_seconds=1200
    )
    make_question(talk, text="How did you start?", status="asked")
    make_question(talk, text="What next?", status="skipped")
    make_question(talk, text='=HYPERLINK("http://evil.example")')
    begin = episode.starts_at
    make_run(news, begin, 300)
    make_run(talk, begin + timedelta(seconds=300), talk_seconds, paused_ms=30_000)
    return episode


@pytest.fixture
def show() -> Show:
    return make_show(name="Build Night", slug="build-night")


def test_the_episode_report_shows_planned_actual_and_the_difference(
    client: Client, show: Show
) -> None:
    episode = aired(show, 1, 1530)  # 1,530 s on the clock, 30 s paused: 25 min on air
    client.force_login(make_user((show, Role.HOST)))

    response = client.get(reverse("episodes:episode_report", args=[episode.pk]))

    html = response.content.decode()
    news, talk = response.context["report"].rows
    assert (news.actual_seconds, news.verdict) == (300, "on")
    assert (talk.actual_seconds, talk.delta_seconds, talk.verdict) == (1500, 300, "over")
    assert "+5 min" in html
    assert "1 asked, 1 skipped of 3" in html
    assert 'data-testid="target-delta">−0 s' not in html
    assert "30 min" in html  # on air in all, against a 30 min target


def test_the_episode_csv_has_a_row_per_segment_and_no_formulas(client: Client, show: Show) -> None:
    episode = aired(show, 1, 1530)
    Segment.objects.filter(episode=episode, title="News").update(title="=1+2 news")
    SegmentRun.objects.filter(episode=episode, title="News").update(
        ended_at=F("started_at") + timedelta(seconds=240)
    )
    client.force_login(make_producer(show))

    response = client.get(reverse("episodes:episode_report_csv", args=[episode.pk]))

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert [(r["segment"], r["actual_s"], r["difference_s"], r["verdict"]) for r in rows] == [
        ("'=1+2 news", "240", "-60", "under"),  # a number stays a number
        ("Talk", "1500", "300", "over"),
    ]
    assert rows[1]["questions_asked"] == "1"


def test_the_show_report_averages_each_kind_with_a_chart_and_csv(
    client: Client, show: Show
) -> None:
    aired(show, 1, 1530)  # talk 25 min: over
    aired(show, 2, 1230)  # talk 20 min: on plan
    rehearsal = make_episode(show=show, number=3, title="Rehearsed only")
    make_run(make_segment(rehearsal, kind="questions"), START, 9999, is_rehearsal=True)
    client.force_login(make_user((show, Role.HOST)))

    page = client.get(reverse("episodes:show_report", args=[show.slug]))
    data = client.get(reverse("episodes:show_report_csv", args=[show.slug]))

    html = page.content.decode()
    assert '<svg class="bar-chart"' in html
    assert html.count('class="bar-actual') == 2
    assert "1 of 2 (50 %)" in html
    assert "Rehearsed only" not in html
    rows = {r["kind"]: r for r in csv.DictReader(io.StringIO(data.content.decode()))}
    assert rows["questions"]["mean_actual_s"] == "1350"
    assert rows["questions"]["times_over"] == "1"
    assert rows["questions"]["share_over"] == "0.50"
    assert rows["news"]["segments"] == "2"


def test_an_empty_show_report_says_what_will_fill_it(client: Client, show: Show) -> None:
    client.force_login(make_producer(show))

    html = client.get(reverse("episodes:show_report", args=[show.slug])).content.decode()

    assert "No episode has been on air yet" in html
    assert "<svg" not in html


def test_the_editor_shows_how_long_each_kind_usually_runs(client: Client, show: Show) -> None:
    aired(show, 1, 1530)
    aired(show, 2, 1350)
    upcoming = make_episode(show=show, number=5)
    make_segment(upcoming, title="Talk with Omar", kind="questions")
    make_segment(upcoming, title="Demo", kind="demo")
    client.force_login(make_producer(show))

    html = client.get(reverse("episodes:episode_editor", args=[upcoming.pk])).content.decode()

    assert "Questions usually run 24 min" in html  # 25 min and 22 min on air: 23 min 30 s
    assert "Demo usually" not in html  # never on air yet


@pytest.mark.parametrize(
    "name", ["episodes:episode_report", "episodes:episode_report_csv", "episodes:episode_chapters"]
)
def test_after_show_pages_are_for_the_shows_team_only(
    client: Client, show: Show, name: str
) -> None:
    episode = aired(show, 1, 1530)
    url = reverse(name, args=[episode.pk])

    anonymous = client.get(url)
    client.force_login(make_producer(make_show()))
    outsider = client.get(url)

    assert anonymous.status_code == 302
    assert outsider.status_code == 403


def test_the_producer_edits_chapters_and_an_invalid_edit_says_which_line(
    client: Client, show: Show
) -> None:
    episode = aired(show, 1, 1530)
    client.force_login(make_producer(show))
    url = reverse("episodes:episode_chapters", args=[episode.pk])
    assert client.get(url).context["text"] == "00:00 News\n05:00 Talk\n"

    refused = client.post(url, {"chapters": "00:00 News\n00:05 Talk\n", "saved": ""})
    saved = client.post(url, {"chapters": "0:00 The news\r\n5:00 Dana on plugins\r\n", "saved": ""})

    assert refused.status_code == 422
    assert "Line 2: The chapter before this one is 5 s long" in refused.content.decode()
    assert "00:05 Talk" in refused.content.decode()  # what was typed is kept
    assert saved.status_code == 302
    episode.refresh_from_db()
    assert episode.chapters == "00:00 The news\n05:00 Dana on plugins\n"


def test_chapters_saved_by_someone_else_meanwhile_are_not_overwritten(
    client: Client, show: Show
) -> None:
    episode = aired(show, 1, 1530)
    Episode.objects.filter(pk=episode.pk).update(chapters="00:00 Theirs\n05:00 Talk\n")
    client.force_login(make_producer(show))
    url = reverse("episodes:episode_chapters", args=[episode.pk])

    stale = client.post(url, {"chapters": "00:00 Mine\n05:00 Talk\n", "saved": ""})

    assert stale.status_code == 409
    assert "Someone else saved other chapters" in stale.content.decode()
    assert "00:00 Mine" in stale.content.decode()
    episode.refresh_from_db()
    assert episode.chapters == "00:00 Theirs\n05:00 Talk\n"


def test_reset_goes_back_to_the_recorded_times(client: Client, show: Show) -> None:
    episode = aired(show, 1, 1530)
    Episode.objects.filter(pk=episode.pk).update(chapters="00:00 Edited\n05:00 Talk\n")
    client.force_login(make_producer(show))
    url = reverse("episodes:episode_chapters", args=[episode.pk])

    client.post(url, {"reset": "1"})

    assert client.get(url).context["text"] == "00:00 News\n05:00 Talk\n"


def test_a_host_reads_chapters_but_cannot_save_them(client: Client, show: Show) -> None:
    episode = aired(show, 1, 1530)
    client.force_login(make_user((show, Role.HOST)))
    url = reverse("episodes:episode_chapters", args=[episode.pk])

    page = client.get(url)
    post = client.post(url, {"chapters": "00:00 Mine\n05:00 Talk\n", "saved": ""})

    assert "readonly" in page.content.decode()
    assert post.status_code == 403
    episode.refresh_from_db()
    assert episode.chapters == ""


# -- the upcoming-episodes page -------------------------------------------------------------


def upcoming_episode(show: Show, **kwargs: object) -> Episode:
    episode = make_episode(
        show=show,
        status=Episode.Status.SCHEDULED,
        starts_at=timezone.now() + timedelta(days=3),
        title="Plugins",
        **kwargs,
    )
    make_appearance(episode, make_speaker(name="Dana Li", email="dana@example.org"))
    make_appearance(episode, make_speaker(name="Pat Producer"), role=Appearance.Role.PRODUCER)
    return episode


def test_a_public_upcoming_page_shows_the_next_episodes_and_their_guests(
    client: Client, show: Show
) -> None:
    Show.objects.filter(pk=show.pk).update(upcoming_public=True)
    upcoming_episode(show, number=7)
    make_episode(show=show, number=8, status=Episode.Status.DRAFT, title="Secret draft",
                 starts_at=timezone.now() + timedelta(days=10))  # fmt: skip
    make_episode(show=show, number=6, status=Episode.Status.DONE, title="Old one",
                 starts_at=timezone.now() - timedelta(days=4))  # fmt: skip

    html = client.get(reverse("episodes:show_upcoming", args=[show.slug])).content.decode()

    assert "#7 Plugins" in html
    assert "Dana Li" in html
    assert "dana@example.org" not in html
    assert "Pat Producer" not in html  # behind the scenes
    assert "Secret draft" not in html
    assert "Old one" not in html


def test_the_show_feed_is_a_calendar_of_the_upcoming_episodes(client: Client, show: Show) -> None:
    Show.objects.filter(pk=show.pk).update(upcoming_public=True)
    episode = upcoming_episode(show, number=7)

    response = client.get(reverse("episodes:show_calendar", args=[show.slug]))

    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert response["Content-Type"].startswith("text/calendar")
    assert str(event["summary"]) == "Build Night #7: Plugins"
    assert event.decoded("dtstart") == episode.starts_at.replace(microsecond=0)
    assert "Dana Li" in str(event["description"])


def test_a_team_only_page_is_hidden_from_outsiders(client: Client, show: Show) -> None:
    upcoming_episode(show, number=7)
    page = reverse("episodes:show_upcoming", args=[show.slug])
    feed = reverse("episodes:show_calendar", args=[show.slug])

    anonymous = client.get(page)
    anonymous_missing = client.get(reverse("episodes:show_upcoming", args=["no-such-show"]))
    feed_without_key = client.get(feed)
    feed_wrong_key = client.get(feed, {"key": "0" * 64})
    client.force_login(make_producer(make_show()))
    outsider = client.get(page)

    assert anonymous.status_code == 302
    assert anonymous_missing.status_code == 302  # the same answer: nothing told
    assert feed_without_key.status_code == 404
    assert feed_wrong_key.status_code == 404
    assert outsider.status_code == 404


def test_a_team_only_feed_opens_with_its_key_until_the_secret_changes(
    client: Client, show: Show
) -> None:
    upcoming_episode(show, number=7)
    client.force_login(make_user((show, Role.HOST)))
    page = client.get(reverse("episodes:show_upcoming", args=[show.slug]))
    feed_url = page.context["feed_url"]
    client.logout()

    opened = client.get(feed_url)
    show.feed_secret = "f" * 64
    show.save()
    revoked = client.get(feed_url)

    assert f"key={feed_key(Show.objects.get(pk=show.pk))}" not in feed_url
    assert opened.status_code == 200
    assert b"BEGIN:VEVENT" in opened.content
    assert revoked.status_code == 404


def test_the_admin_action_revokes_the_feed_addresses(client: Client, show: Show) -> None:
    upcoming_episode(show, number=7)
    old = reverse("episodes:show_calendar", args=[show.slug]) + f"?key={feed_key(show)}"
    client.force_login(make_user(is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:episodes_show_changelist"),
        {"action": "new_feed_key", "_selected_action": [show.pk]},
    )
    client.logout()

    assert response.status_code == 302
    assert client.get(old).status_code == 404
    assert (
        client.get(
            reverse("episodes:show_calendar", args=[show.slug]),
            {"key": feed_key(Show.objects.get(pk=show.pk))},
        ).status_code
        == 200
    )

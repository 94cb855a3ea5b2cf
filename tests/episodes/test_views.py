"""The team's pages: who may see them, and what they show."""

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from episodes.models import Episode, Role
from tests.factories import (
    make_appearance,
    make_episode,
    make_news,
    make_question,
    make_segment,
    make_show,
    make_speaker,
    make_user,
)

pytestmark = pytest.mark.django_db


def planned_episode() -> Episode:
    show = make_show(name="Talk Show", time_zone="Europe/Berlin")
    episode = make_episode(
        show=show, number=12, title="Widgets", starts_at=datetime(2026, 3, 3, 17, 0, tzinfo=UTC)
    )
    dana = make_appearance(episode, make_speaker(name="Dana Li"))
    make_segment(episode, title="Hook", kind="hook", minutes=1)
    questions = make_segment(episode, title="General Questions", kind="questions", minutes=20)
    make_segment(episode, title="Demo", kind="demo", planned_seconds=300, planned_max_seconds=600)
    make_question(questions, dana, text="How did you start?")
    make_question(questions, text="What next?", for_everyone=True)
    make_news(episode, title="Widget 2.0", url="https://news.example.org/2-0")
    return episode


def test_runsheet_shows_times_in_the_show_time_zone(client: Client) -> None:
    episode = planned_episode()
    client.force_login(make_user((episode.show, Role.HOST)))

    response = client.get(reverse("episodes:episode_runsheet", args=[episode.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "18:00" in html  # 17:00 UTC is 18:00 in Berlin
    assert "18:01" in html  # the questions start after the one-minute hook
    assert "18:21–18:21" not in html
    assert "5–10 min" in html
    assert "For Dana Li" in html
    assert "For Everyone" in html
    assert "https://news.example.org/2-0" in html
    assert "26–31 min" in html  # the planned total
    assert response.context["sheet"].total.earliest.total_seconds() == 26 * 60


def test_runsheet_needs_a_login(client: Client) -> None:
    episode = planned_episode()

    response = client.get(reverse("episodes:episode_runsheet", args=[episode.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_runsheet_is_refused_to_someone_without_a_role_on_the_show(client: Client) -> None:
    episode = planned_episode()
    client.force_login(make_user((make_show(), Role.PRODUCER)))

    response = client.get(reverse("episodes:episode_runsheet", args=[episode.pk]))

    assert response.status_code == 403


def test_runsheet_of_a_missing_episode_is_404(client: Client) -> None:
    client.force_login(make_user(is_staff=True))

    assert client.get(reverse("episodes:episode_runsheet", args=[999999])).status_code == 404


def test_runsheet_escapes_what_people_wrote(client: Client) -> None:
    episode = make_episode(title="<script>alert(1)</script>")
    segment = make_segment(episode, notes="<img src=x onerror=alert(1)> **bold**")
    make_question(segment, text="<b>loud</b>?")
    client.force_login(make_user(is_staff=True))

    html = client.get(reverse("episodes:episode_runsheet", args=[episode.pk])).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "onerror" not in html
    assert "<strong>bold</strong>" in html
    assert "&lt;b&gt;loud&lt;/b&gt;?" in html


def test_runsheet_loads_in_a_fixed_number_of_queries(
    client: Client, django_assert_num_queries: object
) -> None:
    user = make_user(is_staff=True)
    small = planned_episode()
    large = planned_episode()
    for index in range(40):
        segment = make_segment(large, title=f"Segment {index}")
        make_question(segment, large.appearances.first(), text=f"Question {index}?")
        make_news(large, title=f"Story {index}")
    client.force_login(user)

    with django_assert_num_queries(8) as small_queries:  # type: ignore[operator]
        client.get(reverse("episodes:episode_runsheet", args=[small.pk]))
    with django_assert_num_queries(8):  # type: ignore[operator]
        client.get(reverse("episodes:episode_runsheet", args=[large.pk]))

    assert small_queries


def test_home_lists_only_the_shows_of_the_user(client: Client) -> None:
    mine = make_episode(show=make_show(name="Mine"), title="My episode")
    make_episode(show=make_show(name="Theirs"), title="Their episode")
    client.force_login(make_user((mine.show, Role.PRODUCER)))

    html = client.get(reverse("episodes:home")).content.decode()

    assert "Mine" in html
    assert "Theirs" not in html


def test_show_page_lists_upcoming_then_past_then_drafts(client: Client) -> None:
    show = make_show()
    make_episode(
        show=show, title="Old one", starts_at=datetime(2020, 1, 1, tzinfo=UTC), status="done"
    )
    make_episode(show=show, title="Next one", starts_at=datetime(2099, 1, 1, tzinfo=UTC))
    make_episode(show=show, title="Idea", number=None, starts_at=None, status="draft")
    client.force_login(make_user((show, Role.HOST)))

    response = client.get(reverse("episodes:show_detail", args=[show.slug]))

    assert [e.title for e in response.context["upcoming"]] == ["Next one"]
    assert [e.title for e in response.context["past"]] == ["Old one"]
    assert [e.title for e in response.context["drafts"]] == ["Idea"]


def test_show_page_is_refused_without_a_role(client: Client) -> None:
    show = make_show()
    client.force_login(make_user())

    assert client.get(reverse("episodes:show_detail", args=[show.slug])).status_code == 403


def test_pages_send_a_content_security_policy_without_inline_script_or_style(
    client: Client,
) -> None:
    client.force_login(make_user(is_staff=True))

    response = client.get(reverse("episodes:home"))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()
    assert "style=" not in response.content.decode()

"""Archiving episodes and shows; deleting a draft that never aired, with undo."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from episodes import editing
from episodes.models import Change, Episode, Role
from episodes.views.upcoming import upcoming_episodes
from tests.factories import make_episode, make_run, make_segment, make_show, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def show() -> object:
    return make_show(name="Widget Hour")


@pytest.fixture
def producer(show: object) -> Client:
    client = Client()
    client.force_login(make_user((show, Role.PRODUCER)))
    return client


def test_an_archived_episode_leaves_the_lists_and_upcoming_but_not_the_reports(
    show: object, producer: Client
) -> None:
    episode = make_episode(
        show=show, title="ARCHIVED-ONE", starts_at=timezone.now() + timedelta(days=2)
    )
    segment = make_segment(episode, title="Talk")
    make_run(segment, timezone.now() - timedelta(days=30), 300)
    assert upcoming_episodes(show) == [episode]

    producer.post(reverse("episodes:archive_episode", args=[episode.pk]), follow=True)

    home = producer.get(reverse("episodes:home")).content.decode()
    detail = producer.get(reverse("episodes:show_detail", args=[show.slug])).content.decode()
    report = producer.get(reverse("episodes:show_report", args=[show.slug])).content.decode()
    assert "ARCHIVED-ONE" not in home
    assert detail.index("ARCHIVED-ONE") > detail.index("<h2>Archived</h2>")
    assert upcoming_episodes(show) == []
    assert "ARCHIVED-ONE" in report
    assert producer.get(reverse("episodes:episode_report", args=[episode.pk])).status_code == 200

    producer.post(reverse("episodes:archive_episode", args=[episode.pk]), {"archive": "no"})

    assert upcoming_episodes(show) == [episode]


def test_a_draft_that_never_aired_is_deleted_hidden_everywhere_and_restorable(
    show: object, producer: Client
) -> None:
    draft = make_episode(show=show, number=9, title="OOPS-DRAFT", status=Episode.Status.DRAFT)

    deleted = producer.post(reverse("episodes:delete_episode", args=[draft.pk]), follow=True)

    assert "You can undo this for five minutes." in deleted.content.decode()
    assert not Episode.objects.filter(pk=draft.pk).exists()
    assert producer.get(reverse("episodes:episode_runsheet", args=[draft.pk])).status_code == 404
    assert "OOPS-DRAFT" not in producer.get(reverse("episodes:home")).content.decode()
    # Its number is free meanwhile, and the next episode takes it.
    assert Episode.everything.get(pk=draft.pk).number is None

    restored = producer.post(reverse("episodes:restore_episode", args=[show.slug, draft.pk]))

    assert restored.status_code == 302
    assert Episode.objects.get(pk=draft.pk).number == 9
    assert Change.objects.get(episode=draft, action="delete").undone_at is not None


def test_a_deletion_cannot_be_undone_after_five_minutes(show: object, producer: Client) -> None:
    draft = make_episode(show=show, status=Episode.Status.DRAFT)
    editing.delete_episode(draft, editing.Actor(None, timezone.now() - timedelta(minutes=6)))
    Episode.everything.filter(pk=draft.pk).update(deleted_at=timezone.now() - timedelta(minutes=6))

    response = producer.post(
        reverse("episodes:restore_episode", args=[show.slug, draft.pk]), follow=True
    )

    assert "more than five minutes old" in response.content.decode()
    assert not Episode.objects.filter(pk=draft.pk).exists()
    call_command("purge_deleted_episodes")
    assert not Episode.everything.filter(pk=draft.pk).exists()


def test_what_aired_or_is_scheduled_is_never_deleted(show: object, producer: Client) -> None:
    scheduled = make_episode(show=show)
    rehearsed = make_episode(show=show, status=Episode.Status.DRAFT)
    make_run(make_segment(rehearsed), timezone.now(), 60, is_rehearsal=True)
    template = editing.template_of(show)

    answers = [
        producer.post(reverse("episodes:delete_episode", args=[e.pk]), follow=True).content.decode()
        for e in (scheduled, rehearsed, template)
    ]

    assert "Only drafts can be deleted; this one is scheduled." in answers[0]
    assert "it stays for the reports" in answers[1]
    assert "The template cannot be deleted" in answers[2]
    assert Episode.objects.filter(pk__in=[scheduled.pk, rehearsed.pk, template.pk]).count() == 3


def test_a_new_episode_takes_a_deleted_drafts_number_and_undo_leaves_it_numberless(
    show: object, producer: Client
) -> None:
    draft = make_episode(show=show, number=1, status=Episode.Status.DRAFT)
    producer.post(reverse("episodes:delete_episode", args=[draft.pk]))
    producer.post(reverse("episodes:new_episode", args=[show.slug]))

    producer.post(reverse("episodes:restore_episode", args=[show.slug, draft.pk]))

    assert Episode.objects.filter(show=show, is_template=False, number=1).count() == 1
    assert Episode.objects.get(pk=draft.pk).number is None


def test_hosts_cannot_archive_or_delete(show: object) -> None:
    draft = make_episode(show=show, status=Episode.Status.DRAFT)
    host = Client()
    host.force_login(make_user((show, Role.HOST)))

    assert host.post(reverse("episodes:archive_episode", args=[draft.pk])).status_code == 403
    assert host.post(reverse("episodes:delete_episode", args=[draft.pk])).status_code == 403
    assert Episode.objects.get(pk=draft.pk).archived_at is None


def test_an_archived_show_leaves_the_home_page_and_stays_reachable(
    show: object, producer: Client
) -> None:
    producer.post(reverse("episodes:archive_show", args=[show.slug]), follow=True)

    home = producer.get(reverse("episodes:home")).content.decode()

    assert 'class="card show-card"' not in home
    assert "Archived: " in home
    assert producer.get(reverse("episodes:show_detail", args=[show.slug])).status_code == 200

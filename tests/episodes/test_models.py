"""Rules the database itself holds, so no code path can break them."""

from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError, transaction

from episodes.models import Episode, NewsItem, Question, Segment
from speakers.models import Speaker
from tests.factories import (
    make_appearance,
    make_episode,
    make_news,
    make_question,
    make_segment,
    make_show,
    make_speaker,
)

pytestmark = pytest.mark.django_db


def test_episode_numbers_are_unique_per_show() -> None:
    show = make_show()
    make_episode(show=show, number=7)
    make_episode(number=7)  # another show may reuse the number

    with pytest.raises(IntegrityError), transaction.atomic():
        make_episode(show=show, number=7)


def test_several_drafts_without_a_number() -> None:
    show = make_show()

    make_episode(show=show, number=None)
    make_episode(show=show, number=None)

    assert show.episodes.filter(number__isnull=True).count() == 2


def test_segment_positions_are_unique_per_episode() -> None:
    episode = make_episode()
    make_segment(episode, position=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        make_segment(episode, position=1)


@pytest.mark.parametrize(("low", "high"), [(600, 300), (300, None), (None, 300)])
def test_planned_duration_needs_min_le_max_or_neither(low: int | None, high: int | None) -> None:
    episode = make_episode()

    with pytest.raises(IntegrityError), transaction.atomic():
        Segment.objects.create(
            episode=episode, position=1, title="x", planned_seconds=low, planned_max_seconds=high
        )


def test_negative_durations_are_refused() -> None:
    episode = make_episode()

    with pytest.raises(IntegrityError), transaction.atomic():
        Segment.objects.create(
            episode=episode, position=1, title="x", planned_seconds=-5, planned_max_seconds=10
        )


def test_question_and_news_positions_are_unique() -> None:
    episode = make_episode()
    segment = make_segment(episode)
    make_question(segment, position=1)
    make_news(episode, position=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(segment=segment, position=1, text="again?")
    with pytest.raises(IntegrityError), transaction.atomic():
        NewsItem.objects.create(episode=episode, position=1, title="again")


def test_news_item_needs_a_title_or_url() -> None:
    episode = make_episode()

    with pytest.raises(IntegrityError), transaction.atomic():
        NewsItem.objects.create(episode=episode, position=1, title="", url="")


def test_start_time_sets_the_air_date_in_the_show_time_zone() -> None:
    show = make_show(time_zone="Pacific/Auckland")

    episode = make_episode(show=show, starts_at=datetime(2026, 3, 3, 20, 0, tzinfo=UTC))

    assert episode.air_date == date(2026, 3, 4)  # already the next morning in Auckland


def test_start_without_date_is_refused_by_the_database() -> None:
    episode = make_episode()

    with pytest.raises(IntegrityError), transaction.atomic():
        Episode.objects.filter(pk=episode.pk).update(
            air_date=None, starts_at=datetime(2026, 1, 1, tzinfo=UTC)
        )


def test_deleting_a_speaker_keeps_episodes_and_questions() -> None:
    episode = make_episode()
    appearance = make_appearance(episode)
    segment = make_segment(episode, owner=appearance)
    question = make_question(segment, appearance)

    Speaker.objects.filter(pk=appearance.speaker_id).delete()

    assert Episode.objects.filter(pk=episode.pk).exists()
    question.refresh_from_db()
    segment.refresh_from_db()
    assert list(question.addressed_to.all()) == []
    assert segment.owner is None


def test_questions_grouped_by_addressee() -> None:
    episode = make_episode()
    dana = make_appearance(episode, make_speaker(name="Dana Li"))
    segment = make_segment(episode)
    make_question(segment, dana, text="One?")
    make_question(segment, text="Two?", for_everyone=True)
    make_question(segment, dana, text="Three?")
    make_question(segment, text="Four?")

    groups = [(label, [q.text for q in qs]) for label, qs in segment.questions_by_addressee()]

    assert groups == [
        ("Dana Li", ["One?", "Three?"]),
        ("Everyone", ["Two?"]),
        ("Anyone", ["Four?"]),
    ]

"""How much an episode holds: segments, questions per segment, question length, in the editor
and the importer alike."""

import pytest
from django.test import Client
from django.urls import reverse

from episodes import limits
from episodes.formats.document import EpisodeDocument, ParseError, QuestionDoc, SegmentDoc, validate
from episodes.models import Episode, Question, Role, Segment
from tests.factories import make_episode, make_question, make_segment, make_user

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def episode() -> Episode:
    return make_episode(title="Full")


@pytest.fixture
def producer(client: Client, episode: Episode) -> Client:
    client.force_login(make_user((episode.show, Role.PRODUCER)))
    return client


def fill_segments(episode: Episode, count: int) -> None:
    Segment.objects.bulk_create(
        Segment(episode=episode, position=n, title=f"Segment {n}") for n in range(1, count + 1)
    )


def test_a_segment_past_the_episodes_bound_is_refused_with_the_reason(
    producer: Client, episode: Episode
) -> None:
    fill_segments(episode, limits.MAX_SEGMENTS_PER_EPISODE)
    last = episode.segments.last()

    added = producer.post(
        reverse("episodes:add_segment", args=[episode.pk]), {"layout_version": 1}, **HX
    )
    duplicated = producer.post(
        reverse("episodes:duplicate_segment", args=[episode.pk, last.pk]),
        {"layout_version": 1},
        **HX,
    )

    for response in (added, duplicated):
        assert response.status_code == 422
        assert response["HX-Retarget"] == "#segment-limit-error"
        assert "at most 200 segments" in response.content.decode()
    assert episode.segments.count() == limits.MAX_SEGMENTS_PER_EPISODE
    episode.refresh_from_db()
    assert episode.layout_version == 1  # nothing changed


def test_the_editor_has_a_place_for_the_segment_bound_message(
    producer: Client, episode: Episode
) -> None:
    response = producer.get(reverse("episodes:episode_editor", args=[episode.pk]))

    assert b'id="segment-limit-error"' in response.content


def test_a_question_past_the_segments_bound_is_refused(producer: Client, episode: Episode) -> None:
    segment = make_segment(episode, title="Questions")
    Question.objects.bulk_create(
        Question(segment=segment, position=n, text=f"Q{n}")
        for n in range(1, limits.MAX_QUESTIONS_PER_SEGMENT + 1)
    )

    response = producer.post(
        reverse("episodes:add_question", args=[episode.pk, segment.pk]),
        {"text": "One more?", "layout_version": 1},
        **HX,
    )

    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#segment-{segment.pk} .new-question-error"
    assert "at most 100 questions" in response.content.decode()
    assert segment.questions.count() == limits.MAX_QUESTIONS_PER_SEGMENT


def test_question_text_is_bounded_on_edit_as_on_add(producer: Client, episode: Episode) -> None:
    segment = make_segment(episode, title="Questions")
    question = make_question(segment, text="Short?")
    long_text = "x" * (limits.MAX_QUESTION_LENGTH + 1)

    added = producer.post(
        reverse("episodes:add_question", args=[episode.pk, segment.pk]),
        {"text": long_text, "layout_version": 1},
        **HX,
    )
    edited = producer.post(
        reverse("episodes:edit_question", args=[episode.pk, question.pk]),
        {"text": long_text, "version": question.version},
        **{**HX, "HTTP_HX_TRIGGER_NAME": "text"},
    )

    for response in (added, edited):
        assert response.status_code == 422
        assert "2,001 characters long; the limit is 2,000" in response.content.decode()
    question.refresh_from_db()
    assert question.text == "Short?"
    assert segment.questions.count() == 1


def test_question_text_at_the_bound_is_saved_on_edit(producer: Client, episode: Episode) -> None:
    segment = make_segment(episode, title="Questions")
    question = make_question(segment, text="Short?")

    response = producer.post(
        reverse("episodes:edit_question", args=[episode.pk, question.pk]),
        {"text": "y" * limits.MAX_QUESTION_LENGTH, "version": question.version},
        **{**HX, "HTTP_HX_TRIGGER_NAME": "text"},
    )

    assert response.status_code == 200
    question.refresh_from_db()
    assert len(question.text) == limits.MAX_QUESTION_LENGTH


@pytest.mark.parametrize(
    ("doc", "where"),
    [
        (
            EpisodeDocument(
                show_slug="s", segments=[SegmentDoc(title=f"S{n}") for n in range(201)]
            ),
            "segments: 201 segments; an episode holds at most 200.",
        ),
        (
            EpisodeDocument(
                show_slug="s",
                segments=[SegmentDoc(title="Q", questions=[QuestionDoc(text="?")] * 101)],
            ),
            "segments[0].questions: 101 questions; a segment holds at most 100.",
        ),
        (
            EpisodeDocument(
                show_slug="s",
                segments=[SegmentDoc(title="Q", questions=[QuestionDoc(text="x" * 2001)])],
            ),
            "segments[0].questions[0].text: is 2001 characters long; the limit is 2000.",
        ),
    ],
)
def test_an_import_past_a_bound_is_refused_naming_it(doc: EpisodeDocument, where: str) -> None:
    with pytest.raises(ParseError) as refused:
        validate(doc)

    assert str(refused.value) == where


def test_the_import_page_shows_the_bound_and_saves_nothing(
    producer: Client, episode: Episode
) -> None:
    rows = "\n\n".join(f"**Segment {n} (1 mins)**" for n in range(1, 202))
    text = f"# Talk Show Episode 99, March 10, 2026\nHuge\n\n{rows}\n"

    response = producer.post(
        reverse("episodes:import_preview", args=[episode.show.slug]), {"text": text, "number": 99}
    )

    assert "an episode holds at most 200" in response.content.decode()
    assert not Episode.objects.filter(number=99).exists()

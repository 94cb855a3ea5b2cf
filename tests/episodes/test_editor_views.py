"""The episode editor's endpoints: who may use them, what they answer, what they refuse."""

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from episodes import editing
from episodes.models import Appearance, Episode, NewsItem, Role, Segment
from speakers.models import Speaker
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

HX = {"HTTP_HX_REQUEST": "true"}


def hx(field: str) -> dict[str, str]:
    return {**HX, "HTTP_HX_TRIGGER_NAME": field}


@pytest.fixture
def episode() -> Episode:
    episode = make_episode(
        show=make_show(time_zone="Europe/Berlin"),
        title="Widgets",
        starts_at=datetime(2026, 3, 3, 17, 0, tzinfo=UTC),
    )
    dana = make_appearance(episode, make_speaker(name="Dana Li"))
    make_segment(episode, title="News", kind="news", minutes=2)
    questions = make_segment(episode, title="Questions", kind="questions", minutes=20)
    make_question(questions, dana, text="How did you start?")
    make_news(episode, title="Widget 2.0")
    return episode


@pytest.fixture
def producer(client: Client, episode: Episode) -> Client:
    client.force_login(make_user((episode.show, Role.PRODUCER)))
    return client


def url(name: str, *args: object) -> str:
    return reverse(name, args=args)


def test_editor_page_for_a_producer(producer: Client, episode: Episode) -> None:
    response = producer.get(url("episodes:episode_editor", episode.pk))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Widgets"' in html
    assert 'value="18:00"' in html  # the air time in the show's zone
    assert "How did you start?" in html


@pytest.mark.parametrize("role", [Role.HOST, Role.SHOW_CALLER])
def test_editor_is_refused_to_other_roles(client: Client, episode: Episode, role: str) -> None:
    client.force_login(make_user((episode.show, role)))

    assert client.get(url("episodes:episode_editor", episode.pk)).status_code == 403
    response = client.post(
        url("episodes:edit_segment", episode.pk, episode.segments.first().pk),
        {"title": "Hijacked", "version": 1},
        **hx("title"),
    )
    assert response.status_code == 403
    assert not Segment.objects.filter(title="Hijacked").exists()


def test_editor_needs_a_login(client: Client, episode: Episode) -> None:
    response = client.get(url("episodes:episode_editor", episode.pk))

    assert response.status_code == 302


def test_editor_body_fragment_for_htmx(producer: Client, episode: Episode) -> None:
    response = producer.get(url("episodes:episode_editor", episode.pk) + "?part=body", **HX)

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="editor-body">')
    assert "<html" not in html


def test_editing_a_cell_saves_and_answers_with_new_times(
    producer: Client, episode: Episode
) -> None:
    news = episode.segments.get(title="News")

    response = producer.post(
        url("episodes:edit_segment", episode.pk, news.pk),
        {"planned": "5-10", "version": 1},
        **hx("planned"),
    )

    assert response.status_code == 200
    news.refresh_from_db()
    assert (news.planned_seconds, news.planned_max_seconds, news.version) == (300, 600, 2)
    html = response.content.decode()
    questions = episode.segments.get(title="Questions")
    assert f'id="segment-{questions.pk}-front" hx-swap-oob="true">18:05–18:10<' in html
    assert 'id="runsheet-totals" hx-swap-oob="true"' in html
    assert f'id="segment-{news.pk}-version" name="version" value="2"' in html


def test_invalid_cell_value_is_shown_in_place_and_not_saved(
    producer: Client, episode: Episode
) -> None:
    news = episode.segments.get(title="News")

    response = producer.post(
        url("episodes:edit_segment", episode.pk, news.pk),
        {"planned": "ten-ish", "version": 1},
        **hx("planned"),
    )

    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#segment-{news.pk} .planned-error"
    assert "Write minutes, such as 5" in response.content.decode()
    news.refresh_from_db()
    assert (news.planned_seconds, news.version) == (120, 1)


def test_empty_title_is_refused(producer: Client, episode: Episode) -> None:
    news = episode.segments.get(title="News")

    response = producer.post(
        url("episodes:edit_segment", episode.pk, news.pk),
        {"title": "  ", "version": 1},
        **hx("title"),
    )

    assert response.status_code == 422
    assert Segment.objects.get(pk=news.pk).title == "News"


def test_stale_cell_edit_gets_409_with_the_current_value(
    producer: Client, episode: Episode
) -> None:
    news = episode.segments.get(title="News")
    producer.post(
        url("episodes:edit_segment", episode.pk, news.pk),
        {"title": "Headlines", "version": 1},
        **hx("title"),
    )

    response = producer.post(
        url("episodes:edit_segment", episode.pk, news.pk),
        {"title": "Top stories", "version": 1},
        **hx("title"),
    )

    assert response.status_code == 409
    assert response["HX-Retarget"] == "#editor-body"
    html = response.content.decode()
    assert "Someone else changed this" in html
    assert 'value="Headlines"' in html
    assert Segment.objects.get(pk=news.pk).title == "Headlines"


def test_owner_must_be_on_this_episode(producer: Client, episode: Episode) -> None:
    news = episode.segments.get(title="News")
    stranger = make_appearance(make_episode())

    response = producer.post(
        url("episodes:edit_segment", episode.pk, news.pk),
        {"owner": stranger.pk, "version": 1},
        **hx("owner"),
    )

    assert response.status_code == 422
    assert Segment.objects.get(pk=news.pk).owner is None


def test_segment_of_another_episode_is_404(producer: Client, episode: Episode) -> None:
    other = make_segment(make_episode())

    response = producer.post(
        url("episodes:edit_segment", episode.pk, other.pk),
        {"title": "x", "version": 1},
        **hx("title"),
    )

    assert response.status_code == 404


def test_header_edit_sets_the_start_in_the_show_time_zone(
    producer: Client, episode: Episode
) -> None:
    response = producer.post(
        url("episodes:edit_header", episode.pk),
        {"air_date": "2026-07-01", "air_time": "19:30", "version": 1},
        **hx("air_time"),
    )

    assert response.status_code == 200
    episode.refresh_from_db()
    assert episode.starts_at == datetime(2026, 7, 1, 17, 30, tzinfo=UTC)  # summer time
    assert str(episode.air_date) == "2026-07-01"


def test_header_number_clash_is_refused(producer: Client, episode: Episode) -> None:
    make_episode(show=episode.show, number=99, title="Taken")

    response = producer.post(
        url("episodes:edit_header", episode.pk), {"number": "99", "version": 1}, **hx("number")
    )

    assert response.status_code == 422
    assert "Number 99 is already taken by “Taken”" in response.content.decode()


def test_layout_change_with_a_stale_layout_version_is_refused(
    producer: Client, episode: Episode
) -> None:
    news = episode.segments.get(title="News")
    producer.post(url("episodes:add_segment", episode.pk), {"layout_version": 1}, **HX)

    response = producer.post(
        url("episodes:move_item", episode.pk, "segments", news.pk),
        {"direction": "down", "layout_version": 1},
        **HX,
    )

    assert response.status_code == 409
    assert "The run-sheet changed while you were working" in response.content.decode()
    assert episode.segments.get(position=1) == news


def test_move_delete_and_undo(producer: Client, episode: Episode) -> None:
    news = episode.segments.get(title="News")

    producer.post(
        url("episodes:move_item", episode.pk, "segments", news.pk),
        {"direction": "down", "layout_version": 1},
        **HX,
    )
    assert list(episode.segments.values_list("title", flat=True)) == ["Questions", "News"]
    producer.post(
        url("episodes:delete_item", episode.pk, "segments", news.pk), {"layout_version": 2}, **HX
    )
    assert list(episode.segments.values_list("title", flat=True)) == ["Questions"]

    response = producer.post(url("episodes:editor_undo", episode.pk), **HX)

    assert "Undone: delete “News”" in response.content.decode()
    assert list(episode.segments.values_list("title", flat=True)) == ["Questions", "News"]


def test_unknown_kind_of_item_is_404(producer: Client, episode: Episode) -> None:
    response = producer.post(
        url("episodes:delete_item", episode.pk, "show", 1), {"layout_version": 1}, **HX
    )

    assert response.status_code == 404


def test_question_add_edit_and_address(producer: Client, episode: Episode) -> None:
    segment = episode.segments.get(title="Questions")
    dana = episode.appearances.get()

    producer.post(
        url("episodes:add_question", episode.pk, segment.pk),
        {"text": "What next?", "layout_version": 1},
        **HX,
    )
    question = segment.questions.get(text="What next?")
    producer.post(
        url("episodes:edit_question", episode.pk, question.pk),
        {"addressed_to": [dana.pk], "version": 1},
        **hx("addressed_to"),
    )
    producer.post(
        url("episodes:edit_question", episode.pk, question.pk),
        {"everyone": "on", "version": 2},
        **hx("everyone"),
    )

    question.refresh_from_db()
    assert question.for_everyone
    assert list(question.addressed_to.all()) == []


def test_question_can_be_marked_recurring(producer: Client, episode: Episode) -> None:
    question = episode.segments.get(title="Questions").questions.get()

    response = producer.post(
        url("episodes:edit_question", episode.pk, question.pk),
        {"is_recurring": "on", "text": question.text, "version": 1},
        **hx("is_recurring"),
    )

    assert response.status_code == 200
    question.refresh_from_db()
    assert question.is_recurring
    assert question.text == "How did you start?"


def test_empty_question_is_refused(producer: Client, episode: Episode) -> None:
    segment = episode.segments.get(title="Questions")

    response = producer.post(
        url("episodes:add_question", episode.pk, segment.pk),
        {"text": " ", "layout_version": 1},
        **HX,
    )

    assert response.status_code == 422
    assert segment.questions.count() == 1


def test_pasting_several_links_adds_several_news_items(producer: Client, episode: Episode) -> None:
    producer.post(
        url("episodes:add_news", episode.pk),
        {
            "links": "https://a.example.org/one\nRelease notes: https://b.example.org/two\n"
            "- [Roadmap](https://c.example.org/three)",
            "layout_version": 1,
        },
        **HX,
    )

    assert list(episode.news_items.values_list("title", "url")) == [
        ("Widget 2.0", "https://news.example.org/story"),
        ("", "https://a.example.org/one"),
        ("Release notes", "https://b.example.org/two"),
        ("Roadmap", "https://c.example.org/three"),
    ]


def test_pasted_links_with_a_bad_line_add_nothing(producer: Client, episode: Episode) -> None:
    response = producer.post(
        url("episodes:add_news", episode.pk),
        {"links": "https://a.example.org/one\nnot a link at all", "layout_version": 1},
        **HX,
    )

    assert response.status_code == 422
    assert "Line 2 (“not a link at all”) has no link." in response.content.decode()
    assert episode.news_items.count() == 1


def test_news_url_is_validated(producer: Client, episode: Episode) -> None:
    item = episode.news_items.get()

    response = producer.post(
        url("episodes:edit_news", episode.pk, item.pk),
        {"url": "javascript:alert(1)", "version": 1},
        **hx("url"),
    )

    assert response.status_code == 422
    assert NewsItem.objects.get(pk=item.pk).url == "https://news.example.org/story"


def test_guest_search_add_and_remove(producer: Client, episode: Episode) -> None:
    omar = make_speaker(name="Omar Haddad", show=episode.show)

    found = producer.get(url("episodes:search_speakers", episode.pk), {"q": "oma"}, **HX)
    assert "Omar Haddad" in found.content.decode()
    assert (
        "Dana Li"
        not in producer.get(
            url("episodes:search_speakers", episode.pk), {"q": "dana"}
        ).content.decode()
    )

    producer.post(
        url("episodes:add_guest", episode.pk),
        {"speaker": omar.pk, "role": "co_host", "layout_version": 1},
        **HX,
    )
    producer.post(
        url("episodes:add_guest", episode.pk),
        {"name": "Lee Park", "role": "guest", "layout_version": 2},
        **HX,
    )

    assert sorted(episode.appearances.values_list("speaker__name", "role")) == [
        ("Dana Li", "guest"),
        ("Lee Park", "guest"),
        ("Omar Haddad", "co_host"),
    ]
    lee = episode.appearances.get(speaker__name="Lee Park")
    producer.post(url("episodes:remove_guest", episode.pk, lee.pk), {"layout_version": 3}, **HX)
    assert not Appearance.objects.filter(pk=lee.pk).exists()
    assert Speaker.objects.filter(name="Lee Park").exists()


def test_revision_endpoint_moves_with_every_change(producer: Client, episode: Episode) -> None:
    before = json.loads(producer.get(url("episodes:editor_revision", episode.pk)).content)[
        "revision"
    ]
    news = episode.segments.get(title="News")
    producer.post(
        url("episodes:edit_segment", episode.pk, news.pk),
        {"title": "Headlines", "version": 1},
        **hx("title"),
    )

    after = json.loads(producer.get(url("episodes:editor_revision", episode.pk)).content)[
        "revision"
    ]

    assert after == before + 1


def test_changes_need_a_csrf_token(episode: Episode) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user((episode.show, Role.PRODUCER)))
    news = episode.segments.get(title="News")

    response = client.post(
        url("episodes:edit_segment", episode.pk, news.pk),
        {"title": "No token", "version": 1},
        **hx("title"),
    )

    assert response.status_code == 403
    assert Segment.objects.get(pk=news.pk).title == "News"


def test_new_episode_from_the_template_and_the_template_editor(
    producer: Client, episode: Episode
) -> None:
    template = editing.template_of(episode.show)
    make_segment(template, title="Wrap up", kind="wrap_up", minutes=2)

    response = producer.post(url("episodes:new_episode", episode.show.slug))

    new = Episode.objects.exclude(pk__in=[episode.pk, template.pk]).get()
    assert response["Location"] == url("episodes:episode_editor", new.pk)
    assert list(new.segments.values_list("title", flat=True)) == ["Wrap up"]
    assert producer.get(url("episodes:edit_template", episode.show.slug))["Location"] == url(
        "episodes:episode_editor", template.pk
    )
    template_page = producer.get(url("episodes:episode_editor", template.pk)).content.decode()
    assert "Template for" in template_page


def test_duplicate_episode(producer: Client, episode: Episode) -> None:
    response = producer.post(url("episodes:duplicate_episode", episode.pk))

    copy = Episode.objects.exclude(pk=episode.pk).get()
    assert response["Location"] == url("episodes:episode_editor", copy.pk)
    assert copy.number == episode.number + 1


def test_editor_loads_in_a_fixed_number_of_queries(
    client: Client, django_assert_num_queries: object
) -> None:
    def build(segments: int) -> Episode:
        episode = make_episode()
        guests = [make_appearance(episode) for _ in range(3)]
        for index in range(segments):
            segment = make_segment(episode, title=f"Segment {index}")
            make_question(segment, guests[index % 3], text=f"Question {index}?")
            make_question(segment, text=f"Another {index}?", for_everyone=True)
        for _ in range(segments // 5):
            make_news(episode)
        return episode

    small, large = build(5), build(60)
    client.force_login(make_user(is_staff=True))

    # 12: one for the guests' profile changes, one for how long segments usually run
    with django_assert_num_queries(12):  # type: ignore[operator]
        assert client.get(url("episodes:episode_editor", small.pk)).status_code == 200
    with django_assert_num_queries(12):  # type: ignore[operator]
        assert client.get(url("episodes:episode_editor", large.pk)).status_code == 200


def test_a_saved_cell_answers_in_a_fixed_number_of_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """A cell's save answers with what changed, never the whole editor: the same queries for
    an episode of 5 segments and of 60, and no guests, questions or history read."""

    def build(segments: int) -> Episode:
        episode = make_episode(starts_at=datetime(2026, 3, 3, 17, 0, tzinfo=UTC))
        guests = [make_appearance(episode) for _ in range(3)]
        for index in range(segments):
            segment = make_segment(episode, title=f"Segment {index}")
            make_question(segment, guests[index % 3], text=f"Question {index}?")
        return episode

    small, large = build(5), build(60)
    client.force_login(make_user(is_staff=True))
    NOTIFY = int(connection.vendor == "postgresql")  # live screens are told: pg_notify

    for episode in (small, large):
        first = episode.segments.order_by("position").first()
        assert first is not None
        # login, the episode, the segment, whether it is locked on air, the compare-and-set
        # update, the revision, the undo record, in savepoints; then the episode, the undo
        # bar and (a planned time moves times) the segments: none of them per row
        with django_assert_num_queries(17 + NOTIFY):
            response = client.post(
                url("episodes:edit_segment", episode.pk, first.pk),
                {"planned": "7", "version": first.version},
                **hx("planned"),
            )
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count('hx-swap-oob="true">') >= 2 * episode.segments.count()
        assert "Question 0?" not in html  # no rows are rendered again

        with django_assert_num_queries(16 + NOTIFY):  # a title moves no times: no segments
            response = client.post(
                url("episodes:edit_segment", episode.pk, first.pk),
                {"title": "Renamed", "version": first.version + 1},
                **hx("title"),
            )
        assert response.status_code == 200
        assert f'id="segment-{first.pk}-version" name="version" value="{first.version + 2}"' in (
            response.content.decode()
        )
        assert "segment-" + str(first.pk) + "-front" not in response.content.decode()


def test_adding_a_guest_on_a_stale_layout_is_refused_and_says_so(
    producer: Client, episode: Episode
) -> None:
    omar = make_speaker(name="Omar Haddad", show=episode.show)
    producer.post(
        url("episodes:add_segment", episode.pk), {"layout_version": 1}, **HX
    )  # someone else

    response = producer.post(
        url("episodes:add_guest", episode.pk), {"speaker": omar.pk, "layout_version": 1}, **HX
    )
    by_name = producer.post(
        url("episodes:add_guest", episode.pk), {"name": "Lee Park", "layout_version": 1}, **HX
    )

    assert response.status_code == 409
    assert "The run-sheet changed while you were working" in response.content.decode()
    assert response["HX-Retarget"] == "#editor-body"
    assert by_name.status_code == 409
    assert list(episode.appearances.values_list("speaker__name", flat=True)) == ["Dana Li"]
    assert not Speaker.objects.filter(name="Lee Park").exists()  # nothing half written


def test_removing_a_guest_on_a_stale_layout_is_refused_and_says_so(
    producer: Client, episode: Episode
) -> None:
    dana = episode.appearances.get()
    producer.post(url("episodes:add_segment", episode.pk), {"layout_version": 1}, **HX)

    response = producer.post(
        url("episodes:remove_guest", episode.pk, dana.pk), {"layout_version": 1}, **HX
    )

    assert response.status_code == 409
    assert "The run-sheet changed while you were working" in response.content.decode()
    assert Appearance.objects.filter(pk=dana.pk).exists()


def test_undo_puts_a_removed_guest_back_with_their_questions_and_segments(
    producer: Client, episode: Episode
) -> None:
    dana = episode.appearances.get()
    question = episode.segments.get(title="Questions").questions.get()
    Segment.objects.filter(episode=episode, title="News").update(owner=dana)
    producer.post(url("episodes:remove_guest", episode.pk, dana.pk), {"layout_version": 1}, **HX)
    assert not episode.appearances.exists()
    assert episode.segments.get(title="News").owner is None

    response = producer.post(url("episodes:editor_undo", episode.pk), **HX)

    assert "Undone: take Dana Li off." in response.content.decode()
    back = episode.appearances.get()
    assert (back.speaker.name, back.role) == ("Dana Li", dana.role)
    assert list(question.addressed_to.all()) == [back]
    assert episode.segments.get(title="News").owner == back


def test_undo_takes_an_added_guest_off_again(producer: Client, episode: Episode) -> None:
    omar = make_speaker(name="Omar Haddad", show=episode.show)
    producer.post(
        url("episodes:add_guest", episode.pk), {"speaker": omar.pk, "layout_version": 1}, **HX
    )

    response = producer.post(url("episodes:editor_undo", episode.pk), **HX)

    assert "Undone: add Omar Haddad." in response.content.decode()
    assert list(episode.appearances.values_list("speaker__name", flat=True)) == ["Dana Li"]


def test_guest_link_changes_move_the_revision_open_editors_follow(
    producer: Client, episode: Episode
) -> None:
    dana = episode.appearances.get()
    before = Episode.objects.get(pk=episode.pk).revision

    producer.post(url("episodes:guest_link", episode.pk, dana.pk), {"action": "new"}, **HX)

    assert Episode.objects.get(pk=episode.pk).revision == before + 1


NOT_IN_CONTEXT = "NOT-IN-CONTEXT"


@pytest.fixture
def names_checked(settings: Any) -> None:
    """Templates write a marker for any name they are not given (Django's default is "")."""
    django_engine, *others = settings.TEMPLATES
    options = {**django_engine["OPTIONS"], "string_if_invalid": NOT_IN_CONTEXT}
    settings.TEMPLATES = [{**django_engine, "OPTIONS": options}, *others]


@pytest.mark.usefixtures("names_checked")
def test_editor_fragments_name_only_what_they_are_given(producer: Client, episode: Episode) -> None:
    news = episode.segments.get(title="News")
    dana = episode.appearances.get()
    template = editing.template_of(episode.show)
    make_speaker(show=make_show(), name="Dana Elsewhere")

    answers = [
        producer.get(url("episodes:episode_editor", episode.pk) + "?part=body", **HX),
        producer.post(url("episodes:guest_link", episode.pk, dana.pk), {"action": "new"}, **HX),
        producer.post(
            url("episodes:edit_segment", episode.pk, news.pk),
            {"planned": "5", "version": 1},
            **hx("planned"),
        ),
        producer.post(
            url("episodes:add_segment", episode.pk),
            {"layout_version": Episode.objects.get(pk=episode.pk).layout_version},
            **HX,
        ),
        producer.post(
            url("episodes:edit_contact", episode.pk, dana.pk),
            {"field": "pronouns", "pronouns": "she/her", "was": ""},
            **HX,
        ),
        producer.post(
            url("episodes:edit_contact", episode.pk, dana.pk),
            {"field": "pronouns", "pronouns": "they/them", "was": ""},
            **HX,
        ),
        producer.get(url("episodes:search_speakers", episode.pk), {"q": "Dana"}, **HX),
        producer.get(url("episodes:episode_editor", template.pk) + "?part=body", **HX),
    ]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 200, 409, 200, 200]
    for answer in answers:
        assert NOT_IN_CONTEXT not in answer.content.decode()

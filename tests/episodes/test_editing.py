"""Editor operations: compare-and-set on versions, gap-free positions, undo."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from episodes import editing
from episodes.editing import Actor, CannotUndo, Conflict
from episodes.models import Episode, NewsItem, Question, Segment
from tests.factories import (
    make_appearance,
    make_episode,
    make_news,
    make_question,
    make_segment,
    make_show,
    make_user,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def titles(episode: Episode) -> list[str]:
    return list(episode.segments.order_by("position").values_list("title", flat=True))


def positions(episode: Episode) -> list[int]:
    return list(episode.segments.order_by("position").values_list("position", flat=True))


def three_segments() -> tuple[Episode, Actor]:
    episode = make_episode()
    for title in ("News", "Questions", "Wrap up"):
        make_segment(episode, title=title)
    return episode, Actor(make_user(), NOW)


def test_edit_against_the_current_version_saves_and_bumps_versions() -> None:
    episode, actor = three_segments()
    segment = episode.segments.get(title="News")

    editing.update_fields(segment, {"title": "Headlines"}, 1, actor, description="rename")

    segment.refresh_from_db()
    episode.refresh_from_db()
    assert (segment.title, segment.version) == ("Headlines", 2)
    assert episode.revision == 2
    assert episode.layout_version == 1


def test_edit_against_a_stale_version_changes_nothing_and_shows_the_current_row() -> None:
    episode, actor = three_segments()
    segment = episode.segments.get(title="News")
    editing.update_fields(segment, {"title": "Headlines"}, 1, actor, description="first")

    with pytest.raises(Conflict) as caught:
        editing.update_fields(segment, {"title": "Top stories"}, 1, actor, description="second")

    assert caught.value.current.title == "Headlines"
    segment.refresh_from_db()
    assert (segment.title, segment.version) == ("Headlines", 2)


def test_the_version_check_is_in_the_update_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """Another writer between our read and our UPDATE: the UPDATE matches no row."""
    episode, actor = three_segments()
    segment = episode.segments.get(title="News")
    real_filter = Segment.objects.filter

    def racing_filter(*args: object, **kwargs: object) -> object:
        if kwargs.get("version") == 1:
            Segment.objects.all().update(version=5)  # someone else got there first
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Segment.objects, "filter", racing_filter)

    with pytest.raises(Conflict):
        editing.update_fields(segment, {"title": "Lost"}, 1, actor, description="racing")

    monkeypatch.undo()
    assert Segment.objects.get(pk=segment.pk).title == "News"


def test_add_insert_and_duplicate_keep_positions_gap_free() -> None:
    episode, actor = three_segments()
    news = episode.segments.get(title="News")
    make_question(news, text="Any news?")

    editing.add_segment(episode, 1, actor, title="Extra")
    editing.add_segment(episode, 2, actor, after=news, title="After news")
    editing.duplicate_segment(news, 3, actor)

    assert titles(episode) == ["News", "News", "After news", "Questions", "Wrap up", "Extra"]
    assert positions(episode) == [1, 2, 3, 4, 5, 6]
    copy = episode.segments.get(position=2)
    assert [q.text for q in copy.questions.all()] == ["Any news?"]


def test_layout_changes_against_a_stale_layout_are_refused() -> None:
    episode, actor = three_segments()
    editing.add_segment(episode, 1, actor)

    with pytest.raises(Conflict, match="run-sheet changed"):
        editing.add_segment(episode, 1, actor)

    assert episode.segments.count() == 4


def test_move_renumbers_and_undo_puts_it_back() -> None:
    episode, actor = three_segments()
    wrap = episode.segments.get(title="Wrap up")

    editing.move(wrap, 0, 1, actor)
    assert titles(episode) == ["Wrap up", "News", "Questions"]

    editing.undo_last(episode, actor)
    assert titles(episode) == ["News", "Questions", "Wrap up"]
    assert positions(episode) == [1, 2, 3]


def test_delete_and_undo_restores_the_segment_with_its_questions_and_addressees() -> None:
    episode, actor = three_segments()
    dana = make_appearance(episode)
    questions = episode.segments.get(title="Questions")
    make_question(questions, dana, text="For Dana?")
    make_question(questions, text="For all?", for_everyone=True)
    questions_pk = questions.pk

    editing.delete(questions, 1, actor)
    assert titles(episode) == ["News", "Wrap up"]
    assert positions(episode) == [1, 2]
    assert not Question.objects.exists()

    change = editing.undo_last(episode, actor)

    assert change.description == "delete “Questions”"
    assert titles(episode) == ["News", "Questions", "Wrap up"]
    restored = episode.segments.get(title="Questions")
    assert restored.pk == questions_pk
    assert [
        (q.text, list(q.addressed_to.all()), q.for_everyone) for q in restored.questions.all()
    ] == [
        ("For Dana?", [dana], False),
        ("For all?", [], True),
    ]


def test_undo_of_a_cell_edit_and_of_an_add() -> None:
    episode, actor = three_segments()
    news = episode.segments.get(title="News")
    editing.update_fields(
        news, {"planned_seconds": 600, "planned_max_seconds": 900}, 1, actor, description="time"
    )
    editing.add_segment(episode, 1, actor, title="Extra")

    editing.undo_last(episode, actor)
    editing.undo_last(episode, actor)

    news.refresh_from_db()
    assert (news.planned_seconds, news.planned_max_seconds) == (300, 300)
    assert titles(episode) == ["News", "Questions", "Wrap up"]


def test_undo_is_per_user_and_for_a_few_minutes_only() -> None:
    episode, actor = three_segments()
    other = Actor(make_user(), NOW)
    editing.delete(episode.segments.get(title="News"), 1, actor)

    with pytest.raises(CannotUndo):
        editing.undo_last(episode, other)
    with pytest.raises(CannotUndo):
        editing.undo_last(episode, Actor(actor.user, NOW + timedelta(minutes=6)))

    editing.undo_last(episode, Actor(actor.user, NOW + timedelta(minutes=4)))
    assert titles(episode) == ["News", "Questions", "Wrap up"]


def test_undo_of_an_edit_that_was_edited_again_is_refused() -> None:
    episode, actor = three_segments()
    news = episode.segments.get(title="News")
    editing.update_fields(news, {"title": "A"}, 1, actor, description="a")
    Segment.objects.filter(pk=news.pk).update(title="B", version=3)

    with pytest.raises(CannotUndo):
        editing.undo_last(episode, actor)

    assert Segment.objects.get(pk=news.pk).title == "B"


def test_addressees_change_and_undo() -> None:
    episode, actor = three_segments()
    dana, omar = make_appearance(episode), make_appearance(episode)
    question = make_question(episode.segments.first(), dana)
    stranger = make_appearance(make_episode())

    editing.set_addressees(question, [omar.pk, stranger.pk], False, 1, actor)
    assert list(question.addressed_to.all()) == [omar]  # another episode's guest is ignored

    editing.undo_last(episode, actor)
    assert list(question.addressed_to.all()) == [dana]


def test_news_added_together_are_undone_together() -> None:
    episode, actor = three_segments()
    make_news(episode, title="First")

    editing.add_news(
        episode, [("A", "https://a.example.org"), ("", "https://b.example.org")], 1, actor
    )
    assert list(episode.news_items.values_list("position", "title")) == [
        (1, "First"),
        (2, "A"),
        (3, ""),
    ]

    editing.undo_last(episode, actor)
    assert list(NewsItem.objects.values_list("title", flat=True)) == ["First"]


def test_new_episode_from_the_template_takes_segments_and_recurring_questions() -> None:
    show = make_show()
    template = editing.template_of(show)
    wrap = make_segment(template, title="Wrap up", kind="wrap_up", minutes=2, notes="Thank them")
    make_question(wrap, text="How do folks reach out to you?")
    make_episode(show=show, number=41, starts_at=datetime(2026, 2, 24, 18, 0, tzinfo=UTC))

    episode = editing.new_episode(template, Actor(None, NOW))

    assert (episode.number, episode.status, episode.is_template) == (42, "draft", False)
    assert episode.starts_at == datetime(2026, 3, 3, 18, 0, tzinfo=UTC)  # a week on, at 18:00
    copy = episode.segments.get()
    assert (copy.title, copy.kind, copy.planned_seconds, copy.notes) == (
        "Wrap up",
        "wrap_up",
        120,
        "Thank them",
    )
    assert [(q.text, q.is_recurring) for q in copy.questions.all()] == [
        ("How do folks reach out to you?", True)
    ]


def test_duplicating_an_episode_leaves_guests_news_and_one_off_questions_behind() -> None:
    source = make_episode(number=7)
    dana = make_appearance(source)
    segment = make_segment(source, title="Questions", notes="Dana's topic", owner=dana)
    make_question(segment, dana, text="One-off?")
    make_question(segment, dana, text="Every week?", is_recurring=True)
    make_news(source)

    episode = editing.new_episode(source, Actor(None, NOW))

    assert episode.number == 8
    assert not episode.appearances.exists()
    assert not episode.news_items.exists()
    copy = episode.segments.get()
    assert (copy.owner, copy.notes) == (None, "")
    assert [(q.text, list(q.addressed_to.all())) for q in copy.questions.all()] == [
        ("Every week?", [])
    ]


def test_a_show_has_one_template() -> None:
    show = make_show()

    assert editing.template_of(show) == editing.template_of(show)
    assert Episode.objects.filter(show=show, is_template=True).count() == 1


def test_revisions_move_in_one_place_only() -> None:
    """broadcast.revise is the one UPDATE that moves an episode's revisions: no other module
    of the app writes revision, live_revision or layout_version itself."""
    root = Path(__file__).resolve().parents[2]
    writes = re.compile(r"""F\(["'](live_revision|revision|layout_version)""")
    found = [
        (str(path.relative_to(root)), match.group(0))
        for app in ("episodes", "speakers", "showrunner")
        for path in sorted((root / app).rglob("*.py"))
        if "migrations" not in path.parts
        for line in path.read_text().splitlines()
        if (match := writes.search(line))
    ]

    assert found == [
        ("episodes/broadcast.py", 'F("revision'),
        ("episodes/broadcast.py", 'F("live_revision'),
        ("episodes/broadcast.py", 'F("layout_version'),
    ]

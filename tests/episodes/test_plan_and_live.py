"""Plan changes and live changes are two things: the plan's revision is what editors follow,
the live revision what screens follow, each moved by one function that says so."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone

from episodes import broadcast, editing, onair
from episodes.editing import Actor
from episodes.models import Episode, Role
from tests.factories import (
    guest_stream_url,
    make_appearance,
    make_episode,
    make_news,
    make_question,
    make_segment,
    make_speaker,
    make_user,
)
from tests.servers import EventStream, Server, running_server


def counters(episode: Episode) -> tuple[int, int]:
    episode.refresh_from_db(fields=["revision", "live_revision"])
    return episode.revision, episode.live_revision


@pytest.fixture
def heard() -> Iterator[list[int]]:
    """The episodes announced to the push in this process."""
    announced: list[int] = []

    def listener(episode_id: int, revision: int, kind: str) -> None:
        announced.append(episode_id)

    broadcast.listen(listener)
    yield announced
    broadcast.unlisten(listener)


@pytest.mark.django_db(transaction=True)
def test_pause_resume_time_messages_and_ticks_refresh_no_editor(heard: list[int]) -> None:
    episode = make_episode()
    segment = make_segment(episode, title="Talk")
    make_segment(episode, title="Wrap")
    guest = make_appearance(episode, make_speaker())
    question = make_question(segment, guest)
    caller = make_user((episode.show, Role.SHOW_CALLER))
    now = timezone.now()
    onair.perform(episode, "start", user=caller, now=now, version=None, source="t")
    plan, live = counters(episode)

    presses = [("pause", None), ("resume", None), ("add_time", 60), ("add_time", -30)]
    for step, (action, seconds) in enumerate(presses, start=1):
        later = now + timedelta(seconds=5 * step)  # apart: not one press repeated
        onair.perform(
            episode, action, user=caller, now=later, version=None, source="t", seconds=seconds
        )
    onair.send_message(episode, "Wrap up in one minute", user=caller, now=now)
    onair.send_message(episode, "You're next", user=caller, now=now, to=guest)
    onair.clear_message(episode, user=caller, now=now)
    onair.mark_question(question, "asked", user=caller)
    onair.mark_question(question, "skipped", user=caller)

    assert counters(episode) == (plan, live + 9)
    assert len(heard) >= 9


@pytest.mark.django_db(transaction=True)
def test_a_segment_going_on_air_refreshes_editors_to_lock_it() -> None:
    episode = make_episode()
    make_segment(episode, title="Talk")
    make_segment(episode, title="Wrap")
    caller = make_user((episode.show, Role.SHOW_CALLER))
    plan, live = counters(episode)

    onair.perform(episode, "start", user=caller, now=timezone.now(), version=None, source="a")
    onair.perform(episode, "next", user=caller, now=timezone.now(), version=None, source="b")

    assert counters(episode) == (plan + 2, live + 2)


@pytest.mark.django_db(transaction=True)
def test_a_rehearsal_locks_nothing_so_refreshes_no_editor() -> None:
    episode = make_episode()
    make_segment(episode, title="Talk")
    caller = make_user((episode.show, Role.SHOW_CALLER))
    onair.set_rehearsal(episode, True, user=caller, now=timezone.now())
    plan, _ = counters(episode)

    onair.perform(episode, "start", user=caller, now=timezone.now(), version=None, source="a")

    assert counters(episode)[0] == plan


@pytest.mark.django_db(transaction=True)
def test_edits_no_screen_shows_push_nothing(heard: list[int]) -> None:
    episode = make_episode()
    segment = make_segment(episode, title="Talk")
    news = make_news(episode)
    actor = Actor(make_user((episode.show, Role.PRODUCER)), timezone.now())
    plan, live = counters(episode)

    editing.update_fields(segment, {"notes": "Private: ask about the move"}, 1, actor,
                          description="notes")  # fmt: skip
    editing.update_fields(news, {"url": "https://example.org/other"}, 1, actor, description="url")
    editing.add_news(episode, [("More", "https://example.org/more")], 1, actor)
    editing.update_fields(episode, {"hook": "A new hook"}, 1, actor, description="hook")

    assert counters(episode) == (plan + 4, live)
    assert heard == []


@pytest.mark.django_db(transaction=True)
def test_edits_screens_show_are_pushed(heard: list[int]) -> None:
    episode = make_episode()
    segment = make_segment(episode, title="Talk")
    actor = Actor(make_user((episode.show, Role.PRODUCER)), timezone.now())
    plan, live = counters(episode)

    editing.update_fields(segment, {"title": "The talk"}, 1, actor, description="title")
    editing.add_segment(episode, 1, actor)

    assert counters(episode) == (plan + 2, live + 2)
    assert heard == [episode.pk, episode.pk]


@pytest.fixture
def server() -> Iterator[Server]:
    with running_server() as running:
        yield running


@pytest.mark.django_db(transaction=True)
def test_an_edit_to_a_private_note_reaches_no_guest_screen(server: Server) -> None:
    episode = make_episode()
    segment = make_segment(episode, title="Talk")
    make_segment(episode, title="Wrap")
    dana = make_appearance(episode, make_speaker(name="Dana Li"))
    caller = make_user((episode.show, Role.SHOW_CALLER))
    actor = Actor(make_user((episode.show, Role.PRODUCER)), timezone.now())
    stream = EventStream(server.url + guest_stream_url(dana))
    first = stream.next_state()

    editing.update_fields(segment, {"notes": "Team only"}, 1, actor, description="notes")
    onair.perform(episode, "start", user=caller, now=timezone.now(), version=None, source="t")

    # The next thing the guest's screen is sent is the show starting, not the note.
    following = stream.next_state()
    assert following["state"] == "running"
    assert following["revision"] == first["revision"] + 1
    stream.close()

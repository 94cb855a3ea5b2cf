"""Live commands in the database: compare-and-set, repeats, control, logs, rehearsal, locks."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import AbstractBaseUser

from episodes import editing, live_screens, onair
from episodes.editing import Actor, Conflict
from episodes.live_clock import InvalidAction
from episodes.models import Episode, LiveMessage, LiveState, SegmentRun
from tests.factories import (
    make_appearance,
    make_episode,
    make_question,
    make_segment,
    make_speaker,
    make_user,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 3, 17, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def episode() -> Episode:
    episode = make_episode(starts_at=T0)
    dana = make_appearance(episode, make_speaker(name="Dana Li"))
    make_segment(episode, title="News", minutes=2)
    questions = make_segment(episode, title="Questions", kind="questions", minutes=20)
    make_segment(episode, title="Wrap up", minutes=3)
    make_question(questions, dana, text="For Dana?")
    make_question(questions, text="For all?", for_everyone=True)
    return episode


@pytest.fixture
def caller() -> AbstractBaseUser:
    return make_user(username="caller")


def act(episode: Episode, user: object, action: str, t: float, **kwargs: object) -> onair.Outcome:
    version = kwargs.pop("version", onair.state_of(episode).version)
    return onair.perform(
        episode, action, user=user, now=at(t), version=version, source="test", **kwargs
    )


def test_start_next_end_records_actual_times(episode: Episode, caller: object) -> None:
    act(episode, caller, "start", 0)
    act(episode, caller, "next", 130)
    act(episode, caller, "pause", 200)
    act(episode, caller, "resume", 230)
    act(episode, caller, "end", 400)

    runs = list(SegmentRun.objects.order_by("started_at"))
    assert [(r.title, r.started_at, r.ended_at, r.actual_ms) for r in runs] == [
        ("News", at(0), at(130), 130_000),
        ("Questions", at(130), at(400), 240_000),
    ]
    episode.refresh_from_db()
    assert episode.status == "done"
    assert onair.state_of(episode).state == "ended"


def test_a_double_click_advances_once(episode: Episode, caller: object) -> None:
    act(episode, caller, "start", 0)
    version = onair.state_of(episode).version

    act(episode, caller, "next", 10, version=version)
    with pytest.raises(onair.Stale):
        act(episode, caller, "next", 10.2, version=version)

    assert onair.state_of(episode).segment.title == "Questions"


def test_two_callers_pressing_next_together_advance_once(episode: Episode, caller: object) -> None:
    other = make_user()
    act(episode, caller, "start", 0)
    onair.take_control(episode, user=other, now=at(1))
    version = onair.state_of(episode).version

    act(episode, other, "next", 10, version=version)
    with pytest.raises((onair.Stale, onair.NotInControl)):
        act(episode, caller, "next", 10, version=version)

    assert SegmentRun.objects.filter(title="Questions").count() == 1


def test_the_version_check_is_in_the_update(
    episode: Episode, caller: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command that read version n while another wrote n+1 changes nothing."""
    act(episode, caller, "start", 0)
    state = onair.state_of(episode)
    real = onair.state_of

    def read_then_lose_the_race(ep: Episode) -> LiveState:
        found = real(ep)
        LiveState.objects.filter(pk=found.pk).update(version=found.version + 1)
        return found

    monkeypatch.setattr(onair, "state_of", read_then_lose_the_race)
    with pytest.raises(onair.Stale):
        act(episode, caller, "next", 10, version=state.version)
    monkeypatch.undo()

    assert onair.state_of(episode).segment.title == "News"
    assert not SegmentRun.objects.filter(title="Questions").exists()


def test_without_a_version_a_bounce_within_a_few_hundred_ms_is_ignored(
    episode: Episode, caller: object
) -> None:
    act(episode, caller, "start", 0, version=None)

    first = act(episode, caller, "next", 10, version=None)
    bounce = act(episode, caller, "next", 10.3, version=None)
    later = act(episode, caller, "next", 10.8, version=None)

    assert (first.repeat, bounce.repeat, later.repeat) == (False, True, False)
    assert onair.state_of(episode).segment.title == "Wrap up"


def test_five_quick_presses_of_add_time_add_five_minutes(episode: Episode, caller: object) -> None:
    act(episode, caller, "start", 0)
    seen = onair.state_of(episode).version  # every press from a screen that saw this version

    for press in range(5):
        act(episode, caller, "add_time", 10 + press * 0.12, version=seen, seconds=60)
    for press in range(5):
        act(episode, caller, "add_time", 20 + press * 0.12, version=None, seconds=60)

    assert onair.state_of(episode).added_ms == 10 * 60_000


def test_start_next_previous_and_end_keep_the_version_check(
    episode: Episode, caller: object
) -> None:
    act(episode, caller, "start", 0)
    seen = onair.state_of(episode).version

    act(episode, caller, "next", 10, version=seen)
    for action in ("next", "previous", "end"):
        with pytest.raises(onair.Stale):
            act(episode, caller, action, 11, version=seen)

    assert onair.state_of(episode).segment.title == "Questions"


def test_someone_else_cannot_act_until_taking_over(episode: Episode, caller: object) -> None:
    other = make_user()
    act(episode, caller, "start", 0)

    with pytest.raises(onair.NotInControl, match="caller is calling the show"):
        act(episode, other, "pause", 5)
    onair.take_control(episode, user=other, now=at(6))
    act(episode, other, "pause", 7)

    assert onair.state_of(episode).controller == other
    with pytest.raises(onair.NotInControl):
        act(episode, caller, "resume", 8)


def test_invalid_commands_change_nothing(episode: Episode, caller: object) -> None:
    with pytest.raises(InvalidAction, match="Cannot pause while the show is ready"):
        act(episode, caller, "pause", 0)

    state = onair.state_of(episode)
    assert (state.state, state.version, state.controller) == ("ready", 1, None)


def test_rehearsal_times_are_kept_apart_and_can_be_reset(episode: Episode, caller: object) -> None:
    onair.set_rehearsal(episode, True, user=caller, now=at(0))
    act(episode, caller, "start", 1)
    act(episode, caller, "next", 30)
    episode.refresh_from_db()
    assert episode.status == "scheduled"  # a rehearsal does not put the episode on air
    assert SegmentRun.objects.filter(is_rehearsal=True).count() == 2

    act(episode, caller, "reset", 40)

    assert not SegmentRun.objects.exists()
    assert onair.state_of(episode).state == "ready"
    onair.set_rehearsal(episode, False, user=caller, now=at(50))
    with pytest.raises(InvalidAction, match="Only a rehearsal can be reset"):
        act(episode, caller, "reset", 51)


def test_mode_changes_only_while_nothing_is_on_air(episode: Episode, caller: object) -> None:
    act(episode, caller, "start", 0)

    with pytest.raises(InvalidAction, match="End the run first"):
        onair.set_rehearsal(episode, True, user=caller, now=at(5))


def test_messages_to_the_host_and_to_one_guest(episode: Episode, caller: object) -> None:
    dana = episode.appearances.get()
    onair.send_message(episode, "Wrap up", user=caller, now=at(1), flash=True)
    onair.send_message(episode, "You're next", user=caller, now=at(2), to=dana)
    onair.send_message(episode, "One minute", user=caller, now=at(3))

    team = live_screens.snapshot(episode.pk)
    guest = live_screens.snapshot(episode.pk, live_screens.guest_audience(dana.pk))

    assert team["message"]["text"] == "One minute"
    assert guest["message"]["text"] == "You're next"
    onair.clear_message(episode, user=caller, now=at(4))
    assert live_screens.snapshot(episode.pk)["message"] is None
    assert LiveMessage.objects.filter(cleared_at__isnull=True).count() == 1


@pytest.mark.parametrize("text", ["", "   ", "x" * 281])
def test_empty_or_long_messages_are_refused(episode: Episode, caller: object, text: str) -> None:
    with pytest.raises(InvalidAction):
        onair.send_message(episode, text, user=caller, now=at(1))


def test_snapshot_anchors_and_show_figures(episode: Episode, caller: object) -> None:
    act(episode, caller, "start", 0)
    act(episode, caller, "next", 150)  # News planned 2 min, ran 2:30
    act(episode, caller, "add_time", 160, seconds=60)

    data = live_screens.snapshot(episode.pk)

    assert data["state"] == "running"
    assert data["segment"]["title"] == "Questions"
    assert data["segment"]["started_at"] == live_screens.epoch_ms(at(150))
    assert data["segment"]["added_ms"] == 60_000
    assert data["segment"]["planned_ms"] == 1_200_000
    assert [q["for"] for q in data["segment"]["questions"]] == ["Dana Li", "Everyone"]
    assert data["next"]["title"] == "Wrap up"
    assert data["finished_delta_ms"] == 30_000
    assert data["following_planned_ms"] == 180_000
    assert [s["played"] for s in data["segments"]] == [True, False, False]
    assert data["segments"][0]["actual_ms"] == 150_000
    now = live_screens.at_now(data, at(210))
    assert (now["elapsed_ms"], now["remaining_ms"], now["phase"]) == (60_000, 1_200_000, "normal")


def test_a_guest_sees_only_questions_for_them_or_everyone(episode: Episode, caller: object) -> None:
    dana = episode.appearances.get()
    omar = make_appearance(episode)
    act(episode, caller, "jump", 0, segment=episode.segments.get(title="Questions").pk)

    for_dana = live_screens.snapshot(episode.pk, live_screens.guest_audience(dana.pk))["segment"][
        "questions"
    ]
    for_omar = live_screens.snapshot(episode.pk, live_screens.guest_audience(omar.pk))["segment"][
        "questions"
    ]

    assert [(q["text"], q["mine"]) for q in for_dana] == [("For Dana?", True), ("For all?", False)]
    assert [q["text"] for q in for_omar] == ["For all?"]


def test_restart_keeps_the_remaining_time(episode: Episode, caller: object) -> None:
    """Nothing ticks: a new process reading the row computes the same remaining time."""
    act(episode, caller, "start", 0)

    fresh = live_screens.at_now(live_screens.snapshot(episode.pk), at(45))

    assert fresh["remaining_ms"] == 120_000 - 45_000


def test_questions_can_be_ticked_asked_or_skipped(episode: Episode, caller: object) -> None:
    question = episode.segments.get(title="Questions").questions.first()

    onair.mark_question(question, "asked", user=caller)

    question.refresh_from_db()
    assert question.status == "asked"
    with pytest.raises(InvalidAction):
        onair.mark_question(question, "forgotten", user=caller)


def test_played_segments_are_locked_in_the_editor_while_on_air(
    episode: Episode, caller: object
) -> None:
    news, questions, wrap = episode.segments.order_by("position")
    producer = Actor(caller, at(0))
    act(episode, caller, "start", 0)
    act(episode, caller, "next", 60)

    with pytest.raises(Conflict, match="already been on air"):
        editing.update_fields(news, {"title": "Changed"}, news.version, producer, description="x")
    with pytest.raises(Conflict, match="already been on air"):
        editing.update_fields(
            questions,
            {"planned_seconds": 60, "planned_max_seconds": 60},
            1,
            producer,
            description="x",
        )
    with pytest.raises(Conflict):
        editing.move(wrap, 0, episode.layout_version, producer)
    with pytest.raises(Conflict):
        editing.delete(news, episode.layout_version, producer)
    # What has not been played can still change, durations and order included.
    editing.update_fields(
        wrap,
        {"planned_seconds": 300, "planned_max_seconds": 300},
        1,
        producer,
        description="longer wrap",
    )
    episode.refresh_from_db()
    editing.add_segment(episode, episode.layout_version, producer, title="Extra")
    assert list(episode.segments.values_list("title", flat=True)) == [
        "News", "Questions", "Wrap up", "Extra",
    ]  # fmt: skip


def test_a_rehearsal_locks_nothing(episode: Episode, caller: object) -> None:
    onair.set_rehearsal(episode, True, user=caller, now=at(0))
    act(episode, caller, "start", 1)

    assert onair.locked_segment_ids(episode) == set()

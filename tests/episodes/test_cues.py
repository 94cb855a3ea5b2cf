"""Cues expire, and the host (or a guest) can answer "Got it"."""

from datetime import UTC, datetime, timedelta

import pytest

from episodes import live_screens, onair
from episodes.live_clock import InvalidAction
from episodes.models import Episode, LiveMessage, Role
from tests.factories import make_appearance, make_episode, make_segment, make_speaker, make_user

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 3, 17, 0, tzinfo=UTC)


@pytest.fixture
def episode() -> Episode:
    episode = make_episode()
    make_segment(episode, title="News", minutes=2)
    make_segment(episode, title="Talk", minutes=20)
    make_segment(episode, title="Wrap up", minutes=2)
    return episode


@pytest.fixture
def caller(episode: Episode) -> object:
    return make_user((episode.show, Role.SHOW_CALLER), username="caller")


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def press(episode: Episode, caller: object, action: str, t: float) -> None:
    onair.perform(episode, action, user=caller, now=at(t), version=None, source="t")


def showing(episode: Episode, audience: str = live_screens.TEAM) -> str | None:
    message = live_screens.snapshot(episode.pk, audience)["message"]
    return message["text"] if message else None


def test_a_cue_goes_when_the_segment_it_was_sent_in_ends(episode: Episode, caller: object) -> None:
    press(episode, caller, "start", 0)
    onair.send_message(episode, "Wrap up in one minute please", user=caller, now=at(30))
    assert showing(episode) == "Wrap up in one minute please"

    press(episode, caller, "next", 60)

    assert showing(episode) is None


def test_until_cleared_stays_across_segments_until_the_show_ends(
    episode: Episode, caller: object
) -> None:
    press(episode, caller, "start", 0)
    onair.send_message(episode, "Mic check", user=caller, now=at(5), lasts="manual")

    press(episode, caller, "next", 60)
    assert showing(episode) == "Mic check"
    onair.clear_message(episode, user=caller, now=at(70))
    assert showing(episode) is None


def test_a_timed_cue_carries_its_end_and_is_gone_after_it(episode: Episode, caller: object) -> None:
    press(episode, caller, "start", 0)
    sent = onair.send_message(episode, "Thirty seconds", user=caller, now=at(5), lasts="30s")
    old = onair.send_message(
        episode, "Long gone", user=caller, now=datetime.now(UTC) - timedelta(minutes=5),
        lasts="60s", to=make_appearance(episode, make_speaker()),
    )  # fmt: skip

    data = live_screens.snapshot(episode.pk, live_screens.TEAM)

    assert sent.expires_at == at(35)
    assert data["message"] is None or data["message"]["expires_at"] == live_screens.epoch_ms(at(35))
    assert old.pk not in [m["id"] for m in data["guest_messages"]]


def test_a_new_run_starts_with_no_message(episode: Episode, caller: object) -> None:
    press(episode, caller, "start", 0)
    onair.send_message(episode, "Left over", user=caller, now=at(5), lasts="manual")
    press(episode, caller, "end", 60)
    assert showing(episode) is None  # ending the show ends its cues too

    onair.send_message(episode, "Before the rehearsal", user=caller, now=at(70), lasts="manual")
    onair.set_rehearsal(episode, True, user=caller, now=at(80))

    assert showing(episode) is None


def test_the_guests_up_next_cue_goes_when_their_segment_starts(
    episode: Episode, caller: object
) -> None:
    dana = make_appearance(episode, make_speaker(name="Dana Li"))
    press(episode, caller, "start", 0)
    onair.send_message(episode, "You're on in 2 minutes", user=caller, now=at(10), to=dana)
    assert showing(episode, live_screens.guest_audience(dana.pk)) == "You're on in 2 minutes"

    press(episode, caller, "next", 120)

    assert showing(episode, live_screens.guest_audience(dana.pk)) is None


def test_the_host_reads_a_message_and_the_caller_sees_it(episode: Episode, caller: object) -> None:
    press(episode, caller, "start", 0)
    message = onair.send_message(episode, "Stretch", user=caller, now=at(5))

    assert onair.read_message(episode, message.pk, now=at(9)) is True
    assert onair.read_message(episode, message.pk, now=at(10)) is False  # once

    assert live_screens.snapshot(episode.pk, live_screens.TEAM)["message"][
        "read_at"
    ] == live_screens.epoch_ms(at(9))


def test_a_guest_reads_only_their_own_message(episode: Episode, caller: object) -> None:
    dana = make_appearance(episode, make_speaker(name="Dana Li"))
    omar = make_appearance(episode, make_speaker(name="Omar Haddad"))
    press(episode, caller, "start", 0)
    to_dana = onair.send_message(episode, "Dana next", user=caller, now=at(5), to=dana)
    to_host = onair.send_message(episode, "Host", user=caller, now=at(5))

    assert onair.read_message(episode, to_dana.pk, now=at(6), to=omar) is False
    assert onair.read_message(episode, to_host.pk, now=at(6), to=dana) is False
    assert onair.read_message(episode, to_dana.pk, now=at(6), to=dana) is True
    guests = live_screens.snapshot(episode.pk, live_screens.TEAM)["guest_messages"]
    assert [(m["name"], m["read_at"] is not None) for m in guests] == [("Dana Li", True)]


def test_an_unknown_duration_is_refused_with_the_choices(episode: Episode, caller: object) -> None:
    with pytest.raises(InvalidAction, match="Until cleared"):
        onair.send_message(episode, "Hi", user=caller, now=at(0), lasts="forever")
    assert not LiveMessage.objects.exists()

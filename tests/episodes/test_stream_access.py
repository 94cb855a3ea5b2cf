"""A live stream lasts only as long as the access behind it: a removed role, a deactivated
user, a revoked API token, a revoked, renewed or expired guest link end the open stream within
seconds, and its address stops working."""

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from episodes import live_screens, onair, push, stream_access
from episodes.api import new_token
from episodes.models import ApiToken, Episode, Role, ShowRole
from speakers import links
from tests.factories import (
    guest_stream_url,
    make_appearance,
    make_episode,
    make_segment,
    make_show,
    make_speaker,
    make_user,
    team_stream_url,
)
from tests.servers import EventStream, Server, running_server

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server() -> Iterator[Server]:
    with running_server() as running:
        yield running


@pytest.fixture
def episode() -> Episode:
    episode = make_episode(title="Access")
    make_segment(episode, title="News")
    return episode


def ends_within(stream: EventStream, seconds: float) -> bool:
    """Whether the stream ends (the server closes it) within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            stream.next()
        except (EOFError, OSError):
            return True
    return False


def refused(server: Server, url: str) -> bool:
    again = EventStream(server.url + url, timeout=5)
    status = again.status
    again.close()
    return status == 403


def test_removing_a_hosts_role_ends_their_stream_and_its_address(
    server: Server, episode: Episode
) -> None:
    host = make_user((episode.show, Role.HOST))
    url = team_stream_url(episode, host)
    stream = EventStream(server.url + url, timeout=3)
    assert stream.status == 200
    stream.next_state()

    ShowRole.objects.filter(user=host).delete()

    assert ends_within(stream, 15)
    assert refused(server, url)


def test_deactivating_a_user_ends_their_stream(server: Server, episode: Episode) -> None:
    host = make_user((episode.show, Role.HOST))
    stream = EventStream(server.url + team_stream_url(episode, host), timeout=3)
    stream.next_state()

    type(host).objects.filter(pk=host.pk).update(is_active=False)

    assert ends_within(stream, 15)


def test_revoking_an_api_token_ends_the_stream_it_opened(server: Server, episode: Episode) -> None:
    caller = make_user((episode.show, Role.SHOW_CALLER))
    new_token(caller, "deck")
    token = ApiToken.objects.get(user=caller)
    url = push.stream_url(episode.pk, live_screens.TEAM, stream_access.for_api_token(token.pk))
    stream = EventStream(server.url + url, timeout=3)
    stream.next_state()

    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())

    assert ends_within(stream, 15)
    assert refused(server, url)


@pytest.mark.parametrize(
    "end_access",
    [
        pytest.param(lambda speaker: links.revoke(speaker), id="revoked"),
        pytest.param(lambda speaker: links.regenerate(speaker), id="renewed"),
        pytest.param(
            lambda speaker: links.set_expiry(speaker, timezone.now() - timedelta(minutes=1)),
            id="expired",
        ),
    ],
)
def test_a_guests_stream_ends_with_their_link(
    server: Server, episode: Episode, end_access: Callable[..., None]
) -> None:
    dana = make_appearance(episode, make_speaker(name="Dana Li"))
    url = guest_stream_url(dana)
    stream = EventStream(server.url + url, timeout=3)
    assert stream.status == 200
    stream.next_state()

    end_access(dana.speaker)

    assert ends_within(stream, 15)
    assert refused(server, url)


def test_a_guest_taken_off_the_episode_loses_its_stream(server: Server, episode: Episode) -> None:
    dana = make_appearance(episode, make_speaker(name="Dana Li"))
    url = guest_stream_url(dana)
    stream = EventStream(server.url + url, timeout=3)
    stream.next_state()

    dana.delete()

    assert ends_within(stream, 15)
    assert refused(server, url)


def test_streams_with_access_stay_open(server: Server, episode: Episode) -> None:
    """The check ends only what it must: a stream whose access holds keeps receiving."""
    dana = make_appearance(episode, make_speaker(name="Dana Li"))
    host = make_user((episode.show, Role.HOST))
    other = make_user((episode.show, Role.HOST))
    keeps = EventStream(server.url + team_stream_url(episode, host), timeout=10)
    guest = EventStream(server.url + guest_stream_url(dana), timeout=10)
    goes = EventStream(server.url + team_stream_url(episode, other), timeout=3)
    for stream in (keeps, guest, goes):
        stream.next_state()

    ShowRole.objects.filter(user=other).delete()
    assert ends_within(goes, 15)
    onair.perform(episode, "start", user=host, now=timezone.now(), version=None, source="test")

    assert keeps.next_state(lambda s: s["state"] == "running")["state"] == "running"
    assert guest.next_state(lambda s: s["state"] == "running")["state"] == "running"


# -- the rules, without a server ------------------------------------------------------------------

NOW = datetime(2026, 3, 3, 17, 0, tzinfo=UTC)


def test_a_team_member_of_another_show_is_not_allowed(episode: Episode) -> None:
    stranger = make_user((make_show(), Role.PRODUCER))
    staff = make_user(is_staff=True)
    host = make_user((episode.show, Role.HOST))
    keys = {
        (episode.pk, live_screens.TEAM, stream_access.for_user(stranger)),
        (episode.pk, live_screens.TEAM, stream_access.for_user(staff)),
        (episode.pk, live_screens.TEAM, stream_access.for_user(host)),
    }

    assert stream_access.allowed(keys, now=NOW) == {
        (episode.pk, live_screens.TEAM, stream_access.for_user(staff)),
        (episode.pk, live_screens.TEAM, stream_access.for_user(host)),
    }


def test_a_guest_link_opens_only_its_own_audience(episode: Episode) -> None:
    dana = make_appearance(episode, make_speaker(name="Dana Li"))
    omar = make_appearance(episode, make_speaker(name="Omar Haddad"))
    links.ensure_link(dana.speaker)
    principal = stream_access.for_guest(dana.speaker)

    assert stream_access.allowed(
        {
            (episode.pk, live_screens.guest_audience(dana.pk), principal),
            (episode.pk, live_screens.guest_audience(omar.pk), principal),
            (episode.pk, live_screens.TEAM, principal),
            (episode.pk, live_screens.guest_audience(dana.pk), "g:nonsense"),
            (episode.pk, live_screens.guest_audience(dana.pk), "x:1"),
        },
        now=NOW,
    ) == {(episode.pk, live_screens.guest_audience(dana.pk), principal)}

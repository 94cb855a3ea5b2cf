"""Plain factory functions: ``make_episode(**kwargs)`` and friends, with sensible defaults."""

from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser

from episodes.models import (
    Appearance,
    Episode,
    NewsItem,
    Question,
    Role,
    Segment,
    SegmentRun,
    Show,
    ShowRole,
)
from speakers.models import Speaker

_sequence = count(1)


def make_show(**kwargs: Any) -> Show:
    n = next(_sequence)
    defaults: dict[str, Any] = {
        "name": f"Show {n}",
        "slug": f"show-{n}",
        "time_zone": "Europe/Berlin",
        "default_target_seconds": 3600,
    }
    return Show.objects.create(**{**defaults, **kwargs})


def make_episode(**kwargs: Any) -> Episode:
    show = kwargs.pop("show", None) or make_show()
    defaults: dict[str, Any] = {
        "number": next(_sequence),
        "title": "An episode",
        "starts_at": datetime(2026, 3, 3, 17, 0, tzinfo=UTC),
        "target_seconds": show.default_target_seconds,
        "status": Episode.Status.SCHEDULED,
    }
    return Episode.objects.create(show=show, **{**defaults, **kwargs})


def make_segment(episode: Episode, **kwargs: Any) -> Segment:
    minutes = kwargs.pop("minutes", 5)
    defaults: dict[str, Any] = {
        "position": episode.segments.count() + 1,
        "title": "A segment",
        "kind": Segment.Kind.OTHER,
        "planned_seconds": minutes * 60 if minutes is not None else None,
        "planned_max_seconds": minutes * 60 if minutes is not None else None,
    }
    return Segment.objects.create(episode=episode, **{**defaults, **kwargs})


def make_speaker(**kwargs: Any) -> Speaker:
    defaults: dict[str, Any] = {"name": f"Guest {next(_sequence)}"}
    return Speaker.objects.create(**{**defaults, **kwargs})


def make_appearance(episode: Episode, speaker: Speaker | None = None, **kwargs: Any) -> Appearance:
    return Appearance.objects.create(
        episode=episode, speaker=speaker or make_speaker(), **{"role": "guest", **kwargs}
    )


def make_question(segment: Segment, *addressed_to: Appearance, **kwargs: Any) -> Question:
    defaults: dict[str, Any] = {
        "position": segment.questions.count() + 1,
        "text": "What is it?",
    }
    question = Question.objects.create(segment=segment, **{**defaults, **kwargs})
    if addressed_to:
        question.addressed_to.set(addressed_to)
    return question


def make_news(episode: Episode, **kwargs: Any) -> NewsItem:
    defaults: dict[str, Any] = {
        "position": episode.news_items.count() + 1,
        "title": "A story",
        "url": "https://news.example.org/story",
    }
    return NewsItem.objects.create(episode=episode, **{**defaults, **kwargs})


def make_user(*roles: tuple[Show, str], **kwargs: Any) -> AbstractUser:
    defaults: dict[str, Any] = {
        "username": f"user{next(_sequence)}",
        "password": "a-long-test-password",
    }
    user = get_user_model().objects.create_user(**{**defaults, **kwargs})
    for show, role in roles:
        ShowRole.objects.create(show=show, user=user, role=role)
    return user


def make_producer(show: Show, **kwargs: Any) -> AbstractUser:
    return make_user((show, Role.PRODUCER), **kwargs)


def make_run(
    segment: Segment,
    started_at: datetime,
    seconds: float | None,
    *,
    paused_ms: int = 0,
    is_rehearsal: bool = False,
) -> SegmentRun:
    """A stretch of ``segment`` on air, as the live timer logs it; ``seconds`` None: still on."""
    return SegmentRun.objects.create(
        episode=segment.episode,
        segment=segment,
        title=segment.title,
        planned_seconds=segment.planned_seconds,
        planned_max_seconds=segment.planned_max_seconds,
        is_rehearsal=is_rehearsal,
        started_at=started_at,
        ended_at=None if seconds is None else started_at + timedelta(seconds=seconds),
        paused_ms=paused_ms,
    )


def team_stream_url(episode: Episode, user: AbstractUser | None = None) -> str:
    """A live stream address for the episode's team, handed to ``user`` (by default a new
    host of the show), as the state endpoint hands them out."""
    from episodes import live_screens, push, stream_access

    user = user or make_user((episode.show, Role.HOST))
    return push.stream_url(episode.pk, live_screens.TEAM, stream_access.for_user(user))


def guest_stream_url(appearance: Appearance) -> str:
    """A live stream address for one guest, handed to their private link (made if missing)."""
    from episodes import live_screens, push, stream_access
    from speakers import links

    links.ensure_link(appearance.speaker)
    return push.stream_url(
        appearance.episode_id,
        live_screens.guest_audience(appearance.pk),
        stream_access.for_guest(appearance.speaker),
    )

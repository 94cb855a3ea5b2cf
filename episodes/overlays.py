"""Stream graphics: what an OBS (or vMix) browser source is sent, and who may have it.

An overlay is an audience of its own (``overlay``): it is sent only what is shown on air (the
episode's title, the segment on and the next one, the clock's anchors, the people on screen with
their name, pronouns and title, the question being asked now, the news item on screen, the next
episode for the end card). Never host messages, private notes, questions not asked yet, email
addresses or login names.

A browser source cannot log in: its address carries a key derived from the show's
``overlay_secret`` (as the calendar feed's does). A producer's "new key" replaces the secret,
which ends every open overlay stream at the hub's next access check (:mod:`episodes.stream_access`
knows the principal ``o:<show id>:<fingerprint>``) and makes the old addresses answer a
transparent, empty page.

Which graphic is on screen at a moment is decided by the overlay page itself
(``static/js/overlay.js``) from these anchors and each graphic's mode on the live row
(``LiveState.graphics``: ``auto``, ``in`` or ``out``), so every overlay agrees.
"""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .live_clock import InvalidAction, State
from .live_screens import epoch_ms, ms_or_none
from .models import Appearance, Episode, LiveState, NewsItem, Question, Segment, Show

AUDIENCE = "overlay"
PRINCIPAL_PREFIX = "o:"

# Each graphic, by the name its address and the caller's strip use, and what it is called.
ELEMENTS: dict[str, str] = {
    "lower_third": "Lower third",
    "now_next": "Now / Up next",
    "clock": "Clock",
    "starting_soon": "Starting soon",
    "caption": "Question",
    "news": "News item",
    "end_card": "End card",
}
MODES = ("auto", "in", "out")
END_CARD_MINUTES = 30  # an ended episode's end card stays up this long, unless another goes live


# -- the key ---------------------------------------------------------------------------------


def overlay_key(show: Show) -> str:
    """The key in the show's overlay addresses: changes whenever ``overlay_secret`` does."""
    return salted_hmac(
        "showrunner.overlay-key", f"{show.pk}:{show.overlay_secret}", algorithm="sha256"
    ).hexdigest()[:32]


def key_matches(show: Show, key: str) -> bool:
    return bool(key) and constant_time_compare(key, overlay_key(show))


def secret_fingerprint(secret: str) -> str:
    return salted_hmac("showrunner.overlay-stream", secret, algorithm="sha256").hexdigest()[:16]


def principal(show: Show) -> str:
    """Whom an overlay's stream is handed to: the show, as of its overlay secret now."""
    return f"{PRINCIPAL_PREFIX}{show.pk}:{secret_fingerprint(show.overlay_secret)}"


def principals_allowed(parts: dict[int, set[str]]) -> set[str]:
    """Of the overlay principals asked about (``parts``: show id to fingerprints), those whose
    show's secret is still the one they were made from."""
    secrets = dict(Show.objects.filter(pk__in=parts).values_list("pk", "overlay_secret"))
    return {
        f"{PRINCIPAL_PREFIX}{show_id}:{fingerprint}"
        for show_id, fingerprints in parts.items()
        for fingerprint in fingerprints
        if show_id in secrets and fingerprint == secret_fingerprint(secrets[show_id])
    }


# -- which episode ---------------------------------------------------------------------------


def current_episode(show: Show) -> Episode | None:
    """The episode an overlay follows: the one on air now (rehearsals too, so a run-through
    shows the graphics), else one that ended in the last half hour (its end card), else the
    next upcoming one (its "starting soon")."""
    live_now = (
        LiveState.objects.filter(
            episode__show=show,
            episode__deleted_at__isnull=True,
            state__in=[State.RUNNING, State.PAUSED],
        )
        .order_by("-show_started_at", "-pk")
        .values_list("episode_id", flat=True)
        .first()
    )
    if live_now is None:
        live_now = (
            LiveState.objects.filter(
                episode__show=show,
                episode__deleted_at__isnull=True,
                state=State.ENDED,
                is_rehearsal=False,
                ended_at__gte=timezone.now() - timedelta(minutes=END_CARD_MINUTES),
            )
            .order_by("-ended_at", "-pk")
            .values_list("episode_id", flat=True)
            .first()
        )
    if live_now is not None:
        return Episode.objects.filter(pk=live_now).first()
    coming = upcoming(show, exclude=None)
    return coming[0] if coming else None


def upcoming(show: Show, exclude: int | None) -> list[Episode]:
    from .views.upcoming import upcoming_episodes  # the upcoming page's own list

    return [
        episode
        for episode in upcoming_episodes(show)
        if episode.pk != exclude
        and not LiveState.objects.filter(
            episode=episode, state=State.ENDED, is_rehearsal=False
        ).exists()
    ]


# -- what an overlay is sent -----------------------------------------------------------------


def person(appearance: Appearance) -> dict[str, Any]:
    speaker = appearance.speaker
    photo = speaker.avatar.url if speaker.avatar.name else None
    return {
        "id": appearance.pk,
        "name": speaker.name,
        "pronouns": speaker.pronouns,
        "title": speaker.title,
        "role": appearance.role,
        "photo": photo,
    }


def sample(show: Show) -> dict[str, Any]:
    """What the settings page's preview shows: the show's own people and running order where it
    has them (the latest episode's), so the looks are judged on real names and titles."""
    episode = (
        Episode.objects.filter(show=show, is_template=False)
        .order_by("-starts_at", "-air_date", "-pk")
        .first()
    )
    people: list[Appearance] = []
    titles: list[str] = []
    if episode is not None:
        people = list(Appearance.objects.filter(episode=episode).select_related("speaker"))
        titles = list(episode.segments.order_by("position").values_list("title", flat=True)[:2])
    guests = [a for a in people if a.role == Appearance.Role.GUEST]
    chosen = guests or people
    speaker = chosen[0].speaker if chosen else None
    return {
        "show": show.name,
        "lower_third": {
            "name": speaker.name if speaker else "Dana Li",
            "pronouns": speaker.pronouns if speaker else "she/her",
            "title": (speaker.title if speaker else "") or "Title or affiliation",
        },
        "now_next": {
            "now": titles[0] if titles else "The segment on air",
            "next": titles[1] if len(titles) > 1 else "The one after it",
        },
        "clock": {"segment": "4:59", "show": "12:30", "phase": "running"},
    }


def domain_of(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def modes_of(graphics: object) -> dict[str, str]:
    stored = graphics if isinstance(graphics, dict) else {}
    modes = stored.get("modes", {}) if isinstance(stored.get("modes"), dict) else {}
    return {name: str(modes[name]) if modes.get(name) in MODES else "auto" for name in ELEMENTS}


def overlay_view(episode_id: int) -> dict[str, Any]:
    """Everything an overlay shows, as anchors (epoch ms) and plain data: only what goes on air."""
    state = (
        LiveState.objects.select_related("episode__show", "asking", "news_item")
        .filter(episode_id=episode_id)
        .first()
    )
    episode = (
        state.episode
        if state is not None
        else Episode.objects.select_related("show").get(pk=episode_id)
    )
    show = episode.show
    segments = list(
        Segment.objects.filter(episode_id=episode_id)
        .order_by("position")
        .values(
            "pk", "title", "kind", "planned_max_seconds", "owner_id",
            "warning_seconds", "danger_seconds",
        )
    )  # fmt: skip
    people = [
        person(appearance)
        for appearance in Appearance.objects.filter(episode_id=episode_id)
        .exclude(role=Appearance.Role.PRODUCER)
        .select_related("speaker")
        .order_by("pk")
    ]
    names = {p["id"]: p["name"] for p in people}
    if state is not None and state.is_rehearsal and state.state == State.ENDED:
        state = None  # a rehearsal run through before: to the stream, the show is still to come
    live_state = state.state if state is not None else State.READY
    segment_id = state.segment_id if state is not None else None
    index = next((i for i, s in enumerate(segments) if s["pk"] == segment_id), None)
    current = segments[index] if index is not None else None
    following = segments[index + 1 :] if index is not None else segments

    def outline(segment: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "id": segment["pk"],
            "title": segment["title"],
            "kind": segment["kind"],
            "planned_ms": ms_or_none(segment["planned_max_seconds"]),
            "owner": names.get(segment["owner_id"]),
            "owner_id": segment["owner_id"] if segment["owner_id"] in names else None,
        }

    after = upcoming(show, exclude=episode.pk)
    next_episode = after[0] if after else None
    data: dict[str, Any] = {
        "episode": episode.pk,
        "show": show.name,
        "title": episode.title,
        "number": episode.number,
        "audience": AUDIENCE,
        "state": live_state,
        "rehearsal": state.is_rehearsal if state is not None else False,
        "version": state.version if state is not None else 0,
        "revision": episode.live_revision,
        "scheduled_start": epoch_ms(episode.starts_at),
        "hard_out": None,
        "show_started_at": epoch_ms(state.show_started_at) if state is not None else None,
        "ended_at": epoch_ms(state.ended_at) if state is not None else None,
        "finished_delta_ms": 0,
        "following_planned_ms": sum((s["planned_max_seconds"] or 0) * 1000 for s in following),
        "segment": None,
        "next": outline(following[0]) if following else None,
        "people": people,
        "hold_ms": show.lower_third_seconds * 1000,
        "modes": modes_of(state.graphics if state is not None else {}),
        "asking": None,
        "news": None,
        "next_episode": None,
    }
    if next_episode is not None:
        data["next_episode"] = {
            "title": next_episode.title,
            "number": next_episode.number,
            "starts_at": epoch_ms(next_episode.starts_at),
            "date": next_episode.starts_at.astimezone(show.zone).strftime("%A %-d %B, %H:%M")
            if next_episode.starts_at
            else (next_episode.air_date.strftime("%A %-d %B") if next_episode.air_date else ""),
        }
    if state is not None and current is not None:
        data["segment"] = {
            **outline(current),
            "warning_ms": (current["warning_seconds"] or show.warning_seconds) * 1000,
            "danger_ms": (current["danger_seconds"] or show.danger_seconds) * 1000,
            "started_at": epoch_ms(state.segment_started_at),
            "paused_at": epoch_ms(state.paused_at),
            "paused_ms": state.paused_ms,
            "added_ms": state.added_ms,
        }
        asking = state.asking
        if asking is not None and asking.segment_id == current["pk"]:
            data["asking"] = {"id": asking.pk, "text": asking.text, "for": addressees(asking)}
        item = state.news_item
        if item is not None and current["kind"] == Segment.Kind.NEWS:
            data["news"] = {"id": item.pk, "title": item.title, "domain": domain_of(item.url)}
    return data


def addressees(question: Question) -> str:
    if question.for_everyone:
        return "Everyone"
    names = list(question.addressed_to.values_list("speaker__name", flat=True).order_by("pk"))
    if not names:
        return ""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


# -- the caller's graphics commands ----------------------------------------------------------


def graphics_change(episode: Episode, state: LiveState, data: dict[str, Any]) -> dict[str, Any]:
    """The LiveState fields a ``graphics`` command sets, read from its data (checked here):

    - ``asking``: a question of the segment on air, asked now ("" takes the caption out);
    - ``news``: ``next``, ``previous``, a news item's id, or "" (none);
    - ``element`` with ``mode`` (``auto``, ``in``, ``out``).
    """
    fields: dict[str, Any] = {}
    if "asking" in data:
        value = data["asking"]
        if value in (None, ""):
            fields["asking_id"] = None
        else:
            question = (
                Question.objects.filter(
                    pk=number(value, "asking"),
                    segment__episode=episode,
                    segment_id=state.segment_id,
                ).first()
                if state.segment_id is not None
                else None
            )
            if question is None:
                raise InvalidAction("“asking” must be a question of the segment on air.")
            fields["asking_id"] = question.pk
    if "news" in data:
        fields["news_item_id"] = news_pointer(episode, state, data["news"])
    if "element" in data or "mode" in data:
        element, mode = str(data.get("element", "")), str(data.get("mode", ""))
        if element not in ELEMENTS:
            raise InvalidAction(f"“element” must be one of: {', '.join(ELEMENTS)}.")
        if mode not in MODES:
            raise InvalidAction("“mode” must be auto, in or out.")
        stored = state.graphics if isinstance(state.graphics, dict) else {}
        fields["graphics"] = {**stored, "modes": {**modes_of(stored), element: mode}}
    if not fields:
        raise InvalidAction("A graphics command sets “asking”, “news”, or “element” and “mode”.")
    return fields


def news_pointer(episode: Episode, state: LiveState, value: object) -> int | None:
    if value in (None, ""):
        return None
    items = list(
        NewsItem.objects.filter(episode=episode).order_by("position").values_list("pk", flat=True)
    )
    if value in ("next", "previous"):
        if not items:
            raise InvalidAction("This episode has no news items.")
        if state.news_item_id not in items:
            return items[0]
        at = items.index(state.news_item_id) + (1 if value == "next" else -1)
        return items[max(0, min(len(items) - 1, at))]
    wanted = number(value, "news")
    if wanted not in items:
        raise InvalidAction("“news” must be next, previous or one of this episode's news items.")
    return wanted


def number(value: object, name: str) -> int:
    text = str(value)
    if not text.isdecimal() or len(text) > 12:
        raise InvalidAction(f"“{name}” must be a number (an id).")
    return int(text)

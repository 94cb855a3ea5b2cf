"""Who a live stream was opened for, and whether they may still have it.

A stream's address carries a signed token naming the episode, the audience (the team, one
guest, or the stream graphics) and the *principal* it was handed to: a logged-in team member
(``u:<user id>``), an API token (``t:<token id>``), a show's overlay key (``o:<show id>:<a
fingerprint of the show's overlay secret>``, :mod:`episodes.overlays`), or a guest's private
link (``g:<speaker id>:<fingerprint of the link's secret>``). The stream checks the principal
when it opens and the hub checks every open stream's principal every few seconds
(:mod:`episodes.push`), so removing a role, deactivating a user, revoking an API token, making
a new overlay key and revoking, renewing or expiring a guest's link end the streams behind it
within seconds, and their addresses stop working.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.utils.crypto import salted_hmac

from speakers.models import Speaker

from . import overlays
from .models import ApiToken, Appearance, Episode, Show, ShowRole

TEAM = "team"
GUEST_PREFIX = "guest:"

StreamKey = tuple[int, str, str]  # episode id, audience, principal


def link_fingerprint(secret: str) -> str:
    """A short, keyed digest of a guest link's secret: changes whenever the secret does."""
    return salted_hmac("showrunner.stream-link", secret, algorithm="sha256").hexdigest()[:16]


def for_user(user: User | AnonymousUser) -> str:
    return f"u:{user.pk}"


def for_api_token(token_id: int) -> str:
    return f"t:{token_id}"


def for_overlay(show: Show) -> str:
    return overlays.principal(show)


def for_guest(speaker: Speaker) -> str:
    return f"g:{speaker.pk}:{link_fingerprint(speaker.link_secret)}"


def allowed(keys: Iterable[StreamKey], *, now: datetime) -> set[StreamKey]:
    """The keys whose principal may still follow that episode's audience: a fixed number of
    queries, however many streams are open."""
    keys = set(keys)
    shows = dict(Episode.objects.filter(pk__in={k[0] for k in keys}).values_list("pk", "show_id"))
    by_kind: dict[str, list[tuple[StreamKey, list[str]]]] = defaultdict(list)
    for key in keys:
        kind, _, rest = key[2].partition(":")
        by_kind[kind].append((key, rest.split(":")))

    def ids(kind: str) -> set[int]:
        return {int(parts[0]) for _, parts in by_kind[kind] if parts[0].isdecimal()}

    # Each read only when some open stream needs it: this runs every few seconds.
    token_ids = ids("t")
    tokens = (
        dict(
            ApiToken.objects.filter(pk__in=token_ids, revoked_at__isnull=True).values_list(
                "pk", "user_id"
            )
        )
        if token_ids
        else {}
    )
    user_ids = ids("u") | set(tokens.values())
    users = dict(
        get_user_model()
        ._default_manager.filter(pk__in=user_ids, is_active=True)
        .values_list("pk", "is_staff")
    )
    roles = set(
        ShowRole.objects.filter(user_id__in=users, show_id__in=set(shows.values())).values_list(
            "user_id", "show_id"
        )
    )

    def team_member(user_id: int | None, episode_id: int) -> bool:
        if user_id not in users or episode_id not in shows:
            return False
        return users[user_id] or (user_id, shows[episode_id]) in roles

    speaker_ids = ids("g")
    speakers = {
        pk: (secret, expires, show_id)
        for pk, secret, expires, show_id in (
            Speaker.objects.filter(pk__in=speaker_ids).values_list(
                "pk", "link_secret", "link_expires_at", "show_id"
            )
            if speaker_ids
            else []
        )
    }
    appearance_ids = {
        int(key[1].removeprefix(GUEST_PREFIX))
        for key, _ in by_kind["g"]
        if key[1].startswith(GUEST_PREFIX) and key[1].removeprefix(GUEST_PREFIX).isdecimal()
    }
    appearances = {
        pk: (speaker_id, episode_id)
        for pk, speaker_id, episode_id in (
            Appearance.objects.filter(pk__in=appearance_ids).values_list(
                "pk", "speaker_id", "episode_id"
            )
            if appearance_ids
            else []
        )
    }

    def guest(key: StreamKey, parts: list[str]) -> bool:
        if len(parts) != 2 or not parts[0].isdecimal() or not key[1].startswith(GUEST_PREFIX):
            return False
        speaker = speakers.get(int(parts[0]))
        appearance_id = key[1].removeprefix(GUEST_PREFIX)
        if speaker is None or not appearance_id.isdecimal():
            return False
        secret, expires, show_id = speaker
        if not secret or parts[1] != link_fingerprint(secret):
            return False
        if expires is not None and expires <= now:
            return False
        return (
            appearances.get(int(appearance_id)) == (int(parts[0]), key[0])
            and shows.get(key[0]) == show_id
        )

    overlay_parts: dict[int, set[str]] = defaultdict(set)
    for _, parts in by_kind["o"]:
        if len(parts) == 2 and parts[0].isdecimal():
            overlay_parts[int(parts[0])].add(parts[1])
    overlays_ok = overlays.principals_allowed(overlay_parts) if overlay_parts else set()

    result: set[StreamKey] = set()
    for kind, entries in by_kind.items():
        for key, parts in entries:
            if kind == "u" and key[1] in (TEAM, overlays.AUDIENCE):  # the caller's tally too
                ok = parts[0].isdecimal() and team_member(int(parts[0]), key[0])
            elif kind == "t" and key[1] == TEAM:
                token_user = tokens.get(int(parts[0])) if parts[0].isdecimal() else None
                ok = team_member(token_user, key[0])
            elif kind == "g":
                ok = guest(key, parts)
            elif kind == "o" and key[1] == overlays.AUDIENCE:
                # the show's current key, and an episode of that show
                ok = key[2] in overlays_ok and str(shows.get(key[0])) == parts[0]
            else:
                ok = False
            if ok:
                result.add(key)
    return result

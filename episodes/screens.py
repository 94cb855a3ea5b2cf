"""The screens open on an episode, as the show caller sees them (issue 15, item 7).

Every live screen (the host view, a guest's page, the studio clock, and overlays later) keeps
an id of its own in the browser (``sessionStorage``: one per tab, kept across a reload) and
POSTs a heartbeat every ``SHOWRUNNER_SCREEN_HEARTBEAT_MS`` (10 s) through the endpoint its
viewer is already allowed to use: the team's session (with the CSRF token), a guest's private
link. A screen heard from in the last :data:`EXPIRES` is on the list.

The rows live in the database, so the list is the same whichever process answers. A command
for one screen ("identify", "reload") waits on that screen's row and is handed over, and
cleared, by that screen's next heartbeat answer: it reaches that screen alone, with nothing
broadcast, and survives a server restart in between. The heartbeat's answer carries only the
screen's own name and commands, never anything about the other screens.
"""

import re
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction

from speakers.models import Speaker

from .models import Episode, Screen

EXPIRES = timedelta(minutes=1)
FORGET = timedelta(hours=6)  # rows not heard from for this long are deleted
COMMANDS = ("identify", "reload")
NAME_MAX = 60

SCREEN_ID = re.compile(r"[A-Za-z0-9_-]{8,40}")
KIND = re.compile(r"[a-z][a-z0-9-]{0,19}")
KIND_LABELS = {
    "host": "Host view",
    "guest": "Guest page",
    "studio": "Studio clock",
    "overlay": "Overlay",
}


class BadScreen(ValueError):
    """A heartbeat or a command the server cannot take; the message says what is wrong."""


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("-", " ").capitalize())


def user_label(user: AbstractBaseUser | AnonymousUser) -> str:
    """A team member as the list shows them: their name, or the login name without any
    email domain (an email address is never shown)."""
    full = getattr(user, "get_full_name", lambda: "")().strip()
    if full:
        return full[:150]
    return str(user.get_username()).split("@", 1)[0][:150]


def user_agent_summary(header: str) -> str:
    """ "Chrome on Windows", "OBS", "Safari on iPhone": enough to tell two screens apart."""
    text = header[:512]
    if "OBS" in text:
        browser = "OBS"
    elif "Edg/" in text:
        browser = "Edge"
    elif "Firefox/" in text:
        browser = "Firefox"
    elif "Chrome/" in text or "Chromium/" in text:
        browser = "Chrome"
    elif "Safari/" in text:
        browser = "Safari"
    else:
        browser = "Browser"
    for needle, system in (
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Android", "Android"),
        ("Windows", "Windows"),
        ("Mac OS X", "Mac"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ):
        if needle in text:
            return f"{browser} on {system}"
    return browser


def config(url: str, kind: str) -> dict[str, Any]:
    """What static/js/screens.js needs: where to send the heartbeat, as what, how often."""
    return {
        "heartbeat_url": url,
        "kind": kind,
        "interval_ms": int(settings.SHOWRUNNER_SCREEN_HEARTBEAT_MS),
    }


def parse_heartbeat(data: dict[str, Any]) -> tuple[str, str]:
    screen_id = str(data.get("screen", ""))
    kind = str(data.get("kind", ""))
    if not SCREEN_ID.fullmatch(screen_id):
        raise BadScreen("screen: an id of 8 to 40 letters, digits, '-' or '_' is needed.")
    if not KIND.fullmatch(kind):
        raise BadScreen("kind: a lower-case word of up to 20 letters is needed.")
    return screen_id, kind


def heartbeat(
    episode: Episode,
    data: dict[str, Any],
    *,
    principal_key: str,
    principal: str,
    user_agent: str,
    now: datetime,
) -> dict[str, Any]:
    """Note that a screen is open; answer its name and the commands waiting for it."""
    screen_id, kind = parse_heartbeat(data)
    with transaction.atomic():
        screen = (
            Screen.objects.select_for_update()
            .filter(episode=episode, screen_id=screen_id, principal_key=principal_key)
            .first()
        )
        if screen is None:
            try:
                with transaction.atomic():
                    screen = Screen.objects.create(
                        episode=episode,
                        screen_id=screen_id,
                        principal_key=principal_key,
                        kind=kind,
                        principal=principal,
                        user_agent=user_agent_summary(user_agent),
                        first_seen=now,
                        last_seen=now,
                    )
            except IntegrityError:  # the same screen's two heartbeats at once
                screen = Screen.objects.select_for_update().get(
                    episode=episode, screen_id=screen_id, principal_key=principal_key
                )
        commands = [screen.command] if screen.command else []
        screen.kind = kind
        screen.principal = principal
        screen.user_agent = user_agent_summary(user_agent)
        screen.last_seen = now
        screen.command = ""
        screen.save(update_fields=["kind", "principal", "user_agent", "last_seen", "command"])
        Screen.objects.filter(episode=episode, last_seen__lt=now - FORGET).delete()
    return {"ok": True, "name": screen.name, "label": label_of(screen), "commands": commands}


def label_of(screen: Screen) -> str:
    """What "identify" flashes: the caller's name for it, else what and whose it is."""
    return screen.name or f"{kind_label(screen.kind)} · {screen.principal}"


def open_screens(episode: Episode, now: datetime) -> list[Screen]:
    return list(episode.screens.filter(last_seen__gte=now - EXPIRES).order_by("first_seen", "pk"))


def listing(episode: Episode, now: datetime) -> list[dict[str, Any]]:
    """The open screens for the show caller's page."""
    return [
        {
            "id": screen.pk,
            "kind": screen.kind,
            "what": kind_label(screen.kind),
            "whose": screen.principal,
            "name": screen.name,
            "label": label_of(screen),
            "user_agent": screen.user_agent,
            "last_seen": int(screen.last_seen.timestamp() * 1000),
            "seconds_ago": max(0, int((now - screen.last_seen).total_seconds())),
            "pending": screen.command,
        }
        for screen in open_screens(episode, now)
    ]


def screen_of(episode: Episode, pk: int) -> Screen | None:
    """One of this episode's screens (another episode's id finds nothing)."""
    return episode.screens.filter(pk=pk).first()


def rename(screen: Screen, name: str) -> None:
    name = " ".join(name.split())
    if len(name) > NAME_MAX:
        raise BadScreen(f"name: at most {NAME_MAX} characters (this one has {len(name)}).")
    screen.name = name
    screen.save(update_fields=["name"])


def send(screen: Screen, command: str) -> None:
    if command not in COMMANDS:
        raise BadScreen("command: 'identify' or 'reload'.")
    screen.command = command
    screen.save(update_fields=["command"])


def guest_key(speaker: Speaker) -> str:
    return f"guest:{speaker.pk}"


def user_key(user: AbstractBaseUser | AnonymousUser) -> str:
    return f"user:{user.pk}"

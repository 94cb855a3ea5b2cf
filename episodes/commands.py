"""Live-show commands from whoever gives them: the show caller's page and the HTTP API.

:func:`run` reads a command's data (within the bounds of :mod:`showrunner.bounds`), applies
it through :mod:`episodes.onair` and says what it did (:class:`Done`): accepted or refused,
the clock's version now, the reason. It builds no snapshot: screens take the state from the
live stream, and each caller (a view) adds the state to its own answer as it needs.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from showrunner import bounds

from . import onair
from .live_clock import InvalidAction
from .models import Appearance, Episode, LiveState

# What each number a command takes may be (showrunner/bounds.py).
NUMBERS = {
    "version": (0, bounds.LARGEST_VERSION),
    "segment": (1, bounds.LARGEST_ID),
    "to": (1, bounds.LARGEST_ID),
    "message": (1, bounds.LARGEST_ID),
    "seconds": (-bounds.LARGEST_ADD_SECONDS, bounds.LARGEST_ADD_SECONDS),
}
REQUEST_ID = re.compile(r"[\x21-\x7e]{1,100}")  # printable ASCII, no spaces
YES = (True, "true", "1", "on")


@dataclass(frozen=True)
class Done:
    """What a command did: ``status`` is the HTTP status it answers with."""

    ok: bool
    version: int | None
    status: int = 200
    revision: int | None = None  # the episode's live revision: screens show it once it is theirs
    error: str = ""
    repeat: bool = False
    note: str = ""

    def fields(self) -> dict[str, Any]:
        """The answer's own fields, as the API documents them."""
        found: dict[str, Any] = {"ok": self.ok, "version": self.version}
        if self.revision is not None:
            found["revision"] = self.revision
        if self.error:
            found["error"] = self.error
        if self.repeat:
            found.update(repeat=True, note=self.note)
        return found


def command_json(body: bytes) -> dict[str, Any]:
    """A command's JSON object, within the bounds of :func:`showrunner.bounds.parse_json`."""
    if len(body) > bounds.COMMAND_BYTES:
        raise InvalidAction(
            f"The request body is {len(body):,} bytes; a command takes at most "
            f"{bounds.COMMAND_BYTES:,}."
        )
    try:
        data = bounds.parse_json(body, depth=2)
    except ValueError as exc:
        raise InvalidAction(f"The request body is not accepted as JSON: {exc}.") from None
    if not isinstance(data, dict):
        raise InvalidAction('The request body must be a JSON object, like {"version": 3}.')
    return data


def optional_int(data: dict[str, Any], name: str) -> int | None:
    value = data.get(name)
    if value in (None, ""):
        return None
    low, high = NUMBERS[name]
    try:
        return bounds.whole_number(value, f"“{name}”", low=low, high=high)
    except bounds.OutOfBounds as exc:
        raise InvalidAction(str(exc)) from None


def message_text(data: dict[str, Any]) -> str:
    text = data.get("text", "")
    if not isinstance(text, str):
        raise InvalidAction("“text” must be text, in quotes.")
    return text


def request_id_of(header: str | None, data: dict[str, Any]) -> str:
    """The command's optional request id: the ``Idempotency-Key`` header or ``request_id``."""
    value = header or data.get("request_id") or ""
    if not isinstance(value, str) or (value and not REQUEST_ID.fullmatch(value)):
        raise InvalidAction(
            "The request id (Idempotency-Key) must be 1 to 100 printable characters, no spaces."
        )
    return value


def run(
    episode: Episode,
    action: str,
    data: dict[str, Any],
    *,
    user: User,
    source: str,
    request_id: str = "",
) -> Done:
    """A clock command or a message: the one place the caller's page and the API go through.
    A request id seen before for this episode (within minutes) answers as a repeat."""
    now = timezone.now()
    try:
        with transaction.atomic():
            if request_id and not onair.claim_request(episode, request_id, action, now=now):
                version, revision = position_of(episode)
                note = "Already done: same request id."
                return Done(True, version, revision=revision, repeat=True, note=note)
            outcome = apply(episode, action, data, user=user, source=source, now=now)
    except (onair.Stale, onair.NotInControl, InvalidAction) as exc:
        return refused(episode, exc)
    if outcome is not None and outcome.revision is not None:
        version, revision = outcome.version, outcome.revision  # known: nothing to read
    else:
        version, revision = position_of(episode)
    if outcome is not None and outcome.repeat:
        return Done(
            True, version, revision=revision, repeat=True, note="Pressed again at once: ignored."
        )
    return Done(True, version, revision=revision)


def refused(episode: Episode, exc: Exception) -> Done:
    """A command not carried out: why, and where the clock is (to catch up from)."""
    version, revision = position_of(episode)
    return Done(False, version, status=409, revision=revision, error=str(exc))


def position_of(episode: Episode) -> tuple[int | None, int | None]:
    """The clock's version and the episode's live revision, in one read."""
    found = (
        LiveState.objects.filter(episode=episode)
        .values_list("version", "episode__live_revision")
        .first()
    )
    return found if found is not None else (None, None)


def apply(
    episode: Episode,
    action: str,
    data: dict[str, Any],
    *,
    user: User,
    source: str,
    now: datetime,
) -> onair.Outcome | None:
    """Apply one command: a clock command's outcome (None for messages and control)."""
    if action == "message":
        to = None
        if data.get("to") not in (None, "", "host"):
            to_pk = optional_int(data, "to")
            if to_pk is not None:
                to = Appearance.objects.filter(episode=episode, pk=to_pk).first()
            if to is None:
                raise InvalidAction("“to” must be “host” or one of this episode's guests.")
        if data.get("clear") in YES:
            onair.clear_message(episode, user=user, now=now, to=to)
        else:
            onair.send_message(
                episode,
                message_text(data),
                user=user,
                now=now,
                flash=data.get("flash") in YES,
                to=to,
                lasts=str(data.get("lasts") or "segment"),
            )
        return None
    if action == "graphics":  # the stream graphics (episodes/overlays.py)
        onair.set_graphics(episode, data, user=user)
        return None
    if action == "take_control":
        onair.take_control(episode, user=user, now=now)
        return None
    return onair.perform(
        episode,
        action,
        user=user,
        now=now,
        version=optional_int(data, "version"),
        source=source,
        segment=optional_int(data, "segment"),
        seconds=optional_int(data, "seconds"),
    )

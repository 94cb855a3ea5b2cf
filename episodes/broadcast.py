"""Telling open screens that an episode changed.

Whatever changes what live screens show (a live command, an edit of the run-sheet that
screens show) bumps the episode's ``live_revision`` and calls :func:`announce` inside its
transaction; once it commits, every listener in this process hears the episode's id and its
live revision now. The push hub (:mod:`episodes.push`) listens. Other processes hear of it from
the database: on PostgreSQL a ``NOTIFY`` sent in the same transaction (delivered when it
commits, to every process that ``LISTEN``s); on SQLite, each process's watcher sees the
database file change (``PRAGMA data_version``) and reads the live revisions.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import F

from .models import Episode

# What a change touched, from least to most: the screens' patch is built from as little as that.
CLOCK = "clock"  # only the clock's anchors moved: a pause, a resume, added time
LIVE = "live"  # the live show moved (a segment on, a message, a ticked question): not the plan
FULL = "full"  # anything else: the run-sheet screens show was edited
KINDS = (CLOCK, LIVE, FULL)

Listener = Callable[[int, int, str], None]  # episode id, live revision, kind
listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    if listener not in listeners:
        listeners.append(listener)


def unlisten(listener: Listener) -> None:
    if listener in listeners:
        listeners.remove(listener)


CHANNEL = "showrunner_live"


def revise(
    episode_id: int,
    *,
    plan: bool,
    live: bool,
    now: datetime | None = None,
    layout: bool = False,
    expected_layout: int | None = None,
    kind: str = FULL,
) -> int | None:
    """The one place an episode's revisions move (in one UPDATE), and live screens are told.

    ``plan``: what editors show changed, so open editors refresh (``revision``; the episode's
    ``updated_at`` becomes ``now``). ``live``: what live screens show changed, so they are sent
    it (``live_revision``, then :func:`announce` with ``kind``: what the change touched).
    ``layout``: segments, questions or news were added, removed or moved (``layout_version``),
    checked against ``expected_layout`` when given. Returns None, and nothing changed, if the
    layout is no longer at it; else the live revision screens were told of (0 if not told)."""
    rows = Episode.objects.filter(pk=episode_id)
    bumps: dict[str, Any] = {}
    if plan:
        bumps["revision"] = F("revision") + 1
        if now is not None:
            bumps["updated_at"] = now
    if live:
        bumps["live_revision"] = F("live_revision") + 1
    if layout:
        bumps["layout_version"] = F("layout_version") + 1
        if expected_layout is not None:
            rows = rows.filter(layout_version=expected_layout)
    if not bumps or not rows.update(**bumps):
        return None
    return announce(episode_id, kind=kind) if live else 0


def announce(episode_id: int, *, kind: str = FULL) -> int:
    """Call inside the transaction that moved the episode's live revision; ``kind`` says what
    the change touched (:data:`CLOCK`, :data:`LIVE` or :data:`FULL`). Returns the revision."""
    revision = (
        Episode.objects.filter(pk=episode_id).values_list("live_revision", flat=True).first() or 0
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # delivered to every listener when this commits
            payload = f"{episode_id}:{revision}:{kind}"
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, payload])

    def tell() -> None:
        for listener in list(listeners):
            listener(episode_id, revision, kind)

    transaction.on_commit(tell)
    return revision


def parse(payload: str) -> tuple[int, int, str] | None:
    """A notification's episode id, live revision and kind (an unknown kind counts as full)."""
    episode, _, rest = payload.partition(":")
    revision, _, kind = rest.partition(":")
    if not episode.isdecimal() or not revision.isdecimal():
        return None
    return int(episode), int(revision), kind if kind in KINDS else FULL

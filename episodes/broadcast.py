"""Telling open screens that an episode changed.

Whatever changes what live screens show (a live command, an edit of the run-sheet that
screens show) bumps the episode's ``live_revision`` and calls :func:`announce` inside its
transaction; once it commits, every listener in this process hears the episode's id and its
live revision now. The push hub (:mod:`episodes.push`) listens, and other processes learn of it
from the database (the hub's watcher polls the live revisions).
"""

from collections.abc import Callable

from django.db import transaction

from .models import Episode

Listener = Callable[[int, int], None]
listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    if listener not in listeners:
        listeners.append(listener)


def unlisten(listener: Listener) -> None:
    if listener in listeners:
        listeners.remove(listener)


def announce(episode_id: int) -> None:
    def tell() -> None:
        if not listeners:
            return
        revision = (
            Episode.objects.filter(pk=episode_id).values_list("live_revision", flat=True).first()
        )
        for listener in list(listeners):
            listener(episode_id, revision or 0)

    transaction.on_commit(tell)

"""What live screens are sent: the read model of the live show.

Built from the database as plain data (anchors in epoch milliseconds, names, the run-sheet's
outline), once per change and audience for every open screen (:mod:`episodes.push`). The
commands that change the show are :mod:`episodes.onair`'s; the arithmetic on the anchors is the
screens' own (``static/js/clock.js``), apart from what the API reports (:func:`at_now`).

Audiences: the team (``team``) sees everything; a guest (``guest:<appearance id>``) sees the
run-sheet outline, the questions meant for them or for everyone, and the messages sent to them.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from . import live_clock
from .live_clock import Clock, State
from .models import Episode, LiveMessage, LiveState, Question, Segment, SegmentRun
from .onair import state_of


def epoch_ms(moment: datetime | None) -> int | None:
    return round(moment.timestamp() * 1000) if moment is not None else None


TEAM = "team"


def guest_audience(appearance_id: int) -> str:
    return f"guest:{appearance_id}"


@dataclass(frozen=True)
class Plan:
    """The run-sheet part of what a screen is sent, as read from the database. The push keeps it
    beside the snapshot: a live change (a segment on, a message, a ticked question) edits no
    plan, so the next snapshot is built without reading the run-sheet again."""

    segments: Sequence[Mapping[str, Any]]
    theirs: frozenset[int]  # a guest's: the segments with questions for them


def snapshot(episode_id: int, audience: str = TEAM) -> dict[str, Any]:
    """Everything a live screen shows (:func:`screen_view`), read afresh."""
    return screen_view(episode_id, audience)[0]


def screen_view(
    episode_id: int, audience: str = TEAM, plan: Plan | None = None
) -> tuple[dict[str, Any], Plan]:
    """Everything a live screen shows, as anchors (epoch ms) and plain data, and the plan it
    was built from; with ``plan``, that plan is taken as it is (nothing edited it since).

    The team sees everything; a guest (``guest:<appearance id>``) sees the run-sheet outline,
    the questions meant for them or for everyone, and the messages sent to them. Built once per
    change for all screens (episodes/push.py), with plain values rather than model instances.
    """
    state = (
        LiveState.objects.select_related("episode__show", "controller")
        .filter(episode_id=episode_id)
        .first()
    )
    if state is None:
        state = state_of(Episode.objects.get(pk=episode_id))
    episode, show = state.episode, state.episode.show
    guest_id = int(audience.split(":", 1)[1]) if audience.startswith("guest:") else None
    if plan is None:
        plan = read_plan(episode_id, guest_id)
    segments = plan.segments
    runs = SegmentRun.objects.filter(episode_id=episode_id, is_rehearsal=state.is_rehearsal)
    if state.show_started_at is not None:
        runs = runs.filter(started_at__gte=state.show_started_at)
    actual: dict[int, int] = {}
    played: set[int] = set()
    finished_delta = 0
    for segment_id, started, ended, paused, planned in runs.values_list(
        "segment_id", "started_at", "ended_at", "paused_ms", "planned_max_seconds"
    ):
        played.add(segment_id)
        if ended is not None and segment_id is not None:
            ran = round((ended - started).total_seconds() * 1000) - paused
            actual[segment_id] = actual.get(segment_id, 0) + ran
            if planned is not None:
                finished_delta += ran - planned * 1000

    index = next((i for i, s in enumerate(segments) if s["pk"] == state.segment_id), None)
    current = segments[index] if index is not None else None
    upcoming = segments[index + 1 :] if index is not None else segments

    def outline(segment: Mapping[str, Any]) -> dict[str, Any]:
        owner = segment["owner_id"]
        return {
            "id": segment["pk"],
            "title": segment["title"],
            "planned_ms": ms_or_none(segment["planned_max_seconds"]),
            "owner": segment["owner__speaker__name"] if owner else None,
            "owner_id": owner,
        }

    data: dict[str, Any] = {
        "episode": episode.pk,
        "title": episode.title,
        "number": episode.number,
        "audience": audience,
        "state": state.state,
        "rehearsal": state.is_rehearsal,
        "version": state.version,
        "revision": episode.live_revision,
        "scheduled_start": epoch_ms(episode.starts_at),
        "hard_out": epoch_ms(episode.hard_out_at),
        "show_started_at": epoch_ms(state.show_started_at),
        "ended_at": epoch_ms(state.ended_at),
        "finished_delta_ms": finished_delta,
        "following_planned_ms": sum((s["planned_max_seconds"] or 0) * 1000 for s in upcoming),
        "segment": None,
        "next": outline(upcoming[0]) if upcoming else None,
        "segments": [
            {
                **outline(segment),
                "played": segment["pk"] in played and segment["pk"] != state.segment_id,
                "actual_ms": actual.get(segment["pk"]),
            }
            for segment in segments
        ],
        "controller": state.controller.get_username() if state.controller else None,
        "message": None,
    }
    if guest_id is not None:
        # "You're up in N minutes": the segments this guest leads or has questions in.
        for item in data["segments"]:
            item["mine"] = item["owner_id"] == guest_id or item["id"] in plan.theirs
        data["controller"] = None  # a team member's login name is the team's business
    if current is not None:
        data["segment"] = {
            **outline(current),
            "kind": current["kind"],
            "planned_min_ms": ms_or_none(current["planned_seconds"]),
            "warning_ms": (current["warning_seconds"] or show.warning_seconds) * 1000,
            "danger_ms": (current["danger_seconds"] or show.danger_seconds) * 1000,
            "started_at": epoch_ms(state.segment_started_at),
            "paused_at": epoch_ms(state.paused_at),
            "paused_ms": state.paused_ms,
            "added_ms": state.added_ms,
            "questions": questions_for(current["pk"], guest_id),
        }
    showing = (
        LiveMessage.objects.filter(episode_id=episode_id, cleared_at__isnull=True)
        .exclude(expires_at__lte=timezone.now())
        .order_by("-created_at", "-pk")
    )
    # The host's messages have no guest; a guest's page shows only the ones sent to them.
    mine = (
        showing.filter(appearance__isnull=True)
        if guest_id is None
        else showing.filter(appearance_id=guest_id)
    ).first()
    if mine is not None:
        data["message"] = message_data(mine)
    if guest_id is None:  # the caller sees what each guest is shown, and whether they read it
        data["guest_messages"] = [
            {**message_data(m), "to": m.appearance_id, "name": name}
            for m, name in (
                (m, m.appearance.speaker.name if m.appearance else "")
                for m in showing.filter(appearance__isnull=False).select_related(
                    "appearance__speaker"
                )
            )
        ]
    return data, plan


def read_plan(episode_id: int, guest_id: int | None) -> Plan:
    segments = list(
        Segment.objects.filter(episode_id=episode_id)
        .order_by("position")
        .values(
            "pk", "title", "kind", "planned_seconds", "planned_max_seconds", "owner_id",
            "owner__speaker__name", "warning_seconds", "danger_seconds",
        )
    )  # fmt: skip
    theirs: frozenset[int] = frozenset()
    if guest_id is not None:
        theirs = frozenset(
            Question.addressed_to.through.objects.filter(
                appearance_id=guest_id, question__segment__episode_id=episode_id
            ).values_list("question__segment_id", flat=True)
        )
    return Plan(segments, theirs)


def changes(base: dict[str, Any], data: dict[str, Any]) -> dict[str, Any] | None:
    """What takes a screen holding snapshot ``base`` to ``data``: the values that differ, as
    few bytes as that takes (static/js/changes.js applies it). None when the run-sheet's
    segments themselves changed (added, removed, moved): the whole snapshot is sent then."""
    before_rows, rows_now = base.get("segments", []), data.get("segments", [])
    if base.get("episode") != data.get("episode") or [row["id"] for row in before_rows] != [
        row["id"] for row in rows_now
    ]:
        return None
    change: dict[str, Any] = {
        "episode": data["episode"],
        "base": base["revision"],
        "revision": data["revision"],
        "version": data["version"],
    }
    replaced = {
        key: value
        for key, value in data.items()
        if key not in OWN_DIFF and (key not in base or base[key] != value)
    }
    replaced.update({key: None for key in base if key not in data and key not in OWN_DIFF})
    before, after = base.get("segment"), data.get("segment")
    if before is not None and after is not None and before["id"] == after["id"]:
        moved = {key: value for key, value in after.items() if before.get(key) != value}
        if moved:
            change["segment"] = moved
    elif before != after:
        replaced["segment"] = after
    rows = {
        str(row["id"]): {key: value for key, value in row.items() if old.get(key) != value}
        for old, row in zip(before_rows, rows_now, strict=True)
        if old != row
    }
    if rows:
        change["segments"] = rows
    if replaced:
        change["set"] = replaced
    return change


# Compared on their own by changes(), not replaced whole.
OWN_DIFF = frozenset({"episode", "revision", "version", "segment", "segments", "stream_url"})


def message_data(message: LiveMessage) -> dict[str, Any]:
    return {
        "id": message.pk,
        "text": message.text,
        "flash": message.flash,
        "at": epoch_ms(message.created_at),
        "lasts": message.lasts,
        "expires_at": epoch_ms(message.expires_at),
        "read_at": epoch_ms(message.read_at),
    }


def clock_moved(base: dict[str, Any], revision: int) -> dict[str, Any] | None:
    """``base`` (a snapshot) with the clock as it is now, read from the clock's row alone: for
    a pause, a resume or added time. None unless the episode is at exactly ``revision`` with
    the same segment on (then more is read)."""
    row = (
        LiveState.objects.filter(episode_id=base["episode"])
        .values(
            "state", "segment_id", "paused_at", "paused_ms", "added_ms", "version",
            "episode__live_revision",
        )
        .first()
    )  # fmt: skip
    segment = base.get("segment")
    if (
        row is None
        or segment is None
        or row["episode__live_revision"] != revision
        or row["segment_id"] != segment["id"]
    ):
        return None
    clock = {
        "paused_at": epoch_ms(row["paused_at"]),
        "paused_ms": row["paused_ms"],
        "added_ms": row["added_ms"],
    }
    moved = {"version": row["version"], "revision": revision, "state": row["state"]}
    return {**base, **moved, "segment": {**segment, **clock}}


def questions_for(segment_id: int, guest_id: int | None) -> list[dict[str, Any]]:
    """The segment's questions with whom they are for; a guest gets theirs and everyone's."""
    addressed: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for question_id, appearance_id, name in Question.addressed_to.through.objects.filter(
        question__segment_id=segment_id
    ).values_list("question_id", "appearance_id", "appearance__speaker__name"):
        addressed.setdefault(question_id, []).append(appearance_id)
        names[appearance_id] = name
    shown = []
    for pk, text, everyone, status in (
        Question.objects.filter(segment_id=segment_id)
        .order_by("position")
        .values_list("pk", "text", "for_everyone", "status")
    ):
        ids = addressed.get(pk, [])
        if guest_id is not None and not everyone and guest_id not in ids:
            continue
        shown.append(
            {
                "id": pk,
                "text": text,
                "for": "Everyone"
                if everyone
                else " and ".join(names[i] for i in ids if i in names),
                "mine": guest_id in ids if guest_id is not None else False,
                "status": status,
            }
        )
    return shown


def ms_or_none(seconds: int | None) -> int | None:
    return seconds * 1000 if seconds is not None else None


def at_now(data: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A snapshot with the figures as of ``now`` filled in (for the API's readers)."""
    segment = data.get("segment")
    result = {**data, "server_time": epoch_ms(now)}
    if segment is None:
        result.update(remaining_ms=None, elapsed_ms=None, phase=None)
        return result
    clock = Clock(
        state=State(data["state"]),
        segment_id=segment["id"],
        segment_started_at=from_ms(segment["started_at"]),
        paused_at=from_ms(segment["paused_at"]),
        paused_ms=segment["paused_ms"],
        added_ms=segment["added_ms"],
        show_started_at=from_ms(data["show_started_at"]),
        ended_at=from_ms(data["ended_at"]),
    )
    left = live_clock.remaining(clock, segment["planned_ms"], now)
    result.update(
        remaining_ms=left,
        elapsed_ms=live_clock.elapsed(clock, now),
        phase=live_clock.phase(
            left, warning_ms=segment["warning_ms"], danger_ms=segment["danger_ms"]
        ),
    )
    return result


def from_ms(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(value / 1000, tz=UTC) if value is not None else None

"""The live show's pages: the show caller's controls and the host's full-screen timer.

Both pages render a shell; ``static/js/live.js`` fills it from the episode's snapshot, which
arrives over the event stream (or, failing that, by polling :func:`state`). Commands are JSON
POSTs with the session's CSRF token; they answer with the new snapshot, or 409 and the
current one when the command was stale, repeated, not allowed now, or not yours to give.
"""

import re
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from showrunner import bounds
from showrunner.auth import Action, can, get_episode

from .. import onair, stream_access
from ..live import InvalidAction
from ..models import Appearance, Episode, LiveMessage, Question
from ..push import current_snapshot


def snapshot_response(
    episode: Episode, principal: str, status: int = 200, **extra: Any
) -> JsonResponse:
    """The state as of now; after a change, one at least as new as the change. ``principal``
    is who asked (:mod:`episodes.stream_access`): the stream link is theirs."""
    revision = Episode.objects.filter(pk=episode.pk).values_list("live_revision", flat=True).first()
    data = current_snapshot(episode.pk, onair.TEAM, principal, revision or 0)
    return JsonResponse({**extra, "state": onair.at_now(data, timezone.now())}, status=status)


def refused(episode: Episode, principal: str, exc: Exception) -> JsonResponse:
    return snapshot_response(episode, principal, status=409, ok=False, error=str(exc))


def body_of(request: HttpRequest) -> dict[str, Any]:
    if request.content_type == "application/json":
        return command_json(request.body or b"{}")
    return request.POST.dict()


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


# What each number a command takes may be (showrunner/bounds.py).
NUMBERS = {
    "version": (0, bounds.LARGEST_VERSION),
    "segment": (1, bounds.LARGEST_ID),
    "to": (1, bounds.LARGEST_ID),
    "message": (1, bounds.LARGEST_ID),
    "seconds": (-bounds.LARGEST_ADD_SECONDS, bounds.LARGEST_ADD_SECONDS),
}


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


REQUEST_ID = re.compile(r"[\x21-\x7e]{1,100}")  # printable ASCII, no spaces


def request_id_of(request: HttpRequest, data: dict[str, Any]) -> str:
    """The command's optional request id: the ``Idempotency-Key`` header or ``request_id``."""
    value = request.headers.get("Idempotency-Key") or data.get("request_id") or ""
    if not isinstance(value, str) or (value and not REQUEST_ID.fullmatch(value)):
        raise InvalidAction(
            "The request id (Idempotency-Key) must be 1 to 100 printable characters, no spaces."
        )
    return value


def run_command(
    episode: Episode,
    action: str,
    data: dict[str, Any],
    *,
    user: Any,
    source: str,
    principal: str,
    request_id: str = "",
) -> JsonResponse:
    """A clock command or a message, from a browser or the API: the one place both go through.
    A request id seen before for this episode (within minutes) answers as a repeat."""
    now = timezone.now()
    try:
        with transaction.atomic():
            if request_id and not onair.claim_request(episode, request_id, action, now=now):
                return snapshot_response(
                    episode, principal, ok=True, repeat=True, note="Already done: same request id."
                )
            repeat = apply_command(episode, action, data, user=user, source=source, now=now)
    except (onair.Stale, onair.NotInControl, InvalidAction) as exc:
        return refused(episode, principal, exc)
    if repeat:
        return snapshot_response(
            episode, principal, ok=True, repeat=True, note="Pressed again at once: ignored."
        )
    return snapshot_response(episode, principal, ok=True)


def apply_command(
    episode: Episode, action: str, data: dict[str, Any], *, user: Any, source: str, now: Any
) -> bool:
    """Apply one command; True when it was taken as a bounce of the one before."""
    if action == "message":
        to = None
        if data.get("to") not in (None, "", "host"):
            to = Appearance.objects.filter(episode=episode, pk=optional_int(data, "to")).first()
            if to is None:
                raise InvalidAction("“to” must be “host” or one of this episode's guests.")
        if data.get("clear") in (True, "true", "1", "on"):
            onair.clear_message(episode, user=user, now=now, to=to)
        else:
            onair.send_message(
                episode,
                message_text(data),
                user=user,
                now=now,
                flash=data.get("flash") in (True, "true", "1", "on"),
                to=to,
                lasts=str(data.get("lasts") or "segment"),
            )
        return False
    if action == "take_control":
        onair.take_control(episode, user=user, now=now)
        return False
    outcome = onair.perform(
        episode,
        action,
        user=user,
        now=now,
        version=optional_int(data, "version"),
        source=source,
        segment=optional_int(data, "segment"),
        seconds=optional_int(data, "seconds"),
    )
    return outcome.repeat


@login_required
@require_GET
def caller(request: HttpRequest, pk: int) -> HttpResponse:
    episode = get_episode(request.user, pk, Action.CALL)
    return render(
        request,
        "episodes/live/caller.html",
        {
            "episode": episode,
            "guests": episode.appearances.select_related("speaker").exclude(role="host"),
            "message_lasts": LiveMessage.Lasts.choices,
            "config": live_config(episode, request),
        },
    )


@login_required
@require_GET
def host(request: HttpRequest, pk: int) -> HttpResponse:
    episode = get_episode(request.user, pk, Action.VIEW)
    return render(
        request,
        "episodes/live/host.html",
        {"episode": episode, "config": live_config(episode, request)},
    )


def live_config(episode: Episode, request: HttpRequest) -> dict[str, Any]:
    """What live.js needs to start: where to get state, push, time and send commands."""
    return {
        "episode": episode.pk,
        "state_url": f"/episodes/{episode.pk}/live/state/",
        "command_url": f"/episodes/{episode.pk}/live/",
        "time_url": "/live/time",
        "read_url": reverse("live_message_read", args=[episode.pk]),
        "can_call": can(request.user, episode.show, Action.CALL),
        "user": request.user.get_username(),
    }


@login_required
@require_GET
def state(request: HttpRequest, pk: int) -> JsonResponse:
    """The snapshot as of now: the first paint, the polling fallback, a fresh stream URL."""
    episode = get_episode(request.user, pk, Action.VIEW)
    return snapshot_response(episode, stream_access.for_user(request.user))


@login_required
@require_POST
def command(request: HttpRequest, pk: int, action: str) -> JsonResponse:
    episode = get_episode(request.user, pk, Action.CALL)
    try:
        data = body_of(request)
        request_id = request_id_of(request, data)
    except InvalidAction as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=400)
    return run_command(
        episode,
        action,
        data,
        user=request.user,
        source=f"session:{request.session.session_key}",
        principal=stream_access.for_user(request.user),
        request_id=request_id,
    )


@login_required
@require_POST
def rehearsal(request: HttpRequest, pk: int) -> JsonResponse:
    episode = get_episode(request.user, pk, Action.CALL)
    try:
        onair.set_rehearsal(
            episode, request.POST.get("on") == "true", user=request.user, now=timezone.now()
        )
    except (InvalidAction, onair.NotInControl) as exc:
        return refused(episode, stream_access.for_user(request.user), exc)
    return snapshot_response(episode, stream_access.for_user(request.user), ok=True)


@login_required
@require_POST
def message_read(request: HttpRequest, pk: int) -> JsonResponse:
    """The host tapped "Got it" on the message showing on their screen."""
    episode = get_episode(request.user, pk, Action.VIEW)
    principal = stream_access.for_user(request.user)
    try:
        message_id = optional_int(body_of(request), "message")
    except InvalidAction as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=400)
    if message_id is None or not onair.read_message(episode, message_id, now=timezone.now()):
        return refused(episode, principal, InvalidAction("That message is no longer showing."))
    return snapshot_response(episode, principal, ok=True)


@login_required
@require_POST
def question_status(request: HttpRequest, pk: int, question_pk: int) -> JsonResponse:
    episode = get_episode(request.user, pk, Action.CALL)
    question = get_object_or_404(Question, pk=question_pk, segment__episode=episode)
    try:
        onair.mark_question(question, request.POST.get("status", ""), user=request.user)
    except (InvalidAction, onair.NotInControl) as exc:
        return refused(episode, stream_access.for_user(request.user), exc)
    return snapshot_response(episode, stream_access.for_user(request.user), ok=True)

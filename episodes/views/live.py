"""The live show's pages: the show caller's controls and the host's full-screen timer.

Both pages render a shell; ``static/js/live.js`` fills it from the episode's snapshot, which
arrives over the event stream (or, failing that, by polling :func:`state`). Commands are JSON
POSTs with the session's CSRF token; they answer with the new snapshot, or 409 and the
current one when the command was stale, repeated, not allowed now, or not yours to give.
"""

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from showrunner.auth import Action, can, get_episode

from .. import onair, stream_access
from ..live import InvalidAction
from ..models import Appearance, Episode, Question
from ..push import current_snapshot


def snapshot_response(
    episode: Episode, principal: str, status: int = 200, **extra: Any
) -> JsonResponse:
    """The state as of now; after a change, one at least as new as the change. ``principal``
    is who asked (:mod:`episodes.stream_access`): the stream link is theirs."""
    revision = Episode.objects.filter(pk=episode.pk).values_list("revision", flat=True).first()
    data = current_snapshot(episode.pk, onair.TEAM, principal, revision or 0)
    return JsonResponse({**extra, "state": onair.at_now(data, timezone.now())}, status=status)


def refused(episode: Episode, principal: str, exc: Exception) -> JsonResponse:
    return snapshot_response(episode, principal, status=409, ok=False, error=str(exc))


def body_of(request: HttpRequest) -> dict[str, Any]:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise InvalidAction("The request body is not valid JSON.") from None
        if not isinstance(data, dict):
            raise InvalidAction("The request body must be a JSON object.")
        return data
    return request.POST.dict()


def optional_int(data: dict[str, Any], name: str) -> int | None:
    value = data.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise InvalidAction(f"“{name}” must be a whole number.")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidAction(f"“{name}” must be a whole number, not {value!r}.") from None


def run_command(
    episode: Episode, action: str, data: dict[str, Any], *, user: Any, source: str, principal: str
) -> JsonResponse:
    """A clock command or a message, from a browser or the API: the one place both go through."""
    now = timezone.now()
    try:
        if action == "message":
            to = None
            if data.get("to") not in (None, "", "host"):
                to = Appearance.objects.filter(episode=episode, pk=optional_int(data, "to")).first()
                if to is None:
                    raise InvalidAction("“to” must be “host” or one of this episode's guests.")
            if data.get("clear") in (True, "true", "1", "on"):
                onair.clear_message(episode, user=user, now=now, to=to)
            else:
                flash = data.get("flash") in (True, "true", "1", "on")
                onair.send_message(
                    episode, str(data.get("text", "")), user=user, now=now, flash=flash, to=to
                )
            return snapshot_response(episode, principal, ok=True)
        if action == "take_control":
            onair.take_control(episode, user=user, now=now)
            return snapshot_response(episode, principal, ok=True)
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
    except (onair.Stale, onair.NotInControl, InvalidAction) as exc:
        return refused(episode, principal, exc)
    if outcome.repeat:
        return snapshot_response(
            episode, principal, ok=True, repeat=True, note="Repeated within a second: ignored."
        )
    return snapshot_response(episode, principal, ok=True)


@login_required
@require_GET
def caller(request: HttpRequest, pk: int) -> HttpResponse:
    episode = get_episode(request.user, pk, Action.CALL)
    if episode.status != Episode.Status.DONE:
        onair.leave_ended_rehearsal(episode)  # open on the show to come, not yesterday's run
    return render(
        request,
        "episodes/live/caller.html",
        {
            "episode": episode,
            "guests": episode.appearances.select_related("speaker").exclude(role="host"),
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
    except InvalidAction as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=400)
    return run_command(
        episode,
        action,
        data,
        user=request.user,
        source=f"session:{request.session.session_key}",
        principal=stream_access.for_user(request.user),
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
def question_status(request: HttpRequest, pk: int, question_pk: int) -> JsonResponse:
    episode = get_episode(request.user, pk, Action.CALL)
    question = get_object_or_404(Question, pk=question_pk, segment__episode=episode)
    try:
        onair.mark_question(question, request.POST.get("status", ""), user=request.user)
    except (InvalidAction, onair.NotInControl) as exc:
        return refused(episode, stream_access.for_user(request.user), exc)
    return snapshot_response(episode, stream_access.for_user(request.user), ok=True)

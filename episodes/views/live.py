"""The live show's pages: the show caller's controls and the host's full-screen timer.

Both pages render a shell; ``static/js/live.js`` fills it from the episode's snapshot, which
arrives over the event stream (or, failing that, by polling :func:`state`). Commands are JSON
POSTs with the session's CSRF token, run by :mod:`episodes.commands` (as the API's are); they
answer with what they did (the clock's version and the live revision after it), or 409 with
the reason when the command was stale, not allowed now, or not yours to give. The state itself
comes to every screen, the caller's page included, by the stream alone.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from showrunner.auth import Action, can, get_episode, signed_in

from .. import commands, live_screens, onair, screens, stream_access
from ..live_clock import InvalidAction
from ..models import Episode, LiveMessage, Question
from ..push import current_screen_state


def screen_state_response(episode: Episode, principal: str) -> JsonResponse:
    """The state as of now, with a stream link for ``principal``, who asked
    (:mod:`episodes.stream_access`)."""
    data = current_screen_state(episode.pk, live_screens.TEAM, principal)
    return JsonResponse({"state": live_screens.at_now(data, timezone.now())})


def answer(done: commands.Done) -> JsonResponse:
    """What a command did: accepted or refused, why, the clock's version and the live revision
    it brought the show to. No state: every screen, the caller's page too, takes that from the
    stream (a page whose stream is down fetches it at once: static/js/live.js ``catchUp``)."""
    return JsonResponse(done.fields(), status=done.status)


def refused(episode: Episode, exc: Exception) -> JsonResponse:
    return answer(commands.refused(episode, exc))


def accepted(episode: Episode) -> JsonResponse:
    version, revision = commands.position_of(episode)
    return answer(commands.Done(True, version, revision=revision))


def body_of(request: HttpRequest) -> dict[str, Any]:
    if request.content_type == "application/json":
        return commands.command_json(request.body or b"{}")
    return request.POST.dict()


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
        {
            "episode": episode,
            "config": live_config(episode, request),
            "screen": screens.config(reverse("episodes:live_screen_heartbeat", args=[pk]), "host"),
        },
    )


def live_config(episode: Episode, request: HttpRequest) -> dict[str, Any]:
    """What live.js needs to start: where to get state, push, time and send commands."""
    return {
        "episode": episode.pk,
        "state_url": f"/episodes/{episode.pk}/live/state/",
        "command_url": f"/episodes/{episode.pk}/live/",
        "time_url": "/live/time",
        "read_url": reverse("episodes:live_message_read", args=[episode.pk]),
        "can_call": can(request.user, episode.show, Action.CALL),
        "user": request.user.get_username(),
    }


@login_required
@require_GET
def state(request: HttpRequest, pk: int) -> JsonResponse:
    """The snapshot as of now: the first paint, the polling fallback, a fresh stream URL."""
    episode = get_episode(request.user, pk, Action.VIEW)
    return screen_state_response(episode, stream_access.for_user(request.user))


@login_required
@require_POST
def command(request: HttpRequest, pk: int, action: str) -> JsonResponse:
    episode = get_episode(request.user, pk, Action.CALL)
    try:
        data = body_of(request)
        request_id = commands.request_id_of(request.headers.get("Idempotency-Key"), data)
    except InvalidAction as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=400)
    done = commands.run(
        episode,
        action,
        data,
        user=signed_in(request),
        source=f"session:{request.session.session_key}",
        request_id=request_id,
    )
    return answer(done)


@login_required
@require_POST
def rehearsal(request: HttpRequest, pk: int) -> JsonResponse:
    episode = get_episode(request.user, pk, Action.CALL)
    try:
        onair.set_rehearsal(
            episode, request.POST.get("on") == "true", user=signed_in(request), now=timezone.now()
        )
    except (InvalidAction, onair.NotInControl) as exc:
        return refused(episode, exc)
    return accepted(episode)


@login_required
@require_POST
def message_read(request: HttpRequest, pk: int) -> JsonResponse:
    """The host tapped "Got it" on the message showing on their screen."""
    episode = get_episode(request.user, pk, Action.VIEW)
    try:
        message_id = commands.optional_int(body_of(request), "message")
    except InvalidAction as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=400)
    if message_id is None or not onair.read_message(episode, message_id, now=timezone.now()):
        return refused(episode, InvalidAction("That message is no longer showing."))
    return accepted(episode)


@login_required
@require_POST
def question_status(request: HttpRequest, pk: int, question_pk: int) -> JsonResponse:
    episode = get_episode(request.user, pk, Action.CALL)
    question = get_object_or_404(Question, pk=question_pk, segment__episode=episode)
    try:
        onair.mark_question(question, request.POST.get("status", ""), user=signed_in(request))
    except (InvalidAction, onair.NotInControl) as exc:
        return refused(episode, exc)
    return accepted(episode)

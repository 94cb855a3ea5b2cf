"""The studio clock and the screens open on an episode (issue 15, items 6 and 7).

The studio clock is a host view for a room: anyone who may open the host view may open it.
A team member's screen sends its heartbeat here with the session and its CSRF token (a
guest's page sends it through the guest link: ``speakers.views.live_screen``). Only the show
caller and the producers see the list, name a screen or send it a command.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from showrunner.auth import Action, get_episode

from .. import commands, screens
from ..live_clock import InvalidAction
from ..models import Episode
from .live import live_config


def team_screen(episode: Episode, kind: str) -> dict[str, Any]:
    return screens.config(reverse("episodes:live_screen_heartbeat", args=[episode.pk]), kind)


def body_of(request: HttpRequest) -> dict[str, Any]:
    if request.content_type == "application/json":
        return commands.command_json(request.body or b"{}")
    return request.POST.dict()


def bad(message: str) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=400)


@login_required
@require_GET
def studio(request: HttpRequest, pk: int) -> HttpResponse:
    episode = get_episode(request.user, pk, Action.VIEW)
    return render(
        request,
        "episodes/live/studio.html",
        {
            "episode": episode,
            "config": live_config(episode, request),
            "screen": team_screen(episode, "studio"),
            "zone": {"time_zone": episode.show.time_zone},
        },
    )


@login_required
@require_POST
def heartbeat(request: HttpRequest, pk: int) -> JsonResponse:
    episode = get_episode(request.user, pk, Action.VIEW)
    try:
        answer = screens.heartbeat(
            episode,
            body_of(request),
            principal_key=screens.user_key(request.user),
            principal=screens.user_label(request.user),
            user_agent=request.headers.get("User-Agent", ""),
            now=timezone.now(),
        )
    except (InvalidAction, screens.BadScreen) as exc:
        return bad(str(exc))
    return JsonResponse(answer)


@login_required
@require_GET
def listing(request: HttpRequest, pk: int) -> JsonResponse:
    episode = get_episode(request.user, pk, Action.CALL)
    now = timezone.now()
    return JsonResponse(
        {"screens": screens.listing(episode, now), "at": int(now.timestamp() * 1000)}
    )


@login_required
@require_POST
def rename(request: HttpRequest, pk: int, screen_pk: int) -> JsonResponse:
    episode = get_episode(request.user, pk, Action.CALL)
    screen = screens.screen_of(episode, screen_pk)
    if screen is None:
        return JsonResponse({"ok": False, "error": "That screen is not open any more."}, status=404)
    try:
        screens.rename(screen, str(body_of(request).get("name", "")))
    except (InvalidAction, screens.BadScreen) as exc:
        return bad(str(exc))
    return JsonResponse({"ok": True, "name": screen.name, "label": screens.label_of(screen)})


@login_required
@require_POST
def command(request: HttpRequest, pk: int, screen_pk: int) -> JsonResponse:
    episode = get_episode(request.user, pk, Action.CALL)
    screen = screens.screen_of(episode, screen_pk)
    if screen is None:
        return JsonResponse({"ok": False, "error": "That screen is not open any more."}, status=404)
    try:
        screens.send(screen, str(body_of(request).get("command", "")))
    except (InvalidAction, screens.BadScreen) as exc:
        return bad(str(exc))
    return JsonResponse({"ok": True, "pending": screen.command})

"""The stream graphics' pages (for an OBS or vMix browser source) and their key.

A browser source cannot log in: an overlay's address carries the show's overlay key
(:func:`episodes.overlays.overlay_key`). A wrong or revoked key, or a show that does not exist,
answers a transparent, empty page (never an error or login page on the stream). The producer
sees the addresses on the show's settings page and can make a new key, which ends the old.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from showrunner import throttle
from showrunner.auth import Action, get_episode, get_show

from .. import overlays, stream_access
from ..live_screens import at_now
from ..models import Show, new_feed_secret
from ..push import current_screen_state

# Each overlay's address part, and the graphics it shows ("full": all of them).
PAGES: dict[str, tuple[str, ...]] = {
    "full": tuple(overlays.ELEMENTS),
    **{name.replace("_", "-"): (name,) for name in overlays.ELEMENTS},
}
THROTTLE = "overlay-key"


def keyed_show(request: HttpRequest, slug: str) -> Show | None:
    """The show whose current overlay key the request carries, else None."""
    if throttle.blocked(request, THROTTLE):
        return None
    show = Show.objects.filter(slug=slug).first()
    if show is None or not overlays.key_matches(show, request.GET.get("key", "")):
        throttle.wrong_guess(request, THROTTLE)
        return None
    return show


def blank(status: int = 403) -> HttpResponse:
    """Nothing at all, on a transparent background: what a browser source shows for a key that
    does not work (an error page would go out on the stream)."""
    response = HttpResponse(
        '<!doctype html><html lang="en" class="overlay-blank"><head><meta charset="utf-8">'
        "<title></title></head><body></body></html>",
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def overlay_page(request: HttpRequest, slug: str, page: str) -> HttpResponse:
    show = keyed_show(request, slug)
    if show is None or page not in PAGES:
        return blank()
    key = request.GET["key"]
    config = {
        "state_url": f"{reverse('overlay_state', args=[show.slug])}?key={key}",
        "time_url": "/live/time",
        "elements": list(PAGES[page]),
        "options": layout_options(request),
    }
    response = render(
        request,
        "episodes/overlays/overlay.html",
        {"show": show, "config": config, "page": page, "elements": PAGES[page]},
    )
    response["Cache-Control"] = "no-store"
    return response


def layout_options(request: HttpRequest) -> dict[str, Any]:
    """What the address's query string chooses: ``side`` (left/right) of the lower third,
    ``clock`` (segment/show/both), ``safe`` (a title-safe margin in px, 0-200)."""
    side = request.GET.get("side", "left")
    clock = request.GET.get("clock", "both")
    safe = request.GET.get("safe", "")
    return {
        "side": side if side in ("left", "right") else "left",
        "clock": clock if clock in ("segment", "show", "both") else "both",
        "safe": int(safe) if safe.isdecimal() and int(safe) <= 200 else 64,
    }


@require_GET
def overlay_state(request: HttpRequest, slug: str) -> JsonResponse:
    """The graphics' state as of now, with a stream link for the show's overlays: the first
    paint, the polling fallback, a fresh stream URL. ``state`` is null between episodes."""
    show = keyed_show(request, slug)
    if show is None:
        return JsonResponse({"state": None, "error": "This overlay key does not work."}, status=403)
    episode = overlays.current_episode(show)
    if episode is None:
        return JsonResponse({"state": None})
    data = current_screen_state(episode.pk, overlays.AUDIENCE, stream_access.for_overlay(show))
    return JsonResponse({"state": at_now(data, timezone.now())})


@login_required
@require_GET
def caller_graphics(request: HttpRequest, pk: int) -> JsonResponse:
    """The overlays' state for the caller's graphics strip (its tally shows what they show),
    with a stream link on the overlays' audience for this caller."""
    episode = get_episode(request.user, pk, Action.CALL)
    data = current_screen_state(episode.pk, overlays.AUDIENCE, stream_access.for_user(request.user))
    return JsonResponse({"state": at_now(data, timezone.now())})


@login_required
@require_POST
def new_overlay_key(request: HttpRequest, slug: str) -> HttpResponse:
    """A new overlay key: every address handed out before stops, open overlays within seconds."""
    show = get_show(request.user, slug, Action.MANAGE)
    Show.objects.filter(pk=show.pk).update(overlay_secret=new_feed_secret())
    messages.success(
        request,
        "New overlay key: the old overlay addresses have stopped. Paste the new ones into OBS.",
    )
    return redirect(f"{reverse('show_settings', args=[show.slug])}#overlays")


def overlay_links(request: HttpRequest, show: Show) -> list[tuple[str, str]]:
    """Each overlay's label and full address, for the settings page."""
    key = overlays.overlay_key(show)
    labels = {
        "full": "Everything",
        **{name.replace("_", "-"): label for name, label in overlays.ELEMENTS.items()},
    }
    return [
        (
            labels[page],
            request.build_absolute_uri(
                f"{reverse('overlay_page', args=[show.slug, page])}?key={key}"
            ),
        )
        for page in PAGES
    ]

"""The stream graphics' pages (for an OBS or vMix browser source) and their key.

A browser source cannot log in: an overlay's address carries the show's overlay key
(:func:`episodes.overlays.overlay_key`). A wrong or revoked key, or a show that does not exist,
answers a transparent, empty page (never an error or login page on the stream). The producer
sees the addresses on the show's settings page and can make a new key, which ends the old.
"""

from typing import Any

from csp.constants import HEADER as CSP_HEADER
from csp.utils import build_policy
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from showrunner import throttle
from showrunner.auth import Action, get_episode, get_show

from .. import overlay_looks, overlays, stream_access
from ..live_screens import at_now
from ..models import Show, new_feed_secret
from ..push import current_screen_state
from ..showforms import OverlayLooksForm

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
    """An overlay for a browser source; with ``preview=1``, the settings page's preview: sample
    graphics from the show's own people, and the one page that may be framed (same origin)."""
    show = keyed_show(request, slug)
    if show is None or page not in PAGES:
        return blank()
    key = request.GET["key"]
    preview = request.GET.get("preview") == "1"
    config = {
        "state_url": f"{reverse('episodes:overlay_state', args=[show.slug])}?key={key}",
        "time_url": "/live/time",
        "elements": list(PAGES[page]),
        "options": layout_options(request, show),
        "looks_url": looks_url(show, key),
        "preview": overlays.sample(show) if preview else None,
    }
    response = render(
        request,
        "episodes/overlays/overlay.html",
        {"show": show, "config": config, "page": page, "elements": PAGES[page]},
    )
    response["Cache-Control"] = "no-store"
    if preview:
        response[CSP_HEADER] = FRAMED_POLICY
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response


# The preview's policy: the site's own, except that a page of the same origin may frame it.
FRAMED_POLICY = build_policy(replace={"frame-ancestors": ["'self'"]})


def layout_options(request: HttpRequest, show: Show) -> dict[str, Any]:
    """What the address's query string chooses: ``side`` (left/right) of the lower third (the
    show's own side when not given), ``clock`` (segment/show/both), ``safe`` (a title-safe
    margin in px, 0-200)."""
    side = request.GET.get("side", show.overlay_side)
    clock = request.GET.get("clock", "both")
    safe = request.GET.get("safe", "")
    return {
        "side": side if side in ("left", "right") else show.overlay_side,
        "clock": clock if clock in ("segment", "show", "both") else "both",
        "safe": int(safe) if safe.isdecimal() and int(safe) <= 200 else 64,
    }


def looks_url(show: Show, key: str) -> str:
    """The show's looks stylesheet; its address changes whenever the looks do."""
    base = reverse("episodes:overlay_looks_css", args=[show.slug])
    return f"{base}?key={key}&v={overlay_looks.version(show)}"


def looks_preview_url(show: Show) -> str:
    """The "everything" overlay in preview mode, for the settings page's frame."""
    base = reverse("episodes:overlay_page", args=[show.slug, "full"])
    return f"{base}?key={overlays.overlay_key(show)}&preview=1"


@require_GET
def overlay_looks_css(request: HttpRequest, slug: str) -> HttpResponse:
    """The show's colours, font and size as CSS variables, linked after overlay.css. A key that
    does not work gets an empty stylesheet (the defaults)."""
    show = keyed_show(request, slug)
    if show is None:
        return HttpResponse("", content_type="text/css", status=403)
    if "overlay_accent" in request.GET:
        # The settings page's preview, before saving: the same looks form checks the values
        # and sets those that pass on this copy of the show (nothing is saved).
        OverlayLooksForm(request.GET, instance=show).is_valid()
    response = HttpResponse(overlay_looks.stylesheet(show), content_type="text/css")
    # The address carries the looks' version: a new look is a new address.
    response["Cache-Control"] = "private, max-age=86400"
    return response


@require_GET
def overlay_state(request: HttpRequest, slug: str) -> JsonResponse:
    """The graphics' state as of now, with a stream link for the show's overlays: the first
    paint, the polling fallback, a fresh stream URL. ``state`` is null between episodes;
    ``looks`` is the show's looks stylesheet as of now (open overlays switch to a new one)."""
    show = keyed_show(request, slug)
    if show is None:
        return JsonResponse({"state": None, "error": "This overlay key does not work."}, status=403)
    looks = looks_url(show, request.GET["key"])
    episode = overlays.current_episode(show)
    if episode is None:
        return JsonResponse({"state": None, "looks": looks})
    data = current_screen_state(episode.pk, overlays.AUDIENCE, stream_access.for_overlay(show))
    return JsonResponse({"state": at_now(data, timezone.now()), "looks": looks})


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
    return redirect(f"{reverse('episodes:show_settings', args=[show.slug])}#overlays")


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
                f"{reverse('episodes:overlay_page', args=[show.slug, page])}?key={key}"
            ),
        )
        for page in PAGES
    ]

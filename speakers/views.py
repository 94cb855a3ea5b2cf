"""The guest portal: what a guest sees through their private link.

Every view takes the link's token first and answers the same friendly page for a wrong,
revoked or expired link. A guest sees only their own episodes and, in them, the run-sheet
outline (no producers' notes), the questions meant for them or for everyone, and the notes
written for them; they can change nothing but their own profile.
"""

import zoneinfo
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, cast

from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from episodes import commands, live_screens, onair, screens, stream_access
from episodes.models import Appearance, Episode, Question, Segment
from episodes.push import current_screen_state
from showrunner import throttle
from showrunner.timezones import time_zone_names

from . import calendar, links, zones
from .forms import ProfileForm
from .models import ProfileChange, Speaker

PRIVATE = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex, nofollow"}


def private(response: HttpResponse) -> HttpResponse:
    """Answers through a private link stay out of shared caches and search engines."""
    for name, value in PRIVATE.items():
        response[name] = value
    return response


def invalid_link(request: HttpRequest) -> HttpResponse:
    return private(render(request, "speakers/invalid_link.html", status=404))


class GuestRequest(HttpRequest):
    """A request through a private link that :func:`guest_view` resolved: its guest and token."""

    guest: Speaker
    guest_token: str


def guest_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Resolve the link to its guest, or answer the invalid-link page; mark answers private."""

    @wraps(view)
    def wrapped(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponse:
        if throttle.blocked(request, "guest-link"):
            return throttle.too_many(request)
        speaker = links.speaker_for(token, now=timezone.now())
        if speaker is None:
            throttle.wrong_guess(request, "guest-link")
            return invalid_link(request)
        guest_request = cast(GuestRequest, request)
        guest_request.guest = speaker
        guest_request.guest_token = token
        return private(view(guest_request, token, *args, **kwargs))

    return wrapped


def zone_of(speaker: Speaker, fallback: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(speaker.time_zone or fallback)


def appearances_of(speaker: Speaker) -> list[Appearance]:
    """The guest's appearances: on their own show's episodes only."""
    if speaker.show_id is None:  # on no show yet, so on none of its episodes
        return []
    return list(
        Appearance.objects.filter(
            speaker=speaker, episode__show_id=speaker.show_id, episode__is_template=False
        )
        .select_related("episode__show")
        .order_by("episode__starts_at", "episode__air_date")
    )


def split(
    appearances: list[Appearance], now: datetime
) -> tuple[list[Appearance], list[Appearance]]:
    today = timezone.localdate(now)
    upcoming: list[Appearance] = []
    past: list[Appearance] = []
    for appearance in appearances:
        episode = appearance.episode
        ended = episode.status == Episode.Status.DONE
        when = episode.starts_at or (
            datetime.combine(episode.air_date, datetime.max.time(), tzinfo=episode.show.zone)
            if episode.air_date
            else None
        )
        (past if ended or (when is not None and when.date() < today) else upcoming).append(
            appearance
        )
    past.reverse()
    return upcoming, past


@require_GET
@guest_view
def portal(request: GuestRequest, token: str) -> HttpResponse:
    speaker: Speaker = request.guest
    upcoming, past = split(appearances_of(speaker), timezone.now())
    return render(
        request,
        "speakers/portal.html",
        {
            "speaker": speaker,
            "token": token,
            "upcoming": upcoming,
            "past": past,
            **zones.picker_context(
                request, speaker, reverse("speakers:guest_time_zone", args=[token])
            ),
        },
    )


def own_appearance(speaker: Speaker, episode_pk: int) -> Appearance | None:
    if speaker.show_id is None:  # on no show yet, so on none of its episodes
        return None
    return (
        Appearance.objects.filter(
            speaker=speaker,
            episode_id=episode_pk,
            episode__show_id=speaker.show_id,
            episode__is_template=False,
        )
        .select_related("episode__show")
        .first()
    )


@require_GET
@guest_view
def episode(request: GuestRequest, token: str, pk: int) -> HttpResponse:
    speaker: Speaker = request.guest
    appearance = own_appearance(speaker, pk)
    if appearance is None:
        return invalid_link(request)
    episode = (
        Episode.objects.select_related("show")
        .prefetch_related(
            Prefetch(
                "segments",
                queryset=Segment.objects.prefetch_related(
                    Prefetch(
                        "questions",
                        queryset=Question.objects.filter(
                            Q(for_everyone=True) | Q(addressed_to=appearance)
                        ).distinct(),
                    )
                ),
            ),
            Prefetch("appearances", queryset=Appearance.objects.select_related("speaker")),
        )
        .get(pk=pk)
    )
    sheet = episode.run_sheet(now=timezone.now())
    mine = set(
        Question.addressed_to.through.objects.filter(appearance=appearance).values_list(
            "question_id", flat=True
        )
    )
    rows = [
        {
            "row": row,
            "leads": row.segment.owner_id == appearance.pk,
            "questions": [(q, q.pk in mine) for q in row.segment.questions.all()],
        }
        for row in sheet.rows
    ]
    return render(
        request,
        "speakers/episode.html",
        {
            "speaker": speaker,
            "token": token,
            "appearance": appearance,
            "episode": episode,
            "sheet": sheet,
            "rows": rows,
            "others": [a for a in episode.appearances.all() if a.pk != appearance.pk],
            "guest_zone": zones.zone_for(request, speaker).shown or episode.show.time_zone,
            **zones.picker_context(
                request, speaker, reverse("speakers:guest_time_zone", args=[token])
            ),
            "live_config": {
                "episode": episode.pk,
                "appearance": appearance.pk,
                "state_url": reverse("speakers:guest_live_state", args=[token, episode.pk]),
                "read_url": reverse("speakers:guest_live_read", args=[token, episode.pk]),
                "time_url": "/live/time",
                "can_call": False,
                "user": "",
            },
            "screen": screens.config(
                reverse("speakers:guest_live_screen", args=[token, episode.pk]), "guest"
            ),
        },
    )


@require_GET
@guest_view
def live_state(request: GuestRequest, token: str, pk: int) -> HttpResponse:
    """The live snapshot a guest may see, with a stream URL for their audience only."""
    speaker: Speaker = request.guest
    appearance = own_appearance(speaker, pk)
    if appearance is None:
        return invalid_link(request)
    audience = live_screens.guest_audience(appearance.pk)
    data = current_screen_state(pk, audience, stream_access.for_guest(speaker))
    return JsonResponse({"state": live_screens.at_now(data, timezone.now())})


@require_POST
@guest_view
def live_read(request: GuestRequest, token: str, pk: int) -> HttpResponse:
    """The guest tapped "Got it" on the message the show caller sent them."""
    speaker: Speaker = request.guest
    appearance = own_appearance(speaker, pk)
    if appearance is None:
        return invalid_link(request)
    message = request.POST.get("message", "")
    read = (
        message.isdecimal()
        and len(message) < 19
        and onair.read_message(appearance.episode, int(message), now=timezone.now(), to=appearance)
    )
    # What it did; the state comes by the page's stream (static/js/live.js catches up).
    _, revision = commands.position_of(appearance.episode)
    body: dict[str, object] = {"ok": bool(read), "revision": revision}
    if not read:
        body["error"] = "That message is no longer showing."
    return JsonResponse(body, status=200 if read else 409)


@require_POST
@guest_view
def live_screen(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """The heartbeat of a guest's page (episodes/screens.py): its own name and commands only."""
    speaker: Speaker = request.guest  # type: ignore[attr-defined]
    appearance = own_appearance(speaker, pk)
    if appearance is None:
        return invalid_link(request)
    try:
        answer = screens.heartbeat(
            appearance.episode,
            request.POST.dict(),
            principal_key=screens.guest_key(speaker),
            principal=speaker.name,
            user_agent=request.headers.get("User-Agent", ""),
            now=timezone.now(),
        )
    except screens.BadScreen as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=400)
    return JsonResponse(answer)


@require_GET
@guest_view
def episode_calendar(request: GuestRequest, token: str, pk: int) -> HttpResponse:
    speaker: Speaker = request.guest
    appearance = own_appearance(speaker, pk)
    if appearance is None:
        return invalid_link(request)
    return calendar.response(
        calendar.for_appearances(
            [appearance],
            request.build_absolute_uri("/"),
            zone=zones.zone_for(request, speaker).shown,
        ),
        f"{appearance.episode.show.slug}-{appearance.episode.number or 'episode'}.ics",
    )


@require_GET
@guest_view
def feed(request: GuestRequest, token: str) -> HttpResponse:
    speaker: Speaker = request.guest
    return calendar.response(
        calendar.for_appearances(
            appearances_of(speaker), request.build_absolute_uri("/"), zone=speaker.time_zone
        ),
        "showrunner.ics",
        attachment=False,
    )


@require_POST
@guest_view
def set_time_zone(request: GuestRequest, token: str) -> HttpResponse:
    """The guest's time zone: detected by their browser, or chosen by them."""
    speaker: Speaker = request.guest
    chosen = request.POST.get("time_zone", "")
    if chosen not in time_zone_names():
        return HttpResponse("That is not a time zone.", status=400)
    if speaker.time_zone != chosen:
        with transaction.atomic():
            ProfileChange.objects.create(
                speaker=speaker,
                changed_at=timezone.now(),
                fields={"time_zone": [speaker.time_zone, chosen]},
            )
            speaker.time_zone = chosen
            speaker.save(update_fields=["time_zone", "updated_at"])
    home = reverse("speakers:guest_portal", args=[token])
    back = request.POST.get("next", "")
    # Back to the page the guest was on: one of their own, never somewhere else.
    return redirect(back if back.startswith(home) and "//" not in back else home)


@require_http_methods(["GET", "POST"])
@guest_view
def profile(request: GuestRequest, token: str) -> HttpResponse:
    speaker: Speaker = request.guest
    # The form works on its own copy, so a rejected edit leaves the page showing what is saved.
    form = ProfileForm(
        request.POST or None, request.FILES or None, instance=Speaker.objects.get(pk=speaker.pk)
    )
    if request.method == "POST" and form.is_valid():
        form.save_with_history(now=timezone.now())
        return redirect(reverse("speakers:guest_profile", args=[token]) + "?saved=1")
    return render(
        request,
        "speakers/profile.html",
        {
            "speaker": speaker,
            "token": token,
            "form": form,
            "saved": "saved" in request.GET,
            "history": speaker.profile_changes.all()[:10],
        },
    )

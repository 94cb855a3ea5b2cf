"""A show's upcoming episodes for its audience: a page and a calendar feed.

The show decides who may see them (``Show.upcoming_public``): anyone, or only its team. Calendar
apps cannot log in, so a team-only show's feed address carries a key made from the show's feed
secret and ``SECRET_KEY``; a new secret (in the admin) revokes every address handed out.
"""

from datetime import timedelta

from django.contrib.auth.views import redirect_to_login
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.views.decorators.http import require_GET

from showrunner import bounds, throttle
from showrunner.auth import Action, can
from speakers import calendar

from ..models import Appearance, Episode, Show

SHOWN = 12  # episodes on the page and in the feed


def feed_key(show: Show) -> str:
    return salted_hmac(
        "showrunner.show-feed", f"{show.pk}:{show.feed_secret}", algorithm="sha256"
    ).hexdigest()


def upcoming_episodes(show: Show) -> list[Episode]:
    """Scheduled or live episodes that have not finished, soonest first."""
    now = timezone.now()
    today = now.astimezone(show.zone).date()
    # Still on air or still to come: a start not yet a whole target length ago.
    not_over = Q(starts_at__isnull=True, air_date__gte=today) | Q(
        starts_at__gte=now - timedelta(hours=6)
    )
    episodes = (
        show.episodes.filter(
            not_over,
            is_template=False,
            archived_at__isnull=True,
            status__in=[Episode.Status.SCHEDULED, Episode.Status.LIVE],
        )
        .exclude(Q(starts_at__isnull=True) & Q(air_date__isnull=True))
        .exclude(starts_at__gte=bounds.AFTER_THE_YEARS)  # saved before there were bounds
        .order_by("air_date", "starts_at", "number")
        .prefetch_related(
            Prefetch(
                "appearances",
                queryset=Appearance.objects.exclude(role=Appearance.Role.PRODUCER)
                .select_related("speaker")
                .order_by("pk"),
            )
        )
    )
    return [
        episode
        for episode in episodes
        if episode.starts_at is None
        or episode.starts_at + timedelta(seconds=episode.target_seconds) > now
    ][:SHOWN]


@require_GET
def upcoming(request: HttpRequest, slug: str) -> HttpResponse:
    show = Show.objects.filter(slug=slug).first()
    is_team = show is not None and can(request.user, show, Action.VIEW)
    if show is None or not (show.upcoming_public or is_team):
        # Outsiders learn nothing, not even whether a team-only show of that name exists.
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404("No such page.")
    feed = reverse("episodes:show_calendar", args=[show.slug])
    if not show.upcoming_public:
        feed += f"?key={feed_key(show)}"
    return render(
        request,
        "episodes/upcoming.html",
        {
            "show": show,
            "episodes": upcoming_episodes(show),
            "feed_url": request.build_absolute_uri(feed),
            "is_team": is_team,
        },
    )


@require_GET
def show_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    show = get_object_or_404(Show, slug=slug)
    if not show.upcoming_public:
        key = request.GET.get("key", "")
        if throttle.blocked(request, "calendar-key"):
            return throttle.too_many(request)
        if not (key and constant_time_compare(key, feed_key(show))) and not can(
            request.user, show, Action.VIEW
        ):
            throttle.wrong_guess(request, "calendar-key")
            raise Http404("No such calendar.")
    page = request.build_absolute_uri(reverse("episodes:show_upcoming", args=[show.slug]))
    return calendar.response(
        calendar.for_show(show, upcoming_episodes(show), page),
        f"{show.slug}.ics",
        attachment=False,
    )

"""Pages for the team: shows, their episodes, and each episode's run-sheet."""

from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from showrunner.auth import Action, can, get_episode, get_show, may_create_shows, visible_shows

from .. import editing
from ..models import Appearance, Episode, Question, Segment, Show


def with_guests(queryset: QuerySet[Episode]) -> QuerySet[Episode]:
    return queryset.prefetch_related(
        Prefetch("appearances", queryset=Appearance.objects.select_related("speaker"))
    )


def split_episodes(episodes: list[Episode], *, now: datetime) -> dict[str, list[Episode]]:
    """Upcoming (soonest first), then past (latest first), then drafts without a date."""
    today = timezone.localdate(now)
    upcoming = [
        e
        for e in episodes
        if e.air_date and e.air_date >= today and e.status != Episode.Status.DONE
    ]
    past = [e for e in episodes if e.air_date and e not in upcoming]
    drafts = [e for e in episodes if not e.air_date]
    upcoming.sort(key=lambda e: (e.air_date, e.starts_at or now, e.number or 0))
    past.sort(key=lambda e: (e.air_date, e.number or 0), reverse=True)
    return {"upcoming": upcoming, "past": past, "drafts": drafts}


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    shows = (
        visible_shows(request.user)
        .filter(archived_at__isnull=True)
        .prefetch_related(
            Prefetch(
                "episodes",
                queryset=with_guests(
                    Episode.objects.filter(is_template=False, archived_at__isnull=True)
                ),
            )
        )
    )
    summaries = []
    for show in shows:
        groups = split_episodes(list(show.episodes.all()), now=now)
        summaries.append((show, groups["upcoming"][:3], len(groups["past"]), groups["drafts"]))
    archived = visible_shows(request.user).filter(archived_at__isnull=False)
    return render(
        request,
        "episodes/home.html",
        {
            "summaries": summaries,
            "archived": list(archived),
            "may_create": may_create_shows(request.user),
        },
    )


@login_required
@require_GET
def show_detail(request: HttpRequest, slug: str) -> HttpResponse:
    show: Show = get_show(request.user, slug)
    now = timezone.now()
    episodes = list(with_guests(show.episodes.filter(is_template=False)))
    can_edit = can(request.user, show, Action.EDIT)
    return render(
        request,
        "episodes/show_detail.html",
        {
            "show": show,
            "can_edit": can_edit,
            "can_manage": can(request.user, show, Action.MANAGE),
            "archived": [e for e in episodes if e.archived_at],
            "deleted": list(editing.deleted_recently(show, now=now)) if can_edit else [],
            **split_episodes([e for e in episodes if not e.archived_at], now=now),
        },
    )


def runsheet_queryset() -> QuerySet[Episode]:
    """An episode with everything its run-sheet page shows, in a fixed number of queries."""
    return with_guests(Episode.objects.all()).prefetch_related(
        Prefetch(
            "segments",
            queryset=Segment.objects.select_related("owner__speaker").prefetch_related(
                Prefetch(
                    "questions",
                    queryset=Question.objects.prefetch_related(
                        Prefetch(
                            "addressed_to",
                            queryset=Appearance.objects.select_related("speaker"),
                        )
                    ),
                )
            ),
        ),
        "news_items",
    )


@login_required
@require_GET
def episode_runsheet(request: HttpRequest, pk: int) -> HttpResponse:
    episode = get_episode(request.user, pk, Action.VIEW, queryset=runsheet_queryset())
    sheet = episode.run_sheet(now=timezone.now())
    return render(
        request,
        "episodes/runsheet.html",
        {
            "episode": episode,
            "sheet": sheet,
            "can_edit": can(request.user, episode.show, Action.EDIT),
            "can_call": can(request.user, episode.show, Action.CALL),
        },
    )


@login_required
@require_GET
def episode_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The run-sheet on paper: times, each segment's questions, and every guest's questions."""
    episode = get_episode(request.user, pk, Action.VIEW, queryset=runsheet_queryset())
    sheet = episode.run_sheet(now=timezone.now())
    by_guest: dict[str, list[tuple[Segment, Question]]] = {}
    for segment in episode.segments.all():
        for question in segment.questions.all():
            for appearance in question.addressed_to.all():
                by_guest.setdefault(appearance.speaker.name, []).append((segment, question))
    return render(
        request,
        "episodes/print.html",
        {"episode": episode, "sheet": sheet, "by_guest": sorted(by_guest.items())},
    )

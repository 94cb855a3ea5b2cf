"""The database use of the timing report: the live log read for :mod:`episodes.timing_report`.

A fixed number of queries; plain records out."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from . import timing_report
from .models import Episode, Question, Segment, SegmentRun, Show
from .runsheet import Planned


def as_run(
    segment_id: int | None,
    title: str,
    planned_seconds: int | None,
    planned_max_seconds: int | None,
    started_at: datetime,
    ended_at: datetime | None,
    paused_ms: int,
    kind: str | None,
) -> timing_report.Run:
    return timing_report.Run(
        segment_id=segment_id,
        title=title,
        planned=Planned(planned_seconds, planned_max_seconds),
        started_at=started_at,
        ended_at=ended_at,
        paused_ms=paused_ms,
        kind=kind or Segment.Kind.OTHER,
    )


RUN_FIELDS = (
    "segment_id", "title", "planned_seconds", "planned_max_seconds", "started_at", "ended_at",
    "paused_ms", "segment__kind",
)  # fmt: skip


def episode_report(episode: Episode, *, rehearsal: bool = False) -> timing_report.EpisodeReport:
    """Planned against actual for one episode: two queries."""
    segments = (
        Segment.objects.filter(episode=episode)
        .order_by("position")
        .annotate(
            questions_planned=Count("questions"),
            questions_asked=Count("questions", filter=Q(questions__status=Question.Status.ASKED)),
            questions_skipped=Count(
                "questions", filter=Q(questions__status=Question.Status.SKIPPED)
            ),
        )
    )
    planned = [
        timing_report.PlannedSegment(
            segment_id=segment.pk,
            title=segment.title,
            kind=segment.kind,
            planned=segment.planned,
            questions_planned=segment.questions_planned,
            questions_asked=segment.questions_asked,
            questions_skipped=segment.questions_skipped,
        )
        for segment in segments
    ]
    runs = SegmentRun.objects.filter(episode=episode, is_rehearsal=rehearsal).values_list(
        *RUN_FIELDS
    )
    return timing_report.episode_report(
        planned, [as_run(*row) for row in runs], target_seconds=episode.target_seconds
    )


def show_runs(show: Show, *, exclude: Episode | None = None) -> list[tuple[int, timing_report.Run]]:
    """(episode id, run) for every finished stretch on air in the show's real episodes."""
    runs = SegmentRun.objects.filter(
        episode__show=show, is_rehearsal=False, ended_at__isnull=False
    ).exclude(episode__is_template=True)
    if exclude is not None:
        runs = runs.exclude(episode=exclude)
    return [(row[0], as_run(*row[1:])) for row in runs.values_list("episode_id", *RUN_FIELDS)]


def usual_seconds(show: Show, *, exclude: Episode | None = None) -> dict[str, tuple[float, int]]:
    """What each kind of segment usually takes on this show: one query."""
    return timing_report.usual_seconds(
        timing_report.played_segments(show_runs(show, exclude=exclude))
    )


@dataclass(frozen=True)
class EpisodeTotal:
    episode: Episode
    seconds: float  # on air, pauses left out
    segments: int

    @property
    def delta_seconds(self) -> float:
        return self.seconds - self.episode.target_seconds


def episode_totals(runs: list[tuple[int, timing_report.Run]]) -> list[EpisodeTotal]:
    """Per aired episode, latest first: its time on air against its target."""
    totals: dict[int, list[float]] = {}
    for played in timing_report.played_segments(runs):
        totals.setdefault(played.episode_id, []).append(played.seconds)
    episodes = Episode.objects.select_related("show").filter(pk__in=totals)
    rows = [EpisodeTotal(e, sum(totals[e.pk]), len(totals[e.pk])) for e in episodes]
    rows.sort(
        key=lambda row: (row.episode.air_date is not None, row.episode.air_date, row.episode.pk)
    )
    return rows[::-1]

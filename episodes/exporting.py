"""An episode as an :class:`EpisodeDocument`, ready for any of the outside formats."""

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from . import chapters
from .formats import hugo_recap
from .formats.document import (
    EVERYONE,
    EpisodeDocument,
    NewsDoc,
    QuestionDoc,
    SegmentDoc,
    SpeakerDoc,
)
from .models import Appearance, Episode, Question, Segment, SegmentRun


def episodes_for_export() -> QuerySet[Episode]:
    """Episodes with everything :func:`episode_document` reads, in a fixed number of queries."""
    return Episode.objects.select_related("show").prefetch_related(
        Prefetch("appearances", queryset=Appearance.objects.select_related("speaker")),
        Prefetch(
            "segments",
            queryset=Segment.objects.select_related("owner__speaker").prefetch_related(
                Prefetch(
                    "questions",
                    queryset=Question.objects.prefetch_related("addressed_to__speaker"),
                )
            ),
        ),
        "news_items",
    )


def episode_document(episode: Episode) -> EpisodeDocument:
    return EpisodeDocument(
        show_slug=episode.show.slug,
        show_name=episode.show.name,
        show_time_zone=episode.show.time_zone,
        number=episode.number,
        title=episode.title,
        air_date=episode.air_date,
        starts_at=episode.local_start(),
        target_seconds=episode.target_seconds,
        status=episode.status,
        hook=episode.hook,
        description=episode.description,
        recording_url=episode.recording_url,
        join_url=episode.join_url,
        speakers=[
            SpeakerDoc(
                name=appearance.speaker.name,
                role=appearance.role,
                is_group=appearance.speaker.is_group,
                email=appearance.speaker.email,
                links=list(appearance.speaker.links),
            )
            for appearance in episode.appearances.all()
        ],
        segments=[
            SegmentDoc(
                title=segment.title,
                kind=segment.kind,
                planned_seconds=segment.planned_seconds,
                planned_max_seconds=segment.planned_max_seconds,
                owner=segment.owner.speaker.name if segment.owner else None,
                notes=segment.notes,
                questions=[
                    QuestionDoc(
                        text=question.text,
                        addressed_to=(
                            [EVERYONE]
                            if question.for_everyone
                            else [a.speaker.name for a in question.addressed_to.all()]
                        ),
                        notes=question.notes,
                        status=question.status,
                    )
                    for question in segment.questions.all()
                ],
            )
            for segment in episode.segments.all()
        ],
        news=[
            NewsDoc(title=item.title, url=item.url, notes=item.notes)
            for item in episode.news_items.all()
        ],
    )


def site_url(path: str) -> str:
    """An address on this site as the outside world reaches it (SHOWRUNNER_BASE_URL)."""
    return settings.SHOWRUNNER_BASE_URL.rstrip("/") + path


def recap_post(episode: Episode) -> str:
    """The episode's recap post for the website (the Hugo shape of ``formats/hugo_recap``).

    Reads the episode as :func:`episodes_for_export` prefetches it.
    """
    avatars = {
        appearance.speaker.name: site_url(appearance.speaker.avatar.url)
        for appearance in episode.appearances.all()
        if appearance.speaker.avatar
    }
    return hugo_recap.render(episode_document(episode), avatars=avatars)


def air_runs(episode: Episode) -> QuerySet[SegmentRun]:
    """The live log of the real show (rehearsals left out), in the order things went on air."""
    return SegmentRun.objects.filter(episode=episode, is_rehearsal=False).order_by(
        "started_at", "pk"
    )


def recorded_chapters(episode: Episode) -> list[chapters.Chapter]:
    """Chapters from the times the segments went on air; none before the show has run."""
    return chapters.from_runs(air_runs(episode).values_list("started_at", "ended_at", "title"))


def chapters_text(episode: Episode) -> str:
    """The chapters as the producer last saved them, else as recorded on air."""
    if episode.chapters.strip():
        return episode.chapters
    return chapters.render(recorded_chapters(episode))

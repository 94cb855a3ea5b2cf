"""Saving a parsed :class:`EpisodeDocument` as an episode, all or nothing; and the preview of
what saving would do."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from speakers.models import Speaker

from .formats.document import EVERYONE, EpisodeDocument, SpeakerDoc, validate
from .formats.summary import ROLE_NAMES, ImportSummary, summarize
from .models import Appearance, Episode, NewsItem, Question, Segment, Show


class AlreadyImported(Exception):
    def __init__(self, episode: Episode) -> None:
        super().__init__(
            f"{episode.show.name} episode {episode.number} already exists (id {episode.pk}); "
            "give --replace to overwrite it."
        )
        self.episode = episode


def save_document(doc: EpisodeDocument, *, replace: bool = False) -> Episode:
    """Create the episode ``doc`` describes, reusing its show, and the show's speakers by name.

    Everything happens in one transaction: a document that fails half-way leaves nothing.
    The same show and number again raises :class:`AlreadyImported` unless ``replace``.
    """
    validate(doc)
    with transaction.atomic():
        show = Show.objects.filter(slug=doc.show_slug).first()
        if show is None:
            show = Show.objects.create(
                slug=doc.show_slug,
                name=doc.show_name or doc.show_slug.replace("-", " ").title(),
                time_zone=doc.show_time_zone or settings.SHOWRUNNER_DEFAULT_TIME_ZONE,
            )
        if doc.number is not None:
            existing = show.episodes.filter(number=doc.number).first()
            if existing is not None:
                if not replace:
                    raise AlreadyImported(existing)
                existing.delete()

        episode = Episode.objects.create(
            show=show,
            number=doc.number,
            title=doc.title,
            air_date=doc.air_date,
            starts_at=doc.starts_at,
            target_seconds=(
                doc.target_seconds
                if doc.target_seconds is not None
                else show.default_target_seconds
            ),
            status=doc.status,
            hook=doc.hook,
            description=doc.description,
            recording_url=doc.recording_url,
            join_url=doc.join_url,
        )
        appearances: dict[str, Appearance] = {}
        for speaker_doc in doc.speakers:
            speaker = existing_speaker(show, speaker_doc.name, speaker_doc.is_group)
            if speaker is None:
                # Only a speaker this import creates takes the document's contact details: an
                # existing person's email and links are never changed by a document.
                speaker = Speaker.objects.create(
                    show=show,
                    name=speaker_doc.name,
                    is_group=speaker_doc.is_group,
                    email=speaker_doc.email,
                    links=list(speaker_doc.links),
                )
            appearances[speaker_doc.name.lower()] = Appearance.objects.create(
                episode=episode, speaker=speaker, role=speaker_doc.role
            )

        for position, segment_doc in enumerate(doc.segments, start=1):
            segment = Segment.objects.create(
                episode=episode,
                position=position,
                title=segment_doc.title,
                kind=segment_doc.kind,
                planned_seconds=segment_doc.planned_seconds,
                planned_max_seconds=segment_doc.planned_max_seconds,
                notes=segment_doc.notes,
                owner=appearances.get(segment_doc.owner.lower()) if segment_doc.owner else None,
            )
            for q_position, question_doc in enumerate(segment_doc.questions, start=1):
                question = Question.objects.create(
                    segment=segment,
                    position=q_position,
                    text=question_doc.text,
                    notes=question_doc.notes,
                    status=question_doc.status,
                    for_everyone=question_doc.addressed_to == [EVERYONE],
                )
                addressees = [
                    appearances[name.lower()]
                    for name in question_doc.addressed_to
                    if name != EVERYONE
                ]
                if addressees:
                    question.addressed_to.set(addressees)

        NewsItem.objects.bulk_create(
            NewsItem(
                episode=episode, position=position, title=item.title, url=item.url, notes=item.notes
            )
            for position, item in enumerate(doc.news, start=1)
        )
    return episode


def existing_speaker(show: Show, name: str, is_group: bool) -> Speaker | None:
    """The show's own speaker of this name (oldest first), whom an import reuses; never a
    speaker of another show."""
    return (
        Speaker.objects.filter(show=show, name__iexact=name, is_group=is_group)
        .order_by("pk")
        .first()
    )


@dataclass
class ImportPreview:
    """One document as the import preview (``templates/episodes/_import_preview.html``) shows
    it: the summary of what will be saved, the episode of the same number it would replace, and
    each person with their role's name and the show's speaker an import would reuse (None: a
    new speaker)."""

    doc: EpisodeDocument
    summary: ImportSummary
    existing: Episode | None
    people: list[tuple[SpeakerDoc, str, Speaker | None]]


def import_previews(show: Show, docs: list[EpisodeDocument]) -> list[ImportPreview]:
    """The previews of documents read for ``show`` (any reader: run-sheet, JSON, spreadsheet)."""
    return [
        ImportPreview(
            doc=doc,
            summary=summarize(doc),
            existing=show.episodes.filter(number=doc.number).first() if doc.number else None,
            people=[
                (p, ROLE_NAMES.get(p.role, p.role), existing_speaker(show, p.name, p.is_group))
                for p in doc.speakers
            ],
        )
        for doc in docs
    ]

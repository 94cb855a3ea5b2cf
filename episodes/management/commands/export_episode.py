"""python manage.py export_episode ID --format json|markdown|hugo|chapters: an episode in an
outside format, the same text the pages give."""

from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from episodes.exporting import chapters_text, episode_document, episodes_for_export, recap_post
from episodes.formats import episode_json, markdown_runsheet
from episodes.models import Episode

FORMATS: dict[str, Callable[[Episode], str]] = {
    "json": lambda e: episode_json.dumps(episode_document(e), time_zone=e.show.time_zone),
    "markdown": lambda e: markdown_runsheet.render(episode_document(e)),
    "hugo": recap_post,
    "chapters": chapters_text,
}


class Command(BaseCommand):
    help = (
        "Write an episode to standard output: episode JSON, a Markdown run-sheet, the Hugo "
        "recap post, or video chapters."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("episode_id", type=int, metavar="ID")
        parser.add_argument("--format", choices=sorted(FORMATS), default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            episode = episodes_for_export().get(pk=options["episode_id"])
        except Episode.DoesNotExist:
            raise CommandError(f"There is no episode with id {options['episode_id']}.") from None
        text = FORMATS[options["format"]](episode)
        if not text:
            raise CommandError(
                f"{episode.label} has no chapters yet: they come from the times its segments "
                "went on air."
            )
        self.stdout.write(text, ending="")

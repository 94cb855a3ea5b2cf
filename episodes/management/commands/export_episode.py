"""python manage.py export_episode ID --format json|markdown: an episode in an outside format."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from episodes.exporting import episode_document, episodes_for_export
from episodes.formats import episode_json, markdown_runsheet
from episodes.models import Episode

FORMATS = {
    "json": lambda doc: episode_json.dumps(doc, time_zone=doc.show_time_zone),
    "markdown": markdown_runsheet.render,
}


class Command(BaseCommand):
    help = "Write an episode as episode JSON or a Markdown run-sheet to standard output."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("episode_id", type=int, metavar="ID")
        parser.add_argument("--format", choices=sorted(FORMATS), default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            episode = episodes_for_export().get(pk=options["episode_id"])
        except Episode.DoesNotExist:
            raise CommandError(f"There is no episode with id {options['episode_id']}.") from None
        self.stdout.write(FORMATS[options["format"]](episode_document(episode)), ending="")

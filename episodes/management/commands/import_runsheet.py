"""python manage.py import_runsheet PATH [PATH ...]: run-sheets, recap posts, episode JSON."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from episodes.formats import MAX_FILE_BYTES, ParseError, read
from episodes.formats.document import EpisodeDocument, validate
from episodes.formats.episode_json import dumps
from episodes.formats.summary import summarize
from episodes.importing import AlreadyImported, save_document
from episodes.models import Show


class Command(BaseCommand):
    help = (
        "Import Markdown run-sheets, Hugo recap posts and episode JSON files. Each file is "
        "imported in its own transaction; a file that cannot be understood is reported with its "
        "line and imports nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--show",
            metavar="SLUG",
            help="The show to import into; without it, the show the document names, else the "
            "only show there is.",
        )
        parser.add_argument(
            "--number", type=int, metavar="N", help="Episode number (one file only)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Parse only; write nothing.")
        parser.add_argument(
            "--json", action="store_true", help="Print the parsed episodes as a JSON list."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Overwrite an episode with the same show and number instead of skipping it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self._json = bool(options["json"])
        paths: list[Path] = options["paths"]
        if options["number"] is not None:
            if len(paths) > 1:
                raise CommandError("--number applies to one file; give a single PATH with it.")
            if options["number"] < 1:
                raise CommandError("--number must be 1 or more.")
        today = timezone.localdate()
        parsed: list[EpisodeDocument] = []
        failed = 0
        for path in paths:
            try:
                docs = self.read_path(path, options, today)
                for doc in docs:
                    if not doc.show_slug:
                        self.take_the_only_show(doc)
                    validate(doc)
            except ParseError as exc:
                failed += 1
                where = f"{path}:{exc.line}" if exc.line is not None else str(path)
                self.stderr.write(f"{where}: {exc.reason}")
                continue
            parsed.extend(docs)
            if options["dry_run"]:
                for doc in docs:
                    self.report(f"{path}: would import {doc.summary()}")
                    for line in summarize(doc).lines():
                        self.report(line)
                continue
            for doc in docs:
                try:
                    episode = save_document(doc, replace=options["replace"])
                except AlreadyImported as exc:
                    self.report(f"{path}: skipped: {exc}")
                except ParseError as exc:
                    failed += 1
                    self.stderr.write(f"{path}: {exc.reason}")
                else:
                    self.report(f"{path}: imported {doc.summary()} as episode {episode.pk}")
        if options["json"]:
            self.stdout.write(dumps(parsed), ending="")
        if failed:
            raise CommandError(
                f"{failed} of {len(paths)} file(s) failed"
                + ("." if options["dry_run"] else "; the others were imported.")
            )

    def read_path(self, path: Path, options: dict[str, Any], today: Any) -> list[EpisodeDocument]:
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES and path.is_file():
                raise ParseError(f"is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}.")
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ParseError("no such file.") from None
        except IsADirectoryError:
            raise ParseError("is a folder; give the run-sheet file inside it.") from None
        except UnicodeDecodeError as exc:
            line = path.read_bytes()[: exc.start].count(b"\n") + 1
            raise ParseError("is not UTF-8 text.", line) from None
        return read(text, today=today, path=path, number=options["number"], show=options["show"])

    def take_the_only_show(self, doc: EpisodeDocument) -> None:
        """A document naming no show goes into the only show there is; with none or several,
        the error says which exist."""
        shows = list(Show.objects.order_by("slug").values_list("slug", "name")[:21])
        if len(shows) == 1:
            doc.show_slug, doc.show_name = shows[0]
            return
        if not shows:
            raise ParseError(
                "show: the document names no show and there is none yet; give --show SLUG "
                "(the show is created) or a heading such as “# Late Show Episode 3”."
            )
        listed = ", ".join(f"{slug} ({name})" for slug, name in shows[:20])
        more = " and more" if len(shows) > 20 else ""
        raise ParseError(
            f"show: the document names no show; give --show SLUG, one of: {listed}{more}."
        )

    def report(self, message: str) -> None:
        # With --json, stdout carries only the JSON; progress goes to stderr.
        (self.stderr if self._json else self.stdout).write(message)

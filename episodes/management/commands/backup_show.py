"""python manage.py backup_show SLUG [-o FILE]: a whole show in one zip archive.

What the archive holds, and what it leaves out, is described in :mod:`episodes.backup`.
"""

import os
import tempfile
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from episodes.backup import BackupError, dump_show
from episodes.models import Show


class Command(BaseCommand):
    help = (
        "Write a whole show to one zip archive: its team (with password hashes), episodes, "
        "live log, guests (with their private-link secrets) and their photos. Keep it as safe "
        "as the database."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("slug", metavar="SLUG", help="The show's slug, as in its addresses.")
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            metavar="FILE",
            help="Where to write the archive; default SLUG-YYYYMMDD-HHMMSS.zip here.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        show = Show.objects.filter(slug=options["slug"]).first()
        if show is None:
            slugs = ", ".join(Show.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(
                f"There is no show with the slug {options['slug']!r}."
                + (f" Shows here: {slugs}." if slugs else " There are no shows here.")
            )
        path: Path = options["output"] or Path(f"{show.slug}-{timezone.now():%Y%m%d-%H%M%S}.zip")
        try:
            backup = dump_show(show)
        except BackupError as exc:
            raise CommandError(f"Nothing written: {exc}") from None
        write_privately(path, backup.content)
        for warning in backup.warnings:
            self.stderr.write(f"Warning: {warning}")
        counts = backup.counts
        self.stdout.write(
            f"Backed up “{show.name}” to {path}: {counts['episodes']} episodes, "
            f"{counts['users']} team members, {counts['speakers']} speakers, "
            f"{counts['photos']} photos ({len(backup.content):,} bytes)."
        )


def write_privately(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` readable by its owner only (it holds password hashes and
    link secrets), all at once: a failure leaves no half-written archive behind."""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as exc:
        raise CommandError(f"Cannot write to {path.parent}: {exc.strerror}.") from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise CommandError(f"Cannot write {path}: {exc.strerror}.") from None

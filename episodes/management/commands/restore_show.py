"""python manage.py restore_show FILE: a show from an archive made by backup_show.

All or nothing, in one transaction; see :mod:`episodes.backup` for what is checked.
"""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from episodes.backup import RestoreError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a show from an archive made by backup_show, all or nothing. Refuses a show "
        "whose slug exists here. Users and speakers that exist here already are reused."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, metavar="FILE")
        parser.add_argument(
            "--with-staff",
            action="store_true",
            help="Keep the staff status (the admin) of users the archive marks as staff; without "
            "it they are restored as ordinary users. Superuser status is never restored.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            restored = restore_backup(path, with_staff=options["with_staff"])
        except RestoreError as exc:
            raise CommandError(f"Nothing restored from {path}. {exc}") from None
        show, counts = restored.show, restored.counts
        self.stdout.write(
            f"Restored “{show.name}” ({show.slug}) from {path}: {counts.get('episodes', 0)} "
            f"episodes, {counts.get('users', 0)} new users, {counts.get('speakers', 0)} new "
            f"speakers, {counts.get('photos', 0)} photos."
        )
        if restored.created_users:
            self.stdout.write("Users created: " + ", ".join(restored.created_users))
        if restored.reused_users:
            self.stdout.write(
                "Users already here, kept as they are: " + ", ".join(restored.reused_users)
            )
        for note in restored.notes:
            self.stdout.write(f"Note: {note}")

"""Delete for good the episodes deleted in the app more than five minutes ago (the undo window).

Run it from cron beside ``send_reminders``; until then a deleted draft is hidden everywhere.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from episodes import editing


class Command(BaseCommand):
    help = "Delete for good the episodes deleted longer ago than the undo window."

    def handle(self, *args: object, **options: object) -> None:
        count = editing.purge_deleted(now=timezone.now())
        self.stdout.write(f"Purged {count} deleted episode{'s' if count != 1 else ''}.")

"""python manage.py send_reminders: for cron, every few minutes.

Emails each guest 24 hours and 1 hour before their call time, and once (batched, after edits
have settled for ten minutes) when the times of their segments or their questions change.
Every email is sent at most once.
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from speakers.emails import send_due


class Command(BaseCommand):
    help = "Send guests their reminders and change notices that are due."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_due(timezone.now())
        for appearance, kind in sent:
            self.stdout.write(f"Sent {kind} to {appearance.speaker.name} ({appearance.episode})")
        self.stdout.write(f"{len(sent)} email{'s' if len(sent) != 1 else ''} sent.")

"""python manage.py create_api_token USERNAME: a token for the HTTP API, printed once."""

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from episodes.api import new_token


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it (only its hash is kept)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for, e.g. Stream Deck.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"There is no user called {options['username']!r}.")
        if not user.is_active:
            raise CommandError(f"{user.get_username()} is not active.")
        self.stdout.write(new_token(user, options["name"]))

"""The episodes app: shows, episodes, run-sheets, the live show."""

from django.apps import AppConfig


class EpisodesConfig(AppConfig):
    name = "episodes"
    verbose_name = "Shows and episodes"

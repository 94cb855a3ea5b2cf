"""The speakers app: guests, their private links and portal."""

from django.apps import AppConfig


class SpeakersConfig(AppConfig):
    name = "speakers"
    verbose_name = "Speakers and guests"

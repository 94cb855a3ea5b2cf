"""The Jinja2 environment of bench/runsheet_page.py's Jinja2 copy of the editor's markup
(bench/jinja2/episodes/editor/), configured in bench/django_settings.py only.

The app renders the editor with Django templates (templates/episodes/editor/); this copy is
what they are measured against (DEVELOPERS.md, "Templates"). Its filters are the same
functions as the app's ``showtime`` library; autoescaped, and a misspelt name is an error.
"""

from typing import Any

from django.urls import reverse
from jinja2 import Environment, StrictUndefined

from episodes.templatetags import showtime


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def pluralize(count: int, suffixes: str = "s") -> str:
    """As Django's filter: "s" for many, or "y,ies" for one and many."""
    singular, _, plural = suffixes.rpartition(",")
    return plural if count != 1 else singular


def environment(**options: Any) -> Environment:
    # Always escaped, and a misspelt name is an error rather than an empty string.
    options.pop("autoescape", None)
    options.pop("undefined", None)
    env = Environment(autoescape=True, undefined=StrictUndefined, **options)
    env.globals.update({"url": url})
    env.filters.update(
        {
            "clock": showtime.clock,
            "duration": showtime.duration,
            "span_duration": showtime.span_duration,
            "over_under_amount": showtime.over_under_amount,
            "pluralize": pluralize,
        }
    )
    return env

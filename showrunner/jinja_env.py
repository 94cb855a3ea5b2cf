"""The Jinja2 environment for the episode editor's fragments (jinja2/episodes/editor/).

Django's own templates render every other page. bench/runsheet_page.py renders the editor's
markup with both engines from the same rows (a Django copy in bench/templates/): see
DEVELOPERS.md, "Templates", for the figures. The filters are the same functions the Django
templates use; autoescaped, and a misspelt name is an error.
"""

from datetime import datetime
from typing import Any

from django.templatetags.static import static
from django.urls import reverse
from django.utils.timesince import timesince
from jinja2 import Environment, StrictUndefined

from episodes.templatetags import showtime


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def pluralize(count: int, suffixes: str = "s") -> str:
    """As Django's filter: "s" for many, or "y,ies" for one and many."""
    singular, _, plural = suffixes.rpartition(",")
    return plural if count != 1 else singular


def since(value: datetime) -> str:
    """How long ago, to the largest unit: "3 hours", "2 days"."""
    return timesince(value, depth=1)


def environment(**options: Any) -> Environment:
    # Always escaped, and a misspelt name is an error rather than an empty string.
    options.pop("autoescape", None)
    options.pop("undefined", None)
    env = Environment(autoescape=True, undefined=StrictUndefined, **options)
    env.globals.update({"url": url, "static": static})
    env.filters.update(
        {
            "clock": showtime.clock,
            "offset": showtime.offset,
            "duration": showtime.duration,
            "span_duration": showtime.span_duration,
            "over_under": showtime.over_under,
            "over_under_amount": showtime.over_under_amount,
            "planned": showtime.planned,
            "planned_input": showtime.planned_input,
            "pluralize": pluralize,
            "timesince": since,
        }
    )
    return env

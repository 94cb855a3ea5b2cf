"""Time zone names: validation and choices shared by shows and speakers."""

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError


@cache
def time_zone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(
            "%(value)s is not a known time zone; use a name such as Europe/Berlin or UTC.",
            params={"value": value},
            code="invalid_time_zone",
        )

"""Time zone names: validation and choices shared by shows and speakers."""

import zoneinfo
from datetime import datetime, timedelta
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


# Zones named after a real place are "Area/Place" in one of these areas; the rest are aliases
# (US/Pacific, Etc/GMT+3), abbreviations (EST5EDT), or not places at all (Factory, localtime).
PLACE_AREAS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)


@cache
def place_zone_names() -> tuple[str, ...]:
    """The zones a person picks from: real places only, such as Asia/Tokyo."""
    return tuple(name for name in time_zone_names() if name.split("/", 1)[0] in PLACE_AREAS)


def offset_text(name: str, now: datetime) -> str:
    """The zone's offset from UTC at ``now``: "UTC+9", "UTC+5:30", "UTC−3", "UTC"."""
    offset = now.astimezone(zoneinfo.ZoneInfo(name)).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    hours, rest = divmod(abs(minutes), 60)
    sign = "+" if minutes > 0 else "−"
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_choices(now: datetime) -> list[tuple[str, str]]:
    """Each place's name with its offset now: ("Asia/Tokyo", "Asia/Tokyo (UTC+9)")."""
    return [(name, f"{name} ({offset_text(name, now)})") for name in place_zone_names()]

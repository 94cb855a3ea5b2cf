"""Filters that write durations and run-sheet times the way producers read them."""

from datetime import datetime, timedelta, tzinfo
from typing import Any

import markdown as markdown_lib
import nh3
from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from episodes.runsheet import Moment, Planned, Row, Span

register = template.Library()

MARKDOWN_TAGS = {
    "a", "p", "br", "strong", "em", "code", "pre", "ul", "ol", "li", "blockquote", "h3", "h4",
    "h5", "h6", "hr",
}  # fmt: skip


def minutes_text(seconds: int) -> str:
    """120 → "2 min", 90 → "1 min 30 s", 3900 → "1 h 5 min"."""
    seconds = abs(int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{hours} h")
    if minutes or (hours and secs):
        parts.append(f"{minutes} min")
    if secs or not parts:
        parts.append(f"{secs} s")
    return " ".join(parts)


@register.filter
def duration(value: int | timedelta | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, timedelta):
        value = int(value.total_seconds())
    return minutes_text(value)


@register.filter
def span_duration(value: Span) -> str:
    """A length that may be a range: "44 min", or "44–49 min"."""
    low, high = int(value.earliest.total_seconds()), int(value.latest.total_seconds())
    return planned(Planned(low, high))


@register.filter
def planned_input(low: int | None, high: int | None) -> str:
    """What the planned-time input shows: "5", "5-10", "1:30", or nothing."""
    from episodes.forms import format_planned

    return format_planned(low, high)


@register.filter
def planned(value: Planned) -> str:
    """A planned duration: "2 min", "5–10 min", or "—" when none is given."""
    if not value.is_set:
        return "—"
    low, high = value.min_seconds or 0, value.max_seconds or 0
    if low == high:
        return minutes_text(low)
    if low % 60 == 0 and high % 60 == 0:
        return f"{low // 60}–{high // 60} min"
    return f"{minutes_text(low)}–{minutes_text(high)}"


def stopwatch(value: timedelta) -> str:
    total = int(value.total_seconds())
    sign = "−" if total < 0 else ""
    hours, rest = divmod(abs(total), 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02}:{seconds:02}"
    return f"{sign}{minutes:02}:{seconds:02}"


@register.filter
def offset(value: Span) -> str:
    """A time from the top of the show: "02:00", or "05:00–10:00" for a range."""
    if value.is_exact:
        return stopwatch(value.earliest)
    return f"{stopwatch(value.earliest)}–{stopwatch(value.latest)}"


def local_clock(value: datetime, zone: tzinfo | None = None) -> str:
    local = value.astimezone(zone) if zone is not None else timezone.localtime(value)
    return local.strftime("%H:%M:%S" if local.second else "%H:%M")


@register.filter
def clock(value: Moment | datetime | None, zone: tzinfo | None = None) -> str:
    """A clock time in ``zone``, else the current time zone ({% timezone %}): "17:02" or
    "17:05–17:10"."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return local_clock(value, zone)
    if value.is_exact:
        return local_clock(value.earliest, zone)
    return f"{local_clock(value.earliest, zone)}–{local_clock(value.latest, zone)}"


def row_times(row: Row[Any], zone: tzinfo) -> tuple[str, str]:
    """A run-sheet row's start and back time as shown: clock times, or offsets from the top."""
    if row.front_at is None or row.back_at is None:
        return offset(row.front), offset(row.back)
    return clock(row.front_at, zone), clock(row.back_at, zone)


@register.filter
def over_under(value: Span) -> str:
    """Total minus target: "+5 min", "−3 min", "on time", or "−3 min to +2 min"."""

    def signed(delta: timedelta) -> str:
        seconds = int(delta.total_seconds())
        if seconds == 0:
            return "0 min"
        return ("+" if seconds > 0 else "−") + minutes_text(seconds)

    if value.is_exact:
        return "on time" if value.earliest == timedelta(0) else signed(value.earliest)
    return f"{signed(value.earliest)} to {signed(value.latest)}"


@register.filter
def over_under_amount(value: Span) -> str:
    """Beside the words "Over" or "Under": how much, without a sign ("32 min", "23 min to
    28 min"); a range across the target keeps its signs ("−5 min to +5 min")."""
    if not (value.earliest > timedelta(0) or value.latest < timedelta(0)):
        return over_under(value)  # "Range fits" or "On target": the signs say which way
    low, high = sorted((abs(value.earliest), abs(value.latest)))
    if low == high:
        return minutes_text(int(low.total_seconds()))
    return f"{minutes_text(int(low.total_seconds()))} to {minutes_text(int(high.total_seconds()))}"


@register.filter
def markdown(value: str) -> SafeString:
    """Render Markdown written by people, keeping only harmless tags and safe links."""
    # nl2br: people write notes line by line and expect the lines to stay lines.
    html = markdown_lib.markdown(value or "", extensions=["sane_lists", "nl2br"])
    cleaned = nh3.clean(
        html,
        tags=MARKDOWN_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above


@register.filter
def seconds(value: float | None) -> str:
    """A measured length, to the second: "24 min 10 s"; "—" when there is none."""
    return "—" if value is None else minutes_text(round(value))


@register.filter
def signed_seconds(value: float | None) -> str:
    """A difference from the plan: "+3 min 20 s", "−45 s", "on plan", or "—"."""
    if value is None:
        return "—"
    rounded = round(value)
    if rounded == 0:
        return "on plan"
    return ("+" if rounded > 0 else "−") + minutes_text(rounded)


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)} %"


@register.filter
def kind_label(value: str) -> str:
    """A segment kind as people say it: "wrap_up" → "Wrap-up"."""
    from episodes.models import Segment

    return dict(Segment.Kind.choices).get(value, value)

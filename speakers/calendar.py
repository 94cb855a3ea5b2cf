"""Calendar files (with the icalendar library): for a guest, one episode or a feed of all theirs;
for a show, its upcoming episodes."""

import zoneinfo
from datetime import datetime, timedelta

from django.http import HttpResponse
from icalendar import Calendar, Event

from episodes.models import Appearance, Episode, Show


def new_calendar(kind: str, name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", f"-//Showrunner//{kind} calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def episode_event(episode: Episode, uid: str, *, start: datetime) -> Event:
    """An event for the episode from ``start`` to its planned end; the episode has a start."""
    assert episode.starts_at is not None
    event = Event()
    number = f" #{episode.number}" if episode.number else ""
    title = f": {episode.title}" if episode.title else ""
    event.add("uid", uid)
    event.add("summary", f"{episode.show.name}{number}{title}")
    event.add("dtstart", start)
    event.add("dtend", episode.starts_at + timedelta(seconds=episode.target_seconds))
    event.add("dtstamp", episode.updated_at)
    return event


def for_appearances(appearances: list[Appearance], site: str, *, zone: str = "") -> Calendar:
    """The guest's events; their descriptions give the times in ``zone`` (the guest's), or in
    each show's own zone."""
    calendar = new_calendar("guest", "Shows I'm on")
    for appearance in appearances:
        episode = appearance.episode
        if episode.starts_at is None:
            continue  # no time yet: nothing to put in a calendar
        start = episode.call_time or episode.starts_at
        event = episode_event(
            episode, f"episode-{episode.pk}-appearance-{appearance.pk}@showrunner", start=start
        )
        local = zoneinfo.ZoneInfo(zone) if zone else episode.show.zone
        on_air, be_there = episode.starts_at.astimezone(local), start.astimezone(local)
        lines = [
            f"On air at {on_air:%H:%M} on {on_air:%A %-d %B} ({local.key}); "
            f"please be there from {be_there:%H:%M}."
        ]
        if appearance.notes:
            lines += ["", "What to prepare:", appearance.notes]
        event.add("description", "\n".join(lines))
        if episode.join_url:
            event.add("location", episode.join_url)
            event.add("url", episode.join_url)
        calendar.add_component(event)
    return calendar


def for_show(show: Show, episodes: list[Episode], page_url: str) -> Calendar:
    """A show's upcoming episodes, for anyone who follows the show."""
    calendar = new_calendar("show", show.name)
    for episode in episodes:
        if episode.starts_at is None:
            continue
        event = episode_event(episode, f"episode-{episode.pk}@showrunner", start=episode.starts_at)
        names = [a.speaker.name for a in episode.appearances.all() if a.role != "producer"]
        lines = [episode.description.strip()] if episode.description.strip() else []
        if names:
            lines.append("With " + ", ".join(names) + ".")
        if lines:
            event.add("description", "\n\n".join(lines))
        event.add("url", page_url)
        calendar.add_component(event)
    return calendar


def response(calendar: Calendar, filename: str, *, attachment: bool = True) -> HttpResponse:
    reply = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    reply["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return reply

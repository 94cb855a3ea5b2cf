"""Which time zone a guest's pages use: the one the guest picked; until they pick one, their
browser's (static/js/zone-picker.js puts it in a cookie), offered to save; else the profile's
or the show's."""

from dataclasses import dataclass
from urllib.parse import unquote

from django.http import HttpRequest
from django.utils import timezone

from showrunner.timezones import time_zone_names, zone_choices

from .models import ProfileChange, Speaker

BROWSER_ZONE_COOKIE = "showrunner_browser_zone"


@dataclass(frozen=True)
class GuestZone:
    shown: str  # the zone the page uses; "" for each show's own
    offer: str  # the browser's zone, offered to save; "" when there is nothing to offer
    picked: bool  # the guest chose ``shown`` themselves


def picked_by_guest(speaker: Speaker) -> bool:
    """The guest set their zone themselves (a producer's or the demo's does not count)."""
    return (
        bool(speaker.time_zone)
        and ProfileChange.objects.filter(speaker=speaker, fields__has_key="time_zone").exists()
    )


def browser_zone(request: HttpRequest) -> str:
    name = unquote(request.COOKIES.get(BROWSER_ZONE_COOKIE, ""))
    return name if name in time_zone_names() else ""


def zone_for(request: HttpRequest, speaker: Speaker) -> GuestZone:
    if picked_by_guest(speaker):
        return GuestZone(speaker.time_zone, "", True)
    browser = browser_zone(request)
    if browser:
        return GuestZone(browser, browser if browser != speaker.time_zone else "", False)
    return GuestZone(speaker.time_zone, "", False)


def picker_context(request: HttpRequest, speaker: Speaker, action: str) -> dict[str, object]:
    """What templates/_zone_picker.html reads."""
    zone = zone_for(request, speaker)
    return {
        "zone": zone,
        "zone_action": action,
        "zone_choices": zone_choices(timezone.now()),
    }

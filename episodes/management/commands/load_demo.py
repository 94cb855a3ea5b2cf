"""python manage.py load_demo: a demo show imported from the run-sheets in episodes/demo/.

Loads once (a second run finds the show and leaves it alone) and prints the demo logins every
time. Dates are set relative to today, so the demo always has one past and two upcoming
episodes. Passwords are generated on first use and kept in ``var/demo-logins.json``.
"""

import json
import secrets
import zoneinfo
from argparse import ArgumentParser
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from episodes import editing, onair
from episodes.formats import read
from episodes.importing import save_document
from episodes.models import Episode, Role, Segment, Show, ShowRole
from speakers import links
from speakers.models import Speaker

DEMO_DIR = Path(__file__).resolve().parent.parent.parent / "demo"
SHOW_SLUG = "build-night"
SHOW_ZONE = "Europe/Berlin"
AIR_TIME = time(18, 0)
# Days from today for each demo episode, by number.
SCHEDULE = {41: -7, 42: 7, 43: 14}
# How long each segment of the past episode really ran, against its plan (seconds).
RECORDED_RUN = {"Hook": 55, "News": 250, "Guest intro": 130, "General Questions": 1640,
                "Live demo": 780, "Wrap up": 170}  # fmt: skip
# Two earlier episodes on the same plan as #41, so the reports and the editor have a history:
# number → (days from today, title, seconds added to each of #41's segments).
EARLIER = {
    39: (-21, "Feature flags in anger", [5, 40, -10, 180, -60, 20]),
    40: (-14, "Testing the untestable", [-5, 80, 20, 300, 120, -20]),
}
# Where the demo's guests are, and where guests join the upcoming episodes.
GUESTS = {
    "Amara Okafor": ("amara@example.org", "Africa/Lagos", "she/her"),
    "Priya Natarajan": ("priya@example.org", "Asia/Kolkata", "she/her"),
    "Tomás Ferreira": ("tomas@example.org", "America/Sao_Paulo", "he/him"),
    "Lena Vogt": ("lena@example.org", "", ""),
    "Ravi Shah": ("ravi@example.org", "", "he/him"),
}
JOIN_URL = "https://studio.example.org/build-night"
# The run-sheet such a show uses, for the show's template ("New episode" starts from it):
# (title, kind, planned seconds, most seconds for a range).
TEMPLATE = [
    ("Hook", "hook", 60, None),
    ("News", "news", 120, 180),
    ("Speaker intro", "intro", 120, None),
    ("Questions", "questions", 1200, None),
    ("Demo", "demo", 300, 600),
    ("Wrap-up", "wrap_up", 120, None),
]
USERS = [
    ("producer", "Producer (also staff: sees the admin)", [Role.PRODUCER, Role.SHOW_CALLER]),
    ("caller", "Show caller", [Role.SHOW_CALLER]),
    ("host", "Host", [Role.HOST]),
]


class Command(BaseCommand):
    help = "Load the demo show once and print the demo logins."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--logins-file",
            type=Path,
            default=settings.DATA_DIR / "demo-logins.json",
            help="Where the generated demo passwords are kept.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        loaded = Show.objects.filter(slug=SHOW_SLUG).exists()
        if loaded:
            self.stdout.write("Demo show already loaded.")
        else:
            self.load_show()
        passwords = self.ensure_users(options["logins_file"])
        if not loaded:
            self.record_runs()
        self.stdout.write("")
        site = settings.SHOWRUNNER_BASE_URL.rstrip("/")
        self.stdout.write(f"Showrunner is at {site}/  Log in as:")
        for username, description, _roles in USERS:
            self.stdout.write(f"  {username:<9} password {passwords[username]}   ({description})")
        guest = Speaker.objects.filter(show__slug=SHOW_SLUG, name="Amara Okafor").first()
        if guest is not None:
            self.stdout.write(f"A guest's private page (Amara Okafor): {links.absolute_url(guest)}")
        self.stdout.write("")

    @transaction.atomic
    def load_show(self) -> None:
        Show.objects.create(
            slug=SHOW_SLUG,
            name="Build Night",
            upcoming_public=True,
            time_zone=SHOW_ZONE,
            default_target_seconds=3600,
            contact_name="Jo (host)",
            contact_email="jo@example.org",
        )
        today = timezone.localdate()
        zone = zoneinfo.ZoneInfo(SHOW_ZONE)
        for path in sorted(DEMO_DIR.glob("*.md")):
            (doc,) = read(path.read_text(encoding="utf-8"), today=today, path=path, show=SHOW_SLUG)
            days = SCHEDULE.get(doc.number or 0)
            if days is not None:
                day = today + timedelta(days=days)
                doc.air_date = day
                doc.starts_at = datetime.combine(day, AIR_TIME, tzinfo=zone)
                doc.status = "done" if days < 0 else "scheduled"
            save_document(doc)
            self.stdout.write(f"Loaded {doc.summary()}")
            if doc.number == 41:
                for number, (days, title, _) in EARLIER.items():
                    doc.number, doc.title = number, title
                    day = today + timedelta(days=days)
                    doc.air_date = day
                    doc.starts_at = datetime.combine(day, AIR_TIME, tzinfo=zone)
                    doc.news, doc.recording_url = [], ""
                    save_document(doc)
                    self.stdout.write(f"Loaded {doc.summary()}")
        Episode.objects.filter(show__slug=SHOW_SLUG, status="scheduled").update(join_url=JOIN_URL)
        template = editing.template_of(Show.objects.get(slug=SHOW_SLUG))
        Segment.objects.bulk_create(
            Segment(
                episode=template,
                position=position,
                title=title,
                kind=kind,
                planned_seconds=low,
                planned_max_seconds=high or low,
            )
            for position, (title, kind, low, high) in enumerate(TEMPLATE, start=1)
        )
        for name, (email, zone_name, pronouns) in GUESTS.items():
            Speaker.objects.filter(show__slug=SHOW_SLUG, name=name).update(
                email=email, time_zone=zone_name, pronouns=pronouns
            )

    def record_runs(self) -> None:
        """The past episode as it really went on air, and a rehearsal of the next one, played
        through the same commands a show caller gives."""
        caller = get_user_model().objects.get(username="caller")
        for number, (_, _, extra) in EARLIER.items():
            earlier = Episode.objects.get(show__slug=SHOW_SLUG, number=number)
            assert earlier.starts_at is not None
            planned = [RECORDED_RUN.get(s.title, 60) for s in earlier.segments.all()]
            play(
                earlier,
                caller,
                earlier.starts_at,
                [a + b for a, b in zip(planned, extra, strict=True)],
            )
        past = Episode.objects.get(show__slug=SHOW_SLUG, number=41)
        assert past.starts_at is not None
        play(
            past,
            caller,
            past.starts_at,
            [RECORDED_RUN.get(s.title, 60) for s in past.segments.all()],
        )
        upcoming = Episode.objects.get(show__slug=SHOW_SLUG, number=42)
        rehearsed = timezone.now() - timedelta(days=1)
        onair.set_rehearsal(upcoming, True, user=caller, now=rehearsed)
        play(upcoming, caller, rehearsed, [40, 90, 600, 1300, 30, 45])
        self.stdout.write("Recorded the past episode's run and a rehearsal of the next one.")

    def ensure_users(self, logins_file: Path) -> dict[str, str]:
        stored: dict[str, str] = {}
        if logins_file.exists():
            stored = json.loads(logins_file.read_text())
        user_model = get_user_model()
        show = Show.objects.get(slug=SHOW_SLUG)
        for username, _description, roles in USERS:
            user = user_model.objects.filter(username=username).first()
            if user is None or username not in stored:
                stored[username] = secrets.token_urlsafe(9)
                if user is None:
                    user = user_model(username=username)
                user.set_password(stored[username])
                if username == "producer":
                    user.is_staff = user.is_superuser = True
                user.save()
            for role in roles:
                ShowRole.objects.get_or_create(show=show, user=user, role=role)
        logins_file.parent.mkdir(parents=True, exist_ok=True)
        logins_file.write_text(json.dumps(stored, indent=2))
        logins_file.chmod(0o600)
        return stored


def play(episode: Episode, user: Any, start: datetime, seconds: list[int]) -> None:
    """Run the episode from ``start``, each segment for the given seconds, then end it."""
    now = start
    onair.perform(episode, "start", user=user, now=now, version=None, source="demo")
    for index, duration in enumerate(seconds[: episode.segments.count()]):
        now += timedelta(seconds=duration)
        last = index == episode.segments.count() - 1
        onair.perform(
            episode, "end" if last else "next", user=user, now=now, version=None, source="demo"
        )

import json
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from episodes.models import Episode, Segment, Show

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_prints_working_logins_every_time(tmp_path: Path) -> None:
    logins = tmp_path / "logins.json"
    first, second = StringIO(), StringIO()

    call_command("load_demo", "--logins-file", str(logins), stdout=first)
    call_command("load_demo", "--logins-file", str(logins), stdout=second)

    assert Show.objects.count() == 1
    passwords = json.loads(logins.read_text())
    for output in (first.getvalue(), second.getvalue()):
        assert f"producer  password {passwords['producer']}" in output
    assert "already loaded" in second.getvalue()
    producer = authenticate(username="producer", password=passwords["producer"])
    assert producer is not None
    assert producer.is_staff


def test_demo_prints_the_sites_address_and_a_guest_link_on_it(
    tmp_path: Path, settings: SettingsWrapper
) -> None:
    settings.SHOWRUNNER_BASE_URL = "http://127.0.0.1:8100"
    output = StringIO()

    call_command("load_demo", "--logins-file", str(tmp_path / "l.json"), stdout=output)

    assert "Showrunner is at http://127.0.0.1:8100/" in output.getvalue()
    assert "(Amara Okafor): http://127.0.0.1:8100/guest/" in output.getvalue()
    assert ":8000" not in output.getvalue()


def test_demo_has_three_past_and_two_upcoming_episodes_with_guests_and_ranges(
    tmp_path: Path,
) -> None:
    call_command("load_demo", "--logins-file", str(tmp_path / "l.json"), stdout=StringIO())

    today = timezone.localdate()
    episodes = list(Episode.objects.filter(is_template=False).order_by("number"))
    assert [e.number for e in episodes] == [39, 40, 41, 42, 43]
    assert [e.status for e in episodes] == ["done", "done", "done", "scheduled", "scheduled"]
    assert episodes[2].air_date == today - timedelta(days=7)
    assert all(e.air_date > today for e in episodes[3:])
    assert all(e.appearances.filter(role="guest").exists() for e in episodes)
    assert Segment.objects.filter(planned_seconds__lt=F("planned_max_seconds")).exists()
    assert Episode.objects.filter(segments__questions__addressed_to__isnull=False).exists()
    assert Episode.objects.filter(news_items__isnull=False).distinct().count() == 3
    assert Show.objects.get().upcoming_public


def test_demo_has_a_recorded_run_and_a_rehearsal(tmp_path: Path) -> None:
    from episodes.models import LiveState, SegmentRun

    call_command("load_demo", "--logins-file", str(tmp_path / "l.json"), stdout=StringIO())

    past = Episode.objects.get(number=41)
    runs = SegmentRun.objects.filter(episode=past, is_rehearsal=False)
    assert runs.count() == past.segments.count()
    assert all(run.actual_ms and run.actual_ms > 0 for run in runs)
    assert runs.get(title="General Questions").actual_ms == 1_640_000
    assert LiveState.objects.get(episode=past).state == "ended"
    rehearsed = Episode.objects.get(number=42)
    assert LiveState.objects.get(episode=rehearsed).is_rehearsal
    assert SegmentRun.objects.filter(episode=rehearsed, is_rehearsal=True).count() == 6
    assert rehearsed.status == "scheduled"
    # The earlier episodes give the reports and the editor a history to show.
    assert SegmentRun.objects.filter(is_rehearsal=False).values("episode").distinct().count() == 3


def test_demo_template_holds_the_shows_usual_run_sheet(tmp_path: Path) -> None:
    call_command("load_demo", "--logins-file", str(tmp_path / "l.json"), stdout=StringIO())

    template = Episode.objects.get(is_template=True)
    rows = list(
        template.segments.values_list("title", "kind", "planned_seconds", "planned_max_seconds")
    )

    assert rows == [
        ("Hook", "hook", 60, 60),
        ("News", "news", 120, 180),
        ("Speaker intro", "intro", 120, 120),
        ("Questions", "questions", 1200, 1200),
        ("Demo", "demo", 300, 600),
        ("Wrap-up", "wrap_up", 120, 120),
    ]

"""Backing up a whole show and restoring it: same data back, same logins and links, and a bad
archive refused with its entry and field named, leaving nothing behind."""

import json
import os
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models, transaction
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from episodes import backup
from episodes.api import new_token
from episodes.models import (
    ApiToken,
    Appearance,
    Change,
    Episode,
    LiveMessage,
    LiveState,
    NewsItem,
    Question,
    Reminder,
    Role,
    Segment,
    SegmentRun,
    Show,
    ShowRole,
)
from episodes.views.upcoming import feed_key
from speakers import avatars, links
from speakers.emails import due, fingerprint
from speakers.models import ProfileChange, Speaker
from tests.factories import (
    make_appearance,
    make_episode,
    make_news,
    make_producer,
    make_question,
    make_run,
    make_segment,
    make_show,
    make_speaker,
    make_user,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 3, 17, 0, tzinfo=UTC)
PASSWORD = "the producer's own password"
User = get_user_model()
TABLES: list[type[models.Model]] = [
    Show,
    ShowRole,
    Episode,
    Appearance,
    Segment,
    Question,
    Question.addressed_to.through,
    NewsItem,
    LiveState,
    SegmentRun,
    LiveMessage,
    Reminder,
    Change,
    ApiToken,
    Speaker,
    ProfileChange,
    User,
]


@dataclass
class RichShow:
    show: Show
    dana: Speaker
    dana_token: str
    photo: bytes
    next_episode: Episode


def png(size: tuple[int, int] = (64, 48)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


def make_rich_show() -> RichShow:
    """A show with one of everything a backup carries, and an undo record and API token that it
    leaves out. In the archive, episodes are [template, #41, #42, draft] and speakers
    [Jo, Dana Li, Widget team, Omar Haddad]."""
    show = make_show(
        name="Build Night",
        slug="build-night",
        contact_name="Jo",
        contact_email="jo@example.org",
        call_minutes=20,
        warning_seconds=90,
    )
    producer = make_producer(
        show,
        username="pat",
        password=PASSWORD,
        first_name="Pat",
        last_name="Lee",
        email="pat@example.org",
        is_staff=True,
    )
    caller = make_user((show, Role.SHOW_CALLER), (show, Role.HOST), username="cal")
    make_user((show, Role.HOST), username="hana", is_active=False)
    outside_controller = make_user(username="root", is_staff=True)

    template = make_episode(
        show=show, number=None, title="Template", starts_at=None, status="draft", is_template=True
    )
    past = make_episode(
        show=show,
        number=41,
        title="Feature flags",
        status="done",
        hook="Flags everywhere",
        description="We *flip* things.",
        chapters="00:00 Hook\n00:55 Questions",
        recording_url="https://video.example.org/41",
        version=4,
        layout_version=3,
        revision=12,
    )
    upcoming = make_episode(
        show=show,
        number=42,
        title="Testing",
        starts_at=T0 + timedelta(days=7),
        hard_out_at=T0 + timedelta(days=7, hours=1, minutes=30),
        call_minutes=15,
        join_url="https://studio.example.org/build-night",
    )
    make_episode(show=show, number=None, title="Someday", starts_at=None, air_date=date(2026, 5, 1))

    jo = make_speaker(name="Jo", email="jo@example.org")
    dana = make_speaker(
        name="Dana Li",
        email="dana@example.org",
        pronouns="she/her",
        pronunciation="DAH-nah LEE",
        bio="**Builds** things.",
        links=["https://dana.example.org", "https://social.example.org/@dana"],
        time_zone="Asia/Tokyo",
    )
    widgets = make_speaker(name="Widget team", is_group=True)
    omar = make_speaker(name="Omar Haddad", email="omar@example.org")
    photo = png()
    dana.avatar.save("dana.png", ContentFile(photo), save=False)
    small = avatars.process(ContentFile(photo, name="dana.png"))["avatar_small"]  # type: ignore[arg-type]
    dana.avatar_small.save(small.name, small, save=False)
    dana.save()
    dana_token = links.regenerate(dana, expires_at=T0 + timedelta(days=365))
    ProfileChange.objects.create(
        speaker=dana,
        changed_at=T0 - timedelta(days=2),
        fields={"pronouns": ["", "she/her"], "bio": ["", "**Builds** things."]},
    )

    host = make_appearance(past, jo, role="host")
    dana_past = make_appearance(past, dana, notes="Bring the demo.")
    widgets_past = make_appearance(past, widgets)
    hook = make_segment(past, title="Hook", kind="hook", minutes=1)
    questions = make_segment(
        past,
        title="Questions",
        kind="questions",
        planned_seconds=600,
        planned_max_seconds=900,
        owner=dana_past,
        warning_seconds=60,
        danger_seconds=20,
        notes="Keep it *short*.",
    )
    make_segment(past, title="Open end", minutes=None, owner=host)
    make_question(questions, dana_past, text="How did it start?", status="asked", notes="first")
    make_question(questions, dana_past, widgets_past, text="Who uses it?", status="skipped")
    make_question(questions, text="What next?", for_everyone=True, is_recurring=True)
    make_news(past)
    make_news(past, title="", url="https://news.example.org/only-a-link")
    make_news(past, title="Read out", url="", notes="No link.")
    make_run(hook, T0, 55)
    make_run(questions, T0 + timedelta(seconds=55), 800, paused_ms=1500)
    make_run(hook, T0 - timedelta(days=1), 40, is_rehearsal=True)
    SegmentRun.objects.create(
        episode=past,
        segment=None,
        title="A segment deleted since",
        started_at=T0 + timedelta(seconds=855),
        ended_at=T0 + timedelta(seconds=900, microseconds=250_000),
        added_ms=-30_000,
    )
    LiveState.objects.create(
        episode=past,
        state=LiveState.State.ENDED,
        segment=questions,
        segment_started_at=T0 + timedelta(seconds=55),
        paused_ms=1500,
        added_ms=60_000,
        show_started_at=T0,
        ended_at=T0 + timedelta(seconds=900),
        controller=outside_controller,
        controller_since=T0 - timedelta(minutes=5),
        last_action="end",
        last_action_by="stream-deck",
        last_action_at=T0 + timedelta(seconds=900),
        version=9,
    )
    LiveMessage.objects.create(
        episode=past,
        appearance=dana_past,
        text="Wrap up, please",
        flash=True,
        created_at=T0 + timedelta(minutes=10),
        cleared_at=T0 + timedelta(minutes=11),
    )
    LiveMessage.objects.create(
        episode=past, text="One minute", created_at=T0 + timedelta(minutes=14)
    )

    dana_next = make_appearance(upcoming, dana)
    make_appearance(upcoming, omar, notes="Your first time!")
    make_segment(upcoming, title="Intro", kind="intro", owner=dana_next, minutes=2)
    make_segment(template, title="Hook", kind="hook", minutes=1)
    Reminder.objects.create(appearance=dana_next, kind="link", sent_at=T0)
    assert upcoming.call_time is not None
    Reminder.objects.create(
        appearance=dana_next,
        kind="day",
        fingerprint=fingerprint(dana_next),
        sent_at=upcoming.call_time - timedelta(hours=23, minutes=50),
    )

    Change.objects.create(
        episode=past, user=caller, created_at=T0, action="edit", description="edit the title"
    )
    new_token(producer, "Stream Deck")
    return RichShow(show, dana, dana_token, photo, upcoming)


def wipe() -> None:
    """What a disaster leaves: no shows, speakers or users, an empty media folder."""
    Show.objects.all().delete()
    Speaker.objects.all().delete()
    User.objects.all().delete()
    shutil.rmtree(settings.MEDIA_ROOT)
    Path(settings.MEDIA_ROOT).mkdir()


def rows() -> dict[str, list[tuple[Any, ...]]]:
    return {
        table._meta.label: list(table._default_manager.order_by("pk").values_list())
        for table in TABLES
    }


def media_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def entries(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zip_of(files: dict[str, bytes]) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def edited(content: bytes, change: Callable[[dict[str, Any]], object]) -> bytes:
    """The archive with its show.json changed by hand."""
    files = entries(content)
    data = json.loads(files["show.json"])
    change(data)
    files["show.json"] = json.dumps(data).encode()
    return zip_of(files)


def saved(tmp_path: Path, content: bytes, name: str = "backup.zip") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_backup_restored_into_an_empty_database_backs_up_to_the_same_archive(
    tmp_path: Path,
) -> None:
    rich = make_rich_show()
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    call_command("backup_show", "build-night", "-o", str(first), stdout=StringIO())
    counts = {label: len(table_rows) for label, table_rows in rows().items()}
    wipe()
    out = StringIO()

    call_command("restore_show", str(first), "--with-staff", stdout=out)
    call_command("backup_show", "build-night", "-o", str(second), stdout=StringIO())

    archive, again = entries(first.read_bytes()), entries(second.read_bytes())
    dana = Speaker.objects.get(name="Dana Li")
    # The same archive, but for the photos: re-encoded as uploads are, under the app's own names.
    renamed = archive["show.json"].decode()
    for old, new in [(rich.dana.avatar, dana.avatar), (rich.dana.avatar_small, dana.avatar_small)]:
        renamed = renamed.replace(f'"{old.name}"', f'"{new.name}"')
    assert again["show.json"].decode() == renamed
    assert again["manifest.json"] == archive["manifest.json"]
    assert json.loads(archive["manifest.json"]) == {"format": "showrunner-backup", "version": 1}
    assert archive[f"media/{rich.dana.avatar.name}"] == rich.photo
    assert sorted(media_files()) == sorted([dana.avatar.name, dana.avatar_small.name])
    for photo, side in [(dana.avatar, 512), (dana.avatar_small, 96)]:
        assert re.fullmatch(r"avatars/avatar(_small)?(_\w+)?\.jpg", photo.name)
        with Image.open(Path(settings.MEDIA_ROOT) / photo.name) as image:
            assert (image.format, image.size) == ("JPEG", (side, side))
        assert again[f"media/{photo.name}"] == (Path(settings.MEDIA_ROOT) / photo.name).read_bytes()
    assert all(counts.values())  # one of everything, at least
    restored = {label: len(table_rows) for label, table_rows in rows().items()}
    assert restored == {**counts, "episodes.Change": 0, "episodes.ApiToken": 0}
    assert "4 episodes, 4 new users, 4 new speakers, 2 photos" in out.getvalue()


def test_backup_archive_holds_rows_by_keys_inside_it() -> None:
    make_rich_show()

    data = json.loads(entries(backup.dump_show(Show.objects.get()).content)["show.json"])

    past = data["episodes"][1]
    assert [s["name"] for s in data["speakers"]] == ["Jo", "Dana Li", "Widget team", "Omar Haddad"]
    assert [a["speaker"] for a in past["appearances"]] == [0, 1, 2]
    assert [s["owner"] for s in past["segments"]] == [None, 1, 0]
    questions = past["segments"][1]["questions"]
    assert [(q["addressed_to"], q["for_everyone"]) for q in questions] == [
        ([1], False),
        ([1, 2], False),
        ([], True),
    ]
    assert past["live"]["segment"] == 1
    assert past["live"]["controller"] == "root"
    assert [run["segment"] for run in past["segment_runs"]] == [0, 0, 1, None]
    assert [m["appearance"] for m in past["live_messages"]] == [1, None]
    assert {(r["user"], r["role"]) for r in data["team"]} >= {("pat", "producer"), ("cal", "host")}
    assert data["episodes"][0]["is_template"] is True
    assert data["speakers"][1]["link_secret"]
    assert data["show"]["feed_secret"]


def test_restore_keeps_guest_links_and_feed_addresses_working() -> None:
    rich = make_rich_show()
    key = feed_key(rich.show)
    content = backup.dump_show(rich.show).content
    wipe()

    restored = backup.restore_backup(BytesIO(content), with_staff=True)

    speaker = links.speaker_for(rich.dana_token, now=T0)
    assert speaker is not None
    assert speaker.name == "Dana Li"
    assert speaker.link_expires_at == T0 + timedelta(days=365)
    assert feed_key(restored.show) == key
    assert restored.notes == []


def test_restore_lets_the_team_log_in_with_their_old_passwords(client: Client) -> None:
    rich = make_rich_show()
    content = backup.dump_show(rich.show).content
    wipe()

    backup.restore_backup(BytesIO(content), with_staff=True)

    assert client.login(username="pat", password=PASSWORD)
    pat = User.objects.get(username="pat")
    assert (pat.first_name, pat.email, pat.is_staff) == ("Pat", "pat@example.org", True)
    assert not User.objects.get(username="hana").is_active
    assert set(pat.show_roles.values_list("role", flat=True)) == {"producer"}


def test_restore_keeps_reminders_so_none_is_sent_twice() -> None:
    rich = make_rich_show()
    assert rich.next_episode.call_time is not None
    now = rich.next_episode.call_time - timedelta(hours=23)
    before = [(a.speaker.name, kind) for a, kind in due(now)]
    content = backup.dump_show(rich.show).content
    wipe()

    backup.restore_backup(BytesIO(content))

    after = [(a.speaker.name, kind) for a, kind in due(now)]
    assert before == after == [("Omar Haddad", "day")]  # Dana had hers before the backup


def test_restore_reuses_users_with_the_same_username_as_they_are() -> None:
    rich = make_rich_show()
    content = backup.dump_show(rich.show).content
    wipe()
    make_user(username="pat", password="a newer password", email="pat@new.example.org")

    restored = backup.restore_backup(BytesIO(content))

    pat = User.objects.get(username="pat")
    assert restored.reused_users == ["pat"]
    assert pat.email == "pat@new.example.org"
    assert pat.check_password("a newer password")
    assert not pat.is_staff
    assert ShowRole.objects.filter(show=restored.show, user=pat, role="producer").exists()


def test_restore_never_reuses_or_changes_another_shows_speaker() -> None:
    rich = make_rich_show()
    content = backup.dump_show(rich.show).content
    wipe()
    elsewhere = make_show(slug="elsewhere")
    dana = make_speaker(name="Dana Li", email="DANA@example.org", bio="Here already.")
    make_appearance(make_episode(show=elsewhere), dana)

    restored = backup.restore_backup(BytesIO(content))

    dana.refresh_from_db()
    assert dana.bio == "Here already."
    assert dana.show == elsewhere
    assert Appearance.objects.filter(speaker=dana).count() == 1
    restored_dana = Speaker.objects.get(name="Dana Li", show=restored.show)
    assert restored_dana.pk != dana.pk
    assert set(
        Appearance.objects.filter(episode__show=restored.show).values_list(
            "speaker__show", flat=True
        )
    ) == {restored.show.pk}


def test_restore_gives_new_ids_when_the_kept_ones_are_taken() -> None:
    rich = make_rich_show()
    content = backup.dump_show(rich.show).content
    old_dana_id = rich.dana.pk
    other = make_show(slug="other")
    Speaker.objects.filter(pk=old_dana_id).update(
        show=other, email="", name="Someone else", link_secret=""
    )
    Show.objects.exclude(pk=other.pk).delete()

    restored = backup.restore_backup(BytesIO(content))

    dana = Speaker.objects.get(name="Dana Li")
    assert dana.pk != old_dana_id
    assert links.speaker_for(rich.dana_token, now=T0) is None
    assert any("Dana Li" in note and "private link" in note for note in restored.notes)


def test_restore_moves_id_counters_past_the_ids_it_kept() -> None:
    rich = make_rich_show()

    def far_ids(data: dict[str, Any]) -> None:
        data["show"]["id"] = 50_000
        for index, speaker in enumerate(data["speakers"]):
            speaker["id"] = 60_000 + index

    content = edited(backup.dump_show(rich.show).content, far_ids)
    wipe()

    backup.restore_backup(BytesIO(content))

    assert make_speaker().pk > 60_003
    assert make_show().pk > 50_000


def test_backup_warns_and_leaves_out_a_photo_missing_from_storage() -> None:
    rich = make_rich_show()
    default_storage.delete(rich.dana.avatar.name)

    result = backup.dump_show(rich.show)

    assert len(result.warnings) == 1
    assert rich.dana.avatar.name in result.warnings[0]
    data = json.loads(entries(result.content)["show.json"])
    assert data["speakers"][1]["avatar"] == ""
    assert data["speakers"][1]["avatar_small"] == rich.dana.avatar_small.name


def test_backup_refuses_a_segment_led_by_a_guest_of_another_episode() -> None:
    rich = make_rich_show()
    Segment.objects.filter(episode=rich.next_episode).update(
        owner=Appearance.objects.filter(episode__number=41).first()
    )

    with pytest.raises(CommandError, match=r"#42: Testing.*the lead of “Intro” belongs to another"):
        call_command("backup_show", "build-night", "-o", "/dev/null", stdout=StringIO())


def test_backup_show_refuses_an_unknown_slug() -> None:
    make_show(slug="talk-show")

    with pytest.raises(
        CommandError, match=r"no show with the slug 'nope'\. Shows here: talk-show\."
    ):
        call_command("backup_show", "nope", stdout=StringIO())


def test_backup_show_writes_an_archive_only_its_owner_can_read(tmp_path: Path) -> None:
    make_rich_show()
    path = tmp_path / "build-night.zip"
    out = StringIO()

    call_command("backup_show", "build-night", "-o", str(path), stdout=out)

    assert path.stat().st_mode & 0o777 == 0o600
    assert f"Backed up “Build Night” to {path}: 4 episodes" in out.getvalue()
    assert [p.name for p in tmp_path.iterdir()] == ["build-night.zip"]


def test_restore_refuses_a_show_whose_slug_exists(tmp_path: Path) -> None:
    rich = make_rich_show()
    path = saved(tmp_path, backup.dump_show(rich.show).content)
    before, files = rows(), media_files()

    with pytest.raises(CommandError, match="A show with the slug “build-night” exists already"):
        call_command("restore_show", path, stdout=StringIO())

    assert rows() == before
    assert media_files() == files


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some text", "This is not a zip archive"),
        (zip_of({"notes.txt": b"hello"}), "holds no manifest.json: it is not a Showrunner backup"),
        (
            zip_of({"manifest.json": b'{"format": "other", "version": 1}'}),
            "does not name the format “showrunner-backup”",
        ),
        (
            zip_of({"manifest.json": b'{"format": "showrunner-backup", "version": 2}'}),
            "format version 2; this Showrunner reads version 1 only",
        ),
        (
            zip_of({"manifest.json": b'{"format": "showrunner-backup", "version": 1}'}),
            "The archive holds no show.json",
        ),
        (
            zip_of(
                {
                    "manifest.json": b'{"format": "showrunner-backup", "version": 1}',
                    "show.json": b'{"show": ',
                }
            ),
            "show.json is not valid JSON: Expecting value: line 1 column 10",
        ),
    ],
)
def test_restore_refuses_what_is_not_a_backup_it_reads(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = saved(tmp_path, content)
    before = rows()

    with pytest.raises(CommandError, match=message):
        call_command("restore_show", path, stdout=StringIO())

    assert rows() == before


def test_restore_refuses_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.zip"

    with pytest.raises(CommandError, match=f"Nothing restored from {path}. It cannot be read"):
        call_command("restore_show", str(path), stdout=StringIO())


def set_in(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    """A change to show.json: the value at a dotted path such as ``episodes.1.title``."""
    return lambda data: set_at(data, tuple(path.split(".")), value)


def set_at(data: object, path: tuple[str | int, ...], value: object) -> None:
    """Set (or, with ``DELETE``, remove) the value at ``path`` in a JSON document."""
    *parents, last = path
    target: Any = data
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    key = int(last) if isinstance(target, list) else last
    if value is DELETE:
        del target[key]
    else:
        target[key] = value


DELETE = object()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            set_in("episodes.1.segments.1.planned_seconds", 1000),
            "show.json: episodes[1].segments[1]: Give both the minimum and the maximum, "
            "with the minimum not above the maximum.",
        ),
        (
            set_in("episodes.1.segment_runs.0.segment", 3),
            "show.json: episodes[1].segment_runs[0].segment: there is no segment 3 "
            "(there are 3, counted from 0).",
        ),
        (
            set_in("episodes.1.segments.1.questions.0.addressed_to", [1, 7]),
            "show.json: episodes[1].segments[1].questions[0].addressed_to[1]: "
            "there is no appearance 7",
        ),
        (set_in("episodes.2.title", DELETE), "show.json: episodes[2]: missing field “title”."),
        (set_in("episodes.2.colour", "red"), "show.json: episodes[2]: unexpected field “colour”."),
        (
            set_in("show.call_minutes", "thirty"),
            'show.json: show.call_minutes: expected a whole number, found "thirty".',
        ),
        (
            set_in("episodes.1.starts_at", "2026-03-03T17:00:00"),
            "show.json: episodes[1].starts_at: expected a date and time with its UTC offset",
        ),
        (set_in("show.time_zone", "Mars/Olympus"), "show.json: show.time_zone: "),
        (set_in("episodes.1.status", "lost"), "show.json: episodes[1].status: Value 'lost'"),
        (
            set_in("team.0.user", "nobody"),
            'show.json: team[0].user: there is no user "nobody" in “users”.',
        ),
        (
            set_in("episodes.1.segments.2.position", 2),
            "show.json: episodes[1].segments[2]: Segment with this Episode and Position already",
        ),
        (
            set_in("speakers.1.links", ["javascript:alert(1)"]),
            "show.json: speakers[1].links: Link 1 (javascript:alert(1)) is not a web address",
        ),
        (
            set_in("speakers.1.avatar", "../../showrunner/settings.py"),
            "show.json: speakers[1].avatar: expected a photo name such as “avatars/a.jpg”",
        ),
        (
            set_in("speakers.3.avatar", "avatars/not-in-the-archive.jpg"),
            "show.json: speakers[3].avatar: the archive holds no "
            "media/avatars/not-in-the-archive.jpg.",
        ),
        (set_in("users.0.password", None), "show.json: users[0].password: must not be null."),
        (set_in("episodes", {}), "show.json: episodes: expected a list, found an object."),
    ],
)
def test_restore_refuses_a_damaged_archive_and_leaves_nothing_behind(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    rich = make_rich_show()
    path = saved(tmp_path, edited(backup.dump_show(rich.show).content, change))
    wipe()

    with pytest.raises(CommandError) as refused:
        call_command("restore_show", path, stdout=StringIO())

    assert str(refused.value).startswith(f"Nothing restored from {path}. ")
    assert message in str(refused.value)
    assert all(not table_rows for table_rows in rows().values())
    assert media_files() == []


def test_restore_refuses_a_photo_that_is_not_an_image(tmp_path: Path) -> None:
    rich = make_rich_show()
    files = entries(backup.dump_show(rich.show).content)
    files[f"media/{rich.dana.avatar_small.name}"] = b"<?php echo 'not a photo';"
    path = saved(tmp_path, zip_of(files))
    wipe()

    with pytest.raises(
        CommandError,
        match=r"show.json: speakers\[1\].avatar_small: media/avatars/.* is refused: "
        "That file is not a picture we can read.",
    ):
        call_command("restore_show", path, stdout=StringIO())

    assert all(not table_rows for table_rows in rows().values())
    assert media_files() == []  # the big photo, written first, was removed again


BACKUP_FIELDS: dict[type[models.Model], set[str]] = {
    # Archiving is not carried in version 1 (an archive of it would not restore elsewhere): a
    # restored show or episode comes back on the lists. A deleted draft is never backed up.
    Show: {"id", "archived_at", *backup.SHOW_FIELDS},
    ShowRole: {"id", "show", "user", *backup.TEAM_FIELDS},
    # live_revision only tells open screens to refresh: a restored show starts from 1.
    Episode: {
        "id",
        "show",
        "live_revision",
        "archived_at",
        "deleted_at",
        *backup.EPISODE_FIELDS,
    },
    Appearance: {"id", "episode", "speaker", *backup.APPEARANCE_FIELDS},
    Reminder: {"id", "appearance", *backup.REMINDER_FIELDS},
    Segment: {"id", "episode", "owner", *backup.SEGMENT_FIELDS},
    Question: {"id", "segment", "addressed_to", *backup.QUESTION_FIELDS},
    NewsItem: {"id", "episode", *backup.NEWS_FIELDS},
    LiveState: {
        "id",
        "episode",
        "segment",
        "controller",
        *backup.LIVE_ADDED,
        *backup.LIVE_FIELDS,
    },
    SegmentRun: {"id", "episode", "segment", *backup.SEGMENT_RUN_FIELDS},
    LiveMessage: {"id", "episode", "appearance", "segment", *backup.LIVE_MESSAGE_FIELDS},
    Speaker: {"id", "show", "avatar", "avatar_small", *backup.SPEAKER_FIELDS},
    # Who of the team made a change is not carried in version 1: restored, it reads as the guest's.
    ProfileChange: {"id", "speaker", "changed_by", *backup.PROFILE_CHANGE_FIELDS},
}


@pytest.mark.parametrize("model", list(BACKUP_FIELDS), ids=lambda model: model.__name__)
def test_backup_format_covers_every_field_of(model: type[models.Model]) -> None:
    fields = {f.name for f in [*model._meta.concrete_fields, *model._meta.many_to_many]}

    assert fields == BACKUP_FIELDS[model], "a new field: carry it in episodes/backup.py"


def test_backup_of_the_demo_show_restores_to_the_same_archive(tmp_path: Path) -> None:
    call_command("load_demo", "--logins-file", str(tmp_path / "logins.json"), stdout=StringIO())
    first = backup.dump_show(Show.objects.get(slug="build-night")).content
    wipe()

    restored = backup.restore_backup(BytesIO(first), with_staff=True)

    assert entries(backup.dump_show(restored.show).content) == entries(first)  # no photos
    # Five episodes and the template.
    assert restored.counts == {"users": 3, "speakers": 7, "episodes": 6}


def paths_in(value: object, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every place in a JSON document, the document itself first."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths_in(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths_in(item, (*prefix, index))
    return found


ANY_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=120)
    | st.sampled_from(["", "avatars/x.jpg", "2026-03-03T17:00:00+00:00", "2026-02-30", "\x00"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)


class Archive(bytes):
    def __repr__(self) -> str:  # hypothesis prints its arguments: not all of them
        return f"<an archive of {len(self)} bytes>"


@pytest.fixture
def rich_archive() -> Archive:
    return Archive(backup.dump_show(make_rich_show().show).content)


@hypothesis_settings(
    max_examples=int(os.environ.get("SHOWRUNNER_FUZZ_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_restore_of_an_archive_with_any_value_changed_is_whole_or_refused(
    rich_archive: bytes, data: st.DataObject
) -> None:
    document = json.loads(entries(rich_archive)["show.json"])
    path = data.draw(st.sampled_from(paths_in(document)[1:]), label="path")
    value = data.draw(st.just(DELETE) | ANY_JSON, label="value")
    set_at(document, path, value)
    files = {**entries(rich_archive), "show.json": json.dumps(document).encode()}
    media_before = media_files()

    with transaction.atomic():
        Show.objects.all().delete()
        Speaker.objects.all().delete()
        User.objects.all().delete()
        before = rows()
        try:
            backup.restore_backup(BytesIO(zip_of(files)))
        except backup.RestoreError as exc:
            refused = str(exc)
        else:
            refused = ""
        after = rows()
        transaction.set_rollback(True)

    if refused:
        assert refused.startswith("show.json: ")
        assert after == before
        assert media_files() == media_before
    else:
        for name in set(media_files()) - set(media_before):
            default_storage.delete(name)


def test_restore_makes_no_staff_unless_asked_and_lists_the_users_it_creates(
    tmp_path: Path,
) -> None:
    rich = make_rich_show()
    User.objects.filter(username="pat").update(is_superuser=True)
    path = saved(tmp_path, backup.dump_show(rich.show).content)
    wipe()
    out = StringIO()

    call_command("restore_show", path, stdout=out)

    assert not User.objects.filter(is_staff=True).exists()
    assert not User.objects.filter(is_superuser=True).exists()
    created = sorted(User.objects.values_list("username", flat=True))
    assert f"Users created: {', '.join(created)}" in " ".join(out.getvalue().split())
    assert "pat was staff in the archive and is restored without staff status" in out.getvalue()


def test_restore_with_staff_keeps_staff_but_never_superusers(tmp_path: Path) -> None:
    rich = make_rich_show()
    User.objects.filter(username="pat").update(is_superuser=True)
    path = saved(tmp_path, backup.dump_show(rich.show).content)
    wipe()
    out = StringIO()

    call_command("restore_show", path, "--with-staff", stdout=out)

    assert User.objects.get(username="pat").is_staff
    assert not User.objects.filter(is_superuser=True).exists()
    assert "pat (staff)" in out.getvalue()


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {2: (52.0, 31.0, 12.0), 1: "N", 4: (13.0, 24.0, 0.0), 3: "E"}  # GPSInfo
    out = BytesIO()
    Image.new("RGB", (640, 480), (10, 120, 200)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_restore_re_encodes_photos_so_no_script_or_gps_data_is_kept(tmp_path: Path) -> None:
    rich = make_rich_show()
    files = entries(backup.dump_show(rich.show).content)
    evil = b"<html><script>alert(document.cookie)</script></html>"
    polyglot = png() + evil  # a real picture, with a page after it, named to be served as one
    del files[f"media/{rich.dana.avatar.name}"], files[f"media/{rich.dana.avatar_small.name}"]
    files["media/avatars/evil.html"] = polyglot
    files["media/avatars/gps.jpg"] = jpeg_with_gps()
    data = json.loads(files["show.json"])
    data["speakers"][1]["avatar"] = "avatars/evil.html"
    data["speakers"][1]["avatar_small"] = "avatars/gps.jpg"
    files["show.json"] = json.dumps(data).encode()
    path = saved(tmp_path, zip_of(files))
    wipe()

    call_command("restore_show", path, stdout=StringIO())

    dana = Speaker.objects.get(name="Dana Li")
    stored = sorted(media_files())
    assert stored == sorted([dana.avatar.name, dana.avatar_small.name])
    assert all(re.fullmatch(r"avatars/avatar(_small)?(_\w+)?\.jpg", name) for name in stored)
    for name in stored:
        content = (Path(settings.MEDIA_ROOT) / name).read_bytes()
        assert b"<script" not in content
        with Image.open(BytesIO(content)) as image:
            assert image.format == "JPEG"
            assert not image.getexif().get_ifd(0x8825)  # no GPS
            assert 0x8825 not in image.getexif()
    assert not (Path(settings.MEDIA_ROOT) / "avatars" / "evil.html").exists()


def zip_bomb() -> bytes:
    """A valid backup but for a show.json of 300 MB of spaces: about 300 KB packed."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps({"format": "showrunner-backup", "version": 1}))
        with archive.open("show.json", "w", force_zip64=True) as entry:
            block = b" " * (1024 * 1024)
            for _ in range(300):
                entry.write(block)
            entry.write(b"{}")
    return out.getvalue()


def test_restore_refuses_an_archive_that_would_unpack_past_the_bound_before_unpacking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = zip_bomb()
    opened: list[str] = []
    original_open = zipfile.ZipFile.open

    def watch_open(self: zipfile.ZipFile, name: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(getattr(name, "filename", name))
        return original_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", watch_open)

    with pytest.raises(backup.RestoreError) as refused:
        backup.restore_backup(BytesIO(bomb))

    assert len(bomb) < 1024 * 1024
    assert "show.json would unpack from" in str(refused.value)
    assert "more than 100 times" in str(refused.value)
    assert opened == []  # refused from the zip's directory: nothing was unpacked


def test_restore_refuses_show_json_over_the_bound_even_when_stored_plainly() -> None:
    files = {
        "manifest.json": json.dumps({"format": "showrunner-backup", "version": 1}).encode(),
        "show.json": b" " * (backup.MAX_JSON_BYTES + 1),
    }

    with pytest.raises(backup.RestoreError, match=r"show\.json is too large"):
        backup.restore_backup(BytesIO(zip_of(files)))


def test_restore_refuses_an_archive_of_too_many_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup, "MAX_ENTRIES", 3)
    files = {f"media/avatars/{n}.jpg": b"x" for n in range(3)}
    files["manifest.json"] = json.dumps({"format": "showrunner-backup", "version": 1}).encode()

    with pytest.raises(backup.RestoreError, match="holds 4 entries; a backup holds at most 3"):
        backup.restore_backup(BytesIO(zip_of(files)))


def graphics_show() -> Show:
    """A show with its graphics' looks, a speaker's title, and a live row pointing at a question
    being asked and the news item on screen."""
    show = make_show(name="Night Desk", slug="night-desk")
    Show.objects.filter(pk=show.pk).update(
        lower_third_seconds=5,
        overlay_accent="#1a7f37",
        overlay_font="serif",
        overlay_size=120,
        overlay_side="right",
    )
    show.refresh_from_db()
    episode = make_episode(show=show, number=3, starts_at=T0)
    guest = make_appearance(episode, make_speaker(show=show, name="Dana Li"))
    Speaker.objects.filter(pk=guest.speaker_id).update(title="Maintainer, Widgets")
    make_segment(episode, title="Intro", minutes=2)
    chat = make_segment(episode, title="Chat", minutes=10)
    make_question(chat, text="First?")
    asked = make_question(chat, guest, text="Second?")
    make_news(episode, title="One", url="https://example.org/1")
    shown = make_news(episode, title="Two", url="https://example.org/2")
    LiveState.objects.create(
        episode=episode,
        segment=chat,
        asking=asked,
        news_item=shown,
        graphics={"lower_third": "out", "clock": "in"},
    )
    return show


def test_restore_carries_the_stream_graphics() -> None:
    show = graphics_show()
    secret = show.overlay_secret
    first = backup.dump_show(show).content
    wipe()

    restored = backup.restore_backup(BytesIO(first)).show

    assert entries(backup.dump_show(restored).content) == entries(first)
    assert (restored.overlay_accent, restored.overlay_font, restored.overlay_size) == (
        "#1a7f37",
        "serif",
        120,
    )
    assert (restored.overlay_side, restored.lower_third_seconds) == ("right", 5)
    assert restored.overlay_secret == secret
    assert Speaker.objects.get(name="Dana Li").title == "Maintainer, Widgets"
    live = LiveState.objects.get(episode__show=restored)
    assert live.asking is not None
    assert (live.asking.text, live.asking.segment.title) == ("Second?", "Chat")
    assert live.news_item is not None
    assert live.news_item.title == "Two"
    assert live.graphics == {"lower_third": "out", "clock": "in"}


def test_an_archive_made_before_the_stream_graphics_restores_with_their_defaults() -> None:
    show = graphics_show()
    secret = show.overlay_secret

    def before_graphics(data: dict[str, Any]) -> None:
        for name in (*backup.SHOW_ADDED, "overlay_secret"):
            del data["show"][name]
        for speaker in data["speakers"]:
            del speaker["title"]
        for episode in data["episodes"]:
            if episode["live"] is not None:
                for name in backup.LIVE_ADDED:
                    del episode["live"][name]

    archive = edited(backup.dump_show(show).content, before_graphics)
    wipe()

    restored = backup.restore_backup(BytesIO(archive)).show

    assert (restored.overlay_accent, restored.overlay_font, restored.lower_third_seconds) == (
        "#e4002b",
        "sans",
        8,
    )
    assert restored.overlay_secret != secret  # a new key: nothing of the old one was there
    assert Speaker.objects.get(name="Dana Li").title == ""
    live = LiveState.objects.get(episode__show=restored)
    assert (live.asking, live.news_item, live.graphics) == (None, None, {})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda live: live.update(graphics={"lower_third": "maybe"}), "live.graphics.lower_third"),
        (lambda live: live.update(graphics={"banner": "in"}), "live.graphics.banner"),
        (lambda live: live.update(asking=[1, 7]), "live.asking[1]: there is no question 7"),
        (lambda live: live.update(asking="Second?"), "live.asking: expected [segment, question]"),
        (lambda live: live.update(news_item=5), "live.news_item: there is no news item 5"),
    ],
)
def test_restore_refuses_graphics_pointers_that_point_nowhere(
    change: Callable[[dict[str, Any]], None], message: str
) -> None:
    show = graphics_show()

    def point_elsewhere(data: dict[str, Any]) -> None:
        change(next(e for e in data["episodes"] if e["live"] is not None)["live"])

    archive = edited(backup.dump_show(show).content, point_elsewhere)
    wipe()
    with pytest.raises(backup.RestoreError, match=re.escape(message)):
        backup.restore_backup(BytesIO(archive))
    assert not Show.objects.exists()

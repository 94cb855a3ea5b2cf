"""A whole show in one zip archive, and back: ``manage.py backup_show`` and ``restore_show``.

The archive (format ``showrunner-backup``, version 1) holds:

``manifest.json``
    ``{"format": "showrunner-backup", "version": 1}``: what the file is.
``show.json``
    The show (its feed secret too), its team (the users, with their password hashes, and their
    roles), every episode with its appearances and the reminders sent, segments, questions,
    news, live state, segment runs and live messages, and the speakers on those episodes with
    their profile changes (their private-link secrets too).
``media/avatars/…``
    The speakers' photos, byte for byte, under their names in the media storage.

Rows point at each other by keys inside the archive, never by database ids: a user by username,
a speaker by its place in ``speakers``, an appearance or a segment by its place in its episode.
So a backup restored into an empty database backs up again to the same JSON. Two ids are kept
all the same, as plain values: the show's and each speaker's, because the calendar feed key and
the guests' private links are derived from them and ``SECRET_KEY``. A restore gives them back
when they are free.

Left out: the undo log (``Change``: it lasts minutes), API tokens, sessions, superuser status,
and users without a role on the show (but for whoever holds the live controls).

A restore is one transaction. Every row is validated as ``full_clean`` would: fields and
unique constraints before it is inserted (in memory, since every row it could clash with is
new), check constraints by the database as it is, with Django's own validation naming the
row the database refuses. Photos are cleaned and re-encoded as uploads are
(:mod:`speakers.avatars`) and saved under new names. Users are created without superuser status,
and without staff status unless asked for. An archive that would unpack past the bounds below is
refused from its zip directory, before anything is unpacked. So
a damaged or hand-edited archive raises :class:`RestoreError` naming the entry and the field,
and photos already written are deleted again.
"""

import json
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path
from typing import IO, Any, TypeGuard, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, models, transaction

from speakers import avatars
from speakers.models import ProfileChange, Speaker

from . import overlay_looks, overlays
from .models import (
    Appearance,
    Episode,
    LiveMessage,
    LiveState,
    NewsItem,
    Question,
    Reminder,
    Segment,
    SegmentRun,
    Show,
    ShowRole,
    new_feed_secret,
)

FORMAT = "showrunner-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATA = "show.json"
MEDIA = "media/"
# Bounds checked on the zip's directory before a byte is unpacked, so an archive that would
# expand past them (a zip bomb: 200 KB unpacking to gigabytes) is refused at once. A 50-episode
# show's show.json is about 2 MB and compresses about 10:1.
MAX_JSON_BYTES = 32 * 1024 * 1024
MAX_ENTRIES = 10_000
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # show.json and every photo, unpacked
MAX_RATIO = 100  # unpacked bytes per packed byte, for entries over RATIO_FROM bytes
RATIO_FROM = 1024 * 1024
READ_CHUNK = 1024 * 1024
PHOTO_NAME = re.compile(r"avatars/\w[\w.-]*")

# What version 1 carries of each model's own fields. References to other rows are written
# apart from these, as keys inside the archive; auto-set timestamps are written back after save.
SHOW_FIELDS = (
    "name",
    "slug",
    "time_zone",
    "default_target_seconds",
    "warning_seconds",
    "danger_seconds",
    "call_minutes",
    "contact_name",
    "contact_email",
    "upcoming_public",
    "feed_secret",
    "overlay_secret",
    "lower_third_seconds",
    *overlay_looks.DEFAULTS,
    "created_at",
)
USER_FIELDS = ("username", "first_name", "last_name", "email", "is_active", "is_staff", "password")
TEAM_FIELDS = ("role",)
SPEAKER_FIELDS = (
    "name",
    "is_group",
    "email",
    "pronouns",
    "pronunciation",
    "title",
    "bio",
    "links",
    "time_zone",
    "link_secret",
    "link_expires_at",
    "created_at",
    "updated_at",
)
PROFILE_CHANGE_FIELDS = ("changed_at", "fields")
EPISODE_FIELDS = (
    "number",
    "title",
    "air_date",
    "starts_at",
    "target_seconds",
    "hook",
    "description",
    "status",
    "recording_url",
    "join_url",
    "hard_out_at",
    "call_minutes",
    "chapters",
    "is_template",
    "version",
    "layout_version",
    "revision",
    "created_at",
    "updated_at",
)
APPEARANCE_FIELDS = ("role", "notes", "version")
REMINDER_FIELDS = ("kind", "fingerprint", "sent_at")
SEGMENT_FIELDS = (
    "position",
    "title",
    "kind",
    "planned_seconds",
    "planned_max_seconds",
    "notes",
    "warning_seconds",
    "danger_seconds",
    "version",
)
QUESTION_FIELDS = ("position", "text", "for_everyone", "status", "notes", "is_recurring", "version")
NEWS_FIELDS = ("position", "title", "url", "notes", "version")
LIVE_FIELDS = (
    "state",
    "is_rehearsal",
    "segment_started_at",
    "paused_at",
    "paused_ms",
    "added_ms",
    "show_started_at",
    "ended_at",
    "controller_since",
    "last_action",
    "last_action_by",
    "last_action_at",
    "version",
    "updated_at",
)
SEGMENT_RUN_FIELDS = (
    "title",
    "planned_seconds",
    "planned_max_seconds",
    "is_rehearsal",
    "started_at",
    "ended_at",
    "paused_ms",
    "added_ms",
)
LIVE_MESSAGE_FIELDS = (
    "text", "flash", "created_at", "cleared_at", "lasts", "expires_at", "read_at",
)  # fmt: skip
# Fields added to format version 1 later: an archive made before them restores with these.
LIVE_MESSAGE_ADDED = {"lasts": "segment", "expires_at": None, "read_at": None, "segment": None}
SHOW_ADDED = {
    "lower_third_seconds": 8,
    **overlay_looks.DEFAULTS,
}  # and a new overlay_secret: the old addresses were made for another copy of the show
SPEAKER_ADDED = {"title": ""}
LIVE_ADDED: dict[str, object] = {"graphics": {}, "asking": None, "news_item": None}
# Set by Django on save (auto_now, auto_now_add): restored with an UPDATE afterwards.
AUTO_TIMESTAMPS = {"created_at", "updated_at"}
Addressee = Question.addressed_to.through

ModelT = TypeVar("ModelT", bound=models.Model)


class BackupError(Exception):
    """The show's data cannot be written as an archive as it is; the message says why."""


class RestoreError(Exception):
    """The archive cannot be restored; the message names the entry and the field."""


@dataclass
class Backup:
    """An archive made by :func:`dump_show`: its bytes, how many of each thing it holds, and
    what it could not hold (a photo missing from the storage)."""

    content: bytes
    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)


@dataclass
class Restored:
    """What :func:`restore` made: the show, the rows created by kind, the users it found here
    already and kept as they are, and what it could not keep (an id taken). Speakers are always
    made anew: they belong to the restored show, never to one already here."""

    show: Show
    counts: dict[str, int] = field(default_factory=dict)
    created_users: list[str] = field(default_factory=list)
    reused_users: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# Writing


def dump_show(show: Show) -> Backup:
    """The archive of ``show``, read from one consistent snapshot of the database."""
    with _snapshot():
        data, photo_names, counts = _show_data(show)
    warnings: list[str] = []
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, _json({"format": FORMAT, "version": VERSION}))
        photos = 0
        for name in sorted(photo_names):
            try:
                with default_storage.open(name, "rb") as photo:
                    content = photo.read()
            except OSError:
                warnings.append(
                    f"The photo {name} is missing from the media storage: the archive has no "
                    "photo for the speakers who use it."
                )
                _drop_photo(data, name)
                continue
            # Photos are JPEGs already: compressing them again only costs time.
            archive.writestr(MEDIA + name, content, compress_type=zipfile.ZIP_STORED)
            photos += 1
        archive.writestr(DATA, _json(data))
    return Backup(buffer.getvalue(), {**counts, "photos": photos}, warnings)


@contextmanager
def _snapshot() -> Iterator[None]:
    """One transaction; on PostgreSQL a repeatable-read one, so edits made meanwhile (a live
    show going on) cannot leave a question whose segment was read before it existed."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _show_data(show: Show) -> tuple[dict[str, Any], set[str], dict[str, int]]:
    """The content of show.json, the photos it names, and how many of each thing it holds."""
    in_show = {"episode__show": show}
    episodes = list(Episode.objects.filter(show=show).order_by("pk"))
    appearances = _by(Appearance.objects.filter(**in_show).order_by("pk"), "episode_id")
    reminders = _by(
        Reminder.objects.filter(appearance__episode__show=show).order_by("pk"), "appearance_id"
    )
    segments = _by(Segment.objects.filter(**in_show).order_by("position"), "episode_id")
    questions = _by(
        Question.objects.filter(segment__episode__show=show).order_by("position"), "segment_id"
    )
    addressees: dict[int, list[int]] = defaultdict(list)
    for question_id, appearance_id in Question.addressed_to.through.objects.filter(
        question__segment__episode__show=show
    ).values_list("question_id", "appearance_id"):
        addressees[question_id].append(appearance_id)
    news = _by(NewsItem.objects.filter(**in_show).order_by("position"), "episode_id")
    lives = {live.episode_id: live for live in LiveState.objects.filter(**in_show)}
    runs = _by(SegmentRun.objects.filter(**in_show).order_by("started_at", "pk"), "episode_id")
    messages = _by(LiveMessage.objects.filter(**in_show).order_by("pk"), "episode_id")

    speaker_ids = {a.speaker_id for group in appearances.values() for a in group}
    speaker_ids |= set(Speaker.objects.filter(show=show).values_list("pk", flat=True))
    speakers = list(Speaker.objects.filter(pk__in=speaker_ids).order_by("pk"))
    speaker_index = {speaker.pk: index for index, speaker in enumerate(speakers)}
    changes = _by(
        ProfileChange.objects.filter(speaker__in=speaker_ids).order_by("pk"), "speaker_id"
    )

    roles = sorted(
        ShowRole.objects.filter(show=show).select_related("user"),
        key=lambda role: (role.user.get_username(), role.role),
    )
    user_model = get_user_model()
    controller_ids = {live.controller_id for live in lives.values() if live.controller_id}
    users = {role.user.pk: role.user for role in roles}
    users.update({u.pk: u for u in user_model._default_manager.filter(pk__in=controller_ids)})

    # Each appearance and segment by its place in its own episode.
    appearance_keys = {
        a.pk: (a.episode_id, index)
        for group in appearances.values()
        for index, a in enumerate(group)
    }
    segment_keys = {
        s.pk: (s.episode_id, index) for group in segments.values() for index, s in enumerate(group)
    }
    question_keys = {q.pk: index for group in questions.values() for index, q in enumerate(group)}
    question_segments = {q.pk: q.segment_id for group in questions.values() for q in group}
    news_keys = {
        n.pk: (n.episode_id, index) for group in news.values() for index, n in enumerate(group)
    }

    def place(keys: Mapping[int, tuple[int, int]], pk: int, episode: Episode, what: str) -> int:
        episode_id, index = keys.get(pk, (None, -1))
        if episode_id != episode.pk:
            raise BackupError(
                f"Episode “{episode}” (id {episode.pk}): {what} belongs to another episode. "
                "Set it again in the editor, then back up."
            )
        return index

    def place_or_none(
        keys: Mapping[int, tuple[int, int]], pk: int | None, episode: Episode, what: str
    ) -> int | None:
        return None if pk is None else place(keys, pk, episode, what)

    def episode_data(episode: Episode) -> dict[str, Any]:
        live = lives.get(episode.pk)
        return {
            **_fields(episode, EPISODE_FIELDS),
            "appearances": [
                {
                    **_fields(a, APPEARANCE_FIELDS),
                    "speaker": speaker_index[a.speaker_id],
                    "reminders": [_fields(r, REMINDER_FIELDS) for r in reminders[a.pk]],
                }
                for a in appearances[episode.pk]
            ],
            "segments": [
                {
                    **_fields(s, SEGMENT_FIELDS),
                    "owner": place_or_none(
                        appearance_keys, s.owner_id, episode, f"the lead of “{s.title}”"
                    ),
                    "questions": [
                        {
                            **_fields(q, QUESTION_FIELDS),
                            "addressed_to": sorted(
                                place(appearance_keys, pk, episode, f"a guest of “{q}”")
                                for pk in addressees[q.pk]
                            ),
                        }
                        for q in questions[s.pk]
                    ],
                }
                for s in segments[episode.pk]
            ],
            "news_items": [_fields(n, NEWS_FIELDS) for n in news[episode.pk]],
            "live": None
            if live is None
            else {
                **_fields(live, LIVE_FIELDS),
                "segment": place_or_none(
                    segment_keys, live.segment_id, episode, "the live segment"
                ),
                "controller": users[live.controller_id].get_username()
                if live.controller_id
                else None,
                "graphics": live.graphics,
                # The question being asked, as [its segment's place, its own place].
                "asking": None
                if live.asking_id is None
                else [
                    place(segment_keys, question_segments[live.asking_id], episode, "asking now"),
                    question_keys[live.asking_id],
                ],
                "news_item": None
                if live.news_item_id is None
                else place(news_keys, live.news_item_id, episode, "the news item on screen"),
            },
            "segment_runs": [
                {
                    **_fields(run, SEGMENT_RUN_FIELDS),
                    "segment": place_or_none(
                        segment_keys, run.segment_id, episode, f"the run “{run}”"
                    ),
                }
                for run in runs[episode.pk]
            ],
            "live_messages": [
                {
                    **_fields(message, LIVE_MESSAGE_FIELDS),
                    "appearance": place_or_none(
                        appearance_keys, message.appearance_id, episode, f"“{message}”"
                    ),
                    "segment": place_or_none(
                        segment_keys, message.segment_id, episode, f"“{message}”"
                    ),
                }
                for message in messages[episode.pk]
            ],
        }

    data = {
        "show": {"id": show.pk, **_fields(show, SHOW_FIELDS)},
        "users": [
            _fields(user, USER_FIELDS)
            for user in sorted(users.values(), key=lambda u: u.get_username())
        ],
        "team": [
            {"user": role.user.get_username(), **_fields(role, TEAM_FIELDS)} for role in roles
        ],
        "speakers": [
            {
                "id": speaker.pk,
                **_fields(speaker, SPEAKER_FIELDS),
                "avatar": speaker.avatar.name or "",
                "avatar_small": speaker.avatar_small.name or "",
                "profile_changes": [
                    _fields(change, PROFILE_CHANGE_FIELDS) for change in changes[speaker.pk]
                ],
            }
            for speaker in speakers
        ],
        "episodes": [episode_data(episode) for episode in episodes],
    }
    photos = {
        name for speaker in speakers for name in (speaker.avatar.name, speaker.avatar_small.name)
    } - {"", None}
    counts = {"episodes": len(episodes), "speakers": len(speakers), "users": len(users)}
    return data, photos, counts


def _by(rows: Iterable[ModelT], key: str) -> defaultdict[int, list[ModelT]]:
    groups: defaultdict[int, list[ModelT]] = defaultdict(list)
    for row in rows:
        groups[getattr(row, key)].append(row)
    return groups


def _fields(obj: models.Model, names: Iterable[str]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in names}


def _plain(value: object) -> object:
    """A value as JSON holds it: times in UTC with their offset, JSON objects with sorted keys
    (PostgreSQL's jsonb keeps no key order, and the same show must give the same file)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _drop_photo(data: dict[str, Any], name: str) -> None:
    for speaker in data["speakers"]:
        for size in ("avatar", "avatar_small"):
            if speaker[size] == name:
                speaker[size] = ""


def _json(value: object) -> bytes:
    return json.dumps(value, indent=1, ensure_ascii=False).encode() + b"\n"


# Reading


def restore_backup(source: str | Path | IO[bytes], *, with_staff: bool = False) -> Restored:
    """Restore the archive at ``source`` (a path or a binary file) as a new show.

    Users it creates are never superusers, and staff only ``with_staff``. Raises
    :class:`RestoreError` and leaves the database and the media storage as they were when the
    archive is not a Showrunner backup of a known version, would unpack past the bounds above,
    when any entry or row in it is wrong, or when a show with its slug exists already.
    """
    archive = _open(source)
    with archive:
        _check_sizes(archive)
        _check_manifest(archive)
        data = _read_json(archive, DATA)
        restoring = _Restoring(archive, data, with_staff=with_staff)
        try:
            with transaction.atomic():
                return restoring.run()
        except BaseException:
            for name in restoring.written:
                default_storage.delete(name)
            raise


def _open(source: str | Path | IO[bytes]) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except zipfile.BadZipFile:
        raise RestoreError("This is not a zip archive, so not a Showrunner backup.") from None
    except OSError as exc:
        raise RestoreError(f"It cannot be read: {exc.strerror or exc}.") from None


def _check_sizes(archive: zipfile.ZipFile) -> None:
    """Refuse, from the zip's directory alone, an archive that would unpack past the bounds."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise RestoreError(
            f"The archive holds {len(infos)} entries; a backup holds at most {MAX_ENTRIES}."
        )
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise RestoreError(
                f"{info.filename} would unpack from {info.compress_size} to {info.file_size} "
                f"bytes, more than {MAX_RATIO} times: this is not an archive backup_show writes."
            )
    if total > MAX_TOTAL_BYTES:
        raise RestoreError(
            f"The archive would unpack to {total} bytes; a backup unpacks to at most "
            f"{MAX_TOTAL_BYTES}."
        )


def _check_manifest(archive: zipfile.ZipFile) -> None:
    if MANIFEST not in archive.namelist():
        raise RestoreError(f"The zip archive holds no {MANIFEST}: it is not a Showrunner backup.")
    manifest = _read_json(archive, MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise RestoreError(
            f"{MANIFEST} does not name the format “{FORMAT}”: this is not a Showrunner backup."
        )
    version = manifest.get("version")
    if version != VERSION or isinstance(version, bool):
        raise RestoreError(
            f"{MANIFEST}: this backup is in format version {json.dumps(version)}; this "
            f"Showrunner reads version {VERSION} only."
        )


def _read(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise RestoreError(f"The archive holds no {name}.") from None
    if info.file_size > limit:
        raise RestoreError(f"{name} is too large: {info.file_size} bytes, at most {limit}.")
    try:
        with archive.open(info) as entry:  # never more than the declared size (zipfile's own)
            chunks, size = [], 0
            while chunk := entry.read(READ_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise RestoreError(f"{name} is too large: over {limit} bytes.")
                chunks.append(chunk)
            return b"".join(chunks)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise RestoreError(f"{name} cannot be unpacked: {exc}.") from None


def _read_json(archive: zipfile.ZipFile, name: str) -> object:
    def refuse_constant(constant: str) -> object:
        raise ValueError(f"{constant} is not a JSON number")

    try:
        return json.loads(_read(archive, name, MAX_JSON_BYTES), parse_constant=refuse_constant)
    except UnicodeDecodeError:
        raise RestoreError(f"{name} is not UTF-8 text.") from None
    except (ValueError, RecursionError) as exc:
        raise RestoreError(f"{name} is not valid JSON: {exc}.") from None


def _problem(where: str, message: str) -> RestoreError:
    return RestoreError(f"{DATA}: {where}: {message}" if where else f"{DATA}: {message}")


def _record(value: object, where: str, keys: Iterable[str]) -> dict[str, Any]:
    """``value`` as an object with exactly ``keys``."""
    if not isinstance(value, dict):
        raise _problem(where, f"expected an object, found {_kind(value)}.")
    keys = list(keys)
    missing = [key for key in keys if key not in value]
    if missing:
        raise _problem(where, f"missing field “{missing[0]}”.")
    unexpected = sorted(set(value) - set(keys))
    if unexpected:
        raise _problem(where, f"unexpected field “{unexpected[0]}”.")
    return value


def _items(record: dict[str, Any], key: str, where: str) -> list[tuple[Any, str]]:
    """The entries of the list ``record[key]``, each with where it is."""
    path = f"{where}.{key}" if where else key
    value = record[key]
    if not isinstance(value, list):
        raise _problem(path, f"expected a list, found {_kind(value)}.")
    return [(item, f"{path}[{index}]") for index, item in enumerate(value)]


def _values(
    model: type[models.Model], record: dict[str, Any], names: Iterable[str], where: str
) -> dict[str, Any]:
    """The fields ``names`` of ``record``, each of the type its model field takes.

    Types only: lengths, choices, validators and constraints are full_clean's.
    """
    return {
        name: _value(model._meta.get_field(name), record[name], f"{where}.{name}") for name in names
    }


def _value(model_field: Any, value: object, where: str) -> object:
    if value is None:
        if model_field.null:
            return None
        raise _problem(where, "must not be null.")
    if isinstance(model_field, models.JSONField):
        return value
    if isinstance(model_field, models.BooleanField):
        if isinstance(value, bool):
            return value
        raise _problem(where, f"expected true or false, found {_kind(value)}.")
    if isinstance(model_field, models.IntegerField):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise _problem(where, f"expected a whole number, found {_kind(value)}.")
    if isinstance(model_field, models.DateTimeField):
        parsed = _parse(datetime.fromisoformat, value)
        if parsed is None or parsed.tzinfo is None:
            raise _problem(
                where,
                f"expected a date and time with its UTC offset, such as "
                f"“2026-03-03T17:00:00+00:00”; found {_kind(value)}.",
            )
        return parsed.astimezone(UTC)
    if isinstance(model_field, models.DateField):
        parsed_date = _parse(date.fromisoformat, value)
        if parsed_date is None:
            raise _problem(where, f"expected a date such as “2026-03-03”, found {_kind(value)}.")
        return parsed_date
    if isinstance(model_field, models.CharField | models.TextField):
        if not isinstance(value, str):
            raise _problem(where, f"expected text, found {_kind(value)}.")
        if "\x00" in value:
            raise _problem(where, "contains a NUL character.")
        return value
    raise TypeError(f"no rule for reading {model_field!r}")


def _parse(parser: Any, value: object) -> Any:
    if not isinstance(value, str):
        return None
    try:
        return parser(value)
    except ValueError:
        return None


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def _index(value: object, size: int, where: str, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < size:
        raise _problem(
            where, f"there is no {what} {_kind(value)} (there are {size}, counted from 0)."
        )
    return value


def _graphics(value: object, where: str) -> dict[str, str]:
    """Each stream graphic's mode, as the caller's strip left it."""
    if not isinstance(value, dict):
        raise _problem(where, f"expected an object of graphics and modes, found {_kind(value)}.")
    for name, mode in value.items():
        if name not in overlays.ELEMENTS or mode not in overlays.MODES:
            raise _problem(
                f"{where}.{name}",
                f"expected one of the graphics ({', '.join(overlays.ELEMENTS)}) with a mode "
                f"({', '.join(overlays.MODES)}), found {_kind(mode)}.",
            )
    return dict(value)


def _asking(questions_of: list[list[Question]], value: object, where: str) -> Question | None:
    """The question being asked, from [its segment's place, its own place]."""
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 2:
        raise _problem(
            where, f"expected [segment, question], counted from 0, found {_kind(value)}."
        )
    segment = _index(value[0], len(questions_of), f"{where}[0]", "segment")
    questions = questions_of[segment]
    return questions[_index(value[1], len(questions), f"{where}[1]", "question")]


class _Restoring:
    """One restore: the archive's rows saved in order, each one validated first."""

    def __init__(self, archive: zipfile.ZipFile, data: object, *, with_staff: bool) -> None:
        self.archive = archive
        self.data = data
        self.with_staff = with_staff
        self.written: list[str] = []  # photo files saved so far, deleted again on failure
        # (the archive's photo name, the size it is for) -> the name it was saved as
        self.photos: dict[tuple[str, str], str] = {}
        self.users: dict[str, User] = {}
        self.speakers: list[Speaker] = []
        self.kept_ids: list[type[models.Model]] = []
        self.counts: dict[str, int] = defaultdict(int)
        self.notes: list[str] = []  # what a restore could not keep as it was
        self.pending: list[tuple[models.Model, str]] = []  # checked, to insert at the next flush
        self.unique_keys: set[tuple[object, ...]] = set()

    def run(self) -> Restored:
        root = _record(self.data, "", ("show", "users", "team", "speakers", "episodes"))
        show = self.show(root["show"])
        restored = Restored(show)
        self.restore_users(root, restored)
        self.restore_team(root, show)
        self.restore_speakers(root, show)
        for item, where in _items(root, "episodes", ""):
            self.restore_episode(item, where, show)
        _advance_sequences(self.kept_ids)
        restored.counts = dict(self.counts)
        restored.notes = self.notes
        return restored

    def show(self, value: object) -> Show:
        if isinstance(value, dict):
            value = {**SHOW_ADDED, "overlay_secret": new_feed_secret(), **value}
        record = _record(value, "show", ("id", *SHOW_FIELDS))
        values = _values(Show, record, SHOW_FIELDS, "show")
        if Show.objects.filter(slug=values["slug"]).exists():
            raise RestoreError(
                f"A show with the slug “{values['slug']}” exists already. Restore into a "
                "database without it, or delete that show first."
            )
        show = Show(pk=self.free_id(Show, record["id"], "show.id"), **values)
        self.save(show, "show")
        if show.pk != record["id"]:
            self.notes.append(
                f"The show's id {record['id']} is taken here, so it is now {show.pk}: the "
                "addresses of its calendar feed changed."
            )
        return show

    def restore_users(self, root: dict[str, Any], restored: Restored) -> None:
        user_model = get_user_model()
        for item, where in _items(root, "users", ""):
            values = _values(user_model, _record(item, where, USER_FIELDS), USER_FIELDS, where)
            username = values["username"]
            if username in self.users:
                raise _problem(f"{where}.username", f"“{username}” is listed twice.")
            existing = user_model._default_manager.filter(username=username).first()
            if existing is not None:
                self.users[username] = existing
                restored.reused_users.append(username)
                continue
            if values["is_staff"] and not self.with_staff:
                values["is_staff"] = False
                self.notes.append(
                    f"{username} was staff in the archive and is restored without staff status "
                    "(restore with --with-staff to keep it)."
                )
            user = user_model(**values, is_superuser=False)
            self.save(user, where)
            self.users[username] = user
            self.counts["users"] += 1
            restored.created_users.append(username + (" (staff)" if user.is_staff else ""))

    def restore_team(self, root: dict[str, Any], show: Show) -> None:
        for item, where in _items(root, "team", ""):
            record = _record(item, where, ("user", *TEAM_FIELDS))
            role = ShowRole(
                show=show,
                user=self.user(record["user"], f"{where}.user"),
                **_values(ShowRole, record, TEAM_FIELDS, where),
            )
            self.add(role, where)
        self.flush()

    def restore_speakers(self, root: dict[str, Any], show: Show) -> None:
        for item, where in _items(root, "speakers", ""):
            if isinstance(item, dict):
                item = {**SPEAKER_ADDED, **item}
            record = _record(
                item, where, ("id", *SPEAKER_FIELDS, "avatar", "avatar_small", "profile_changes")
            )
            values = _values(Speaker, record, SPEAKER_FIELDS, where)
            speaker = Speaker(
                pk=self.free_id(Speaker, record["id"], f"{where}.id"),
                show=show,
                avatar=self.photo(record["avatar"], f"{where}.avatar", "avatar"),
                avatar_small=self.photo(
                    record["avatar_small"], f"{where}.avatar_small", "avatar_small"
                ),
                **values,
            )
            self.save(speaker, where)
            self.speakers.append(speaker)
            self.counts["speakers"] += 1
            if speaker.pk != record["id"] and speaker.link_secret:
                self.notes.append(
                    f"{speaker.name}'s id {record['id']} is taken here, so their private link "
                    "changed: send them the new one."
                )
            for change, change_where in _items(record, "profile_changes", where):
                fields = _record(change, change_where, PROFILE_CHANGE_FIELDS)
                self.add(
                    ProfileChange(
                        speaker=speaker,
                        **_values(ProfileChange, fields, PROFILE_CHANGE_FIELDS, change_where),
                    ),
                    change_where,
                )
        self.flush()

    def restore_episode(self, value: object, where: str, show: Show) -> None:
        nested = ("appearances", "segments", "news_items", "live", "segment_runs", "live_messages")
        record = _record(value, where, (*EPISODE_FIELDS, *nested))
        episode = Episode(show=show, **_values(Episode, record, EPISODE_FIELDS, where))
        self.save(episode, where)
        self.counts["episodes"] += 1

        # Rows are checked one by one and inserted a kind at a time, each kind once the rows
        # it refers to have their ids.
        appearance_records = []
        for item, item_where in _items(record, "appearances", where):
            fields = _record(item, item_where, (*APPEARANCE_FIELDS, "speaker", "reminders"))
            speaker = _index(
                fields["speaker"], len(self.speakers), f"{item_where}.speaker", "speaker"
            )
            appearance = Appearance(
                episode=episode,
                speaker=self.speakers[speaker],
                **_values(Appearance, fields, APPEARANCE_FIELDS, item_where),
            )
            self.add(appearance, item_where)
            appearance_records.append((appearance, fields, item_where))
        self.flush()
        appearances = [appearance for appearance, _, _ in appearance_records]

        def appearance_at(index: object, at: str) -> Appearance | None:
            if index is None:
                return None
            return appearances[_index(index, len(appearances), at, "appearance")]

        for appearance, fields, item_where in appearance_records:
            for item, reminder_where in _items(fields, "reminders", item_where):
                reminder = _record(item, reminder_where, REMINDER_FIELDS)
                self.add(
                    Reminder(
                        appearance=appearance,
                        **_values(Reminder, reminder, REMINDER_FIELDS, reminder_where),
                    ),
                    reminder_where,
                )

        segment_records = []
        for item, item_where in _items(record, "segments", where):
            fields = _record(item, item_where, (*SEGMENT_FIELDS, "owner", "questions"))
            segment = Segment(
                episode=episode,
                owner=appearance_at(fields["owner"], f"{item_where}.owner"),
                **_values(Segment, fields, SEGMENT_FIELDS, item_where),
            )
            self.add(segment, item_where)
            segment_records.append((segment, fields, item_where))
        self.flush()
        segments = [segment for segment, _, _ in segment_records]

        def segment_at(index: object, at: str) -> Segment | None:
            if index is None:
                return None
            return segments[_index(index, len(segments), at, "segment")]

        addressees: list[tuple[Question, list[Appearance]]] = []
        questions_of: list[list[Question]] = []
        for segment, fields, item_where in segment_records:
            questions_of.append([])
            for item, question_where in _items(fields, "questions", item_where):
                question_fields = _record(item, question_where, (*QUESTION_FIELDS, "addressed_to"))
                question = Question(
                    segment=segment,
                    **_values(Question, question_fields, QUESTION_FIELDS, question_where),
                )
                self.add(question, question_where)
                questions_of[-1].append(question)
                named = [
                    appearance_at(index, at)
                    for index, at in _items(question_fields, "addressed_to", question_where)
                ]
                addressees.append((question, [a for a in named if a is not None]))

        news_items: list[NewsItem] = []
        for item, item_where in _items(record, "news_items", where):
            fields = _record(item, item_where, NEWS_FIELDS)
            news_item = NewsItem(
                episode=episode, **_values(NewsItem, fields, NEWS_FIELDS, item_where)
            )
            news_items.append(news_item)
            self.add(news_item, item_where)

        for item, item_where in _items(record, "segment_runs", where):
            fields = _record(item, item_where, (*SEGMENT_RUN_FIELDS, "segment"))
            run = SegmentRun(
                episode=episode,
                segment=segment_at(fields["segment"], f"{item_where}.segment"),
                **_values(SegmentRun, fields, SEGMENT_RUN_FIELDS, item_where),
            )
            self.add(run, item_where)

        for item, item_where in _items(record, "live_messages", where):
            if isinstance(item, dict):
                item = {**LIVE_MESSAGE_ADDED, **item}
            fields = _record(item, item_where, (*LIVE_MESSAGE_FIELDS, "appearance", "segment"))
            message = LiveMessage(
                episode=episode,
                appearance=appearance_at(fields["appearance"], f"{item_where}.appearance"),
                segment=segment_at(fields["segment"], f"{item_where}.segment"),
                **_values(LiveMessage, fields, LIVE_MESSAGE_FIELDS, item_where),
            )
            self.add(message, item_where)
        self.flush()

        for question, addressed_to in addressees:
            for addressee in dict.fromkeys(addressed_to):
                self.pending.append((Addressee(question=question, appearance=addressee), where))
        self.flush()

        if record["live"] is not None:
            live_where = f"{where}.live"
            live_record = record["live"]
            if isinstance(live_record, dict):
                live_record = {**LIVE_ADDED, **live_record}
            fields = _record(
                live_record, live_where, (*LIVE_FIELDS, "segment", "controller", *LIVE_ADDED)
            )
            controller = fields["controller"]
            live = LiveState(
                episode=episode,
                segment=segment_at(fields["segment"], f"{live_where}.segment"),
                controller=None
                if controller is None
                else self.user(controller, f"{live_where}.controller"),
                graphics=_graphics(fields["graphics"], f"{live_where}.graphics"),
                asking=_asking(questions_of, fields["asking"], f"{live_where}.asking"),
                news_item=None
                if fields["news_item"] is None
                else news_items[
                    _index(
                        fields["news_item"], len(news_items), f"{live_where}.news_item", "news item"
                    )
                ],
                **_values(LiveState, fields, LIVE_FIELDS, live_where),
            )
            self.save(live, live_where)

    def user(self, username: object, where: str) -> User:
        if not isinstance(username, str) or username not in self.users:
            raise _problem(where, f"there is no user {_kind(username)} in “users”.")
        return self.users[username]

    def free_id(self, model: type[models.Model], value: object, where: str) -> int | None:
        """The archived id if no row has it here (it is then kept), else None: a new one."""
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise _problem(where, f"expected a whole number from 1, found {_kind(value)}.")
        if model._default_manager.filter(pk=value).exists():
            return None
        if model not in self.kept_ids:
            self.kept_ids.append(model)
        return value

    def photo(self, value: object, where: str, size: str) -> str:
        """The archive's photo ``value``, cleaned and cut as an upload is for ``size``
        (``avatar`` or ``avatar_small``), saved as a new JPEG; the name it got there.

        Only the pixels are kept: whatever else the file held (EXIF and GPS data, a script in a
        file named ``.html``) is not, and the name is the app's own, never the archive's."""
        if value == "":
            return ""
        if not isinstance(value, str) or not PHOTO_NAME.fullmatch(value) or len(value) > 100:
            raise _problem(
                where, f"expected a photo name such as “avatars/a.jpg”, found {_kind(value)}."
            )
        if (value, size) in self.photos:
            return self.photos[value, size]
        entry = MEDIA + value
        if entry not in self.archive.namelist():
            raise _problem(where, f"the archive holds no {entry}.")
        content = _read(self.archive, entry, avatars.MAX_BYTES)
        try:
            cleaned = avatars.process(ContentFile(content, name=value))[size]  # type: ignore[arg-type]
        except avatars.AvatarError as exc:
            raise _problem(where, f"{entry} is refused: {exc}") from None
        stored = default_storage.save(f"avatars/{cleaned.name}", cleaned)
        self.written.append(stored)
        self.photos[value, size] = stored
        self.counts["photos"] += 1
        return stored

    def check(self, obj: models.Model, where: str) -> None:
        """Validate ``obj`` as the admin would (full_clean), or raise :class:`RestoreError`
        saying what is wrong and where.

        Check constraints are left to the database as the row is inserted (:meth:`insert`),
        and asked again of Django only for a row it refuses: asking Django first costs a query
        for each row.
        """
        # References need no look-up: each was set to a row this restore made or found. And a
        # null the database allows stays allowed where a form would ask for a value (a segment
        # run whose segment was deleted since keeps its place in the log).
        not_checked = [
            f.name
            for f in obj._meta.concrete_fields
            if f.is_relation or (f.null and not f.blank and getattr(obj, f.attname) is None)
        ]
        try:
            obj.clean_fields(exclude=not_checked)
            obj.clean()
            obj.validate_unique()
            for constraint in obj._meta.constraints:
                if _among_restored(constraint):
                    self.check_unique(obj, constraint)
        except ValidationError as exc:
            raise RestoreError(_describe(exc, where)) from None

    def check_unique(self, obj: models.Model, constraint: models.UniqueConstraint) -> None:
        """A unique constraint that names a reference: every row it could clash with is one of
        this restore's (the parent is new), so the check needs the rows seen, not a query."""
        values = tuple(getattr(obj, _attname(obj, name)) for name in constraint.fields)
        if None in values:  # as in SQL: nulls never clash
            return
        key = (obj._meta.label, constraint.name, *values)
        if key in self.unique_keys:
            raise obj.unique_error_message(type(obj), constraint.fields)
        self.unique_keys.add(key)

    def add(self, obj: models.Model, where: str) -> None:
        """Check ``obj`` now; insert it at the next :meth:`flush`."""
        self.check(obj, where)
        self.pending.append((obj, where))

    def flush(self) -> None:
        """Insert the rows added since the last flush, a kind at a time."""
        by_model: dict[type[models.Model], list[tuple[models.Model, str]]] = defaultdict(list)
        for obj, where in self.pending:
            by_model[type(obj)].append((obj, where))
        self.pending = []
        for rows in by_model.values():
            self.insert(rows)

    def insert(self, rows: list[tuple[models.Model, str]]) -> None:
        """Insert checked rows of one kind; a row the database refuses is explained by the
        constraint it breaks, found with Django's own validation."""
        model = type(rows[0][0])
        try:
            with transaction.atomic():  # a savepoint: after a refusal, queries still work
                if len(rows) > 1 and connection.features.can_return_rows_from_bulk_insert:
                    model._default_manager.bulk_create([obj for obj, _ in rows], batch_size=500)
                else:
                    for obj, _ in rows:
                        obj.save(force_insert=True)
        except DatabaseError as exc:
            for obj, where in rows:
                try:
                    obj.validate_constraints()
                except ValidationError as error:
                    raise RestoreError(_describe(error, where)) from None
            raise _problem(
                rows[0][1], f"the database refused this row or one after it: {exc}".strip()
            ) from None

    def save(self, obj: models.Model, where: str) -> None:
        """Check and insert ``obj`` now, and give it back its own timestamps."""
        self.check(obj, where)
        stamps = {
            f.name: getattr(obj, f.name)
            for f in obj._meta.concrete_fields
            if f.name in AUTO_TIMESTAMPS
        }
        self.insert([(obj, where)])
        if stamps:
            type(obj)._default_manager.filter(pk=obj.pk).update(**stamps)
            for name, stamp in stamps.items():
                setattr(obj, name, stamp)


def _attname(obj: models.Model, name: str) -> str:
    field = obj._meta.get_field(name)
    assert isinstance(field, models.Field)  # a unique constraint names the model's own columns
    return field.attname


def _among_restored(constraint: models.BaseConstraint) -> TypeGuard[models.UniqueConstraint]:
    """Whether a constraint only compares rows under one parent, all of them restored now."""
    return (
        isinstance(constraint, models.UniqueConstraint)
        and bool(constraint.fields)
        and constraint.condition is None
        and not constraint.expressions
    )


def _describe(exc: ValidationError, where: str) -> str:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    parts = []
    for name, messages in errors.items():
        path = where if name == NON_FIELD_ERRORS else f"{where}.{name}"
        parts.append(f"{DATA}: {path}: {' '.join(messages)}")
    return "; ".join(parts)


def _advance_sequences(models_with_kept_ids: Iterable[type[models.Model]]) -> None:
    """Move PostgreSQL's id sequences past ids inserted as they were, never back.

    SQLite needs nothing: its AUTOINCREMENT counter follows the largest id inserted.
    """
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models_with_kept_ids:
            table, column = quote(model._meta.db_table), quote(model._meta.pk.column)
            # The table and column names come from the model, not from the archive.
            cursor.execute(
                "SELECT setval(s.seq, m.top)"  # noqa: S608
                " FROM (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq) AS s,"
                f" (SELECT max({column}) AS top FROM {table}) AS m"
                " WHERE m.top > COALESCE(pg_sequence_last_value(s.seq), 0)",
                [table, model._meta.pk.column],
            )

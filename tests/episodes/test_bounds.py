"""Issue 11, part 4: what is accepted can always be shown, backed up and restored.

Each test is one of the findings: a value that was saved and then broke pages, or a request
that answered with a server error. The bounds themselves are tested in
tests/showrunner/test_bounds.py.
"""

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from episodes import api, backup, editing, formats
from episodes.formats import ParseError, episode_json
from episodes.importing import save_document
from episodes.models import Appearance, Episode, LiveMessage, LiveState, Role, Show
from speakers import links
from speakers.models import Speaker
from tests import fuzzing
from tests.factories import (
    make_appearance,
    make_episode,
    make_segment,
    make_show,
    make_speaker,
    make_user,
)

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
YEARS = "the year must be between 1900 and 2199."


def producer_of(show: Show, client: Client | None = None) -> Client:
    client = client or Client()
    client.force_login(make_user((show, Role.PRODUCER)))
    return client


def header(client: Client, episode: Episode, field: str, **values: str) -> Any:
    return client.post(
        reverse("episodes:edit_header", args=[episode.pk]),
        {"field": field, "version": episode.version, **values},
        **HX,
        HTTP_HX_TRIGGER_NAME=field,
    )


# -- dates at the edges --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "at"),
    [
        ("Europe/Berlin", "9999-12-31", "23:30"),  # saved, then every page of it answered 500
        ("Asia/Tokyo", "0001-01-01", "01:00"),  # before year 1 in UTC: a 500 at once
        ("America/Los_Angeles", "9999-12-31", "23:30"),
        ("UTC", "1899-12-31", "12:00"),
    ],
)
def test_air_date_outside_the_years_is_refused_in_the_editor(zone: str, day: str, at: str) -> None:
    episode = make_episode(show=make_show(time_zone=zone))
    client = producer_of(episode.show)
    before = (episode.air_date, episode.starts_at, episode.version)

    response = header(client, episode, "air_date", air_date=day, air_time=at)

    assert response.status_code == 422
    assert response.content.decode() == YEARS[:1].upper() + YEARS[1:]
    episode.refresh_from_db()
    assert (episode.air_date, episode.starts_at, episode.version) == before


@pytest.mark.parametrize(
    "starts_at",
    [
        datetime(9999, 12, 31, 22, 30, tzinfo=UTC),  # 23:30 in Berlin, as entered in the editor
        datetime(9999, 12, 31, 23, 30, tzinfo=UTC),  # as entered in a show on UTC
        datetime(1, 1, 1, 0, 30, tzinfo=UTC),
    ],
)
def test_pages_of_an_episode_saved_at_the_end_of_time_still_answer(starts_at: datetime) -> None:
    """A row saved before the bounds keeps its pages working."""
    zone = "UTC" if starts_at.hour == 23 else "Europe/Berlin"
    show = make_show(time_zone=zone, upcoming_public=True)
    episode = make_episode(show=show, starts_at=datetime(2026, 3, 3, 17, tzinfo=UTC))
    # Saved as an old version could: past the checks, with the date as that version set it.
    Episode.objects.filter(pk=episode.pk).update(
        starts_at=starts_at,
        air_date=starts_at.date(),
        target_seconds=2 * 3600,
        hard_out_at=starts_at + timedelta(minutes=20),
    )
    guest = make_appearance(episode, make_speaker(name="Dana Li", time_zone="Asia/Tokyo"))
    make_segment(episode, title="Opening", minutes=30)
    make_segment(episode, title="Questions", minutes=60, owner=guest)
    client = producer_of(show)
    token = links.ensure_link(guest.speaker)

    pages = [
        reverse("episodes:episode_editor", args=[episode.pk]),
        reverse("episodes:episode_runsheet", args=[episode.pk]),
        reverse("episodes:episode_print", args=[episode.pk]),
        reverse("episodes:show_upcoming", args=[show.slug]),
        reverse("episodes:show_calendar", args=[show.slug]),
        reverse("episodes:show_detail", args=[show.slug]),
        reverse("episodes:home"),
        reverse("episodes:export_json", args=[episode.pk]),
        reverse("episodes:export_markdown", args=[episode.pk]),
        reverse("speakers:guest_portal", args=[token]),
        reverse("speakers:guest_episode", args=[token, episode.pk]),
        reverse("speakers:guest_feed", args=[token]),
        reverse("speakers:guest_episode_calendar", args=[token, episode.pk]),
        reverse("episodes:live_state", args=[episode.pk]),
    ]
    statuses = {page: client.get(page).status_code for page in pages}
    archive = backup.dump_show(show).content
    Show.objects.all().delete()
    Speaker.objects.all().delete()
    restored = backup.restore_backup(BytesIO(archive)).show

    assert statuses == dict.fromkeys(pages, 200)
    assert restored.episodes.get().starts_at is None


def test_import_with_a_date_outside_the_years_is_refused_naming_the_field() -> None:
    text = "# Talk Show Episode 7, December 31, 9999\n\n**News** (5 mins)\n"
    [doc] = formats.read(text, today=datetime(2026, 1, 1).date(), show="talk-show")

    with pytest.raises(ParseError, match=r"air_date: the year must be between 1900 and 2199\."):
        save_document(doc)

    assert not Episode.objects.exists()


def test_guest_link_expiry_outside_the_years_is_refused() -> None:
    episode = make_episode(show=make_show(time_zone="America/Los_Angeles"))
    guest = make_appearance(episode)
    client = producer_of(episode.show)

    response = client.post(
        reverse("episodes:guest_link", args=[episode.pk, guest.pk]),
        {"action": "expiry", "expires": "9999-12-31"},
        **HX,
    )

    assert response.status_code == 422
    assert response.content.decode() == f"Expiry: {YEARS}"
    assert Speaker.objects.get(pk=guest.speaker_id).link_expires_at is None


# -- huge and special numbers ----------------------------------------------------------------


def test_largest_64_bit_episode_number_is_refused_in_the_editor() -> None:
    episode = make_episode(number=5)
    client = producer_of(episode.show)

    response = header(client, episode, "number", number=str(2**63 - 1))

    assert response.status_code == 422
    assert "Episode numbers go up to 999,999." in response.content.decode()
    episode.refresh_from_db()
    assert episode.number == 5


@pytest.mark.parametrize("view", ["episodes:new_episode", "episodes:duplicate_episode"])
def test_new_episode_after_the_largest_number_is_refused_clearly(view: str) -> None:
    """A number saved before the bounds (the largest PostgreSQL keeps; SQLite kept 2**63 - 1):
    the next one does not fit, so "new episode" and "duplicate" say so instead of a 500."""
    episode = make_episode(number=2_147_483_647)
    client = producer_of(episode.show)
    target = episode.show.slug if view == "episodes:new_episode" else episode.pk

    response = client.post(reverse(view, args=[target]), follow=True)

    assert response.status_code == 200
    assert "Episode numbers go up to 999,999" in response.content.decode()
    assert Episode.objects.filter(is_template=False).count() == 1


def test_import_number_over_the_largest_is_refused() -> None:
    show = make_show(slug="talk-show")
    client = producer_of(show)

    response = client.post(
        reverse("episodes:import_preview", args=[show.slug]),
        {"text": "# Some show\n\n**News** (5 mins)\n", "number": str(2**63 - 1)},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["number"]
    assert not Episode.objects.exists()


# -- the live show and the API ---------------------------------------------------------------


@pytest.fixture
def on_air() -> tuple[Episode, str]:
    episode = make_episode()
    make_segment(episode, title="Opening", minutes=5)
    make_segment(episode, title="Questions", minutes=20)
    token = api.new_token(make_user((episode.show, Role.SHOW_CALLER)))
    return episode, token


def command(episode: Episode, token: str, action: str, body: str | bytes) -> tuple[int, Any]:
    response = Client().post(
        f"/api/episodes/{episode.pk}/live/{action}",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    return response.status_code, json.loads(response.content)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('"Wrap up\\u0000 now"', "contains a NUL character (U+0000)"),
        ('"Wrap up \\ud800"', "contains an unpaired surrogate (U+D800)"),
        ('"Wrap \\u001b[31m up"', "contains the control character U+001B"),
        ('"ring \\u0007"', "contains the control character U+0007"),
    ],
)
def test_live_message_with_a_control_character_is_refused(
    on_air: tuple[Episode, str], text: str, reason: str
) -> None:
    episode, token = on_air

    status, answer = command(episode, token, "message", '{"text": ' + text + "}")

    assert status == 409
    assert reason in answer["error"]
    assert not LiveMessage.objects.exists()


def test_a_show_whose_caller_sent_a_nul_still_backs_up_and_restores(
    on_air: tuple[Episode, str],
) -> None:
    episode, token = on_air
    command(episode, token, "message", '{"text": "Wrap up\\u0000"}')
    command(episode, token, "message", '{"text": "Wrap up"}')
    archive = backup.dump_show(episode.show).content
    Show.objects.all().delete()
    Speaker.objects.all().delete()

    restored = backup.restore_backup(BytesIO(archive))

    assert list(LiveMessage.objects.values_list("text", flat=True)) == ["Wrap up"]
    assert restored.show.slug == episode.show.slug


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('{"version": Infinity}', "Infinity is not a number JSON allows"),
        ('{"version": -Infinity}', "-Infinity is not a number JSON allows"),
        ('{"version": NaN}', "NaN is not a number JSON allows"),
        ('{"version": ' + "9" * 5000 + "}", "a number of 5,000 digits is too long"),
        ('{"version": 1e400}', "too large"),
        ("[" * 4_000 + "]" * 4_000, "nests 4,000 levels deep"),
        ('{"version": {"a": {"b": [1]}}}', "nests 4 levels deep"),
        ('{"text": "' + "x" * 20_000 + '"}', "at most 10,000"),
    ],
)
def test_live_command_with_special_numbers_or_deep_json_is_refused(
    on_air: tuple[Episode, str], body: str, reason: str
) -> None:
    episode, token = on_air

    status, answer = command(episode, token, "start", body)

    assert status == 400
    assert reason in answer["error"]
    assert LiveState.objects.filter(episode=episode, state="running").count() == 0


@pytest.mark.parametrize(
    ("version", "reason"),
    [
        (2**31, "“version”: must be at most 2,147,483,647."),
        (99999999999999999999, "“version”: must be at most"),
        (-1, "“version”: must be at least 0."),
        (1.5, "“version”: must be a whole number, not 1.5."),
        ("²", "“version”: must be a whole number, not '²'."),
    ],
)
def test_live_command_with_a_version_out_of_bounds_is_refused(
    on_air: tuple[Episode, str], version: object, reason: str
) -> None:
    episode, token = on_air

    status, answer = command(episode, token, "start", json.dumps({"version": version}))

    assert status == 409
    assert answer["error"].startswith(reason)


@pytest.mark.parametrize(
    ("seconds", "reason"),
    [
        (10**16, "“seconds”: must be at most 3,600."),
        (-(10**16), "“seconds”: must be at least -3,600."),
    ],
)
def test_add_time_of_ten_to_the_sixteen_seconds_is_refused(
    on_air: tuple[Episode, str], seconds: int, reason: str
) -> None:
    episode, token = on_air
    command(episode, token, "start", "{}")

    status, answer = command(episode, token, "add_time", json.dumps({"seconds": seconds}))

    assert status == 409
    assert answer["error"] == reason
    assert LiveState.objects.get(episode=episode).added_ms == 0


def test_add_time_stops_at_a_day_in_all(on_air: tuple[Episode, str]) -> None:
    episode, token = on_air
    version = command(episode, token, "start", "{}")[1]["version"]
    for _ in range(24):
        status, answer = command(
            episode, token, "add_time", f'{{"seconds": 3600, "version": {version}}}'
        )
        assert status == 200
        version = answer["version"]

    status, answer = command(episode, token, "add_time", f'{{"seconds": 1, "version": {version}}}')

    assert status == 409
    assert "at most 86,400 seconds in all" in answer["error"]
    assert LiveState.objects.get(episode=episode).added_ms == 24 * 3600 * 1000


# -- the guest's link ------------------------------------------------------------------------


@pytest.mark.parametrize("digits", ["²", "٣", "１", "9" * 19, "9" * 5000, "-1", "0"])
def test_guest_link_with_other_digits_is_not_found(digits: str) -> None:
    speaker = make_speaker()
    token = links.ensure_link(speaker)
    given = token.partition("-")[2]

    response = Client().get(f"/guest/{digits}-{given}/")

    assert response.status_code == 404


# -- text in forms -------------------------------------------------------------------------------


def test_segment_title_with_a_control_character_is_refused_next_to_it() -> None:
    episode = make_episode()
    segment = make_segment(episode, title="News")
    client = producer_of(episode.show)

    response = client.post(
        reverse("episodes:edit_segment", args=[episode.pk, segment.pk]),
        {"field": "title", "title": "News\x07", "version": segment.version},
        **HX,
        HTTP_HX_TRIGGER_NAME="title",
    )

    assert response.status_code == 422
    assert "Contains the control character U+0007 at character 5" in response.content.decode()
    segment.refresh_from_db()
    assert segment.title == "News"


def test_notes_keep_new_lines_as_lf() -> None:
    episode = make_episode()
    segment = make_segment(episode, title="News")
    client = producer_of(episode.show)

    client.post(
        reverse("episodes:edit_segment", args=[episode.pk, segment.pk]),
        {"field": "notes", "notes": "one\r\ntwo\rthree", "version": segment.version},
        **HX,
        HTTP_HX_TRIGGER_NAME="notes",
    )

    segment.refresh_from_db()
    assert segment.notes == "one\ntwo\nthree"


# -- deep nesting in the importer ------------------------------------------------------------


def test_deeply_nested_json_import_is_refused_with_a_reason() -> None:
    show = make_show(slug="talk-show")
    client = producer_of(show)
    nested = '{"format": "showrunner.episode/1", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"

    preview = client.post(reverse("episodes:import_preview", args=[show.slug]), {"text": nested})
    saved = client.post(
        reverse("episodes:import_save", args=[show.slug]), {"document": nested}, follow=True
    )

    assert preview.status_code == 200
    assert "nests 100,001 levels deep" in str(preview.context["parse_error"])
    assert saved.status_code == 200
    assert "nests 100,001 levels deep" in saved.content.decode()
    assert not Episode.objects.exists()


def test_episode_json_at_the_depth_the_format_has_still_loads() -> None:
    episode = make_episode()
    make_segment(episode)
    data = episode_json.dump(formats.EpisodeDocument(show_slug="s", title="t"))

    assert episode_json.loads(json.dumps([data]))[0].title == "t"


# -- restore ---------------------------------------------------------------------------------


def test_restore_refuses_an_archive_with_values_out_of_bounds() -> None:
    episode = make_episode(number=3)
    archive = backup.dump_show(episode.show).content
    Show.objects.all().delete()

    def edited(change: Callable[[dict[str, Any]], object]) -> BytesIO:
        import zipfile

        source = zipfile.ZipFile(BytesIO(archive))
        data = json.loads(source.read("show.json"))
        change(data)
        out = BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for name in source.namelist():
                content = json.dumps(data).encode() if name == "show.json" else source.read(name)
                target.writestr(name, content)
        out.seek(0)
        return out

    def set_number(data: dict[str, Any]) -> None:
        data["episodes"][0]["number"] = 2**40

    def set_title(data: dict[str, Any]) -> None:
        data["episodes"][0]["title"] = "bell\x07"

    with pytest.raises(backup.RestoreError, match=r"episodes\[0\]\.number: Episode numbers go up"):
        backup.restore_backup(edited(set_number))
    with pytest.raises(backup.RestoreError, match=r"episodes\[0\]\.title: Contains the control"):
        backup.restore_backup(edited(set_title))
    assert not Episode.objects.exists()


# -- parallel creates ------------------------------------------------------------------------


def test_adding_a_guest_twice_says_so() -> None:
    """The path a race takes: the second insert meets the unique constraint."""
    episode = make_episode()
    dana = make_speaker(name="Dana Li", show=episode.show)
    client = producer_of(episode.show)
    add = reverse("episodes:add_guest", args=[episode.pk])

    first = client.post(add, {"speaker": dana.pk, "layout_version": 1}, **HX)
    second = client.post(add, {"speaker": dana.pk, "layout_version": 2}, **HX)

    assert first.status_code == 200
    assert second.status_code == 200
    assert "Dana Li is on the episode already." in second.content.decode()
    assert Appearance.objects.filter(episode=episode, speaker=dana).count() == 1


def test_new_episode_tries_the_next_number_when_one_is_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The path a race with another writer takes: the number computed is taken by the insert."""
    episode = make_episode(number=4)
    calls: list[int] = []
    real_next = editing.next_number

    def stale_then_real(show: Show) -> int:
        calls.append(1)
        return 4 if len(calls) == 1 else real_next(show)

    monkeypatch.setattr(editing, "next_number", stale_then_real)

    created = editing.new_episode(episode, editing.Actor(None, datetime.now(UTC)))

    assert created.number == 5
    assert len(calls) == 2


def test_new_episode_refuses_when_every_try_meets_a_taken_number(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    episode = make_episode(number=4)
    monkeypatch.setattr(editing, "next_number", lambda show: 4)
    client = producer_of(episode.show)

    response = client.post(reverse("episodes:new_episode", args=[episode.show.slug]), follow=True)

    assert response.status_code == 200
    assert "no number was free; nothing was saved. Try again." in response.content.decode()
    assert Episode.objects.filter(is_template=False).count() == 1


@pytest.mark.django_db(transaction=True)
def test_six_parallel_adds_of_one_guest_add_them_once() -> None:
    episode = make_episode()
    dana = make_speaker(name="Dana Li", show=episode.show)
    users = [make_user((episode.show, Role.PRODUCER)) for _ in range(6)]
    add = reverse("episodes:add_guest", args=[episode.pk])

    def add_dana(index: int) -> int:
        client = Client(raise_request_exception=False)
        client.force_login(users[index])
        return client.post(add, {"speaker": dana.pk, "layout_version": 1}, **HX).status_code

    statuses = fuzzing.at_once(6, add_dana)

    assert statuses == [200] * 6
    assert Appearance.objects.filter(episode=episode, speaker=dana).count() == 1


@pytest.mark.django_db(transaction=True)
def test_six_parallel_new_episodes_get_six_numbers() -> None:
    show = make_show()
    make_episode(show=show, number=1)
    users = [make_user((show, Role.PRODUCER)) for _ in range(6)]

    def new(index: int) -> int:
        client = Client(raise_request_exception=False)
        client.force_login(users[index])
        return client.post(reverse("episodes:new_episode", args=[show.slug])).status_code

    statuses = fuzzing.at_once(6, new)

    assert statuses == [302] * 6
    numbers = sorted(Episode.objects.filter(show=show, is_template=False).values_list("number"))
    assert numbers == [(n,) for n in range(1, 8)]


def test_six_new_episodes_in_a_row_number_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """The deterministic twin of the threaded test: each insert takes the next number."""
    show = make_show()
    make_episode(show=show, number=1)
    actor = editing.Actor(None, datetime.now(UTC) + timedelta(days=1))

    numbers = [editing.new_episode(editing.template_of(show), actor).number for _ in range(6)]

    assert numbers == [2, 3, 4, 5, 6, 7]


# -- text through the editor's other ways in -------------------------------------------------


@pytest.mark.parametrize(
    ("view", "args", "data", "message"),
    [
        (
            "episodes:add_question",
            "segment",
            {"text": "Why\x07?"},
            "The question contains the control",
        ),
        (
            "episodes:add_guest",
            "",
            {"name": "Dana\x07 Li"},
            "The name contains the control character",
        ),
        (
            "episodes:add_news",
            "",
            {"links": "Bell\x07 https://e.org/x"},
            "Line 1 contains the control",
        ),
    ],
)
def test_editor_additions_with_a_control_character_are_refused(
    view: str, args: str, data: dict[str, str], message: str
) -> None:
    episode = make_episode()
    segment = make_segment(episode)
    client = producer_of(episode.show)
    before = fuzzing.db_state()
    url_args = [episode.pk, segment.pk] if args == "segment" else [episode.pk]

    response = client.post(
        reverse(view, args=url_args), {**data, "version": episode.layout_version}, **HX
    )

    assert response.status_code == 422
    assert message in response.content.decode()
    assert fuzzing.db_state() == before


def test_chapters_with_a_nul_are_refused() -> None:
    episode = make_episode()
    client = producer_of(episode.show)

    response = client.post(
        reverse("episodes:episode_chapters", args=[episode.pk]),
        {"chapters": "00:00 Intro\n05:00 Q\x00A", "saved": ""},
    )

    assert response.status_code == 422
    assert "Chapters: contains a NUL character" in response.content.decode()
    episode.refresh_from_db()
    assert episode.chapters == ""


@pytest.mark.parametrize("value", ["7", 2**63, "Infinity", "²"])
def test_got_it_with_any_message_number_answers(value: object) -> None:
    episode = make_episode()
    client = Client()
    client.force_login(make_user((episode.show, Role.HOST)))

    response = client.post(
        reverse("episodes:live_message_read", args=[episode.pk]),
        json.dumps({"message": value}),
        content_type="application/json",
    )

    assert response.status_code in (400, 409)
    assert json.loads(response.content)["error"]

"""The import page's spreadsheet step (upload, mapping, preview, save) and the CSV/.xlsx exports."""

import csv
import io
import random
import re
import string
from datetime import time
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from episodes.formats import spreadsheet
from episodes.models import Episode, Role, Show
from tests import fuzzing
from tests.factories import (
    make_appearance,
    make_episode,
    make_question,
    make_segment,
    make_show,
    make_speaker,
    make_user,
)

pytestmark = pytest.mark.django_db

SHEET = (
    "Segment,Length,Type,Presenter,Questions,Camera\n"
    "Welcome,2,Intro,Dana Li,,1\n"
    'Chat with Omar,10-15 mins,Questions,Dana Li,"Omar Haddad: how did it start?\nAll: what next?",2\n'
    "Wrap,0:03:00,Wrap-up,,,1\n"
)


@pytest.fixture
def show() -> Show:
    return make_show(slug="talk-show", name="Talk Show")


def producer(client: Client, show: Show) -> Client:
    client.force_login(make_user((show, Role.PRODUCER)))
    return client


def upload(client: Client, data: bytes, name: str = "plan.csv", slug: str = "talk-show") -> str:
    response = client.post(
        reverse("episodes:import_preview", args=[slug]), {"upload": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 200
    return response.content.decode()


def form_of(response: Any) -> dict[str, str]:
    """The mapping form's fields as the page filled them in (``response``: the test client's)."""
    context = response.context
    data = {"sheet": context["sheet"], "previewed": context["previewed"]}
    for column in context["columns"]:
        data[column["field"].html_name] = column["field"].value()
    for field in context["episode_fields"]:
        data[field.html_name] = field.value() or ""
    return data


def test_upload_guesses_the_columns_and_previews(client: Client, show: Show) -> None:
    producer(client, show)
    response = client.post(
        reverse("episodes:import_preview", args=["talk-show"]),
        {"upload": SimpleUploadedFile("plan.csv", SHEET.encode())},
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert [c["field"].value() for c in response.context["columns"]] == [
        "title", "duration", "kind", "owner", "questions", "notes",
    ]  # fmt: skip
    assert "Chat with Omar" in html
    assert "10-15" in html
    assert "Omar Haddad:</strong> how did it start?" in html
    assert "Camera: 2" in html
    assert "Save the episode" in html
    assert not Episode.objects.exists()


def test_change_a_column_then_save(client: Client, show: Show) -> None:
    producer(client, show)
    first = client.post(
        reverse("episodes:import_preview", args=["talk-show"]),
        {"upload": SimpleUploadedFile("plan.csv", SHEET.encode())},
    )
    data = form_of(first)
    data["column_5"] = "ignore"  # the camera column is not wanted
    data["number"] = "41"
    data["update"] = "1"

    second = client.post(reverse("episodes:import_sheet", args=["talk-show"]), data)
    html = second.content.decode()
    assert "Camera: 2" not in html
    assert "Not imported: column F (Camera)" in html

    data = form_of(second)
    data["save"] = "1"
    saved = client.post(reverse("episodes:import_sheet", args=["talk-show"]), data)

    episode = Episode.objects.get()
    assert saved["Location"] == reverse("episodes:episode_editor", args=[episode.pk])
    assert episode.number == 41
    segments = list(episode.segments.order_by("position"))
    assert [s.title for s in segments] == ["Welcome", "Chat with Omar", "Wrap"]
    assert [(s.planned_seconds, s.planned_max_seconds) for s in segments] == [
        (120, 120), (600, 900), (180, 180),
    ]  # fmt: skip
    assert [s.kind for s in segments] == ["intro", "questions", "wrap_up"]
    assert segments[0].notes == ""
    assert segments[0].owner is not None
    assert segments[0].owner.speaker.name == "Dana Li"
    questions = list(segments[1].questions.order_by("position"))
    assert [q.addressed_to.get().speaker.name for q in questions[:1]] == ["Omar Haddad"]
    assert questions[1].for_everyone


def test_a_save_after_an_unpreviewed_change_shows_the_preview_again(
    client: Client, show: Show
) -> None:
    producer(client, show)
    first = client.post(
        reverse("episodes:import_preview", args=["talk-show"]),
        {"upload": SimpleUploadedFile("plan.csv", SHEET.encode())},
    )
    data = form_of(first)
    data["column_3"] = "notes"
    data["save"] = "1"

    response = client.post(reverse("episodes:import_sheet", args=["talk-show"]), data)

    assert "changed since this preview" in response.content.decode()
    assert not Episode.objects.exists()
    assert response.context["form"]["column_3"].value() == "notes"  # what they chose stays


def test_bad_cells_are_named_and_nothing_can_be_saved(client: Client, show: Show) -> None:
    producer(client, show)
    data = b"Title,Mins,Kind\nOpen,5,Intro\nChat,ten minutes,Chat\nWrap,-3,\nNews,99999,\n"

    html = upload(client, data)

    assert "C3</strong>: “Chat” is not a kind" in html
    assert "B3</strong>: “ten minutes” is not a duration" in html
    assert "B4</strong>: “-3” is negative" in html
    assert "B5</strong>: “99999” minutes is longer than a day" in html
    assert "Save the episode" not in html

    first = client.post(
        reverse("episodes:import_preview", args=["talk-show"]),
        {"upload": SimpleUploadedFile("plan.csv", data)},
    )
    before = fuzzing.db_state()
    forced = form_of(first) | {"save": "1"}
    response = client.post(reverse("episodes:import_sheet", args=["talk-show"]), forced)
    assert response.status_code == 200
    assert fuzzing.db_state() == before


def xlsx(rows: list[list[object]], merge: str = "") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_with_start_and_end_times(client: Client, show: Show) -> None:
    producer(client, show)
    data = xlsx(
        [
            ["Item", "Start", "End", "Who"],
            ["Open", time(17, 0), time(17, 5), "Ana"],
            ["Talk", time(17, 5), time(17, 25), "Ben"],
        ]
    )

    html = upload(client, data, "plan.xlsx")

    assert re.search(r"Open.*?<td>5 min</td>", html, re.S)
    assert re.search(r"Talk.*?<td>20 min</td>", html, re.S)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (xlsx([["Title", "Mins"], ["Open", "=1+4"]]), "f.xlsx", "B2</strong>: a formula (=1+4)"),
        (
            xlsx([["Title", "Mins"], ["Open", 5], ["Both", 3]], merge="A3:B3"),
            "m.xlsx",
            "A3:B3</strong>: merged cells",
        ),
    ],
)
def test_formulas_and_merged_cells_are_named(
    client: Client, show: Show, data: bytes, name: str, message: str
) -> None:
    producer(client, show)

    html = upload(client, data, name)

    assert message in html
    assert "Save the episode" not in html


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "photo.csv", "holds binary data"),
        (b"PK\x03\x04not really a zip", "plan.xlsx", "not an .xlsx workbook"),
        (b"\xff\xfe\xfa text", "plan.csv", "not UTF-8 text"),
        (xlsx([]), "empty.xlsx", "The sheet is empty"),
        (b"", "empty.csv", "The sheet is empty"),
        (b"Title\n" + b"x\n" * 400, "long.csv", "more than 250 rows"),
        (b"x" * (spreadsheet.MAX_SHEET_BYTES + 1), "big.csv", "at most 1,000,000 bytes"),
    ],
)
def test_files_that_are_not_run_sheets_are_refused_clearly(
    client: Client, show: Show, data: bytes, name: str, message: str
) -> None:
    producer(client, show)
    before = fuzzing.db_state()

    html = upload(client, data, name)

    assert message in html
    assert 'data-testid="parse-error"' in html  # back on the import page, saying why
    assert fuzzing.db_state() == before


def test_a_tampered_file_field_is_refused(client: Client, show: Show) -> None:
    producer(client, show)
    first = client.post(
        reverse("episodes:import_preview", args=["talk-show"]),
        {"upload": SimpleUploadedFile("plan.csv", SHEET.encode())},
    )
    data = form_of(first)
    data["sheet"] = data["sheet"][:-3] + "abc"

    response = client.post(
        reverse("episodes:import_sheet", args=["talk-show"]), data | {"save": "1"}
    )

    assert "did not come back intact" in response.content.decode()
    assert not Episode.objects.exists()


def test_a_file_field_from_another_show_is_refused(client: Client, show: Show) -> None:
    other = make_show(slug="other-show")
    user = make_user((show, Role.PRODUCER), (other, Role.PRODUCER))
    client.force_login(user)
    first = client.post(
        reverse("episodes:import_preview", args=["other-show"]),
        {"upload": SimpleUploadedFile("plan.csv", SHEET.encode())},
    )
    data = form_of(first) | {"save": "1"}

    response = client.post(reverse("episodes:import_sheet", args=["talk-show"]), data)

    assert "did not come back intact" in response.content.decode()
    assert not Episode.objects.exists()


@pytest.mark.parametrize("role", [None, Role.HOST, Role.SHOW_CALLER])
def test_only_the_shows_producers_import(client: Client, show: Show, role: str | None) -> None:
    user = make_user((show, role)) if role else make_user()
    client.force_login(user)

    response = client.post(
        reverse("episodes:import_preview", args=["talk-show"]),
        {"upload": SimpleUploadedFile("plan.csv", SHEET.encode())},
    )
    direct = client.post(
        reverse("episodes:import_sheet", args=["talk-show"]),
        {"upload": SimpleUploadedFile("plan.csv", SHEET.encode())},
    )

    assert response.status_code == 403  # the project's answer for a show one is not on
    assert direct.status_code == 403
    assert not Episode.objects.exists()


def test_anonymous_is_sent_to_log_in(client: Client, show: Show) -> None:
    response = client.post(reverse("episodes:import_sheet", args=["talk-show"]), {})
    assert response.status_code == 302
    assert "login" in response["Location"]


def exported_episode(show: Show) -> Episode:
    episode = make_episode(show=show, number=12, title="Widgets")
    dana = make_appearance(episode, make_speaker(show=show, name="Dana Li"))
    make_segment(episode, title='=HYPERLINK("x")', kind="hook", minutes=1)
    chat = make_segment(
        episode, title="Chat", kind="questions", planned_seconds=600, planned_max_seconds=900,
        owner=dana, notes="Bring the widget\n-second line",
    )  # fmt: skip
    make_question(chat, dana, text="How did you start?")
    make_question(chat, text="What next?", for_everyone=True)
    return episode


def test_export_csv(client: Client, show: Show) -> None:
    episode = exported_episode(show)
    producer(client, show)

    response = client.get(reverse("episodes:export_csv", args=[episode.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="talk-show-12-2026-03-03.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == spreadsheet.COLUMNS
    assert rows[1][:5] == ["18:00", "1", "", "Hook", '\'=HYPERLINK("x")']  # Berlin time, guarded
    assert rows[2][:6] == ["18:01", "10", "15", "Questions", "Chat", "Dana Li"]
    assert rows[2][7] == "Dana Li: How did you start?\nAll: What next?"


def test_export_xlsx(client: Client, show: Show) -> None:
    episode = exported_episode(show)
    producer(client, show)

    response = client.get(reverse("episodes:export_xlsx", args=[episode.pk]))

    assert response.status_code == 200
    assert 'filename="talk-show-12-2026-03-03.xlsx"' in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet["A2"].value == time(18, 0)
    assert sheet["B3"].value == 10
    assert sheet["C3"].value == 15
    assert sheet["E2"].data_type == "s"  # text, not a formula
    assert sheet["E2"].value == '\'=HYPERLINK("x")'


@pytest.mark.parametrize("name", ["episodes:export_csv", "episodes:export_xlsx"])
def test_exports_are_scoped_to_the_asker(client: Client, show: Show, name: str) -> None:
    episode = exported_episode(show)
    other = make_show(slug="other-show")
    client.force_login(make_user((other, Role.PRODUCER)))
    assert client.get(reverse(name, args=[episode.pk])).status_code == 403  # another show's
    assert client.get(reverse(name, args=[10**9])).status_code == 404  # no such episode

    client.force_login(make_user())
    assert client.get(reverse(name, args=[episode.pk])).status_code == 403  # nobody's

    client.force_login(make_user((show, Role.HOST)))  # the team sees run-sheets, as .md/.json
    assert client.get(reverse(name, args=[episode.pk])).status_code == 200


def test_the_run_sheet_links_the_exports(client: Client, show: Show) -> None:
    episode = exported_episode(show)
    producer(client, show)

    html = client.get(reverse("episodes:episode_runsheet", args=[episode.pk])).content.decode()

    assert reverse("episodes:export_csv", args=[episode.pk]) in html
    assert reverse("episodes:export_xlsx", args=[episode.pk]) in html


def test_a_file_near_the_size_bound_survives_the_mapping_steps(client: Client, show: Show) -> None:
    producer(client, show)
    noise = random.Random(7)
    rows = [["Title", "Notes"]] + [
        [f"Item {i}", "".join(noise.choices(string.ascii_letters, k=4_000))] for i in range(200)
    ]
    data = xlsx(rows)
    assert 0.5 * spreadsheet.MAX_SHEET_BYTES < len(data) < spreadsheet.MAX_SHEET_BYTES
    first = client.post(
        reverse("episodes:import_preview", args=["talk-show"]),
        {"upload": SimpleUploadedFile("big.xlsx", data)},
    )
    assert len(first.context["sheet"]) > 4 * len(data) // 3  # signed: larger than base64

    saved = client.post(
        reverse("episodes:import_sheet", args=["talk-show"]), form_of(first) | {"save": "1"}
    )

    assert saved.status_code == 302
    assert Episode.objects.get().segments.count() == 200


def test_the_number_given_on_the_import_page_carries_over(client: Client, show: Show) -> None:
    producer(client, show)
    first = client.post(
        reverse("episodes:import_preview", args=["talk-show"]),
        {"upload": SimpleUploadedFile("plan.csv", SHEET.encode()), "number": "9"},
    )
    assert first.context["doc"].number == 9

    saved = client.post(
        reverse("episodes:import_sheet", args=["talk-show"]), form_of(first) | {"save": "1"}
    )

    assert saved.status_code == 302
    assert Episode.objects.get().number == 9


@pytest.mark.parametrize("change", ["drop", "bogus"])
def test_columns_that_do_not_fit_the_file_are_guessed_again(
    client: Client, show: Show, change: str
) -> None:
    producer(client, show)
    first = client.post(
        reverse("episodes:import_preview", args=["talk-show"]),
        {"upload": SimpleUploadedFile("plan.csv", SHEET.encode())},
    )
    data = form_of(first) | {"number": "5", "save": "1"}
    if change == "drop":
        del data["column_5"]
    else:
        data["column_2"] = "bogus"

    response = client.post(reverse("episodes:import_sheet", args=["talk-show"]), data)

    assert response.status_code == 200
    assert not Episode.objects.exists()  # the guess is shown, not saved unseen
    assert [c["field"].value() for c in response.context["columns"]][2] == "kind"
    assert response.context["form"]["number"].value() == "5"


def segment_facts(episode: Episode) -> list[tuple[object, ...]]:
    return [
        (
            s.title, s.kind, s.planned_seconds, s.planned_max_seconds,
            s.owner.speaker.name if s.owner else None, s.notes,
            [
                (q.text, q.for_everyone, sorted(a.speaker.name for a in q.addressed_to.all()))
                for q in s.questions.order_by("position")
            ],
        )
        for s in episode.segments.order_by("position")
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "suffix"), [("episodes:export_csv", "csv"), ("episodes:export_xlsx", "xlsx")]
)
def test_export_then_import_gives_the_same_segments(
    client: Client, show: Show, name: str, suffix: str
) -> None:
    episode = exported_episode(show)
    producer(client, show)
    exported = client.get(reverse(name, args=[episode.pk])).content

    first = client.post(
        reverse("episodes:import_preview", args=["talk-show"]),
        {"upload": SimpleUploadedFile(f"talk-show-12.{suffix}", exported)},
    )
    data = form_of(first) | {"number": "13"}
    preview = client.post(reverse("episodes:import_sheet", args=["talk-show"]), data)
    assert preview.context["problems"] == []
    saved = client.post(
        reverse("episodes:import_sheet", args=["talk-show"]), form_of(preview) | {"save": "1"}
    )

    assert saved.status_code == 302
    again = Episode.objects.get(show=show, number=13)
    assert segment_facts(again) == segment_facts(episode)
    assert again.appearances.get().speaker == episode.appearances.get().speaker  # reused

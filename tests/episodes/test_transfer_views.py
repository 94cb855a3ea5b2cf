"""Import in the browser, exports and the printable run-sheet."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from episodes.models import Episode, Role, Show
from tests.factories import make_episode, make_show, make_user

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "runsheets"
RUNSHEET = (FIXTURES / "talk-show-12.md").read_text()


@pytest.fixture
def show() -> Show:
    return make_show(slug="talk-show", name="Talk Show")


def producer_client(client: Client, show: object) -> Client:
    client.force_login(make_user((show, Role.PRODUCER)))
    return client


def test_paste_preview_then_save(client: Client, show: object) -> None:
    producer_client(client, show)

    preview = client.post(
        reverse("episodes:import_preview", args=["talk-show"]), {"text": RUNSHEET}
    )

    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Building a Widget Together" in html
    assert "5-10" in html  # the demo's range
    assert "Dana Li:</strong> How did you start contributing?" in html
    assert not Episode.objects.exists()

    document = preview.context["document"]
    saved = client.post(reverse("episodes:import_save", args=["talk-show"]), {"document": document})

    episode = Episode.objects.get()
    assert saved["Location"] == reverse("episodes:episode_editor", args=[episode.pk])
    assert episode.show == show
    assert episode.segments.count() == 6


def test_upload_preview(client: Client, show: object) -> None:
    producer_client(client, show)
    upload = SimpleUploadedFile("12-widgets.md", RUNSHEET.encode(), content_type="text/markdown")

    preview = client.post(
        reverse("episodes:import_preview", args=["talk-show"]), {"upload": upload}
    )

    assert "Building a Widget Together" in preview.content.decode()


def test_preview_reports_the_line_of_a_problem(client: Client, show: object) -> None:
    producer_client(client, show)

    preview = client.post(
        reverse("episodes:import_preview", args=["talk-show"]),
        {"text": "# Talk Show Episode 3, May 1, 2022\n\n**Demo (10-5 mins)**\n"},
    )

    assert "Line 3: The duration “(10-5 mins)” runs backwards" in preview.content.decode()


def test_non_text_upload_is_refused_clearly(client: Client, show: object) -> None:
    producer_client(client, show)
    upload = SimpleUploadedFile("photo.md", b"\xff\xd8\xff\xe0binary", content_type="image/jpeg")

    preview = client.post(
        reverse("episodes:import_preview", args=["talk-show"]), {"upload": upload}
    )

    assert "not UTF-8 text" in preview.content.decode()


def test_saving_goes_into_this_show_whatever_the_document_says(
    client: Client, show: object
) -> None:
    producer_client(client, show)
    other = make_show(slug="not-mine")
    preview = client.post(
        reverse("episodes:import_preview", args=["talk-show"]), {"text": RUNSHEET}
    )
    document = json.loads(preview.context["document"])
    document[0]["show"]["slug"] = "not-mine"

    client.post(
        reverse("episodes:import_save", args=["talk-show"]), {"document": json.dumps(document)}
    )

    assert not Episode.objects.filter(show=other).exists()
    assert Episode.objects.filter(show=show).count() == 1


def test_tampered_document_is_refused_without_saving(client: Client, show: object) -> None:
    producer_client(client, show)

    response = client.post(
        reverse("episodes:import_save", args=["talk-show"]),
        {"document": '{"format": "nope"}'},
        follow=True,
    )

    assert "could not be saved" in response.content.decode()
    assert not Episode.objects.exists()


def test_same_number_is_not_saved_twice_unless_replaced(client: Client, show: object) -> None:
    producer_client(client, show)
    document = client.post(
        reverse("episodes:import_preview", args=["talk-show"]), {"text": RUNSHEET}
    ).context["document"]
    client.post(reverse("episodes:import_save", args=["talk-show"]), {"document": document})

    again = client.post(reverse("episodes:import_preview", args=["talk-show"]), {"text": RUNSHEET})
    assert "Episode 12 already exists" in again.content.decode()
    response = client.post(
        reverse("episodes:import_save", args=["talk-show"]), {"document": document}, follow=True
    )
    assert "Not saved" in response.content.decode()
    client.post(
        reverse("episodes:import_save", args=["talk-show"]), {"document": document, "replace": "on"}
    )

    assert Episode.objects.count() == 1


def test_import_is_for_producers_only(client: Client, show: object) -> None:
    client.force_login(make_user((show, Role.HOST)))

    assert client.get(reverse("episodes:import_preview", args=["talk-show"])).status_code == 403
    assert (
        client.post(
            reverse("episodes:import_save", args=["talk-show"]), {"document": "[]"}
        ).status_code
        == 403
    )


def test_exports_download_markdown_and_json(client: Client, show: object) -> None:
    episode = make_episode(show=show, number=7, title="Seven")
    client.force_login(make_user((show, Role.HOST)))

    markdown = client.get(reverse("episodes:export_markdown", args=[episode.pk]))
    data = client.get(reverse("episodes:export_json", args=[episode.pk]))

    name = "talk-show-7-2026-03-03"  # a scheduled episode: no "draft" in the name
    assert markdown["Content-Disposition"] == f'attachment; filename="{name}.md"'
    assert markdown.content.decode().startswith(
        "# Talk Show Episode 7, March 3, 2026 at 18:00 UTC+01:00\nSeven\n"
    )
    assert data["Content-Disposition"] == f'attachment; filename="{name}.json"'
    assert json.loads(data.content)["title"] == "Seven"


def test_exports_and_print_are_refused_outside_the_show(client: Client, show: object) -> None:
    episode = make_episode(show=show)
    client.force_login(make_user((make_show(), Role.PRODUCER)))

    for name in ("episodes:export_markdown", "episodes:export_json", "episodes:episode_print"):
        assert client.get(reverse(name, args=[episode.pk])).status_code == 403


def test_print_view_has_times_and_questions_by_guest(client: Client, show: object) -> None:
    producer_client(client, show)
    client.post(
        reverse("episodes:import_save", args=["talk-show"]),
        {
            "document": client.post(
                reverse("episodes:import_preview", args=["talk-show"]), {"text": RUNSHEET}
            ).context["document"]
        },
    )
    episode = Episode.objects.get()

    html = client.get(reverse("episodes:episode_print", args=[episode.pk])).content.decode()

    assert "site-header" not in html
    assert "Questions by guest" in html
    assert "<h3>Dana Li</h3>" in html
    assert '<td class="time">03:00</td>' in html  # no air time yet: from the top of the show


def test_preview_over_the_time_limit_says_so_and_saves_nothing(
    client: Client, show: object, settings: SettingsWrapper
) -> None:
    producer_client(client, show)
    settings.ISOLATED_SECONDS = 0  # the worker cannot answer in no time: it is stopped

    response = client.post(
        reverse("episodes:import_preview", args=["talk-show"]), {"text": RUNSHEET * 500}
    )

    assert response.status_code == 200
    assert response.context["parse_error"].reason == (
        "This document took too long to read (over 0 s); nothing was saved."
    )
    assert "document" not in response.context
    assert not Episode.objects.exists()


def test_save_over_the_time_limit_says_so_and_saves_nothing(
    client: Client, show: object, settings: SettingsWrapper
) -> None:
    producer_client(client, show)
    document = client.post(
        reverse("episodes:import_preview", args=["talk-show"]), {"text": RUNSHEET}
    ).context["document"]
    many = json.dumps(json.loads(document) * 300)  # a tenth of a second to read, not none
    settings.ISOLATED_SECONDS = 0

    response = client.post(
        reverse("episodes:import_save", args=["talk-show"]), {"document": many}, follow=True
    )

    assert "took too long to read (over 0 s); nothing was saved" in response.content.decode()
    assert not Episode.objects.exists()


def test_an_upload_over_the_character_limit_is_refused_clearly(
    client: Client, show: object
) -> None:
    producer_client(client, show)
    text = RUNSHEET + "\n" + "x" * 500_000
    upload = SimpleUploadedFile("12-widgets.md", text.encode(), content_type="text/markdown")

    response = client.post(
        reverse("episodes:import_preview", args=["talk-show"]), {"upload": upload}
    )

    assert response.context["parse_error"].reason == (
        f"The document is {len(text):,} characters long; the limit is 500,000."
    )
    assert not Episode.objects.exists()


LATE_SHOW = (FIXTURES / "late-show-112.md").read_text()


def test_preview_shows_the_number_guests_addressees_and_what_is_kept_as_notes(
    client: Client, show: object
) -> None:
    producer_client(client, show)

    late = client.post(reverse("episodes:import_preview", args=["talk-show"]), {"text": LATE_SHOW})
    tidy = client.post(reverse("episodes:import_preview", args=["talk-show"]), {"text": RUNSHEET})

    html = late.content.decode()
    assert '<dd data-testid="preview-number">112</dd>' in html
    assert "Ana Lopez (guest)" in html
    assert "Ben Ode (guest)" in html
    assert "to Ana Lopez:</strong> how did widgets start?" in html
    assert "to both (Ana Lopez and Ben Ode):</strong> what comes next?" in html
    assert "Nothing: every line went into a field." in html
    assert '<td>13</td><td class="preview-text">speakers: intro</td>' in tidy.content.decode()
    assert not Episode.objects.exists()


def test_an_upload_without_a_number_takes_the_one_in_its_file_name(
    client: Client, show: object
) -> None:
    producer_client(client, show)
    text = (FIXTURES / "19-closed-heading" / "notes.md").read_bytes()
    upload = SimpleUploadedFile("23-year-in-review.md", text, content_type="text/markdown")

    preview = client.post(
        reverse("episodes:import_preview", args=["talk-show"]), {"upload": upload}
    )

    (shown,) = preview.context["previews"]
    assert shown.doc.number == 23
    client.post(
        reverse("episodes:import_save", args=["talk-show"]),
        {"document": preview.context["document"]},
    )
    assert Episode.objects.get().number == 23


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "# Talk Show Episode 3\n\n**Intro** (ten minutes)\n",
            "Line 3: The duration “(ten minutes)”",
        ),
        ("# Late Show -5 — Feb 3, 2023\n", "Line 1: Episode numbers start at 1"),
        ("# Late Show 12345678\n", "Line 1: The episode number 12345678 is too large"),
        ("# Talk Show Episode 3\n\x00\x01PNG\x02\n", "Line 2: The line contains a NUL character"),
    ],
)
def test_bad_input_is_refused_naming_the_line_and_saves_nothing(
    client: Client, show: object, text: str, message: str
) -> None:
    producer_client(client, show)

    preview = client.post(reverse("episodes:import_preview", args=["talk-show"]), {"text": text})

    html = preview.content.decode()
    assert message in html
    assert "previews" not in preview.context
    assert text.split("\n")[0] in html  # what was pasted stays in the box
    assert not Episode.objects.exists()


def test_a_ten_megabyte_paste_is_refused_clearly(client: Client, show: object) -> None:
    producer_client(client, show)

    preview = client.post(
        reverse("episodes:import_preview", args=["talk-show"]),
        {"text": RUNSHEET + "x" * 10_000_000},
    )

    assert preview.status_code == 413
    assert "What was sent is too large to read" in preview.content.decode()
    assert not Episode.objects.exists()


def test_the_paste_box_has_no_maxlength_that_would_cut_a_paste_short(
    client: Client, show: object
) -> None:
    producer_client(client, show)

    page = client.get(reverse("episodes:import_preview", args=["talk-show"])).content.decode()

    assert "maxlength" not in page
    assert 'data-max-characters="500000"' in page

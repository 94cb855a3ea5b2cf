"""The importers under arbitrary input: Markdown run-sheets, recap posts, episode JSON and
spreadsheets (CSV, .xlsx).

Whatever is pasted, reading either gives documents or a ParseError that says where; saving
either saves an episode that exports and reads back, or refuses and leaves every table as it
was. ``bench/fuzz.py`` runs the same tests with thousands of examples.
"""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from hypothesis import event, given, settings
from hypothesis import strategies as st

from episodes import exporting, formats
from episodes.formats import ParseError, episode_json, hugo_recap, markdown_runsheet, spreadsheet
from episodes.importing import AlreadyImported, save_document
from episodes.models import Episode, Role
from tests import fuzzing
from tests.factories import make_episode, make_show, make_user

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)
FUZZ = settings(max_examples=fuzzing.EXAMPLES)


def read_or_refuse(text: str) -> list[formats.EpisodeDocument]:
    try:
        docs = formats.read(text, today=TODAY, show="fuzz-show")
    except ParseError as exc:
        reason = str(exc)
    else:
        return docs
    assert reason.strip(), "a refusal says why"
    event("not read")
    return []


@FUZZ
@given(text=fuzzing.importable_texts(), replace=st.booleans())
def test_any_document_imports_whole_or_not_at_all(text: str, replace: bool) -> None:
    fuzzing.count_example("importers")
    with transaction.atomic():
        make_episode(show=make_show(slug="fuzz-show"), number=7)  # a number already taken

        for doc in read_or_refuse(text):
            before = fuzzing.db_state()
            try:
                episode = save_document(doc, replace=replace)
            except (ParseError, AlreadyImported) as exc:
                assert fuzzing.db_state() == before
                event(f"refused: {type(exc).__name__}")
                continue
            event("saved")
            exported = exporting.episode_document(
                exporting.episodes_for_export().get(pk=episode.pk)
            )
            again = formats.read(episode_json.dumps(exported), today=TODAY)
            assert len(again) == 1
            assert episode_json.dump(again[0]) == episode_json.dump(exported)
            markdown_runsheet.render(exported)
            hugo_recap.render(exported)
        transaction.set_rollback(True)


@FUZZ
@given(text=fuzzing.importable_texts(), number=st.none() | st.integers(-5, 2**65))
def test_the_import_page_previews_or_explains(text: str, number: int | None) -> None:
    fuzzing.count_example("import page")
    with transaction.atomic():
        show = make_show(slug="fuzz-show")
        client = Client()
        client.force_login(make_user((show, Role.PRODUCER)))
        before = fuzzing.db_state()

        preview = client.post(
            f"/shows/{show.slug}/import/",
            {"text": text, "number": "" if number is None else number},
        )

        assert preview.status_code == 200
        assert fuzzing.db_state() == before  # a preview saves nothing
        document = preview.context.get("document")
        if document is not None:
            saved = client.post(f"/shows/{show.slug}/import/save/", {"document": document})
            assert saved.status_code == 302
            assert Episode.objects.filter(show=show).exists()
        transaction.set_rollback(True)


@FUZZ
@given(document=fuzzing.mutated_json() | fuzzing.JSON_VALUES.map(str) | st.text(max_size=200))
def test_a_tampered_preview_is_refused_or_saved_whole(document: str) -> None:
    """The saved preview comes back from the browser: anything may have been put in it."""
    fuzzing.count_example("import save")
    with transaction.atomic():
        show = make_show(slug="fuzz-show")
        client = Client()
        client.force_login(make_user((show, Role.PRODUCER)))
        before = fuzzing.db_state()

        response = client.post(f"/shows/{show.slug}/import/save/", {"document": document})

        assert response.status_code == 302
        if not Episode.objects.filter(show=show).exists():
            assert fuzzing.db_state() == before
        transaction.set_rollback(True)


@FUZZ
@given(file=fuzzing.spreadsheet_files(), replace=st.booleans())
def test_any_spreadsheet_imports_whole_or_not_at_all(
    file: tuple[str, bytes], replace: bool
) -> None:
    """A spreadsheet's bytes read into a document and problems, or a refusal that says why;
    a document without problems saves whole or is refused with every table as it was."""
    fuzzing.count_example("spreadsheets")
    name, data = file
    options = spreadsheet.Options(show_slug="fuzz-show", show_name="Fuzz", time_zone="UTC")
    reading: spreadsheet.Reading | None = None
    try:
        reading = spreadsheet.read_sheet(data, name, None, options)
    except ParseError as exc:
        refusal = str(exc)
    if reading is None:
        assert refusal.strip(), "a refusal says why"
        event("not read")
        return
    with transaction.atomic():
        make_episode(show=make_show(slug="fuzz-show"), number=7)
        before = fuzzing.db_state()
        if reading.problems:
            assert all(str(problem).strip() for problem in reading.problems)
            event("problems named")
        else:
            try:
                save_document(reading.document, replace=replace)
            except (ParseError, AlreadyImported):
                assert fuzzing.db_state() == before
                event("refused")
            else:
                event("saved")
        transaction.set_rollback(True)


@FUZZ
@given(file=fuzzing.spreadsheet_files(), save=st.booleans())
def test_the_spreadsheet_step_previews_or_explains(file: tuple[str, bytes], save: bool) -> None:
    """Through the import page: never a 500; a preview (or a refusal) changes no row."""
    fuzzing.count_example("spreadsheet page")
    name, data = file
    with transaction.atomic():
        show = make_show(slug="fuzz-show")
        client = Client()
        client.force_login(make_user((show, Role.PRODUCER)))
        before = fuzzing.db_state()

        response = client.post(
            f"/shows/{show.slug}/import/", {"upload": SimpleUploadedFile(name, data)}
        )

        assert response.status_code == 200
        assert fuzzing.db_state() == before
        context = response.context
        if save and context.get("sheet") and context.get("can_save"):
            form = {"sheet": context["sheet"], "previewed": context["previewed"], "save": "1"}
            for column in context["columns"]:
                form[column["field"].html_name] = column["field"].value()
            saved = client.post(f"/shows/{show.slug}/import/sheet/", form)
            assert saved.status_code in (200, 302)
            if saved.status_code == 200:
                assert fuzzing.db_state() == before
        transaction.set_rollback(True)

"""Spreadsheets in and out: the import page's column-mapping step, CSV and .xlsx exports.

The mapping step is a form that goes back and forth until the producer saves. The uploaded
file travels with it as a hidden field: its bytes, base64, signed (``django.core.signing``,
salted with the show and the user, for a few hours). Every step reads the file again, here on
the server and in a worker process, and saving builds the episode from the file and the
mapping, never from what a page showed; the signature only lets a later step say "start
again" to a field that was not made here, for this show and person, instead of reading it.
"""

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from showrunner import bounds, isolated
from showrunner.auth import Action, get_episode, get_show

from ..exporting import episode_document, episodes_for_export
from ..formats import ParseError, spreadsheet
from ..forms import ImportForm
from ..importing import AlreadyImported, existing_speaker, save_document
from ..models import Show
from .transfer import download, export_name

TOKEN_SECONDS = 6 * 3600
# A file of MAX_SHEET_BYTES, base64, compressed and base64 again by the signer (about 1.4
# times the size for a workbook, which does not compress), with room for the signature. Below
# Django's bound on a form's fields (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB).
MAX_TOKEN_CHARACTERS = spreadsheet.MAX_SHEET_BYTES * 2 + 10_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SheetForm(forms.Form):
    """The mapping step: the episode's own fields, and a meaning for each column."""

    number = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=bounds.LARGEST_EPISODE_NUMBER,
        label="Episode number",
    )
    title = forms.CharField(required=False, max_length=200, label="Episode title")
    air_date = forms.DateField(
        required=False,
        label="Air date",
        validators=bounds.DATE,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, columns: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index in range(columns):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                choices=list(spreadsheet.MEANINGS.items()),
                label=f"Column {spreadsheet.column_letter(index)}",
            )


def posted_columns(request: HttpRequest) -> int:
    """How many column fields the page sent (at most the columns a sheet may have)."""
    count = 0
    while count < spreadsheet.MAX_COLUMNS and f"column_{count}" in request.POST:
        count += 1
    return count


def signer_salt(request: HttpRequest, show: Show) -> str:
    return f"episodes.sheet-import:{show.pk}:{request.user.pk}"


def file_token(request: HttpRequest, show: Show, name: str, data: bytes) -> str:
    payload = {"name": name[-200:], "data": base64.b64encode(data).decode("ascii")}
    return signing.dumps(payload, salt=signer_salt(request, show), compress=True)


def token_file(request: HttpRequest, show: Show, token: str) -> tuple[str, bytes]:
    """The file a page sent back; ParseError when it is not one this step made."""
    again = "The uploaded spreadsheet did not come back intact; choose the file again."
    if not token or len(token) > MAX_TOKEN_CHARACTERS:
        raise ParseError(again)
    try:
        payload = signing.loads(token, salt=signer_salt(request, show), max_age=TOKEN_SECONDS)
        return str(payload["name"]), base64.b64decode(payload["data"], validate=True)
    except signing.SignatureExpired:
        old = "The upload is more than a few hours old; choose the file again."
        raise ParseError(old) from None
    except (signing.BadSignature, KeyError, TypeError, ValueError, binascii.Error):
        raise ParseError(again) from None


def fingerprint(mapping: list[str], options: spreadsheet.Options) -> str:
    """What a preview was made from, so a save can tell that nothing changed since."""
    state = [mapping, options.number, options.title, str(options.air_date)]
    return hashlib.sha256(json.dumps(state).encode()).hexdigest()[:32]


@dataclass
class Step:
    name: str
    data: bytes
    token: str


def start_again(request: HttpRequest, show: Show, problem: Exception) -> HttpResponse:
    """The import page, with what went wrong where the first step's errors go."""
    error = problem if isinstance(problem, ParseError) else ParseError(str(problem))
    context = {"show": show, "form": ImportForm(), "parse_error": error}
    return render(request, "episodes/import.html", context)


def uploaded(request: HttpRequest, show: Show, upload: UploadedFile) -> Step:
    size = upload.size or 0
    if size > spreadsheet.MAX_SHEET_BYTES:
        raise ParseError(
            f"The file is {size:,} bytes; a spreadsheet run-sheet may be at most "
            f"{spreadsheet.MAX_SHEET_BYTES:,} bytes."
        )
    data = upload.read(spreadsheet.MAX_SHEET_BYTES + 1)
    name = upload.name or "upload.csv"
    return Step(name, data, file_token(request, show, name, data))


@login_required
@require_POST
def import_sheet(request: HttpRequest, slug: str) -> HttpResponse:
    """The mapping step: read the sheet (again), apply the mapping, preview; or save."""
    show = get_show(request.user, slug, Action.EDIT)
    upload = request.FILES.get("upload")
    try:
        if upload is not None:
            step = uploaded(request, show, upload)
        else:
            token = request.POST.get("sheet", "")
            step = Step(*token_file(request, show, token), token)
    except ParseError as exc:
        return start_again(request, show, exc)

    first = upload is not None
    columns = posted_columns(request)
    form = SheetForm(None if first else request.POST, columns=columns)
    valid = False if first else form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    if first:  # the number the import page's form was given, if any
        carried = SheetForm({"number": request.POST.get("number", "")})
        cleaned = carried.cleaned_data if carried.is_valid() else {}
    options = spreadsheet.Options(
        show_slug=show.slug,
        show_name=show.name,
        time_zone=show.time_zone,
        number=cleaned.get("number"),
        title=(cleaned.get("title") or "").strip(),
        air_date=cleaned.get("air_date"),
    )
    posted = [request.POST.get(f"column_{i}", "") for i in range(columns)]
    mapping = None if first or not all(m in spreadsheet.MEANINGS for m in posted) else posted
    try:  # in a worker process: a large or slow workbook must not hold up the live screens
        reading = isolated.run(
            spreadsheet.read_sheet, step.data, step.name, mapping, options, what="This spreadsheet"
        )
    except (ParseError, isolated.IsolationError) as exc:
        return start_again(request, show, exc)

    if reading.mapping != mapping:  # the first step, or columns that did not fit: the guess
        initial: dict[str, object] = {
            f"column_{i}": meaning for i, meaning in enumerate(reading.mapping)
        }
        data = None if first else request.POST.copy()
        if data is None:
            initial["number"] = options.number
        else:
            for name, meaning in initial.items():
                data.setlist(name, [str(meaning)])  # the guess in place of what did not fit
        form = SheetForm(data, initial=initial, columns=len(reading.mapping))
        valid = first or form.is_valid()

    doc = reading.document
    notice = ""
    if valid and request.POST.get("save") and not reading.problems:
        if request.POST.get("previewed") != fingerprint(reading.mapping, options):
            notice = (
                "The columns or the episode's fields changed since this preview: "
                "check it and save again."
            )
        else:
            try:
                episode = save_document(doc, replace=request.POST.get("replace") == "on")
            except AlreadyImported as exc:
                notice = f"Not saved: {exc.args[0].replace('give --replace', 'tick “Replace it”')}"
            except ParseError as exc:
                notice = f"Not saved: {exc}"
            else:
                messages.success(request, f"Imported {episode.label} from {step.name}.")
                return redirect("episodes:episode_editor", episode.pk)

    table = reading.table
    header = table.header()
    context = {
        "show": show,
        "form": form,
        "sheet": step.token,
        "filename": step.name,
        "sheet_name": table.sheet_name,
        "columns": [
            {
                "letter": spreadsheet.column_letter(i),
                "header": header[i],
                "samples": table.samples(i),
                "field": form[f"column_{i}"],
            }
            for i in range(len(reading.mapping))
        ],
        "episode_fields": [form["number"], form["title"], form["air_date"]],
        "rows": len(table.rows) - 1,
        "doc": doc,
        "problems": reading.problems,
        "ignored": reading.ignored,
        "notice": notice,
        "can_save": valid and not reading.problems and bool(doc.segments),
        "previewed": fingerprint(reading.mapping, options),
        "existing": show.episodes.filter(number=doc.number).first() if doc.number else None,
        "people": [(p, existing_speaker(show, p.name, p.is_group)) for p in doc.speakers],
    }
    return render(request, "episodes/import_sheet.html", context)


@login_required
@require_GET
def export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    episode = get_episode(request.user, pk, Action.VIEW, queryset=episodes_for_export())
    return download(
        spreadsheet.to_csv(episode_document(episode)),
        export_name(episode, "csv"),
        "text/csv; charset=utf-8",
    )


@login_required
@require_GET
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    episode = get_episode(request.user, pk, Action.VIEW, queryset=episodes_for_export())
    response = HttpResponse(spreadsheet.to_xlsx(episode_document(episode)), content_type=XLSX_TYPE)
    name = export_name(episode, "xlsx")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

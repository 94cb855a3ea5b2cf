"""Import in the browser (paste or upload, preview, save) and export downloads."""

import json
from functools import partial
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from showrunner import isolated
from showrunner.auth import Action, get_episode, get_show

from ..exporting import episode_document, episodes_for_export
from ..formats import MAX_CHARACTERS, ParseError, episode_json, markdown_runsheet, read_checked
from ..formats.spreadsheet import is_spreadsheet_name
from ..forms import ImportForm
from ..importing import AlreadyImported, import_previews, save_document
from ..models import Episode


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """Parse what was pasted or uploaded and show it as it would be saved."""
    show = get_show(request.user, slug, Action.EDIT)
    try:
        upload = request.FILES.get("upload")
        form = ImportForm(request.POST or None, request.FILES or None)
    except RequestDataTooBig:
        form = ImportForm()
        context: dict[str, object] = {"show": show, "form": form}
        context["parse_error"] = ParseError(
            f"What was sent is too large to read: a run-sheet is at most {MAX_CHARACTERS:,} "
            "characters. Nothing was saved."
        )
        return render(request, "episodes/import.html", context, status=413)
    if request.method == "POST" and upload is not None and is_spreadsheet_name(upload.name or ""):
        from .sheets import import_sheet  # (a module that uses this one's helpers)

        return import_sheet(request, show.slug)  # CSV or .xlsx: to the column-mapping step
    context = {"show": show, "form": form}
    if request.method == "POST" and form.is_valid():
        filename = form.cleaned_data.get("filename")
        reading = partial(
            read_checked,
            today=timezone.localdate(),
            number=form.cleaned_data["number"],
            show_slug=show.slug,
            show_name=show.name,
            # "07-notes.md": the number, when the document has none
            path=PurePath(filename) if filename else None,
        )
        try:  # in a worker process: a slow document must not hold up the live screens
            docs, context["document"] = isolated.run(reading, form.cleaned_data["text"])
        except ParseError as exc:
            context["parse_error"] = exc
        except isolated.IsolationError as exc:
            context["parse_error"] = ParseError(str(exc))
        else:
            context["previews"] = import_previews(show, docs)
    return render(request, "episodes/import.html", context)


@login_required
@require_POST
def import_save(request: HttpRequest, slug: str) -> HttpResponse:
    """Save the previewed episodes. The document is checked again: nothing from the browser
    is trusted, and it can only go into this show."""
    show = get_show(request.user, slug, Action.EDIT)
    try:
        docs = isolated.run(episode_json.loads, request.POST.get("document", ""))
    except (ParseError, isolated.IsolationError) as exc:
        messages.error(request, f"The preview could not be saved: {exc}")
        return redirect("episodes:import_preview", show.slug)
    replace = request.POST.get("replace") == "on"
    saved = []
    for doc in docs:
        doc.show_slug = show.slug
        try:
            saved.append(save_document(doc, replace=replace))
        except AlreadyImported as exc:
            messages.error(request, f"Not saved: {exc.args[0].replace('--replace', 'Replace')}")
        except ParseError as exc:
            messages.error(request, f"Not saved: {exc}")
    if len(saved) == 1:
        messages.success(request, f"Imported {saved[0].label}.")
        return redirect("episodes:episode_editor", saved[0].pk)
    if saved:
        messages.success(request, f"Imported {len(saved)} episodes.")
    return redirect("episodes:show_detail", show.slug)


def download(content: str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_name(episode: Episode, suffix: str) -> str:
    """``late-show-112-2023-02-03.md``: the show, the number and the date; "draft" only for a
    draft (``late-show-draft.md``)."""
    parts = [episode.show.slug]
    if episode.number is not None:
        parts.append(str(episode.number))
    if episode.air_date is not None:
        parts.append(episode.air_date.isoformat())
    if episode.status == Episode.Status.DRAFT:
        parts.append("draft")
    return f"{'-'.join(parts)}.{suffix}"


@login_required
@require_GET
def export_markdown(request: HttpRequest, pk: int) -> HttpResponse:
    episode = get_episode(request.user, pk, Action.VIEW, queryset=episodes_for_export())
    doc = episode_document(episode)
    return download(
        markdown_runsheet.render(doc),
        export_name(episode, "md"),
        "text/markdown; charset=utf-8",
    )


@login_required
@require_GET
def export_json(request: HttpRequest, pk: int) -> HttpResponse:
    episode = get_episode(request.user, pk, Action.VIEW, queryset=episodes_for_export())
    data = episode_json.dump(episode_document(episode), time_zone=episode.show.time_zone)
    return download(
        json.dumps(data, indent=2, ensure_ascii=False) + "\n",
        export_name(episode, "json"),
        "application/json",
    )

"""After the show: planned against actual, video chapters and the recap post."""

import csv
from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from showrunner import bounds
from showrunner.auth import Action, can, get_episode, get_show

from .. import chapters, editing, timing_log, timing_report
from ..exporting import chapters_text, episodes_for_export, recap_post, recorded_chapters
from ..formats import ParseError, spreadsheet
from ..models import Episode, Segment
from .editor import actor

KIND_LABELS = dict(Segment.Kind.choices)


# Numbers as they are; text a spreadsheet shows as text, never runs as a formula. The same
# guard as the run-sheet's CSV and .xlsx exports.
csv_cell = spreadsheet.safe_cell


def csv_response(rows: Iterable[Iterable[object]], filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return response


def seconds_or_blank(value: float | None) -> int | str:
    return "" if value is None else round(value)


def episode_slug(episode: Episode) -> str:
    return f"{episode.show.slug}-{episode.number or episode.pk}"


@login_required
@require_GET
def episode_report(request: HttpRequest, pk: int) -> HttpResponse:
    episode = get_episode(request.user, pk, Action.VIEW)
    rehearsal = request.GET.get("run") == "rehearsal"
    result = timing_log.episode_report(episode, rehearsal=rehearsal)
    return render(
        request,
        "episodes/report.html",
        {
            "episode": episode,
            "report": result,
            "rehearsal": rehearsal,
            "has_chapters": bool(episode.chapters.strip()) or result.has_runs,
            "can_edit": can(request.user, episode.show, Action.EDIT),
        },
    )


@login_required
@require_GET
def episode_report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    episode = get_episode(request.user, pk, Action.VIEW)
    result = timing_log.episode_report(episode)
    header = [
        "position", "segment", "kind", "planned_min_s", "planned_max_s", "actual_s",
        "difference_s", "verdict", "started_at", "questions_planned", "questions_asked",
        "questions_skipped",
    ]  # fmt: skip
    rows: list[list[object]] = [list(header)]
    for position, row in enumerate(result.rows, start=1):
        rows.append(
            [
                position,
                row.title,
                row.kind,
                row.planned.min_seconds,
                row.planned.max_seconds,
                seconds_or_blank(row.actual_seconds),
                seconds_or_blank(row.delta_seconds),
                row.verdict,
                row.started_at.isoformat() if row.started_at else "",
                row.questions_planned,
                row.questions_asked,
                row.questions_skipped,
            ]
        )
    return csv_response(rows, f"{episode_slug(episode)}-planned-vs-actual.csv")


@login_required
@require_GET
def show_report(request: HttpRequest, slug: str) -> HttpResponse:
    show = get_show(request.user, slug, Action.VIEW)
    runs = timing_log.show_runs(show)
    stats = timing_report.by_kind(timing_report.played_segments(runs))
    return render(
        request,
        "episodes/show_report.html",
        {
            "show": show,
            "stats": stats,
            "chart": timing_report.kind_chart(stats, KIND_LABELS) if stats else None,
            "episodes": timing_log.episode_totals(runs),
        },
    )


@login_required
@require_GET
def show_report_csv(request: HttpRequest, slug: str) -> HttpResponse:
    show = get_show(request.user, slug, Action.VIEW)
    stats = timing_report.by_kind(timing_report.played_segments(timing_log.show_runs(show)))
    rows: list[list[object]] = [
        [
            "kind", "segments", "episodes", "mean_actual_s", "median_actual_s",
            "mean_planned_s", "times_over", "share_over", "mean_over_s",
        ]
    ]  # fmt: skip
    for entry in stats:
        share = entry.over_share
        rows.append(
            [
                entry.kind,
                entry.count,
                len(entry.episodes),
                round(entry.mean_seconds),
                round(entry.median_seconds),
                seconds_or_blank(entry.mean_planned_seconds),
                entry.over_count,
                "" if share is None else f"{share:.2f}",
                seconds_or_blank(entry.mean_over_seconds),
            ]
        )
    return csv_response(rows, f"{show.slug}-segments-by-kind.csv")


@login_required
@require_http_methods(["GET", "POST"])
def episode_chapters(request: HttpRequest, pk: int) -> HttpResponse:
    """The chapters, editable before copying: saved edits win over the recorded times."""
    episode = get_episode(request.user, pk, Action.VIEW)
    can_edit = can(request.user, episode.show, Action.EDIT)
    text = chapters_text(episode)
    error: ParseError | None = None
    conflict, status = False, 200
    if request.method == "POST":
        episode = get_episode(request.user, pk, Action.EDIT)
        if "reset" in request.POST:
            editing.set_chapters(episode, "", None, actor(request))
            messages.success(request, "The chapters are back to the times recorded on air.")
            return redirect("episodes:episode_chapters", episode.pk)
        text = request.POST.get("chapters", "")
        try:
            if problem := bounds.text_problem(text):
                raise ParseError(f"Chapters: {problem}")
            parsed = chapters.parse(text)
        except ParseError as exc:
            error, status = exc, 422
        else:
            # Compare-and-set: saved only over the version this editor started from.
            saved = editing.set_chapters(
                episode,
                chapters.render(parsed),
                request.POST.get("saved", "").replace("\r\n", "\n"),
                actor(request),
            )
            if saved:
                messages.success(request, "Chapters saved.")
                return redirect("episodes:episode_chapters", episode.pk)
            conflict, status = True, 409
    if conflict:  # theirs is shown beside the text being edited; saving again replaces it
        episode.refresh_from_db(fields=["chapters"])
    try:
        warnings = chapters.warnings(chapters.parse(text)) if text.strip() and not error else []
    except ParseError as exc:  # saved before a rule changed: say so rather than fail
        error, warnings = exc, []
    return render(
        request,
        "episodes/chapters.html",
        {
            "episode": episode,
            "text": text,
            "error": error,
            "warnings": warnings,
            "edited": bool(episode.chapters.strip()),
            "conflict": conflict,
            "recorded": bool(recorded_chapters(episode)),
            "can_edit": can_edit,
        },
        status=status,
    )


@login_required
@require_GET
def episode_recap(request: HttpRequest, pk: int) -> HttpResponse:
    episode = get_episode(request.user, pk, Action.VIEW, queryset=episodes_for_export())
    text, filename = recap_post(episode), f"{episode_slug(episode)}.md"
    if request.GET.get("download"):
        response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return render(
        request, "episodes/recap.html", {"episode": episode, "text": text, "filename": filename}
    )

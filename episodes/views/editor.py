"""The episode editor: one page where producers plan an episode, edit in place, reorder, undo.

Every change is a small htmx POST carrying the version the producer's screen showed, and the
name of the field that changed (``field``, added by static/js/editor.js). A saved cell answers
with out-of-band updates only (new versions, recomputed times and totals, the undo bar), so
what the producer is typing in the next cell is never replaced. Layout changes answer with the
re-rendered run-sheet. A refused edit answers 409 with the current state, an invalid value 422
with the message placed next to its field; htmx is configured to show both (base.html).
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget
from django_htmx.middleware import HtmxDetails

from showrunner import bounds
from showrunner.auth import Action, get_episode, get_show, shows_for
from speakers import links
from speakers.models import ProfileChange, Speaker

from .. import editing, limits, onair, timing_log
from ..editing import Actor, CannotUndo, Conflict
from ..forms import (
    AppearanceForm,
    HeaderForm,
    NewsItemForm,
    PasteNewsForm,
    QuestionForm,
    SegmentForm,
)
from ..models import Appearance, Episode, NewsItem, Question, Segment
from . import editor_rows

ORDERED: dict[str, type[Segment] | type[Question] | type[NewsItem]] = {
    "segments": Segment,
    "questions": Question,
    "news": NewsItem,
}


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it (its documented typing pattern)."""

    htmx: HtmxDetails


def actor(request: HttpRequest) -> Actor:
    """The one place the editor reads the clock: everything below takes ``Actor.now``."""
    user = request.user
    return Actor(user if isinstance(user, User) else None, timezone.now())


def editor_queryset() -> QuerySet[Episode]:
    """The episode with its guests, segments and news; questions come from
    :func:`attach_questions`."""
    return Episode.objects.select_related("show").prefetch_related(
        Prefetch("appearances", queryset=Appearance.objects.select_related("speaker")),
        "segments",
        "news_items",
    )


def questions_of(episode: Episode) -> tuple[dict[int, list[Question]], dict[int, frozenset[int]]]:
    """Each segment's questions in order, and whom each question is for (appearance ids).

    Two queries for the whole episode. A prefetch would build a QuerySet per segment and an
    Appearance per addressee: at a hundred segments that was most of the editor's time.
    """
    by_segment: dict[int, list[Question]] = {}
    for question in Question.objects.filter(segment__episode=episode).order_by(
        "segment_id", "position"
    ):
        by_segment.setdefault(question.segment_id, []).append(question)
    pairs = Question.addressed_to.through.objects.filter(
        question__segment__episode=episode
    ).values_list("question_id", "appearance_id")
    found: dict[int, set[int]] = {}
    for question_id, appearance_id in pairs:
        found.setdefault(question_id, set()).add(appearance_id)
    return by_segment, {question_id: frozenset(ids) for question_id, ids in found.items()}


def load(request: HttpRequest, pk: int) -> Episode:
    return get_episode(request.user, pk, Action.EDIT, queryset=editor_queryset())


def load_for_cell(request: HttpRequest, pk: int) -> Episode:
    """The episode alone, for a cell's save, which answers without the rows."""
    return get_episode(
        request.user, pk, Action.EDIT, queryset=Episode.objects.select_related("show")
    )


def fresh(pk: int) -> Episode:
    """The episode re-read with everything the editor shows, after a change."""
    return editor_queryset().get(pk=pk)


def int_field(request: HttpRequest, name: str) -> int | None:
    try:
        return int(request.POST[name])
    except (KeyError, ValueError):
        return None


def changed_field(request: HtmxHttpRequest) -> str:
    return request.POST.get("field") or (request.htmx.trigger_name if request.htmx else "") or ""


# -- rendering -------------------------------------------------------------------------------


def page_urls(episode: Episode) -> dict[str, str]:
    """The editor's own URLs that are not a row's."""
    pk = [episode.pk]
    return {
        "header_url": reverse("episodes:edit_header", args=pk),
        "undo_url": reverse("episodes:editor_undo", args=pk),
        "add_segment_url": reverse("episodes:add_segment", args=pk),
        "add_news_url": reverse("episodes:add_news", args=pk),
        "search_url": reverse("episodes:search_speakers", args=pk),
        "add_guest_url": reverse("episodes:add_guest", args=pk),
    }


def editor_context(
    request: HttpRequest, episode: Episode, *, with_history: bool = True, **extra: Any
) -> dict[str, Any]:
    """Everything the editor's templates read: the episode's header, totals and its rows
    (:func:`editor_rows.editor_rows`). ``with_history``: how long each kind usually runs, read
    from the show's whole live log."""
    who = actor(request)
    now = who.now
    sheet = episode.run_sheet(now=now)
    questions, addressed = questions_of(episode)
    latest_changes: dict[int, tuple[str, datetime]] = {}
    for change in ProfileChange.objects.filter(
        speaker__appearances__episode=episode, changed_by__isnull=True
    ).order_by("speaker_id", "-changed_at"):
        latest_changes.setdefault(change.speaker_id, (change.summary, change.changed_at))
    guest_links = {}
    for appearance in episode.appearances.all():
        token = links.token_for(appearance.speaker)
        if token:
            portal = reverse("speakers:guest_portal", args=[token])
            guest_links[appearance.pk] = request.build_absolute_uri(portal)
    rows = editor_rows.editor_rows(
        episode,
        sheet,
        questions=questions,
        addressed=addressed,
        locked=onair.locked_segment_ids(episode),
        usual=timing_log.usual_seconds(episode.show, exclude=episode) if with_history else {},
        links=guest_links,
        profile_changes=latest_changes,
        now=now,
    )
    return {
        "episode": episode,
        "show": episode.show,
        "sheet": sheet,
        "rows": rows,
        **page_urls(episode),
        "air_time": f"{start:%H:%M}" if (start := episode.local_start()) else "",
        "target_minutes": episode.target_seconds // 60,
        "roles": Appearance.Role.choices,
        "statuses": Episode.Status.choices,
        "message": "",
        "undo": editing.last_change(episode, who),
        **extra,
    }


def render_part(
    request: HttpRequest,
    template: str,
    episode: Episode,
    status: int = 200,
    *,
    with_history: bool = True,
    **extra: Any,
) -> HttpResponse:
    """An editor fragment with all of :func:`editor_context`, times in the show's zone."""
    with timezone.override(episode.show.zone):
        context = editor_context(request, episode, with_history=with_history, **extra)
        return render(request, template, context, status=status)


def layout_response(request: HttpRequest, pk: int, message: str = "") -> HttpResponse:
    """After a change of layout: the run-sheet, guests and news again, and the undo bar."""
    return render_part(request, "episodes/editor/_layout_changed.html", fresh(pk), message=message)


def body_response(request: HttpRequest, pk: int, message: str, status: int = 200) -> HttpResponse:
    """The whole editor again: after an undo, or a refused (stale) edit."""
    response = render_part(
        request, "episodes/editor/_body.html", fresh(pk), status=status, message=message
    )
    return reswap(retarget(response, "#editor-body"), "outerHTML")


def conflict_response(request: HttpRequest, pk: int, exc: Conflict) -> HttpResponse:
    return body_response(request, pk, str(exc), status=409)


CELL_CONFLICT = (
    "Someone else changed this while you were editing, so your edit is not saved yet. "
    "What you typed stays beside what is saved now: keep yours or take theirs."
)


def cell_conflict_response(request: HttpRequest, pk: int, exc: Conflict) -> HttpResponse:
    """A refused cell edit: the editor as it is now, for static/js/editor.js, which keeps what
    the producer typed on screen beside the saved value until they choose."""
    message = CELL_CONFLICT if exc.current is not None else str(exc)
    return body_response(request, pk, message, status=409)


# What a saved cell's value can change besides its own row: the times and totals.
TIMING = {Episode: {"air_date", "air_time", "target_minutes"}, Segment: {"planned"}}


def saved_response(
    request: HttpRequest, pk: int, saved: Any, error_slot: str, field: str = ""
) -> HttpResponse:
    """A saved cell answers with what changed, out of band: the row's new version, the
    episode's revision and the undo bar; and, when the field moves times (a planned time, the
    air time, the target), every segment's times and the totals. The fields stay as typed.
    ``error_slot`` selects the saved field's error message, which is cleared."""
    who = actor(request)
    episode = Episode.objects.select_related("show").get(pk=pk)
    prefix = "episode" if isinstance(saved, Episode) else error_slot.split()[0].lstrip("#")
    context: dict[str, Any] = {
        "episode": episode,
        "undo": editing.last_change(episode, who),
        "undo_url": reverse("episodes:editor_undo", args=[pk]),
        "error_slot": error_slot,
        "version_id": f"{prefix}-version",
        "version": saved.version,
        "sheet": None,
        "times": (),
    }
    with timezone.override(episode.show.zone):
        if field in TIMING.get(type(saved), set()):
            sheet = episode.run_sheet(now=who.now)
            context.update(sheet=sheet, times=editor_rows.time_rows(episode, sheet))
        return render(request, "episodes/editor/_saved.html", context)


def error_text(errors: Iterable[object]) -> str:
    """A field's errors as one line. Django's ErrorList yields its messages as text, though
    django-stubs type its items as ValidationError | str."""
    return " ".join(str(error) for error in errors)


def invalid(message: str, target: str) -> HttpResponse:
    """422 with the message placed next to the field (``target`` is its error slot)."""
    return reswap(retarget(HttpResponse(escape(message), status=422), target), "innerHTML")


# -- the page --------------------------------------------------------------------------------


@login_required
@require_GET
def editor(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    episode = load(request, pk)
    if request.htmx and request.GET.get("part") == "body":
        return render_part(request, "episodes/editor/_body.html", episode)
    with timezone.override(episode.show.zone):
        context = editor_context(request, episode)
        body = render_to_string("episodes/editor/_body.html", context, request=request)
    page = {**context, "body": SafeString(body), "delete_blocked": editing.deletable(episode)}
    return render(request, "episodes/editor/page.html", page)


@login_required
@require_GET
def revision(request: HttpRequest, pk: int) -> JsonResponse:
    """What open editors poll to know whether to refresh."""
    episode = get_episode(request.user, pk, Action.VIEW)
    return JsonResponse({"revision": episode.revision})


@login_required
@require_POST
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    episode = load(request, pk)
    try:
        change = editing.undo_last(episode, actor(request))
    except (CannotUndo, Conflict) as exc:
        return body_response(request, pk, f"Could not undo: {exc}")
    return body_response(request, pk, f"Undone: {change}.")


# -- cells -----------------------------------------------------------------------------------


@login_required
@require_POST
def edit_header(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    episode = load_for_cell(request, pk)
    field = changed_field(request)
    form = HeaderForm(request.POST, instance=episode)
    if field not in form.fields:
        return HttpResponse("Unknown field.", status=400)
    form.is_valid()
    target = f"#editor-header .{field.replace('_', '-')}-error"
    if field in form.errors:
        return invalid(error_text(form.errors[field]), target)
    try:
        changes = form.changes_for(field)
    except ValidationError as exc:
        return invalid(" ".join(exc.messages), target)
    try:
        saved = editing.update_fields(
            episode,
            changes,
            int_field(request, "version") or 0,
            actor(request),
            description=f"change the {form[field].label}".lower(),
        )
    except Conflict as exc:
        return cell_conflict_response(request, pk, exc)
    return saved_response(request, pk, saved, target, field)


def segment_of(episode: Episode, segment_pk: int) -> Segment:
    return get_object_or_404(Segment, pk=segment_pk, episode=episode)


@login_required
@require_POST
def edit_segment(request: HtmxHttpRequest, pk: int, segment_pk: int) -> HttpResponse:
    episode = load_for_cell(request, pk)
    segment = segment_of(episode, segment_pk)
    field = changed_field(request)
    if field not in {"title", "kind", "planned", "owner", "notes"}:
        return HttpResponse("Unknown field.", status=400)
    current = {
        "title": segment.title,
        "kind": segment.kind,
        "notes": segment.notes,
        "owner": segment.owner_id or "",
    }
    form = SegmentForm(
        {**current, field: request.POST.get(field, "")}, instance=segment, episode=episode
    )
    if not form.is_valid() and field in form.errors:
        return invalid(error_text(form.errors[field]), f"#segment-{segment.pk} .{field}-error")
    try:
        saved = editing.update_fields(
            segment,
            form.changes_for(field),
            int_field(request, "version") or 0,
            actor(request),
            description=f"change {field_label(field)} of “{segment.title}”",
        )
    except Conflict as exc:
        return cell_conflict_response(request, pk, exc)
    return saved_response(request, pk, saved, f"#segment-{segment.pk} .{field}-error", field)


def field_label(field: str) -> str:
    return {"planned": "the planned time", "owner": "the lead"}.get(field, f"the {field}")


@login_required
@require_POST
def edit_question(request: HtmxHttpRequest, pk: int, question_pk: int) -> HttpResponse:
    episode = load_for_cell(request, pk)
    question = get_object_or_404(Question, pk=question_pk, segment__episode=episode)
    field = changed_field(request)
    version = int_field(request, "version") or 0
    row = f"#question-{question.pk}"
    try:
        if field in ("addressed_to", "everyone"):
            ids = [int(value) for value in request.POST.getlist("addressed_to") if value.isdigit()]
            everyone = request.POST.get("everyone") == "on"
            saved = editing.set_addressees(
                question, [] if everyone else ids, everyone, version, actor(request)
            )
            return saved_response(request, pk, saved, f"{row} .question-error")
        if field not in {"text", "notes", "is_recurring"}:
            return HttpResponse("Unknown field.", status=400)
        data = {
            "text": question.text,
            "notes": question.notes,
            "is_recurring": question.is_recurring,
        }
        data[field] = (
            request.POST.get(field) == "on"
            if field == "is_recurring"
            else request.POST.get(field, "")
        )
        form = QuestionForm(data, instance=question)
        if not form.is_valid() and field in form.errors:
            return invalid(error_text(form.errors[field]), f"{row} .question-error")
        if field == "text":
            limits.check_question_text(form.cleaned_data["text"])
        saved = editing.update_fields(
            question,
            {field: form.cleaned_data[field]},
            version,
            actor(request),
            description=f"edit the question “{question.text[:60]}”",
        )
    except Conflict as exc:
        return cell_conflict_response(request, pk, exc)
    except limits.LimitReached as exc:
        return invalid(str(exc), f"{row} .question-error")
    return saved_response(request, pk, saved, f"{row} .question-error")


@login_required
@require_POST
def edit_news(request: HtmxHttpRequest, pk: int, news_pk: int) -> HttpResponse:
    episode = load_for_cell(request, pk)
    item = get_object_or_404(NewsItem, pk=news_pk, episode=episode)
    field = changed_field(request)
    if field not in {"title", "url", "notes"}:
        return HttpResponse("Unknown field.", status=400)
    data = {
        "title": item.title,
        "url": item.url,
        "notes": item.notes,
        field: request.POST.get(field, ""),
    }
    form = NewsItemForm(data, instance=item)
    if not form.is_valid():
        errors = form.errors.get(field) or form.non_field_errors()
        return invalid(error_text(errors), f"#news-{item.pk} .news-error")
    try:
        saved = editing.update_fields(
            item,
            {field: form.cleaned_data[field]},
            int_field(request, "version") or 0,
            actor(request),
            description=f"edit the news item “{item.title or item.url}”",
        )
    except Conflict as exc:
        return cell_conflict_response(request, pk, exc)
    return saved_response(request, pk, saved, f"#news-{item.pk} .news-error")


@login_required
@require_POST
def edit_appearance(request: HtmxHttpRequest, pk: int, appearance_pk: int) -> HttpResponse:
    episode = load_for_cell(request, pk)
    appearance = get_object_or_404(Appearance, pk=appearance_pk, episode=episode)
    field = changed_field(request)
    if field not in {"role", "notes"}:
        return HttpResponse("Unknown field.", status=400)
    data = {"role": appearance.role, "notes": appearance.notes, field: request.POST.get(field, "")}
    form = AppearanceForm(data, instance=appearance)
    if not form.is_valid():
        message = error_text(form.errors.get(field, ["That value is not allowed."]))
        return invalid(message, f"#appearance-{appearance.pk} .guest-error")
    try:
        saved = editing.update_fields(
            appearance,
            {field: form.cleaned_data[field]},
            int_field(request, "version") or 0,
            actor(request),
            description=f"change the {field} of {appearance.speaker.name}",
        )
    except Conflict as exc:
        return cell_conflict_response(request, pk, exc)
    return saved_response(request, pk, saved, f"#appearance-{appearance.pk} .guest-error")


CONTACT_FIELDS = {
    "email": forms.EmailField(max_length=254, required=False),
    "pronouns": forms.CharField(max_length=50, required=False),
    "title": forms.CharField(max_length=200, required=False),
    "pronunciation": forms.CharField(max_length=200, required=False),
}


@login_required
@require_POST
def edit_contact(request: HttpRequest, pk: int, appearance_pk: int) -> HttpResponse:
    """A guest's email, pronouns or pronunciation, set by a producer of the guest's show.

    Checked against the value the producer's screen showed (``was``) in the same transaction
    that writes it, and recorded in the guest's profile history as the producers' change.
    """
    episode = load(request, pk)
    appearance = get_object_or_404(Appearance, pk=appearance_pk, episode=episode)
    field = request.POST.get("field", "")
    if field not in CONTACT_FIELDS:
        return HttpResponse("Unknown field.", status=400)
    slot = f"#contact-{appearance.pk}-{field}-error"
    try:
        value = CONTACT_FIELDS[field].clean(request.POST.get(field, ""))
    except ValidationError as exc:
        return invalid(" ".join(exc.messages), slot)
    value = " ".join(value.split())
    get_object_or_404(
        Speaker.objects.for_user(request.user).filter(show=episode.show),
        pk=appearance.speaker_id,
    )
    try:
        editing.set_contact(appearance, field, value, request.POST.get("was"), actor(request))
    except Conflict as exc:
        before = getattr(exc.current, field)
        response = render(
            request,
            "episodes/editor/_contact_saved.html",
            {"appearance": appearance, "field": field, "value": before, "status": ""},
            status=409,
        )
        message = escape(
            f"Someone changed this meanwhile to “{before}”. Yours was not saved; "
            "change it again to replace theirs."
        )
        response.content = message.encode() + response.content
        return reswap(retarget(response, slot), "innerHTML")
    return render(
        request,
        "episodes/editor/_contact_saved.html",
        {"appearance": appearance, "field": field, "value": value, "status": "Saved."},
    )


# -- layout ----------------------------------------------------------------------------------


def layout_change(
    request: HttpRequest,
    pk: int,
    change: Callable[[], object],
    limit_target: str = "#segment-limit-error",
) -> HttpResponse:
    """Run a layout change; a stale layout answers 409 with the current editor, one past the
    episode's bounds (episodes/limits.py) 422 with the reason at ``limit_target``."""
    try:
        change()
    except Conflict as exc:
        return conflict_response(request, pk, exc)
    except limits.LimitReached as exc:
        return invalid(str(exc), limit_target)
    return layout_response(request, pk)


def layout_version(request: HttpRequest) -> int:
    return int_field(request, "layout_version") or 0


@login_required
@require_POST
def add_segment(request: HttpRequest, pk: int) -> HttpResponse:
    episode = load(request, pk)
    after_pk = int_field(request, "after")
    after = segment_of(episode, after_pk) if after_pk else None
    return layout_change(
        request,
        pk,
        lambda: editing.add_segment(episode, layout_version(request), actor(request), after=after),
    )


@login_required
@require_POST
def duplicate_segment(request: HttpRequest, pk: int, segment_pk: int) -> HttpResponse:
    episode = load(request, pk)
    segment = segment_of(episode, segment_pk)
    return layout_change(
        request,
        pk,
        lambda: editing.duplicate_segment(segment, layout_version(request), actor(request)),
    )


def ordered_item(episode: Episode, kind: str, item_pk: int) -> Segment | Question | NewsItem:
    model = ORDERED.get(kind)
    if model is None:
        raise Http404(f"There is nothing called {kind!r} to move or delete.")
    if model is Question:
        return get_object_or_404(Question, pk=item_pk, segment__episode=episode)
    if model is Segment:
        return get_object_or_404(Segment, pk=item_pk, episode=episode)
    return get_object_or_404(NewsItem, pk=item_pk, episode=episode)


@login_required
@require_POST
def delete_item(request: HttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    episode = load(request, pk)
    item = ordered_item(episode, kind, item_pk)
    return layout_change(
        request, pk, lambda: editing.delete(item, layout_version(request), actor(request))
    )


@login_required
@require_POST
def move_item(request: HttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    """Move to index ``to`` (0-based), or one place ``up`` or ``down``."""
    episode = load(request, pk)
    item = ordered_item(episode, kind, item_pk)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        to_index = item.position - 1 + (-1 if direction == "up" else 1)
    else:
        asked = int_field(request, "to")
        if asked is None:
            return HttpResponse("Say where to: to=<index> or direction=up|down.", status=400)
        to_index = asked
    return layout_change(
        request, pk, lambda: editing.move(item, to_index, layout_version(request), actor(request))
    )


@login_required
@require_POST
def add_question(request: HttpRequest, pk: int, segment_pk: int) -> HttpResponse:
    episode = load(request, pk)
    segment = segment_of(episode, segment_pk)
    text = request.POST.get("text", "").strip()
    target = f"#segment-{segment.pk} .new-question-error"
    if not text:
        return invalid("Write the question first.", target)
    if problem := bounds.text_problem(text):
        return invalid(f"The question {problem}", target)
    return layout_change(
        request,
        pk,
        lambda: editing.add_question(segment, text, layout_version(request), actor(request)),
        limit_target=target,
    )


@login_required
@require_POST
def add_news(request: HttpRequest, pk: int) -> HttpResponse:
    episode = load(request, pk)
    form = PasteNewsForm(request.POST)
    if not form.is_valid():
        return invalid(error_text(form.errors["links"]), "#news-editor .paste-error")
    return layout_change(
        request,
        pk,
        lambda: editing.add_news(
            episode, form.cleaned_data["links"], layout_version(request), actor(request)
        ),
    )


# -- guests ----------------------------------------------------------------------------------


@login_required
@require_GET
def search_speakers(request: HttpRequest, pk: int) -> HttpResponse:
    """This show's guests matching the query; and, to copy over explicitly, the same people on
    other shows the asker produces (staff: any show). Never another show's speaker itself."""
    episode = get_episode(request.user, pk, Action.EDIT)
    query = request.GET.get("q", "").strip()[:100]
    speakers: list[Speaker] = []
    elsewhere: list[Speaker] = []
    if query:
        matching = Speaker.objects.filter(name__icontains=query).exclude(
            appearances__episode=episode
        )
        speakers = list(matching.filter(show=episode.show).order_by("name")[:8])
        elsewhere = list(
            matching.filter(show__in=shows_for(request.user, Action.EDIT))
            .exclude(show=episode.show)
            .select_related("show")
            .order_by("name", "show__name")[:8]
        )
    return render(
        request,
        "episodes/editor/_speaker_results.html",
        {
            "episode": episode,
            "speakers": speakers,
            "elsewhere": elsewhere,
            "query": query,
            "add_guest_url": reverse("episodes:add_guest", args=[episode.pk]),
        },
    )


@login_required
@require_POST
def add_guest(request: HttpRequest, pk: int) -> HttpResponse:
    """Put one of this show's speakers on the episode, a copy of someone from another show
    the asker produces (``copy``), or someone new (``name``)."""
    episode = load(request, pk)
    role = request.POST.get("role", Appearance.Role.GUEST)
    if role not in Appearance.Role.values:
        role = Appearance.Role.GUEST
    speaker_pk = int_field(request, "speaker")
    copy_pk = int_field(request, "copy")
    name = " ".join(request.POST.get("name", "").split())
    target = "#guests-editor .guest-add-error"
    speaker = copy_of = None
    if speaker_pk:
        speaker = get_object_or_404(Speaker.objects.filter(show=episode.show), pk=speaker_pk)
    elif copy_pk:
        copy_of = get_object_or_404(
            Speaker.objects.filter(show__in=shows_for(request.user, Action.EDIT)), pk=copy_pk
        )
    elif name:
        if len(name) > 200:
            return invalid("That name is over 200 characters.", target)
        if problem := bounds.text_problem(name):
            return invalid(f"The name {problem}", target)
    else:
        return invalid("Pick someone or type a new name.", target)
    try:
        editing.add_guest(
            episode,
            layout_version(request),
            actor(request),
            role=role,
            speaker=speaker,
            copy_of=copy_of,
            name=name,
        )
    except Conflict as exc:
        return conflict_response(request, pk, exc)
    except editing.Refused as exc:
        return layout_response(request, pk, message=str(exc))
    return layout_response(request, pk)


@login_required
@require_POST
def guest_link(request: HttpRequest, pk: int, appearance_pk: int) -> HttpResponse:
    """A guest's private link: a new one (the old stops working), none, an expiry, or sent."""
    episode = load(request, pk)
    appearance = get_object_or_404(
        Appearance.objects.select_related("speaker", "episode__show"),
        pk=appearance_pk,
        episode=episode,
    )
    action = request.POST.get("action", "")
    if action not in editing.LINK_ACTIONS:
        return HttpResponse("Unknown action.", status=400)
    slot = f"#appearance-{appearance.pk} .guest-error"
    expires_at = None
    if action == "expiry":
        day = request.POST.get("expires", "")
        try:
            expires = date.fromisoformat(day) if day else None
        except ValueError:
            return invalid(f"“{day}” is not a date: give it as YYYY-MM-DD.", slot)
        if expires is not None and (problem := bounds.year_problem(expires)):
            return invalid(f"Expiry: {problem}", slot)
        if expires is not None:
            expires_at = datetime.combine(expires, time.max, tzinfo=episode.show.zone)
    try:
        message = editing.guest_link(appearance, action, actor(request), expires_at=expires_at)
    except editing.Refused as exc:
        return invalid(str(exc), slot)
    return layout_response(request, pk, message=message)


@login_required
@require_POST
def remove_guest(request: HttpRequest, pk: int, appearance_pk: int) -> HttpResponse:
    episode = load(request, pk)
    appearance = get_object_or_404(
        Appearance.objects.select_related("speaker"), pk=appearance_pk, episode=episode
    )
    try:
        editing.remove_guest(appearance, layout_version(request), actor(request))
    except Conflict as exc:
        return conflict_response(request, pk, exc)
    return layout_response(request, pk, message=f"{appearance.speaker.name} is off the episode.")


# -- whole episodes --------------------------------------------------------------------------


@login_required
@require_POST
def new_episode(request: HttpRequest, slug: str) -> HttpResponse:
    show = get_show(request.user, slug, Action.EDIT)
    try:
        episode = editing.new_episode(editing.template_of(show), actor(request))
    except editing.Refused as exc:
        messages.error(request, f"No new episode: {exc}")
        return redirect("episodes:show_detail", show.slug)
    return redirect("episodes:episode_editor", episode.pk)


@login_required
@require_POST
def duplicate_episode(request: HttpRequest, pk: int) -> HttpResponse:
    episode = load(request, pk)
    try:
        copy = editing.new_episode(episode, actor(request))
    except editing.Refused as exc:
        messages.error(request, f"Not duplicated: {exc}")
        return redirect("episodes:episode_editor", episode.pk)
    return redirect("episodes:episode_editor", copy.pk)


@login_required
@require_GET
def edit_template(request: HttpRequest, slug: str) -> HttpResponse:
    show = get_show(request.user, slug, Action.EDIT)
    return redirect("episodes:episode_editor", editing.template_of(show).pk)

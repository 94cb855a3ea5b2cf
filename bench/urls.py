"""Baseline views the benchmarks compare the real pages against, next to the project's URLs."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.safestring import SafeString

from episodes import editing
from episodes.models import Episode
from episodes.views import editor
from showrunner.urls import urlpatterns as project_urlpatterns

MINIMAL = Engine().from_string(
    """<!doctype html><title>{{ episode.title }}</title><table>
{% for segment in episode.segments.all %}<tr><td>{{ segment.position }}</td><td>{{ segment.title }}</td>
<td>{{ segment.planned_seconds }}</td><td>{% for question in segment.questions.all %}{{ question.text }}<br>{% endfor %}</td></tr>
{% endfor %}</table>"""
)


def minimal_runsheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The same rows as the editor, from one prefetched query, with no app logic."""
    episode = Episode.objects.prefetch_related("segments__questions").get(pk=pk)
    return HttpResponse(MINIMAL.render(Context({"episode": episode})))


def editor_with(request: HttpRequest, pk: int, engine: str) -> HttpResponse:
    """The editor's page as episodes.views.editor.editor renders it (the same queries, the same
    rows), its body rendered by the template engine named ``engine``: "django" is the app's
    own (templates/episodes/editor/), "jinja2" the bench's Jinja2 copy of the same markup
    (bench/jinja2/episodes/editor/)."""
    if engine not in ("django", "jinja2"):
        raise Http404(engine)
    episode = editor.load(request, pk)
    with timezone.override(episode.show.zone):
        context = editor.editor_context(request, episode)
        body = render_to_string(
            "episodes/editor/_body.html", context, request=request, using=engine
        )
    page = {**context, "body": SafeString(body), "delete_blocked": editing.deletable(episode)}
    return render(request, "episodes/editor/page.html", page)


def minimal_json(request: HttpRequest) -> JsonResponse:
    """The least a Django view can do: a small JSON answer, no database, no login."""
    return JsonResponse({"ok": True, "t": 0})


urlpatterns = [
    path("bench/minimal/<int:pk>/", minimal_runsheet),
    path("bench/minimal-json/", minimal_json),
    path("bench/editor/<str:engine>/<int:pk>/", editor_with),
    *project_urlpatterns,
]

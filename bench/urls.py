"""Baseline views the benchmarks compare the real pages against, next to the project's URLs."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import Context, Engine
from django.urls import path

from episodes.models import Episode
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


def minimal_json(request: HttpRequest) -> JsonResponse:
    """The least a Django view can do: a small JSON answer, no database, no login."""
    return JsonResponse({"ok": True, "t": 0})


urlpatterns = [
    path("bench/minimal/<int:pk>/", minimal_runsheet),
    path("bench/minimal-json/", minimal_json),
    *project_urlpatterns,
]

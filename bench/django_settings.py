"""The project's settings plus the bench's own URLs (the baseline views live in bench/urls.py),
and bench/templates/ for the Django-template copy of the editor's fragments that
bench/runsheet_page.py renders beside the app's Jinja2 ones."""

from showrunner.settings import *  # noqa: F403
from showrunner.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"

django_engine, *other_engines = TEMPLATES
TEMPLATES = [
    {**django_engine, "DIRS": [*django_engine["DIRS"], BASE_DIR / "bench" / "templates"]},
    *other_engines,
]

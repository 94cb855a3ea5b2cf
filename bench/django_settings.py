"""The project's settings plus the bench's own URLs (the baseline views live in bench/urls.py),
and a Jinja2 engine over bench/jinja2/ for the copy of the editor's markup that
bench/runsheet_page.py renders beside the app's Django templates. The Django engine stays
first, so a template the app renders without naming an engine is its own."""

from showrunner.settings import *  # noqa: F403
from showrunner.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"

TEMPLATES = [
    *TEMPLATES,
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "bench" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "bench.jinja_env.environment"},
    },
]

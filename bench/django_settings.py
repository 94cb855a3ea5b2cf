"""The project's settings plus the bench's own URLs (the baseline views live in bench/urls.py)."""

from showrunner.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

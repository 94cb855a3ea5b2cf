import json
import os

import pytest
from django.conf import settings as django_settings
from pytest_django.fixtures import Settings as SettingsWrapper

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from that
# thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _plain_static_and_media(
    settings: SettingsWrapper, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Tests never need collected static files, and never write into the real media folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _a_cache_of_its_own(settings: SettingsWrapper, request: pytest.FixtureRequest) -> None:
    """Each test starts with the throttles' counters at zero, and needs no database for them
    (tests/showrunner/test_throttle.py covers the shared database cache itself)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: SettingsWrapper) -> None:
    """Test users are made by the hundred: a deliberately slow hash would dominate the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_report_header() -> str:
    engine = django_settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"showrunner database: {engine}"


@pytest.fixture(autouse=True)
def _fresh_api_caches() -> None:
    """Each test starts with the API's per-process caches empty (ids repeat across tests)."""
    from episodes import api

    api._token_cache.clear()
    api._access_cache.clear()


def pytest_configure(config: pytest.Config) -> None:
    """Fuzz tests (hypothesis): no deadline (a request's time varies with the machine), and
    in CI the same examples on every run, so a red build can be rerun as it was."""
    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "showrunner",
        deadline=None,
        derandomize=os.environ.get("SHOWRUNNER_FUZZ_RANDOM", "") != "true",
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    settings.load_profile("showrunner")


def pytest_sessionfinish(session: pytest.Session) -> None:
    from tests import fuzzing

    if fuzzing.REPORT:
        with open(fuzzing.REPORT, "w", encoding="utf-8") as report:
            json.dump(dict(fuzzing.examples_run), report, indent=2, sort_keys=True)


@pytest.fixture(autouse=True)
def _no_wait_for_link_requests(settings: SettingsWrapper) -> None:
    """The "send me my link" page waits a floor of time to answer alike for any address;
    tests check that it asks to wait (tests/speakers/test_lost_link.py), not the waiting."""
    settings.SHOWRUNNER_LINK_REQUEST_SECONDS = 0

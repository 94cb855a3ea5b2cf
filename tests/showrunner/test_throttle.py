"""Guesses are throttled: logins (django-axes), guest links, calendar keys and API tokens
(django-ratelimit on the shared cache), and the API's token cache holds real tokens only."""

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from episodes import api
from episodes.models import Role
from episodes.views.upcoming import feed_key
from speakers import links
from tests.factories import make_episode, make_show, make_speaker, make_user

ROOT = Path(__file__).resolve().parent.parent.parent

PASSWORD = "a-long-password-1"


def log_in(address: str, username: str, password: str) -> int:
    client = Client(REMOTE_ADDR=address)
    client.get(reverse("login"))
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code


@pytest.mark.django_db
def test_a_login_is_locked_out_after_failures_from_that_address_with_a_message(
    settings: SettingsWrapper,
) -> None:
    make_user(username="pat", password=PASSWORD)
    make_user(username="sam", password=PASSWORD)
    attacker = "198.51.100.1"

    failures = [log_in(attacker, "pat", "wrong") for _ in range(settings.AXES_FAILURE_LIMIT)]
    locked = Client(REMOTE_ADDR=attacker).post(
        reverse("login"), {"username": "pat", "password": PASSWORD}
    )

    # The form again ("wrong password"), and at the limit's failure the lockout.
    assert failures == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert locked.status_code == 429
    assert "_auth_user_id" not in locked.client.session  # the right password did not log in
    page = locked.content.decode()
    assert "Too many failed logins for this user from your address" in page
    assert "Try again in 15 minutes" in page
    assert 'name="password"' in page  # still the login page, in the app's style
    assert log_in("198.51.100.2", "pat", PASSWORD) == 302  # pat, from elsewhere
    assert log_in(attacker, "sam", PASSWORD) == 302  # someone else, from there


@pytest.mark.django_db
def test_a_good_login_resets_the_count(settings: SettingsWrapper) -> None:
    make_user(username="pat", password=PASSWORD)
    address = "198.51.100.3"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(address, "pat", "wrong")

    assert log_in(address, "pat", PASSWORD) == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(address, "pat", "wrong")
    assert log_in(address, "pat", PASSWORD) == 302


@pytest.mark.django_db
def test_wrong_guest_links_are_throttled_per_address(settings: SettingsWrapper) -> None:
    settings.SHOWRUNNER_THROTTLE_GUEST_LINKS = "3/h"
    speaker = make_speaker(name="Dana Li")
    good = reverse("speakers:guest_portal", args=[links.ensure_link(speaker)])
    guesser = Client(REMOTE_ADDR="198.51.100.4")

    wrong = [guesser.get(f"/guest/{speaker.pk}-guess{n}/").status_code for n in range(4)]
    refused = guesser.get(good)

    assert wrong == [404, 404, 404, 404]  # the fourth is counted, and from now on ...
    assert refused.status_code == 429  # ... even a right link waits
    assert Client(REMOTE_ADDR="198.51.100.5").get(good).status_code == 200
    assert Client(REMOTE_ADDR="198.51.100.6").get(good).status_code == 200


@pytest.mark.django_db
def test_opening_a_right_guest_link_again_and_again_is_never_throttled(
    settings: SettingsWrapper,
) -> None:
    settings.SHOWRUNNER_THROTTLE_GUEST_LINKS = "3/h"
    speaker = make_speaker(name="Dana Li")
    good = reverse("speakers:guest_portal", args=[links.ensure_link(speaker)])
    guest = Client(REMOTE_ADDR="198.51.100.7")

    assert [guest.get(good).status_code for _ in range(10)] == [200] * 10


@pytest.mark.django_db
def test_wrong_calendar_keys_are_throttled_per_address(settings: SettingsWrapper) -> None:
    settings.SHOWRUNNER_THROTTLE_CALENDAR_KEYS = "3/h"
    show = make_show(upcoming_public=False)
    url = reverse("episodes:show_calendar", args=[show.slug])
    guesser = Client(REMOTE_ADDR="198.51.100.8")

    wrong = [guesser.get(url, {"key": f"guess{n}"}).status_code for n in range(4)]
    refused = guesser.get(url, {"key": feed_key(show)})

    assert wrong == [404, 404, 404, 404]
    assert refused.status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.9").get(url, {"key": feed_key(show)}).status_code == 200


@pytest.mark.django_db
def test_wrong_api_tokens_are_throttled_per_address(settings: SettingsWrapper) -> None:
    settings.SHOWRUNNER_THROTTLE_API_TOKENS = "3/h"
    episode = make_episode()
    token = api.new_token(make_user((episode.show, Role.HOST)))
    url = reverse("episodes:api_episodes")
    guesser = Client(REMOTE_ADDR="198.51.100.10")

    wrong = [
        guesser.get(url, HTTP_AUTHORIZATION=f"Bearer sr_guess{n}").status_code for n in range(4)
    ]
    refused = guesser.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    elsewhere = Client(REMOTE_ADDR="198.51.100.11").get(url, HTTP_AUTHORIZATION=f"Bearer {token}")

    assert wrong == [401, 401, 401, 401]
    assert refused.status_code == 429
    assert "Too many wrong attempts" in refused.json()["error"]
    assert elsewhere.status_code == 200


@pytest.mark.django_db
def test_the_token_cache_keeps_only_real_tokens_and_a_bounded_number(
    settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SHOWRUNNER_THROTTLE_API_TOKENS = "100000/h"
    monkeypatch.setattr(api, "CACHE_ENTRIES", 5)
    episode = make_episode()
    user = make_user((episode.show, Role.HOST))
    tokens = [api.new_token(user, name=f"deck {n}") for n in range(8)]
    client = Client()

    for n in range(500):
        client.get(reverse("episodes:api_episodes"), HTTP_AUTHORIZATION=f"Bearer sr_wrong{n}")
    wrong_kept = len(api._token_cache)
    for token in tokens:
        response = client.get(
            reverse("episodes:api_episodes"), HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        assert response.status_code == 200

    assert wrong_kept == 0
    assert len(api._token_cache) == 5
    assert list(api._token_cache) == [api.token_hash(t) for t in tokens[-5:]]  # the latest


@pytest.mark.django_db
def test_migrate_makes_the_database_cache_table() -> None:
    assert "showrunner_cache" in connection.introspection.table_names()


@pytest.mark.django_db(transaction=True)
def test_the_database_cache_counts_parallel_guesses_exactly(settings: SettingsWrapper) -> None:
    settings.CACHES = {
        "default": {"BACKEND": "showrunner.cache.DatabaseCache", "LOCATION": "showrunner_cache"}
    }
    cache = caches["default"]
    cache.set("guesses", 0)

    def guess() -> None:
        for _ in range(25):
            cache.incr("guesses")
        connection.close()

    threads = [threading.Thread(target=guess) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert cache.get("guesses") == 8 * 25
    cache.clear()


REDIS_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.cache import caches
result = {"backend": settings.CACHES["default"]["BACKEND"]}
if %r:
    cache = caches["default"]
    cache.set("showrunner-test-guesses", 0, 30)
    cache.incr("showrunner-test-guesses")
    result["count"] = cache.incr("showrunner-test-guesses")
    cache.delete("showrunner-test-guesses")
print(json.dumps(result))
"""


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.parametrize("variable", ["REDIS_URL", "CACHE_URL"])
def test_redis_is_the_shared_cache_where_configured(tmp_path: Path, variable: str) -> None:
    live = redis_reachable()
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "showrunner.settings",
        "SHOWRUNNER_DATA_DIR": str(tmp_path),
        variable: "redis://127.0.0.1:6379/0",
    }

    result = subprocess.run(
        [sys.executable, "-c", REDIS_PROBE % live], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    assert probe["backend"] == "django.core.cache.backends.redis.RedisCache"
    if live:  # Redis runs on the development machines; the selection is checked either way
        assert probe["count"] == 2


def test_a_cache_address_that_is_not_redis_stops_start_up(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ["PATH"],
        "SHOWRUNNER_DATA_DIR": str(tmp_path),
        "CACHE_URL": "memcached://127.0.0.1:11211",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip

    assert result.returncode != 0
    assert "REDIS_URL must be a redis:// address" in result.stderr

"""A local install (no SECRET_KEY given): its own key, plain HTTP on loopback, no debug pages.

Settings are read once per process, so each case runs Django in a fresh interpreter with the
environment given, as tests/showrunner/test_production_settings.py does.
"""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
login = client.get("/accounts/login/")
css = client.get("/static/css/app.css")
print(json.dumps({
    "debug": settings.DEBUG,
    "key": settings.SECRET_KEY,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "base_url": settings.SHOWRUNNER_BASE_URL,
    "login": login.status_code,
    "hsts": login.get("Strict-Transport-Security", ""),
    "secure_cookie": bool(login.cookies["csrftoken"]["secure"]),
    "css": css.status_code,
    "media_route": any("media" in str(p.pattern) for p in __import__(settings.ROOT_URLCONF,
                                                                      fromlist=["x"]).urlpatterns),
}))
"""


def probe(data_dir: Path, **env: str) -> dict[str, object]:
    base = {
        "PATH": os.environ["PATH"],
        "HOME": str(Path.home()),
        "DJANGO_SETTINGS_MODULE": "showrunner.settings",
        "SHOWRUNNER_DATA_DIR": str(data_dir),
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env={**base, **env},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_local_install_makes_its_own_key_once_and_keeps_it_private(tmp_path: Path) -> None:
    first = probe(tmp_path / "one")
    again = probe(tmp_path / "one")
    other = probe(tmp_path / "two")

    key_file = tmp_path / "one" / "secret_key"
    assert first["key"] == key_file.read_text().strip()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(str(first["key"])) >= 50
    assert again["key"] == first["key"]
    assert other["key"] != first["key"]


def test_no_fixed_key_remains_in_the_settings() -> None:
    source = (ROOT / "showrunner" / "settings.py").read_text()

    assert "django-insecure" not in source
    assert 'SECRET_KEY = "' not in source


def test_a_local_install_serves_plain_http_on_loopback_with_debug_off(tmp_path: Path) -> None:
    local = probe(tmp_path)

    assert local["debug"] is False
    assert local["allowed_hosts"] == ["localhost", "127.0.0.1", "[::1]"]
    assert local["login"] == 200  # no redirect to HTTPS
    assert local["hsts"] == ""
    assert local["secure_cookie"] is False
    assert local["css"] == 200  # from the source folders, without collectstatic
    assert local["media_route"] is True  # uploaded photos, with no web server in front


def test_a_deployment_leaves_media_to_the_web_server(tmp_path: Path) -> None:
    deployed = probe(
        tmp_path,
        SECRET_KEY="a-production-secret-key-that-is-long-and-random-" + "x" * 20,
        ALLOWED_HOSTS="127.0.0.1",
        HTTPS="false",
        SHOWRUNNER_PLAIN_STATIC="true",
    )

    assert deployed["media_route"] is False
    assert not (tmp_path / "secret_key").exists()


def test_a_local_install_refuses_to_serve_other_hosts(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "SHOWRUNNER_DATA_DIR": str(tmp_path),
            "ALLOWED_HOSTS": "shows.example.org",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set to serve other hosts than loopback" in result.stderr


@pytest.mark.parametrize(
    ("env", "address"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"PORT": "8100"}, "http://127.0.0.1:8100"),
        ({"HOST": "localhost", "PORT": "8100"}, "http://localhost:8100"),
        ({"HOST": "::1", "PORT": "8100"}, "http://[::1]:8100"),
        (
            {"PORT": "8100", "SHOWRUNNER_BASE_URL": "https://shows.example.org"},
            "https://shows.example.org",
        ),
    ],
)
def test_the_site_address_follows_host_and_port_unless_given(
    tmp_path: Path, env: dict[str, str], address: str
) -> None:
    assert probe(tmp_path, **env)["base_url"] == address


def test_bin_run_refuses_a_public_host_without_a_secret_key(tmp_path: Path) -> None:
    env = {"PATH": os.environ["PATH"], "HOME": str(Path.home()), "HOST": "0.0.0.0"}  # noqa: S104

    result = subprocess.run(
        [str(ROOT / "bin" / "run")], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip

    assert result.returncode == 2
    assert "refusing to listen on 0.0.0.0" in result.stderr
    assert "SECRET_KEY" in result.stderr

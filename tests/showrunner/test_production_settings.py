"""Production settings (SECRET_KEY given): what they insist on, HTTPS by default, the proxy.

Settings are read once per process, so each case runs Django in a fresh interpreter with the
environment a deployment would give it.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

PROBE = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/accounts/login/", **json.loads(%r))
print(json.dumps({
    "status": response.status_code,
    "location": response.get("Location", ""),
    "hsts": response.get("Strict-Transport-Security", ""),
    "csp": response.get("Content-Security-Policy", ""),
    "cookies": {name: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"]),
                       "samesite": m["samesite"]} for name, m in response.cookies.items()},
}))
"""


def run(
    env: dict[str, str], *args: str, probe: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(env)
    base = {
        "PATH": os.environ["PATH"],
        "HOME": str(Path.home()),
        "DJANGO_SETTINGS_MODULE": "showrunner.settings",
        "SHOWRUNNER_DATA_DIR": env.pop("SHOWRUNNER_DATA_DIR"),
        "SHOWRUNNER_PLAIN_STATIC": "true",
    }
    command = [sys.executable, "-c", PROBE % json.dumps(probe or {})] if probe is not None else [
        sys.executable, "manage.py", *args
    ]  # fmt: skip
    return subprocess.run(
        command, cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def production(tmp_path: Path) -> dict[str, str]:
    return {
        "SHOWRUNNER_DATA_DIR": str(tmp_path),
        "DEBUG": "false",
        "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-" + "x" * 20,
        "ALLOWED_HOSTS": "shows.example.org,testserver",
    }


def test_the_production_defaults_pass_the_deployment_checks(production: dict[str, str]) -> None:
    result = run({**production, "SHOWRUNNER_PLAIN_STATIC": "false"}, "check", "--deploy")

    assert result.returncode == 0, result.stderr
    assert (
        "System check identified no issues (1 silenced)." in result.stdout
    )  # ratelimit W001: see settings.py


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY must be set to serve other hosts than loopback"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS must be set when DEBUG is off"),
    ],
)
def test_a_missing_setting_stops_start_up_with_a_clear_message(
    production: dict[str, str], missing: str, message: str
) -> None:
    del production[missing]

    result = run(production, "check")

    assert result.returncode != 0
    assert message in result.stderr


def test_plain_http_is_sent_to_https_with_hsts_and_secure_cookies(
    production: dict[str, str],
) -> None:
    plain = json.loads(run(production, probe={}).stdout)
    secure = json.loads(run(production, probe={"secure": True}).stdout)  # type: ignore[dict-item]

    assert plain["status"] == 301
    assert plain["location"] == "https://testserver/accounts/login/"
    assert secure["status"] == 200
    assert secure["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert secure["cookies"]["csrftoken"]["secure"]
    assert secure["cookies"]["csrftoken"]["samesite"] == "Lax"


def test_behind_a_tls_proxy_its_forwarded_proto_counts(production: dict[str, str]) -> None:
    forwarded = {"HTTP_X_FORWARDED_PROTO": "https"}

    untrusted = json.loads(run(production, probe=forwarded).stdout)
    trusted = json.loads(
        run({**production, "TRUST_X_FORWARDED_PROTO": "true"}, probe=forwarded).stdout
    )
    no_redirect = json.loads(run({**production, "SECURE_SSL_REDIRECT": "false"}, probe={}).stdout)

    assert untrusted["status"] == 301  # a client's own header is not believed
    assert trusted["status"] == 200
    assert no_redirect["status"] == 200


def test_the_content_security_policy_forbids_inline_script_and_style(
    production: dict[str, str],
) -> None:
    csp = json.loads(run(production, probe={"secure": True}).stdout)["csp"]  # type: ignore[dict-item]

    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in csp
    assert directives["frame-ancestors"] == "'none'"

"""A deployment's static files: the screens' modules import each other by their hashed names."""

import re
from pathlib import Path

from django.core.management import call_command
from django.test import override_settings


def test_collectstatic_rewrites_the_screens_module_imports(tmp_path: Path) -> None:
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "showrunner.storage.StaticStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)

    js = tmp_path / "js"
    caller = next(
        p for p in js.glob("caller.*.js") if re.fullmatch(r"caller\.[0-9a-f]{12}\.js", p.name)
    )
    imports = re.findall(r'from "\./([^"]+)"', caller.read_text())
    assert imports, "caller.js imports its neighbours"
    for name in imports:
        assert re.fullmatch(r"[a-z-]+\.[0-9a-f]{12}\.js", name), name
        assert (js / name).exists()

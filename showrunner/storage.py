"""Static files for a deployment: hashed, compressed, and JavaScript module imports rewritten.

The screens' scripts are ES modules that import one another (``import ... from "./clock.js"``).
Without the rewrite a page would load ``live.<hash>.js`` while ``caller.js`` imported the
unhashed ``live.js``: two copies of one module, each with its own state. Only the app's own
scripts (``js/``) are rewritten: a library's comments can look like imports.
"""

from collections.abc import Callable
from re import Match
from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True

    def url_converter(
        self, name: str, hashed_files: dict[str, Any], template: str | None = None
    ) -> Callable[[Match[str]], str]:
        if name.endswith(".js") and not name.startswith("js/"):
            return lambda match: match.group(0)
        return super().url_converter(name, hashed_files, template)

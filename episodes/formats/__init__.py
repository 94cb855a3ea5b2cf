"""Outside formats: one module each, all reading into and writing from an EpisodeDocument."""

import re
from datetime import date
from pathlib import PurePath

from . import episode_json, hugo_recap, markdown_runsheet
from .document import EpisodeDocument, ParseError

NUMBERED = re.compile(r"^(?P<number>\d+)-")

# Sizes refused before any reading (docs/formats.md): a document, pasted, uploaded or given to
# import_runsheet; a file is refused unread past MAX_FILE_BYTES. Real run-sheets are a few KB.
MAX_CHARACTERS = 500_000
MAX_FILE_BYTES = 2_000_000


def number_from_path(path: PurePath) -> int | None:
    """``19-some-slug/notes.md`` or ``19-notes.md`` → 19; the file name first, then folders."""
    for part in [path.name, *(parent.name for parent in path.parents)]:
        match = NUMBERED.match(part)
        if match:
            return int(match.group("number"))
    return None


def read(
    text: str,
    *,
    today: date,
    path: PurePath | None = None,
    number: int | None = None,
    show: str | None = None,
) -> list[EpisodeDocument]:
    """Parse a run-sheet, recap post or episode JSON; the format is told by the content.

    ``number`` and ``show`` (a slug) override what the document says; without a number in the
    document either, one is taken from the file or folder name.
    """
    if len(text) > MAX_CHARACTERS:
        raise ParseError(
            f"The document is {len(text):,} characters long; the limit is {MAX_CHARACTERS:,}."
        )
    stripped = text.lstrip("\ufeff \t\r\n")
    if (path is not None and path.suffix.lower() == ".json") or stripped.startswith(("{", "[")):
        docs = episode_json.loads(text)
        for doc in docs:
            if show:
                doc.show_slug = show
            if number is not None:
                doc.number = number
        return docs
    reader = hugo_recap if hugo_recap.looks_like_recap(stripped) else markdown_runsheet
    doc = reader.parse(text, today=today, number=number, show=show)
    if doc.number is None and path is not None:
        doc.number = number_from_path(path)
    return [doc]


def read_checked(
    text: str,
    *,
    today: date,
    number: int | None,
    show_slug: str,
    show_name: str,
    path: PurePath | None = None,
) -> tuple[list[EpisodeDocument], str]:
    """:func:`read` for the import page, with the checks saving will make; the documents and
    their JSON. ``path`` is an upload's file name, for its number. Pure, so it can run in a
    worker process (``showrunner.isolated``)."""
    docs = read(text, today=today, path=path, number=number, show=show_slug)
    for doc in docs:
        doc.show_name = show_name
        episode_json.load(episode_json.dump(doc))
    return docs, episode_json.dumps(docs)


__all__ = [
    "MAX_CHARACTERS",
    "MAX_FILE_BYTES",
    "EpisodeDocument",
    "ParseError",
    "number_from_path",
    "read",
    "read_checked",
]

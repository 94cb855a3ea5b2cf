"""What the fuzz tests feed the app, and how they tell that a refusal changed nothing.

Shared by ``tests/test_fuzz_importers.py``, ``tests/test_fuzz_endpoints.py`` and
``bench/fuzz.py``. Inputs are built three ways: from scratch (any text, any JSON), by mutating
real documents (the fixtures and the demo run-sheets, an exported episode), and, for requests,
from the names the views and forms actually read, so a new form field is fuzzed without being
listed here.

The number of examples per test comes from ``SHOWRUNNER_FUZZ_EXAMPLES`` (CI keeps it small;
``bench/fuzz.py`` raises it); ``SHOWRUNNER_FUZZ_REPORT`` names a file the session writes the
count of examples run per test into.
"""

import inspect
import json
import os
import re
import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from django import forms as django_forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from hypothesis import strategies as st
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("SHOWRUNNER_FUZZ_EXAMPLES", "15"))
REPORT = os.environ.get("SHOWRUNNER_FUZZ_REPORT", "")

# Examples run per test, for bench/fuzz.py's report (tests/conftest.py writes it out).
examples_run: Counter[str] = Counter()


def count_example(name: str) -> None:
    examples_run[name] += 1


# -- the database, before and after ----------------------------------------------------------

# Fields a refused request may still touch: an API token records when it was last presented,
# whatever the command then said.
VOLATILE = {("episodes", "apitoken"): {"last_used_at"}}
SNAPSHOT_APPS = ("episodes", "speakers", "auth")


def db_state() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the app's tables (and users), to compare before and after a request."""
    state: dict[str, list[tuple[Any, ...]]] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label not in SNAPSHOT_APPS:
            continue
        skip = VOLATILE.get((meta.app_label, meta.model_name), set())
        columns = [f.attname for f in meta.concrete_fields if f.attname not in skip]
        state[meta.label] = list(model.objects.order_by("pk").values_list(*columns))
    return state


def changed_tables(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))


# -- documents -------------------------------------------------------------------------------


def sample_documents() -> list[str]:
    """The run-sheets and recap posts the tests and the demo are built from."""
    paths = sorted((ROOT / "tests" / "fixtures").rglob("*.md"))
    paths += sorted((ROOT / "episodes" / "demo").glob("*.md"))
    return [path.read_text(encoding="utf-8") for path in paths]


SAMPLES = sample_documents()

# Pieces that mean something to one of the readers, to splice into documents.
TOKENS = [
    "# ", "## ", "**", "** ", "(", ")", "(5 mins)", "(5-10 mins)", "(10–5 mins)", "(0 mins)",
    "(99999999999999999999 mins)", "(1.5 mins)", "(-3 mins)", "- ", "-- ", "* ", "1. ", "    ",
    "\t", "Both:", "all:", "Dana:", "Q/A with ", "Bring in ", "speakers: ", "News", "wrap up",
    "?", "https://", "http://x", "[a](", "](https://example.org)", "<https://example.org>",
    "---", "title: ", "date: ", "publishdate: ", "authors:", "  - name: ", "## Presenters",
    "## Topics", "## Recording", "{{< youtube x >}}", "UTC+5:45", "PST", "9-10am", "25:99",
    "Episode 0", "Episode 99999999999999999999", "March 32, 2021", "February 29, 2023",
    "\r\n", "\r", "\x00", "\u202e", "\ufeff", "🎙️", "<script>alert(1)</script>", "{{ x }}",
    "\x07", "\x1b[31m", "\x85", "\x7f", "December 31, 9999", "January 1, 1", "Episode 999999",
    "Episode 1000000", "Episode 9223372036854775807", "(1440 mins)", "(1441 mins)", "(24 h)",
    "Late Show 112 — ", "Show #27", "Show -5", "Show #0", "Show 99999999999999999999", "Kind: ",
    "Kind: questions", "speakers: Ana Lopez, Ben Ode", "guests: Ana and Ben Ode", "Both: ",
    "(ten minutes)", "(five mins)", "(-5 mins)", " at 20:00 UTC+01:00", " at 25:61 UTC+99:00",
    "Chat with Dana", "Dana Li joins us to ", "**Is it worth it? (5 mins)**", "> ", "Pass to ",
]  # fmt: skip

# -- the classes of value that once broke pages after they were saved (issue 11, part 4) -----

EDGE_DATES = [
    "0001-01-01", "1899-12-31", "1900-01-01", "2199-12-31", "2200-01-01", "9999-12-31",
]  # fmt: skip
EDGE_DATETIMES = [
    "0001-01-01T00:30:00+09:00", "9999-12-31T23:30:00-12:00", "9999-12-31T23:30:00+00:00",
    "1900-01-01T00:00:00+14:00", "2199-12-31T23:59:59-12:00",
]  # fmt: skip
HUGE_NUMBERS = [
    2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**16, -(10**16), 999_999, 1_000_000, 86_400, 86_401,
]  # fmt: skip
SPECIAL_NUMBERS = ["Infinity", "-Infinity", "NaN", "1e400", "-1e400", "9" * 5000, "1" + "0" * 40]
CONTROL = st.text(
    alphabet=st.characters(categories=["Cc"]) | st.sampled_from("a \t\n\r"), min_size=1, max_size=8
)
# Unpaired surrogates only travel in JSON ("\ud800"): a form body is UTF-8, which cannot hold one.
SURROGATES = st.text(alphabet=st.characters(categories=["Cs"]), min_size=1, max_size=3)


def deeply_nested(depth: int) -> str:
    return "[" * depth + "]" * depth if depth % 2 else '{"a":' * depth + "1" + "}" * depth


DEEP_JSON = st.integers(20, 200_000).map(deeply_nested)


@st.composite
def mutated(draw: st.DrawFn, originals: list[str]) -> str:
    """A real document with a few lines deleted, repeated, swapped, cut or spliced into."""
    lines = draw(st.sampled_from(originals)).split("\n")
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            lines = [""]
        index = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["delete", "repeat", "swap", "cut", "splice", "replace"]))
        if how == "delete":
            del lines[index]
        elif how == "repeat":
            lines.insert(index, lines[index])
        elif how == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif how == "cut":
            lines[index] = lines[index][: draw(st.integers(0, len(lines[index])))]
            lines = lines[: index + 1] if draw(st.booleans()) else lines
        else:
            piece = draw(st.sampled_from(TOKENS) | st.text(max_size=20))
            if how == "replace":
                lines[index] = piece
            else:
                at = draw(st.integers(0, len(lines[index])))
                lines[index] = lines[index][:at] + piece + lines[index][at:]
    return "\n".join(lines)


NAMES = st.sampled_from(["Dana Li", "Omar Haddad", "Sam", "widget team", "Both", "all", "Ümit Öz"])
DURATION = st.sampled_from(["", " (5 mins)", " (2-3 mins)", " (10–15 mins)", " (1 min)"]) | (
    st.tuples(st.integers(-5, 10**6), st.integers(-5, 10**6)).map(
        lambda p: f" ({p[0]}-{p[1]} mins)"
    )
)


@st.composite
def written_runsheet(draw: st.DrawFn) -> str:
    """A run-sheet in the usual shape, with arbitrary titles, numbers, dates and durations."""
    number = draw(st.integers(0, 10**12))
    day = draw(st.dates(min_value=datetime(1900, 1, 1).date()))
    header = draw(
        st.sampled_from(
            [
                f"# Talk Show Episode {number}, {day:%B} {day.day}, {day.year}",
                f"# Episode {number} - {day:%b} {day.day} {day.year}",
                f"## {day.isoformat()}",
                f"# Late Show {number} — {day:%b} {day.day}, {day.year} at 20:00 UTC+01:00",
                f"# Show #{number}",
                "# " + draw(st.text(max_size=40)),
            ]
        )
    )
    lines = [header, draw(st.text(max_size=60)), "", f"1 min hook {draw(st.text(max_size=60))}"]
    for _ in range(draw(st.integers(0, 6))):
        title = draw(st.text(min_size=1, max_size=40).filter(lambda t: "\n" not in t))
        lines += ["", f"**{title}**{draw(DURATION)}"]
        if draw(st.booleans()):
            lines.append(f"{draw(st.sampled_from(['speakers', 'guests', 'Kind']))}: {draw(NAMES)}")
        for _ in range(draw(st.integers(0, 4))):
            who = draw(NAMES)
            lines.append(f"- {who}: {draw(st.text(max_size=60))}?")
        if draw(st.booleans()):
            lines.append(
                f"[{draw(st.text(max_size=20))}](https://example.org/{draw(st.integers())})"
            )
    return "\n".join(lines)


JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.sampled_from(HUGE_NUMBERS)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | CONTROL
    | SURROGATES
    | st.sampled_from(["", "2026-03-03", "2026-03-03T17:00:00+01:00", "2026-02-30", "all", "x"])
    | st.sampled_from(EDGE_DATES + EDGE_DATETIMES)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def episode_json_sample() -> dict[str, Any]:
    """An episode as the JSON exporter writes it, with every kind of part."""
    from episodes import formats

    docs = formats.read(SAMPLES[0], today=datetime(2026, 1, 1, tzinfo=UTC).date(), show="fuzz")
    return json.loads(formats.episode_json.dumps(docs[0]))


def paths_of(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths_of(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths_of(child, (*prefix, index))
    return found


@st.composite
def mutated_json(draw: st.DrawFn) -> str:
    """A valid exported episode with one to three values replaced, removed or added."""
    data = episode_json_sample()
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths_of(data)[1:]))
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        how = draw(st.sampled_from(["replace", "remove", "add"]))
        if how == "remove":
            del parent[path[-1]]
        elif how == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=12))] = draw(JSON_VALUES)
        else:
            parent[path[-1]] = draw(JSON_VALUES)
        if not paths_of(data)[1:]:
            break
    # ensure_ascii: an unpaired surrogate can only be written as an escape.
    return with_special_numbers(
        draw, json.dumps(data if draw(st.booleans()) else [data], ensure_ascii=True)
    )


def with_special_numbers(draw: st.DrawFn, text: str) -> str:
    """Sometimes a number of the JSON replaced by one Python reads but no database keeps."""
    numbers = list(re.finditer(r"(?<![\w.\"])-?\d+(?![\w.\"])", text))
    if not numbers or draw(st.integers(0, 3)):
        return text
    found = draw(st.sampled_from(numbers))
    return text[: found.start()] + draw(st.sampled_from(SPECIAL_NUMBERS)) + text[found.end() :]


def importable_texts() -> st.SearchStrategy[str]:
    """Anything a producer could paste into the importer."""
    return st.one_of(
        st.text(max_size=300),
        mutated(SAMPLES),
        written_runsheet(),
        mutated_json(),
        JSON_VALUES.map(json.dumps),
        DEEP_JSON,
        DEEP_JSON.map(
            lambda nested: '{"format": "showrunner.episode/1", "segments": ' + nested + "}"
        ),
    )


# -- requests --------------------------------------------------------------------------------

VIEW_MODULES = [
    "episodes/views/editor.py", "episodes/views/live.py", "episodes/views/after.py",
    "episodes/views/transfer.py", "episodes/views/sheets.py", "episodes/views/upcoming.py",
    "episodes/views/pages.py", "episodes/api.py", "episodes/commands.py", "speakers/views.py",
]  # fmt: skip
READS = re.compile(
    r"""(?:(?:POST|GET|data)\.get(?:list)?\(\s*|(?:int_field|optional_int)\(\w+,\s*)"(\w+)"|"""
    r""""(\w+)"\s+in\s+request\.(?:POST|GET)"""
)


def request_keys() -> list[str]:
    """Every parameter name a view reads, and every field of the project's forms."""
    from episodes import forms as episode_forms
    from speakers import forms as speaker_forms

    keys: set[str] = set()
    for module in VIEW_MODULES:
        for match in READS.finditer((ROOT / module).read_text(encoding="utf-8")):
            keys.add(match.group(1) or match.group(2))
    for module in (episode_forms, speaker_forms):
        for _, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, django_forms.BaseForm) and form.__module__ == module.__name__:
                keys.update(form.base_fields)
    return sorted(keys)


KEYS = request_keys()

TRICKY = [
    "", " ", "0", "1", "2", "3", "-1", "007", "1.5", "1e3", "2147483648", "9223372036854775808",
    "99999999999999999999", "-99999999999999999999", "NaN", "inf", "on", "off", "true", "false",
    "null", "5", "5-10", "5–10 mins", "10–5", "90", "10:00", "1:00:00", "25:61", "2026-02-29",
    "2026-03-03", "0001-01-01", "9999-12-31", "Europe/Berlin", "UTC", "Mars/Olympus",
    "https://example.org/x", "http://", "javascript:alert(1)", "mailto:a@example.org",
    "<script>alert(1)</script>", "{{ 7*7 }}", "{% debug %}", "\x00", "a\x00b", "\u202e", "🎙️",
    "A" * 201, "x" * 5000, "\x07", "a\x1bb", "\x85", "\x7f", "23:30", "00:00", "1899-12-31",
    "2200-01-01", "2199-12-31", "9223372036854775807", "-9223372036854775808", "1e400",
    "Infinity", "-Infinity", "²", "٣", "１", "9" * 5000, "86401", "1441", "segments", "questions", "news", "host", "all", "Both", "up", "down",
    "asked", "skipped", "planned", "guest", "co_host", "presenter", "hook", "wrap_up", "draft",
    "live", "done", "make", "email", "renew", "revoke", "expire", "saved", "rehearsal", "body",
]  # fmt: skip


def values(ids: list[str]) -> st.SearchStrategy[str]:
    """Form values: edge cases, the ids of real rows (this episode's and another's), anything."""
    return st.one_of(
        st.sampled_from(TRICKY),
        st.sampled_from(ids),
        st.text(max_size=40),
        st.integers(-(2**70), 2**70).map(str),
        st.sampled_from(HUGE_NUMBERS).map(str),
        CONTROL,
    )


def png(size: tuple[int, int] = (8, 8)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


UPLOADS = st.one_of(
    st.binary(max_size=200),
    st.just(png()),
    st.just(png()[:40]),  # a cut-off image
    st.just(b"GIF89a" + b"\x00" * 30),
    st.just(b"# A run-sheet\n**News** (5 mins)\n"),
    st.just("\ufeff# Talk Show Episode 7, March 3, 2021\n".encode("utf-16")),
).map(lambda data: SimpleUploadedFile("upload.bin", data))
FILE_KEYS = {"photo", "upload"}


@st.composite
def form_data(draw: st.DrawFn, ids: list[str]) -> dict[str, Any]:
    """A POST body as a browser would send it, made of the names the views read."""
    data: dict[str, Any] = {}
    for key in draw(st.lists(st.sampled_from(KEYS) | st.text(max_size=8), max_size=7)):
        if key in FILE_KEYS:
            data[key] = draw(UPLOADS)
        elif draw(st.integers(0, 5)) == 0:
            data[key] = draw(st.lists(values(ids), min_size=2, max_size=3))
        else:
            data[key] = draw(values(ids))
    if draw(st.booleans()):  # the editor names the changed field
        data["field"] = draw(st.sampled_from(KEYS))
    return data


@st.composite
def json_body(draw: st.DrawFn, ids: list[str]) -> bytes:
    """A JSON command body: usually an object of names the views read, sometimes anything."""
    ints = st.sampled_from([int(i) for i in ids if i.lstrip("-").isdigit()])
    known = st.dictionaries(
        st.sampled_from(KEYS), JSON_SCALARS | ints | st.sampled_from(TRICKY), max_size=5
    )
    value = draw(known | JSON_VALUES)
    how = draw(st.integers(0, 9))
    if how == 0:
        return draw(st.binary(max_size=30))
    if how == 1:
        return draw(DEEP_JSON).encode()
    return with_special_numbers(draw, json.dumps(value)).encode()


def query_strings(ids: list[str]) -> st.SearchStrategy[dict[str, str]]:
    return st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), values(ids), max_size=3)


# -- parallel requests -----------------------------------------------------------------------


def at_once(count: int, task: Callable[[int], Any]) -> list[Any]:
    """``task(i)`` for i in range(count), in threads released together by a barrier; each
    thread has its own database connection (closed at its end). Errors are raised here."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = task(index)
        except BaseException as exc:  # reported below, in the caller's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    return results


# -- spreadsheets ----------------------------------------------------------------------------

SHEET_CELLS = st.one_of(
    st.sampled_from(TRICKY),
    st.text(max_size=30),
    st.sampled_from(["Title", "Segment", "Mins", "Length", "Start", "End", "Kind", "Who",
                     "Notes", "Questions", "Max minutes", "5", "5-10", "0:05:00", "05:00",
                     "ten minutes", "-3", "99999", "=SUM(A1:A2)", "Dana: why?", "Both: how?"]),
)  # fmt: skip


def csv_text(rows: list[list[str]]) -> bytes:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8", errors="surrogatepass")


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:  # a workbook cannot hold control characters: those go through CSV
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


SHEET_ROWS = st.lists(st.lists(SHEET_CELLS, max_size=6), max_size=8)
XLSX_SAMPLE = xlsx_bytes([["Title", "Mins", "Who"], ["Open", 5, "Dana Li"], ["Chat", "5-10", ""]])


@st.composite
def mutated_bytes(draw: st.DrawFn, original: bytes) -> bytes:
    """``original`` with a few bytes changed, cut short, or a piece spliced in."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        how = draw(st.sampled_from(["flip", "cut", "splice"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if how == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif how == "cut":
            del data[at:]
        else:
            data[at:at] = draw(st.binary(max_size=20))
    return bytes(data)


def spreadsheet_files() -> st.SearchStrategy[tuple[str, bytes]]:
    """Anything a producer could upload as a .csv or .xlsx."""
    return st.one_of(
        st.tuples(st.just("plan.csv"), SHEET_ROWS.map(csv_text)),
        st.tuples(st.just("plan.csv"), st.binary(max_size=300)),
        st.tuples(st.just("plan.xlsx"), st.binary(max_size=300)),
        st.tuples(st.just("plan.xlsx"), mutated_bytes(XLSX_SAMPLE)),
        st.tuples(
            st.just("plan.xlsx"),
            st.lists(st.lists(SHEET_CELLS | st.integers(-(10**9), 10**9) | st.floats(), max_size=5),
                     max_size=6).map(xlsx_bytes),
        ),
    )  # fmt: skip

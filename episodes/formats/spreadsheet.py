"""Run-sheets as spreadsheets: CSV and .xlsx in (with a column mapping) and out.

Reading is in two steps so the import page can show a mapping between them:

1. :func:`read_table` turns the file's bytes into a :class:`Table` of cell values, refusing what
   is not a spreadsheet or is too large, and noting cells it will not read (formulas, merged
   cells). An .xlsx is a zip: the uncompressed size of its parts is checked before openpyxl
   opens it, read-only.
2. :func:`build_document` applies a mapping (which column means what; :func:`guess_mapping`
   guesses one from the header row) and gives an :class:`EpisodeDocument` and every cell that
   could not be read, named (``C7: “ten minutes” is not a duration``).

:func:`read_sheet` does both and is pure, so the import page runs it in a worker process
(``showrunner.isolated``). :func:`rows` and :func:`to_csv` / :func:`to_xlsx` write one row per
segment; text cells go through :func:`safe_cell`, the guard the after-show report's CSV uses.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from showrunner import bounds

from .. import limits
from .document import (
    EVERYONE,
    SEGMENT_KINDS,
    EpisodeDocument,
    ParseError,
    QuestionDoc,
    SegmentDoc,
    SpeakerDoc,
)
from .markdown_runsheet import kind_of

# Bounds (docs/formats.md). A real run-sheet is a few KB and a few dozen rows.
MAX_SHEET_BYTES = 1_000_000  # the file as uploaded
MAX_UNZIPPED_BYTES = 20_000_000  # all the parts of an .xlsx, uncompressed
MAX_ZIP_MEMBERS = 500
MAX_ROWS = limits.MAX_SEGMENTS_PER_EPISODE + 50  # room for a header, blank and total rows
MAX_COLUMNS = 40
MAX_CELL_CHARACTERS = 10_000
LONGEST_MINUTES = bounds.LONGEST_SECONDS // 60

Value = str | int | float | bool | datetime | date | time | timedelta | None

# What a column can mean. "notes" and "questions" may be given to several columns.
MEANINGS: dict[str, str] = {
    "ignore": "Not imported",
    "title": "Title",
    "duration": "Duration (minutes, or min of a range)",
    "duration_max": "Maximum duration (minutes)",
    "start": "Start time",
    "end": "End time",
    "kind": "Kind",
    "owner": "Owner (who leads it)",
    "notes": "Notes",
    "questions": "Questions (one a line)",
}
SINGLE = {"title", "duration", "duration_max", "start", "end", "kind", "owner"}

# Header words, lower-cased with punctuation as spaces, and what they usually mean.
HEADER_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ["title", "segment", "segments", "item", "items", "topic", "name", "cue", "event",
         "what", "segment title", "item title"], "title"),
    **dict.fromkeys(
        ["duration", "length", "len", "mins", "min", "minutes", "time", "dur", "planned",
         "planned minutes", "duration min", "duration mins", "duration minutes", "runtime",
         "run time", "est", "estimate", "timing", "minutes min", "min minutes"], "duration"),
    **dict.fromkeys(
        ["max", "max minutes", "maximum", "maximum minutes", "max duration", "duration max",
         "max mins", "up to"], "duration_max"),
    **dict.fromkeys(
        ["start", "starts", "start time", "time start", "begin", "begins", "from", "in",
         "scheduled start", "planned start"], "start"),
    **dict.fromkeys(["end", "ends", "end time", "time end", "finish", "to", "out"], "end"),
    **dict.fromkeys(["kind", "type", "category", "segment type", "format"], "kind"),
    **dict.fromkeys(
        ["owner", "owners", "presenter", "presenters", "who", "host", "lead", "led by",
         "speaker", "talent", "guest", "person", "responsible"], "owner"),
    **dict.fromkeys(
        ["notes", "note", "description", "comments", "comment", "remarks", "details", "script",
         "info"], "notes"),
    **dict.fromkeys(["questions", "question", "q", "qs", "q a", "prompts"], "questions"),
}  # fmt: skip

KIND_WORDS: dict[str, str] = {
    **{kind: kind for kind in SEGMENT_KINDS},
    "wrap up": "wrap_up", "wrapup": "wrap_up", "wrap": "wrap_up", "outro": "wrap_up",
    "close": "wrap_up", "q a": "questions", "qa": "questions", "question": "questions",
    "interview": "questions", "introduction": "intro", "headlines": "news", "cold open": "hook",
    "teaser": "hook", "": "",
}  # fmt: skip
KIND_LABELS = {
    "hook": "Hook", "news": "News", "intro": "Intro", "questions": "Questions", "demo": "Demo",
    "wrap_up": "Wrap-up", "other": "Other",
}  # fmt: skip

NOT_WORD = re.compile(r"[^0-9a-z]+")
MINUTES = re.compile(r"^\d{1,7}(?:\.\d{1,6})?$")
CLOCK = re.compile(r"^(?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})$")  # 0:05:00, h:mm:ss
TIME_OF_DAY = re.compile(
    r"^(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?(?::(?P<s>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?$",
    re.IGNORECASE,
)
BULLET = re.compile(r"^(?:[-*•]|\d{1,3}[.)])\s+")
ADDRESSED = re.compile(r"^(?P<who>[^:?\n]{1,80}):\s+(?P<text>\S.*)$")
NAME_SPLIT = re.compile(r",|&|\band\b", re.IGNORECASE)  # no \s* around: linear
# Header words that mean something only on their own ("Time in" is not a start column).
EXACT_ONLY = {"in", "to", "from", "out", "what", "who", "q", "time", "name", "min", "max", "est"}
EVERYONE_WORDS = {"all", "everyone", "everybody", "both", "panel", "all guests"}
MERGE = re.compile(rb"<(?:\w{1,20}:)?mergeCell\s[^>]{0,200}?ref=\"(?P<ref>[A-Z0-9:$]{1,40})\"")
# The characters a spreadsheet may take for the start of a formula (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class SheetError(ParseError):
    """A file that cannot be read as a run-sheet at all (not one, too large, empty)."""


@dataclass
class Problem:
    cell: str  # "C7", "C" for a whole column, "" for the sheet
    reason: str

    def __str__(self) -> str:
        return f"{self.cell}: {self.reason}" if self.cell else self.reason


@dataclass
class Table:
    """A sheet's cells: ``rows`` as (row number in the sheet, values), the header first."""

    rows: list[tuple[int, list[Value]]]
    problems: list[Problem] = field(default_factory=list)  # cells that will not be read
    sheet_name: str = ""

    @property
    def width(self) -> int:
        return max((len(values) for _, values in self.rows), default=0)

    def header(self) -> list[str]:
        values = self.rows[0][1] if self.rows else []
        return [text_of(values[i]) if i < len(values) else "" for i in range(self.width)]

    def samples(self, column: int, count: int = 3) -> list[str]:
        found = []
        for _, values in self.rows[1:]:
            if column < len(values) and text_of(values[column]):
                found.append(text_of(values[column])[:40])
                if len(found) == count:
                    break
        return found


@dataclass
class Options:
    """What the mapping form adds to the sheet: the episode's own fields and the show."""

    show_slug: str
    show_name: str
    time_zone: str
    number: int | None = None
    title: str = ""
    air_date: date | None = None


@dataclass
class Reading:
    """What the mapping step shows: the table, the mapping used, the document, the problems."""

    table: Table
    mapping: list[str]
    document: EpisodeDocument
    problems: list[Problem]
    ignored: list[str]  # columns with values that are not imported, e.g. "E (Camera)"


# -- cells ---------------------------------------------------------------------------------------


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(column: int, row: int) -> str:
    return f"{column_letter(column)}{row}"


def text_of(value: Value) -> str:
    """A cell as text: one leading apostrophe (a spreadsheet's "this is text" mark, and what
    :func:`safe_cell` adds) is dropped; whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    text = str(value).strip()
    return text[1:] if text.startswith("'") else text


def shown(value: Value) -> str:
    text = text_of(value)
    return f"“{text[:37]}…”" if len(text) > 40 else f"“{text}”"


def safe_cell(value: object) -> object:
    """Numbers as they are; text a spreadsheet shows as text, never runs as a formula: text
    that starts like a formula, or with the apostrophe that marks text, gets one in front."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    text = str(value)
    return f"'{text}" if text[:1] in (*FORMULA_START, "'") else text


# -- reading a file into a table -----------------------------------------------------------------


def is_spreadsheet_name(name: str) -> bool:
    return name.lower().endswith((".csv", ".xlsx", ".xlsm", ".tsv"))


def read_table(data: bytes, filename: str) -> Table:
    """The first sheet of an .xlsx (told by its content: a zip) or a CSV file."""
    if len(data) > MAX_SHEET_BYTES:
        raise SheetError(
            f"The file is {len(data):,} bytes; a spreadsheet run-sheet may be at most "
            f"{MAX_SHEET_BYTES:,} bytes."
        )
    if data[:4] == b"PK\x03\x04":
        table = read_xlsx(data)
    elif filename.lower().endswith((".xlsx", ".xlsm")):
        raise SheetError("The file is not an .xlsx workbook (it is not a zip file).")
    else:
        table = read_csv(data)
    for row_number, values in table.rows:
        for column, value in enumerate(values):
            if isinstance(value, str):
                if len(value) > MAX_CELL_CHARACTERS:
                    raise SheetError(
                        f"{cell_name(column, row_number)}: the cell holds {len(value):,} "
                        f"characters; at most {MAX_CELL_CHARACTERS:,} are read."
                    )
                problem = bounds.text_problem(value)
                if problem is not None:
                    raise SheetError(f"{cell_name(column, row_number)}: {problem}")
    if not table.rows:
        raise SheetError("The sheet is empty: no row has a value.")
    return table


def read_csv(data: bytes) -> Table:
    if b"\x00" in data:
        raise SheetError("The file is not a spreadsheet: it holds binary data, not CSV text.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SheetError(
            f"The file is not UTF-8 text (byte {exc.start + 1:,}): save it as "
            "“CSV UTF-8”, or as .xlsx."
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[Value]]] = []
    try:
        for values in reader:
            line = reader.line_num
            if len(values) > MAX_COLUMNS and any(v.strip() for v in values[MAX_COLUMNS:]):
                raise SheetError(
                    f"Line {line} has {len(values)} columns; at most {MAX_COLUMNS} are read."
                )
            cells: list[Value] = list(values[:MAX_COLUMNS])
            if any(v.strip() for v in values):
                if len(rows) >= MAX_ROWS:
                    raise SheetError(f"The sheet has more than {MAX_ROWS} rows with values.")
                rows.append((line, cells))
    except csv.Error as exc:
        raise SheetError(
            f"Line {reader.line_num}: not CSV the reader understands ({exc})."
        ) from None
    return Table(rows=rows)


def read_xlsx(data: bytes) -> Table:
    """The first sheet, values only, read-only; formulas and merged cells noted, not read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise SheetError(f"The file is not an .xlsx workbook: {exc}.") from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise SheetError(f"The workbook has {len(members):,} parts; at most {MAX_ZIP_MEMBERS}.")
    unzipped = sum(member.file_size for member in members)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise SheetError(
            f"The workbook unpacks to {unzipped:,} bytes; at most {MAX_UNZIPPED_BYTES:,} are read."
        )
    import openpyxl  # here: only the worker that reads a workbook pays for the import
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise SheetError(f"The file is not an .xlsx workbook openpyxl can read: {exc}.") from None
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise SheetError(f"The workbook could not be read: {type(exc).__name__}.") from None
    try:
        if not workbook.worksheets:
            raise SheetError("The workbook has no sheet.")
        sheet = workbook.worksheets[0]
        problems = merged_ranges(archive, getattr(sheet, "_worksheet_path", ""))
        rows: list[tuple[int, list[Value]]] = []
        try:
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()  # a stated size is not trusted: read the cells there are
            for row in sheet.iter_rows():
                cells: list[Value] = []
                row_number = 0
                for cell in row:
                    column = getattr(cell, "column", None)
                    if column is None:  # an empty cell in read-only mode
                        cells.append(None)
                        continue
                    row_number = cell.row or row_number
                    value = cell.value
                    while len(cells) < column - 1:
                        cells.append(None)
                    if value is None or value == "":
                        cells.append(None)
                        continue
                    if column > MAX_COLUMNS:
                        raise SheetError(
                            f"{cell.coordinate}: the sheet has values past column "
                            f"{column_letter(MAX_COLUMNS - 1)}; at most {MAX_COLUMNS} columns "
                            "are read."
                        )
                    if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=")):
                        problems.append(
                            Problem(
                                cell.coordinate,
                                f"a formula ({str(value)[:40]}); paste values instead "
                                "(Paste special › Values only).",
                            )
                        )
                        cells.append(None)
                        continue
                    if not isinstance(
                        value, str | int | float | bool | datetime | date | time | timedelta
                    ):
                        value = str(value)
                    cells.append(value)
                if any(v is not None and text_of(v) for v in cells):
                    if len(rows) >= MAX_ROWS:
                        raise SheetError(f"The sheet has more than {MAX_ROWS} rows with values.")
                    rows.append((row_number, cells[:MAX_COLUMNS]))
        except SheetError:
            raise
        except Exception as exc:  # a damaged sheet part
            raise SheetError(f"The sheet could not be read: {type(exc).__name__}.") from None
        return Table(rows=rows, problems=problems, sheet_name=str(sheet.title))
    finally:
        workbook.close()


def merged_ranges(archive: zipfile.ZipFile, path: str) -> list[Problem]:
    """Merged cells of the sheet (openpyxl's read-only mode does not say): each range a
    problem, as only its first cell holds the value."""
    if not path:
        return []
    try:
        xml = archive.read(path.lstrip("/"))  # its size is within MAX_UNZIPPED_BYTES
    except KeyError:
        return []
    return [
        Problem(
            match.group("ref").decode().replace("$", ""),
            "merged cells; unmerge them and fill in each cell, so every row has its own values.",
        )
        for match in MERGE.finditer(xml)
    ]


# -- the mapping ---------------------------------------------------------------------------------


def header_key(text: str) -> str:
    return NOT_WORD.sub(" ", text.lower()).strip()


def guess_meaning(header: str) -> str:
    """ "Length (mins)" → duration, "Presenter(s)" → owner; an unknown header → notes."""
    key = header_key(header)
    if key in HEADER_WORDS:
        return HEADER_WORDS[key]
    for word in key.split():
        if word in HEADER_WORDS and word not in EXACT_ONLY:
            return HEADER_WORDS[word]
    return "notes" if key else "ignore"


def guess_mapping(table: Table) -> list[str]:
    """A meaning per column from the header row; each single meaning goes to its first column
    only, and a sheet without a title column takes its first text column as the titles."""
    mapping = []
    taken: set[str] = set()
    for header in table.header():
        meaning = guess_meaning(header)
        if meaning in SINGLE and meaning in taken:
            meaning = "notes"
        taken.add(meaning)
        mapping.append(meaning)
    if "title" not in mapping:
        for column, meaning in enumerate(mapping):
            if meaning in ("notes", "ignore") and any(table.samples(column)):
                mapping[column] = "title"
                break
    return mapping


def mapping_problems(mapping: list[str]) -> list[Problem]:
    problems = []
    for meaning in sorted(SINGLE):
        columns = [column_letter(i) for i, m in enumerate(mapping) if m == meaning]
        if len(columns) > 1:
            problems.append(
                Problem(
                    "",
                    f"Columns {', '.join(columns)} are all marked “{MEANINGS[meaning]}”: "
                    "choose one.",
                )
            )
    if "title" not in mapping:
        problems.append(Problem("", "No column is marked “Title”: choose the column of titles."))
    return problems


# -- values --------------------------------------------------------------------------------------


def minutes_to_seconds(minutes: float, cell: str, value: Value) -> int:
    if minutes != minutes or minutes in (float("inf"), float("-inf")):
        raise ValueError(f"{shown(value)} is not a number of minutes.")
    if minutes < 0:
        raise ValueError(f"{shown(value)} is negative; a duration is 0 minutes or more.")
    if minutes > LONGEST_MINUTES:
        raise ValueError(
            f"{shown(value)} minutes is longer than a day; at most {LONGEST_MINUTES:,} minutes."
        )
    return round(minutes * 60)


def duration_of(value: Value, cell: str) -> tuple[int | None, int | None]:
    """A duration cell as planned seconds (low, high); ValueError saying what is wrong."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        raise ValueError(f"{shown(value)} is not a duration.")
    if isinstance(value, int | float):
        seconds = minutes_to_seconds(float(value), cell, value)
        return seconds, seconds
    if isinstance(value, timedelta):
        seconds = round(value.total_seconds())
        if seconds < 0:
            raise ValueError(f"{shown(value)} is negative; a duration is 0 minutes or more.")
        if seconds > bounds.LONGEST_SECONDS:
            raise ValueError(f"{shown(value)} is longer than a day.")
        return seconds, seconds
    if isinstance(value, time):  # an Excel time value: 0:05:00 is five minutes
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return seconds, seconds
    if isinstance(value, datetime | date):
        raise ValueError(f"{shown(value)} is a date, not a duration.")
    text = text_of(value)
    if not text:
        return None, None
    if MINUTES.match(text):
        seconds = minutes_to_seconds(float(text), cell, value)
        return seconds, seconds
    clock = CLOCK.match(text)
    if clock:
        h, m, s = int(clock["h"]), int(clock["m"]), int(clock["s"])
        if m > 59 or s > 59:
            raise ValueError(f"{shown(value)} is not a duration (h:mm:ss).")
        seconds = h * 3600 + m * 60 + s
        if seconds > bounds.LONGEST_SECONDS:
            raise ValueError(f"{shown(value)} is longer than a day.")
        return seconds, seconds
    from django.core.exceptions import ValidationError

    from ..forms import parse_planned

    if text.startswith("-") and text[1:2].isdigit():
        raise ValueError(f"{shown(value)} is negative; a duration is 0 minutes or more.")
    try:
        return parse_planned(text[:60])
    except ValidationError as exc:
        reason = " ".join(str(m) for m in exc.messages)
        if "Write minutes" in reason:
            reason = "write minutes (5), a range (5-10) or a time (0:05:00)."
        raise ValueError(
            f"{shown(value)} is not a duration: {reason[:1].lower()}{reason[1:]}"
        ) from None


def time_of(value: Value) -> int | None:
    """A start or end cell as seconds since midnight; ValueError saying what is wrong."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.hour * 3600 + value.minute * 60 + value.second
    if isinstance(value, time):
        return value.hour * 3600 + value.minute * 60 + value.second
    if isinstance(value, float | int) and not isinstance(value, bool) and 0 <= value < 1:
        return round(value * 86400) % 86400  # a fraction of a day, unformatted
    text = text_of(value)
    if not text:
        return None
    if "T" in text and len(text) <= 40:  # an ISO date and time
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            return moment.hour * 3600 + moment.minute * 60 + moment.second
    match = TIME_OF_DAY.match(text)
    if match:
        hour, minute, second = int(match["h"]), int(match["m"] or 0), int(match["s"] or 0)
        ampm = (match["ampm"] or "").lower()[:1]
        if ampm and not 1 <= hour <= 12:
            raise ValueError(f"{shown(value)} is not a time of day.")
        if ampm == "p" and hour != 12:
            hour += 12
        if ampm == "a" and hour == 12:
            hour = 0
        if (match["m"] is None and not ampm) or hour > 23 or minute > 59 or second > 59:
            raise ValueError(f"{shown(value)} is not a time of day (write 17:05 or 5:05 pm).")
        return hour * 3600 + minute * 60 + second
    raise ValueError(f"{shown(value)} is not a time of day (write 17:05 or 5:05 pm).")


def kind_from(value: Value) -> str | None:
    key = header_key(text_of(value))
    if key in KIND_WORDS:
        return KIND_WORDS[key] or None
    if key.replace(" ", "_") in SEGMENT_KINDS:
        return key.replace(" ", "_")
    raise ValueError(
        f"{shown(value)} is not a kind; use one of "
        f"{', '.join(KIND_LABELS[k] for k in SEGMENT_KINDS)}."
    )


def looks_like_name(name: str) -> bool:
    """ "Dana Li", "Ümit", "all": up to four words, capitalised unless a word for everyone."""
    if name.lower() in EVERYONE_WORDS:
        return True
    return 0 < len(name.split()) <= 4 and name[:1].isupper()


def questions_from(value: Value) -> list[tuple[list[str], str]]:
    """One question a line, "Name: text" or "Ana, Ben: text" addressed; bullets dropped."""
    found = []
    for line in text_of(value).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = BULLET.sub("", line.strip(), count=1).strip()
        if not line:
            continue
        match = ADDRESSED.match(line)
        names = [name.strip() for name in NAME_SPLIT.split(match["who"])] if match else []
        if match and names and all(looks_like_name(name) for name in names):
            found.append((names, match["text"].strip()))
        else:
            found.append(([], line))
    return found


# -- a table into a document ---------------------------------------------------------------------


def build_document(table: Table, mapping: list[str], options: Options) -> Reading:
    problems = list(table.problems) + mapping_problems(mapping)
    doc = EpisodeDocument(
        show_slug=options.show_slug,
        show_name=options.show_name,
        show_time_zone=options.time_zone,
        number=options.number,
        title=options.title,
        air_date=options.air_date,
    )
    header = table.header()
    columns = {m: i for i, m in reversed(list(enumerate(mapping))) if m in SINGLE}
    note_columns = [i for i, m in enumerate(mapping) if m == "notes"]
    question_columns = [i for i, m in enumerate(mapping) if m == "questions"]
    ignored = [
        f"{column_letter(i)} ({header[i] or 'no header'})"
        for i, m in enumerate(mapping)
        if m == "ignore" and any(table.samples(i, 1))
    ]
    speakers: dict[str, str] = {}  # lower-cased name → name as first written
    starts: list[int | None] = []
    ends: list[int | None] = []
    segments: list[tuple[str, SegmentDoc]] = []  # with the row's title cell, for messages
    addressed: list[tuple[QuestionDoc, list[str]]] = []

    def cell(values: list[Value], meaning: str) -> tuple[Value, str, int] | None:
        if meaning not in columns:
            return None
        index = columns[meaning]
        return (values[index] if index < len(values) else None), column_letter(index), index

    def add_speaker(name: str) -> str:
        key = name.lower()
        if key not in speakers:
            speakers[key] = name
        return speakers[key]

    for row_number, values in table.rows[1:]:
        title_cell = cell(values, "title")
        title = text_of(title_cell[0]) if title_cell else ""
        others = any(text_of(v) for i, v in enumerate(values) if mapping[i : i + 1] != ["ignore"])
        if not others:
            continue
        if not title:
            if title_cell is not None:
                problems.append(
                    Problem(f"{title_cell[1]}{row_number}", "the row has values but no title.")
                )
            continue
        segment = SegmentDoc(title=title)
        for meaning in ("duration", "duration_max", "start", "end", "kind", "owner"):
            found = cell(values, meaning)
            if found is None:
                continue
            value, letter, _ = found
            where = f"{letter}{row_number}"
            try:
                if meaning == "duration":
                    segment.planned_seconds, segment.planned_max_seconds = duration_of(value, where)
                elif meaning == "duration_max":
                    high, _ = duration_of(value, where)
                    if high is not None:
                        if segment.planned_seconds is None:
                            raise ValueError("a maximum is given but no duration.")
                        if high < segment.planned_seconds:
                            raise ValueError(
                                f"the maximum ({text_of(value)} min) is below the duration."
                            )
                        segment.planned_max_seconds = high
                elif meaning == "kind":
                    segment.kind = kind_from(value) or kind_of(title)
                elif meaning == "owner":
                    name = text_of(value)
                    segment.owner = add_speaker(name) if name else None
            except ValueError as exc:
                problems.append(Problem(where, str(exc)))
        if "kind" not in columns:
            segment.kind = kind_of(title)
        moments = []
        for meaning in ("start", "end"):
            found = cell(values, meaning)
            moment = None
            if found is not None:
                try:
                    moment = time_of(found[0])
                except ValueError as exc:
                    problems.append(Problem(f"{found[1]}{row_number}", str(exc)))
            moments.append(moment)
        starts.append(moments[0])
        ends.append(moments[1])
        notes = []
        for index in note_columns:
            text = text_of(values[index]) if index < len(values) else ""
            if text:
                label = header[index]
                plain = not label or HEADER_WORDS.get(header_key(label)) == "notes"
                notes.append(text if plain else f"{label}: {text}")
        segment.notes = "\n".join(notes)
        for index in question_columns:
            for names, text in questions_from(values[index] if index < len(values) else None):
                question = QuestionDoc(text=text)
                segment.questions.append(question)
                addressed.append((question, names))
        segments.append((f"{column_letter(columns.get('title', 0))}{row_number}", segment))

    # Durations from start and end times, where no duration column says.
    if "duration" not in columns and "start" in columns:
        for index, (_, segment) in enumerate(segments):
            start = starts[index]
            end = ends[index] if "end" in columns else None
            if end is None and "end" not in columns and index + 1 < len(segments):
                end = starts[index + 1]
            if start is not None and end is not None:
                seconds = (end - start) % 86400
                segment.planned_seconds = segment.planned_max_seconds = seconds
    if doc.air_date is not None and starts and starts[0] is not None:
        try:
            zone = ZoneInfo(options.time_zone)
        except (KeyError, ValueError):
            zone = ZoneInfo("UTC")
        first = starts[0]
        doc.starts_at = datetime.combine(
            doc.air_date, time(first // 3600, first % 3600 // 60, first % 60), tzinfo=zone
        )

    # Addressees: "all"/"everyone" is everyone; "Both" the two people if there are two.
    for _, names in addressed:
        for name in names:
            if name.lower() not in EVERYONE_WORDS:
                add_speaker(name)
    people = list(speakers.values())
    for question, names in addressed:
        chosen: list[str] = []
        for name in names:
            key = name.lower()
            if key == "both" and len(people) == 2:
                chosen += [p for p in people if p not in chosen]
            elif key in EVERYONE_WORDS:
                chosen = [EVERYONE]
                break
            elif speakers[key] not in chosen:
                chosen.append(speakers[key])
        question.addressed_to = chosen
    doc.speakers = [SpeakerDoc(name=name) for name in people]
    doc.segments = [segment for _, segment in segments]
    if len(doc.segments) > limits.MAX_SEGMENTS_PER_EPISODE:
        problems.append(
            Problem(
                "",
                f"{len(doc.segments)} segments; an episode holds at most "
                f"{limits.MAX_SEGMENTS_PER_EPISODE}.",
            )
        )
    if not doc.segments and not problems:
        problems.append(Problem("", "No row below the header has a title: nothing to import."))
    if not problems:
        problems += validation_problems(doc, segments)
    return Reading(table=table, mapping=mapping, document=doc, problems=problems, ignored=ignored)


def validation_problems(
    doc: EpisodeDocument, segments: list[tuple[str, SegmentDoc]]
) -> list[Problem]:
    """What saving would refuse (:func:`document.validate`), named by the row's title cell."""
    from .document import validate

    try:
        validate(doc)
    except ParseError as exc:
        reason = exc.reason
        match = re.match(r"segments\[(\d+)\]\.(\w+)", reason)
        if match and int(match.group(1)) < len(segments):
            where = segments[int(match.group(1))][0]
            return [Problem(where, f"{match.group(2)} {reason[match.end() :].lstrip(': ')}")]
        return [Problem("", reason)]
    return []


def read_sheet(data: bytes, filename: str, mapping: list[str] | None, options: Options) -> Reading:
    """Read, map (``mapping`` or the guess) and build: the whole import step, pure."""
    table = read_table(data, filename)
    if mapping is None or len(mapping) != table.width:
        mapping = guess_mapping(table)
    return build_document(table, mapping, options)


# -- writing -------------------------------------------------------------------------------------

COLUMNS = ["Start", "Minutes", "Max minutes", "Kind", "Title", "Owner", "Notes", "Questions"]


def minutes_number(seconds: int | None) -> int | float | None:
    """Seconds as minutes, to two decimals (which reads back to the same whole second)."""
    if seconds is None:
        return None
    minutes = round(seconds / 60, 2)
    return int(minutes) if minutes.is_integer() else minutes


def question_line(question: QuestionDoc) -> str:
    if question.addressed_to == [EVERYONE]:
        return f"All: {question.text}"
    if question.addressed_to:
        return f"{', '.join(question.addressed_to)}: {question.text}"
    return question.text


def rows(doc: EpisodeDocument) -> list[list[object]]:
    """The header and one row per segment; start times from the episode's start (in the
    show's zone, as the document holds it) and the planned durations before each."""
    table: list[list[object]] = [list(COLUMNS)]
    clock = doc.starts_at
    for segment in doc.segments:
        table.append(
            [
                clock.time().replace(microsecond=0) if clock is not None else None,
                minutes_number(segment.planned_seconds),
                minutes_number(segment.planned_max_seconds)
                if segment.planned_max_seconds != segment.planned_seconds
                else None,
                KIND_LABELS.get(segment.kind, segment.kind),
                segment.title,
                segment.owner or "",
                segment.notes,
                "\n".join(question_line(q) for q in segment.questions),
            ]
        )
        if clock is not None:
            clock += timedelta(seconds=segment.planned_seconds or 0)
    return table


def to_csv(doc: EpisodeDocument) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows(doc):
        writer.writerow(
            [
                value.strftime("%H:%M") if isinstance(value, time) else safe_cell(value)
                for value in row
            ]
        )
    return out.getvalue()


def to_xlsx(doc: EpisodeDocument) -> bytes:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Run-sheet")
    for width, letter in zip([8, 9, 12, 11, 40, 18, 40, 50], "ABCDEFGH", strict=True):
        sheet.column_dimensions[letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for index, row in enumerate(rows(doc)):
        cells = []
        for value in row:
            guarded = value if isinstance(value, time) else safe_cell(value)
            # openpyxl writes a time of day too; its stubs name only datetime.
            item = WriteOnlyCell(sheet, value=cast("str | float | datetime | None", guarded))
            if isinstance(guarded, str):
                item.data_type = "s"  # text, whatever it starts with
                item.alignment = wrap
            if isinstance(value, time):
                item.number_format = "hh:mm"
            if index == 0:
                item.font = Font(bold=True)
            cells.append(item)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

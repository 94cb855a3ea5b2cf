"""What the app accepts, stated once: bounds that every page, export, backup and restore can hold.

A value that is saved is shown, exported, backed up and restored for as long as it is kept, on
SQLite and PostgreSQL alike, in every time zone. So the bounds sit well inside what Python's
``datetime``, a PostgreSQL ``integer`` column and UTF-8 can hold, with room for the arithmetic
the pages do on them (a start plus a day of segments, the next episode's number).

The rules are plain functions that return what is wrong (``None`` when nothing is), so each
way in reports it in its own terms: the model fields' validators (ModelForms, the admin and a
restore's ``full_clean``), the live commands and the HTTP API (:func:`whole_number`,
:func:`parse_json`), the importer (``episodes/formats/document.py``). Messages say what is
wrong; the caller says where (``Air date: the year must be between 1900 and 2199.``).
"""

import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.deconstruct import deconstructible

# Dates and times: archives go back a century; nothing is planned past 2199. Far from year 1 and
# year 9999, where converting to another time zone or adding a few hours overflows.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2199
# The first moment after the years kept, for queries that leave out rows saved before the bounds.
AFTER_THE_YEARS = datetime(LATEST_YEAR + 1, 1, 1, tzinfo=UTC)

# An episode's number: so that the next one (+1) still fits any integer column.
LARGEST_EPISODE_NUMBER = 999_999
# An episode's target length, a segment's planned time, the timer's warning thresholds.
LONGEST_SECONDS = 24 * 3600
# How long before air guests are called.
LONGEST_CALL_MINUTES = 24 * 60
# The live timer's "add time": one press, and all added to one segment, either way.
LARGEST_ADD_SECONDS = 3600
LARGEST_ADDED_SECONDS = 24 * 3600
# Version counters sent back by screens and buttons; the largest every database keeps.
LARGEST_VERSION = 2_147_483_647
# Row ids in input: as the ``<id:...>`` URL converter (showrunner/converters.py).
LARGEST_ID = 10**18 - 1

# JSON bodies (live commands, the API, the importer's episode JSON).
JSON_DEPTH = 20  # an episode document is 5 deep (episode, segments, questions, addressed_to)
JSON_DIGITS = 30  # digits of one number in JSON: anything longer is no number we keep
COMMAND_BYTES = 10_000  # a live command; a message is at most 280 characters

# Text: no NUL (PostgreSQL refuses it), no unpaired surrogate (not encodable as UTF-8), no
# other C0 or C1 control character but tab and new line (and carriage return, which the
# editor's forms turn into a new line). A single character class: linear in the text's length.
FORBIDDEN_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


# -- the rules -----------------------------------------------------------------------------------


def year_problem(value: date | datetime) -> str | None:
    """``value``'s year outside the years kept; an aware datetime is judged as given."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        return f"the year must be between {EARLIEST_YEAR} and {LATEST_YEAR}."
    return None


def number_problem(value: int, *, low: int, high: int, unit: str = "") -> str | None:
    """``value`` outside ``low`` … ``high`` (``unit`` written after the numbers, e.g. " s")."""
    if value < low:
        return f"must be at least {low:,}{unit}."
    if value > high:
        return f"must be at most {high:,}{unit}."
    return None


def text_problem(value: str) -> str | None:
    """A character in ``value`` that no page, export or backup should have to hold."""
    found = FORBIDDEN_CHARACTER.search(value)
    if found is None:
        return None
    character = found.group()
    code = f"U+{ord(character):04X}"
    position = found.start() + 1
    if character == "\x00":
        return f"contains a NUL character ({code}) at character {position}."
    if "\ud800" <= character <= "\udfff":
        return f"contains an unpaired surrogate ({code}) at character {position}: not text."
    return (
        f"contains the control character {code} at character {position}; "
        "only tabs and new lines are kept."
    )


def normalise_newlines(value: str) -> str:
    """Carriage returns (Windows' CR LF, old Macs' CR) as new lines."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def clean_text(value: str, where: str) -> str:
    """``value`` with new lines normalised, or :class:`OutOfBounds` naming ``where``."""
    value = normalise_newlines(value)
    problem = text_problem(value)
    if problem is not None:
        raise OutOfBounds(where, problem)
    return value


class OutOfBounds(ValueError):
    """A value outside the bounds, for the ways in that are not forms: ``where: what``."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}" if where else capitalised(problem))
        self.where = where
        self.problem = problem


def capitalised(problem: str) -> str:
    return problem[:1].upper() + problem[1:]


# -- numbers from requests -------------------------------------------------------------------


def whole_number(value: object, where: str, *, low: int, high: int) -> int:
    """A whole number from a form or JSON body: an int (or a float without a fraction, as some
    button software sends), or its decimal digits; within ``low`` … ``high``."""
    if isinstance(value, bool):
        raise OutOfBounds(where, "must be a whole number, not true or false.")
    number: int | None = None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if value == value and abs(value) != float("inf") and value.is_integer():
            number = int(value)
    elif isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] in "+-" else text
        if digits.isascii() and digits.isdigit() and len(digits) <= JSON_DIGITS:
            number = int(text)
    if number is None:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "…"
        raise OutOfBounds(where, f"must be a whole number, not {shown}.")
    problem = number_problem(number, low=low, high=high)
    if problem is not None:
        raise OutOfBounds(where, problem)
    return number


# -- JSON ----------------------------------------------------------------------------------------


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in ``text`` (valid JSON or not), in one pass."""
    depth = deepest = 0
    in_string = escaped = False
    for character in text:
        if in_string:
            if escaped:
                escaped = False
            elif character == "\\":
                escaped = True
            elif character == '"':
                in_string = False
        elif character == '"':
            in_string = True
        elif character in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in "]}":
            depth -= 1
    return deepest


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number JSON allows")


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > JSON_DIGITS:
        raise ValueError(f"a number of {len(digits.lstrip('-')):,} digits is too long")
    return int(digits)


def _finite_float(text: str) -> float:
    if len(text) > 2 * JSON_DIGITS:
        raise ValueError(f"the number {text[:20]}… is too long")
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text} is too large")
    return value


def parse_json(text: str | bytes, *, depth: int = JSON_DEPTH) -> Any:
    """JSON as the app accepts it: nested at most ``depth`` deep, numbers of at most
    ``JSON_DIGITS`` digits, no NaN or Infinity. Raises ``ValueError`` saying what is wrong
    (``json.JSONDecodeError``, with the line, when it is not JSON at all)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")  # UnicodeDecodeError is a ValueError too
    deepest = json_depth(text)
    if deepest > depth:
        raise ValueError(f"it nests {deepest:,} levels deep; at most {depth} are accepted")
    return json.loads(
        text, parse_int=_bounded_int, parse_float=_finite_float, parse_constant=_refuse_constant
    )


# -- validators for model and form fields ----------------------------------------------------


@deconstructible
class ProblemValidator:
    """A Django validator from one of the rules above (the ones that take only the value)."""

    def __init__(self, rule: str) -> None:
        self.rule = rule

    def __call__(self, value: object) -> None:
        if value is None:
            return
        check: Callable[[Any], str | None] = RULES[self.rule]
        problem = check(value)
        if problem is not None:
            raise ValidationError(capitalised(problem), code=f"out_of_bounds_{self.rule}")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ProblemValidator) and other.rule == self.rule

    def __hash__(self) -> int:
        return hash(self.rule)


RULES: dict[str, Callable[[Any], str | None]] = {
    "year": year_problem,
    "text": lambda value: text_problem(value) if isinstance(value, str) else None,
}

validate_year = ProblemValidator("year")
validate_text = ProblemValidator("text")


def at_most(limit: int, unit: str) -> list[Any]:
    """Validators for an amount from 0 to ``limit`` ``unit``: "At most 86,400 s."."""
    return [
        MinValueValidator(0, message="Cannot be negative."),
        MaxValueValidator(limit, message=f"At most {limit:,}{unit}."),
    ]


TEXT = [validate_text]
DATE = [validate_year]
EPISODE_NUMBER = [
    MinValueValidator(1, message="Episode numbers start at 1."),
    MaxValueValidator(
        LARGEST_EPISODE_NUMBER,
        message=f"Episode numbers go up to {LARGEST_EPISODE_NUMBER:,}.",
    ),
]
SECONDS = at_most(LONGEST_SECONDS, " s (24 hours)")
CALL_MINUTES = at_most(LONGEST_CALL_MINUTES, " minutes (24 hours)")
COUNTER = at_most(LARGEST_VERSION, "")  # versions, revisions, positions
ADDED_MILLISECONDS = [
    MinValueValidator(
        -LARGEST_ADDED_SECONDS * 1000,
        message=f"At most {LARGEST_ADDED_SECONDS:,} s can be taken away from a segment.",
    ),
    MaxValueValidator(
        LARGEST_ADDED_SECONDS * 1000,
        message=f"At most {LARGEST_ADDED_SECONDS:,} s can be added to a segment.",
    ),
]

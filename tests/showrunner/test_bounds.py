"""The bounds (showrunner/bounds.py): the rules alone, and that every model field has them."""

import json
from datetime import UTC, date, datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models

from showrunner import bounds


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (date(1900, 1, 1), True),
        (date(2199, 12, 31), True),
        (date(1899, 12, 31), False),
        (date(2200, 1, 1), False),
        (date(9999, 12, 31), False),
        (datetime(1, 1, 1, 0, 30, tzinfo=UTC), False),
        (datetime(2026, 3, 3, 17, tzinfo=UTC), True),
    ],
)
def test_year_problem_outside_1900_to_2199(value: date, ok: bool) -> None:
    problem = bounds.year_problem(value)

    assert (problem is None) is ok
    if not ok:
        assert problem == "the year must be between 1900 and 2199."


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Dana Li", None),
        ("tabs\tand\nnew lines\r\n", None),
        ("🎙️ Ümit Öz ‮", None),
        ("a\x00b", "NUL character (U+0000) at character 2"),
        ("bell\x07", "control character U+0007 at character 5"),
        ("\x1b[31m", "control character U+001B"),
        ("c1\x85", "control character U+0085"),
        ("lone \ud800", "unpaired surrogate (U+D800)"),
    ],
)
def test_text_problem_names_the_character_and_where(text: str, found: str | None) -> None:
    problem = bounds.text_problem(text)

    if found is None:
        assert problem is None
    else:
        assert problem is not None
        assert found in problem


def test_clean_text_normalises_carriage_returns() -> None:
    assert bounds.clean_text("one\r\ntwo\rthree", "notes") == "one\ntwo\nthree"
    with pytest.raises(bounds.OutOfBounds, match=r"^notes: contains a NUL"):
        bounds.clean_text("a\x00", "notes")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, 3), ("3", 3), (" 7 ", 7), (4.0, 4), ("-2", -2), ("+5", 5)],
)
def test_whole_number_takes_ints_digits_and_whole_floats(value: object, expected: int) -> None:
    assert bounds.whole_number(value, "version", low=-10, high=10) == expected


@pytest.mark.parametrize(
    "value",
    [
        True, float("inf"), float("nan"), 1.5, "1.5", "²", "٣", "9" * 5000, "", "0x10", None,
        [1], {"a": 1},
    ],
)  # fmt: skip
def test_whole_number_refuses_what_is_no_whole_number(value: object) -> None:
    with pytest.raises(bounds.OutOfBounds, match=r"^“version”: must be a whole number"):
        bounds.whole_number(value, "“version”", low=0, high=10)


def test_whole_number_refuses_numbers_out_of_range() -> None:
    with pytest.raises(bounds.OutOfBounds, match="must be at most 3,600"):
        bounds.whole_number(10**16, "seconds", low=-3600, high=3600)
    with pytest.raises(bounds.OutOfBounds, match="must be at least -3,600"):
        bounds.whole_number("-3601", "seconds", low=-3600, high=3600)


def test_json_depth_counts_outside_strings_only() -> None:
    assert bounds.json_depth('{"a": [1, {"b": "[[[{{{"}]}') == 3
    assert bounds.json_depth('"\\"[[["') == 0
    assert bounds.json_depth("[" * 100_000) == 100_000


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[" * 100_000 + "]" * 100_000, "nests 100,000 levels deep"),
        ('{"version": Infinity}', "Infinity is not a number JSON allows"),
        ('{"version": NaN}', "NaN is not a number JSON allows"),
        ('{"version": ' + "9" * 5000 + "}", "5,000 digits is too long"),
        ('{"version": 1e400}', "too large"),
    ],
)
def test_parse_json_refuses_deep_nesting_and_special_numbers(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        bounds.parse_json(text)


def test_parse_json_reads_ordinary_json() -> None:
    data = {"version": 3, "text": "On air", "seconds": -30, "ratio": 0.5, "to": None}

    assert bounds.parse_json(json.dumps(data).encode()) == data


def test_validators_raise_with_a_capitalised_message() -> None:
    with pytest.raises(ValidationError, match=r"The year must be between 1900 and 2199\."):
        bounds.validate_year(date(9999, 12, 31))
    with pytest.raises(ValidationError, match="Contains a NUL character"):
        bounds.validate_text("a\x00")
    bounds.validate_text("fine")
    bounds.validate_year(None)


# -- every field of the project's models -----------------------------------------------------

PROJECT_APPS = ("episodes", "speakers")
# Written by the app itself, never from input: secrets, hashes, the live log's bookkeeping.
NOT_INPUT = {
    "Show.feed_secret", "Show.overlay_secret", "Speaker.link_secret", "ApiToken.key_hash", "ApiToken.prefix",
    "LiveState.last_action", "LiveState.last_action_by", "Change.action", "Change.description",
    "Reminder.fingerprint", "Speaker.avatar", "Speaker.avatar_small", "Show.slug",
    "Show.time_zone", "Speaker.time_zone",
    # A command's request id: printable ASCII only (episodes/views/live.py), kept for minutes.
    "CommandReceipt.key", "CommandReceipt.action",
}  # fmt: skip


def project_fields() -> list[tuple[str, models.Field]]:
    return [
        (f"{model.__name__}.{field.name}", field)
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.concrete_fields
    ]


def test_every_text_field_refuses_control_characters() -> None:
    missing = [
        name
        for name, field in project_fields()
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and name not in NOT_INPUT
        and bounds.validate_text not in field.validators
    ]

    assert missing == []


def test_every_date_field_keeps_to_the_years() -> None:
    missing = [
        name
        for name, field in project_fields()
        if isinstance(field, models.DateField)
        and not (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))
        and bounds.validate_year not in field.validators
        # The undo log, API tokens, command receipts: stamped by the app, never restored.
        and not name.startswith(("Change.", "ApiToken.", "CommandReceipt."))
    ]

    assert missing == []


def test_every_counter_fits_every_database() -> None:
    """A PositiveIntegerField takes 2**63 - 1 on SQLite and 2**31 - 1 on PostgreSQL: each has
    a maximum of its own, the same on both."""
    unbounded = [
        name
        for name, field in project_fields()
        if type(field) is models.PositiveIntegerField
        and not any(
            isinstance(v, MaxValueValidator) and v.limit_value <= bounds.LARGEST_VERSION
            for v in field._validators
        )
    ]

    assert unbounded == []

"""Path converters. ``<id:pk>`` is a row id: digits, few enough for any database to compare.

Django's ``<int:...>`` takes any number of digits, and SQLite cannot even bind a number past
2**63 - 1 (found by fuzzing: a guest page answered such an address with a server error). An id
of 19 digits or more is no row's, so the address is simply not found.
"""

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

"""Gap-free positions (1, 2, 3, ...) under a unique (parent, position) constraint.

A plain ``position = position + 1`` can collide with the neighbour row mid-statement (PostgreSQL
checks a non-deferred unique constraint row by row), so every shift first lifts the rows it
moves into a range nothing else uses, then brings them down again.
"""

from collections.abc import Sequence

from django.db.models import Case, F, IntegerField, Max, QuerySet, Value, When

LIFT = 1_000_000  # far above any real position


def next_position(siblings: QuerySet) -> int:
    return (siblings.aggregate(top=Max("position"))["top"] or 0) + 1


def open_gap(siblings: QuerySet, position: int) -> None:
    """Make room at ``position``: rows at it and after it move down by one."""
    moving = siblings.filter(position__gte=position)
    moving.update(position=F("position") + LIFT)
    siblings.filter(position__gte=LIFT).update(position=F("position") - LIFT + 1)


def close_gap(siblings: QuerySet, position: int) -> None:
    """After a row at ``position`` left, the rows after it move up by one."""
    moving = siblings.filter(position__gt=position)
    moving.update(position=F("position") + LIFT)
    siblings.filter(position__gte=LIFT).update(position=F("position") - LIFT - 1)


def renumber(siblings: QuerySet, ordered_ids: Sequence[int]) -> None:
    """Give ``ordered_ids`` the positions 1..n in that order (they must be all the siblings)."""
    if not ordered_ids:
        return
    siblings.update(position=F("position") + LIFT)
    siblings.update(
        position=Case(
            *(When(pk=pk, then=Value(index)) for index, pk in enumerate(ordered_ids, start=1)),
            output_field=IntegerField(),
        )
    )


def moved(ids: Sequence[int], item: int, to_index: int) -> list[int]:
    """``ids`` with ``item`` taken out and put back at ``to_index`` (0-based, clamped)."""
    rest = [pk for pk in ids if pk != item]
    to_index = max(0, min(to_index, len(rest)))
    return [*rest[:to_index], item, *rest[to_index:]]

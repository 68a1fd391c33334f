"""Helpers shared by the tests that compare query results across engines, stores and processes."""

from __future__ import annotations

import re
from collections import Counter

_GROUP_CONCAT = re.compile(r"GROUP_CONCAT\s*\([^)]*\)\s+AS\s+\?(\w+)", re.IGNORECASE)


def list_columns(query) -> set[str]:
    """Columns a stored query fills with GROUP_CONCAT: "; "-joined lists whose order no engine guarantees."""
    return set(_GROUP_CONCAT.findall(query.text))


def split(cell) -> list[str]:
    return [] if cell is None or cell.value == "" else cell.value.split("; ")


def normalised(result, lists: set[str]) -> Counter:
    """The rows as a multiset; cells compared by Term.key(), list cells as sorted lists of their items."""
    rows = []
    for row in result.rows:
        cells = []
        for var, cell in zip(result.variables, row):
            if var in lists:
                cells.append(("list", tuple(sorted(split(cell)))))
            else:
                cells.append(None if cell is None else cell.key())
        rows.append(tuple(cells))
    return Counter(rows)

"""Text tables fit the width they are given and keep every cell's words."""

from __future__ import annotations

from aiworkforce.present.tables import table


def test_table_wraps_to_width():
    long = "word " * 40
    out = table(["name", "description"], [["a", long.strip()], ["b", "short"]], width=80)
    assert all(len(line) <= 80 for line in out.splitlines())
    assert out.count("word") == 40
    assert out.splitlines()[0].startswith("name")


def test_table_keeps_narrow_tables_unchanged():
    out = table(["x", "y"], [["1", "2"]], width=80)
    assert out.splitlines() == ["x  y", "-  -", "1  2"]

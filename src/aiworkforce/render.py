"""Plain-text tables that fit the terminal (80 columns when not a terminal), wrapping long cells."""

from __future__ import annotations

import shutil
import textwrap


def table(headers: list[str], rows: list[list[str]], *, width: int | None = None) -> str:
    """Render rows as an aligned text table no wider than ``width`` columns, wrapping the widest cells."""
    width = width or min(shutil.get_terminal_size((80, 24)).columns, 120)
    ncols = len(headers)
    natural = [max([len(headers[i])] + [len(r[i]) for r in rows]) for i in range(ncols)]
    budget = width - 2 * (ncols - 1)
    widths = list(natural)
    while sum(widths) > budget:
        widest = max(range(ncols), key=lambda i: widths[i])
        if widths[widest] <= max(8, len(headers[widest])):
            break
        widths[widest] -= 1
    lines = []

    def emit(cells: list[str]) -> None:
        wrapped = [textwrap.wrap(c, widths[i]) or [""] for i, c in enumerate(cells)]
        for k in range(max(len(w) for w in wrapped)):
            parts = [(w[k] if k < len(w) else "").ljust(widths[i]) for i, w in enumerate(wrapped)]
            lines.append("  ".join(parts).rstrip())

    emit(headers)
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        emit(row)
    return "\n".join(lines)

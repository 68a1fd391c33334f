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


# -- query results ---------------------------------------------------------------------------------------------

RESULT_FORMATS = ("table", "csv", "tsv", "json", "md")


def _cell(term, prefixes, compact: bool) -> str:
    if term is None:
        return ""
    return term.compact(prefixes) if compact else term.value


def format_select(variables, rows, fmt: str, prefixes: dict[str, str], *, width: int | None = None) -> str:
    """Render a SELECT result: ``table`` and ``md`` show IRIs as CURIEs; csv, tsv and json keep full IRIs."""
    if fmt == "json":
        import json

        records = [{v: (None if t is None else t.value) for v, t in zip(variables, row)} for row in rows]
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    if fmt in ("csv", "tsv"):
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow([_cell(t, prefixes, False).replace("\t", " ").replace("\n", " ") if fmt == "tsv"
                             else _cell(t, prefixes, False) for t in row])
        return out.getvalue()
    cells = [[_cell(t, prefixes, True) for t in row] for row in rows]
    if fmt == "md":
        def esc(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ")

        lines = ["| " + " | ".join(variables) + " |", "|" + "|".join("---" for _ in variables) + "|"]
        lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in cells]
        return "\n".join(lines) + "\n"
    if fmt == "table":
        if not variables:  # e.g. SELECT * WHERE { }: solutions that bind nothing
            return f"({len(rows)} solution{'' if len(rows) == 1 else 's'}, no variables)\n"
        return table(list(variables), cells, width=width) + "\n"
    raise ValueError(f"unknown format {fmt!r}")

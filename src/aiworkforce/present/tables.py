"""Plain-text tables and query-result formats that keep every value whole, on one line.

Output that is not a terminal never wraps and never cuts: a pipe or a file gets every value in full, however
wide the table. On a terminal a table fits the width by cutting its longest cells with an ellipsis (``…``);
a value is never split over two lines. Line breaks and other control characters inside a value are written
visibly (``\\n``), so one row is always one line, in every format.
"""

from __future__ import annotations

import shutil
import sys
import unicodedata

#: the ``width`` of :func:`table` that means "the terminal's width on a terminal, unlimited otherwise"
AUTO = -1
ELLIPSIS = "…"
_CONTROLS = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: every character that ends a line for someone (str.splitlines, Unicode line and paragraph separators)
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def terminal_width(stream=None) -> int | None:
    """The width of ``stream`` (default: standard output) when it is a terminal; None (unlimited) otherwise."""
    stream = sys.stdout if stream is None else stream
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):  # a closed or fake stream
        tty = False
    return shutil.get_terminal_size((80, 24)).columns if tty else None


def visible(text: str) -> str:
    """``text`` on one line: line breaks, tabs and other control characters written as escapes."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else _escape(c) for c in text)


def _escape(c: str) -> str:
    return _CONTROLS.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}")


def one_line(text: str) -> str:
    """``text`` with only its line breaks escaped (``\\n``, ``\\u2028``, ...): what machine formats write."""
    return "".join(_escape(c) if c in LINE_BREAKS else c for c in text)


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: wide East Asian characters count two, combining marks none."""
    if text.isascii():  # one column a character (most cells: a table of 15,000 rows renders 3 times faster)
        return len(text)
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in text)


def _cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` columns: whole, or cut with an ellipsis."""
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for c in text:
        w = display_width(c)
        if used + w > width - 1:
            break
        out.append(c)
        used += w
    return "".join(out) + ELLIPSIS


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def table(headers: list[str], rows: list[list[str]], *, width: int | None = AUTO) -> str:
    """Rows as an aligned text table, one line per row.

    ``width`` None: no limit (every value whole). An integer: the table is fitted into that many columns by
    cutting the longest cells with an ellipsis, never by wrapping. :data:`AUTO` (the default): the terminal's
    width when standard output is a terminal, no limit otherwise."""
    if width == AUTO:
        width = terminal_width()
    headers = [visible(h) for h in headers]
    rows = [[visible(c) for c in row] for row in rows]
    ncols = len(headers)
    widths = [max([display_width(headers[i])] + [display_width(r[i]) for r in rows]) for i in range(ncols)]
    if width is not None:
        budget = width - 2 * (ncols - 1)
        floors = [max(8, display_width(h)) for h in headers]  # no column narrower than 8 or its header
        while sum(widths) > budget:
            shrinkable = [i for i in range(ncols) if widths[i] > floors[i]]
            if not shrinkable:
                break
            widths[max(shrinkable, key=lambda i: widths[i])] -= 1

    def line(cells: list[str]) -> str:
        return "  ".join(_pad(_cut(c, widths[i]), widths[i]) for i, c in enumerate(cells)).rstrip()

    return "\n".join([line(headers), "  ".join("-" * w for w in widths)] + [line(row) for row in rows])


# -- query results ---------------------------------------------------------------------------------------------

RESULT_FORMATS = ("table", "csv", "tsv", "json", "md")
#: formats read by people: they show IRIs as CURIEs and get a footer when a limit cut the rows
HUMAN_FORMATS = ("table", "md")


def _cell(term, prefixes, compact: bool) -> str:
    if term is None:
        return ""
    if term.kind == "bnode":
        return f"_:{term.value}"
    return term.compact(prefixes) if compact else term.value


def _tsv_escape(text: str) -> str:
    return one_line(text.replace("\\", "\\\\").replace("\t", "\\t"))


#: The line separators json.dumps leaves as they are (it escapes the controls below U+0020 only).
_JSON_LINE_BREAKS = {c: f"\\u{c:04x}" for c in (0x85, 0x2028, 0x2029)}


def _json_records(variables, rows) -> str:
    """The rows as a JSON list of objects, laid out as ``json.dumps(records, indent=2, ensure_ascii=False)`` lays
    them out (byte for byte), but each string goes through the C encoder: with ``indent``, json.dumps runs its
    pure-Python encoder, a third of a warm query's time on 15,000 rows."""
    from json.encoder import encode_basestring as quote  # the C function when available, as json.dumps uses

    if not rows:
        return "[]\n"
    keys = [quote(v) for v in variables]
    records = []
    for row in rows:
        if not keys:
            records.append("  {}")
            continue
        fields = ",\n".join(f"    {k}: {'null' if t is None else quote(_cell(t, None, False))}"
                             for k, t in zip(keys, row))
        records.append("  {\n" + fields + "\n  }")
    text = "[\n" + ",\n".join(records) + "\n]\n"
    # json escapes the controls below U+0020, not these line separators
    return text.translate(_JSON_LINE_BREAKS) if any(c in text for c in "\x85\u2028\u2029") else text


def format_select(variables, rows, fmt: str, prefixes: dict[str, str], *, width: int | None = AUTO) -> str:
    """Render a SELECT result: ``table`` and ``md`` show IRIs as CURIEs; csv, tsv and json keep full IRIs.
    Blank nodes are written ``_:label``. Every row is one line: line breaks inside values are escaped
    (``\\n``; tsv also escapes tabs and backslashes). Only ``table`` looks at ``width`` (see :func:`table`)."""
    if fmt == "json":
        return _json_records(variables, rows)
    if fmt == "tsv":  # linear TSV: no quoting, backslash escapes
        lines = ["\t".join(map(_tsv_escape, variables))]
        lines += ["\t".join(_tsv_escape(_cell(t, prefixes, False)) for t in row) for row in rows]
        return "\n".join(lines) + "\n"
    if fmt == "csv":
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([one_line(v) for v in variables])
        for row in rows:
            writer.writerow([one_line(_cell(t, prefixes, False)) for t in row])
        return out.getvalue()
    cells = [[_cell(t, prefixes, True) for t in row] for row in rows]
    if fmt == "md":
        def esc(text: str) -> str:
            return visible(text).replace("|", "\\|")

        lines = ["| " + " | ".join(map(esc, variables)) + " |", "|" + "|".join("---" for _ in variables) + "|"]
        lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in cells]
        return "\n".join(lines) + "\n"
    if fmt == "table":
        if not variables:  # e.g. SELECT * WHERE { }: solutions that bind nothing
            return f"({len(rows)} solution{'' if len(rows) == 1 else 's'}, no variables)\n"
        return table(list(variables), cells, width=width) + "\n"
    raise ValueError(f"unknown format {fmt!r}")


def row_count(shown: int, total: int | None) -> str:
    """The footer of a human-read result: ``3 rows``, or ``first 8 of 32 rows`` when a limit cut it."""
    if total is not None and total > shown:
        return f"first {shown} of {total} rows"
    return f"{shown} row{'' if shown == 1 else 's'}"


def render_select(result, fmt: str, prefixes: dict[str, str], *, width: int | None = AUTO) -> tuple[str, str | None]:
    """A SELECT :class:`~aiworkforce.query.results.QueryResult` as (what goes to stdout, a note for stderr).

    ``md`` ends with its row count (``*(first 8 of 32 rows)*``) as part of the document; ``table``'s row
    count is the note; machine formats (csv, tsv, json) never get a footer in their data: when a limit cut
    the rows, the note says so."""
    text = format_select(result.variables, result.rows, fmt, prefixes, width=width)
    count = row_count(len(result.rows), result.total)
    if fmt == "md":
        return text + f"\n*({count})*\n", None
    if fmt == "table":
        return text, f"({count})"
    return text, (f"aiworkforce: {count}: the limit cut the result (-n/--limit)" if result.truncated else None)

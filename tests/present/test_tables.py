"""Tables and result formats keep every value whole, on one line, in every format and at every width."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from aiworkforce.present.tables import (
    ELLIPSIS,
    RESULT_FORMATS,
    format_select,
    render_select,
    table,
    terminal_width,
    visible,
)
from aiworkforce.query.results import QueryResult
from aiworkforce.rdf.terms import Term

PREFIXES = {"skill": "https://w3id.org/aiworkforce/skill/", "aiw": "https://w3id.org/aiworkforce/ontology#"}

_local = st.from_regex(r"[a-z][a-z0-9]{0,12}(-[a-z0-9]{1,12}){0,6}", fullmatch=True)
_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=60)
_terms = st.one_of(
    st.none(),
    _local.map(lambda s: Term.iri(PREFIXES["skill"] + s)),  # long CURIEs
    _text.map(Term.literal),  # long labels, unicode, line breaks, tabs, pipes, quotes
    st.from_regex(r"[a-z0-9]{1,20}", fullmatch=True).map(lambda s: Term("bnode", s)),
)


def _shown(term: Term | None, fmt: str) -> str:
    """How the value must appear on its row's line in ``fmt``."""
    if term is None:
        return ""
    value = f"_:{term.value}" if term.kind == "bnode" else (
        term.compact(PREFIXES) if fmt in ("table", "md") else term.value)
    if fmt in ("table", "md"):
        value = visible(value)
        return value.replace("|", "\\|") if fmt == "md" else value
    if fmt == "json":
        return json.dumps(value, ensure_ascii=False).replace("\u2028", "\\u2028").replace(
            "\u2029", "\\u2029").replace("\x85", "\\u0085")
    if fmt == "tsv":
        value = value.replace("\\", "\\\\").replace("\t", "\\t")
    return visible_breaks(value)


def visible_breaks(value: str) -> str:
    from aiworkforce.present.tables import one_line

    return one_line(value)


class _Pipe(io.StringIO):
    def isatty(self) -> bool:
        return False


@settings(max_examples=20, deadline=None)
@given(rows=st.lists(st.lists(_terms, min_size=3, max_size=3), min_size=1, max_size=5),
       columns=st.sampled_from(["20", "300"]))
def test_no_value_is_ever_split_across_lines_off_a_terminal(rows, columns):
    import os

    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = columns  # what a narrow or a wide terminal would say; a pipe must not care
    try:
        width = terminal_width(_Pipe())
    finally:
        os.environ.pop("COLUMNS") if old is None else os.environ.__setitem__("COLUMNS", old)
    assert width is None  # a pipe has no width, whatever COLUMNS says
    variables = ("status", "skillName", "skill")
    for fmt in RESULT_FORMATS:
        out = format_select(variables, rows, fmt, PREFIXES, width=width)
        lines = out.splitlines()
        body = lines[1:] if fmt in ("csv", "tsv") else lines[2:] if fmt in ("table", "md") else None
        if fmt == "json":
            assert json.loads(out) is not None
            assert len(lines) == 2 + len(rows) * (2 + len(variables))  # [ { "k": v, ... }, ... ]: one line each
            for row in rows:
                for term in row:
                    assert any(_shown(term, fmt) in line for line in lines)
            continue
        assert len(body) == len(rows), (fmt, out)  # one line per row: nothing wrapped, no value broke a row
        if fmt == "csv":  # still CSV: a reader gets each cell back, line breaks escaped
            parsed = list(csv.reader(io.StringIO(out)))
            assert parsed[1:] == [[_shown(t, fmt) for t in row] for row in rows]
            continue
        for row, line in zip(rows, body):
            for term in row:
                assert _shown(term, fmt) in line, (fmt, term, line)


@settings(max_examples=20, deadline=None)
@given(rows=st.lists(st.lists(_terms, min_size=3, max_size=3), min_size=1, max_size=5),
       width=st.integers(min_value=20, max_value=120))
def test_a_terminal_table_fits_by_cutting_never_by_wrapping(rows, width):
    from aiworkforce.present.tables import display_width

    out = format_select(("status", "skillName", "skill"), rows, "table", PREFIXES, width=width)
    lines = out.splitlines()
    assert len(lines) == len(rows) + 2
    for line in lines:
        assert display_width(line) <= max(width, 8 + 9 + 8 + 4)  # no cell narrower than 8 or its header
    for row, line in zip(rows, lines[2:]):
        for term in row:
            value = _shown(term, "table").rstrip()  # a line ends without its trailing spaces
            if value not in line:  # cut: the start of the value and an ellipsis, on this line
                assert ELLIPSIS in line
                assert value[:4] in line


def test_table_keeps_narrow_tables_unchanged():
    out = table(["x", "y"], [["1", "2"]], width=80)
    assert out.splitlines() == ["x  y", "-  -", "1  2"]


def test_a_pipe_gets_long_values_whole():
    long = "word " * 40
    out = table(["name", "description"], [["a", long.strip()], ["b", "short"]], width=None)
    assert out.splitlines()[2].endswith(long.strip())
    assert len(out.splitlines()) == 4


def _result(n: int, limit: int | None) -> QueryResult:
    rows = tuple((Term.literal(f"v{i}"),) for i in range(n))
    return QueryResult("select", ("x",), rows).limited(limit)


def test_footer_says_first_n_of_m_in_table_and_md_and_machine_formats_stay_clean():
    cut = _result(32, 8)
    assert cut.total == 32 and cut.truncated and len(cut.rows) == 8
    text, note = render_select(cut, "table", {}, width=None)
    assert note == "(first 8 of 32 rows)" and "first" not in text
    text, note = render_select(cut, "md", {}, width=None)
    assert text.endswith("\n*(first 8 of 32 rows)*\n") and note is None
    for fmt in ("csv", "tsv", "json"):
        text, note = render_select(cut, fmt, {}, width=None)
        assert "first" not in text and "32" not in text
        assert note is not None and "first 8 of 32 rows" in note
    whole = _result(3, 8)
    assert not whole.truncated
    assert render_select(whole, "md", {}, width=None)[0].endswith("\n*(3 rows)*\n")
    assert render_select(whole, "table", {}, width=None)[1] == "(3 rows)"
    assert render_select(whole, "csv", {}, width=None)[1] is None


def test_blank_nodes_are_written_with_their_prefix_in_every_format():
    rows = [(Term("bnode", "b0"),)]
    for fmt in RESULT_FORMATS:
        assert "_:b0" in format_select(("x",), rows, fmt, {}, width=None), fmt


@settings(max_examples=60, deadline=None)
@given(variables=st.lists(_text, max_size=4, unique=True),
       rows=st.lists(st.lists(_terms, min_size=4, max_size=4), max_size=4))
def test_json_is_laid_out_as_json_dumps_and_reads_back(variables, rows):
    """The JSON writer formats strings with the C encoder itself; its output stays json.dumps(indent=2)'s, byte for
    byte (line separators escaped), and parses back to every value."""
    rows = [row[:len(variables)] for row in rows]
    records = [{v: None if t is None else (f"_:{t.value}" if t.kind == "bnode" else t.value)
                for v, t in zip(variables, row)} for row in rows]
    out = format_select(tuple(variables), rows, "json", PREFIXES)
    expected = json.dumps(records, indent=2, ensure_ascii=False)
    for c in ("\x85", "\u2028", "\u2029"):
        expected = expected.replace(c, f"\\u{ord(c):04x}")
    assert out == expected + "\n"
    assert json.loads(out) == records

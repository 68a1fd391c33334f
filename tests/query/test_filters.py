"""Every stored query whose result has an obvious filter takes it as an optional parameter.

A column named role, layer, sector or kind holding terms, or a column roles, layers or sectors listing names, is
an obvious filter. For each such column of each stored query (walking the catalogue, so a new query is checked
too) the parameter of that name must be declared in the query's `#+ params:` header, and running the query with
it must give exactly the rows of the unfiltered run that the column selects (bound as an RDF term, resolved
like every parameter: by title, slug, CURIE or IRI); a row whose list is empty is tied to no such term and stays.
"""

from __future__ import annotations

import pytest

from aiworkforce.query.catalogue import catalogue
from aiworkforce.query.run import run_query

FILTERS = ("role", "layer", "sector", "kind")
#: a query of pairs lists each pair once (the first in IRI order as `role`): a role filter would hide the pairs
#: where the role comes second, so it has none
PAIRS = {"overlaps"}


def _required(query) -> dict[str, str]:
    return {p.name: p.example for p in query.params if p.required}


def _filter_columns(query, result) -> list[tuple[str, str]]:
    """(parameter, column) pairs: a term column named like a filter, or a column listing names of one."""
    out = []
    for i, column in enumerate(result.variables):
        values = [row[i] for row in result.rows if row[i] is not None]
        if column in FILTERS and values and all(v.is_iri for v in values):
            out.append((column, column))
        elif column.rstrip("s") in FILTERS and column.endswith("s") and values and \
                all(v.kind == "literal" and not v.value.isdigit() for v in values):
            out.append((column.rstrip("s"), column))
    return out


CASES = sorted(catalogue())


def test_the_walk_finds_the_filters_the_issue_names(kg):
    found = {}
    for name in CASES:
        query = catalogue()[name]
        found[name] = {p for p, _ in _filter_columns(query, run_query(kg, name, _required(query)))}
    assert {"sector", "role"} <= found["governance"]
    assert "kind" in found["concerns"] and "layer" in found["roles-by-layer"]


@pytest.mark.parametrize("name", CASES)
def test_each_obvious_filter_is_a_parameter_that_filters(kg, name):
    query = catalogue()[name]
    if name in PAIRS:
        return
    required = _required(query)
    full = run_query(kg, name, required)
    for param, column in _filter_columns(query, full):
        declared = query.param(param)
        assert declared is not None, f"{name}: column {column!r} but no {param!r} parameter in its #+ params:"
        if declared.required:
            continue
        assert declared.kind == "term" and declared.example, (name, declared)
        index = full.variables.index(column)
        values = sorted({row[index].value if column == param else None for row in full.rows} - {None}) or [None]
        picks = values[:2] if column == param else [declared.example]
        for value in picks:
            typed = value if value is not None else declared.example
            filtered = run_query(kg, name, {**required, param: typed})
            assert param not in filtered.variables  # a bound parameter's column is dropped
            keep = [i for i, v in enumerate(full.variables) if v != param]
            if column == param:
                expected = [tuple(row[i] for i in keep) for row in full.rows if row[index].value == typed]
            else:
                from aiworkforce.query.resolve import resolve

                term = resolve(typed, engine=kg.engine(), cls=None, what=param)
                label = kg.engine().query(
                    "SELECT ?l ?t WHERE { ?t <http://www.w3.org/2004/02/skos/core#prefLabel> ?l FILTER (LANG(?l) = \"en\") }",
                        {"t": term}
                ).rows[0][0].value
                # a row listing no name at all is tied to none (a mitigating skill has no layer): it stays
                expected = [tuple(row[i] for i in keep) for row in full.rows
                            if label in row[index].value.split("; ") or row[index].value == ""]
            assert expected, f"{name} -p {param}={typed!r}: the example selects no row"
            assert sorted(filtered.rows, key=repr) == sorted(expected, key=repr), f"{name} -p {param}={typed!r}"


def test_governance_by_sector_from_the_issue(kg):
    rows = run_query(kg, "governance", {"sector": "healthcare"})
    assert rows.rows and "sector" not in rows.variables
    everything = run_query(kg, "governance", {"sector": "education"})
    assert len(everything.rows) < len(run_query(kg, "governance").rows)

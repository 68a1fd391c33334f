"""Stored queries and describe in other languages: the language is a bound parameter, each label comes in that
language or else in English, and no query gives more rows because a term has labels in several languages."""

from __future__ import annotations

import pytest

from _helpers import list_columns, normalised

from aiworkforce.errors import UsageError
from aiworkforce.query.catalogue import catalogue
from aiworkforce.query.describe import describe
from aiworkforce.query.run import run_query
from aiworkforce.rdf.prefixes import BASE

LABELLED = [q for q in catalogue().values() if q.param("lang")]


def _params(query, lang: str | None) -> dict[str, str]:
    params = {p.name: p.example for p in query.params if p.example is not None and p.name != "lang"}
    if lang is not None:
        params["lang"] = lang
    return params


def test_every_query_that_shows_labels_takes_the_language_as_a_parameter():
    without = sorted(q.name for q in catalogue().values() if "skos:prefLabel" in q.text and not q.param("lang"))
    assert not without, f"queries showing labels without a lang parameter: {without}"
    for query in LABELLED:
        param = query.param("lang")
        assert (param.kind, param.default, param.required) == ("language", "en", False), query.name
        assert "?lang" in query.text and '"de"' not in query.text  # bound, never pasted


@pytest.mark.parametrize("query", LABELLED, ids=[q.name for q in LABELLED])
def test_a_language_changes_labels_never_the_number_of_rows(kg, query):
    english = run_query(kg, query.name, _params(query, None))  # en is the default
    german = run_query(kg, query.name, _params(query, "de"))
    assert german.variables == english.variables
    assert len(german.rows) == len(english.rows), f"{query.name} in German"
    french = run_query(kg, query.name, _params(query, "fr"))  # no French labels: English throughout
    assert sorted(map(repr, french.rows)) == sorted(map(repr, english.rows))


def test_german_and_spanish_labels_with_english_fallback(kg):
    def names(lang):
        return {r["layer"].value.rsplit("/", 1)[-1]: r["name"].value
                for r in run_query(kg, "layers", {"lang": lang}).records()}

    assert names("de")["data-center"] == "Rechenzentren"
    assert names("en") == names("EN") and names("en")["data-center"] == "Data Centers"
    assert names("es")["security"] == "Ciberseguridad"
    assert names("fr")["data-center"] == "Data Centers"
    rows = run_query(kg, "skills-for-role", {"role": "Data Engineer", "lang": "de"}).records()
    assert {r["skillName"].value for r in rows} >= {"SQL"}  # skills have no German label yet: English


def test_a_parameter_in_the_reader_s_language_resolves(kg):
    rows = run_query(kg, "skills-for-role", {"role": "Dateningenieur", "lang": "de"}).rows
    assert rows == run_query(kg, "skills-for-role", {"role": "Data Engineer"}).rows


def test_a_malformed_language_is_a_usage_error(kg):
    with pytest.raises(UsageError, match="not a language tag"):
        run_query(kg, "layers", {"lang": "de'; DROP"})


def test_describe_shows_the_other_terms_in_the_reader_s_language(kg):
    def label(lang, predicate_end):
        facts = describe(kg, "role:data-engineer", lang=lang).facts
        return {f.other_label for f in facts if f.predicate.value.endswith(predicate_end) and f.direction == "out"}

    assert label("de", "#inLayer") == {"Daten"}
    assert label("es", "#inLayer") == {"Datos"}
    assert label("fr", "#inLayer") == {"Data"}
    assert label("en", "#inLayer") == {"Data"}


def test_query_and_describe_take_lang_on_the_command_line(run, kg):
    code, out, _ = run("query", "layers", "--lang", "es", "-f", "tsv")
    assert code == 0 and "Centros de datos" in out
    code, _, err = run("query", "layers", "--lang", "es", "-p", "lang=de")
    assert code == 2 and "disagree" in err
    code, _, err = run("query", "provenance", "--lang", "de")  # shows no labels: refused, not ignored
    assert code == 2 and "no parameter 'lang'" in err
    code, out, _ = run("describe", BASE + "layer/data", "--lang", "de", "-f", "json")
    assert code == 0 and "Dateningenieur" in out
    code, _, err = run("describe", "role:data-engineer", "--lang", "e n")
    assert code == 2 and "not a language tag" in err


@pytest.mark.parametrize("name", ["governance", "role-profile", "title-variants"])
def test_both_engines_pick_the_same_labels(kg, name):
    """pyoxigraph and rdflib both see ?lang inside NOT EXISTS in an OPTIONAL (the fallback's shape)."""
    query = catalogue()[name]
    params = _params(query, "de")
    ox = run_query(kg, name, params, engine="oxigraph")
    rd = run_query(kg, name, params, engine="rdflib")
    lists = list_columns(query)  # GROUP_CONCAT order and tags differ between engines, as for every query
    assert normalised(ox, lists) == normalised(rd, lists)
    assert any("Datenschutz" in repr(r) or "Daten" in repr(r) for r in ox.rows)

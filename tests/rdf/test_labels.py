"""Labels by language with English fallback: the one chooser (aiworkforce.rdf.labels) and the tags it accepts."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from aiworkforce.errors import UsageError
from aiworkforce.rdf.labels import label_of, language_tag, pick_label
from aiworkforce.rdf.terms import Term

LABELS = [("Data Engineer", "en"), ("Dateningenieur", "de"), ("Ingeniero de datos", "es")]


def test_the_reader_s_language_wins_and_english_stands_in_for_a_missing_one():
    assert pick_label(LABELS, "de") == "Dateningenieur"
    assert pick_label(LABELS, "ES") == "Ingeniero de datos"  # tags compare without case
    assert pick_label(LABELS, "fr") == "Data Engineer"
    assert pick_label(LABELS) == "Data Engineer"
    assert pick_label([("Ingénieur", "fr")], "de") is None  # neither the language nor English: nothing to show


def test_a_regional_tag_is_chosen_only_when_asked_for():
    labels = [("Data Engineer", "en"), ("Dateningenieur", "de"), ("Dateningenieur (AT)", "de-AT")]
    assert pick_label(labels, "de") == "Dateningenieur"
    assert pick_label(labels, "de-at") == "Dateningenieur (AT)"
    assert pick_label(labels, "de-ch") == "Data Engineer"


def test_the_choice_does_not_depend_on_order_and_reads_every_kind_of_literal():
    doubled = [("Zweiter", "de"), ("Erster", "de"), ("English", "en")]
    assert pick_label(doubled, "de") == pick_label(list(reversed(doubled)), "de") == "Erster"
    terms = [Term.literal("Data Engineer", language="en"), Term.literal("Dateningenieur", language="DE")]
    assert pick_label(terms, "de") == "Dateningenieur"
    graph = Graph()
    subject = URIRef("https://example.org/x")
    graph.add((subject, SKOS.prefLabel, Literal("Data Engineer", lang="en")))
    graph.add((subject, SKOS.prefLabel, Literal("Ingeniero de datos", lang="es")))
    assert label_of(graph, subject, "es") == "Ingeniero de datos"
    assert label_of(graph, subject, "de") == "Data Engineer"


@pytest.mark.parametrize("tag,expected", [("de", "de"), (" pt-BR ", "pt-br"), ("zh-Hant-TW", "zh-hant-tw")])
def test_language_tags_are_normalised(tag, expected):
    assert language_tag(tag) == expected


@pytest.mark.parametrize("bad", ["", "de_DE", "en-", "deutsch!", "x" * 9, "de DE"])
def test_anything_else_is_a_usage_error(bad):
    with pytest.raises(UsageError, match="not a language tag"):
        language_tag(bad)

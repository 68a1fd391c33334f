"""The German and Spanish preferred labels: every layer, role and concern has one in each language, and every
non-English label is covered by a translation source that says who translated it."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from aiworkforce.rdf.namespaces import AIW
from aiworkforce.rdf.prefixes import BASE

SRC = BASE + "source/"


def _instances(core, cls):
    classes = set(core.transitive_subjects(RDFS.subClassOf, cls))
    return {s for c in classes for s in core.subjects(RDF.type, c)}


def test_every_layer_role_and_concern_has_one_german_and_one_spanish_label(core):
    for cls in (AIW.Layer, AIW.Role, AIW.Concern):
        terms = _instances(core, cls)
        assert terms
        for term in terms:
            by_lang = {}
            for label in core.objects(term, SKOS.prefLabel):
                by_lang.setdefault(label.language, []).append(str(label))
            for lang in ("en", "de", "es"):
                assert len(by_lang.get(lang, [])) == 1, (term, lang, by_lang)


def test_each_translation_names_its_translator_and_covers_its_labels(core):
    for lang in ("de", "es"):
        source = URIRef(SRC + f"translation-{lang}")
        assert (source, RDF.type, AIW.EditorialSource) in core
        assert core.value(source, DCTERMS.language) == Literal(lang)
        assert "AI assistant" in str(core.value(source, DCTERMS.contributor))
        assert "Machine-assisted editorial translation" in str(core.value(source, RDFS.comment))
        covered = set(core.objects(source, DCTERMS.subject))
        labelled = {s for s, label in core.subject_objects(SKOS.prefLabel)
                    if isinstance(label, Literal) and label.language == lang}
        assert labelled == covered, sorted(map(str, labelled ^ covered))
    other = {label.language for label in core.objects(None, SKOS.prefLabel) if isinstance(label, Literal)}
    assert other == {"en", "de", "es"}

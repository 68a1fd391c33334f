"""The ontology itself: header, annotations on every term, one version string, sources, own words."""

from __future__ import annotations

import importlib.util
import re
import sys

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from conftest import ROOT

import aiworkforce
from aiworkforce.rdf.namespaces import AIW, VANN
from aiworkforce.rdf.prefixes import BASE, ONTOLOGY_IRI
from aiworkforce.rdf.resources import ontology_version

DATA = ROOT / "tests" / "data"
ONTOLOGY = URIRef(ONTOLOGY_IRI)


def _shingles():
    spec = importlib.util.spec_from_file_location("make_article_shingles", DATA / "make_article_shingles.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_header_is_complete(core):
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.creator, DCTERMS.created,
                 DCTERMS.modified, OWL.versionIRI, OWL.versionInfo, VANN.preferredNamespacePrefix,
                 VANN.preferredNamespaceUri, DCTERMS.source):
        assert core.value(ONTOLOGY, prop) is not None, prop
    assert str(core.value(ONTOLOGY, VANN.preferredNamespaceUri)) == str(AIW)
    assert str(core.value(ONTOLOGY, VANN.preferredNamespacePrefix)) == "aiw"


def test_one_version_string(core):
    version = str(core.value(ONTOLOGY, OWL.versionInfo))
    assert version == ontology_version()
    assert str(core.value(ONTOLOGY, OWL.versionIRI)) == f"{ONTOLOGY_IRI}/{version}"
    assert aiworkforce.__version__ == version


def _terms(core):
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in core.subjects(RDF.type, kind):
            if isinstance(term, URIRef) and term.startswith(str(AIW)):
                yield term


def test_every_term_is_annotated(core):
    terms = sorted(set(_terms(core)))
    assert len(terms) > 50
    for term in terms:
        label = core.value(term, RDFS.label)
        definition = core.value(term, SKOS.definition)
        assert isinstance(label, Literal) and label.language == "en", term
        assert isinstance(definition, Literal) and definition.language == "en", term
        assert core.value(term, RDFS.isDefinedBy) == ONTOLOGY, term


def test_every_property_has_domain_and_range(core):
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in core.subjects(RDF.type, kind):
            if prop.startswith(str(AIW)):
                assert core.value(prop, RDFS.domain) is not None, prop
                assert core.value(prop, RDFS.range) is not None, prop


def test_sources_cite_article_sections(core):
    cited = {o for o in core.objects(None, DCTERMS.source) if str(o).startswith(BASE + "source/")}
    assert len(cited) >= 14, "the knowledge base cites most sections of the article"
    for section in cited:
        assert core.value(section, DCTERMS.title) is not None, f"{section} is cited but not described"


def test_no_sentence_of_the_article_is_copied(core):
    """No 7-word run of any literal in the graph appears in the article (hashes in tests/data).

    The article's own title and section titles (subjects under source/) are citations and are exempt, and so are
    the evidence quotes (aiw:quote), verbatim locators of at most 12 words checked in tests/ontology/test_fidelity.py.
    """
    module = _shingles()
    article = set((DATA / "article-shingles.txt").read_text().split())
    assert len(article) > 1000
    copied = []
    for s, p, o in core:
        if p == AIW.quote:
            continue
        if isinstance(o, Literal) and isinstance(o.value, str) and not str(s).startswith(BASE + "source/"):
            if module.shingles(str(o)) & article:
                copied.append((s, p, str(o)[:80]))
    assert not copied, "\n".join(map(str, copied))


def test_copy_detector_can_fire():
    module = _shingles()
    article = set((DATA / "article-shingles.txt").read_text().split())
    borrowed = "Infrastructure as code, policy automation, observability, and resilience engineering have become"
    assert module.shingles(borrowed) & article


@pytest.mark.parametrize("path", sorted((ROOT / "ontology").glob("*.ttl")),
                         ids=lambda p: p.name)
def test_modules_have_section_comments(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#"), "each module opens with a comment saying what it holds"
    assert re.search(r"^## \S", text, re.M), "each module groups its content under '## Section' comments"

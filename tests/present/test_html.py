"""The shared HTML layer: the one language fallback (pick), where links point on the server and in the static site,
and a term page rendered in another language by the one renderer both use."""

from __future__ import annotations

from aiworkforce.present.html import SERVER_LINKS, SiteLinks, pick
from aiworkforce.present.termpage import TermPages
from aiworkforce.query.describe import Description, Fact
from aiworkforce.rdf.prefixes import BASE, PREFIXES
from aiworkforce.rdf.terms import Term

SKOS = PREFIXES["skos"]


def test_pick_prefers_the_language_then_english_then_untagged():
    de, en, plain = (Term.literal("Dateningenieur", language="de"), Term.literal("Data engineer", language="en"),
                     Term.literal("data engineer"))
    assert pick([en, de, plain], "de") == de
    assert pick([en, plain], "de") == en
    assert pick([plain, Term.literal("x", language="fr")], "de") == plain
    assert pick([Term.literal("x", language="fr")], "de").value == "x"
    assert pick([], "de") is None
    assert pick([Term.literal("Dateningenieur", language="DE")], "de").value == "Dateningenieur"  # tags: any case


def test_links_on_the_server_and_in_the_static_site():
    role, cls = BASE + "role/ml-engineer", PREFIXES["aiw"] + "Role"
    assert SERVER_LINKS.term(role) == "/role/ml-engineer" and SERVER_LINKS.term(cls) == "/ontology#Role"
    assert SERVER_LINKS.term("http://example.org/x") == "/describe?iri=http%3A%2F%2Fexample.org%2Fx"
    site = SiteLinks(tables=frozenset({"evidence"}), aliases=((BASE + "ontology/9.9", "ontology.html"),))
    here = site.at("role/data-engineer.html")
    assert here.term(role) == "../role/ml-engineer.html"
    assert here.term(cls) == "../ontology.html#Role"
    assert here.term(BASE + "evidence/x-y") == "../evidence/index.html#x-y"
    assert here.term(BASE + "ontology/9.9") == "../ontology.html"
    assert here.term("http://example.org/x") == "http://example.org/x"
    assert here.rdf(role) == "../role/ml-engineer.ttl" and here.explain(role, role, role) is None
    assert site.at("index.html").static("style.css") == "static/style.css"


class _Engine:
    def query(self, *args, **kwargs):
        return type("R", (), {"rows": ()})()


def test_a_term_page_in_german_falls_back_to_english():
    iri = BASE + "role/data-engineer"
    facts = (Fact("out", Term.iri(SKOS + "prefLabel"), Term.literal("Data Engineer", language="en"), None, False),
             Fact("out", Term.iri(SKOS + "prefLabel"), Term.literal("Dateningenieur", language="de"), None, False),
             Fact("out", Term.iri(SKOS + "definition"), Term.literal("Builds pipelines.", language="en"), None, False))
    html = TermPages(_Engine(), links=SiteLinks().at("role/data-engineer.html"), lang="de").render(
        iri, Description(Term.iri(iri), facts)).decode()
    assert '<html lang="de">' in html and "<h1>Dateningenieur</h1>" in html
    assert '<p class="definition" lang="en">Builds pipelines.</p>' in html  # English, marked as such
    assert 'href="../static/style.css"' in html and "<script" not in html

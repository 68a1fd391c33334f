"""Term pages: the HTML page of one term of the graph, and the ontology's page documenting its vocabulary class by
class and property by property. One renderer for the server (``serve``) and the static docs site (``docs``):
where links point comes from :class:`~aiworkforce.present.html.Links`.

Rendered from a query engine over the reasoned graph and a :class:`aiworkforce.query.describe.Description` of
the term. Each asserted link shows its provenance (stated, implied or editorial, with the quoted passage and the
cited section) from the graph's evidence statements; each inferred one is marked, with the rule that derived it
where known, linking to its explanation where a server answers.
"""

from __future__ import annotations

import re

from aiworkforce.present.html import SERVER_LINKS, Links, compact, esc, local_path, page, pick
from aiworkforce.query.engines import INFERRED_GRAPH
from aiworkforce.rdf.prefixes import PREFIXES
from aiworkforce.rdf.terms import Term

__all__ = ["SECTIONS", "TermPages"]

# -- what the pages hard-code about vocabularies ---------------------------------------------------------------
# SECTIONS restates the aiworkforce ontology (which of its properties a page groups, in which order, under which
# heading); the other tables restate standard vocabularies (SKOS, RDFS, Dublin Core, OWL).

AIW = PREFIXES["aiw"]
SKOS = PREFIXES["skos"]
RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS = PREFIXES["rdfs"]
DCT = PREFIXES["dcterms"]

#: The sections of a term page, in order (a role shows all of them; other terms those that apply).
SECTIONS = (
    ("Layers", (AIW + "inLayer", AIW + "spansLayer")),
    ("Essential skills", (AIW + "requiresEssentialSkill",)),
    ("Optional skills", (AIW + "requiresOptionalSkill",)),
    ("Overlaps", (AIW + "overlapsWith",)),
    ("Concerns it addresses", (AIW + "addressesConcern",)),
    ("Alignments", tuple(SKOS + m for m in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch"))),
)
#: The term's own provenance, shown in its Provenance section.
_PROVENANCE = (AIW + "basis", AIW + "quote", DCT + "source", SKOS + "editorialNote")
#: Shown in a term page's header (title, definition, also-called, types), so not again in its sections.
_HEADER_PREDICATES = {SKOS + "prefLabel", SKOS + "definition", SKOS + "altLabel", RDFS + "label", RDF_TYPE}
#: Labels of predicates the graph does not label itself (those of the standard vocabularies).
_STANDARD_LABELS = {
    RDF_TYPE: "type", SKOS + "prefLabel": "preferred label", SKOS + "altLabel": "alternative label",
    SKOS + "definition": "definition", SKOS + "inScheme": "in scheme", SKOS + "topConceptOf": "top concept of",
    SKOS + "hasTopConcept": "has top concept", SKOS + "broader": "broader", SKOS + "narrower": "narrower",
    SKOS + "broaderTransitive": "broader (transitive)", SKOS + "narrowerTransitive": "narrower (transitive)",
    SKOS + "related": "related", SKOS + "exactMatch": "exact match", SKOS + "closeMatch": "close match",
    SKOS + "broadMatch": "broad match", SKOS + "narrowMatch": "narrow match", SKOS + "relatedMatch": "related match",
    SKOS + "notation": "notation", SKOS + "example": "example", SKOS + "note": "note", SKOS + "scopeNote": "scope note",
    SKOS + "editorialNote": "editorial note",
    RDFS + "label": "label", RDFS + "comment": "comment", RDFS + "subClassOf": "subclass of",
    RDFS + "subPropertyOf": "subproperty of", RDFS + "domain": "domain", RDFS + "range": "range",
    RDFS + "isDefinedBy": "is defined by", RDFS + "seeAlso": "see also", DCT + "source": "source",
    DCT + "title": "title", DCT + "description": "description", DCT + "license": "licence",
    DCT + "creator": "creator", DCT + "created": "created", DCT + "modified": "modified",
    PREFIXES["owl"] + "inverseOf": "inverse of", PREFIXES["owl"] + "versionInfo": "version",
    PREFIXES["owl"] + "versionIRI": "version IRI",
}
#: The ontology page's sections, in order: the OWL kind of term (local name) -> heading.
VOCABULARY_HEADINGS = {"Class": "Classes", "ObjectProperty": "Object properties",
                       "DatatypeProperty": "Datatype properties", "AnnotationProperty": "Annotation properties",
                       "NamedIndividual": "Named individuals"}

#: The evidence statements (rdf:Statement) about the links of a term, in either direction.
_EVIDENCE = f"""
SELECT ?term ?s ?p ?o ?basis (SAMPLE(?q) AS ?quote) (SAMPLE(?n) AS ?note)
       (GROUP_CONCAT(DISTINCT STR(?src); separator=" ") AS ?sources) WHERE {{
  {{ ?st rdf:subject ?term ; rdf:predicate ?p ; rdf:object ?o . BIND(?term AS ?s) }}
  UNION {{ ?st rdf:object ?term ; rdf:predicate ?p ; rdf:subject ?s . BIND(?term AS ?o) }}
  ?st <{AIW}basis> ?basis .
  OPTIONAL {{ ?st <{AIW}quote> ?q }} OPTIONAL {{ ?st skos:editorialNote ?n }} OPTIONAL {{ ?st dcterms:source ?src }}
}} GROUP BY ?term ?s ?p ?o ?basis"""


class TermPages:
    """Renders term pages from an engine over the reasoned graph; labels are read once.

    ``links`` says where pages live (the server's paths by default); ``lang`` picks labels and definitions by
    language with English fallback (:func:`~aiworkforce.present.html.pick`); ``rules`` maps an inferred triple
    ``(s, p, o)`` (IRIs) to the name of the OWL 2 RL rule that derived it, where known.
    """

    def __init__(self, engine, *, links: Links = SERVER_LINKS, lang: str = "en", rules=None) -> None:
        self.engine = engine
        self.links = links
        self.lang = lang
        self.rules = rules or {}
        self._labels: dict[str, str] | None = None
        self._by_term: dict[str, dict] | None = None  # term IRI -> its links' evidence, read once
        self._titles: dict[str, str] | None = None  # source IRI -> its title, read once
        self._subject: str | None = None  # the IRI of the page being rendered

    def predicate_label(self, iri: str) -> str:
        if self._labels is None:
            rows = self.engine.query(
                "SELECT ?p ?l WHERE { ?p a ?k ; rdfs:label ?l "
                "VALUES ?k { rdf:Property owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty "
                "<" + AIW + "ProvenanceBasis> } }"
            ).rows
            grouped: dict[str, list] = {}
            for p, label in rows:
                grouped.setdefault(p.value, []).append(label)
            self._labels = {p: pick(labels, self.lang).value for p, labels in grouped.items()}
        return self._labels.get(iri) or _STANDARD_LABELS.get(iri) or compact(iri)

    def _badge(self, fact) -> str:
        if not fact.inferred:
            return ""
        other = fact.other
        s, o = (self._subject, other.value) if fact.direction == "out" else (other.value, self._subject)
        rule = self.rules.get((s, fact.predicate.value, o))
        text = f"inferred ({rule})" if rule else "inferred"
        href = self.links.explain(s, fact.predicate.value, o) if other.is_iri and self._subject else None
        if href:  # the badge links to the derivation
            return (f' <a class="inferred" href="{esc(href)}" '
                    f'title="derived by OWL-RL reasoning: see why">{esc(text)}</a>')
        why = f"derived by the OWL 2 RL rule {rule}" if rule else "derived by OWL-RL reasoning"
        return f' <span class="inferred" title="{esc(why)}">{esc(text)}</span>'

    def _link(self, fact, evidence: dict | None = None) -> str:
        other = fact.other
        badge = self._badge(fact)
        if other.kind == "literal":
            lang = f' lang="{esc(other.language)}"' if other.language else ""
            return f"<span{lang}>{esc(other.value)}</span>{badge}"
        if other.kind == "bnode":
            return f"<span class=\"bnode\">_:{esc(other.value)}</span>{badge}"
        return self.term_link(other.value, fact.other_label) + badge + self._evidence(fact, evidence)

    def term_link(self, iri: str, label: str | None = None) -> str:
        external = ""
        href = self.links.term(iri)
        if local_path(iri) is None and re.match(r"^https?://", iri) and href != iri:
            external = (f' <a class="external" href="{esc(iri)}" rel="noopener noreferrer"'
                        f' title="{esc(iri)}" aria-label="{esc(iri)} (external)">&#8599;</a>')
        return (f'<a href="{esc(href)}" title="{esc(compact(iri))}">{esc(label or compact(iri))}</a>'
                f"{external}")

    def _evidence(self, fact, evidence: dict | None) -> str:
        if not evidence or fact.inferred:
            return ""
        s, o = (self._subject, fact.other.value) if fact.direction == "out" else (fact.other.value, self._subject)
        found = evidence.get((s, fact.predicate.value, o))
        if not found:
            return ""
        basis, quote, note, sources = found
        parts = [f'<span class="basis">{esc(self.predicate_label(basis))}</span>']
        if quote:
            parts.append(f"<q>{esc(quote)}</q>")
        if note:
            parts.append(f'<span class="note">{esc(note)}</span>')
        if sources:
            parts.append("source: " + ", ".join(self.term_link(src, self._source_label(src)) for src in sources))
        return ' <span class="provenance">' + " ".join(parts) + "</span>"

    def _source_label(self, iri: str) -> str | None:
        if self._titles is None:
            grouped: dict[str, list] = {}
            for s, label in self.engine.query(
                    "SELECT ?s ?l WHERE { ?x dcterms:source ?s . ?s rdfs:label|dcterms:title ?l }").rows:
                grouped.setdefault(s.value, []).append(label)
            self._titles = {s: pick(labels, self.lang).value for s, labels in grouped.items()}
        return self._titles.get(iri)

    def _list(self, facts, *, with_predicate: bool = False, evidence: dict | None = None) -> str:
        items = []
        for f in facts:
            what = f'<span class="predicate">{esc(self.predicate_label(f.predicate.value))}</span> ' if with_predicate else ""
            items.append(f"<li>{what}{self._link(f, evidence)}</li>")
        return "<ul>" + "".join(items) + "</ul>"

    def _grouped(self, facts, evidence: dict | None = None) -> str:
        groups: dict[str, list] = {}
        for f in facts:
            groups.setdefault(f.predicate.value, []).append(f)
        rows = []
        for predicate, members in sorted(groups.items(), key=lambda kv: self.predicate_label(kv[0]).casefold()):
            rows.append(f'<tr><th scope="row" title="{esc(compact(predicate))}">{esc(self.predicate_label(predicate))}'
                        f"</th><td>{self._list(members, evidence=evidence)}</td></tr>")
        return '<table class="facts">' + "".join(rows) + "</table>"

    def evidence(self, iri: str) -> dict:
        """(s, p, o) -> (basis IRI, quote, editorial note, source IRIs) of the links of ``iri``; the evidence of
        every term is read in one query, on first use."""
        if self._by_term is None:
            self._by_term = {}
            for term, s, p, o, basis, quote, note, sources in self.engine.query(_EVIDENCE).rows:
                self._by_term.setdefault(term.value, {})[(s.value, p.value, o.value)] = (
                    basis.value, quote.value if quote else None, note.value if note else None,
                    sources.value.split() if sources and sources.value else [])
        return self._by_term.get(iri, {})

    def _provenance(self, facts_out) -> str:
        own = {p: [f for f in facts_out if f.predicate.value == p and not f.inferred] for p in _PROVENANCE}
        if not any(own.values()):
            return ""
        rows = []
        for p, members in own.items():
            if members:
                cells = [self.term_link(f.other.value, self._source_label(f.other.value) if p == DCT + "source"
                                        else self.predicate_label(f.other.value)) if f.other.is_iri
                         else (f"<q>{esc(f.other.value)}</q>" if p == AIW + "quote" else esc(f.other.value))
                         for f in members]
                rows.append(f'<tr><th scope="row">{esc(self.predicate_label(p))}</th><td>{"<br>".join(cells)}</td></tr>')
        return ('<section class="facts-section" id="provenance"><h2>Provenance</h2>'
                f'<table class="facts">{"".join(rows)}</table></section>')

    def render(self, iri: str, description, *, figure: str = "") -> bytes:
        """The page of ``iri``; ``figure`` is HTML placed after its header (the static site's diagram)."""
        self._subject = iri
        facts_out = [f for f in description.facts if f.direction == "out"]
        facts_in = [f for f in description.facts if f.direction == "in"]
        evidence = self.evidence(iri)

        def chosen(*predicates: str):
            for p in predicates:
                term = pick([f.other for f in facts_out if f.predicate.value == p], self.lang)
                if term is not None:
                    return term
            return None

        title = chosen(SKOS + "prefLabel", RDFS + "label", DCT + "title")
        label = title.value if title else compact(iri)
        definition = chosen(SKOS + "definition", DCT + "description", RDFS + "comment")
        alt = [f.other for f in facts_out if f.predicate.value == SKOS + "altLabel"]
        types = [f for f in facts_out if f.predicate.value == RDF_TYPE]
        parts = [f'<article class="term" data-iri="{esc(iri)}">', f"<h1{_lang(title, self.lang)}>{esc(label)}</h1>",
                 f'<p class="iri"><code>{esc(iri)}</code> <span class="curie">{esc(compact(iri))}</span></p>']
        if types:
            asserted = [f for f in types if not f.inferred] or types
            parts.append('<p class="types">' + ", ".join(self._link(f) for f in asserted) + "</p>")
        if definition is not None:
            parts.append(f'<p class="definition"{_lang(definition, self.lang)}>{esc(definition.value)}</p>')
        if alt:
            parts.append('<p class="altlabels">Also called: ' + ", ".join(
                f"<span{_lang(a, self.lang)}>{esc(a.value)}</span>" for a in sorted(alt, key=lambda t: t.value)) + "</p>")
        parts.append(figure)
        shown = set(_HEADER_PREDICATES) | set(_PROVENANCE)
        for title_, predicates in SECTIONS:
            members = [f for f in facts_out if f.predicate.value in predicates]
            shown.update(predicates)
            if not members:
                continue
            multi = len({f.predicate.value for f in members}) > 1 or title_ == "Alignments"
            slug = re.sub(r"[^a-z]+", "-", title_.lower()).strip("-")
            parts.append(f'<section class="facts-section" id="{slug}"><h2>{esc(title_)}</h2>'
                         f"{self._list(members, with_predicate=multi, evidence=evidence)}</section>")
        rest = [f for f in facts_out if f.predicate.value not in shown or f.predicate.value == RDF_TYPE and f.inferred]
        if rest:
            parts.append(f'<section class="facts-section" id="more"><h2>More about it</h2>'
                         f"{self._grouped(rest, evidence)}</section>")
        parts.append(self._provenance(facts_out))
        if facts_in:
            parts.append(f'<section class="facts-section" id="incoming"><details><summary><h2>Pointing here '
                         f'({len(facts_in)})</h2></summary>{self._grouped(facts_in, evidence)}</details></section>')
        turtle = self.links.rdf(iri)
        if turtle:
            parts.append(f'<p class="formats">This page as RDF: <a href="{esc(turtle)}">Turtle</a>, or '
                         f'<code>curl -H "Accept: text/turtle" {esc(iri)}</code></p>')
        parts.append("</article>")
        return page(f"{label} - aiworkforce", "\n".join(p for p in parts if p), alternate=turtle, links=self.links,
                    lang=self.lang)

    def render_ontology(self, iri: str, *, figure: str = "") -> bytes:
        """The ontology page: its header, then every class and property with an anchor (``ontology#Role``), its
        definition, super-class or super-property, and a property's domain, range and inverse."""
        eng = self.engine
        header = {}
        for p, o in eng.query(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}").rows:
            header.setdefault(p.value, []).append(o)
        title = pick(header.get(DCT + "title", []), self.lang)
        title = title.value if title else compact(iri)
        parts = ['<article class="term ontology">', f"<h1>{esc(title)}</h1>", f'<p class="iri"><code>{esc(iri)}</code></p>']
        description = pick(header.get(DCT + "description", []), self.lang)
        if description is not None:
            parts.append(f'<p class="definition">{esc(description.value)}</p>')
        rows = []
        for predicate in sorted(header, key=lambda p: self.predicate_label(p)):
            if predicate in (DCT + "title", DCT + "description"):
                continue
            cells = [self.term_link(o.value) if o.kind == "iri" else esc(o.value) for o in header[predicate]]
            rows.append(f"<tr><th scope=\"row\">{esc(self.predicate_label(predicate))}</th><td>{'<br>'.join(cells)}</td></tr>")
        parts.append('<table class="facts">' + "".join(rows) + "</table>")
        parts.append(figure)
        parts += self._vocabulary()
        turtle = self.links.rdf(iri)
        if turtle:
            parts.append(f'<p class="formats">This page as RDF: <a href="{esc(turtle)}">Turtle</a></p>')
        parts.append("</article>")
        return page(f"{title} - aiworkforce", "\n".join(p for p in parts if p), alternate=turtle, links=self.links,
                    lang=self.lang)

    def _vocabulary(self) -> list[str]:
        listing = self.engine.query(f"""
SELECT ?term ?kind (GROUP_CONCAT(DISTINCT CONCAT(LANG(?l), "\\u0001", STR(?l)); separator="\\u0002") AS ?labels)
       (GROUP_CONCAT(DISTINCT CONCAT(LANG(?d), "\\u0001", STR(?d)); separator="\\u0002") AS ?definitions)
       (GROUP_CONCAT(DISTINCT STR(?super); separator=" ") AS ?supers)
       (GROUP_CONCAT(DISTINCT STR(?domain); separator=" ") AS ?domains)
       (GROUP_CONCAT(DISTINCT STR(?range); separator=" ") AS ?ranges)
       (GROUP_CONCAT(DISTINCT STR(?inverse); separator=" ") AS ?inverses)
WHERE {{
  ?term a ?kind . VALUES ?kind {{ owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty
                                 owl:NamedIndividual }}
  FILTER(STRSTARTS(STR(?term), "{AIW}"))
  OPTIONAL {{ ?term rdfs:label ?l }}
  OPTIONAL {{ ?term skos:definition ?d }}
  OPTIONAL {{ ?term rdfs:subClassOf|rdfs:subPropertyOf ?super FILTER(isIRI(?super) && ?super != ?term
             && STRSTARTS(STR(?super), "{AIW}")) }}
  OPTIONAL {{ ?term rdfs:domain ?domain FILTER(isIRI(?domain)
             && NOT EXISTS {{ GRAPH <{INFERRED_GRAPH}> {{ ?term rdfs:domain ?domain }} }}) }}
  OPTIONAL {{ ?term rdfs:range ?range FILTER(isIRI(?range)
             && NOT EXISTS {{ GRAPH <{INFERRED_GRAPH}> {{ ?term rdfs:range ?range }} }}) }}
  OPTIONAL {{ ?term owl:inverseOf ?inverse FILTER(isIRI(?inverse)) }}
}} GROUP BY ?term ?kind ORDER BY ?kind ?term""").rows
        sections: dict[str, list[str]] = {kind: [] for kind in VOCABULARY_HEADINGS}
        for term, kind, labels, definitions, supers, domains, ranges, inverses in listing:
            local = term.value[len(AIW):]
            is_class = kind.value.endswith("Class")
            details = []
            for name, value in (("subclass of" if is_class else "subproperty of", supers), ("domain", domains),
                                ("range", ranges), ("inverse of", inverses)):
                if value is not None and value.value:
                    links = ", ".join(self.term_link(v) for v in sorted(value.value.split()))
                    details.append(f"<dt>{name}</dt><dd>{links}</dd>")
            label, definition = _chosen(labels, self.lang), _chosen(definitions, self.lang)
            sections[kind.value.rsplit("#", 1)[-1]].append(
                f'<li id="{esc(local)}"><a href="#{esc(local)}"><code>aiw:{esc(local)}</code></a> '
                f'<span class="label">{esc(label)}</span>'
                f'<p class="definition">{esc(definition)}</p>'
                + (f'<dl class="axioms">{"".join(details)}</dl>' if details else "") + "</li>")
        return [f'<section class="facts-section" id="{kind.lower()}"><h2>{VOCABULARY_HEADINGS[kind]} ({len(items)})</h2>'
                f'<ul class="vocabulary">{"".join(items)}</ul></section>' for kind, items in sections.items() if items]


def _lang(term, lang: str) -> str:
    """A ``lang`` attribute for a literal shown on a page of another language."""
    tag = getattr(term, "language", None)
    return f' lang="{esc(tag)}"' if tag and tag.lower() != lang.lower() else ""


def _chosen(packed, lang: str) -> str:
    """The value for ``lang`` among ``lang\\x01value`` pairs joined by ``\\x02`` (see :meth:`TermPages._vocabulary`)."""
    if packed is None or not packed.value:
        return ""
    terms = [Term.literal(v, language=tag or None) for tag, _, v in (p.partition("\x01") for p in packed.value.split("\x02"))]
    chosen = pick(terms, lang)
    return chosen.value if chosen else ""

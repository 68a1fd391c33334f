"""Term pages: the HTML page of one term of the graph, and the ontology's page listing its vocabulary.

Rendered inside the query workers (:mod:`.jobs`), from the worker's engine and a
:class:`aiworkforce.query.describe.Description` of the term.
"""

from __future__ import annotations

import re

from aiworkforce.rdf.prefixes import PREFIXES
from aiworkforce.server.explain import explain_href
from aiworkforce.server.pages import compact, esc, local_path, page, term_href
from aiworkforce.rdf.labels import pick_label

__all__ = ["SECTIONS", "TermPages"]

# -- what the pages hard-code about vocabularies ---------------------------------------------------------------
# Kept here, in one place, as the pages had them. SECTIONS restates the aiworkforce ontology (which of its
# properties a page groups, in which order, under which heading); the other tables restate standard vocabularies
# (SKOS, RDFS, Dublin Core, OWL). Candidates to be read from the ontology instead.

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
                       "DatatypeProperty": "Datatype properties", "AnnotationProperty": "Annotation properties"}

# -- rendering -------------------------------------------------------------------------------------------------

class TermPages:
    """Renders term pages from the worker's engine; property labels are read once."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self._labels: dict[str, str] | None = None
        self._subject: str | None = None  # the IRI of the page being rendered (inferred facts link to /explain)

    def predicate_label(self, iri: str) -> str:
        if self._labels is None:
            rows = self.engine.query(
                "SELECT ?p ?l WHERE { ?p a ?k ; rdfs:label ?l "
                "VALUES ?k { rdf:Property owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty } "
                'FILTER(lang(?l) = "" || langMatches(lang(?l), "en")) }'
            ).rows
            self._labels = {p.value: label.value for p, label in rows}
        return self._labels.get(iri) or _STANDARD_LABELS.get(iri) or compact(iri)

    def _link(self, fact) -> str:
        other = fact.other
        badge = ' <span class="inferred" title="derived by OWL-RL reasoning">inferred</span>' if fact.inferred else ""
        if fact.inferred and other.is_iri and self._subject:  # the badge links to the derivation
            s, o = (self._subject, other.value) if fact.direction == "out" else (other.value, self._subject)
            badge = (f' <a class="inferred" href="{esc(explain_href(s, fact.predicate.value, o))}" '
                     'title="derived by OWL-RL reasoning: see why">inferred</a>')
        if other.kind == "literal":
            lang = f' lang="{esc(other.language)}"' if other.language else ""
            return f"<span{lang}>{esc(other.value)}</span>{badge}"
        if other.kind == "bnode":
            return f"<span class=\"bnode\">_:{esc(other.value)}</span>{badge}"
        label = fact.other_label or compact(other.value)
        external = ""
        if local_path(other.value) is None and re.match(r"^https?://", other.value):
            external = (f' <a class="external" href="{esc(other.value)}" rel="noopener noreferrer"'
                        f' title="{esc(other.value)}">&#8599;</a>')
        return (f'<a href="{esc(term_href(other.value))}" title="{esc(compact(other.value))}">{esc(label)}</a>'
                f"{external}{badge}")

    def _list(self, facts, *, with_predicate: bool = False) -> str:
        items = []
        for f in facts:
            what = f'<span class="predicate">{esc(self.predicate_label(f.predicate.value))}</span> ' if with_predicate else ""
            items.append(f"<li>{what}{self._link(f)}</li>")
        return "<ul>" + "".join(items) + "</ul>"

    def _grouped(self, facts) -> str:
        groups: dict[str, list] = {}
        for f in facts:
            groups.setdefault(f.predicate.value, []).append(f)
        rows = []
        for predicate, members in sorted(groups.items(), key=lambda kv: self.predicate_label(kv[0]).casefold()):
            rows.append(f'<tr><th scope="row" title="{esc(compact(predicate))}">{esc(self.predicate_label(predicate))}'
                        f"</th><td>{self._list(members)}</td></tr>")
        return '<table class="facts">' + "".join(rows) + "</table>"

    def render(self, iri: str, description) -> bytes:
        self._subject = iri
        facts_out = [f for f in description.facts if f.direction == "out"]
        facts_in = [f for f in description.facts if f.direction == "in"]

        def values(*predicates: str) -> list[str]:
            return [f.other.value for f in facts_out if f.predicate.value in predicates]

        label = (pick_label(f.other for f in facts_out if f.predicate.value == SKOS + "prefLabel")
                 or (values(RDFS + "label") or values(DCT + "title") or [compact(iri)])[0])
        definition = values(SKOS + "definition") or values(DCT + "description") or values(RDFS + "comment")
        alt = values(SKOS + "altLabel")
        types = [f for f in facts_out if f.predicate.value == RDF_TYPE]
        parts = [f'<article class="term" data-iri="{esc(iri)}">', f"<h1>{esc(label)}</h1>",
                 f'<p class="iri"><code>{esc(iri)}</code> <span class="curie">{esc(compact(iri))}</span></p>']
        if types:
            asserted = [f for f in types if not f.inferred] or types
            parts.append('<p class="types">' + ", ".join(self._link(f) for f in asserted) + "</p>")
        if definition:
            parts.append(f'<p class="definition">{esc(definition[0])}</p>')
        if alt:
            parts.append('<p class="altlabels">Also called: ' + ", ".join(f"<span>{esc(a)}</span>" for a in sorted(alt))
                         + "</p>")
        shown = set(_HEADER_PREDICATES)
        for title, predicates in SECTIONS:
            members = [f for f in facts_out if f.predicate.value in predicates]
            shown.update(predicates)
            if not members:
                continue
            multi = len({f.predicate.value for f in members}) > 1 or title == "Alignments"
            slug = re.sub(r"[^a-z]+", "-", title.lower()).strip("-")
            parts.append(f'<section class="facts-section" id="{slug}"><h2>{esc(title)}</h2>'
                         f"{self._list(members, with_predicate=multi)}</section>")
        rest = [f for f in facts_out if f.predicate.value not in shown or f.predicate.value == RDF_TYPE and f.inferred]
        if rest:
            parts.append(f'<section class="facts-section" id="more"><h2>More about it</h2>{self._grouped(rest)}</section>')
        if facts_in:
            parts.append(f'<section class="facts-section" id="incoming"><details><summary><h2>Pointing here '
                         f'({len(facts_in)})</h2></summary>{self._grouped(facts_in)}</details></section>')
        turtle = term_href(iri) + ("&" if "?" in term_href(iri) else "?") + "format=ttl"
        parts.append(f'<p class="formats">This page as RDF: <a href="{esc(turtle)}">Turtle</a>, or '
                     f'<code>curl -H "Accept: text/turtle" ...</code></p>')
        parts.append("</article>")
        return page(f"{label} - aiworkforce", "\n".join(parts), alternate=turtle)

    def render_ontology(self, iri: str) -> bytes:
        """The ontology page: its header, then every class and property with an anchor (``/ontology#Role``)."""
        eng = self.engine
        header = {}
        for p, o in eng.query(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}").rows:
            header.setdefault(p.value, []).append(o)
        title = next((o.value for o in header.get(DCT + "title", [])), compact(iri))
        parts = ['<article class="term ontology">', f"<h1>{esc(title)}</h1>", f'<p class="iri"><code>{esc(iri)}</code></p>']
        for o in header.get(DCT + "description", []):
            parts.append(f'<p class="definition">{esc(o.value)}</p>')
        rows = []
        for predicate in sorted(header, key=lambda p: self.predicate_label(p)):
            if predicate in (DCT + "title", DCT + "description"):
                continue
            cells = []
            for o in header[predicate]:
                if o.kind == "iri":
                    cells.append(f'<a href="{esc(term_href(o.value))}">{esc(compact(o.value))}</a>')
                else:
                    cells.append(esc(o.value))
            rows.append(f"<tr><th scope=\"row\">{esc(self.predicate_label(predicate))}</th><td>{'<br>'.join(cells)}</td></tr>")
        parts.append('<table class="facts">' + "".join(rows) + "</table>")
        listing = eng.query(f"""
SELECT ?term ?kind (SAMPLE(?l) AS ?label) (SAMPLE(?d) AS ?definition) (GROUP_CONCAT(DISTINCT STR(?super); separator=" ") AS ?supers)
WHERE {{
  ?term a ?kind . VALUES ?kind {{ owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }}
  FILTER(STRSTARTS(STR(?term), "{AIW}"))
  OPTIONAL {{ ?term rdfs:label ?l }}
  OPTIONAL {{ ?term skos:definition ?d }}
  OPTIONAL {{ ?term rdfs:subClassOf|rdfs:subPropertyOf ?super FILTER(isIRI(?super) && ?super != ?term
             && STRSTARTS(STR(?super), "{AIW}")) }}
}} GROUP BY ?term ?kind ORDER BY ?kind ?term""").rows
        sections: dict[str, list[str]] = {kind: [] for kind in VOCABULARY_HEADINGS}
        for term, kind, lab, definition, supers in listing:
            local = term.value[len(AIW):]
            sup = ""
            if supers is not None and supers.value:
                links = ", ".join(f'<a href="#{esc(s[len(AIW):])}">{esc(compact(s))}</a>' for s in supers.value.split())
                sup = f'<p class="super">{"subclass" if kind.value.endswith("Class") else "subproperty"} of {links}</p>'
            sections[kind.value.rsplit("#", 1)[-1]].append(
                f'<li id="{esc(local)}"><a href="#{esc(local)}"><code>aiw:{esc(local)}</code></a> '
                f'<span class="label">{esc(lab.value if lab else "")}</span>'
                f'<p class="definition">{esc(definition.value if definition else "")}</p>{sup}</li>')
        for kind, items in sections.items():
            if items:
                parts.append(f'<section class="facts-section"><h2>{VOCABULARY_HEADINGS[kind]} ({len(items)})</h2>'
                             f'<ul class="vocabulary">{"".join(items)}</ul></section>')
        parts.append('<p class="formats">This page as RDF: <a href="/ontology?format=ttl">Turtle</a></p></article>')
        return page(f"{title} - aiworkforce", "\n".join(parts), alternate="/ontology?format=ttl")

"""The static documentation site: every page the server renders, as files, with no server, CDN or JavaScript.

:func:`write_site` writes into a folder (``docs -o DIR``, or the release folder)::

    index.html                      the home page: the ontology, the layer stack, every index, the downloads
    KIND/index.html                 an index per kind of term (role, layer, skill, concern, sector, question, ...)
    KIND/SLUG.html                  one page per term, at the path of its IRI (https://w3id.org/aiworkforce/KIND/SLUG)
    KIND/SLUG.{ttl,jsonld,rdf,nt}   the term's own triples (from the reasoned graph), for content negotiation
    ontology.html                   the TBox, class by class and property by property (ontology#Role anchors)
    ontology.{ttl,jsonld,rdf,nt}    the TBox's triples
    queries.html                    the stored queries: what each asks, its parameters and its SPARQL
    diagrams/*.svg                  the layer stack, the class hierarchy and each role's neighbourhood
    static/                         the stylesheet and icon
    .htaccess                       w3id-style redirect rules with content negotiation (:mod:`.htaccess`)

Term pages are rendered by :class:`aiworkforce.present.termpage.TermPages`, the renderer the server uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from aiworkforce.errors import InputError, UsageError
from aiworkforce.present.html import SiteLinks, compact, esc, page, pick
from aiworkforce.present.sparql_results import serialize_graph
from aiworkforce.present.termpage import TermPages
from aiworkforce.publish.site import diagrams
from aiworkforce.publish.site.htaccess import RDF_SUFFIXES, htaccess
from aiworkforce.query.catalogue import catalogue
from aiworkforce.query.describe import describe_all, term_triples
from aiworkforce.rdf.prefixes import BASE, INDIVIDUAL_KINDS, ONTOLOGY_IRI, PREFIXES

__all__ = ["SiteResult", "build_site", "write_site"]

#: The static assets the pages use, read from the server's package data (one stylesheet for both).
ASSETS = ("style.css", "favicon.svg")
SITE_NAV = (("Ontology", "ontology.html"), ("Stored queries", "queries.html"))


@dataclass(frozen=True)
class SiteResult:
    folder: Path
    files: tuple[str, ...]  # paths relative to ``folder``
    pages: int  # HTML pages
    terms: int  # terms with a page of their own (the ontology included)
    diagrams: int


def build_site(graph, out_dir: str | Path, *, lang: str = "en") -> SiteResult:
    """Write the docs site of ``graph`` into ``out_dir``, which must be missing or empty."""
    out = Path(out_dir)
    if not re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", lang):
        raise UsageError(f"{lang!r} is not a language tag", hint="give a BCP 47 tag such as en, de or es")
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise UsageError(f"{out} is not a folder", hint="choose a new or empty folder for the site")
    if out.is_dir() and any(out.iterdir()):
        raise UsageError(f"{out} is not empty", hint="choose a new or empty folder for the site; nothing was changed")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the site folder: {exc.strerror or exc}", path=out) from None
    files = write_site(graph, out, lang=lang)
    pages = sum(1 for f in files if f.endswith(".html"))
    terms = sum(1 for f in files if f.endswith(".ttl"))
    return SiteResult(out, tuple(files), pages, terms, sum(1 for f in files if f.endswith(".svg")))


def _kind_of(iri: str) -> str | None:
    rest = iri[len(BASE):] if iri.startswith(BASE) else ""
    kind, slash, slug = rest.partition("/")
    return kind if slash and slug and "/" not in slug and re.fullmatch(r"[A-Za-z0-9_~-]+", slug) else None


def write_site(graph, folder: Path, *, lang: str = "en", downloads: dict[str, str] | None = None) -> list[str]:
    """Write the site of ``graph`` (a :class:`~aiworkforce.graph.KnowledgeGraph`) into the existing ``folder``;
    ``downloads`` (file name -> what it holds) lists the release's graph files on the home page, and its version
    IRI then resolves to them. Returns the files written, relative to ``folder``."""
    engine = graph.engine("oxigraph")
    files: list[str] = []

    def write(path: str, data: bytes | str) -> None:
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode() if isinstance(data, str) else data)
        files.append(path)

    try:
        terms = sorted({s.value for (s,) in engine.query(
            f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{BASE}")) }}').rows
            if _kind_of(s.value)})
        kinds: dict[str, list[str]] = {}
        for iri in terms:
            kinds.setdefault(_kind_of(iri), []).append(iri)
        # Kinds whose members are all rdf:Statement (the evidence of links) get one table, not a page each.
        statements = {st.value for (st,) in engine.query("SELECT ?st WHERE { ?st a rdf:Statement }").rows}
        tables = {kind: members for kind, members in kinds.items() if set(members) <= statements}
        terms = [iri for iri in terms if _kind_of(iri) not in tables]
        versions = engine.query(f"SELECT ?v WHERE {{ <{ONTOLOGY_IRI}> owl:versionIRI ?v }}").rows
        root = SiteLinks(nav=SITE_NAV, tables=frozenset(tables), aliases=tuple((v.value, "ontology.html")
                                                                               for (v,) in versions))
        labels = _labels(engine, lang)
        rules = _rules(graph)
        role_class = PREFIXES["aiw"] + "Role"
        roles = {r.value for (r,) in engine.query(f"SELECT ?r WHERE {{ ?r a <{role_class}> }}").rows}
        sources = {Path(folder / "diagrams" / "layers.svg"): diagrams.layer_stack(engine, root.at("diagrams/x"), lang),
                   Path(folder / "diagrams" / "classes.svg"): diagrams.class_hierarchy(engine, root.at("diagrams/x"),
                                                                                        lang)}
        for role in sorted(roles & set(terms)):
            slug = role[len(BASE):].split("/", 1)[1]
            sources[folder / "diagrams" / "role" / f"{slug}.svg"] = diagrams.role_neighbourhood(
                engine, root.at("diagrams/role/x"), lang, role)
        diagrams.render(sources)
        files += [str(p.relative_to(folder)) for p in sources]

        pages = TermPages(engine, links=root, lang=lang, rules=rules)
        for iri, description in describe_all(engine, terms).items():
            here = iri[len(BASE):]
            links = pages.links = root.at(here + ".html")
            figure = ""
            if iri in roles:
                figure = _figure(links.href(f"diagrams/role/{here.split('/', 1)[1]}.svg"),
                                 f"The neighbourhood of {labels.get(iri, compact(iri))}: its layers (blue rounded boxes), "
                                 "essential skills (green ovals), optional skills (dashed ovals) and overlapping roles "
                                 "(orange boxes); each is listed below.")
            write(here + ".html", pages.render(iri, description, figure=figure))
            _write_rdf(write, here, term_triples(engine, iri))
        links = root.at("ontology.html")
        figure = _figure(links.href("diagrams/classes.svg"), "The class hierarchy of the ontology (every class is "
                                                              "listed below with its superclasses).")
        write("ontology.html", TermPages(engine, links=links, lang=lang).render_ontology(ONTOLOGY_IRI, figure=figure))
        _write_rdf(write, "ontology", term_triples(engine, ONTOLOGY_IRI))
        for kind, members in sorted(kinds.items()):
            here = f"{kind}/index.html"
            if kind in tables:
                write(here, _statements(kind, members, pages, root.at(here), lang))
                _write_rdf(write, kind, [t for iri in members for t in term_triples(engine, iri, incoming=False)])
            else:
                write(here, _index(kind, members, engine, labels, root.at(here), lang))
        write("queries.html", _queries(root.at("queries.html"), lang))
        write("index.html", _home(engine, kinds, root, lang, downloads or {}))
        assets = resources.files("aiworkforce") / "server" / "web"
        for name in ASSETS:
            write(f"static/{name}", (assets / name).read_bytes())
        write(".htaccess", htaccess(sorted(set(kinds) - set(tables)), sorted(tables), graph_files=downloads or {}))
    except OSError as exc:
        raise InputError(f"cannot write the site: {exc.strerror or exc}", path=folder) from None
    return files


def _write_rdf(write, stem: str, triples: list) -> None:
    for suffix, (fmt, _) in RDF_SUFFIXES.items():
        write(stem + suffix, serialize_graph(fmt, triples))


def _labels(engine, lang: str) -> dict[str, str]:
    grouped: dict[str, list] = {}
    for x, label in engine.query(
            f'SELECT ?x ?l WHERE {{ ?x skos:prefLabel|rdfs:label|dcterms:title ?l FILTER(STRSTARTS(STR(?x), "{BASE}")) }}'
    ).rows:
        grouped.setdefault(x.value, []).append(label)
    return {x: pick(values, lang).value for x, values in grouped.items()}


def _rules(graph) -> dict:
    """(s, p, o) -> the OWL 2 RL rule that derived it, for every inferred triple the compiled rules traced; empty
    when the graph's closure cannot be traced (then pages say "inferred" without a rule)."""
    from aiworkforce.errors import AiworkforceError
    from aiworkforce.reasoning.explain import trace  # rdflib and owlrl: only for the site

    try:
        provenance = trace(graph.asserted)
    except AiworkforceError:
        return {}
    return {tuple(t.value for t in triple): rule.name.split(" ", 1)[0]
            for triple, (_, rule) in provenance.stamps.items()}


def _figure(src: str, caption: str) -> str:
    return (f'<figure class="diagram"><img src="{esc(src)}" alt="{esc(caption)}">'
            f"<figcaption>{esc(caption)}</figcaption></figure>")


def _index(kind: str, members: list[str], engine, labels: dict, links: SiteLinks, lang: str) -> bytes:
    definitions: dict[str, list] = {}
    for x, d in engine.query(f'SELECT ?x ?d WHERE {{ ?x skos:definition|rdfs:comment ?d '
                             f'FILTER(STRSTARTS(STR(?x), "{BASE}{kind}/")) }}').rows:
        definitions.setdefault(x.value, []).append(d)
    rows = []
    for iri in sorted(members, key=lambda i: labels.get(i, i).casefold()):
        definition = pick(definitions.get(iri, []), lang)
        rows.append(f'<tr><td><a href="{esc(links.term(iri))}">{esc(labels.get(iri, compact(iri)))}</a></td>'
                    f"<td><code>{esc(compact(iri))}</code></td><td>{esc(definition.value if definition else '')}</td></tr>")
    title = f"{kind.capitalize()}s ({len(members)})"
    body = (f'<article class="index"><h1>{esc(title)}</h1><p class="iri">Every term below '
            f"<code>{esc(BASE + kind + '/')}</code>.</p><table class=\"facts\"><thead><tr><th scope=\"col\">term</th>"
            f'<th scope="col">CURIE</th><th scope="col">definition</th></tr></thead><tbody>{"".join(rows)}</tbody>'
            "</table></article>")
    return page(f"{title} - aiworkforce", body, links=links, lang=lang)


def _statements(kind: str, members: list[str], pages: TermPages, links: SiteLinks, lang: str) -> bytes:
    """One table of rdf:Statement terms (the evidence of links), a row per statement with its slug as anchor."""
    pages.links = links
    rows = []
    for st, s, p, o, basis, quote, note, sources in pages.engine.query(f"""
SELECT ?st ?s ?p ?o ?basis (SAMPLE(?q) AS ?quote) (SAMPLE(?n) AS ?note)
       (GROUP_CONCAT(DISTINCT STR(?src); separator=" ") AS ?sources) WHERE {{
  ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o FILTER(STRSTARTS(STR(?st), "{BASE}{kind}/"))
  OPTIONAL {{ ?st <{PREFIXES["aiw"]}basis> ?basis }} OPTIONAL {{ ?st <{PREFIXES["aiw"]}quote> ?q }}
  OPTIONAL {{ ?st skos:editorialNote ?n }} OPTIONAL {{ ?st dcterms:source ?src }}
}} GROUP BY ?st ?s ?p ?o ?basis ORDER BY ?st""").rows:
        slug = st.value.rsplit("/", 1)[1]
        cited = ", ".join(pages.term_link(x) for x in sources.value.split()) if sources and sources.value else ""
        rows.append(f'<tr id="{esc(slug)}"><td>{pages.term_link(s.value)}</td>'
                    f"<td>{esc(pages.predicate_label(p.value))}</td><td>{pages.term_link(o.value)}</td>"
                    f"<td>{esc(pages.predicate_label(basis.value)) if basis else ''}</td>"
                    f"<td>{'<q>' + esc(quote.value) + '</q>' if quote else ''}{esc(note.value) if note else ''}</td>"
                    f"<td>{cited}</td></tr>")
    title = f"{kind.capitalize()} ({len(members)} statements)"
    body = (f'<article class="index"><h1>{esc(title)}</h1><p class="iri">Every statement below '
            f"<code>{esc(BASE + kind + '/')}</code>: the provenance of one link of the graph, anchored by its name."
            '</p><table class="facts"><thead><tr><th scope="col">subject</th><th scope="col">property</th>'
            '<th scope="col">object</th><th scope="col">basis</th><th scope="col">passage or note</th>'
            f'<th scope="col">source</th></tr></thead><tbody>{"".join(rows)}</tbody></table></article>')
    return page(f"{title} - aiworkforce", body, links=links, lang=lang)


def _queries(links: SiteLinks, lang: str) -> bytes:
    items = []
    for q in catalogue().values():
        params = "".join(
            f"<li><code>{esc(p.name)}</code> ({esc(p.kind)}, {'required' if p.required else 'optional'}"
            f"{', default ' + esc(p.default) if p.default is not None else ''}): {esc(p.description)}"
            f"{' e.g. <code>' + esc(p.example) + '</code>' if p.example else ''}</li>" for p in q.params)
        items.append(f'<section class="query" id="{esc(q.name)}"><h2><code>{esc(q.name)}</code>: {esc(q.summary)}</h2>'
                     f"<p>{esc(q.description)}</p>"
                     + (f"<h3>Parameters</h3><ul>{params}</ul>" if params else "<p>No parameters.</p>")
                     + f"<p>Run it: <code>aiworkforce query {esc(q.name)}</code></p>"
                     f"<details><summary>SPARQL</summary><pre><code>{esc(q.text)}</code></pre></details></section>")
    body = (f'<article class="index"><h1>Stored queries ({len(items)})</h1><p>The questions the graph answers '
            "out of the box, each a SPARQL query over the reasoned graph.</p>" + "".join(items) + "</article>")
    return page("Stored queries - aiworkforce", body, links=links, lang=lang)


def _home(engine, kinds: dict, links: SiteLinks, lang: str, downloads: dict[str, str]) -> bytes:
    header: dict[str, list] = {}
    for p, o in engine.query(f"SELECT ?p ?o WHERE {{ <{ONTOLOGY_IRI}> ?p ?o }}").rows:
        header.setdefault(p.value, []).append(o)
    title = pick(header.get(PREFIXES["dcterms"] + "title", []), lang)
    description = pick(header.get(PREFIXES["dcterms"] + "description", []), lang)
    version = next((o.value for o in header.get(PREFIXES["owl"] + "versionIRI", [])), None)
    kinds_html = "".join(f'<li><a href="{esc(links.href(kind + "/index.html"))}">'
                         f'{esc(kind.capitalize() + ("" if kind in links.tables else "s"))}</a> '
                         f"({len(members)})</li>" for kind, members in sorted(
                             kinds.items(), key=lambda kv: (kv[0] not in INDIVIDUAL_KINDS, kv[0])))
    parts = [f'<section class="intro"><h1>{esc(title.value if title else "aiworkforce")}</h1>',
             f"<p>{esc(description.value) if description else ''}</p>",
             f"<p>Ontology IRI: <code>{esc(ONTOLOGY_IRI)}</code>"
             + (f"; this version: <code>{esc(version)}</code>" if version else "") + "</p></section>",
             '<section id="contents"><h2>Contents</h2><ul>'
             f'<li><a href="{esc(links.href("ontology.html"))}">The ontology</a>: every class and property</li>'
             f'<li><a href="{esc(links.href("queries.html"))}">Stored queries</a></li>{kinds_html}</ul></section>',
             '<section id="layers"><h2>The layer stack</h2>'
             + _figure(links.href("diagrams/layers.svg"), "The layers of the AI economy, each above the layers it "
                                                          "builds on (see the Layers index).") + "</section>"]
    if downloads:
        rows = "".join(f'<li><a href="{esc(links.href(name))}">{esc(name)}</a>: {esc(what)}</li>'
                       for name, what in downloads.items())
        parts.append(f'<section id="downloads"><h2>Downloads</h2><ul>{rows}</ul></section>')
    return page(f"{title.value if title else 'aiworkforce'} - documentation", "\n".join(parts), links=links, lang=lang)

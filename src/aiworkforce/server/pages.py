"""What the HTTP process serves as it is: the home page, the catalogue as JSON and the static assets, rendered
or read once when the server starts; and the HTML helpers every page uses (:mod:`.termpages` too).
"""

from __future__ import annotations

import html
import json
from importlib import resources
from urllib.parse import quote

from aiworkforce.errors import DataError
from aiworkforce.query.catalogue import catalogue
from aiworkforce.rdf.prefixes import BASE, PREFIXES

__all__ = ["STATIC_TYPES", "catalogue_json", "compact", "esc", "index_page", "load_static", "local_path", "page",
           "term_href"]

#: The static assets (package data in ``aiworkforce/server/web``; no CDN) -> Content-Type.
STATIC_TYPES = {"style.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
                "favicon.svg": "image/svg+xml"}


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def local_path(iri: str) -> str | None:
    """The path on this server of an IRI below the project's base (``/role/ml-engineer``), else None."""
    if iri.startswith(BASE) and len(iri) > len(BASE):
        return "/" + iri[len(BASE):]
    return None


def term_href(iri: str) -> str:
    """Where a term's page lives on this server: its own path, or /describe?iri=... for other IRIs."""
    return local_path(iri) or "/describe?iri=" + quote(iri, safe="")


def compact(iri: str) -> str:
    best = None
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and (best is None or len(namespace) > len(best[1])):
            best = (prefix, namespace)
    if best and all(c.isalnum() or c in "-_." for c in iri[len(best[1]):]) and len(iri) > len(best[1]):
        return f"{best[0]}:{iri[len(best[1]):]}"
    return iri


def page(title: str, body: str, *, alternate: str | None = None) -> bytes:
    alt = ""
    if alternate:
        alt = f'\n<link rel="alternate" type="text/turtle" href="{esc(alternate)}">'
    prefixes = esc(json.dumps({"base": BASE, "prefixes": PREFIXES}))
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<link rel="stylesheet" href="/static/style.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">{alt}
<script src="/static/app.js" defer></script>
</head>
<body data-config="{prefixes}">
<header class="site"><a class="brand" href="/">aiworkforce</a>
<nav><a href="/#queries">Stored queries</a> <a href="/#sparql">SPARQL</a> <a href="/ontology">Ontology</a>
<a href="/api/queries">API</a></nav></header>
<main>
{body}
</main>
<footer class="site">The AI workforce knowledge graph. Data: CC BY 4.0. SPARQL endpoint: <code>/sparql</code></footer>
</body>
</html>
""".encode()


_DEFAULT_SPARQL = """PREFIX aiw: <https://w3id.org/aiworkforce/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?role ?name WHERE {
  ?role a aiw:Role ; skos:prefLabel ?name .
  FILTER (LANG(?name) = "en")
}
ORDER BY ?name
LIMIT 20"""


def index_page() -> bytes:
    """The home page: every stored query with its parameters and a Run button, and a free SPARQL box."""
    items = []
    for q in catalogue().values():
        inputs = []
        for p in q.params:
            what = p.description or p.kind
            need = "required" if p.required else "optional"
            default = f"; default {p.default}" if p.default is not None else ""
            inputs.append(
                f'<label class="param"><span class="name">{esc(p.name)}</span>'
                f'<input type="text" name="{esc(p.name)}" placeholder="{esc(p.example or "")}"'
                f'{" required" if p.required else ""} autocomplete="off">'
                f'<small>{esc(what)} ({need}{esc(default)})</small></label>'
            )
        params = "\n".join(inputs) or '<p class="noparams">No parameters.</p>'
        tags = " ".join(f'<span class="tag">{esc(t)}</span>' for t in q.tags)
        items.append(f"""<details class="query" id="q-{esc(q.name)}" data-query="{esc(q.name)}">
<summary><code class="qname">{esc(q.name)}</code> <span class="summary">{esc(q.summary)}</span></summary>
<div class="body">
<p class="description">{esc(q.description)}</p>
<p class="tags">{tags}</p>
<form class="run" method="get" action="/api/query/{esc(q.name)}" data-query="{esc(q.name)}">
{params}
<button type="submit" class="run-button">Run</button>
</form>
<div class="result" aria-live="polite"></div>
</div>
</details>""")
    body = f"""<section class="intro">
<h1>Ask the AI workforce graph</h1>
<p>Layers of AI work, the roles in each, the skills they need, where they overlap and the concerns they
address. Open a stored query, fill in its parameters (a title, slug, CURIE or IRI) and press Run, or write
your own SPARQL below. Every term links to its own page.</p>
</section>
<section id="queries">
<h2>Stored queries</h2>
{chr(10).join(items)}
</section>
<section id="sparql">
<h2>Your own SPARQL</h2>
<p>Read-only: SELECT, ASK, CONSTRUCT or DESCRIBE over the reasoned graph. The project's prefixes
(<code>aiw:</code>, <code>role:</code>, <code>skos:</code>, ...) are predeclared.</p>
<form id="sparql-form" method="post" action="/sparql">
<textarea name="query" rows="9" spellcheck="false">{esc(_DEFAULT_SPARQL)}</textarea>
<button type="submit">Run query</button>
</form>
<div class="result" id="sparql-result" aria-live="polite"></div>
</section>"""
    return page("aiworkforce: ask the AI workforce graph", body)


def catalogue_json() -> list[dict]:
    """The stored queries as JSON-ready dicts (the shape of ``aiworkforce queries --format json``)."""
    return [{"name": q.name, "summary": q.summary, "description": q.description, "tags": list(q.tags),
             "params": [{"name": p.name, "kind": p.kind, "class": p.cls, "required": p.required,
                         "default": p.default, "example": p.example, "description": p.description}
                        for p in q.params]}
            for q in catalogue().values()]


def load_static() -> dict[str, bytes]:
    """The static assets by name, read from the package data."""
    folder = resources.files("aiworkforce.server").joinpath("web")
    out = {}
    for name in STATIC_TYPES:
        try:
            out[name] = folder.joinpath(name).read_bytes()
        except OSError:
            raise DataError(f"the web asset aiworkforce/server/web/{name} is missing",
                            hint="reinstall aiworkforce") from None
    return out

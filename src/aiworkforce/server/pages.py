"""What the HTTP process serves as it is: the home page, the catalogue as JSON and the static assets, rendered
or read once when the server starts. The HTML helpers every page uses live in :mod:`aiworkforce.present.html`
(shared with the static docs site); they are re-exported here for the server's modules.
"""

from __future__ import annotations

import json
from importlib import resources

from aiworkforce.errors import DataError
from aiworkforce.query.catalogue import catalogue
from aiworkforce.present.html import SERVER_LINKS, compact, esc, local_path, page

__all__ = ["EDITOR_FILES", "STATIC_TYPES", "catalogue_json", "compact", "esc", "index_page", "load_static", "local_path", "page",
           "term_href"]

#: The static assets (package data in ``aiworkforce/server/web``; no CDN) -> Content-Type.
STATIC_TYPES = {"style.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
                "favicon.svg": "image/svg+xml", "vendor/yasgui.min.js": "text/javascript; charset=utf-8",
                "vendor/yasgui.min.css": "text/css; charset=utf-8"}
#: The YASGUI editor's files, vendored at build time by tools/vendor-yasgui.sh; without them the page falls back
#: to a plain text box.
EDITOR_FILES = ("vendor/yasgui.min.js", "vendor/yasgui.min.css")


#: Where the server's links point (every term at the path of its IRI): the shared renderer's server layout.
term_href = SERVER_LINKS.term


_DEFAULT_SPARQL = """PREFIX aiw: <https://w3id.org/aiworkforce/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?role ?name WHERE {
  ?role a aiw:Role ; skos:prefLabel ?name .
  FILTER (LANG(?name) = "en")
}
ORDER BY ?name
LIMIT 20"""


def index_page(editor: bool = False) -> bytes:
    """The home page: every stored query with its parameters and a Run button, and a free SPARQL box: the YASGUI
    editor when ``editor`` (its vendored files are there), with every stored query as an example to open in
    it; else a plain text box, and the page says why."""
    items = []
    queries = catalogue().values()
    for q in queries:
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
        open_button = f' <button type="button" class="open-in-editor" data-query="{esc(q.name)}">Open in editor</button>'
        tags = " ".join(f'<span class="tag">{esc(t)}</span>' for t in q.tags)
        items.append(f"""<details class="query" id="q-{esc(q.name)}" data-query="{esc(q.name)}">
<summary><code class="qname">{esc(q.name)}</code> <span class="summary">{esc(q.summary)}</span></summary>
<div class="body">
<p class="description">{esc(q.description)}</p>
<p class="tags">{tags}</p>
<form class="run" method="get" action="/api/query/{esc(q.name)}" data-query="{esc(q.name)}">
{params}
<button type="submit" class="run-button">Run</button>{open_button if editor else ""}
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
{_editor(queries) if editor else _PLAIN_EDITOR}
</section>"""
    head = "".join(f'\n<link rel="stylesheet" href="/static/{f}">' for f in EDITOR_FILES if f.endswith(".css"))
    head += "".join(f'\n<script src="/static/{f}" defer></script>' for f in EDITOR_FILES if f.endswith(".js"))
    return page("aiworkforce: ask the AI workforce graph", body, head=head if editor else "")


_PLAIN_EDITOR = f"""<p class="note" id="editor-missing">The YASGUI query editor is not installed in this copy of aiworkforce
(its files are vendored at build time by <code>tools/vendor-yasgui.sh</code>, which needs npm), so a plain text
box stands in for it.</p>
<form id="sparql-form" method="post" action="/sparql">
<textarea name="query" rows="9" spellcheck="false" aria-label="SPARQL query">{esc(_DEFAULT_SPARQL)}</textarea>
<button type="submit">Run query</button>
</form>
<div class="result" id="sparql-result" aria-live="polite"></div>"""


def _editor(queries) -> str:
    """The YASGUI editor's mount point, with the stored queries as examples (a JSON data block, not a script)."""
    examples = [{"name": "example", "summary": "Roles and their titles", "text": _DEFAULT_SPARQL}]
    examples += [{"name": q.name, "summary": q.summary, "text": q.text} for q in queries]
    data = json.dumps(examples, ensure_ascii=False).replace("<", "\\u003c")
    options = "".join(f'<option value="{esc(e["name"])}">{esc(e["name"])}: {esc(e["summary"])}</option>'
                      for e in examples)
    return f"""<p><label for="example-select">Open an example (every stored query is one)</label>
<select id="example-select">{options}</select></p>
<div id="yasgui" data-endpoint="/sparql"></div>
<script type="application/json" id="stored-queries">{data}</script>"""


def catalogue_json() -> list[dict]:
    """The stored queries as JSON-ready dicts (the shape of ``aiworkforce queries --format json``)."""
    return [{"name": q.name, "summary": q.summary, "description": q.description, "tags": list(q.tags),
             "params": [{"name": p.name, "kind": p.kind, "class": p.cls, "required": p.required,
                         "default": p.default, "example": p.example, "description": p.description}
                        for p in q.params]}
            for q in catalogue().values()]


def load_static() -> dict[str, bytes]:
    """The static assets by name, read from the package data (the editor's files only when vendored)."""
    folder = resources.files("aiworkforce.server").joinpath("web")
    out = {}
    for name in STATIC_TYPES:
        try:
            out[name] = folder.joinpath(name).read_bytes()
        except OSError:
            if name in EDITOR_FILES:
                continue
            raise DataError(f"the web asset aiworkforce/server/web/{name} is missing",
                            hint="reinstall aiworkforce") from None
    return out

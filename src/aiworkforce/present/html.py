"""The HTML every page is made of, for the server and the static docs site alike: escaping, CURIEs, the page
shell, and :class:`Links`, which says where a page lives (the server's absolute paths, or the static site's relative
file names), so that one renderer (:mod:`.termpage`) serves both.

Languages: :func:`pick` is the one place a label or definition is chosen by language (``lang``, then English,
then an untagged literal, then any), for every page.
"""

from __future__ import annotations

import html
import json
import posixpath
from dataclasses import dataclass, replace
from functools import lru_cache
from urllib.parse import quote, urlencode

from aiworkforce.rdf.labels import DEFAULT_LANGUAGE, choose
from aiworkforce.rdf.prefixes import BASE, PREFIXES

__all__ = ["SERVER_LINKS", "Links", "SiteLinks", "compact", "esc", "local_path", "page", "pick"]


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def pick(literals, lang: str = DEFAULT_LANGUAGE):
    """The literal (a :class:`~aiworkforce.rdf.terms.Term`) to show a reader of ``lang``: one tagged ``lang``, else
    English, else untagged, else any; None for none (:func:`aiworkforce.rdf.labels.choose`, the one fallback)."""
    return choose(literals, lang, any_language=True)


def local_path(iri: str) -> str | None:
    """The path of an IRI below the project's base (``/role/ml-engineer``), else None."""
    if iri.startswith(BASE) and len(iri) > len(BASE):
        return "/" + iri[len(BASE):]
    return None


@lru_cache(maxsize=65536)
def compact(iri: str) -> str:
    best = None
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and (best is None or len(namespace) > len(best[1])):
            best = (prefix, namespace)
    if best and all(c.isalnum() or c in "-_." for c in iri[len(best[1]):]) and len(iri) > len(best[1]):
        return f"{best[0]}:{iri[len(best[1]):]}"
    return iri


@dataclass(frozen=True)
class Links:
    """Where things live on the server: every term at the path of its IRI, other IRIs on /describe."""

    #: the site's navigation: (label, path from the site's root) pairs
    nav: tuple[tuple[str, str], ...] = (("Stored queries", "#queries"), ("SPARQL", "#sparql"),
                                        ("Ontology", "ontology"), ("API", "api/queries"))
    footer: str = "The AI workforce knowledge graph. Data: CC BY 4.0. SPARQL endpoint: <code>/sparql</code>"
    scripts: tuple[str, ...] = ("app.js",)
    live: bool = True  # a server answers: /explain, ?format=ttl, /describe

    def home(self) -> str:
        return "/"

    def static(self, name: str) -> str:
        return "/static/" + name

    def term(self, iri: str) -> str:
        return local_path(iri) or "/describe?iri=" + quote(iri, safe="")

    def rdf(self, iri: str) -> str | None:
        """The term's own Turtle document."""
        href = self.term(iri)
        return href + ("&" if "?" in href else "?") + "format=ttl"

    def explain(self, s: str, p: str, o: str) -> str | None:
        return "/explain?" + urlencode({"s": s, "p": p, "o": o})

    def href(self, path: str) -> str:
        """A page of the site by its path from the root (``ontology``, ``index.html#queries``)."""
        return "/" + path


SERVER_LINKS = Links()


@dataclass(frozen=True)
class SiteLinks(Links):
    """Where things live in the static site, relative to the page at ``here`` (a path from the site's root, like
    ``role/ml-engineer.html``): each term at its IRI's path plus ``.html``; IRIs outside the base link out."""

    here: str = "index.html"
    #: kinds (``evidence``) whose terms are rows of one table, ``KIND/index.html#SLUG``, not pages of their own
    tables: frozenset[str] = frozenset()
    #: IRIs without a page of their own -> the page (a path from the root) that stands for them, as the version IRI
    #: stands for the ontology's page
    aliases: tuple[tuple[str, str], ...] = ()
    nav: tuple[tuple[str, str], ...] = ()
    footer: str = "The AI workforce knowledge graph. Data: CC BY 4.0."
    scripts: tuple[str, ...] = ()
    live: bool = False

    def at(self, here: str) -> SiteLinks:
        return replace(self, here=here)

    def _rel(self, path: str) -> str:
        """``path`` (from the site's root) relative to this page: up to the root, then down."""
        if path.startswith("#"):
            return posixpath.basename(self.here) + path
        return "../" * self.here.count("/") + path

    def home(self) -> str:
        return self._rel("index.html")

    def static(self, name: str) -> str:
        return self._rel("static/" + name)

    def term(self, iri: str) -> str:
        path = local_path(iri)
        if path is None:
            return iri
        alias = dict(self.aliases).get(iri)
        if alias:
            return self._rel(alias)
        path, hashmark, fragment = path[1:].partition("#")
        kind, slash, slug = path.partition("/")
        if slash and kind in self.tables:
            return self._rel(f"{kind}/index.html#{slug}")
        return self._rel(path + ".html" + (hashmark + fragment))

    def rdf(self, iri: str) -> str | None:
        path = local_path(iri)
        if path is None or "#" in path:
            return None
        kind, slash, _ = path[1:].partition("/")
        return self._rel((kind if slash and kind in self.tables else path[1:]) + ".ttl")

    def explain(self, s: str, p: str, o: str) -> str | None:
        return None

    def href(self, path: str) -> str:
        return self._rel(path)


def page(title: str, body: str, *, alternate: str | None = None, links: Links = SERVER_LINKS,
         lang: str = DEFAULT_LANGUAGE, head: str = "") -> bytes:
    """A whole HTML page; ``head``: more elements for its head (the query editor's stylesheet and script)."""
    alt = head
    if alternate:
        alt += f'\n<link rel="alternate" type="text/turtle" href="{esc(alternate)}">'
    scripts = "".join(f'\n<script src="{esc(links.static(s))}" defer></script>' for s in links.scripts)
    config = f' data-config="{esc(json.dumps({"base": BASE, "prefixes": PREFIXES}))}"' if links.live else ""
    nav = "\n".join(f'<a href="{esc(links.href(path))}">{esc(label)}</a>' for label, path in links.nav)
    return f"""<!doctype html>
<html lang="{esc(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<link rel="stylesheet" href="{esc(links.static('style.css'))}">
<link rel="icon" href="{esc(links.static('favicon.svg'))}" type="image/svg+xml">{alt}{scripts}
</head>
<body{config}>
<header class="site"><a class="brand" href="{esc(links.home())}">aiworkforce</a>
<nav aria-label="site">{nav}</nav></header>
<main>
{body}
</main>
<footer class="site">{links.footer}</footer>
</body>
</html>
""".encode()

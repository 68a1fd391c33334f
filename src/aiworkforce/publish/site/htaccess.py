"""w3id-style redirect rules for Apache httpd (``.htaccess``, mod_rewrite) with content negotiation.

Served as the folder behind https://w3id.org/aiworkforce/ (by a w3id redirect to its host, or directly), the
rules answer each term IRI ``KIND/SLUG`` and the ontology IRI with ``303 See Other`` to the document that
describes it, chosen by the ``Accept`` header: Turtle, JSON-LD, RDF/XML or N-Triples when the client asks for
one (and does not refuse it with ``q=0``, nor put HTML first), otherwise the HTML page. The version IRI
(``ontology/VERSION``) resolves the same way to that release's graph files. Redirects are built from the
request's own path, so the folder works at any mount point, and mod_rewrite adds ``Vary: Accept`` itself.
Needs ``AllowOverride FileInfo Indexes Options=MultiViews`` (mod_rewrite, mod_mime, mod_dir; mod_headers for
``Vary: Accept`` on the redirects).
"""

from __future__ import annotations

import re

from aiworkforce.rdf.formats import EXPORT_SYNTAXES, by_name

__all__ = ["RDF_SUFFIXES", "htaccess"]

#: The per-term RDF documents: file suffix -> (present.sparql_results.serialize_graph format, media type).
_SERIALIZERS = {"ttl": "turtle", "jsonld": "jsonld", "xml": "rdfxml", "nt": "nt"}
#: In the order content negotiation prefers them when a client accepts several.
RDF_SUFFIXES = {by_name(n).suffixes[0]: (_SERIALIZERS[n], by_name(n).media_type) for n in ("ttl", "jsonld", "xml", "nt")}
assert set(_SERIALIZERS) == set(EXPORT_SYNTAXES)

_HTML_FIRST = r"^\s*(text/html|application/xhtml\+xml)"


def _accepts(media: str) -> list[str]:
    m = re.escape(media).replace("/", "/")
    return [f"RewriteCond %{{HTTP_ACCEPT}} {m}", f"RewriteCond %{{HTTP_ACCEPT}} !{m}\\s*;\\s*q=0(\\.0*)?\\s*(,|$)",
            f"RewriteCond %{{HTTP_ACCEPT}} !{_HTML_FIRST}"]


def htaccess(kinds: list[str], tables: list[str], *, graph_files: dict[str, str]) -> str:
    """The rules for the term IRIs of ``kinds`` (``role``, ``skill``...) and the ontology, each with a page and RDF
    documents of its own; the IRIs of ``tables`` (``evidence``) resolve to their kind's table (``KIND/index.html``,
    at the row of the slug) and the kind's RDF documents (``KIND.ttl``...). ``graph_files`` (the release's file names)
    makes the version IRI resolve to them: ``aiworkforce-VERSION-base.SUFFIX``."""
    lines = ["# aiworkforce: w3id-style redirect rules with content negotiation (written by aiworkforce docs/release).",
             "# Every term IRI answers 303 See Other to its description: HTML by default, RDF when asked for.",
             "# Slugs never hold a dot, so KIND/SLUG.ttl and the other documents are served as they are.",
             "Options -MultiViews", "DirectoryIndex index.html", "AddDefaultCharset utf-8",
             "<IfModule mod_headers.c>", "  Header always merge Vary Accept env=AIW_NEGOTIATED", "</IfModule>"]
    lines += [f"AddType {media} {suffix}" for suffix, (_, media) in RDF_SUFFIXES.items()]
    lines += ["", "RewriteEngine On", ""]
    terms = "(?:" + "|".join(re.escape(k) for k in kinds) + r")/[A-Za-z0-9_~-]+"
    versions = sorted({m.group(1) for f in graph_files if (m := re.fullmatch(r"aiworkforce-(.+)-base\.\w+", f))})
    for version in versions:
        lines.append(f"# the version IRI ontology/{version}: this release's asserted graph, or the ontology's page")
        for suffix, (_, media) in RDF_SUFFIXES.items():
            name = f"aiworkforce-{version}-base{suffix}"
            if name in graph_files:
                lines += _accepts(media)
                lines += [r"RewriteCond %{REQUEST_URI} ^(.*/)ontology/" + re.escape(version) + "$",
                          f"RewriteRule ^ontology/{re.escape(version)}$ %1{name} [R=303,L,E=AIW_NEGOTIATED:1]"]
        lines += [r"RewriteCond %{REQUEST_URI} ^(.*/)ontology/" + re.escape(version) + "$",
                  f"RewriteRule ^ontology/{re.escape(version)}$ %1ontology.html [R=303,L,E=AIW_NEGOTIATED:1]", ""]
    lines.append("# each term (KIND/SLUG) and the ontology: its own RDF document, or its page")
    for suffix, (_, media) in RDF_SUFFIXES.items():
        lines += _accepts(media)
        lines += [r"RewriteCond %{REQUEST_URI} ^(.*)$", f"RewriteRule ^({terms}|ontology)$ %1{suffix} [R=303,L,E=AIW_NEGOTIATED:1]"]
    lines += [r"RewriteCond %{REQUEST_URI} ^(.*)$", f"RewriteRule ^({terms}|ontology)$ %1.html [R=303,L,E=AIW_NEGOTIATED:1]", ""]
    for kind in tables:
        k = re.escape(kind)
        lines.append(f"# {kind}/SLUG: a row of the {kind} table, or the {kind} documents holding every statement")
        for suffix, (_, media) in RDF_SUFFIXES.items():
            lines += _accepts(media)
            lines += [r"RewriteCond %{REQUEST_URI} ^(.*/)" + k + "/[^/]+$",
                      f"RewriteRule ^{k}/[A-Za-z0-9_~-]+$ %1{kind}{suffix} [R=303,L,E=AIW_NEGOTIATED:1]"]
        lines += [r"RewriteCond %{REQUEST_URI} ^(.*/)" + k + "/([^/]+)$",
                  f"RewriteRule ^{k}/[A-Za-z0-9_~-]+$ %1{kind}/index.html#%2 [R=303,NE,L,E=AIW_NEGOTIATED:1]", ""]
    return "\n".join(lines) + "\n"

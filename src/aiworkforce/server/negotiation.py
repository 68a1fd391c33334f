"""Content negotiation: the media types the endpoint offers, and which one an ``Accept`` header prefers.

The tables map each media type (server preference first) to the format name that
:mod:`aiworkforce.present.sparql_results` writes.
"""

from __future__ import annotations

from functools import lru_cache

import mimeparse

from aiworkforce.publish.openapi import API_RESULT_TYPES

__all__ = ["API_TYPES", "GRAPH_TYPES", "HTML_TYPES", "RESULT_TYPES", "TERM_FORMATS", "negotiate", "with_charset"]

#: SELECT/ASK result media types (server preference first) -> result format.
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
#: CONSTRUCT/DESCRIBE media types (server preference first) -> RDF syntax.
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/turtle": "turtle",
    "application/x-turtle": "turtle",
    "text/n3": "turtle",
    "text/plain": "nt",
    "application/json": "jsonld",
    "application/xml": "rdfxml",
    "text/xml": "rdfxml",
}
#: What ``/api/query/NAME`` answers (server preference first) -> result format (``doc``: the project's JSON).
API_TYPES = API_RESULT_TYPES
HTML_TYPES = {"text/html": "html", "application/xhtml+xml": "html"}
#: ``?format=`` on term pages (for people following a link) -> media type.
TERM_FORMATS = {"html": "text/html", "ttl": "text/turtle", "turtle": "text/turtle", "nt": "application/n-triples",
                "jsonld": "application/ld+json", "xml": "application/rdf+xml", "rdfxml": "application/rdf+xml"}


def negotiate(accept: str | None, offers) -> str | None:
    """The offered media type the ``Accept`` header prefers (python-mimeparse: highest quality, then the most
    specific match; ties go to the first offer); None if none is acceptable or the header is malformed.

    No ``Accept`` header means anything is acceptable: the first offer.
    """
    return _negotiate(accept or "", tuple(offers))


@lru_cache(maxsize=512)  # clients repeat the same Accept headers, and mimeparse takes ~0.1 ms per call
def _negotiate(accept: str, offers: tuple[str, ...]) -> str | None:
    if not accept.strip():
        return offers[0] if offers else None
    try:
        return mimeparse.best_match(offers[::-1], accept) or None  # mimeparse prefers the last of equals
    except (ValueError, mimeparse.MimeTypeParseException):
        return None


def with_charset(media: str) -> str:
    """The Content-Type of ``media``: text and XML types say they are UTF-8."""
    return f"{media}; charset=utf-8" if media.startswith("text/") or media.endswith("/xml") else media

"""Content negotiation: the media types the endpoint offers, and which one an ``Accept`` header prefers.

The tables map each media type (server preference first) to the format name that
:mod:`aiworkforce.present.sparql_results` writes.
"""

from __future__ import annotations

__all__ = ["GRAPH_TYPES", "HTML_TYPES", "RESULT_TYPES", "TERM_FORMATS", "negotiate", "with_charset"]

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
HTML_TYPES = {"text/html": "html", "application/xhtml+xml": "html"}
#: ``?format=`` on term pages (for people following a link) -> media type.
TERM_FORMATS = {"html": "text/html", "ttl": "text/turtle", "turtle": "text/turtle", "nt": "application/n-triples",
                "jsonld": "application/ld+json", "xml": "application/rdf+xml", "rdfxml": "application/rdf+xml"}


def _parse_accept(header: str) -> list[tuple[str, float]]:
    ranges = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        if media == "*":
            media = "*/*"
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(offer: str, ranges: list[tuple[str, float]]) -> float:
    kind = offer.split("/", 1)[0]
    best, quality = -1, 0.0
    for media, q in ranges:
        if media == offer:
            specificity = 2
        elif media == f"{kind}/*":
            specificity = 1
        elif media == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best:
            best, quality = specificity, q
    return quality


def negotiate(accept: str | None, offers) -> str | None:
    """The offered media type the ``Accept`` header prefers (ties: the first offer); None if none is acceptable.

    No ``Accept`` header means anything is acceptable: the first offer.
    """
    offers = list(offers)
    if not accept or not accept.strip():
        return offers[0] if offers else None
    ranges = _parse_accept(accept)
    chosen, chosen_q = None, 0.0
    for offer in offers:
        q = _quality(offer, ranges)
        if q > chosen_q:
            chosen, chosen_q = offer, q
    return chosen


def with_charset(media: str) -> str:
    """The Content-Type of ``media``: text and XML types say they are UTF-8."""
    return f"{media}; charset=utf-8" if media.startswith("text/") or media.endswith("/xml") else media

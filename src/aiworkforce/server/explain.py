"""``/explain?s=IRI&p=IRI&o=IRI``: why an inferred fact holds, as an HTML tree or (by content negotiation) JSON.

Term pages link each inferred fact here. The derivation comes from a traced run of the compiled rules
(:mod:`aiworkforce.reasoning.explain`) over the graph the server was started with, built on the first request
and kept (a few seconds on the shipped graph), in the server process: the query workers only hold the closure.
"""

from __future__ import annotations

import threading

from aiworkforce.errors import AiworkforceError, NotEntailedError
from aiworkforce.present.explain import explanation_json, show_term
from aiworkforce.present.html import SERVER_LINKS
from aiworkforce.rdf.terms import IRI_FORBIDDEN, Term
from aiworkforce.server.negotiation import negotiate
from aiworkforce.server.pages import esc, page, term_href
from aiworkforce.server.reply import Reply, json_reply

__all__ = ["Explainer", "explain_href"]

_TYPES = ("text/html", "application/xhtml+xml", "application/json")


#: The link to the explanation of the triple ``s p o`` (IRIs), as term pages make it.
explain_href = SERVER_LINKS.explain


class Explainer:
    """Answers ``/explain`` for one graph; the traced run is built once, on first use, under a lock."""

    def __init__(self, graph) -> None:
        self.graph = graph
        self._provenance = None
        self._lock = threading.Lock()

    def provenance(self):
        with self._lock:
            if self._provenance is None:
                from aiworkforce.reasoning.explain import trace  # rdflib and owlrl: only when a page asks

                self._provenance = trace(self.graph.asserted)
            return self._provenance

    def reply(self, params: dict[str, list[str]], accept: str | None) -> Reply:
        forced = params.get("format", [None])[-1]
        if forced not in (None, "html", "json"):
            return json_reply(400, {"error": f"unknown format {forced!r}; use html or json", "hint": None})
        media = {"html": "text/html", "json": "application/json"}.get(forced) or negotiate(accept, _TYPES)
        if media is None:
            return json_reply(406, {"error": f"Accept one of: {', '.join(_TYPES)}", "hint": None})
        as_json = media == "application/json"
        values = [params.get(k, []) for k in ("s", "p", "o")]
        if any(len(v) != 1 or not v[0] or IRI_FORBIDDEN.search(v[0]) or ":" not in v[0] for v in values):
            return _error(400, "give one absolute IRI each as s, p and o: /explain?s=...&p=...&o=...", None, as_json)
        try:
            explanation = self.provenance().explain(*(Term.iri(v[0]) for v in values))
        except NotEntailedError as exc:
            return _error(404, exc.message, exc.hint, as_json)
        except AiworkforceError as exc:  # the graph's closure comes from owlrl: no derivation to show
            return _error(422, exc.message, exc.hint, as_json)
        headers = {"Vary": "Accept"}
        if as_json:
            return json_reply(200, explanation_json(explanation), headers)
        return Reply(200, "text/html; charset=utf-8", _html(explanation), headers)


def _error(status: int, message: str, hint: str | None, as_json: bool) -> Reply:
    if as_json:
        return json_reply(status, {"error": message, "hint": hint})
    body = f'<article class="term"><h1>No explanation</h1><p>{esc(message)}</p></article>'
    return Reply(status, "text/html; charset=utf-8", page("No explanation - aiworkforce", body), {"Vary": "Accept"})


def _html_term(term: Term, descriptions: dict) -> str:
    text = esc(show_term(term, descriptions))
    return f'<a href="{esc(term_href(term.value))}">{text}</a>' if term.is_iri else text


def _html_node(node, descriptions: dict) -> str:
    triple = " ".join(_html_term(t, descriptions) for t in node.triple)
    if node.asserted:
        why = '<span class="rule asserted">asserted</span>'
    else:
        step = "" if node.in_closure else " (an intermediate step)"
        why = f'<span class="rule">{esc(node.rule)}</span>{step}'
    children = "".join(f"<li>{_html_node(p, descriptions)}</li>" for p in node.premises)
    return f'<span class="triple">{triple}</span> {why}' + (f"<ul>{children}</ul>" if children else "")


def _html(explanation) -> bytes:
    d = explanation.descriptions
    title = " ".join(show_term(t, d) for t in explanation.triple)
    lead = ("It is asserted: stated in the graph, not inferred." if explanation.asserted else
            "Derived by OWL 2 RL reasoning: each step names the rule that fired and its premises, down to asserted "
            "triples.")
    body = (f'<article class="term explanation"><h1>Why: {esc(title)}</h1><p>{esc(lead)}</p>'
            f'<ul class="derivation"><li>{_html_node(explanation.derivation, d)}</li></ul>'
            f'<p class="formats">As JSON: <code>curl -H "Accept: application/json" ...</code></p></article>')
    return page(f"Why {title} - aiworkforce", body)

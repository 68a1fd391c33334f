"""Shell completion of stored-query parameters: the ``-p`` keys a query declares and the terms a key takes.

Completion runs on every Tab, so it stays cheap: parameter names come from the query's ``#+`` header
(:mod:`.catalogue`), term names from the same label index ``-p`` values are resolved against
(:mod:`.resolve`), over the cached closure in pyoxigraph; rdflib is never imported.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiworkforce.errors import AiworkforceError
from aiworkforce.query.catalogue import get_query
from aiworkforce.query.resolve import _candidates, expand_curie, normalise

__all__ = ["Completion", "complete_param"]

#: the most terms offered at once (a shell lists them all; more than this is noise)
MAX_COMPLETIONS = 60


@dataclass(frozen=True)
class Completion:
    value: str  # what the shell inserts
    help: str = ""  # what zsh and fish show beside it


def complete_param(query_name: str, typed: str, graph=None, *, given=()) -> list[Completion]:
    """Completions of ``-p typed`` for the stored query ``query_name``.

    Before ``=``: the query's parameters not already ``given`` (``role=``, with their descriptions). After it:
    a literal parameter's allowed values, or the terms of the parameter's class: by slug where the slug starts
    with what was typed, else by the title or alternative title that starts with it (any case), each with
    its label. ``graph`` (a
    :class:`~aiworkforce.graph.KnowledgeGraph`) is only used, and only needed, for term parameters."""
    try:
        query = get_query(query_name)
    except AiworkforceError:
        return []
    key, sep, value = typed.partition("=")
    if not sep:
        return [Completion(f"{p.name}=", p.description) for p in query.params
                if p.name.startswith(key) and p.name not in given]
    param = query.param(key)
    if param is None:
        return []
    if param.kind == "literal":
        return [Completion(f"{key}={v}") for v in param.values if v.startswith(value)]
    if param.kind != "term" or graph is None:
        return []
    cls = expand_curie(param.cls) if param.cls else None
    start = normalise(value)
    found: dict[str, Completion] = {}
    for c in _candidates(graph.engine("oxigraph"), cls):  # the candidates -p resolves against
        slug = c.term.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        if slug.startswith(value):
            if c.kind == "pref" or slug not in found:
                found[slug] = Completion(f"{key}={slug}", c.label)
        elif start and normalise(c.label).startswith(start):  # a title, completed in the case it was typed
            found.setdefault(c.label, Completion(f"{key}={value}{c.label[len(value):]}", c.label))
    return sorted(found.values(), key=lambda c: c.value)[:MAX_COMPLETIONS]

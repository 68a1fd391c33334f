"""Labels by language, with English as the fallback: the one place that decides which label a reader sees.

The knowledge graph holds exactly one ``skos:prefLabel`` per language for each concept, English always among them
(the shapes require it). :func:`pick_label` chooses among the labels of one term: the one tagged with the reader's
language, else the English one, else none. Stored queries make the same choice in SPARQL with the language bound
as a parameter (``?lang``, a plain literal; see ``queries/*.rq``), so every caller agrees:

* :func:`choose` (the label itself; pages may fall back to any language) and :func:`pick_label` (its text) over
  ``(text, language tag)`` pairs or engine-neutral :class:`~aiworkforce.rdf.terms.Term`
  literals (query results);
* :func:`label_of` over an rdflib graph (the docs site, release files);
* :func:`language_tag` checks and normalises what a user typed (``--lang DE`` -> ``de``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from aiworkforce.errors import UsageError

#: The language every term must carry a label in, and that stands in for any label a language lacks.
DEFAULT_LANGUAGE = "en"

# BCP 47 as RDF 1.1 allows it (the Turtle LANGTAG production): letters, then hyphen-separated letters or digits.
_TAG = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")


def language_tag(value: str) -> str:
    """``value`` as a lower-case language tag (``de``, ``pt-br``); anything else is a :class:`UsageError`."""
    text = value.strip()
    if not _TAG.match(text):
        raise UsageError(f"{value!r} is not a language tag",
                         hint="give a BCP 47 tag such as en, de, es or pt-BR")
    return text.lower()


def _pair(label) -> tuple[str, str]:
    if isinstance(label, tuple):
        text, lang = label
        return str(text), (lang or "").lower()
    return label.value, (getattr(label, "language", None) or "").lower()


def choose(labels: Iterable, lang: str = DEFAULT_LANGUAGE, *, any_language: bool = False):
    """The label, as given, to show a reader of ``lang`` among ``labels``: the one tagged ``lang``, else the English
    one; with ``any_language``, else an untagged one, else any (a page must name its term somehow); else None.

    ``labels`` holds ``(text, language tag)`` pairs or literals with ``.value`` and ``.language`` (engine-neutral
    :class:`~aiworkforce.rdf.terms.Term`, rdflib ``Literal``). Tags compare without case; ``de`` does not match
    ``de-at`` (a regional label is chosen by asking for it). With several candidates in one language (data joined
    from elsewhere may carry them), the alphabetically first is chosen, so the answer never depends on order.
    """
    by_lang: dict[str, list] = {}
    for label in labels:
        text, tag = _pair(label)
        by_lang.setdefault(tag, []).append((text, label))
    order = [lang.lower(), DEFAULT_LANGUAGE] + (["", *sorted(by_lang)] if any_language else [])
    for tag in order:
        if by_lang.get(tag):
            return min(by_lang[tag], key=lambda found: found[0])[1]
    return None


def pick_label(labels: Iterable, lang: str = DEFAULT_LANGUAGE) -> str | None:
    """The text of the label :func:`choose` picks: in ``lang``, else in English, else None."""
    chosen = choose(labels, lang)
    return None if chosen is None else _pair(chosen)[0]


def label_of(graph, subject, lang: str = DEFAULT_LANGUAGE, predicate=None) -> str | None:
    """The ``skos:prefLabel`` (or ``predicate``) of ``subject`` in rdflib ``graph`` chosen by :func:`pick_label`."""
    from rdflib.namespace import SKOS

    return pick_label(graph.objects(subject, predicate if predicate is not None else SKOS.prefLabel), lang)

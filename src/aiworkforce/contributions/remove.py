"""Take merged contributions back out of the knowledge base: the inverse of ``add``.

:func:`remove_contributions` deletes contributed terms from ``ontology/contributions.ttl`` under the same folder
lock as ``add``, with the same atomic replacement and the same deterministic writer, then rebuilds the cached
closure. It only takes back what ``add`` merged: a term of the core modules, or one that other terms still
point at, is refused (exit 2) and nothing is written.

* The statements removed are every statement about the term, and the descriptions of the ISCO-08, ESCO or O*NET
  occupations that only the removed terms aligned to (``add`` merged them together).
* ``force``: also delete the statements of *other contributed terms* that point at the removed ones (for example
  another role's ``overlaps:``). A term that a core module points at can never be removed: the core is edited by
  hand, not by ``remove``.
* ``dry_run``: check everything and say what would be removed, but write nothing.
* ``data``: the files the knowledge base is queried joined with (``query --data``): the cached reasoned store of
  that join is updated incrementally, by delete-and-rederive (:func:`~aiworkforce.reasoning.incremental.shrink_store`),
  as ``add --data`` updates it for additions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

from aiworkforce.contributions.merge import MODULE, render_module, replace_module
from aiworkforce.errors import InputError, UnknownTermError, UsageError
from aiworkforce.graph import KnowledgeGraph
from aiworkforce.query.engines import OxigraphEngine, RdflibEngine
from aiworkforce.query.resolve import resolve
from aiworkforce.rdf.files import folder_lock
from aiworkforce.rdf.load import parse_file
from aiworkforce.rdf.prefixes import BASE, PREFIXES
from aiworkforce.rdf.resources import data_dir
from aiworkforce.rdf.terms import Term, to_rdflib


def _modules(folder: Path) -> OxigraphEngine:
    """Every module of the knowledge-base folder, as asserted, read with pyoxigraph (fast: no rdflib parse)."""
    import pyoxigraph as ox

    store = ox.Store()
    for path in sorted(folder.glob("*.ttl")):
        try:
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
        except (OSError, SyntaxError, ValueError) as exc:
            raise InputError(f"cannot read the knowledge-base module: {exc}", path=path) from None
    return OxigraphEngine.over(store)


@dataclass(frozen=True)
class RemovalResult:
    module: Path
    terms: tuple[str, ...]           # CURIEs of the removed terms
    triples_removed: int
    detached: tuple[str, ...] = ()   # with force: statements of other contributed terms that pointed at them
    dry_run: bool = False


def _curie(node) -> str:
    return Term.iri(str(node)).compact(PREFIXES)


def _contributed_term(text: str, contributed: Graph, core) -> URIRef:
    """The contributed term ``text`` names (title, slug, CURIE or IRI, as ``query -p`` reads them)."""
    try:
        return URIRef(resolve(text, engine=RdflibEngine.over(contributed), within=BASE, what="contributed term").value)
    except UnknownTermError as unknown:
        try:
            term = resolve(text, engine=core, within=BASE)
        except UsageError:
            raise unknown from None
        raise UsageError(f"{_curie(term.value)} is part of the core knowledge base, not a contribution",
                         hint="`remove` only takes back terms merged with `aiworkforce add`; edit ontology/ "
                              "by hand to change the core") from None


def remove_contributions(terms: list[str], *, into: Path | None = None, force: bool = False,
                         dry_run: bool = False, data: Sequence[str | Path] = ()) -> RemovalResult:
    """Remove the contributed ``terms`` from the contributions module of ``into`` (default: the packaged
    ontology folder), atomically; see the module's docstring for ``force``, ``dry_run`` and ``data``."""
    if not terms:
        raise UsageError("no terms given", hint="aiworkforce remove TERM... (a title, slug, CURIE or IRI)")
    shipped = data_dir("ontology")
    folder = Path(into) if into is not None else shipped
    if not sorted(folder.glob("*.ttl")):
        raise UsageError(f"{folder} holds no knowledge-base modules (*.ttl)", hint="point --into at an ontology folder")
    if data and folder.resolve() != shipped.resolve():
        raise UsageError("--data updates the cached graph of the knowledge base the commands read, not of --into",
                         hint="drop --data, or point AIWORKFORCE_ONTOLOGY_DIR at the folder instead of --into")
    module = folder / MODULE
    with folder_lock(folder, what="another `aiworkforce add` or `remove`"):
        contributed = parse_file(module) if module.exists() else Graph()
        core = _modules(folder)
        removed = {_contributed_term(text, contributed, core) for text in terms}
        pointing = sorted({(to_rdflib(s), to_rdflib(p), o) for o in removed
                           for s, p, _ in core.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", {"o": Term.iri(str(o))}).rows
                           if to_rdflib(s) not in removed}, key=str)
        from_core = [t for t in pointing if t not in contributed]
        if from_core or (pointing and not force):
            shown = "; ".join(f"{_curie(s)} {_curie(p)} {_curie(o)}" for s, p, o in pointing[:5])
            more = f" and {len(pointing) - 5} more" if len(pointing) > 5 else ""
            hint = ("the core modules are edited by hand, never by `remove`" if from_core
                    else "remove those statements (or terms) first, or add --force to delete them too")
            raise UsageError(f"other terms still point at what you asked to remove: {shown}{more}", hint=hint)
        drop = Graph()
        for term in removed:
            for triple in contributed.triples((term, None, None)):
                drop.add(triple)
        for triple in pointing:
            drop.add(triple)
        remaining = contributed - drop
        # reference occupations described only for the removed terms' alignments go with them
        for subject in set(remaining.subjects()):
            if not str(subject).startswith(BASE) and (None, None, subject) not in remaining:
                for triple in remaining.triples((subject, None, None)):
                    drop.add(triple)
        remaining = contributed - drop
        if not dry_run:
            joined = KnowledgeGraph(data) if data else None
            previous = joined.cached() if joined else None  # keyed by the knowledge base before the removal

            def refresh() -> None:
                if joined:  # the graph this user queries: its store is updated now; the shipped graph's on first use
                    KnowledgeGraph(data).update(previous, removed=drop)
                elif folder.resolve() == shipped.resolve():
                    KnowledgeGraph().closure()

            # no triples left: back to a knowledge base without contributions, as before the first `add`
            replace_module(module, render_module(remaining) if len(remaining) else None, then=refresh)
    detached = tuple(f"{_curie(s)} {_curie(p)} {_curie(o)}" for s, p, o in pointing)
    return RemovalResult(module, tuple(sorted(_curie(t) for t in removed)), len(drop), detached, dry_run)

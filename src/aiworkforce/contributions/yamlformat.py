"""What the keys and kinds of a YAML role definition mean, read from the ontology.

``ontology/contribution-format.ttl`` annotates the ontology's own terms (``aiw:yamlKey``, ``aiw:yamlKind``,
``aiw:yamlImplies``, ``aiw:iriSpace``, ``aiw:memberScheme``); ``ontology/aiworkforce.ttl`` gives the domains,
ranges and class hierarchy. Both are read with pyoxigraph (a few milliseconds), once per process, before any
contribution is parsed — so a malformed contribution still fails before the knowledge graph is loaded. Nothing
here restates what those files say: adding a property with an ``aiw:yamlKey`` adds a YAML key.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import URIRef

from aiworkforce.errors import DataError
from aiworkforce.rdf.resources import data_dir

__all__ = ["EntryFormat", "ListKey", "ReferenceClass", "YamlFormat", "yaml_format"]

#: The modules the format is read from.
FORMAT_FILES = ("aiworkforce.ttl", "contribution-format.ttl")

_QUERY_PROLOGUE = """
PREFIX aiw: <https://w3id.org/aiworkforce/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


@dataclass(frozen=True)
class ListKey:
    """A key that lists values of ``predicate``; a bare slug is read in ``namespace`` (None: IRIs or CURIEs only)."""

    key: str
    predicate: URIRef
    namespace: str | None


@dataclass(frozen=True)
class EntryFormat:
    """One kind of YAML entry (a role, a skill, a concern)."""

    cls: URIRef
    key: str                  # the top-level key listing such entries ("roles", "skills", "concerns")
    namespace: str            # where the entry's own IRI is minted
    scheme: URIRef            # the concept scheme it belongs to
    lists: dict[str, ListKey] = field(default_factory=dict)
    #: ``kind:`` value -> (classes the entry joins, (predicate, value) pairs it states); empty: no ``kind:`` key
    kinds: dict[str, tuple[tuple[URIRef, ...], tuple[tuple[URIRef, URIRef], ...]]] = field(default_factory=dict)
    #: the kind an entry without ``kind:`` takes (None: ``kind:`` is required)
    default_kind: str | None = None

    @property
    def singular(self) -> str:
        return self.namespace.rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class ReferenceClass:
    """The class and scheme of reference occupations named in ``namespace`` (ISCO-08, ESCO, O*NET)."""

    namespace: str
    cls: URIRef
    scheme: URIRef


@dataclass(frozen=True)
class YamlFormat:
    entries: dict[str, EntryFormat]          # by the entry's singular name: "role", "skill", "concern"
    references: tuple[ReferenceClass, ...]
    #: the YAML key that states each property (aiw:inLayer -> "layers"), for reports on YAML files
    keys: dict[URIRef, str] = field(default_factory=dict)

    def key(self, predicate) -> str | None:
        """The YAML key a property is written under, or None when YAML has no key for it."""
        return self.keys.get(URIRef(str(predicate))) if predicate is not None else None

    def entry(self, name: str) -> EntryFormat:
        return self.entries[name]


def _rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    return [tuple(None if term is None else term.value for term in row)
            for row in store.query(_QUERY_PROLOGUE + query)]


@functools.lru_cache(maxsize=1)
def yaml_format() -> YamlFormat:
    """The YAML format of contributions, as the packaged ontology (or ``$AIWORKFORCE_ONTOLOGY_DIR``) defines it."""
    folder = data_dir("ontology")
    store = ox.Store()
    for name in FORMAT_FILES:
        try:
            store.load(path=str(folder / name), format=ox.RdfFormat.TURTLE)
        except (OSError, SyntaxError, ValueError) as exc:
            raise DataError(f"the packaged knowledge graph is broken: {folder / name}: {exc}") from None
    entries = []
    for cls, key, space, scheme in _rows(store, """
            SELECT ?cls ?key ?space ?scheme WHERE {
              ?cls aiw:yamlKey ?key ; aiw:iriSpace ?space ; aiw:memberScheme ?scheme .
            } ORDER BY ?key"""):
        entries.append(_entry(store, cls, key, space, scheme))
    if not entries:
        raise DataError(f"the packaged knowledge graph is broken: {folder / FORMAT_FILES[1]} defines no YAML entries")
    references = tuple(ReferenceClass(space, URIRef(cls), URIRef(scheme)) for cls, space, scheme in _rows(store, """
            SELECT ?cls ?space ?scheme WHERE {
              ?cls rdfs:subClassOf+ aiw:ReferenceOccupation ; aiw:iriSpace ?space ; aiw:memberScheme ?scheme .
            } ORDER BY ?space"""))
    keys = {URIRef(prop): key for prop, key in _rows(store, """
            SELECT ?prop ?key WHERE { ?prop aiw:yamlKey ?key FILTER NOT EXISTS { ?prop aiw:iriSpace ?space } }
            ORDER BY ?prop""")}
    return YamlFormat({entry.singular: entry for entry in entries}, references, keys)


def _entry(store: ox.Store, cls: str, key: str, space: str, scheme: str) -> EntryFormat:
    lists = {}
    for prop, list_key, domain, value_space in _rows(store, """
            SELECT ?prop ?key ?domain ?space WHERE {
              ?prop aiw:yamlKey ?key ; rdfs:domain ?domain .
              OPTIONAL { ?prop rdfs:range ?range . ?range aiw:iriSpace ?space }
            } ORDER BY ?key"""):
        if _related(store, domain, cls):
            lists[list_key] = ListKey(list_key, URIRef(prop), value_space)
    kinds, default = {}, None
    for kind_cls, kind in _rows(store, f"""
            SELECT DISTINCT ?kindClass ?kind WHERE {{
              ?kindClass aiw:yamlKind ?kind .
              {{ ?kindClass rdfs:subClassOf* <{cls}> }}
              UNION {{ ?kindClass aiw:yamlImplies ?value . ?value a ?type . ?p rdfs:range ?type ; rdfs:domain <{cls}> }}
            }} ORDER BY ?kind"""):
        implied = _rows(store, f"""
            SELECT ?prop ?value WHERE {{
              <{kind_cls}> aiw:yamlImplies ?value . ?value a ?type . ?prop rdfs:range ?type ; rdfs:domain <{cls}> .
            }} ORDER BY ?prop""")
        if implied:  # a shorthand for property values: the entry is a member of the entry class only
            kinds[kind] = ((URIRef(cls),), tuple((URIRef(p), URIRef(v)) for p, v in implied))
        else:
            kinds[kind] = ((URIRef(kind_cls),), ())
        if kind_cls == cls:
            default = kind
    return EntryFormat(URIRef(cls), key, space, URIRef(scheme), lists, kinds, default)


def _related(store: ox.Store, domain: str, cls: str) -> bool:
    """Whether a property with ``domain`` applies to entries of ``cls``: the domain is the class, a subclass of
    it (aiw:HybridRole for a role) or a class above it (skos:Concept for every entry)."""
    return domain == cls or store.query(
        f"ASK {{ {{ <{domain}> <{_SUBCLASS}>+ <{cls}> }} UNION {{ <{cls}> <{_SUBCLASS}>+ <{domain}> }} }}")


_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"

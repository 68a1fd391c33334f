"""The SPARQL query engines, by name (the first is the default)."""

from aiworkforce.plugins import Entry, Registry

QUERY_ENGINES = Registry("query engine", [
    Entry("oxigraph", "aiworkforce.query.engines:OxigraphEngine", "pyoxigraph, fast (default)"),
    Entry("rdflib", "aiworkforce.query.engines:RdflibEngine", "rdflib's SPARQL engine, the reference"),
])

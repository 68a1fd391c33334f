"""The SHACL engines, by name (the first is the default)."""

from aiworkforce.plugins import Entry, Registry

SHACL_ENGINES = Registry("SHACL engine", [
    Entry("sparql", "aiworkforce.validation.validate:CompiledShacl",
          "the shapes compiled to SPARQL on pyoxigraph, fast (default)"),
    Entry("pyshacl", "aiworkforce.validation.validate:PyShacl", "pySHACL, the reference"),
])

"""The SHACL engines, by name (the first is the default)."""

from aiworkforce.plugins import Entry, Registry

SHACL_ENGINES = Registry("SHACL engine", [
    Entry("auto", "aiworkforce.validation.validate:AutoShacl",
          "compiled, falling back to pyshacl (said on stderr) for what it does not support (default)"),
    Entry("compiled", "aiworkforce.validation.validate:CompiledShacl",
          "the shapes compiled to SPARQL on pyoxigraph, fast; refuses what it does not support"),
    Entry("sparql", "aiworkforce.validation.validate:CompiledShacl", "former name of compiled"),
    Entry("pyshacl", "aiworkforce.validation.validate:PyShacl", "pySHACL, the reference"),
])

"""The OWL 2 RL reasoners, by name (the first is the default)."""

from aiworkforce.plugins import Entry, Registry

REASONERS = Registry("reasoner", [
    Entry("auto", "aiworkforce.reasoning.closure:AutoReasoner",
          "compiled, falling back to owlrl (said on stderr) for what it does not support (default)"),
    Entry("compiled", "aiworkforce.reasoning.closure:RulesReasoner",
          "OWL 2 RL compiled into SPARQL rules on pyoxigraph, fast; refuses what it does not support"),
    Entry("rules", "aiworkforce.reasoning.closure:RulesReasoner", "former name of compiled"),
    Entry("owlrl", "aiworkforce.reasoning.closure:OwlrlReasoner", "owlrl, the reference"),
])

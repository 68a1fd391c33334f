"""The OWL 2 RL reasoners, by name (the first is the default)."""

from aiworkforce.plugins import Entry, Registry

REASONERS = Registry("reasoner", [
    Entry("rules", "aiworkforce.reasoning.closure:RulesReasoner",
          "the ontology's axioms compiled into SPARQL rules on pyoxigraph, fast (default)"),
    Entry("owlrl", "aiworkforce.reasoning.closure:OwlrlReasoner", "owlrl, the reference"),
])

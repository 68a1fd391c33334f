"""Engines as plugins: one registry per capability, looked up by name.

Each capability (SHACL validation, OWL 2 RL reasoning, SPARQL queries) keeps a :class:`Registry` of engines
that share one interface. An entry names the class as ``"module:attribute"`` so that listing the choices (for
the command line's ``--engine`` options and ``--help``) imports no engine: a warm query never pays for rdflib,
owlrl or pySHACL.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from aiworkforce.errors import UsageError


@dataclass(frozen=True)
class Entry:
    name: str
    target: str  # "package.module:Class"
    summary: str  # one line for --help


class Registry(Mapping[str, Entry]):
    """Engines of one kind, in the order they were registered; the first is the default."""

    def __init__(self, kind: str, entries: list[Entry]) -> None:
        self.kind = kind
        self._entries = {e.name: e for e in entries}

    def __getitem__(self, name: str) -> Entry:
        return self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def default(self) -> str:
        return next(iter(self._entries))

    def load(self, name: str):
        """The engine class registered as ``name``; an unknown name is a usage error listing the choices."""
        entry = self._entries.get(name)
        if entry is None:
            raise UsageError(f"unknown {self.kind} {name!r}", hint=f"choose one of: {', '.join(self._entries)}")
        module, _, attribute = entry.target.partition(":")
        return getattr(importlib.import_module(module), attribute)

    def help(self) -> str:
        """``name (summary), ...`` for an option's help text."""
        return "; ".join(f"{e.name}: {e.summary}" for e in self._entries.values())

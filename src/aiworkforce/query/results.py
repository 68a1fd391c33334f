"""The engine-neutral result of a query: a SELECT table, an ASK answer or a set of triples."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiworkforce.rdf.terms import Term


@dataclass(frozen=True)
class QueryResult:
    """A SELECT table, an ASK answer or the triples of a CONSTRUCT/DESCRIBE."""

    kind: str  # "select" | "ask" | "graph"
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Term | None, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[tuple[Term, Term, Term], ...] = field(default=())
    #: how many rows the query answered when a limit cut ``rows`` to fewer; None when nothing was cut
    total: int | None = None

    @property
    def truncated(self) -> bool:
        return self.total is not None and self.total > len(self.rows)

    def records(self) -> list[dict[str, Term | None]]:
        return [dict(zip(self.variables, row)) for row in self.rows]

    def without(self, variables: set[str]) -> QueryResult:
        """Drop the columns of ``variables`` (parameters the caller bound: the same value in every row)."""
        if self.kind != "select" or not variables & set(self.variables):
            return self
        keep = [i for i, v in enumerate(self.variables) if v not in variables]
        return QueryResult(
            self.kind, tuple(self.variables[i] for i in keep), tuple(tuple(r[i] for i in keep) for r in self.rows)
        )

    def empty_columns(self, variables: set[str]) -> set[str]:
        """Those of ``variables`` that are columns of this result with no value in any row (and rows exist)."""
        if self.kind != "select" or not self.rows:
            return set()
        return {v for i, v in enumerate(self.variables) if v in variables and all(r[i] is None for r in self.rows)}

    def reordered(self, variables) -> QueryResult:
        """The same SELECT table with its columns in the order of ``variables`` (a permutation of them)."""
        variables = tuple(variables)
        if self.kind != "select" or variables == self.variables:
            return self
        index = [self.variables.index(v) for v in variables]
        return QueryResult(self.kind, variables, tuple(tuple(r[i] for i in index) for r in self.rows), total=self.total)

    def limited(self, limit: int | None) -> QueryResult:
        """The first ``limit`` rows; ``total`` keeps how many there were (the engines answer whole results,
        so knowing it costs nothing: no second run)."""
        if limit is None or self.kind != "select" or len(self.rows) <= limit:
            return self
        return QueryResult(self.kind, self.variables, self.rows[:limit], total=len(self.rows))

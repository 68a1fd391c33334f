"""Exceptions raised by the aiworkforce library.

Every failure a user can cause derives from :class:`AiworkforceError`. Each subclass carries the process exit
code the command-line interface maps it to, so the library never exits and the CLI never guesses.

Exit codes (documented in the README):

* 0 - success, the graph conforms;
* 1 - validation found violations (not an exception: a result);
* 2 - bad usage or unreadable input (:class:`UsageError`, :class:`InputError` and subclasses);
* 3 - the installation itself is broken (:class:`DataError`): packaged data missing or invalid.
"""

from __future__ import annotations

from pathlib import Path


class AiworkforceError(Exception):
    """Base class of every error the library raises on purpose."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class UsageError(AiworkforceError):
    """The caller asked for something that does not exist or combined options wrongly."""


class InputError(AiworkforceError):
    """A file given by the user cannot be read or parsed."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        hint: str | None = None,
        column: int | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        where = self.path or "<input>"
        if line is not None:
            where = f"{where}:{line}" + (f":{column}" if column is not None else "")
        super().__init__(f"{where}: {message}", hint=hint)


class QuerySyntaxError(InputError):
    """A SPARQL query is not well-formed: the message shows the line, a caret under the column and what was
    expected there."""


class RDFSyntaxError(InputError):
    """An RDF file is not well-formed in its declared syntax."""


class RemoteError(AiworkforceError):
    """A remote SPARQL endpoint or Graph Store could not be reached, timed out or refused the request."""


class DataError(AiworkforceError):
    """The packaged ontology, shapes or queries are missing or broken: a defect of the installation."""

    exit_code = 3


class UnknownTermError(UsageError):
    """No term of the graph matches what the user typed."""


class AmbiguousTermError(UsageError):
    """Several terms of the graph match what the user typed."""


class UnsafeQueryError(UsageError):
    """A query asked for something the read-only, offline query service refuses."""


class QueryLimitError(UsageError):
    """A query exceeds a bound on the work it may cause: nesting depth, run time, memory or answer size."""


class InconsistencyError(AiworkforceError):
    """The graph contradicts an axiom of the ontology (for example an irreflexive property used reflexively)."""

    exit_code = 1


class UnsupportedAxiomError(AiworkforceError):
    """The input uses an OWL construct the compiled rules do not implement: the compiled engine refuses to answer
    rather than answer wrongly (the default engine then falls back to owlrl)."""


class UnsupportedShapeError(AiworkforceError):
    """The shapes or the data use a SHACL feature the compiled engine does not implement: it refuses to answer
    rather than answer wrongly (the default engine then falls back to pySHACL)."""


class ShapesGraphError(InputError):
    """A shapes graph given by the user is not valid SHACL (the reference engine rejects it)."""


class ContributionRejected(AiworkforceError):
    """The contributions have violations, so nothing was merged; ``report`` holds the findings."""

    exit_code = 1

    def __init__(self, report) -> None:
        super().__init__("the contributions have violations; nothing was merged",
                         hint="fix the problems listed above, then run `aiworkforce add` again")
        self.report = report


class ServerError(AiworkforceError):
    """The query workers cannot start or keep running: a defect of the installation or the machine."""

    exit_code = 3


class NotEntailedError(AiworkforceError):
    """``explain`` was asked about a triple that is not in the reasoned closure: neither asserted nor inferred."""

    exit_code = 1


class ExplanationUnavailableError(AiworkforceError):
    """The closure was (or would be) computed by owlrl, which records no derivations, so ``explain`` refuses to
    give one rather than invent it."""

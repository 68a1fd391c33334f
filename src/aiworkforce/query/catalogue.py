"""The catalogue of stored SPARQL queries (``queries/*.rq``) and their metadata headers.

Each file opens with grlc-compatible decorator comments: lines starting with ``#+`` hold YAML with
``summary``, ``description``, ``tags`` and ``params``. Every parameter declares::

    #+ params:
    #+   - name: role                # the SPARQL variable ?role it binds
    #+     kind: term                # term | literal | integer
    #+     class: aiw:Role           # for terms: the class the value must belong to
    #+     required: true
    #+     default: null
    #+     example: Data Engineer
    #+     description: the role to profile, by title, slug, CURIE or IRI

The ``name`` may be spelt as grlc spells parameters (``?_role_iri``: one underscore for a required parameter,
two for an optional one, then the name, then ``_iri`` for a term or ``_integer`` for an integer; nothing for a
literal), so that grlc's own spec builder, which looks for such variables in the query file, sees every parameter.
The spelling must then agree with ``kind`` and ``required``.

A parameter of kind ``integer`` with ``limit: true`` caps the number of rows instead of binding a variable.
A parameter of kind ``literal`` may list the only ``values:`` it accepts; any other value is a usage error.
A parameter of kind ``language`` binds a lower-case BCP 47 tag as a plain literal: every query that shows labels
takes ``lang`` (default ``en``) and picks each label in that language, falling back to English
(:mod:`aiworkforce.rdf.labels` makes the same choice in Python).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from aiworkforce.errors import DataError, UsageError
from aiworkforce.rdf.resources import data_dir, data_files

KINDS = ("term", "literal", "integer", "language")
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
#: A parameter name as grlc spells it: ?_name (required) or ?__name (optional), then _iri / _integer for the kind.
_GRLC = re.compile(r"^\?(?P<under>_{1,2})(?P<name>[A-Za-z0-9]+)(?:_(?P<type>iri|integer))?$")
#: The kind of parameter each grlc type suffix declares (no suffix: a plain literal).
_GRLC_KINDS = {"iri": "term", "integer": "integer", None: "literal"}


@dataclass(frozen=True)
class Param:
    name: str
    kind: str = "term"
    cls: str | None = None
    required: bool = True
    default: str | None = None
    example: str | None = None
    description: str = ""
    limit: bool = False
    values: tuple[str, ...] = ()
    #: the parameter as the header spells it, without the ``?`` (``_role_iri``; the name itself if not grlc-spelt)
    variable: str = ""


@dataclass(frozen=True)
class StoredQuery:
    name: str
    summary: str
    description: str
    tags: tuple[str, ...]
    params: tuple[Param, ...]
    text: str
    path: Path

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def parse_header(text: str) -> dict:
    """The YAML held in the leading ``#+`` comment lines of a query."""
    import yaml

    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#+"):
            lines.append(stripped[2:][1:] if stripped[2:3] == " " else stripped[2:])
        elif stripped and not stripped.startswith("#"):
            break
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: several times faster
    try:
        meta = yaml.load("\n".join(lines), Loader=loader) or {}
    except yaml.YAMLError as exc:
        raise DataError(f"unreadable query header: {exc}") from None
    if not isinstance(meta, dict):
        raise DataError("the query header must be a YAML mapping")
    return meta


def _param(raw: dict, where: str) -> Param:
    if not isinstance(raw, dict) or "name" not in raw:
        raise DataError(f"{where}: every parameter needs a name")
    name, kind, required = str(raw["name"]), raw.get("kind", "term"), raw.get("required")
    grlc = _GRLC.match(name)
    if grlc:
        name, kind = grlc["name"], raw.get("kind", _GRLC_KINDS[grlc["type"]])
        required = raw.get("required", grlc["under"] == "_")
        spelt = _GRLC_KINDS[grlc["type"]]
        # grlc knows no language parameter: to grlc it is a plain literal (``?__lang``)
        if kind not in (spelt, "language" if spelt == "literal" else spelt) or bool(required) != (grlc["under"] == "_"):
            raise DataError(f"{where}: parameter {raw['name']!r} disagrees with its kind {kind!r} or required: "
                            f"{bool(required)}",
                            hint="grlc spelling: ?_name (required) or ?__name (optional), then _iri for a term, "
                                 "_integer for an integer, nothing for a literal")
    elif name.startswith("?"):
        raise DataError(f"{where}: parameter {name!r} is not spelt as grlc spells parameters",
                        hint="write ?_name_iri (required term), ?__name (optional literal), ?__name_integer, ...")
    if kind not in KINDS:
        raise DataError(f"{where}: parameter {name!r} has unknown kind {kind!r}")
    default = raw.get("default")
    values = raw.get("values") or []
    if not isinstance(values, list) or (values and kind != "literal"):
        raise DataError(f"{where}: parameter {name!r}: 'values' is a list, for literal parameters only")
    values = tuple(str(v) for v in values)
    if values and default is not None and str(default) not in values:
        raise DataError(f"{where}: parameter {name!r}: the default {default!r} is not one of its values")
    return Param(
        name=name,
        kind=kind,
        cls=raw.get("class"),
        required=bool(default is None if required is None else required),
        default=None if default is None else str(default),
        example=None if raw.get("example") is None else str(raw["example"]),
        description=str(raw.get("description", "")),
        limit=bool(raw.get("limit", False)),
        values=values,
        variable=str(raw["name"]).lstrip("?"),
    )


def load_query(path: Path) -> StoredQuery:
    text = path.read_text(encoding="utf-8")
    where = f"queries/{path.name}"
    try:
        meta = parse_header(text)
    except DataError as exc:
        raise DataError(f"{where}: {exc.message}") from None
    if not meta.get("summary"):
        raise DataError(f"{where}: missing '#+ summary:' header")
    if not _NAME.match(path.stem):
        raise DataError(f"{where}: query names are lowercase words joined by hyphens")
    tags = meta.get("tags") or []
    return StoredQuery(
        name=path.stem,
        summary=str(meta["summary"]).strip(),
        description=str(meta.get("description", "")).strip(),
        tags=tuple(str(t) for t in tags),
        params=tuple(_param(p, where) for p in meta.get("params") or []),
        text=text,
        path=path,
    )


@cache
def catalogue() -> dict[str, StoredQuery]:
    """Every stored query by name, in name order."""
    return {q.name: q for q in map(load_query, data_files("queries"))}


def get_query(name: str) -> StoredQuery:
    """The stored query ``name``; an unknown name raises :class:`UsageError` naming the closest ones."""
    if _NAME.match(name):  # the common case reads one file, not the whole catalogue
        path = data_dir("queries") / f"{name}.rq"
        if path.is_file():
            return load_query(path)
    queries = catalogue()
    if name in queries:
        return queries[name]
    import difflib

    close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}?" if close else "run `aiworkforce queries` to list them"
    raise UsageError(f"unknown query {name!r}", hint=hint)

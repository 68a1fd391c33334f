"""Contributed definitions of roles (and the skills and concerns they bring): read from YAML or Turtle.

A contribution file becomes an rdflib graph in the project's vocabulary plus a :class:`LineIndex` that maps
each subject and triple back to the line it came from, so every problem can name its line.

YAML is for people who do not write RDF. Its list keys and kinds are read from the ontology
(``ontology/contribution-format.ttl``, through :mod:`aiworkforce.contributions.yamlformat`); as shipped, the
schema is (see CONTRIBUTING.md)::

    roles:                          # or `role:` with a single mapping
      - slug: prompt-engineer       # required: https://w3id.org/aiworkforce/role/prompt-engineer
        label: Prompt Engineer      # required: the English preferred title
        alt_labels: [Prompt designer]
        definition: ...             # required: 1-3 sentences in your own words
        hybrid: false               # true (or kind: hybrid) for a hybrid role (then use combines / combines_expertise)
        layers: [engineering]       # required: layer slugs, CURIEs or IRIs
        essential_skills: [...]     # skills by title, slug, CURIE or IRI (at least three), as `-p` takes them
        optional_skills: [...]
        specialises: [...]          # broader roles
        overlaps: [...]             # roles whose work blurs with this one
        collaborates_with: [...]
        combines: [...]             # roles a hybrid joins
        combines_expertise: [...]   # skills a hybrid adds
        expected_to_understand: [...]  # layers, skills or concerns beyond its own field
        concerns: [...]             # concern slugs, CURIEs or IRIs it addresses
        alignments:
          - match: close            # exact | close | broad | narrow | related
            target: isco:C2512      # ISCO-08 / ESCO / O*NET IRI or CURIE
            code: "2512"            # only for a target the knowledge base does not describe yet
            title: Software developers
        source: engineering-layer   # the article section (ontology/sources.ttl)
    skills:
      - slug: prompt-design
        label: Prompt design
        kind: technical             # transferable | technical | domain
        definition: ...
        mitigates: [prompt-injection]
        source: engineering-layer
    concerns:
      - slug: model-drift
        label: Model drift
        kind: operational-challenge # attack-surface | ai-enabled-attack | model-risk | governance-principle |
                                    # operational-challenge | facility-demand | concern
        definition: ...
        sectors: [healthcare]
        source: devops-sre

The YAML and the equivalent Turtle give isomorphic graphs. YAML anchors and aliases are refused (they are
never needed, and "billion laughs" documents use them to exhaust memory).
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from aiworkforce.contributions.yamlformat import EntryFormat, yaml_format
from aiworkforce.errors import InputError
from aiworkforce.rdf.formats import by_suffix, rdflib_suffixes
from aiworkforce.rdf.load import parse_text, read_text, refuse_bad_terms
from aiworkforce.rdf.namespaces import AIW
from aiworkforce.rdf.prefixes import BASE, PREFIXES
from aiworkforce.rdf.terms import Term

#: Largest contribution file accepted (a role definition is a few kilobytes).
MAX_CONTRIBUTION_BYTES = 2 * 1024 * 1024
YAML_SUFFIXES = (".yaml", ".yml")
RDF_SUFFIXES = rdflib_suffixes()

MATCH_TYPES = {
    "exact": SKOS.exactMatch, "close": SKOS.closeMatch, "broad": SKOS.broadMatch,
    "narrow": SKOS.narrowMatch, "related": SKOS.relatedMatch,
}
#: A contributed term is an editorial addition, not a statement of the source article.
CONTRIBUTED_NOTE = "Contributed through the aiworkforce contribution workflow; not drawn from the article."
#: Keys every entry has, stated with SKOS and Dublin Core; the list keys and kinds come from the ontology
#: (:mod:`aiworkforce.contributions.yamlformat`).
ENTRY_KEYS = {"slug", "label", "alt_labels", "definition", "kind", "source"}
#: Keys only roles have: ``hybrid: true`` is the same as ``kind: hybrid``.
ROLE_ONLY_KEYS = {"hybrid", "alignments"}
ALIGNMENT_KEYS = {"match", "target", "code", "title"}


# -- where things are ------------------------------------------------------------------------------------------


@dataclass
class LineIndex:
    """Lines of a contribution file: where each subject starts and where each triple (or property) is stated."""

    subjects: dict = field(default_factory=dict)
    triples: dict = field(default_factory=dict)
    properties: dict = field(default_factory=dict)
    #: for a YAML reference: triple -> (the text as written, the namespace a bare slug is read in, or None)
    written: dict = field(default_factory=dict)

    def add(self, triple: tuple, line: int | None) -> None:
        if line is None:
            return
        self.triples.setdefault(triple, line)
        self.properties.setdefault(triple[:2], line)

    def locate(self, subject, predicate=None, obj=None) -> int | None:
        if predicate is not None and obj is not None and (subject, predicate, obj) in self.triples:
            return self.triples[(subject, predicate, obj)]
        if predicate is not None and (subject, predicate) in self.properties:
            return self.properties[(subject, predicate)]
        return self.subjects.get(subject)


@dataclass(frozen=True)
class Contribution:
    path: Path
    format: str  # "yaml" | "turtle" | other rdflib format names
    graph: Graph
    lines: LineIndex

    @property
    def defined(self) -> set:
        """The terms this file defines: every IRI subject it states something about."""
        return {s for s in self.graph.subjects() if isinstance(s, URIRef)}


# -- reading ------------------------------------------------------------------------------------------------------


def contribution_files(paths: list[str | Path]) -> list[Path]:
    """Expand directories into the contribution files they hold (YAML and RDF), sorted; keep files as given."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in YAML_SUFFIXES + RDF_SUFFIXES)
            if not found:
                raise InputError("the folder holds no .yaml, .yml or RDF files", path=path)
            out.extend(found)
        else:
            out.append(path)
    return out


def load_contribution(path: str | Path) -> Contribution:
    """Read one contribution file; raise :class:`InputError` (exit 2) when it cannot be read as one."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in YAML_SUFFIXES + RDF_SUFFIXES:
        raise InputError(
            f"unknown contribution file type {suffix or '(no suffix)'!r}",
            path=path,
            hint="name it .yaml (see CONTRIBUTING.md) or .ttl",
        )
    text = read_text(path, max_bytes=MAX_CONTRIBUTION_BYTES)
    if not text.strip():
        raise InputError("the file is empty", path=path, hint="start from `aiworkforce new-role SLUG`")
    if suffix in YAML_SUFFIXES:
        graph, lines = yaml_to_graph(text, path=path)
        refuse_bad_terms(graph, text, path, locate=lambda triple: lines.locate(*triple))
        return Contribution(path, "yaml", graph, lines)
    fmt = by_suffix(path).rdflib
    graph = parse_text(text, fmt, path=path)
    if not len(graph):
        raise InputError("the file holds no statements", path=path)
    return Contribution(path, fmt, graph, turtle_lines(text, graph) if fmt == "turtle" else LineIndex())


# -- YAML -----------------------------------------------------------------------------------------------------------


class _Loc:
    """A YAML value with the line (1-based) it starts on."""

    __slots__ = ("value", "line")

    def __init__(self, value, line: int) -> None:
        self.value = value
        self.line = line


def _compose(text: str, path: Path):
    import yaml

    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except RecursionError:
        raise InputError("the YAML is nested too deeply to read", path=path,
                         hint="a contribution needs four levels at most") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"YAML syntax error: {problem}", path=path, line=mark.line + 1 if mark else None,
                         hint="check the indentation and the quotes around text containing ':' or '#'") from None
    if len(documents) != 1 or documents[0] is None:
        raise InputError("a contribution is one YAML document", path=path)
    return documents[0]


MAX_DEPTH = 20  # a contribution nests four levels deep; anything far deeper is a mistake or an attack


def _plain(node, path: Path, seen: set[int], depth: int = 0):
    """Turn a composed YAML node into _Loc-wrapped Python values, refusing anchors, aliases and deep nesting."""
    import yaml

    if depth > MAX_DEPTH:
        raise InputError(f"the YAML is nested more than {MAX_DEPTH} levels deep", path=path,
                         line=node.start_mark.line + 1, hint="a contribution needs four levels at most")
    if id(node) in seen or getattr(node, "anchor", None):
        raise InputError("YAML anchors and aliases (&name, *name) are not allowed in contributions", path=path,
                         line=node.start_mark.line + 1, hint="write each value out in full")
    seen.add(id(node))
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, _Loc] = {}
        for key_node, value_node in node.value:
            key = _plain(key_node, path, seen, depth + 1)
            if not isinstance(key.value, str):
                raise InputError("mapping keys must be text", path=path, line=key.line)
            if key.value in result:
                raise InputError(f"the key {key.value!r} appears twice", path=path, line=key.line)
            value = _plain(value_node, path, seen, depth + 1)
            value.line = value.line if value_node.start_mark.line != key_node.start_mark.line else key.line
            result[key.value] = value
        return _Loc(result, line)
    if isinstance(node, yaml.SequenceNode):
        return _Loc([_plain(item, path, seen, depth + 1) for item in node.value], line)
    tag = node.tag.rsplit(":", 1)[-1]
    if tag == "null":
        return _Loc(None, line)
    if tag == "bool":
        return _Loc(node.value.lower() in ("true", "yes", "on", "y"), line)
    if tag in ("int", "float"):
        return _Loc(node.value, line)  # kept as text: codes such as 2512 or 15-1252.00 must not become numbers
    return _Loc(node.value, line)


def _kind_of(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "empty" if value is None else "a number"


def _close(value: str | None, allowed) -> str | None:
    """'did you mean ...?' for a near miss, or None."""
    close = difflib.get_close_matches(value, sorted(allowed), n=1, cutoff=0.6) if value else []
    return f"did you mean {close[0]!r}?" if close else None


def _near(key: str, allowed) -> str:
    return _close(key, allowed) or f"allowed keys: {', '.join(sorted(allowed))}"


class _YamlReader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.graph = Graph()
        self.lines = LineIndex()

    def fail(self, message: str, line: int, hint: str | None = None):
        raise InputError(message, path=self.path, line=line, hint=hint)

    def add(self, s, p, o, line: int) -> None:
        self.graph.add((s, p, o))
        self.lines.add((s, p, o), line)

    def mapping(self, loc: _Loc, what: str, allowed: set[str]) -> dict[str, _Loc]:
        if not isinstance(loc.value, dict):
            self.fail(f"{what} must be a mapping of keys to values", loc.line)
        for key, value in loc.value.items():
            if key not in allowed:
                self.fail(f"unknown key {key!r} in {what}", value.line, _near(key, allowed))
        return loc.value

    def text(self, loc: _Loc | None, what: str) -> str | None:
        if loc is None or loc.value is None:
            return None
        if not isinstance(loc.value, str):
            self.fail(f"{what} must be text, not {_kind_of(loc.value)}", loc.line,
                      f'write it as {what}: "..."')
        return loc.value

    def texts(self, loc: _Loc | None, what: str) -> list[_Loc]:
        if loc is None or loc.value is None:
            return []
        if isinstance(loc.value, str):
            return [loc]
        if not isinstance(loc.value, list):
            self.fail(f"{what} must be a list", loc.line, f"write it as {what}: [a, b]")
        for item in loc.value:
            if not isinstance(item.value, str):
                self.fail(f"every item of {what} must be text", item.line)
        return loc.value

    def subject(self, fmt: EntryFormat, item: dict[str, _Loc], line: int, what: str) -> URIRef:
        slug = self.text(item.get("slug"), f"{what} slug")
        if not slug:
            self.fail(f"{what} has no slug", line, "add slug: lowercase-words-with-hyphens")
        node = URIRef(f"{fmt.namespace}{quote(slug.strip(), safe='')}")
        self.lines.subjects.setdefault(node, item["slug"].line)
        return node

    def common(self, node: URIRef, fmt: EntryFormat, item: dict[str, _Loc], what: str) -> None:
        self.add(node, SKOS.inScheme, fmt.scheme, item["slug"].line)
        label = self.text(item.get("label"), f"{what} label")
        if label is not None:
            self.add(node, SKOS.prefLabel, Literal(label, lang="en"), item["label"].line)
        for alt in self.texts(item.get("alt_labels"), "alt_labels"):
            self.add(node, SKOS.altLabel, Literal(alt.value, lang="en"), alt.line)
        definition = self.text(item.get("definition"), f"{what} definition")
        if definition is not None:
            self.add(node, SKOS.definition, Literal(definition, lang="en"), item["definition"].line)
        source = self.text(item.get("source"), "source")
        if source is not None:
            self.add(node, DCTERMS.source, reference(source, "source"), item["source"].line)
        self.add(node, AIW.basis, AIW.Editorial, item["slug"].line)
        self.add(node, SKOS.editorialNote, Literal(CONTRIBUTED_NOTE, lang="en"), item["slug"].line)
        self.add(node, DCTERMS.source, URIRef(f"{BASE}source/editors"), item["slug"].line)

    def entry(self, loc: _Loc, name: str) -> URIRef:
        """One role, skill or concern: its keys, lists and kinds as ``ontology/contribution-format.ttl`` says."""
        fmt = yaml_format().entry(name)
        what = f"the {name}"
        allowed = ENTRY_KEYS | set(fmt.lists) | (ROLE_ONLY_KEYS if name == "role" else set())
        item = self.mapping(loc, f"a {name}", allowed if fmt.kinds else allowed - {"kind"})
        node = self.subject(fmt, item, loc.line, what)
        kind_loc = item.get("kind")
        kind = self.text(kind_loc, "kind")
        hybrid = item.get("hybrid")
        if hybrid is not None and hybrid.value is not None:
            if not isinstance(hybrid.value, bool):
                self.fail("hybrid must be true or false", hybrid.line)
            if hybrid.value:
                if kind not in (None, "hybrid"):
                    self.fail(f"hybrid: true contradicts kind: {kind}", hybrid.line, "keep one of them")
                kind, kind_loc = "hybrid", hybrid
        if fmt.kinds:
            kind = kind or fmt.default_kind
            if kind not in fmt.kinds:
                self.fail(f"{name} kind must be one of {', '.join(fmt.kinds)}", (kind_loc or loc).line,
                          _close(kind, fmt.kinds))
            classes, values = fmt.kinds[kind]
        else:
            classes, values = (fmt.cls,), ()
        line = (kind_loc or item["slug"]).line
        for cls in classes:
            self.add(node, RDF.type, cls, line)
        for predicate, value in values:
            self.add(node, predicate, value, line)
        self.common(node, fmt, item, what)
        for key, spec in fmt.lists.items():
            for ref in self.texts(item.get(key), key):
                triple = (node, spec.predicate, reference(ref.value, spec.namespace))
                self.add(*triple, ref.line)
                self.lines.written.setdefault(triple, (ref.value.strip(), spec.namespace))
        return node

    def role(self, loc: _Loc) -> None:
        node = self.entry(loc, "role")
        alignments = loc.value.get("alignments")
        if alignments is not None and alignments.value is not None:
            if not isinstance(alignments.value, list):
                self.fail("alignments must be a list of {match, target} mappings", alignments.line)
            for entry in alignments.value:
                self.alignment(node, entry)

    def alignment(self, role: URIRef, loc: _Loc) -> None:
        entry = self.mapping(loc, "an alignment", ALIGNMENT_KEYS)
        match = self.text(entry.get("match"), "match")
        target = self.text(entry.get("target"), "target")
        if not match or match not in MATCH_TYPES:
            self.fail(f"alignment match must be one of {', '.join(MATCH_TYPES)}", entry.get("match", loc).line)
        if not target:
            self.fail("an alignment needs a target IRI or CURIE (isco:C2512, esco:..., onet:15-1252.00)", loc.line)
        iri = reference(target, None)
        self.add(role, MATCH_TYPES[match], iri, entry["target"].line)
        code, title = self.text(entry.get("code"), "code"), self.text(entry.get("title"), "title")
        if code is None and title is None:
            return
        for ref in yaml_format().references:
            if str(iri).startswith(ref.namespace):
                self.add(iri, RDF.type, ref.cls, entry["target"].line)
                self.add(iri, SKOS.inScheme, ref.scheme, entry["target"].line)
                break
        if code is not None:
            self.add(iri, SKOS.notation, Literal(code), entry["code"].line)
        if title is not None:
            self.add(iri, SKOS.prefLabel, Literal(title, lang="en"), entry["title"].line)

    def read(self, root: _Loc) -> None:
        entries = yaml_format().entries
        by_key = {fmt.key: name for name, fmt in entries.items()}
        top = self.mapping(root, "the contribution", {"role", *by_key})
        if not top:
            self.fail("the contribution is empty", root.line, "add a `roles:` list (see CONTRIBUTING.md)")
        if "role" in top:
            self.role(top["role"])
        for key, name in by_key.items():
            loc = top.get(key)
            if loc is None or loc.value is None:
                continue
            if not isinstance(loc.value, list):
                self.fail(f"{key} must be a list of mappings, one per item (each starting with '- slug: ...')",
                          loc.line)
            for item in loc.value:
                self.role(item) if name == "role" else self.entry(item, name)


def yaml_to_graph(text: str, *, path: Path | str = "<yaml>") -> tuple[Graph, LineIndex]:
    """Convert a YAML contribution to the same graph its Turtle equivalent gives, with line numbers."""
    path = Path(path)
    root = _plain(_compose(text, path), path, set())
    reader = _YamlReader(path)
    reader.read(root)
    return reader.graph, reader.lines


def reference(value: str, namespace: str | None) -> URIRef:
    """A reference as written by a contributor: full IRI, CURIE, or a bare slug in ``namespace`` (a full IRI, or
    the name of a folder under the project's base, such as ``source``)."""
    value = value.strip()
    if re.match(r"^(https?|urn):", value):
        return URIRef(value)
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES:
        return URIRef(PREFIXES[prefix] + local)
    if not namespace:
        namespace = f"{BASE}unknown/"
    elif "://" not in namespace:
        namespace = f"{BASE}{namespace}/"
    return URIRef(namespace + quote(value, safe=""))


# -- Turtle line numbers ----------------------------------------------------------------------------------------------

#: a term as it stands on a line of Turtle: an IRI in brackets, or a run up to a delimiter
_LINE_TOKEN = re.compile(r"<[^>\s]*>|[^\s;,\[\]()<\"']+")


def turtle_lines(text: str, graph: Graph) -> LineIndex:
    """Best-effort line numbers for a Turtle file: the line where each subject's block starts, and within it the
    first line naming each predicate (and object). rdflib does not report positions, so this reads the text."""
    index = LineIndex()
    prefixes = {p: str(ns) for p, ns in graph.namespaces()}
    lines = text.splitlines()

    def forms(node) -> list[str]:
        if not isinstance(node, URIRef):
            return []
        out = [f"<{node}>"]
        for prefix, namespace in prefixes.items():
            if str(node).startswith(namespace):
                out.append(f"{prefix}:{str(node)[len(namespace):]}")
        if node == RDF.type:
            out.append("a")
        return out

    # One pass over the text: for each token, the lines it stands on (any position / first on the line). Each
    # lookup is then a binary search, so the whole index is linear in the file, not in lines x terms.
    anywhere: dict[str, list[int]] = {}
    first: dict[str, list[int]] = {}
    for number, raw in enumerate(lines):
        line = raw.split("#", 1)[0] if "<" not in raw else raw
        for k, match in enumerate(_LINE_TOKEN.finditer(line)):
            token = match.group(0)
            for form in {token, token.rstrip(".")}:
                spots = anywhere.setdefault(form, [])
                if not spots or spots[-1] != number:
                    spots.append(number)
                if k == 0 and match.start() == len(line) - len(line.lstrip()):
                    starts_here = first.setdefault(form, [])
                    if not starts_here or starts_here[-1] != number:
                        starts_here.append(number)

    def find(patterns: list[str], start: int, stop: int, at_start: bool = False) -> int | None:
        table = first if at_start else anywhere
        best = None
        for form in patterns:
            spots = table.get(form, ())
            i = bisect_left(spots, start)
            if i < len(spots) and spots[i] < stop and (best is None or spots[i] < best):
                best = spots[i]
        return best

    starts = {}
    for subject in {s for s in graph.subjects() if isinstance(s, URIRef)}:
        number = find(forms(subject), 0, len(lines), at_start=True)
        if number is not None:
            starts[subject] = number
            index.subjects[subject] = number + 1
    ordered = sorted(starts.values())
    for subject, begin in starts.items():
        later = [n for n in ordered if n > begin]
        end = later[0] if later else len(lines)
        for s, p, o in graph.triples((subject, None, None)):
            pline = find(forms(p), begin, end)
            if pline is None:
                continue
            index.properties.setdefault((s, p), pline + 1)
            oline = None
            if isinstance(o, URIRef):
                oline = find(forms(o), pline, end)
            elif isinstance(o, Literal):
                quoted = '"' + str(o).split("\n", 1)[0][:40]
                oline = next((n for n in range(pline, end) if quoted in lines[n]), None)
            index.triples.setdefault((s, p, o), (oline if oline is not None else pline) + 1)
    return index


def node_path(graph: Graph, node, prefixes: dict[str, str] | None = None, depth: int = 0) -> str:
    """A readable name for any node: a CURIE for an IRI, and for a blank node the path that reaches it."""
    prefixes = prefixes or PREFIXES
    if isinstance(node, URIRef):
        return Term.iri(str(node)).compact(prefixes)
    if isinstance(node, BNode) and depth < 5:
        for s, p in graph.subject_predicates(node):
            return f"{node_path(graph, s, prefixes, depth + 1)} / {Term.iri(str(p)).compact(prefixes)}"
    if isinstance(node, Literal):
        return repr(str(node))
    return "(anonymous node)"

"""Release artefacts: the graph in every common RDF syntax, the shapes and queries, checksums and a note.

:func:`release` writes, into one folder::

    aiworkforce-VERSION-base.{ttl,nt,rdf,jsonld}   the asserted graph (ontology and knowledge base)
    aiworkforce-VERSION-full.{ttl,nt,rdf,jsonld}   the reasoned graph (the clean OWL 2 RL closure)
    shapes/*.ttl  queries/*.rq  checks/*.rq        copies of the SHACL shapes, stored queries and checks
    index.html, KIND/SLUG.html, ontology.html ...  the docs site (publish/site), every term at its IRI's path
    .htaccess                                      redirect rules with content negotiation for the term IRIs
    openapi.json                                   the stored queries as an API (OpenAPI 3.1)
    grlc/*.rq                                      the stored queries for grlc to serve as an API (.grlc)
    RELEASE-NOTES.md                               the version, its version IRI and what each file holds
    SHA256SUMS                                     checksums of every other file (``sha256sum -c SHA256SUMS``)

RDF/XML is there for Protégé; JSON-LD is compacted with the vocabulary's context (``aiworkforce.context.jsonld``,
also inline). Every individual carries ``rdfs:label`` copied from its preferred labels (:mod:`.labels`), so tools
that show only ``rdfs:label`` show names. The crosswalk comes as SSSOM (``aiworkforce.sssom.tsv``) and, given a
previous release, the changes since then (``CHANGES.md``, ``CHANGES.json``): see :mod:`.extras`. Every graph
keeps the ontology header with its ``owl:versionIRI``. The folder is built under a temporary name beside the
target and renamed into place, so a reader never sees half a release.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import OWL

from aiworkforce.errors import DataError, InputError, UsageError
from aiworkforce.graph import KnowledgeGraph
from aiworkforce.publish.site.build import write_site
from aiworkforce.publish.grlc import FOLDER as GRLC, write_grlc_queries
from aiworkforce.publish.openapi import write_openapi
from aiworkforce.publish.extras import CONTEXT, Extra, extra_files
from aiworkforce.publish.labels import with_rdfs_labels
from aiworkforce.rdf.formats import EXPORT_SYNTAXES, by_name
from aiworkforce.rdf.namespaces import bind_all
from aiworkforce.rdf.prefixes import ONTOLOGY_IRI
from aiworkforce.rdf.resources import data_files, ontology_version
from aiworkforce.rdf.serialize import serialize

#: Release graph syntaxes (every export syntax): file suffix -> (rdflib serialiser, how the notes describe it).
_DESCRIPTIONS = {"xml": "RDF/XML (opens in Protégé)", "jsonld": f"JSON-LD, compacted with {CONTEXT} (inline)"}
GRAPH_FORMATS = {s.suffixes[0]: (s.rdflib, _DESCRIPTIONS.get(s.name, s.label)) for s in map(by_name, EXPORT_SYNTAXES)}
#: The two graphs of a release: name -> description.
GRAPHS = {
    "base": "the asserted graph: the ontology and the knowledge base as written",
    "full": "the reasoned graph: the asserted graph plus its clean OWL 2 RL closure",
}
COPIED = ("shapes", "queries", "checks")
NOTES = "RELEASE-NOTES.md"
OPENAPI = "openapi.json"
SUMS = "SHA256SUMS"


@dataclass(frozen=True)
class ReleaseResult:
    folder: Path
    version: str
    version_iri: str
    files: tuple[str, ...]  # paths relative to ``folder``, SHA256SUMS last
    triples: dict[str, int]  # graph name (base, full) -> triples

    def graph_file(self, graph: str, suffix: str) -> Path:
        return self.folder / graph_file_name(self.version, graph, suffix)


def graph_file_name(version: str, graph: str, suffix: str) -> str:
    return f"aiworkforce-{version}-{graph}{suffix}"


def version_iri(graph) -> str:
    """The ``owl:versionIRI`` of the ontology header in ``graph``."""
    iris = sorted(str(o) for o in graph.objects(URIRef(ONTOLOGY_IRI), OWL.versionIRI))
    if len(iris) != 1:
        raise DataError(f"the ontology header must carry one owl:versionIRI, not {len(iris)}")
    return iris[0]


def release(graph: KnowledgeGraph, out_dir: str | Path, *, force: bool = False, docs: bool = True,
            previous: str | Path | None = None) -> ReleaseResult:
    """Write the release artefacts of ``graph`` into ``out_dir`` (refusing a non-empty folder unless ``force``);
    ``docs=False`` leaves out the docs site and its redirect rules (no Graphviz needed); with ``previous`` (a
    release folder, Turtle folder or file), also the changes since that version."""
    out = Path(out_dir)
    _check_target(out, force=force)
    if previous is not None and not Path(previous).exists():  # before the graphs are built, not after
        raise InputError("no such file or folder (the previous release)", path=previous,
                         hint="give a previous release folder, a folder of Turtle files or an RDF file")
    version = ontology_version()
    base = with_rdfs_labels(graph.asserted)
    full = with_rdfs_labels(graph.reasoned)
    iri = version_iri(base)
    if version_iri(full) != iri:
        raise DataError("the reasoned graph carries another owl:versionIRI than the asserted graph",
                        hint="clear the cache: aiworkforce reason")
    if not iri.rstrip("/").endswith(version):
        raise DataError(f"the owl:versionIRI {iri} does not end with the version {version}",
                        hint="update owl:versionIRI in ontology/aiworkforce.ttl together with owl:versionInfo")

    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        build = Path(tempfile.mkdtemp(dir=parent, prefix=f".{out.name}.build-"))
        umask = os.umask(0o022)
        os.umask(umask)
        os.chmod(build, 0o777 & ~umask)  # mkdtemp makes it private; a release folder is not
    except OSError as exc:
        raise InputError(f"cannot create the release folder: {exc.strerror or exc}", path=out) from None
    try:
        extras = extra_files(base, full, version, iri, previous=previous)
        files = _write_all(build, version, iri, {"base": base, "full": full}, extras, graph if docs else None)
        _move_into_place(build, out, force=force)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    return ReleaseResult(out, version, iri, tuple(files), {"base": len(base), "full": len(full)})


def is_release(folder: Path) -> bool:
    """True if ``folder`` holds a previous release: its SHA256SUMS (the marker `release` writes last) lists the
    release notes, and they are there. Only such a folder may be replaced by --force."""
    try:
        listed = {line.split("  ", 1)[1].strip() for line in (folder / SUMS).read_text(encoding="utf-8").splitlines()
                  if "  " in line}
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return NOTES in listed and (folder / NOTES).is_file() and not (folder / SUMS).is_symlink()


def _check_target(out: Path, *, force: bool) -> None:
    if out.is_symlink():
        raise UsageError(f"{out} is a symbolic link; a release is never written through one",
                         hint="give the real folder it points to, or a new folder")
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder", hint="choose another output folder")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise UsageError(f"{out} is not empty",
                             hint="choose a new folder, or pass --force to replace a previous release")
        if not is_release(out):
            raise UsageError(f"{out} is not empty and does not hold a previous release: --force only replaces "
                             f"a folder whose {SUMS} lists its {NOTES}",
                             hint="choose a new folder; nothing was deleted")


def _write_all(build: Path, version: str, iri: str, graphs: dict, extras: dict[str, Extra],
               kg: KnowledgeGraph | None) -> list[str]:
    files: list[str] = []
    try:
        for name, graph in graphs.items():
            for suffix in GRAPH_FORMATS:
                file = graph_file_name(version, name, suffix)
                (build / file).write_text(_serialize(graph, suffix, extras[CONTEXT].data), encoding="utf-8",
                                          newline="\n")
                files.append(file)
        for name, extra in extras.items():
            (build / name).write_text(extra.text, encoding="utf-8", newline="\n")
            files.append(name)
        for kind in COPIED:
            (build / kind).mkdir()
            for source in data_files(kind):
                shutil.copyfile(source, build / kind / source.name)
                files.append(f"{kind}/{source.name}")
        # the docs site, its per-term RDF and .htaccess; the version IRI resolves to this release's base graph
        files += [] if kg is None else write_site(kg, build, downloads={graph_file_name(version, name, suffix): f"{GRAPHS[name]} ({syntax})"
                                                  for name in graphs for suffix, (_, syntax) in GRAPH_FORMATS.items()})
        files.append(write_openapi(build / OPENAPI).name)
        files += [f"{GRLC}/{p.name}" for p in write_grlc_queries(build / GRLC)]
        (build / NOTES).write_text(_notes(version, iri, graphs, files, extras), encoding="utf-8", newline="\n")
        files.append(NOTES)
        (build / SUMS).write_text(
            "".join(f"{sha256(build / f)}  {f}\n" for f in files), encoding="utf-8", newline="\n"
        )
        files.append(SUMS)
    except OSError as exc:
        raise InputError(f"cannot write the release: {exc.strerror or exc}", path=build) from None
    return files


def _serialize(graph, suffix: str, context: dict) -> str:
    fmt = GRAPH_FORMATS[suffix][0]
    if fmt == "json-ld":
        bind_all(graph)
        return graph.serialize(format="json-ld", context=context, indent=2, ensure_ascii=False) + "\n"
    return serialize(graph, fmt)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify(folder: str | Path) -> list[str]:
    """The files listed in ``folder``/SHA256SUMS whose checksum does not match (an empty list when all do)."""
    folder = Path(folder)
    bad = []
    for line in (folder / SUMS).read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        path = folder / name
        if not path.is_file() or sha256(path) != digest:
            bad.append(name)
    return bad


def _notes(version: str, iri: str, graphs: dict, files: list[str], extras: dict[str, Extra]) -> str:
    lines = [
        f"# aiworkforce {version}",
        "",
        f"Version IRI: <{iri}>",
        "",
        "The AI workforce ontology and knowledge graph, with its SHACL shapes, stored SPARQL queries and",
        "quality checks. Ontology, knowledge base, shapes and queries: CC-BY-4.0.",
        "",
        "## Graphs",
        "",
    ]
    for name, graph in graphs.items():
        lines.append(f"- **{name}** ({len(graph):,} triples): {GRAPHS[name]}")
    lines += ["", "| file | syntax |", "|---|---|"]
    for name in graphs:
        for suffix, (_, syntax) in GRAPH_FORMATS.items():
            lines.append(f"| {graph_file_name(version, name, suffix)} | {syntax} |")
    counts = {kind: sum(1 for f in files if f.startswith(kind + "/")) for kind in COPIED}
    lines += [
        "",
        "## Also included",
        "",
        f"- `shapes/`: {counts['shapes']} SHACL shape files, which the base graph conforms to",
        f"- `queries/`: {counts['queries']} stored SPARQL queries; their `#+` headers describe the parameters",
        f"- `checks/`: {counts['checks']} SPARQL quality checks (each lists the problems it finds)",
        f"- `{OPENAPI}`: the stored queries as an API (OpenAPI 3.1), as `aiworkforce serve` answers them",
        f"- `{GRLC}/`: the stored queries written for grlc (https://github.com/CLARIAH/grlc), which serves a folder of "
        "queries as an API: the parameters are used in the query bodies as grlc substitutes them",
        *(f"- `{name}`: {extra.description}" for name, extra in extras.items()),
        f"- `{SUMS}`: SHA-256 checksums of every file; verify with `sha256sum -c {SUMS}`",
        "",
        "The stored queries expect the full (reasoned) graph. To serve it from a SPARQL endpoint:",
        "",
        "```sh",
        f"oxigraph load --location store --file aiworkforce-{version}-full.nt",
        "oxigraph serve --location store --bind 127.0.0.1:7878",
        "```",
        "",
    ]
    return "\n".join(lines)


def _move_into_place(build: Path, out: Path, *, force: bool) -> None:
    """Rename the finished ``build`` folder to ``out``, replacing an empty (or, with ``force``, any) folder."""
    old = None
    try:
        if out.is_dir():
            if out.is_symlink():
                raise UsageError(f"{out} is a symbolic link; a release is never written through one")
            if any(out.iterdir()):
                if not force or not is_release(out):  # it filled up while we were building
                    raise UsageError(f"{out} is not empty",
                                     hint="choose a new folder, or pass --force to replace a previous release")
                old = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.old-"))
                os.rmdir(old)
                os.rename(out, old)
            else:
                os.rmdir(out)
        os.rename(build, out)
    except OSError as exc:
        if old is not None and not out.exists():
            os.rename(old, out)
        raise InputError(f"cannot move the release into place: {exc.strerror or exc}", path=out) from None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)

"""The crosswalk as an SSSOM mapping table (https://w3id.org/sssom/), the form the mapping community exchanges.

:func:`sssom_tsv` writes one row per crosswalk link of the graph: a subject of the project's namespace, a SKOS
mapping property, an official occupation. Which properties are mapping properties, how their links were made and
how sure the editors are is data, not code: every property the ontology annotates with ``aiw:mappingJustification``
and ``aiw:mappingConfidence`` (``ontology/alignments.ttl``) is exported, with those two values as the row's
``mapping_justification`` and ``confidence``. The row's ``comment`` is the subject's crosswalk note (its
``skos:note`` that explains the match types). The mapping-set metadata (id, version, license, title, prefixes) is
embedded at the top of the file as commented YAML, as the SSSOM TSV format allows, and comes from the ontology
header.
"""

from __future__ import annotations

import csv
import io

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from aiworkforce.rdf.labels import label_of
from aiworkforce.rdf.namespaces import AIW
from aiworkforce.rdf.prefixes import BASE, ONTOLOGY_IRI, PREFIXES

FILE_NAME = "aiworkforce.sssom.tsv"
COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label", "mapping_justification",
           "confidence", "comment")
#: Prefixes the table needs beyond the project's (the mapping vocabulary and SSSOM's own columns).
_EXTRA_PREFIXES = {"semapv": "https://w3id.org/semapv/vocab/"}
_NOTE_MARK = "Crosswalk: "


def _curie(iri: str, prefixes: dict[str, str]) -> str:
    for prefix, namespace in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _note(graph, subject) -> str:
    notes = sorted(str(n) for n in graph.objects(subject, SKOS.note) if str(n).startswith(_NOTE_MARK))
    return " ".join(n[len(_NOTE_MARK):] for n in notes)


def mappings(graph) -> list[dict[str, str]]:
    """The crosswalk rows of rdflib ``graph``, sorted by subject, predicate and object."""
    prefixes = {**PREFIXES, **_EXTRA_PREFIXES}
    rows = []
    for prop in sorted(set(graph.subjects(AIW.mappingJustification, None)), key=str):
        justification = graph.value(prop, AIW.mappingJustification)
        confidence = graph.value(prop, AIW.mappingConfidence)
        for subject, target in graph.subject_objects(prop):
            if not (isinstance(subject, URIRef) and isinstance(target, URIRef) and str(subject).startswith(BASE)):
                continue
            rows.append({
                "subject_id": _curie(str(subject), prefixes),
                "subject_label": label_of(graph, subject) or "",
                "predicate_id": _curie(str(prop), prefixes),
                "object_id": _curie(str(target), prefixes),
                "object_label": label_of(graph, target) or "",
                "mapping_justification": _curie(str(justification), prefixes),
                "confidence": str(confidence.toPython()) if isinstance(confidence, Literal) else "",
                "comment": _note(graph, subject),
            })
    return sorted(rows, key=lambda r: (r["subject_id"], r["predicate_id"], r["object_id"]))


def _metadata(graph, version: str, version_iri: str, prefixes: dict[str, str]) -> str:
    import yaml

    ontology = URIRef(ONTOLOGY_IRI)
    title = label_of(graph, ontology, predicate=DCTERMS.title) or "aiworkforce"
    meta = {
        "curie_map": prefixes,
        "mapping_set_id": f"{version_iri}/{FILE_NAME}",
        "mapping_set_version": version,
        "mapping_set_title": f"{title}: crosswalk to ISCO-08, ESCO and O*NET",
        "mapping_set_description": "Alignments of the roles of the AI workforce knowledge graph to official "
                                   "occupation classifications, chosen by the editors.",
        "license": str(graph.value(ontology, DCTERMS.license) or ""),
        "subject_source": ONTOLOGY_IRI,
        "subject_source_version": version_iri,
    }
    modified = graph.value(ontology, DCTERMS.modified)
    if modified is not None:
        meta["publication_date"] = str(modified)
    text = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    return "".join(f"#{line}\n" for line in text.splitlines())


def sssom_tsv(graph, version: str, version_iri: str) -> str:
    """The SSSOM TSV file (embedded metadata, then one row per crosswalk link) of rdflib ``graph``."""
    rows = mappings(graph)
    used = {value.split(":", 1)[0] for row in rows for key, value in row.items() if key.endswith("_id")
            or key == "mapping_justification"}
    every = {**PREFIXES, **_EXTRA_PREFIXES}
    prefixes = {p: every[p] for p in sorted(used | {"skos", "semapv"}) if p in every}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    writer.writerows(rows)
    return _metadata(graph, version, version_iri, prefixes) + out.getvalue()


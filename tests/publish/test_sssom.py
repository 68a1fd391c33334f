"""The SSSOM export of the crosswalk: the sssom package reads and validates it, it holds every crosswalk link of
the graph once, and its justification and confidence are the ones alignments.ttl states."""

from __future__ import annotations

import pytest
from rdflib import URIRef
from rdflib.namespace import SKOS

from aiworkforce.publish.sssom import mappings, sssom_tsv
from aiworkforce.rdf.namespaces import AIW
from aiworkforce.rdf.prefixes import BASE

VERSION_IRI = BASE + "ontology/0.1.0"


@pytest.fixture(scope="module")
def table(core, tmp_path_factory):
    path = tmp_path_factory.mktemp("sssom") / "aiworkforce.sssom.tsv"
    path.write_text(sssom_tsv(core, "0.1.0", VERSION_IRI), encoding="utf-8")
    return path


def test_the_sssom_package_parses_and_validates_it(table):
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    msdf = parse_sssom_table(table)
    reports = validate(msdf, fail_on_error=False)
    assert all(not report.results for report in reports.values()), reports
    assert msdf.metadata["mapping_set_id"] == f"{VERSION_IRI}/aiworkforce.sssom.tsv"
    assert msdf.metadata["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert len(msdf.df) == len(mappings_of(msdf))
    assert set(msdf.df["mapping_justification"]) == {"semapv:ManualMappingCuration"}


def mappings_of(msdf):
    return {(r.subject_id, r.predicate_id, r.object_id) for r in msdf.df.itertuples()}


def test_every_crosswalk_link_once_with_the_stated_confidence(core):
    rows = mappings(core)
    expected = {(s, p, o) for p in core.subjects(AIW.mappingConfidence, None)
                for s, o in core.subject_objects(p) if str(s).startswith(BASE)}
    assert len(rows) == len(expected) > 100
    confidence = {p: float(core.value(p, AIW.mappingConfidence)) for p in core.subjects(AIW.mappingConfidence, None)}
    assert set(confidence) == {SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch}
    for row in rows:
        prop = URIRef(str(SKOS) + row["predicate_id"].split(":", 1)[1])
        assert float(row["confidence"]) == confidence[prop]
    engineer = [r for r in rows if r["subject_id"] == "role:data-engineer" and r["predicate_id"] == "skos:exactMatch"]
    assert [(r["subject_label"], r["object_label"]) for r in engineer] == [("Data Engineer", "data engineer")]
    assert engineer[0]["comment"].startswith("ESCO has the same occupation")

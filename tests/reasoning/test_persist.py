"""Writing the reasoned store to disk while the rules run: the result is the reasoned in-memory store, whatever
the pieces, blank nodes and skolem IRIs; failures reach the caller and stop the writing."""

from __future__ import annotations

import threading

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.compare import isomorphic

from aiworkforce.errors import InconsistencyError
from aiworkforce.query.engines import INFERRED_GRAPH
from aiworkforce.rdf.terms import from_oxigraph, to_rdflib
from aiworkforce.reasoning import persist
from aiworkforce.reasoning.fixpoint import RuleEngine
from aiworkforce.reasoning.pipeline import STORE, load_data_store, reason_store, write_data_store
from aiworkforce.reasoning.rules import compile_rules, saturation

PREFIXES = """@prefix aiw: <https://w3id.org/aiworkforce/ontology#> .
@prefix layer: <https://w3id.org/aiworkforce/layer/> .
@prefix skill: <https://w3id.org/aiworkforce/skill/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <http://example.org/> .
"""

# blank nodes with asserted and inferred triples (the same node must stay one node across both graphs), a literal
# that looks like a blank node and like a skolem IRI, and plain IRIs
DATA = PREFIXES + """
_:r a aiw:Role ; aiw:inLayer layer:research ; aiw:requiresEssentialSkill skill:machine-learning , _:s ;
    skos:prefLabel "uses _:x and <urn:aiworkforce:bnode:y> in its name"@en .
_:s a aiw:Skill ; skos:prefLabel "a skill without a name"@en .
ex:role a aiw:Role ; aiw:inLayer layer:research ; aiw:overlapsWith _:r ; skos:prefLabel "Example role"@en .
""" + "".join(f"ex:role{i} a aiw:Role ; aiw:inLayer layer:research ; aiw:requiresOptionalSkill _:s ; "
              f"skos:prefLabel \"Role {i}\"@en .\n" for i in range(40))


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("persist") / "data.ttl"
    path.write_text(DATA, encoding="utf-8")
    return path


def _blank(node):
    if isinstance(node, ox.NamedNode) and node.value.startswith(persist.SKOLEM):
        return ox.BlankNode(node.value[len(persist.SKOLEM):])
    return node


def _rdflib(triple) -> tuple:
    """An rdflib triple, skolem IRIs as blank nodes; a skolem IRI as the predicate (its name differs from run to
    run) as one fixed IRI."""
    s, p, o = triple
    if p.value.startswith(persist.SKOLEM):
        p = ox.NamedNode("urn:test:a-skolem-predicate")
    return tuple(to_rdflib(from_oxigraph(t)) for t in (_blank(s), p, _blank(o)))


def _dataset(default, inferred) -> Graph:
    """The two graphs as one rdflib graph (inferred triples under a marked predicate), so that an isomorphism
    must map each blank node to one node across both."""
    out = Graph()
    for triple in default:
        out.add(_rdflib(triple))
    for triple in inferred:
        s, p, o = _rdflib(triple)
        out.add((s, URIRef("urn:inferred:" + p), o))
    return out


def _reasoned(paths) -> Graph:
    """The in-memory store as the saturation leaves it: the closure, and the inferred triples in its graphs."""
    result = reason_store(load_data_store(paths))
    store = result.store
    default = [(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    inferred = {(q.subject, q.predicate, q.object) for g in result.inferred
                for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g))}
    return _dataset(default, inferred)


@pytest.fixture(scope="module")
def expected(data) -> Graph:
    return _reasoned([data])


def _written(folder) -> Graph:
    disk = ox.Store.read_only(str(folder / STORE))
    assert {g.value for g in disk.named_graphs()} == {INFERRED_GRAPH}
    triples = {name: [(q.subject, q.predicate, q.object) for q in disk.quads_for_pattern(None, None, None, name)]
               for name in (ox.DefaultGraph(), ox.NamedNode(INFERRED_GRAPH))}
    assert not any(isinstance(t, ox.NamedNode) and t.value.startswith(persist.SKOLEM)
                   for s, _, o in triples[ox.DefaultGraph()] for t in (s, o)), "skolem IRIs become blank nodes"
    return _dataset(triples[ox.DefaultGraph()], triples[ox.NamedNode(INFERRED_GRAPH)])


@pytest.mark.parametrize("chunk", [persist._CHUNK, 1 << 16])
def test_the_written_store_is_the_reasoned_store(data, expected, tmp_path, monkeypatch, chunk):
    """Whatever the size of the pieces loaded (64 KiB: dozens of pieces, lines with blank nodes and skolem IRIs
    among many of them), the disk store holds what the in-memory store holds, with each blank node one node across
    the closure and the inferred graph (pyoxigraph's bulk loader renames blank nodes per document)."""
    monkeypatch.setattr(persist, "_CHUNK", chunk)
    write_data_store(tmp_path, [data])
    got = _written(tmp_path)
    assert len(got) == len(expected)
    assert isomorphic(got, expected)
    overlapping = {o for s, p, o in got if s == URIRef("http://example.org/role") and str(p).endswith("#overlapsWith")}
    assert len(overlapping) == 1 and isinstance(overlapping.pop(), BNode), "the data's blank node is there"
    assert sorted(p.name for p in tmp_path.iterdir()) == [STORE], "no temporary file is left"


def test_a_skolem_iri_as_a_predicate_stays_an_iri(tmp_path):
    """A property chain through an anonymous inverse property derives triples whose predicate is that property's
    skolem IRI; a blank node cannot be a predicate, so it stays as the rules name it."""
    path = tmp_path / "chain.ttl"
    path.write_text(PREFIXES + "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
                    "ex:p a owl:ObjectProperty . ex:q a owl:ObjectProperty .\n"
                    "ex:r a owl:ObjectProperty ; owl:propertyChainAxiom (ex:p [ owl:inverseOf ex:q ]) .\n"
                    "ex:x ex:p ex:y . ex:z ex:q ex:y .\n", encoding="utf-8")
    folder = tmp_path / "entry"
    folder.mkdir()
    write_data_store(folder, [path])
    got = _written(folder)
    assert isomorphic(got, _reasoned([path]))
    assert (URIRef("http://example.org/x"), URIRef("http://example.org/r"), URIRef("http://example.org/z")) in got
    assert (URIRef("http://example.org/y"), URIRef("urn:test:a-skolem-predicate"), URIRef("http://example.org/z")) in got


def test_what_the_end_of_the_saturation_takes_out_of_a_written_graph_is_looked_up_again(tmp_path, monkeypatch):
    """The value of a hasValue restriction is an anonymous individual: the rules derive ``ex:x ex:p <skolem>``
    into a step graph and the default graph, and the end of the saturation takes it out of the step graph (not an
    inferred fact) but not out of the default graph. Even when the writer dumps the asserted triples before the
    rules run and that step graph only afterwards (held back here until finish is called), the default graph on
    disk has ``ex:x ex:p _:v``."""
    path = tmp_path / "value.ttl"
    path.write_text(PREFIXES + "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
                    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                    "ex:p a owl:ObjectProperty .\n"
                    "ex:A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty ex:p ; owl:hasValue _:v ] .\n"
                    "_:v rdfs:label \"an anonymous value\" .\nex:x a ex:A .\n", encoding="utf-8")
    finishing, dumped = threading.Event(), threading.Event()
    write, finish, asserted = persist.StoreWriter._write, persist.StoreWriter.finish, persist.StoreWriter.asserted

    def late_write(self, store, graph, targets):
        if graph is not None:
            finishing.wait(60)
        write(self, store, graph, targets)
        if graph is None:
            dumped.set()

    def asserted_first(self, store):  # the asserted triples are written before the rules add to them
        asserted(self, store)
        dumped.wait(60)

    def finish_now(self, *args, **kwargs):
        finishing.set()
        finish(self, *args, **kwargs)

    monkeypatch.setattr(persist.StoreWriter, "_write", late_write)
    monkeypatch.setattr(persist.StoreWriter, "finish", finish_now)
    monkeypatch.setattr(persist.StoreWriter, "asserted", asserted_first)
    folder = tmp_path / "entry"
    folder.mkdir()
    write_data_store(folder, [path])
    got = _written(folder)
    assert isomorphic(got, _reasoned([path]))
    values = {o for s, p, o in got if s == URIRef("http://example.org/x") and p == URIRef("http://example.org/p")}
    assert len(values) == 1 and (values.pop(), None, None) in got, "the anonymous value, one node with its label"


def test_a_failure_while_writing_reaches_the_caller_and_stops_the_writer(data, tmp_path, monkeypatch):
    def fail(self, *job):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(persist.StoreWriter, "_write", fail)
    with pytest.raises(OSError, match="No space left"):
        write_data_store(tmp_path, [data])
    assert not any(t.name == "aiworkforce-store-writer" for t in threading.enumerate())


def test_an_inconsistent_graph_stops_the_writer_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "loop.ttl"
    path.write_text(PREFIXES + "ex:role a aiw:Role ; aiw:overlapsWith ex:role .\n", encoding="utf-8")
    folder = tmp_path / "entry"
    folder.mkdir()
    with pytest.raises(InconsistencyError, match="prp-irp"):
        write_data_store(folder, [path])
    assert not any(t.name == "aiworkforce-store-writer" for t in threading.enumerate())
    assert [p.name for p in folder.iterdir()] == [STORE]  # the partial store, which the cache removes


def test_a_sink_needs_the_kept_graphs(data):
    store = load_data_store([data])

    class Sink:
        def asserted(self, store):
            pytest.fail("told of anything")

    with pytest.raises(ValueError, match="keep_inferred"):
        saturation(store, sink=Sink())
    engine = RuleEngine(compile_rules(Graph()), trace=True)
    with pytest.raises(ValueError, match="traced"):
        engine.run(ox.Store(), keep=True, sink=Sink())

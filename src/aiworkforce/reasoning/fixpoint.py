"""The fixpoint engine of the compiled OWL 2 RL rules: semi-naive evaluation with immediate updates in pyoxigraph.

A :class:`Rule` is a head and body atoms in SPARQL syntax (``compile_rules`` in :mod:`.rules` builds them from the
closed TBox), together with what its atoms can read and its head can write: the predicates (and, for
``rdf:type``, the classes) each may stand for. :class:`RuleEngine` runs the rules pass after pass; a rule joins
only against the triples derived since it last ran, and only against those another rule's head could have put
where its atoms look (its static dependencies), so rules with nothing new to read are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox
from rdflib.namespace import RDF

SKOLEM = "urn:aiworkforce:bnode:"
ROUND = "urn:aiworkforce:graph:round"
#: A delta graph of at most this many triples is joined by lookups (see :meth:`Rule.seminaive`).
SMALL_DELTA = 1000
#: Over a delta graph of more than this many triples, a rule of one atom guards new memberships as a whole run
#: does (see :meth:`Rule.seminaive` and :func:`_guard`).
LARGE_DELTA = 20000

#: What a triple pattern can match: the IRIs its predicate, and its object, may be (``None``: anything).
Signature = tuple[frozenset | None, frozenset | None]


def blank_node(node):
    """A pyoxigraph term with a skolem IRI turned back into its blank node (other terms as they are); the
    rdflib counterpart is :func:`aiworkforce.reasoning.rules.unskolem`."""
    if isinstance(node, ox.NamedNode) and node.value.startswith(SKOLEM):
        return ox.BlankNode(node.value[len(SKOLEM):])
    return node


def _term_set(token: str, bind: dict) -> frozenset | None:
    if token == "a":
        return frozenset({str(RDF.type)})
    if token.startswith("<") and token.endswith(">"):
        return frozenset({token[1:-1]})
    return bind.get(token)  # a variable: its VALUES column when it has one; a literal or anything else: None


def signature(pattern: str, bind: dict) -> Signature:
    """What the triple ``pattern`` (``s p o``, the object possibly a literal with spaces) can match."""
    _, predicate, obj = pattern.strip().split(" ", 2)
    return _term_set(predicate, bind), _term_set(obj, bind)


def overlap(a: Signature, b: Signature) -> bool:
    """Whether a triple could match both signatures."""
    return all(x is None or y is None or bool(x & y) for x, y in zip(a, b))


@dataclass(frozen=True)
class Rule:
    """One compiled rule: a head pattern and body atoms; the engine runs it semi-naively.

    ``bind`` gives, for the variables a VALUES table in ``extra`` binds, the IRIs they range over (so the engine
    knows which rules' conclusions each atom can read). ``self_closed`` says that the rule's own conclusions
    never let it conclude anything new (``cax-sco`` and ``prp-spo1`` over a transitively closed hierarchy,
    ``prp-symp``, ``prp-inv`` with one inverse per property): the engine then does not feed them back to it.
    """

    name: str
    head: str  # triple patterns to insert
    atoms: tuple[str, ...]  # body triple patterns; at least one must match a triple new since the rule last ran
    extra: str = ""  # VALUES tables and FILTERs, not delta-sensitive
    bind: tuple[tuple[str, frozenset], ...] = ()
    self_closed: bool = False
    transitive: bool = False  # prp-trp (atoms ``?x P ?y``, ``?y P ?z``): the engine closes P at once (:meth:`close`)

    def reads(self) -> tuple[Signature, ...]:
        return tuple(signature(a, dict(self.bind)) for a in self.atoms)

    def writes(self) -> tuple[Signature, ...]:
        return tuple(signature(t, dict(self.bind)) for t in self.head.split(" . "))

    def _insert(self, where: str, into: str, *, whole: bool = False) -> str:
        """Insert the head's triples that are not yet known into the data and into the graph ``into``.

        Solutions are deduplicated before insertion (about twice as fast in pyoxigraph), and the guard makes
        ``into`` hold exactly the new triples, so no bookkeeping pass is needed between steps. ``whole``: the
        rule runs over the whole graph (see :func:`_guard`)."""
        variables = " ".join(sorted(set(re.findall(r"\?\w+", self.head))))
        guards = " ".join(_guard(t, many=whole) for t in self.head.split(" . "))
        # deduplicate first, then check each distinct head once against what is known
        return (f"INSERT {{ {self.head} . GRAPH <{into}> {{ {self.head} }} }} "
                f"WHERE {{ {{ SELECT DISTINCT {variables} WHERE {{ {self.extra} {where} }} }} {guards} }}")

    def full(self, into: str) -> str:
        """The rule over the whole graph (its first run, when every triple is new to it)."""
        return self._insert(" . ".join(self.atoms), into, whole=True)

    @property
    def closes(self) -> str:
        """The property a ``transitive`` rule closes, as its atoms write it (``<IRI>``)."""
        return self.atoms[0].split(" ")[1]

    @property
    def closes_term(self) -> ox.NamedNode:
        """:attr:`closes` as a pyoxigraph term."""
        return ox.NamedNode(self.closes[1:-1])

    def close(self, into: str, graphs: list[str]) -> list[str]:
        """The updates that close a transitive property (a rule with ``transitive``) over the new edges in each of
        ``graphs``, with property paths: for each new edge ``a -> b``, every ``x`` with a path to ``a`` gets every
        ``z`` that ``b`` has a path to. With the property closed before the new edges came (the engine keeps it
        so), that is every pair the new edges add, and the property is closed again: its rule need not read its
        own conclusions (``self_closed``). For more than :data:`SMALL_DELTA` new edges, :meth:`RuleEngine.run`
        closes the property in a store of its own instead (:meth:`closed_pairs`)."""
        step = self.closes
        return [self._insert(f"GRAPH <{graph}> {{ ?a {step} ?b }} ?x {step}* ?a . ?b {step}* ?z", into)
                for graph in graphs]

    def closed_pairs(self) -> str:
        """The query, over a store holding only the transitive property's triples, of the triples its transitive
        closure adds. One walk from each node (``?x P+ ?z``), not one from each edge: over a relation that is
        already closed, as when many new edges join a closed hierarchy, a walk from each of its n² edges costs n
        times more (a closed chain of 200 nodes: 10.7 s against 0.5 s)."""
        step = self.closes
        return (f"CONSTRUCT {{ ?x {step} ?z }} WHERE {{ {{ SELECT DISTINCT ?x ?z WHERE {{ ?x {step}+ ?z }} }} "
                f"FILTER NOT EXISTS {{ ?x {step} ?z }} }}")

    def seminaive(self, deltas: list[list[str]], into: str, *, small: frozenset = frozenset(),
                  large: frozenset = frozenset()) -> list[str]:
        """One update per atom position and delta graph (``deltas[i]`` lists atom ``i``'s): that atom matches
        that graph, the others the whole graph. (One graph per update: each is then an index lookup, where a
        pattern over several graphs scans every named graph.)

        The delta atom is written first and the others follow its variables (:func:`_delta_first`). Over a
        delta graph named in ``small`` (a few triples, as when a contribution is added), an atom whose variables
        are all bound by then is written ``FILTER EXISTS``: one lookup per solution, where pyoxigraph would
        otherwise build a hash table of every triple the atom matches in the whole graph (measured on 1M
        triples: 96 ms -> 0.3 ms per update). A triple pattern with no free variable matches at most one triple,
        so the filter keeps exactly the solutions the join keeps. Over a delta graph named in ``large``, a rule of
        one atom (as many solutions as the delta has triples) guards its head as a whole run does (:func:`_guard`:
        ``prp-dom`` over the 730,000 inverse triples of a 1M-triple graph, 3.5 s -> 0.6 s)."""
        names = self._names()
        return [self._insert(self._from_delta(names, i, graph, graph in small), into,
                             whole=graph in large and len(self.atoms) == 1)
                for i, graphs in enumerate(deltas) for graph in graphs]

    def _names(self) -> list[set[str]]:
        return [set(_VARIABLE.findall(atom)) for atom in self.atoms]

    def _from_delta(self, names: list[set[str]], i: int, graph: str, lookups: bool) -> str:
        """The body with atom ``i`` matching the graph ``graph`` and the others the default graph, the delta atom
        first (:func:`_delta_first`); with ``lookups``, an atom whose variables are all bound by then is written
        ``FILTER EXISTS`` (see :meth:`seminaive`)."""
        rest = [j for j in range(len(self.atoms)) if j != i]
        return self._following(names, f"GRAPH <{graph}> {{ {self.atoms[i]} }}", names[i], rest, lookups)

    def _following(self, names: list[set[str]], start: str, bound: set[str], rest: list[int], lookups: bool) -> str:
        """The pattern ``start`` (binding the variables ``bound``), then the atoms ``rest`` in the order that
        follows their variables (:func:`_follow`)."""
        parts, bound = [start], set(bound)
        for j in _follow(names, bound, rest):
            parts.append(f"FILTER EXISTS {{ {self.atoms[j]} }}" if lookups and names[j] <= bound else self.atoms[j])
            bound |= names[j]
        return " . ".join(parts)

    def overdelete(self, graph: str, into: str, *, derived: str, over: str, small: bool) -> list[str]:
        """Delete-and-rederive, first half: one update per atom, inserting into ``into`` and ``over`` the head's
        instances with a derivation in which that atom matches a triple of ``graph`` (triples being deleted) and
        the others the default graph (still the closure before the deletion), that are in ``derived`` (the
        inferred graph: asserted triples stay) and not yet in ``over``."""
        names = self._names()
        variables = " ".join(sorted(set(_VARIABLE.findall(self.head))))
        return [f"INSERT {{ GRAPH <{into}> {{ {self.head} }} GRAPH <{over}> {{ {self.head} }} }} "
                f"WHERE {{ {{ SELECT DISTINCT {variables} WHERE {{ {self.extra} "
                f"{self._from_delta(names, i, graph, small)} }} }} "
                f"FILTER EXISTS {{ GRAPH <{derived}> {{ {self.head} }} }} "
                f"FILTER NOT EXISTS {{ GRAPH <{over}> {{ {self.head} }} }} }}"
                for i in range(len(self.atoms))]

    def rederive(self, candidates: str, into: str, *, small: bool) -> str:
        """Delete-and-rederive, second half: the update inserting into the data and into ``into`` the head's
        instances in ``candidates`` (deleted triples) that still follow in one step from the default graph. The
        head is matched first, among the candidates, and the atoms follow its variables (with lookups when the
        candidates are ``small``, as in :meth:`seminaive`)."""
        head = set(_VARIABLE.findall(self.head))
        body = self._following(self._names(), f"GRAPH <{candidates}> {{ {self.head} }}", head,
                               list(range(len(self.atoms))), small)
        return (f"INSERT {{ {self.head} . GRAPH <{into}> {{ {self.head} }} }} "
                f"WHERE {{ {{ SELECT DISTINCT {' '.join(sorted(head))} WHERE {{ {self.extra} {body} }} }} "
                f"FILTER NOT EXISTS {{ {self.head} }} }}")


_VARIABLE = re.compile(r"\?\w+")


def _delta_first(names: list[set[str]], first: int) -> list[int]:
    """The order to write a semi-naive run's atoms in (``names``: each atom's variables): the delta atom ``first``,
    then each next atom sharing a variable with those before it (in rule order otherwise). pyoxigraph joins a
    group's patterns in the order written: starting from the new triples, then following their variables, is an
    index lookup per new triple, where the rule's own order may scan a whole predicate first (measured: a
    property chain's run over a contribution's triples, 0.84 s -> 0.3 ms on 1M triples)."""
    return [first, *_follow(names, names[first], [j for j in range(len(names)) if j != first])]


def _follow(names: list[set[str]], bound: set[str], rest: list[int]) -> list[int]:
    """The atoms ``rest`` in join order after patterns binding ``bound``: each next one shares a variable with
    those before it (in rule order otherwise)."""
    order, bound, rest = [], set(bound), list(rest)
    while rest:
        j = next((k for k in rest if names[k] & bound), rest[0])
        order.append(j)
        rest.remove(j)
        bound |= names[j]
    return order


def _close_aside(store, rule: Rule, into: str) -> None:
    """Close the transitive property of ``rule`` in a store holding only its triples, and add the pairs that adds
    to ``store``'s default graph and to the graph ``into``. pyoxigraph's in-memory store finds a term's triples by
    walking all of them: in a reasoned store a skill is the subject of hundreds (a role's skills, inverted), and a
    path walking a hierarchy pays that at every step (measured at 1M ESCO-like triples: 3.6 s for the SKOS
    broader hierarchy in place, 0.3 s aside; joined a level a pass, as the other rules are, 5.3 s)."""
    step = rule.closes
    nt = ox.RdfFormat.N_TRIPLES
    edges = store.query(f"CONSTRUCT {{ ?x {step} ?y }} WHERE {{ ?x {step} ?y }}").serialize(format=nt)
    aside = ox.Store()
    if b"_:" not in edges:  # as N-Triples from store to store, parsed and written by pyoxigraph (0.6 s less at 1M)
        aside.load(edges, format=nt)
        pairs = aside.query(rule.closed_pairs()).serialize(format=nt)
        for graph in (ox.DefaultGraph(), ox.NamedNode(into)):
            store.load(pairs, format=nt, to_graph=graph)
        return
    # blank nodes: a parser gives those of each document new identities, so the terms themselves go across
    aside.extend(ox.Quad(q.subject, q.predicate, q.object)
                 for q in store.quads_for_pattern(None, rule.closes_term, None, ox.DefaultGraph()))
    pairs = list(aside.query(rule.closed_pairs()))
    store.extend(ox.Quad(t.subject, t.predicate, t.object, graph)
                 for t in pairs for graph in (ox.DefaultGraph(), ox.NamedNode(into)))


def _guard(triple: str, *, many: bool) -> str:
    """The filter that keeps a solution only when the head ``triple`` is not known yet (all its variables are bound
    by then, so ``MINUS`` and ``FILTER NOT EXISTS`` mean the same). pyoxigraph answers ``FILTER NOT EXISTS`` by one
    lookup per solution: about 150 µs each for a membership (``?x a ?c``), fast for other heads. ``MINUS`` builds
    one hash table of the memberships instead: 5-8 times faster over the whole graph (``many`` solutions), much
    slower for the few solutions of a run over what is new."""
    if many and triple.split(" ", 2)[1] == "a":
        return f"MINUS {{ {triple} }}"
    return f"FILTER NOT EXISTS {{ {triple} }}"


#: The order rules run in within a pass: those deriving property assertions first, then those deriving
#: memberships, ``cax-sco`` (which spreads memberships to the superclasses) last; most rules then see in their
#: first run what the others derive.
RUN_ORDER = ("prp-spo2", "prp-spo1", "prp-inv", "prp-symp", "prp-trp", "cls-hv1", "prp-dom", "prp-rng", "classify",
             "cls-avf", "cax-sco")


def _run_order(rule: Rule) -> int:
    return RUN_ORDER.index(rule.name.split(" ")[0])


@dataclass(frozen=True)
class Check:
    """A consistency rule (prp-irp, prp-asyp, cax-dw): a SELECT query over the closure returning ``?x ?y`` for each
    violation, and the signatures of its triple patterns (what of the closure it can read)."""

    description: str
    query: str
    reads: tuple[Signature, ...]


@dataclass(frozen=True)
class CompiledRules:
    rules: tuple[Rule, ...]
    checks: tuple[Check, ...]

    def for_checks(self) -> CompiledRules:
        """The rules whose conclusions the checks can read, directly or through other rules' conclusions (the rest
        of the closure cannot make a check fire): the closure they compute holds every triple of the full closure
        that a check can match, so the checks find exactly what they find on the full closure. Signatures
        over-approximate what a pattern matches, so a rule is dropped only when it provably does not matter."""
        needed = [sig for check in self.checks for sig in check.reads]
        chosen: set[int] = set()
        grew = True
        while grew:
            grew = False
            for i, rule in enumerate(self.rules):
                if i not in chosen and any(overlap(out, sig) for out in rule.writes() for sig in needed):
                    chosen.add(i)
                    needed.extend(rule.reads())
                    grew = True
        return CompiledRules(tuple(rule for i, rule in enumerate(self.rules) if i in chosen), self.checks)


class RuleEngine:
    """Runs compiled rules to a fixpoint over a pyoxigraph store holding the (skolemised) data.

    With ``trace=True`` (the mode only ``explain`` uses), every update inserts into a graph of its own and
    :attr:`steps` lists them in order with their rule, so each derived triple can be traced to the one update that
    first derived it; the graphs are kept. The normal path (``trace=False``) does no extra work.
    """

    def __init__(self, rules: CompiledRules, *, trace: bool = False) -> None:
        self.rules = rules
        self.rounds = 0
        self.trace = trace
        self.steps: list[tuple[str, Rule]] = []  # (graph of the update's new triples, its rule), in run order
        self.graphs: list[str] = []  # with keep=True: the step graphs holding the derived triples
        self.derived = 0  # with collect: how many triples the run derived

    def run(self, store, *, delta: str | None = None, collect: str | None = None, keep: bool = False,
            sink=None) -> None:
        """Saturate ``store``'s default graph.

        Semi-naive evaluation with immediate updates: the rules run one after the other (in :data:`RUN_ORDER`),
        pass after pass, and each run's new triples go to a graph of their own
        (``<urn:aiworkforce:graph:round/N>``). A rule's first run joins against the whole graph. Each later run
        joins once per body atom, with that atom restricted to the graphs written since the rule last ran by
        rules whose head can match it, and the other atoms to the whole default graph (the closure so far). A
        rule with nothing new to read is skipped; the run ends when a whole pass finds nothing new. The step
        graphs are removed at the end; :attr:`rounds` counts the passes.

        Incremental use: ``delta`` names a graph holding triples just added to an already saturated default
        graph; every rule's first run then only joins against them. ``collect`` names a graph that receives every
        derived triple (the inferred graph of a cached store). ``keep=True`` keeps the step graphs instead, and
        :attr:`graphs` lists those holding triples: together they are every derived triple, each once (copying
        them into one graph costs about a tenth of a large run). With ``keep``, a ``sink`` (a
        :class:`~aiworkforce.reasoning.persist.StoreWriter`) is told of each step graph holding triples as soon as
        its step ends (no rule adds to it after that).
        """
        if sink is not None and (self.trace or not keep):
            raise ValueError("a sink is told of the step graphs that are kept, and a traced run keeps its own")
        if self.trace:
            return self._run_traced(store, delta=delta)
        rules = sorted(self.rules.rules, key=_run_order)
        writes = [rule.writes() for rule in rules]
        # feeds[i][w]: the atoms of rule i that rule w's conclusions can match
        feeds = [[[k for k, sig in enumerate(rule.reads()) if any(overlap(sig, out) for out in writes[w])
                   and not (w == i and rule.self_closed)] for w in range(len(rules))] for i, rule in enumerate(rules)]
        log: list[tuple[str, int | None]] = [(delta, None)] if delta is not None else []  # (graph, writer)
        seen: list[int | None] = [0 if delta is not None else None for _ in rules]  # how much of the log each read
        nonempty: dict[str, bool] = {}

        def has_triples(graph: str) -> bool:
            if graph not in nonempty:
                nonempty[graph] = next(iter(store.quads_for_pattern(None, None, None, ox.NamedNode(graph))),
                                       None) is not None
            return nonempty[graph]

        def size(graph: str) -> int:
            """How many triples ``graph`` holds, counted up to :data:`LARGE_DELTA` + 1 (once per graph; counted by
            pyoxigraph, not by making a Python object of each triple)."""
            if graph not in sizes:
                count = (f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT * WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} "
                         f"LIMIT {LARGE_DELTA + 1} }} }}")
                sizes[graph] = int(next(iter(store.query(count)))[0].value)
            return sizes[graph]

        sizes: dict[str, int] = {}

        def new_edges(rule: Rule, graphs) -> int:
            """How many triples of the transitive property of ``rule`` the ``graphs`` hold, counted up to
            :data:`SMALL_DELTA` + 1 (triples of other properties do not make a closure run)."""
            step = rule.closes_term
            quads = (q for g in graphs for q in store.quads_for_pattern(None, step, None, ox.NamedNode(g)))
            return sum(1 for _ in islice(quads, SMALL_DELTA + 1))

        written: list[str] = []
        self.rounds = 0
        while True:
            self.rounds += 1
            active = False
            for i, rule in enumerate(rules):
                deltas = None
                if seen[i] is not None:
                    deltas = [[] for _ in rule.atoms]
                    for graph, writer in filter(lambda entry: has_triples(entry[0]), log[seen[i]:]):
                        for k in (range(len(rule.atoms)) if writer is None else feeds[i][writer]):
                            deltas[k].append(graph)
                seen[i] = len(log)  # its own conclusions, logged next, are new to it on its next run
                if deltas is not None and not any(deltas):
                    continue
                active = True
                into = f"{ROUND}/{len(written) + 1}"
                written.append(into)
                log.append((into, i))
                read = {g for graphs in deltas for g in graphs} if deltas is not None else set()
                if rule.transitive and (deltas is None or new_edges(rule, read) > SMALL_DELTA):
                    _close_aside(store, rule, into)
                    updates = []
                elif rule.transitive:
                    updates = rule.close(into, sorted(read))
                else:
                    updates = [rule.full(into)] if deltas is None else rule.seminaive(
                        deltas, into, small=frozenset(g for g in read if size(g) <= SMALL_DELTA),
                        large=frozenset(g for g in read if size(g) > LARGE_DELTA))
                for update in updates:
                    store.update(update)
                if sink is not None and has_triples(into):
                    sink.inferred(store, into)
            if not active:
                break
        self.graphs = [graph for graph in written if has_triples(graph)] if keep else []
        self.derived = 0
        for graph in written:
            if collect and has_triples(graph):
                quads = list(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
                self.derived += len(quads)  # each step graph holds only new triples, none twice (the guards)
                store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(collect)) for q in quads)
            if graph not in self.graphs and store.contains_named_graph(ox.NamedNode(graph)):
                store.remove_graph(ox.NamedNode(graph))  # not DROP GRAPH, which costs a scan of the store each time

    def _run_traced(self, store, *, delta: str | None) -> None:
        """The traced run ``explain`` uses: round by round, every rule over what the last round added, every
        update into a graph of its own, kept."""
        self.rounds = 0
        while True:
            self.rounds += 1
            into = f"{ROUND}/{self.rounds}"
            for rule in self.rules.rules:
                for i in range(1 if delta is None else len(rule.atoms)):
                    step = f"{into}/{len(self.steps)}"
                    self.steps.append((step, rule))
                    store.update(rule.full(step) if delta is None
                                 else rule.seminaive([[delta] if j == i else [] for j in range(len(rule.atoms))],
                                                     step)[0])
                    store.update(f"INSERT {{ GRAPH <{into}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{step}> {{ ?s ?p ?o }} }}")
            delta = into
            if next(iter(store.quads_for_pattern(None, None, None, ox.NamedNode(into))), None) is None:
                break

    def inconsistencies(self, store) -> list[str]:
        out = []
        for check in self.rules.checks:
            for solution in store.query(check.query):
                out.append(f"{check.description}: {str(solution[0].value).replace(SKOLEM, '_:')}")
        return sorted(set(out))

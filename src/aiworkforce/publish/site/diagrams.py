"""The site's diagrams, drawn from the graph as Graphviz DOT and rendered to SVG at build time by one run of
``dot`` (Debian's ``graphviz`` package; ``tools/ensure-docs-tools.sh`` installs it): the layer stack, each role's
neighbourhood (its layers, essential and optional skills, overlapping roles) and the class hierarchy.
Pages embed them as images with a text alternative; no JavaScript is needed to see them.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from aiworkforce.errors import InputError, UsageError
from aiworkforce.present.html import compact, pick
from aiworkforce.rdf.prefixes import PREFIXES
from aiworkforce.rdf.terms import Term

__all__ = ["class_hierarchy", "layer_stack", "render", "role_neighbourhood"]

AIW = PREFIXES["aiw"]
_FONT = 'fontname="Helvetica,Arial,sans-serif" fontsize=11'


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _labels(engine, lang: str, pattern: str, bindings=None) -> dict[str, str]:
    """IRI -> label (in ``lang``, English fallback) of the ``?x`` that ``pattern`` matches."""
    grouped: dict[str, list] = {}
    for x, label in engine.query(f"SELECT ?x ?l WHERE {{ {pattern} ?x skos:prefLabel|rdfs:label ?l }}",
                                 bindings or {}).rows:
        grouped.setdefault(x.value, []).append(label)
    return {x: pick(labels, lang).value for x, labels in grouped.items()}


def layer_stack(engine, links, lang: str) -> str:
    """The layers in their stack order (aiw:stackOrder, bottom first), with the layers each builds on."""
    rows = engine.query(f"SELECT ?layer ?order WHERE {{ ?layer a <{AIW}Layer> ; <{AIW}stackOrder> ?order }} "
                        "ORDER BY DESC(?order)").rows
    labels = _labels(engine, lang, f"?x a <{AIW}Layer> .")
    lines = [f"digraph layers {{ rankdir=BT; node [shape=box style=\"rounded,filled\" fillcolor=\"#eaf0fb\" {_FONT}];",
             f"edge [color=\"#5b6475\" {_FONT}];"]
    for layer, order in rows:
        lines.append(f"{_q(layer.value)} [label={_q(labels.get(layer.value, compact(layer.value)))} "
                     f"href={_q(links.term(layer.value))} target=\"_top\"];")
    for a, b in engine.query(f"SELECT ?a ?b WHERE {{ ?a <{AIW}buildsOn> ?b FILTER NOT EXISTS {{ ?a <{AIW}buildsOn> ?c . "
                             f"?c <{AIW}buildsOn> ?b }} }}").rows:
        lines.append(f"{_q(b.value)} -> {_q(a.value)};")
    lines.append("}")
    return "\n".join(lines)


def role_neighbourhood(engine, links, lang: str, role: str) -> str:
    """One role, its layers, its essential and optional skills and the roles it overlaps with."""
    edges = engine.query(f"""SELECT ?role ?p ?other WHERE {{
  VALUES ?p {{ <{AIW}inLayer> <{AIW}spansLayer> <{AIW}requiresEssentialSkill> <{AIW}requiresOptionalSkill>
              <{AIW}overlapsWith> }}
  ?role ?p ?other FILTER(isIRI(?other)) }}""", {"role": Term.iri(role)}).rows
    edges = [(p, o) for _, p, o in edges]
    labels = {}
    for iri in {o.value for _, o in edges} | {role}:
        labels.update(_labels(engine, lang, "", {"x": Term.iri(iri)}))
    style = {"inLayer": 'shape=box style="rounded,filled" fillcolor="#eaf0fb"',
             "spansLayer": 'shape=box style="rounded,filled" fillcolor="#eaf0fb"',
             "requiresEssentialSkill": 'shape=ellipse style=filled fillcolor="#e6f4ea"',
             "requiresOptionalSkill": 'shape=ellipse style="dashed"',
             "overlapsWith": 'shape=box style="filled" fillcolor="#fdf2e6"'}
    # radial: the role in the middle, its neighbours around it; the kind of link is the neighbour's shape (the
    # caption of the figure says which), so parallel links (inLayer and spansLayer to one layer) are drawn once
    lines = [f"strict digraph role {{ layout=twopi; ranksep=2.2; overlap=false; root={_q(role)}; node [{_FONT}]; "
             f"edge [color=\"#5b6475\"];",
             f"{_q(role)} [label={_q(labels.get(role, compact(role)))} shape=box style=\"bold,filled\" "
             f"fillcolor=\"#ffffff\" href={_q(links.term(role))} target=\"_top\"];"]
    seen = set()
    for p, other in edges:
        kind = p.value[len(AIW):]
        if other.value not in seen:
            seen.add(other.value)
            lines.append(f"{_q(other.value)} [label={_q(labels.get(other.value, compact(other.value)))} {style[kind]} "
                         f"href={_q(links.term(other.value))} target=\"_top\"];")
        lines.append(f"{_q(role)} -> {_q(other.value)};")
    lines.append("}")
    return "\n".join(lines)


def class_hierarchy(engine, links, lang: str) -> str:
    """The ontology's classes and their asserted named superclasses."""
    labels = {}
    rows = engine.query(f"""SELECT ?c ?super WHERE {{ ?c a owl:Class FILTER(STRSTARTS(STR(?c), "{AIW}"))
  OPTIONAL {{ ?c rdfs:subClassOf ?super FILTER(isIRI(?super) && ?super != ?c && ?super != owl:Thing
     && NOT EXISTS {{ ?c rdfs:subClassOf ?mid . ?mid rdfs:subClassOf ?super
                      FILTER(isIRI(?mid) && ?mid != ?c && ?mid != ?super) }}) }} }}""").rows
    labels = {c.value: compact(c.value) for c, _ in rows}
    lines = [f"digraph classes {{ rankdir=RL; node [shape=box style=\"rounded\" {_FONT}]; edge [arrowhead=empty];"]
    for iri, label in sorted(labels.items()):
        lines.append(f"{_q(iri)} [label={_q(label)} href={_q(links.term(iri))} target=\"_top\"];")
    for c, sup in rows:
        if sup is not None:
            if sup.value not in labels:
                labels[sup.value] = compact(sup.value)
                lines.append(f"{_q(sup.value)} [label={_q(labels[sup.value])} href={_q(links.term(sup.value))} "
                             "target=\"_top\"];")
            lines.append(f"{_q(c.value)} -> {_q(sup.value)};")
    lines.append("}")
    return "\n".join(lines)


def render(sources: dict[Path, str]) -> None:
    """Write each DOT text to its path with ``.dot`` and render all of them to ``.svg`` beside it, in one ``dot``
    process; the ``.dot`` files are removed afterwards."""
    dot = shutil.which("dot")
    if dot is None:
        raise UsageError("the docs site draws its diagrams with Graphviz, and `dot` was not found",
                         hint="install Graphviz: sudo apt-get install -y graphviz (or run tools/ensure-docs-tools.sh)")
    files = []
    for path, text in sources.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        source = path.with_suffix(".dot")
        source.write_text(text, encoding="utf-8")
        files.append(source)
    if not files:
        return
    try:
        done = subprocess.run([dot, "-Tsvg", "-O", *map(str, files)], capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError(f"Graphviz dot failed: {exc}", path=files[0].parent) from None
    if done.returncode != 0:
        raise InputError(f"Graphviz dot failed: {done.stderr.strip()[:500]}", path=files[0].parent)
    for source in files:
        rendered = source.with_name(source.name + ".svg")  # dot -O writes NAME.dot.svg
        rendered.replace(source.with_suffix(".svg"))
        source.unlink()

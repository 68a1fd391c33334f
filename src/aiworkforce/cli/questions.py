"""Commands that ask questions: queries, query, sparql, describe, explain, search."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from aiworkforce.errors import UsageError
from aiworkforce.graph import KnowledgeGraph, RemoteGraph
from aiworkforce.query.registry import QUERY_ENGINES

from ._app import _DATA_HELP, _ENGINE_HELP, Engine, GraphFormat, ResultFormat, TextOrJson, app
from ._progress import progress_bars


_LANG_HELP = ("Language of the labels shown, a BCP 47 tag (de, es, ...); a term without a label in it is shown "
              "in English.")


def _complete_query_name(incomplete: str) -> list[str]:
    from aiworkforce.rdf.resources import data_files

    return [p.stem for p in data_files("queries") if p.stem.startswith(incomplete)]


def _complete_param(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Tab after -p: the query's parameters (``role=``), then the terms the parameter takes (by slug, matched on
    slug or label) or its allowed values."""
    from aiworkforce.query.complete import complete_param

    given = {p.partition("=")[0] for p in ctx.params.get("param") or ()}
    # click leaves the query name among the unparsed args while -p still waits for its value
    name = ctx.params.get("name") or next((a for a in ctx.args if not a.startswith("-")), "")
    graph = KnowledgeGraph() if "=" in incomplete else None
    completions = complete_param(name, incomplete, graph, given=given)
    if os.environ.get("_AIWORKFORCE_COMPLETE", "").endswith("bash"):  # bash inserts the word as it is given
        return [(c.value.replace(" ", "\\ "), c.help) for c in completions]
    return [(c.value, c.help) for c in completions]


_FORMAT_HELP = ("Every row is one line and no value is ever split; line breaks inside values "
                "are written \\n. Piped or redirected output is never wrapped or cut; on a terminal a table fits "
                "the width by cutting long cells with an ellipsis (…).")


def _parse_params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"parameter {pair!r} is not key=value", hint='write it as -p role="Data Engineer"')
        params[key.strip()] = value
    return params


@app.command("queries")
def list_queries(
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")] = TextOrJson.text,
) -> None:
    """List the stored queries: names, summaries and parameters."""
    from aiworkforce.query.catalogue import catalogue

    queries = list(catalogue().values())
    if fmt is TextOrJson.json:
        typer.echo(json.dumps([
            {"name": q.name, "summary": q.summary, "description": q.description, "tags": list(q.tags),
             "params": [{"name": p.name, "kind": p.kind, "class": p.cls, "required": p.required,
                         "default": p.default, "example": p.example, "description": p.description}
                        for p in q.params]}
            for q in queries
        ], indent=2))
        return
    from aiworkforce.present.tables import table

    def params(q) -> str:
        return ", ".join(p.name if p.required else f"[{p.name}]" for p in q.params) or "-"

    typer.echo(table(["query", "parameters", "answers"], [[q.name, params(q), q.summary] for q in queries]))
    typer.echo("\nRun one with: aiworkforce query NAME [-p key=value]...  ([x]: optional)")


@app.command()
def query(
    name: Annotated[str, typer.Argument(help="Stored query name (see `aiworkforce queries`).",
                                        autocompletion=_complete_query_name)],
    param: Annotated[list[str], typer.Option("--param", "-p", help="A parameter as key=value; repeatable.",
                                             autocompletion=_complete_param)] = [],  # noqa: B006
    fmt: Annotated[ResultFormat, typer.Option("--format", "-f", help="Output format. " + _FORMAT_HELP)] = ResultFormat.table,
    limit: Annotated[Optional[int], typer.Option("--limit", "-n", min=0, help=(
        "Show the first N rows; the footer then says 'first N of M rows' (table: on stderr; md: in the "
        "document; csv/tsv/json: a note on stderr). A stored query's own row-count parameter (-p limit=N "
        "where `aiworkforce queries` lists one) is this same limit: give one of the two."))] = None,
    engine: Annotated[Optional[Engine], typer.Option(help=_ENGINE_HELP)] = None,
    endpoint: Annotated[Optional[str], typer.Option(
        help="Run on this remote SPARQL 1.1 query endpoint instead (it must hold the reasoned graph).")] = None,
    data: Annotated[Optional[list[Path]], typer.Option("--data", help=_DATA_HELP, exists=False)] = None,
    lang: Annotated[Optional[str], typer.Option("--lang", help=_LANG_HELP + " Same as -p lang=TAG.")] = None,
) -> None:
    """Run a stored query by name. Parameters accept a label, alternative label, slug, CURIE or IRI."""
    from aiworkforce.query.run import run_query

    params = _parse_params(param)
    if lang is not None:
        if params.get("lang", lang) != lang:
            raise UsageError(f"--lang {lang} and -p lang={params['lang']} disagree", hint="give the language once")
        params["lang"] = lang
    if endpoint is not None and data:
        raise UsageError("--data joins files with the local graph; a remote endpoint has its own data",
                         hint="drop --data, or push the joined graph to the endpoint first")
    with progress_bars() as progress:  # building a joined graph shows progress bars on a terminal
        graph = RemoteGraph(endpoint) if endpoint is not None else KnowledgeGraph(data or (), progress=progress)
        result = run_query(graph, name, params, limit=limit, engine=engine and engine.value)
    _write_select(result, fmt)


def _write_select(result, fmt: ResultFormat) -> None:
    from aiworkforce.present.tables import render_select
    from aiworkforce.rdf.prefixes import PREFIXES

    text, note = render_select(result, fmt.value, PREFIXES)
    sys.stdout.write(text)
    if note:
        sys.stdout.flush()
        typer.echo(note, err=True)


@app.command()
def sparql(
    file: Annotated[str, typer.Argument(help="A file holding the query, or - to read standard input.")],
    fmt: Annotated[ResultFormat, typer.Option("--format", "-f", help="Format of SELECT results. " + _FORMAT_HELP)] = ResultFormat.table,
    rdf_format: Annotated[GraphFormat, typer.Option("--rdf-format", help="Format of CONSTRUCT/DESCRIBE results.")] = GraphFormat.ttl,
    engine: Annotated[Engine, typer.Option(help=_ENGINE_HELP)] = Engine(QUERY_ENGINES.default),
    data: Annotated[Optional[list[Path]], typer.Option("--data", help=_DATA_HELP)] = None,
    timeout: Annotated[float, typer.Option(min=0.001, help="Seconds the query may run before it is stopped (exit 2).")] = 60.0,
    memory: Annotated[int, typer.Option(min=16, help="MiB of memory the query may use before it is stopped (exit 2).")] = 2048,
) -> None:
    """Run an ad hoc read-only SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE) over the reasoned graph.

    SERVICE, FROM, LOAD and updates are refused: queries never reach files or the network.
    """
    from aiworkforce.rdf.load import read_text
    from aiworkforce.query.run import run_sparql

    if file == "-":
        source = "<stdin>"
        try:  # bytes, decoded strictly, so a wrong encoding is an input error, not a crash
            stream = getattr(sys.stdin, "buffer", None)
            text = stream.read().decode("utf-8") if stream is not None else sys.stdin.read()
        except UnicodeDecodeError as exc:
            from aiworkforce.errors import InputError

            raise InputError(f"not valid UTF-8 (byte at offset {exc.start})", path=source,
                             hint="send the query as UTF-8") from None
    else:
        text, source = read_text(Path(file)), file
    result = run_sparql(KnowledgeGraph(data or ()), text, engine=engine.value, source=source,
                        timeout=timeout, memory=memory * 2**20)
    if result.kind == "ask":
        typer.echo(json.dumps({"boolean": result.boolean}) if fmt is ResultFormat.json else str(result.boolean).lower())
    elif result.kind == "select":
        _write_select(result, fmt)
    else:
        from aiworkforce.rdf.formats import by_name
        from aiworkforce.rdf.serialize import serialize
        from aiworkforce.rdf.terms import to_rdflib
        from rdflib import Graph

        graph = Graph()
        for triple in result.triples:
            graph.add(tuple(to_rdflib(t) for t in triple))
        sys.stdout.write(serialize(graph, by_name(rdf_format.value).rdflib))


@app.command()
def describe(
    term: Annotated[str, typer.Argument(help="A label, slug, CURIE or IRI.")],
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")] = TextOrJson.text,
    engine: Annotated[Engine, typer.Option(help=_ENGINE_HELP)] = Engine(QUERY_ENGINES.default),
    why: Annotated[bool, typer.Option("--why", help="Also explain each inferred fact: the OWL 2 RL rule and its "
                                                    "premises, down to asserted triples.")] = False,
    lang: Annotated[str, typer.Option("--lang", help=_LANG_HELP)] = "en",
) -> None:
    """Everything the reasoned graph says about one term; inferred facts are marked (--why explains them)."""
    from aiworkforce.query.describe import describe as run_describe
    from aiworkforce.rdf.labels import language_tag
    from aiworkforce.rdf.prefixes import PREFIXES

    d = run_describe(KnowledgeGraph(), term, engine=engine.value, why=why, lang=language_tag(lang))
    if fmt is TextOrJson.json:
        facts = [{"direction": f.direction, "predicate": f.predicate.value, "value": f.other.value,
                  "label": f.other_label, "inferred": f.inferred} for f in d.facts]
        if why:
            from aiworkforce.present.explain import explanation_json

            for fact, explanation in zip([f for f in facts if f["inferred"]], d.explanations):
                fact["why"] = explanation_json(explanation) if explanation is not None else None
        typer.echo(json.dumps({"term": d.term.value, "facts": facts}, indent=2, ensure_ascii=False))
        return
    from aiworkforce.present.tables import table

    typer.echo(d.term.compact(PREFIXES))
    for direction, title in (("out", "Facts about it"), ("in", "Facts pointing to it")):
        rows = [[f.predicate.compact(PREFIXES), f.other_label or f.other.compact(PREFIXES),
                 "inferred" if f.inferred else "asserted"] for f in d.facts if f.direction == direction]
        if rows:
            typer.echo(f"\n{title}:")
            typer.echo(table(["property", "value", "source"], rows))
    if why:
        from aiworkforce.present.explain import explanation_text

        typer.echo("\nWhy the inferred facts hold:")
        for explanation in d.explanations:
            typer.echo("")
            sys.stdout.write(explanation_text(explanation) if explanation is not None else
                             "(a fact about an anonymous class expression: explain it through a named class)\n")


@app.command()
def explain(
    subject: Annotated[str, typer.Argument(help="The subject: a label, slug, CURIE or IRI.")],
    predicate: Annotated[str, typer.Argument(help="The property: a CURIE, an IRI, `a` (rdf:type) or its label.")],
    obj: Annotated[str, typer.Argument(metavar="OBJECT", help="The object: a label, slug, CURIE or IRI.")],
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")] = TextOrJson.text,
    data: Annotated[Optional[list[Path]], typer.Option("--data", help=_DATA_HELP)] = None,
) -> None:
    """Explain why a triple holds: the OWL 2 RL rule that derived it (prp-spo2, cax-sco, ...) and its premises,
    as a tree down to asserted triples.

    Exit 0 with the derivation (an asserted triple says it is asserted), 1 when the triple is not in the closure,
    2 on an unknown term or an input whose closure comes from owlrl (it records no derivations).
    """
    from aiworkforce.present.explain import explanation_json, explanation_text
    from aiworkforce.query.describe import explain as run_explain

    explanation = run_explain(KnowledgeGraph(data or ()), subject, predicate, obj)
    if fmt is TextOrJson.json:
        typer.echo(json.dumps(explanation_json(explanation), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(explanation_text(explanation))


@app.command()
def search(
    text: Annotated[list[str], typer.Argument(help="Words (or beginnings of words) to look for in labels, alternative labels and definitions.")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most N matches.")] = 25,
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")] = TextOrJson.text,
    engine: Annotated[Engine, typer.Option(help=_ENGINE_HELP)] = Engine(QUERY_ENGINES.default),
) -> None:
    """Find terms whose label, alternative label or definition holds every word given, as a word or the start of
    one; exact titles first, then alternative titles, then definitions, each with the text that matched."""
    from aiworkforce.rdf.prefixes import PREFIXES
    from aiworkforce.query.search import search as run_search

    matches = run_search(KnowledgeGraph(), " ".join(text), limit=limit, engine=engine.value)
    if fmt is TextOrJson.json:
        typer.echo(json.dumps([{"term": m.term.value, "label": m.label,
                                "type": m.type.value if m.type else None, "field": m.field, "text": m.text,
                                "matched": m.matched}
                               for m in matches], indent=2, ensure_ascii=False))
        return
    if not matches:
        typer.echo(f"no matches for {' '.join(text)!r}", err=True)
        return
    from aiworkforce.present.tables import table

    typer.echo(table(["label", "type", "matched in", "matched text", "term"],
                     [[m.label, m.type.compact(PREFIXES) if m.type else "", m.field,
                       "" if m.field == "label" else m.matched, m.term.compact(PREFIXES)] for m in matches]))


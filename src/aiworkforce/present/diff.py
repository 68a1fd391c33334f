"""Renderings of a :class:`~aiworkforce.publish.diff.GraphDiff`: plain text, Markdown release notes and JSON."""

from __future__ import annotations

from aiworkforce.rdf.prefixes import PREFIXES
from aiworkforce.rdf.terms import Term as RDFTerm


def _curie(iri: str) -> str:
    return RDFTerm.iri(iri).compact(PREFIXES)


def _values(change) -> str:
    parts = [f"- {v}" for v in change.removed] + [f"+ {v}" for v in change.added]
    return "; ".join(parts)


def _summary(d) -> list[str]:
    lines = [f"{len(d.added)} terms added, {len(d.removed)} removed, {len(d.relabelled())} relabelled, "
             f"{len(d.redefined())} redefined, "
             f"{sum(len(v) for v in d.links().values())} with changed links"]
    if d.other_added or d.other_removed:
        lines.append(f"{d.other_added} other triples added and {d.other_removed} removed (evidence statements and "
                     "other nodes that are not terms)")
    if d.anonymous_changed:
        lines.append("class expressions written with blank nodes changed")
    return lines


def diff_text(d) -> str:
    if d.same:
        return f"no differences: {d.old} and {d.new} hold the same graph ({d.triples['new']:,} triples)\n"
    out = [f"{d.old} ({d.triples['old']:,} triples) -> {d.new} ({d.triples['new']:,} triples)", *_summary(d)]
    for title, terms in (("Added", d.added), ("Removed", d.removed)):
        if terms:
            out += ["", f"{title}:"] + [f"  {t.kind}: {t.label} ({_curie(t.iri)})" for t in terms]
    sections = [("Relabelled", d.relabelled()), ("Redefined", d.redefined()),
                *((f"Changed links, {name}", changes) for name, changes in d.links().items())]
    for title, changes in sections:
        if changes:
            out += ["", f"{title}:"]
            out += [f"  {c.term.label} ({_curie(c.term.iri)}): {_values(c)}" for c in changes]
    return "\n".join(out) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def diff_markdown(d, *, title: str | None = None) -> str:
    """Release notes: a summary, then one section per kind of change, each a table."""
    out = [f"# {title or 'Changes'}", "", f"From `{d.old}` to `{d.new}`.", ""]
    if d.same:
        return "\n".join(out + ["No differences: the two graphs are the same.", ""])
    out += [f"- {line}" for line in _summary(d)] + [""]
    for heading, terms in (("Added terms", d.added), ("Removed terms", d.removed)):
        if terms:
            out += [f"## {heading}", "", "| kind | term | IRI |", "|---|---|---|"]
            out += [f"| {_md_cell(t.kind)} | {_md_cell(t.label)} | `{_curie(t.iri)}` |" for t in terms] + [""]
    sections = [("Relabelled", d.relabelled()), ("Redefined", d.redefined()),
                *((f"Changed links: {name}", changes) for name, changes in d.links().items())]
    for heading, changes in sections:
        if changes:
            out += [f"## {heading}", "", "| term | before | after |", "|---|---|---|"]
            out += [f"| {_md_cell(c.term.label)} (`{_curie(c.term.iri)}`) | {_md_cell('; '.join(c.removed))} | "
                    f"{_md_cell('; '.join(c.added))} |" for c in changes] + [""]
    return "\n".join(out)


def diff_json(d) -> dict:
    def term(t):
        return {"iri": t.iri, "label": t.label, "kind": t.kind}

    return {
        "old": d.old, "new": d.new, "same": d.same, "triples": d.triples,
        "added": [term(t) for t in d.added], "removed": [term(t) for t in d.removed],
        "changed": [{"term": term(c.term), "property": c.property, "propertyLabel": c.property_label,
                     "removed": list(c.removed), "added": list(c.added)} for c in d.changes],
        "otherTriples": {"added": d.other_added, "removed": d.other_removed},
        "anonymousChanged": d.anonymous_changed,
    }

"""Commented templates for a new role, in YAML or Turtle, that validate as soon as they are filled in."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from aiworkforce.errors import UsageError

_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

YAML_TEMPLATE = """\
# A new role for the aiworkforce knowledge graph. Fill in the empty values, then run:
#   aiworkforce validate {slug}.yaml      (exit 0 = ready to merge)
#   aiworkforce add {slug}.yaml           (merges it into the knowledge base)
# References (layers, skills, roles, concerns) are slugs such as `data-engineer`, CURIEs such as
# `skill:observability`, or full IRIs. Find them with `aiworkforce search WORDS` or `aiworkforce queries`.
roles:
  - slug: {slug}
    label: {label}               # the usual job title, in English
    alt_labels: []               # other titles for the same work, e.g. [Prompt designer]
    definition:                  # 1-3 sentences in your own words: what the role does and why
    hybrid: false                # true if the role joins two fields (then fill combines / combines_expertise)
    layers: []                   # at least one: research, engineering, data, infrastructure, data-center,
                                 # cloud-platform, security, product, governance, consulting, operations
    essential_skills: []         # at least three skills the role cannot do without
    optional_skills: []          # skills that help or are asked for in some jobs
    specialises: []              # broader roles this one is a narrower kind of
    overlaps: []                 # roles whose work blurs with this one
    collaborates_with: []        # roles it works with day to day
    combines: []                 # hybrids only: the roles it joins
    combines_expertise: []       # hybrids only: the skills it adds
    concerns: []                 # risks or challenges it is responsible for, e.g. [prompt-injection]
    alignments: []               # e.g. [{{match: broad, target: "isco:C2512"}}]; match: exact|close|broad|narrow|related
    source:                      # the article section it comes from, e.g. engineering-layer (ontology/sources.ttl)
# New skills or concerns the role needs can be defined here too:
# skills:
#   - slug: prompt-design
#     label: Prompt design
#     kind: technical             # transferable | technical | domain
#     definition: ...
#     source: engineering-layer
"""

TTL_TEMPLATE = """\
# A new role for the aiworkforce knowledge graph. Uncomment and fill in the lines, then run:
#   aiworkforce validate {slug}.ttl      (exit 0 = ready to merge)
#   aiworkforce add {slug}.ttl           (merges it into the knowledge base)
@prefix aiw:     <https://w3id.org/aiworkforce/ontology#> .
@prefix role:    <https://w3id.org/aiworkforce/role/> .
@prefix layer:   <https://w3id.org/aiworkforce/layer/> .
@prefix skill:   <https://w3id.org/aiworkforce/skill/> .
@prefix concern: <https://w3id.org/aiworkforce/concern/> .
@prefix scheme:  <https://w3id.org/aiworkforce/scheme/> .
@prefix src:     <https://w3id.org/aiworkforce/source/> .
@prefix isco:    <http://data.europa.eu/esco/isco/> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

role:{slug}
    a aiw:Role ;                               # aiw:HybridRole for a role that joins two fields
    skos:inScheme scheme:roles ;
    skos:prefLabel "{label}"@en ;
    aiw:basis aiw:Editorial ; dcterms:source src:editors ;   # a contributed role is an editorial addition
    skos:editorialNote "Contributed through the aiworkforce contribution workflow; not drawn from the article."@en ;
    # skos:altLabel "Another title"@en ;
    # skos:definition "1-3 sentences in your own words: what the role does and why."@en ;
    # aiw:inLayer layer:engineering ;          # at least one layer (see ontology/layers.ttl)
    # aiw:requiresEssentialSkill skill:a , skill:b , skill:c ;   # at least three
    # aiw:requiresOptionalSkill skill:d ;
    # aiw:specialises role:broader-role ;
    # aiw:overlapsWith role:similar-role ;
    # aiw:collaboratesWith role:partner-role ;
    # aiw:addressesConcern concern:some-concern ;
    # skos:broadMatch isco:C2512 ;             # exact|close|broad|narrow|relatedMatch to ISCO/ESCO/O*NET
    # dcterms:source src:engineering-layer ;  # the article section it comes from
    .
"""


@dataclass(frozen=True)
class RoleTemplate:
    slug: str
    label: str
    text: str
    derived_slug: bool  # the slug was made from a title the user typed


_LABELS = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?label WHERE { ?term skos:prefLabel|skos:altLabel ?label }"""


def known_casing(graph) -> dict[str, str]:
    """How the knowledge graph's own titles write words that are not simply capitalised: {"ai": "AI", "mlops":
    "MLOps", "gpu": "GPU", ...}, the most frequent spelling of each, read from ``graph``'s labels."""
    seen: dict[str, Counter] = {}
    for (label,) in graph.engine().query(_LABELS).rows:
        for word in re.findall(r"[^\W_]+", label.value):
            if word not in (word.lower(), word.capitalize()):
                seen.setdefault(word.lower(), Counter())[word] += 1
    return {key: forms.most_common(1)[0][0] for key, forms in seen.items()}


def slugify(title: str) -> str:
    """The slug of a title: "AI Red Teamer" -> "ai-red-teamer" (ASCII letters and digits, single hyphens)."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def title_of(slug: str, casing: dict[str, str] | None = None) -> str:
    """A title for a slug, spelling known words as the knowledge graph does: "ai-red-teamer" -> "AI Red Teamer"."""
    casing = casing or {}
    return " ".join(casing.get(word, word.capitalize()) for word in slug.split("-"))


def new_role(name: str, fmt: str | None = None, *, graph=None, output=None) -> RoleTemplate:
    """A template for a new role named by its slug (``ai-red-teamer``) or its title (``"AI Red Teamer"``, whose
    slug is derived). The title made from a slug spells words as the labels of ``graph`` (a
    :class:`~aiworkforce.graph.KnowledgeGraph`) do: "AI Red Teamer", not "Ai Red Teamer". ``fmt`` None: the
    format the name of the file it will be written to (``output``) means (:func:`template_format`)."""
    fmt = template_format(fmt, output)
    name = name.strip()
    if _SLUG.match(name):
        slug, label, derived = name, title_of(name, known_casing(graph) if graph is not None else None), False
    else:
        slug, label, derived = slugify(name), " ".join(name.split()), True
        if not _SLUG.match(slug):
            raise UsageError(f"{name!r} is neither a slug nor a title a slug can be made from",
                             hint="use letters and digits, e.g. `aiworkforce new-role \"AI Red Teamer\"` or "
                                  "`aiworkforce new-role ai-red-teamer`")
    return RoleTemplate(slug, label, _fill(slug, label, fmt), derived)


def template_format(given: str | None, output=None) -> str:
    """The format of a template written to ``output`` (a path, or None for standard output): ``given`` (yaml or
    ttl) if set, else the one the file's extension means, else yaml. A file name ``validate`` would not read as a
    contribution (``.txt``), or whose extension contradicts ``given`` (``validate`` reads a ``.ttl`` file as
    Turtle, so a YAML template in it would not validate), is refused."""
    from aiworkforce.contributions.read import YAML_SUFFIXES

    suffix = Path(output).suffix.lower() if output is not None else None
    implied = "yaml" if suffix in YAML_SUFFIXES else "ttl" if suffix == ".ttl" else None
    if output is not None and implied is None:
        raise UsageError(f"{output}: a contribution is a .yaml or .ttl file, which validate and add read",
                         hint=f"give the file the extension .{given or 'yaml'}")
    if given is not None and implied is not None and given != implied:
        raise UsageError(f"--format {given} does not match the file name {Path(output).name}",
                         hint=f"name the file {Path(output).stem}.{given}, or leave out --format")
    return given or implied or "yaml"


def role_template(slug: str, fmt: str = "yaml", *, casing: dict[str, str] | None = None) -> str:
    """A commented template for the role ``slug`` in ``fmt`` (yaml or ttl)."""
    if not _SLUG.match(slug):
        hint = "use lowercase letters, digits and single hyphens, e.g. prompt-engineer"
        if slugify(slug) and _SLUG.match(slugify(slug)):
            hint = f"use the slug {slugify(slug)} (or give the title to `aiworkforce new-role`)"
        raise UsageError(f"{slug!r} is not a valid slug", hint=hint)
    return _fill(slug, title_of(slug, casing), fmt)


def _fill(slug: str, label: str, fmt: str) -> str:
    if fmt not in ("yaml", "ttl"):
        raise UsageError(f"unknown template format {fmt!r}", hint="choose yaml or ttl")
    if fmt == "ttl":
        label = label.replace("\\", "\\\\").replace('"', '\\"')
    elif re.search(r"[:#\[\]{},&*!|>'\"%@`]", label):  # quoted, so that YAML reads it as plain text
        label = json.dumps(label, ensure_ascii=False)
    return (YAML_TEMPLATE if fmt == "yaml" else TTL_TEMPLATE).format(slug=slug, label=label)

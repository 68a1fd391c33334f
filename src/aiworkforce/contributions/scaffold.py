"""Commented templates for a new role, in YAML or Turtle, that validate as soon as they are filled in."""

from __future__ import annotations

import re

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


def role_template(slug: str, fmt: str = "yaml") -> str:
    """A commented template for the role ``slug`` in ``fmt`` (yaml or ttl)."""
    if not _SLUG.match(slug):
        raise UsageError(f"{slug!r} is not a valid slug",
                         hint="use lowercase letters, digits and single hyphens, e.g. prompt-engineer")
    if fmt not in ("yaml", "ttl"):
        raise UsageError(f"unknown template format {fmt!r}", hint="choose yaml or ttl")
    label = " ".join(word.capitalize() for word in slug.split("-"))
    return (YAML_TEMPLATE if fmt == "yaml" else TTL_TEMPLATE).format(slug=slug, label=label)

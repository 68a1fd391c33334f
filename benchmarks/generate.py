"""Generate a synthetic AI-workforce knowledge base of about N triples, for benchmarks and scale tests.

The output is an ABox only, written in the project's vocabulary: roles (about 10% of them hybrids that combine
roles of two layers), skills of the three kinds, concerns of every kind, sectors, guiding questions and ISCO-08
alignments. It holds neither the ontology (TBox) nor the shipped knowledge base: load it together with
ontology/aiworkforce.ttl, ontology/layers.ttl and ontology/sources.ttl, which declare the classes, the 11 layers
and the article sections it points to. With those three files it conforms to every shape in shapes/ (no
violation and no warning), and it passes the quality checks in checks/ (every skill is required by a role,
every concern is addressed by one).

Proportions follow the shipped knowledge graph: per role about as many essential and optional skills, concerns,
alternative labels, collaborations, overlaps and specialisations as the shipped roles have on average; about 3.5
skills and 0.7 concerns per role; skill kinds and concern kinds in the shipped mix; specialisation chains at most
4 links deep and acyclic (a role only specialises an earlier role). The shipped roles also map to ESCO and
O*NET occupations; the synthetic ones map only to ISCO-08 unit groups (skos:broadMatch, sometimes
skos:relatedMatch), so a synthetic role has about 2 triples fewer than a shipped one. The ISCO unit groups are
the 20 real ones the shipped alignments describe, with their official codes and titles, and are described in
the output (identical triples, so the output merges cleanly with the shipped knowledge base). So are the five
concept schemes (scheme:roles, ...), copied from the shipped modules.

Labels are unique ("Synthetic Role 000123", ...) and IRIs are slugs (role:synthetic-role-000123, ...), so the
output never clashes with the shipped terms. Definitions (60-200 characters) are built from generated
pseudo-words. The output is deterministic for a given seed and size, and streamed: N-Triples lines (or simple
Turtle subject blocks) are written as they are generated, so memory stays small (a few arrays with one entry
per role and per skill) and 3 million triples take well under a minute.

The number of triples is planned from the expected size of each kind of term, then steered onto the target
while the skills (written last) are generated, by adjusting how many concerns each skill mitigates (0-4,
about 1.2 on average as in the shipped graph): the result is within a few triples of N for any N >= 1000. A
smaller N gets the smallest graph the generator writes (12 roles, about 700 triples).

Usage:
    python benchmarks/generate.py --triples 1000000 -o /tmp/synthetic.nt [--seed 1] [--format nt|ttl]

Without -o the data goes to standard output. The number of triples, the count of each class and the time
taken are printed to standard error.

As a library (benchmarks/ is not a package; load this file by path):

    spec = importlib.util.spec_from_file_location("aiw_generate", "benchmarks/generate.py")
    gen = importlib.util.module_from_spec(spec); spec.loader.exec_module(gen)
    for line in gen.generate(10_000, seed=1): ...      # N-Triples lines, each ending with "\\n"
    stats = gen.write("/tmp/kb.nt", 10_000, seed=1, fmt="nt")
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

# ---------------------------------------------------------------------------------------------------------------
# Vocabulary (N-Triples term forms)

BASE = "https://w3id.org/aiworkforce/"
AIW = BASE + "ontology#"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
ISCO = "http://data.europa.eu/esco/isco/"

RDF_TYPE = f"<{RDF_NS}type>"
IN_SCHEME = f"<{SKOS}inScheme>"
PREF = f"<{SKOS}prefLabel>"
ALT = f"<{SKOS}altLabel>"
DEFINITION = f"<{SKOS}definition>"
NOTATION = f"<{SKOS}notation>"
BROAD = f"<{SKOS}broadMatch>"
RELATED = f"<{SKOS}relatedMatch>"
SOURCE = f"<{DCT}source>"
EDITORIAL_NOTE = f"<{SKOS}editorialNote>"
SCHEME_CLASS = f"<{SKOS}ConceptScheme>"
ISCO_SCHEME = "<http://data.europa.eu/esco/concept-scheme/isco>"


def _aiw(name: str) -> str:
    return f"<{AIW}{name}>"


ROLE, HYBRID, SECTOR, QUESTION, ISCO_GROUP = (
    _aiw(n) for n in ("Role", "HybridRole", "Sector", "GuidingQuestion", "ISCOUnitGroup")
)
IN_LAYER, ESSENTIAL, OPTIONAL = (_aiw(n) for n in ("inLayer", "requiresEssentialSkill", "requiresOptionalSkill"))
OVERLAPS, COLLABORATES, SPECIALISES = (_aiw(n) for n in ("overlapsWith", "collaboratesWith", "specialises"))
ADDRESSES, MITIGATES, COMBINES_ROLE = (_aiw(n) for n in ("addressesConcern", "mitigates", "combinesRole"))
COMBINES_EXPERTISE, UNDERSTANDS, TITLE_MAY_DENOTE = (
    _aiw(n) for n in ("combinesExpertise", "expectedToUnderstand", "titleMayDenote")
)
IN_SECTOR, ANSWERED_BY = _aiw("relevantInSector"), _aiw("answeredByRole")

SKILL_KINDS = ("TechnicalSkill", "DomainKnowledge", "TransferableSkill")
SKILL_KIND_WEIGHTS = (123, 42, 10)  # the shipped mix
#: Each kind as the two ESCO properties a skill states: (aiw:skillType, aiw:reuseLevel).
SKILL_KIND_PROPERTIES = (("SkillCompetence", "SectorSpecific"), ("Knowledge", "SectorSpecific"),
                         ("SkillCompetence", "Transversal"))
TRANSFERABLE = 2
CONCERN_KINDS = (
    "Concern", "GovernancePrinciple", "OperationalChallenge", "FacilityDemand", "AIAttackSurface", "AIEnabledAttack",
    "ModelRisk",
)
CONCERN_KIND_WEIGHTS = (9, 6, 5, 5, 2, 3, 2)  # the shipped mix
GOVERNANCE = 1


def _editorial() -> list[tuple[str, str]]:
    """Synthetic terms are editorial additions, not statements of the article: their provenance, as the shapes ask."""
    return [(_aiw("basis"), _aiw("Editorial")), (EDITORIAL_NOTE, _lit("A synthetic term generated for benchmarks.")),
            (SOURCE, _src("editors"))]


def _src(slug: str) -> str:
    return f"<{BASE}source/{slug}>"


def _scheme(slug: str) -> str:
    return f"<{BASE}scheme/{slug}>"


# The 11 layers of ontology/layers.ttl: slug, words used in definitions, article section, share of the shipped
# roles (by aiw:inLayer), ISCO-08 unit groups a role of the layer is broadly matched to (from the shipped alignments).
LAYERS = (
    ("research", "research", "research-layer", 2, ("2511", "1223")),
    ("engineering", "engineering", "engineering-layer", 5, ("2512", "2511", "2514")),
    ("data", "data", "data-engineering", 5, ("2511", "2519", "2521")),
    ("infrastructure", "infrastructure", "infrastructure-engineering", 6, ("2522", "2523")),
    ("data-center", "data-center", "data-centers", 11, ("2149", "2144", "2151", "1330", "5414", "2523")),
    ("cloud-platform", "cloud and platform", "cloud-platform", 3, ("2512", "2522")),
    ("security", "security", "cybersecurity", 10, ("2529", "5414")),
    ("product", "product", "product-management", 2, ("1330", "1219")),
    ("governance", "governance", "ai-governance", 5, ("2529", "2422", "2619", "1213")),
    ("consulting", "solutions and consulting", "solutions-consulting", 2, ("2511", "1349")),
    ("operations", "operations", "devops-sre", 3, ("2512", "2522", "3511")),
)
LAYER_IRIS = tuple(f"<{BASE}layer/{slug}>" for slug, *_ in LAYERS)
LAYER_SOURCES = tuple(_src(section) for _, _, section, _, _ in LAYERS)
LAYER_WEIGHTS = tuple(weight for *_, weight, _ in LAYERS)
# Concern kinds a role of each layer is most likely to address (index into CONCERN_KINDS; None: any kind).
LAYER_CONCERN_KIND = (4, None, 0, 2, 3, 2, 4, 1, 1, None, 2)

# The ISCO-08 unit groups described in ontology/alignments.ttl: official code and title.
ISCO_GROUPS = {
    "1213": "Policy and planning managers",
    "1219": "Business services and administration managers not elsewhere classified",
    "1223": "Research and development managers",
    "1330": "Information and communications technology service managers",
    "1349": "Professional services managers not elsewhere classified",
    "2144": "Mechanical engineers",
    "2149": "Engineering professionals not elsewhere classified",
    "2151": "Electrical engineers",
    "2422": "Policy administration professionals",
    "2511": "Systems analysts",
    "2512": "Software developers",
    "2514": "Applications programmers",
    "2519": "Software and applications developers and analysts not elsewhere classified",
    "2521": "Database designers and administrators",
    "2522": "Systems administrators",
    "2523": "Computer network professionals",
    "2529": "Database and network professionals not elsewhere classified",
    "2619": "Legal professionals not elsewhere classified",
    "3511": "Information and communications technology operations technicians",
    "5414": "Security guards",
}
ISCO_CODES = tuple(ISCO_GROUPS)

# The concept schemes of the shipped modules (roles.ttl, skills.ttl, ...), copied verbatim.
SCHEMES = (
    ("roles", "Roles in the AI economy",
     "The kinds of job people hold across the layers of the AI economy, from research and engineering to data centers, security, governance and operations, including hybrid roles that combine several fields.",
     "introduction"),
    ("skills", "Skills of the AI workforce",
     "The abilities, practices and bodies of knowledge that roles in the AI economy draw on, from the general skills that carry over between roles to technology-specific techniques and fields of expertise.",
     "skills-that-travel"),
    ("concerns", "Concerns of the AI workforce",
     "The security threats, governance principles, operational challenges, facility demands and other risks that cut across the layers of the AI economy and that roles are responsible for handling.",
     "introduction"),
    ("sectors", "Sectors where AI is governed",
     "Areas of society and the economy in which AI systems affect people closely enough that their use calls for governance.",
     "ai-governance"),
    ("questions", "Guiding questions for AI careers",
     "Questions about the problems to be solved that help a person choose a direction of work in the AI economy without fixating on job titles.",
     "beyond-job-titles"),
)
ROLES_SCHEME, SKILLS_SCHEME, CONCERNS_SCHEME, SECTORS_SCHEME, QUESTIONS_SCHEME = (_scheme(s[0]) for s in SCHEMES)

# Where concerns of each kind come from in the article; plain concerns are spread over these sections.
CONCERN_SOURCES = {
    1: _src("ai-governance"), 2: _src("devops-sre"), 3: _src("data-centers"), 4: _src("cybersecurity"), 5: _src("cybersecurity"),
    6: _src("cybersecurity"),
}
PLAIN_CONCERN_SOURCES = tuple(
    _src(s) for s in (
        "data-centers", "cloud-platform", "cybersecurity", "data-engineering", "devops-sre", "solutions-consulting",
    )
)

# Count distributions per role, {value: weight}, read off the shipped roles.
ESSENTIAL_COUNTS = {1: 12, 2: 6, 3: 6, 4: 3, 5: 4, 6: 7, 7: 5, 8: 3, 9: 1, 12: 1}
OPTIONAL_COUNTS = {2: 1, 3: 5, 4: 10, 5: 9, 6: 11, 7: 5, 8: 4, 10: 2, 12: 1}
CONCERN_COUNTS = {1: 5, 2: 19, 3: 15, 4: 6, 6: 2, 7: 1}
COLLABORATION_COUNTS = {0: 7, 1: 21, 2: 16, 3: 3, 4: 1}
OVERLAP_COUNTS = {0: 27, 1: 11, 2: 4, 3: 1}  # non-hybrid roles; a hybrid specialises its base role, never overlaps it
ALT_COUNTS = {2: 41, 3: 7}
P_SECOND_LAYER = 0.14  # non-hybrid roles in two layers
P_HYBRID = 0.10
P_SPECIALISES = 0.23  # non-hybrid roles; a hybrid specialises one of the roles it combines
P_EXPERTISE = 1.0  # a hybrid is a base role plus the expertise it adds
P_UNDERSTANDS = (0.55, 0.42, 0.03)  # 0, 1 or 2 aiw:expectedToUnderstand
P_TITLE = 0.10
P_ROLE_SECTOR = 0.10
P_RELATED_ISCO = 0.40
MAX_DEPTH = 4  # longest aiw:specialises chain

SKILLS_PER_ROLE = 3.5
CONCERNS_PER_ROLE = 0.7
SECTORS_PER_ROLE = 5 / 48
QUESTIONS_PER_ROLE = 4 / 48
ANSWERS = (5, 16)  # aiw:answeredByRole per question, half-open range
MITIGATES_COUNTS = {0: 47, 1: 62, 2: 50, 3: 9, 4: 4}  # the shipped skills (plus three with 6 or 7)
MITIGATES_MEAN = sum(k * w for k, w in MITIGATES_COUNTS.items()) / sum(MITIGATES_COUNTS.values())
MITIGATES_MAX = 4
MIN_ROLES = 12

# Words for definitions and alternative labels.
ROLE_NOUNS = (
    "engineer", "specialist", "analyst", "architect", "manager", "scientist", "lead", "consultant", "operator", "advisor",
)
SYSTEM_NOUNS = (
    "pipelines", "services", "models", "clusters", "controls", "policies", "datasets", "platforms", "facilities",
    "workflows", "interfaces", "benchmarks", "networks", "runbooks", "dashboards", "audits",
)
VERBS = ("designs", "builds", "runs", "secures", "reviews", "tunes", "monitors", "documents", "governs", "scales")
SKILL_STEMS = {0: "A hands-on practice of", 1: "Knowledge of the field of", 2: "A general ability to reason about"}
CONCERN_STEMS = {
    0: "A cross-layer risk in which",
    1: "A principle requiring that",
    2: "A production challenge in which",
    3: "A facility demand in which",
    4: "A weakness of AI systems in which",
    5: "An AI-assisted attack in which",
    6: "A way a model itself can fail in which",
}


def _mean(counts: dict[int, int]) -> float:
    return sum(k * w for k, w in counts.items()) / sum(counts.values())


def _sampler(rng: random.Random, counts: dict[int, int]):
    values = tuple(counts)
    cum, total = [], 0
    for w in counts.values():
        total += w
        cum.append(total)
    choices = rng.choices

    def draw() -> int:
        return choices(values, cum_weights=cum)[0]

    return draw


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"@en'


def _plain(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _pseudo_words(rng: random.Random, n: int) -> list[str]:
    onsets = (
        "b", "br", "c", "d", "dr", "f", "g", "gr", "k", "l", "m", "n", "p", "pl", "qu", "r", "s", "st", "t", "tr", "v", "z",
    )
    vowels = ("a", "e", "i", "o", "u", "ae", "io")
    codas = ("", "", "n", "r", "l", "x", "s", "th", "nd")
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < n:
        word = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(rng.randint(2, 3))) + rng.choice(codas)
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


# ---------------------------------------------------------------------------------------------------------------
# Planning


class Plan:
    """How many terms of each kind a run of ``triples`` triples generates."""

    def __init__(self, triples: int):
        if triples < 1:
            raise ValueError("the number of triples must be positive")
        self.target = triples
        fixed = 4 * len(SCHEMES) + 4 * len(ISCO_GROUPS)
        role = self.role_triples()
        # 3 triples of editorial provenance on every term (_editorial()); a skill also states type and reuse level
        skill = SKILLS_PER_ROLE * (10 + MITIGATES_MEAN)
        gov_share = CONCERN_KIND_WEIGHTS[GOVERNANCE] / sum(CONCERN_KIND_WEIGHTS)
        concern = CONCERNS_PER_ROLE * (8 + gov_share * 4)
        other = SECTORS_PER_ROLE * 8 + QUESTIONS_PER_ROLE * (8 + sum(ANSWERS) / 2 - 0.5)
        self.roles = max(MIN_ROLES, round((triples - fixed) / (role + skill + concern + other)))
        self.skills = round(self.roles * SKILLS_PER_ROLE)
        self.concerns = max(len(CONCERN_KINDS), round(self.roles * CONCERNS_PER_ROLE))
        self.sectors = max(3, round(self.roles * SECTORS_PER_ROLE))
        self.questions = max(1, round(self.roles * QUESTIONS_PER_ROLE))
        self.width = max(6, len(str(max(self.roles, self.skills))))

    @staticmethod
    def role_triples() -> float:
        """Expected number of triples of one role block."""
        common = (
            9  # type, scheme, prefLabel, definition, source, ISCO broadMatch, and the three of _editorial()
            + _mean(ALT_COUNTS) + _mean(ESSENTIAL_COUNTS) + _mean(OPTIONAL_COUNTS) + _mean(CONCERN_COUNTS)
            + _mean(COLLABORATION_COUNTS) + P_UNDERSTANDS[1] + 2 * P_UNDERSTANDS[2] + P_TITLE + 2 * P_ROLE_SECTOR
            + P_RELATED_ISCO * (1 - 1 / len(ISCO_GROUPS))
        )
        plain = 1 + P_SECOND_LAYER * 0.85 + _mean(OVERLAP_COUNTS) + P_SPECIALISES * 0.95
        hybrid = 1 + 1 + P_EXPERTISE + 0.95  # layer, combinesRole (the base role), combinesExpertise, specialises
        return common + (1 - P_HYBRID) * plain + P_HYBRID * hybrid


# ---------------------------------------------------------------------------------------------------------------
# Generation: subject blocks of (predicate, object) pairs, all terms in N-Triples form


def _blocks(triples: int, seed: int, counts: dict[str, int]) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    plan = Plan(triples)
    rng = random.Random(seed)
    R, S, C, NSEC, NQ, W = plan.roles, plan.skills, plan.concerns, plan.sectors, plan.questions, plan.width
    words = _pseudo_words(rng, 600)
    caps = [w.capitalize() for w in words]
    rand, randrange, choice = rng.random, rng.randrange, rng.choice

    role_prefix = f"<{BASE}role/synthetic-role-"
    skill_prefix = f"<{BASE}skill/synthetic-skill-"
    concern_prefix = f"<{BASE}concern/synthetic-concern-"
    sector_prefix = f"<{BASE}sector/synthetic-sector-"
    question_prefix = f"<{BASE}question/synthetic-question-"

    def role_iri(i: int) -> str:
        return f"{role_prefix}{i:0{W}d}>"

    def skill_iri(i: int) -> str:
        return f"{skill_prefix}{i:0{W}d}>"

    def concern_iri(i: int) -> str:
        return f"{concern_prefix}{i:0{W}d}>"

    def sector_iri(i: int) -> str:
        return f"{sector_prefix}{i:0{W}d}>"

    written = 0

    def emit(subject: str, pairs: list[tuple[str, str]]):
        nonlocal written
        written += len(pairs)
        return subject, pairs

    # Concept schemes and the ISCO-08 unit groups the roles are aligned to.
    for slug, label, definition, section in SCHEMES:
        yield emit(_scheme(slug), [
            (RDF_TYPE, SCHEME_CLASS), (PREF, _lit(label)), (DEFINITION, _lit(definition)), (SOURCE, _src(section)),
        ])
    for code, title in ISCO_GROUPS.items():
        yield emit(f"<{ISCO}C{code}>", [
            (RDF_TYPE, ISCO_GROUP), (NOTATION, _plain(code)), (PREF, _lit(title)), (IN_SCHEME, ISCO_SCHEME),
        ])
    counts["ConceptScheme"] = len(SCHEMES)
    counts["ISCOUnitGroup"] = len(ISCO_GROUPS)

    # Kinds of skills and concerns are drawn up front: roles pick skills and concerns by kind.
    skill_kind = bytearray(rng.choices(range(3), weights=SKILL_KIND_WEIGHTS, k=S))
    transferable = [s for s in range(S) if skill_kind[s] == TRANSFERABLE] or [0]
    concern_kind = bytearray(rng.choices(range(len(CONCERN_KINDS)), weights=CONCERN_KIND_WEIGHTS, k=C))
    for k in range(len(CONCERN_KINDS)):  # every kind at least once
        concern_kind[k] = k
    concerns_by_kind: list[list[int]] = [[] for _ in CONCERN_KINDS]
    for c in range(C):
        concerns_by_kind[concern_kind[c]].append(c)
    skill_layer = bytearray(S)  # layer of the role whose "home" block holds the skill: gives the skill's source

    # Sectors.
    for n in range(NSEC):
        w1, w2 = choice(words), choice(SYSTEM_NOUNS)
        definition = (f"A synthetic area of the economy, the {w1} sector, where AI systems run {w2} "
                      f"that affect people closely enough to call for governance.")
        yield emit(sector_iri(n), [
            (RDF_TYPE, SECTOR), (IN_SCHEME, SECTORS_SCHEME), (PREF, _lit(f"Synthetic Sector {n:0{W}d}")),
            (DEFINITION, _lit(definition)), (SOURCE, _src("ai-governance")), *_editorial(),
        ])
    counts["Sector"] = NSEC

    # Roles.
    draw_essential = _sampler(rng, ESSENTIAL_COUNTS)
    draw_optional = _sampler(rng, OPTIONAL_COUNTS)
    draw_concerns = _sampler(rng, CONCERN_COUNTS)
    draw_collaborations = _sampler(rng, COLLABORATION_COUNTS)
    draw_overlaps = _sampler(rng, OVERLAP_COUNTS)
    draw_alts = _sampler(rng, ALT_COUNTS)
    layer_cum = []
    for w in LAYER_WEIGHTS:
        layer_cum.append((layer_cum[-1] if layer_cum else 0) + w)
    layer_range = range(len(LAYERS))

    role_layer = bytearray(R)
    depth = bytearray(R)
    is_hybrid = bytearray(R)
    by_layer: list[list[int]] = [[] for _ in LAYERS]
    hybrid_slot = -1
    hybrids = 0
    for i in range(R):
        if i % 10 == 0:  # one hybrid in every block of ten roles, at a random place
            hybrid_slot = i + randrange(10)
        layer = rng.choices(layer_range, cum_weights=layer_cum)[0]
        combined: list[int] = []
        if i == hybrid_slot and i >= 2:
            for _ in range(8):
                a, b = randrange(i), randrange(i)
                if role_layer[a] != role_layer[b] and not is_hybrid[a] and not is_hybrid[b]:
                    combined = [a, b]
                    break
        hybrid = bool(combined)
        if hybrid:
            layer = role_layer[combined[0]]
        layers = [layer]
        if not hybrid and rand() < P_SECOND_LAYER:
            second = rng.choices(layer_range, cum_weights=layer_cum)[0]
            if second != layer:
                layers.append(second)
        role_layer[i] = layer
        is_hybrid[i] = hybrid
        hybrids += hybrid
        num = f"{i:0{W}d}"
        me = role_iri(i)
        lw = LAYERS[layer][1]
        pairs = [
            (RDF_TYPE, HYBRID if hybrid else ROLE), (IN_SCHEME, ROLES_SCHEME), (PREF, _lit(f"Synthetic Role {num}")),
        ]
        w1, w2, w3 = choice(caps), choice(words), choice(words)
        alts = (
            f"{w1} {choice(ROLE_NOUNS)}", f"{lw.capitalize()} {w2} {choice(ROLE_NOUNS)}", f"{w1} {w3} {choice(ROLE_NOUNS)}",
        )
        for alt in dict.fromkeys(alts[: draw_alts()]):  # distinct, in order
            pairs.append((ALT, _lit(alt)))
        if hybrid:
            a, b = combined
            definition = (f"A hybrid role joining the work of synthetic roles {a:0{W}d} and {b:0{W}d}: "
                          f"{choice(VERBS)} {w2} {choice(SYSTEM_NOUNS)} across the {lw} layer and the next.")
        else:
            definition = (f"A synthetic {lw} role that {choice(VERBS)} {w2} {choice(SYSTEM_NOUNS)} and "
                          f"works with {w3} teams on {choice(SYSTEM_NOUNS)}.")
        pairs.append((DEFINITION, _lit(definition)))
        for l in layers:
            pairs.append((IN_LAYER, LAYER_IRIS[l]))

        # Hybrid parts and specialisation (always of an earlier role: no cycle; depth capped).
        parent = -1
        if hybrid:
            pairs.append((COMBINES_ROLE, role_iri(combined[0])))  # the base role
            if depth[combined[0]] < MAX_DEPTH:
                parent = combined[0]
        elif i and rand() < P_SPECIALISES:
            peers = by_layer[layer]
            j = choice(peers) if peers else randrange(i)
            if depth[j] < MAX_DEPTH:
                parent = j
        if parent >= 0:
            depth[i] = depth[parent] + 1

        # Skills: the role's home block (so every skill is used), then skills of its layer, transferable ones
        # (which travel between roles) and any others; split into essential and optional.
        n_essential, n_optional = draw_essential(), draw_optional()
        chosen = list(range(i * S // R, (i + 1) * S // R))
        for s in chosen:
            skill_layer[s] = layer
        total = max(n_essential + n_optional, len(chosen) + 1)
        peers = by_layer[layer]
        while len(chosen) < total:
            r = rand()
            if r < 0.25:
                s = choice(transferable)
            elif r < 0.75 and peers:
                j = choice(peers)
                lo, hi = j * S // R, (j + 1) * S // R
                s = randrange(lo, hi) if hi > lo else randrange(S)
            else:
                s = randrange(S)
            if s not in chosen:
                chosen.append(s)
        rng.shuffle(chosen)
        n_essential = min(n_essential, total - 1)
        if hybrid and rand() < P_EXPERTISE:
            pairs.append((COMBINES_EXPERTISE, skill_iri(chosen[0])))
        if parent >= 0:
            pairs.append((SPECIALISES, role_iri(parent)))
        for s in sorted(chosen[:n_essential]):
            pairs.append((ESSENTIAL, skill_iri(s)))
        for s in sorted(chosen[n_essential:]):
            pairs.append((OPTIONAL, skill_iri(s)))

        # Overlaps and collaborations with earlier roles (symmetric links are asserted once).
        if hybrid:
            overlaps = []  # it specialises its base role, so it does not also overlap it
        else:
            overlaps = []
            for _ in range(min(draw_overlaps(), i)):
                for _attempt in range(4):  # never both specialise and overlap the same role; no repeats
                    j = choice(peers) if peers and rand() < 0.7 else randrange(i)
                    if j not in overlaps and j != parent:
                        overlaps.append(j)
                        break
        for j in sorted(overlaps):
            pairs.append((OVERLAPS, role_iri(j)))
        collaborators: list[int] = []
        for _ in range(min(draw_collaborations(), i)):
            j = randrange(i)
            if j not in collaborators:
                collaborators.append(j)
        for j in sorted(collaborators):
            pairs.append((COLLABORATES, role_iri(j)))

        # Concerns: the home concern (so every concern is addressed), then mostly concerns of the kind the
        # layer deals with.
        addressed = [i * C // R]
        preferred = LAYER_CONCERN_KIND[layer]
        n_concerns = draw_concerns()
        while len(addressed) < n_concerns:
            pool = concerns_by_kind[preferred] if preferred is not None and rand() < 0.5 else None
            c = choice(pool) if pool else randrange(C)
            if c not in addressed:
                addressed.append(c)
        for c in sorted(addressed):
            pairs.append((ADDRESSES, concern_iri(c)))

        r = rand()
        understood: list[str] = []
        for _ in range(0 if r < P_UNDERSTANDS[0] else 1 if r < P_UNDERSTANDS[0] + P_UNDERSTANDS[1] else 2):
            r = rand()  # mostly concerns, as in the shipped roles; else a skill or another layer
            if r < 0.74:
                target = concern_iri(randrange(C))
            elif r < 0.91:
                target = skill_iri(randrange(S))
            else:
                target = LAYER_IRIS[(layer + 1 + randrange(len(LAYERS) - 1)) % len(LAYERS)]
            if target not in understood:
                understood.append(target)
                pairs.append((UNDERSTANDS, target))
        if i and rand() < P_TITLE:
            if rand() < 0.6:
                target = role_iri(randrange(i))
            else:
                target = skill_iri(randrange(S))
            pairs.append((TITLE_MAY_DENOTE, target))
        if rand() < P_ROLE_SECTOR:
            for n in sorted({randrange(NSEC) for _ in range(randrange(1, 4))}):
                pairs.append((IN_SECTOR, sector_iri(n)))

        # Alignment: broadMatch an ISCO-08 unit group of the layer; sometimes relatedMatch another.
        codes = LAYERS[layer][4]
        code = choice(codes)
        pairs.append((BROAD, f"<{ISCO}C{code}>"))
        if rand() < P_RELATED_ISCO:
            other = choice(ISCO_CODES)
            if other != code:
                pairs.append((RELATED, f"<{ISCO}C{other}>"))
        pairs.append((SOURCE, _src("hybrid-professional") if hybrid else LAYER_SOURCES[layer]))
        pairs += _editorial()
        by_layer[layer].append(i)
        yield emit(me, pairs)
    counts["Role"] = R
    counts["HybridRole"] = hybrids
    counts["specialises-depth-max"] = max(depth) if R else 0

    # Concerns.
    sector_counts = (3, 4, 5)
    for c in range(C):
        kind = concern_kind[c]
        w1, w2 = choice(words), choice(SYSTEM_NOUNS)
        definition = (f"{CONCERN_STEMS[kind]} {w1} {w2} fail, leak or drift, so that synthetic "
                      f"concern {c:0{W}d} needs people and automation to handle it.")
        pairs = [(RDF_TYPE, _aiw(CONCERN_KINDS[kind])), (IN_SCHEME, CONCERNS_SCHEME),
                 (PREF, _lit(f"Synthetic Concern {c:0{W}d}")), (DEFINITION, _lit(definition))]
        if kind == GOVERNANCE:
            for n in sorted({randrange(NSEC) for _ in range(choice(sector_counts))}):
                pairs.append((IN_SECTOR, sector_iri(n)))
        pairs.append((SOURCE, CONCERN_SOURCES.get(kind) or choice(PLAIN_CONCERN_SOURCES)))
        pairs += _editorial()
        yield emit(concern_iri(c), pairs)
    for k, name in enumerate(CONCERN_KINDS):
        counts[name] = len(concerns_by_kind[k])

    # Guiding questions.
    for q in range(NQ):
        w1 = choice(words)
        definition = (f"Directs people drawn to {w1} problems of kind {q:0{W}d} towards the synthetic roles "
                      f"whose daily work answers this question.")
        pairs = [(RDF_TYPE, QUESTION), (IN_SCHEME, QUESTIONS_SCHEME),
                 (PREF, _lit(f"Which synthetic problem {q:0{W}d} needs solving?")), (DEFINITION, _lit(definition))]
        for j in sorted({randrange(R) for _ in range(randrange(*ANSWERS))}):
            pairs.append((ANSWERED_BY, role_iri(j)))
        pairs.append((SOURCE, _src("beyond-job-titles")))
        pairs += _editorial()
        yield emit(f"{question_prefix}{q:0{W}d}>", pairs)
    counts["GuidingQuestion"] = NQ

    # Skills, last: the number of concerns each mitigates steers the total onto the target.
    draw_mitigates = _sampler(rng, MITIGATES_COUNTS)
    for s in range(S):
        kind = skill_kind[s]
        w1, w2 = choice(words), choice(SYSTEM_NOUNS)
        definition = (f"{SKILL_STEMS[kind]} {w1} {w2}, as used by synthetic roles to design, "
                      f"build and run AI systems well.")
        skill_type, reuse_level = SKILL_KIND_PROPERTIES[kind]
        pairs = [(RDF_TYPE, _aiw("Skill")), (_aiw("skillType"), _aiw(skill_type)), (_aiw("reuseLevel"), _aiw(reuse_level)),
                 (IN_SCHEME, SKILLS_SCHEME), (PREF, _lit(f"Synthetic Skill {s:0{W}d}")), (DEFINITION, _lit(definition))]
        remaining = S - s
        wanted = (triples - written - 10 * remaining) / remaining  # mean number of mitigates still needed
        shift = wanted - MITIGATES_MEAN
        k = draw_mitigates() + int(shift) + (rand() < abs(shift - int(shift))) * (1 if shift > 0 else -1)
        k = min(max(k, 0), MITIGATES_MAX)
        mitigated: list[int] = []
        for _ in range(k):
            c = randrange(C)
            if c not in mitigated:
                mitigated.append(c)
        for c in sorted(mitigated):
            pairs.append((MITIGATES, concern_iri(c)))
        source = _src("skills-that-travel") if kind == TRANSFERABLE else LAYER_SOURCES[skill_layer[s]]
        pairs.append((SOURCE, source))
        pairs += _editorial()
        yield emit(skill_iri(s), pairs)
    for k, name in enumerate(SKILL_KINDS):
        counts[name] = skill_kind.count(k)
    counts["Skill"] = S
    counts["triples"] = written


# ---------------------------------------------------------------------------------------------------------------
# Serialisation


def generate(triples: int, seed: int = 1, *, counts: dict[str, int] | None = None) -> Iterator[str]:
    """N-Triples lines (each ending with " .\\n") of a synthetic knowledge base of about ``triples`` triples.

    ``counts``, when given, is filled with the number of terms of each class (and "triples") once the iterator
    is exhausted.
    """
    counts = {} if counts is None else counts
    for subject, pairs in _blocks(triples, seed, counts):
        for p, o in pairs:
            yield f"{subject} {p} {o} .\n"


PREFIXES = (
    ("aiw", AIW), ("role", BASE + "role/"), ("skill", BASE + "skill/"), ("concern", BASE + "concern/"),
    ("layer", BASE + "layer/"), ("sector", BASE + "sector/"), ("question", BASE + "question/"),
    ("scheme", BASE + "scheme/"), ("src", BASE + "source/"), ("skos", SKOS), ("dcterms", DCT), ("isco", ISCO),
)
_PREFIX_OF = {ns: p for p, ns in PREFIXES}


def _compact(term: str) -> str:
    """A prefixed name for an IRI term in a known namespace (every local name generated here is a valid one)."""
    if term[0] != "<":
        return term
    cut = max(term.rfind("/"), term.rfind("#")) + 1
    prefix = _PREFIX_OF.get(term[1:cut])
    return f"{prefix}:{term[cut:-1]}" if prefix else term


def _write_nt(out: IO[str], blocks) -> None:
    write = out.write
    for subject, pairs in blocks:
        write("".join([f"{subject} {p} {o} .\n" for p, o in pairs]))


def _write_ttl(out: IO[str], blocks) -> None:
    write = out.write
    write("".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES) + "\n")
    compact = _compact
    for subject, pairs in blocks:
        parts = [compact(subject)]
        last = None
        for p, o in pairs:  # pairs of one predicate are adjacent
            if p == last:
                parts.append(f" ,\n        {compact(o)}")
            else:
                parts.append(f"{' ;' if last else ''}\n    {'a' if p == RDF_TYPE else compact(p)} {compact(o)}")
                last = p
        parts.append(" .\n\n")
        write("".join(parts))


def write(path: str | Path | None, triples: int, seed: int = 1, fmt: str = "nt") -> dict[str, int | float]:
    """Write a synthetic knowledge base of about ``triples`` triples to ``path`` (standard output when None or "-").

    Returns the counts of each class, "triples" (written), "seconds" and "bytes" (0 for standard output).
    """
    if fmt not in ("nt", "ttl"):
        raise ValueError(f"unknown format {fmt!r}: use 'nt' or 'ttl'")
    start = time.perf_counter()
    counts: dict[str, int] = {}
    blocks = _blocks(triples, seed, counts)
    writer = _write_nt if fmt == "nt" else _write_ttl
    if path is None or str(path) == "-":
        writer(sys.stdout, blocks)
        sys.stdout.flush()
        size = 0
    else:
        path = Path(path)
        with path.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as out:
            writer(out, blocks)
        size = path.stat().st_size
    stats: dict[str, int | float] = dict(counts)
    stats["seconds"] = time.perf_counter() - start
    stats["bytes"] = size
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, required=True, help="about how many triples to write (within 5%%)")
    parser.add_argument("-o", "--output", default=None, help="output file (default: standard output)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    parser.add_argument("--format", choices=("nt", "ttl"), default=None,
                        help="N-Triples or Turtle (default: from the output suffix, else nt)")
    args = parser.parse_args(argv)
    if args.triples < 1:
        parser.error("--triples must be positive")
    fmt = args.format or ("ttl" if args.output and args.output.endswith((".ttl", ".turtle")) else "nt")
    stats = write(args.output, args.triples, args.seed, fmt)
    err = sys.stderr
    concerns = sum(int(stats[k]) for k in CONCERN_KINDS)
    rows = [("Role (all)", stats["Role"]), ("  HybridRole", stats["HybridRole"]), ("Skill (all)", stats["Skill"])]
    rows += [(f"  {k}", stats[k]) for k in SKILL_KINDS]
    rows += [("Concern (all)", concerns)] + [(f"  {k}", stats[k]) for k in CONCERN_KINDS]
    rows += [(k, stats[k]) for k in ("Sector", "GuidingQuestion", "ISCOUnitGroup", "ConceptScheme")]
    print(f"triples written: {stats['triples']:,} (target {args.triples:,}, seed {args.seed}, {fmt})", file=err)
    for name, value in rows:
        print(f"  {name:<24}{value:>10,}", file=err)
    print(f"  {'max specialises depth':<24}{stats['specialises-depth-max']:>10}", file=err)
    if stats["bytes"]:
        print(f"size: {stats['bytes'] / 1e6:.1f} MB", file=err)
    print(f"seconds: {stats['seconds']:.2f}", file=err)
    return 0


if __name__ == "__main__":
    sys.exit(main())

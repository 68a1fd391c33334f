"""The explain command and describe --why, run in-process."""

from __future__ import annotations

import json

from aiworkforce.rdf.prefixes import BASE

AIW = BASE + "ontology#"


def test_explain_prints_the_rule_and_premises_as_a_tree(run, shared_core):
    code, out, err = run("explain", "skill:adaptability", "aiw:appliesInLayer", "layer:consulting")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "skill:adaptability aiw:appliesInLayer layer:consulting  [prp-spo2]"
    assert "├── aiw:appliesInLayer owl:propertyChainAxiom (aiw:isSkillFor aiw:inLayer)  [asserted]" in lines
    assert any("skill:adaptability aiw:isSkillFor role:ai-consultant  [prp-inv1]" in line for line in lines)
    assert lines[-1].endswith("role:ai-consultant aiw:inLayer layer:consulting  [asserted]")


def test_explain_json_gives_the_same_tree_as_data(run, shared_core):
    code, out, _ = run("explain", "role:data-engineer", "a", "aiw:DataRole", "-f", "json")
    data = json.loads(out)
    assert code == 0 and data["engine"] == "compiled" and data["rule"] == "cax-sco" and not data["asserted"]
    assert data["triple"]["object"] == {"type": "uri", "value": AIW + "DataRole"}
    leaves, rules = [], set()

    def walk(node):
        if node["asserted"]:
            leaves.append(node["text"])
        else:
            rules.add(node["rule"])
            for p in node["premises"]:
                walk(p)
    walk(data)
    assert {"cax-sco", "cls-int1", "cls-hv2", "scm-eqc1"} <= rules
    assert "role:data-engineer aiw:inLayer layer:data" in leaves


def test_explain_accepts_labels_and_says_when_a_triple_is_asserted(run, shared_core):
    code, out, _ = run("explain", "Data Engineer", "aiw:inLayer", "layer:data")
    assert code == 0
    assert out.splitlines() == ["role:data-engineer aiw:inLayer layer:data  [asserted]",
                                "asserted: it is stated in the graph, not inferred"]


def test_explain_a_triple_outside_the_closure_exits_1(run, shared_core):
    code, out, err = run("explain", "role:data-engineer", "aiw:appliesInLayer", "layer:data")
    assert code == 1 and out == ""
    assert "role:data-engineer aiw:appliesInLayer layer:data is not in the closure" in err


def test_explain_an_unknown_term_exits_2(run, shared_core):
    code, out, err = run("explain", "role:nobody", "aiw:inLayer", "layer:data")
    assert code == 2 and out == "" and "not a known subject" in err


def test_explain_over_data_the_compiled_rules_do_not_cover_is_refused(run, shared_core, tmp_path):
    """--data is reasoned by the compiled rules only: data they do not cover is refused, never explained (or
    reasoned) wrongly."""
    data = tmp_path / "same.ttl"
    data.write_text("@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
                    "<https://example.org/a> owl:sameAs <https://example.org/b> .\n"
                    f"<https://example.org/a> <{AIW}requiresSkill> <{BASE}skill/sql> .\n")
    code, out, err = run("explain", "skill:sql", "aiw:isSkillFor", "https://example.org/b", "--data", str(data))
    assert code == 2 and out == ""
    assert "owl:sameAs" in err and "compiled rules do not implement" in err


def test_describe_why_explains_each_inferred_fact(run, shared_core):
    code, out, err = run("describe", "role:data-engineer", "--why")
    assert code == 0, err
    assert "Why the inferred facts hold:" in out
    assert "role:data-engineer rdf:type aiw:DataRole  [cax-sco]" in out
    code, out, _ = run("describe", "role:data-engineer", "--why", "-f", "json")
    facts = json.loads(out)["facts"]
    inferred = [f for f in facts if f["inferred"]]
    assert inferred and all(f["why"]["rule"] for f in inferred if f["why"] is not None)
    assert all("why" not in f for f in facts if not f["inferred"])

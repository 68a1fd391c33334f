"""The server's /explain route, linked from inferred facts on term pages."""

from __future__ import annotations

import html
import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from aiworkforce.graph import KnowledgeGraph
from aiworkforce.rdf.prefixes import BASE
from aiworkforce.server import Server, ServerConfig

AIW = BASE + "ontology#"


@pytest.fixture(scope="module")
def server():
    with Server(KnowledgeGraph(), ServerConfig(port=0, workers=1)) as srv:
        srv.start()
        yield srv


def get(url: str, accept: str | None = None) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type", ""), err.read().decode()


def test_an_inferred_fact_on_a_term_page_links_to_its_explanation(server):
    status, _, page = get(server.url + "role/data-engineer", "text/html")
    assert status == 200
    links = [html.unescape(h) for h in re.findall(r'href="(/explain\?[^"]+)"', page)]
    assert links, "inferred facts link to /explain"
    data_role = "/explain?" + urllib.parse.urlencode({"s": BASE + "role/data-engineer",
                                                      "p": "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                                                      "o": AIW + "DataRole"})
    assert data_role in links
    status, media, body = get(server.url + data_role.lstrip("/"), "text/html")
    assert status == 200 and media.startswith("text/html")
    assert "cax-sco" in body and "cls-hv2" in body and "asserted" in body
    status, media, body = get(server.url + data_role.lstrip("/"), "application/json")
    doc = json.loads(body)
    assert status == 200 and media.startswith("application/json")
    assert doc["rule"] == "cax-sco" and doc["triple"]["object"]["value"] == AIW + "DataRole"
    for link in links[:5]:  # every linked fact is explained
        assert get(server.url + link.lstrip("/"), "application/json")[0] == 200


def test_explain_refuses_what_is_not_in_the_closure_and_bad_parameters(server):
    query = urllib.parse.urlencode({"s": BASE + "role/data-engineer", "p": AIW + "appliesInLayer",
                                    "o": BASE + "layer/data"})
    status, media, body = get(f"{server.url}explain?{query}", "application/json")
    assert status == 404 and "not in the closure" in json.loads(body)["error"]
    status, _, _ = get(f"{server.url}explain?s=x", "application/json")
    assert status == 400
    status, _, _ = get(f"{server.url}explain?{query}&format=xml")
    assert status == 400

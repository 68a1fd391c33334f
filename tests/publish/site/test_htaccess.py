"""The release's redirect rules applied by a real Apache httpd (Debian's apache2, started by this test on a free
loopback port with mod_rewrite, mod_mime, mod_dir and mod_headers, serving the release folder with
``AllowOverride``): each term IRI and the ontology IRI answer ``303 See Other`` to the HTML page or to the RDF
document the Accept header asks for, the version IRI to this release's files, and every answer is the file the
release holds. Needs apache2 (tools/ensure-docs-tools.sh installs it); without it the test fails, saying so.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SKOS

from aiworkforce.rdf.prefixes import BASE

MODULES = ("mpm_event", "authz_core", "dir", "mime", "rewrite", "headers")
RDF = {"text/turtle": (".ttl", "turtle"), "application/ld+json": (".jsonld", "json-ld"),
       "application/rdf+xml": (".rdf", "xml"), "application/n-triples": (".nt", "nt")}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def httpd(released, tmp_path_factory):
    binary = shutil.which("apache2") or ("/usr/sbin/apache2" if os.access("/usr/sbin/apache2", os.X_OK) else None)
    modules = Path("/usr/lib/apache2/modules")
    if binary is None or not modules.is_dir():
        pytest.fail("Apache httpd is needed to test the redirect rules: run tools/ensure-docs-tools.sh "
                    "(apt-get install -y apache2)", pytrace=False)
    run = tmp_path_factory.mktemp("httpd")
    port = _free_port()
    root = released.folder
    loads = "\n".join(f"LoadModule {m}_module {modules}/mod_{m}.so" for m in MODULES)
    user = "User nobody\nGroup nogroup\n" if os.geteuid() == 0 else ""
    (run / "httpd.conf").write_text(f"""ServerRoot {run}
{loads}
Listen 127.0.0.1:{port}
ServerName 127.0.0.1
{user}PidFile {run}/httpd.pid
ErrorLog {run}/error.log
DefaultRuntimeDir {run}
Mutex file:{run}
TypesConfig /etc/mime.types
DocumentRoot {root}
<Directory />
  AllowOverride None
  Require all denied
</Directory>
<Directory {root}>
  AllowOverride FileInfo Indexes Options=MultiViews
  Require all granted
</Directory>
""", encoding="utf-8")
    proc = subprocess.Popen([binary, "-f", str(run / "httpd.conf"), "-DFOREGROUND"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log = (run / "error.log").read_text() if (run / "error.log").exists() else ""
                    pytest.fail(f"httpd did not start: {proc.stdout.read().decode()} {log}", pytrace=False)
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _first(url: str, accept: str):
    """The first answer, not following its redirect: (status, Location, headers)."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers={"Accept": accept}), timeout=10) as r:
            return r.status, r.headers.get("Location"), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Location"), e.headers


def _follow(url: str, accept: str):
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=10) as r:
        return r.geturl(), r.headers.get_content_type(), r.read()


def test_a_term_iri_negotiates_html_and_every_rdf_syntax(httpd, released):
    term = httpd + "role/data-engineer"
    for accept in (BROWSER, "*/*", "text/html"):
        status, location, headers = _first(term, accept)
        assert (status, location) == (303, term + ".html"), accept
        assert "Accept" in headers.get("Vary", "")
    final, media, body = _follow(term, BROWSER)
    assert media == "text/html" and body == (released.folder / "role" / "data-engineer.html").read_bytes()
    for accept, (suffix, fmt) in RDF.items():
        assert _first(term, accept)[:2] == (303, term + suffix)
        final, media, body = _follow(term, accept)
        assert media == accept
        graph = Graph().parse(data=body, format=fmt)
        assert (URIRef(BASE + "role/data-engineer"), SKOS.prefLabel, None) in graph
        assert isomorphic(graph, Graph().parse(released.folder / "role" / f"data-engineer{suffix}", format=fmt))


def test_weights_and_order_of_the_accept_header(httpd):
    term = httpd + "skill/python"
    assert _first(term, "application/rdf+xml;q=0.5, text/turtle")[1] == term + ".ttl"
    assert _first(term, "text/turtle;q=0, text/html")[1] == term + ".html"  # refused with q=0
    assert _first(term, "text/html, text/turtle;q=0.5")[1] == term + ".html"  # HTML listed first wins
    assert _first(term, "application/ld+json, */*;q=0.1")[1] == term + ".jsonld"


def test_the_ontology_and_its_version_iri_resolve(httpd, released):
    assert _first(httpd + "ontology", BROWSER)[1] == httpd + "ontology.html"
    assert _first(httpd + "ontology", "text/turtle")[1] == httpd + "ontology.ttl"
    version = released.version_iri[len(BASE):]
    assert _first(httpd + version, BROWSER)[1] == httpd + "ontology.html"
    for accept, (suffix, fmt) in RDF.items():
        status, location, _ = _first(httpd + version, accept)
        assert (status, location) == (303, httpd + released.graph_file("base", suffix).name)
        final, media, body = _follow(httpd + version, accept)
        assert body == released.graph_file("base", suffix).read_bytes() and media == accept


def test_evidence_iris_resolve_to_their_row_and_document(httpd, released):
    table = (released.folder / "evidence" / "index.html").read_text(encoding="utf-8")
    slug = table.split('<tr id="', 1)[1].split('"', 1)[0]
    iri = httpd + "evidence/" + slug
    assert _first(iri, BROWSER)[1] == httpd + "evidence/index.html#" + slug
    assert _first(iri, "text/turtle")[1] == httpd + "evidence.ttl"
    graph = Graph().parse(data=_follow(iri, "text/turtle")[2], format="turtle")
    assert (URIRef(BASE + "evidence/" + slug), None, None) in graph


def test_documents_are_served_as_they_are_and_unknown_terms_are_404(httpd):
    assert _follow(httpd + "role/data-engineer.jsonld", "*/*")[1] == "application/ld+json"
    assert _first(httpd + "role/", BROWSER)[0] == 200  # the kind's index
    assert _first(httpd + "role/nobody", BROWSER)[0] == 303
    with pytest.raises(urllib.error.HTTPError) as info:
        _follow(httpd + "role/nobody", BROWSER)
    assert info.value.code == 404

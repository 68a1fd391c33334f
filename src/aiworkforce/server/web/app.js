// aiworkforce web pages: run stored queries and free SPARQL, render the answers as tables.
// No framework, no CDN; every value is inserted with textContent, never as HTML.
(function () {
  "use strict";

  var config = {};
  try { config = JSON.parse(document.body.getAttribute("data-config") || "{}"); } catch (e) { config = {}; }
  var BASE = config.base || "https://w3id.org/aiworkforce/";
  var PREFIXES = config.prefixes || {};
  var IRI = /^(https?|urn):\S+$/;

  function compact(iri) {
    var best = null;
    Object.keys(PREFIXES).forEach(function (prefix) {
      var ns = PREFIXES[prefix];
      if (iri.indexOf(ns) === 0 && iri.length > ns.length && (best === null || ns.length > best[1].length)) {
        best = [prefix, ns];
      }
    });
    if (best && /^[A-Za-z0-9._-]+$/.test(iri.slice(best[1].length))) {
      return best[0] + ":" + iri.slice(best[1].length);
    }
    return iri;
  }

  function hrefFor(iri) {
    if (iri.indexOf(BASE) === 0 && iri.length > BASE.length) { return "/" + iri.slice(BASE.length); }
    return "/describe?iri=" + encodeURIComponent(iri);
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  // A table cell. ``value`` is a string (or null when unbound); ``isIri`` says whether to link it.
  function cell(value, isIri) {
    var td = el("td");
    if (value === null || value === undefined) {
      td.setAttribute("data-unbound", "true");
      td.setAttribute("data-value", "");
      td.className = "unbound";
      return td;
    }
    td.setAttribute("data-value", value);
    if (isIri) {
      var a = el("a", { href: hrefFor(value), title: value }, compact(value));
      td.appendChild(a);
    } else {
      td.textContent = value;
    }
    return td;
  }

  function renderTable(container, variables, rows, note) {
    container.textContent = "";
    var status = el("p", { "class": "status" },
      rows.length + " row" + (rows.length === 1 ? "" : "s") + (note ? " " + note : ""));
    container.appendChild(status);
    if (!variables.length) { return; }
    var wrap = el("div", { "class": "table-wrap" });
    var table = el("table", { "class": "results" });
    var thead = el("thead");
    var tr = el("tr");
    variables.forEach(function (v) { tr.appendChild(el("th", { scope: "col" }, v)); });
    thead.appendChild(tr);
    table.appendChild(thead);
    var tbody = el("tbody");
    rows.forEach(function (row) {
      var r = el("tr");
      row.forEach(function (c) { r.appendChild(cell(c.value, c.iri)); });
      tbody.appendChild(r);
    });
    table.appendChild(tbody);
    wrap.appendChild(table);
    container.appendChild(wrap);
  }

  function showError(container, message, hint) {
    container.textContent = "";
    var p = el("p", { "class": "error", role: "alert" }, message);
    container.appendChild(p);
    if (hint) { container.appendChild(el("p", { "class": "hint" }, hint)); }
  }

  function setState(container, state) { container.setAttribute("data-state", state); }

  // -- stored queries

  function runStored(form) {
    var name = form.getAttribute("data-query");
    var container = form.parentNode.querySelector(".result");
    var params = new URLSearchParams();
    Array.prototype.forEach.call(form.querySelectorAll("input[name]"), function (input) {
      if (input.value.trim() !== "") { params.append(input.name, input.value); }
    });
    var qs = params.toString();
    var url = "/api/query/" + encodeURIComponent(name) + (qs ? "?" + qs : "");
    setState(container, "running");
    container.textContent = "Running\u2026";
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (doc) { return { ok: response.ok, doc: doc }; });
      })
      .then(function (res) {
        if (!res.ok) {
          showError(container, res.doc.error || "the query failed", res.doc.hint);
          setState(container, "error");
          return;
        }
        var rows = res.doc.rows.map(function (row) {
          return row.map(function (v) { return { value: v, iri: v !== null && IRI.test(v) }; });
        });
        renderTable(container, res.doc.variables, rows, res.doc.truncated ? "(truncated)" : "");
        var link = el("a", { href: url, "class": "api-link" }, "as JSON");
        container.querySelector(".status").appendChild(document.createTextNode(" \u00b7 "));
        container.querySelector(".status").appendChild(link);
        container.setAttribute("data-rows", String(rows.length));
        setState(container, "done");
      })
      .catch(function (err) {
        showError(container, "could not reach the server: " + err);
        setState(container, "error");
      });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form.run"), function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      runStored(form);
    });
  });

  // Open the stored query named in the address (#q-skill-gap), on load and when the address changes.
  function openFromHash() {
    if (location.hash.indexOf("#q-") !== 0) { return; }
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.tagName === "DETAILS") {
      target.open = true;
      target.scrollIntoView();
    }
  }
  openFromHash();
  window.addEventListener("hashchange", openFromHash);

  // -- the YASGUI editor (vendored; absent in copies built without npm: then the plain box below stands in)

  var mount = document.getElementById("yasgui");
  if (mount && window.Yasgui) {
    var examples = [];
    try { examples = JSON.parse(document.getElementById("stored-queries").textContent); } catch (e) { examples = []; }
    var endpoint = new URL(mount.getAttribute("data-endpoint") || "/sparql", location.href).href;
    var yasgui = new window.Yasgui(mount, {
      requestConfig: {
        endpoint: endpoint,
        method: "POST",
        acceptHeaderSelect: "application/sparql-results+json,*/*;q=0.9",
        acceptHeaderGraph: "text/turtle,*/*;q=0.9"
      },
      copyEndpointOnNewTab: false,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
      persistenceId: null
    });
    window.aiworkforceYasgui = yasgui;  // for people (and tests) at the browser console
    var openExample = function (name) {
      var example = examples.filter(function (e) { return e.name === name; })[0];
      if (!example) { return; }
      var tab = yasgui.addTab(true, { name: example.name });
      tab.setQuery(example.text);
      mount.setAttribute("data-example", example.name);
    };
    if (examples.length) { yasgui.getTab().setQuery(examples[0].text); }
    var select = document.getElementById("example-select");
    if (select) {
      select.addEventListener("change", function () { openExample(select.value); });
    }
    Array.prototype.forEach.call(document.querySelectorAll("button.open-in-editor"), function (button) {
      button.addEventListener("click", function () {
        openExample(button.getAttribute("data-query"));
        mount.scrollIntoView();
      });
    });
    mount.setAttribute("data-state", "ready");
  }

  // -- free SPARQL (the plain box)

  var sparqlForm = document.getElementById("sparql-form");
  if (sparqlForm) {
    sparqlForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var container = document.getElementById("sparql-result");
      var query = sparqlForm.querySelector("textarea[name=query]").value;
      setState(container, "running");
      container.textContent = "Running\u2026";
      fetch("/sparql", {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Accept: "application/sparql-results+json, text/turtle;q=0.9"
        },
        body: new URLSearchParams({ query: query }).toString()
      })
        .then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          return response.text().then(function (text) { return { ok: response.ok, type: type, text: text }; });
        })
        .then(function (res) {
          if (!res.ok) {
            showError(container, res.text.trim());
            setState(container, "error");
            return;
          }
          if (res.type.indexOf("json") >= 0) {
            var doc = JSON.parse(res.text);
            if (typeof doc.boolean === "boolean") {
              container.textContent = "";
              container.appendChild(el("p", { "class": "boolean" }, String(doc.boolean)));
            } else {
              var vars = doc.head.vars || [];
              var rows = doc.results.bindings.map(function (b) {
                return vars.map(function (v) {
                  return b[v] ? { value: b[v].value, iri: b[v].type === "uri" } : { value: null, iri: false };
                });
              });
              renderTable(container, vars, rows, "");
              container.setAttribute("data-rows", String(rows.length));
            }
          } else {
            container.textContent = "";
            container.appendChild(el("pre", { "class": "rdf" }, res.text));
          }
          setState(container, "done");
        })
        .catch(function (err) {
          showError(container, "could not reach the server: " + err);
          setState(container, "error");
        });
    });
  }
})();

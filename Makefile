# Two entry points: `make demo` (the main job on the shipped knowledge graph) and `make test`.
# Both create .venv with the standard library's venv and install the project into it; nothing is installed
# globally. PYTHON may name another interpreter (>= 3.10).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
AIW    := $(BIN)/aiworkforce

.PHONY: demo test test-fast bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install when the packaging metadata changes.
# tools/vendor-yasgui.sh vendors the YASGUI editor (npm) into the package first; without npm the page falls back.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	tools/vendor-yasgui.sh
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	tools/vendor-yasgui.sh
	$(BIN)/python -m pip install --quiet --no-compile -e '.[test]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(AIW) validate
	@echo
	$(AIW) stats --layers

# The Debian packages and axe-core the tests need (tools/ensure-*.sh) install while pip installs the project: the
# two share nothing, and run one after the other they were a fifth of a fresh `make test`.
test: | $(BIN)/python
	tools/vendor-yasgui.sh
	{ tools/ensure-browser.sh && tools/ensure-docs-tools.sh && tools/ensure-virtuoso.sh; } & tools=$$!; \
	  $(MAKE) --no-print-directory $(VENV)/.installed-test; installed=$$?; \
	  wait $$tools && [ $$installed -eq 0 ]
	$(BIN)/python -m pytest -n auto --dist worksteal

# Everyday work: the suite without the tests marked slow (reference engines on whole graphs, the W3C suites, the
# browser, wheel builds, fuzzing; the list is SLOW in tests/conftest.py). `make test` runs everything.
test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n auto --dist worksteal -m "not slow"

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/query_latency.py

clean:
	rm -rf $(VENV) build dist .pytest_cache

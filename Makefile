# Two commands for a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: site test check serve bundle clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

site: $(STAMP)
	$(PY) -m builder build --content content --out site
	@echo "Open: $(CURDIR)/site/index.html"

check: $(STAMP)
	$(PY) -m builder check --content content

# The browser tests need chromium, java and node_modules/ (axe-core, vnu-jar): see .ci/install-browser-deps.
test: $(STAMP)
	.ci/install-browser-deps
	$(PY) -m pytest

clean:
	rm -rf site dist .cache

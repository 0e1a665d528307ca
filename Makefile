# ChinhQuyen — the two commands are `make demo` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PORT ?= 8000
HOST ?= 127.0.0.1
BIN := $(VENV)/bin
PY := $(BIN)/python
CQ := $(BIN)/chinhquyen
# Two workers: the machines have two cores. PYTEST_ARGS= runs in one process.
PYTEST_ARGS ?= -n 2

# Django 6.1 needs Python >= 3.12: take the first interpreter that is new enough
# (Debian 13's python3 is 3.13; on older systems a python3.12/3.13 on PATH or under pyenv).
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.14 \
	$$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] 2>/dev/null); do \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; \
	done)

# Debian packages the test suite drives for real (browser for page tests).
# Slips (WeasyPrint): Pango, Liberation Serif 2.x (1.x has no Vietnamese), poppler + zbar to read them back.
# Signatures: SoftHSM2 as a real PKCS#11 token; poppler's pdfsig checks the signed PDFs.
# Citizen sign-in: nodejs runs the development OIDC provider (tools/oidc-dev-provider, npm ci by
# the test fixture; npm comes with nodejs here, Debian's separate npm package conflicts with it).
# Official documents: tesseract (Vietnamese) + ghostscript for OCR of scans (ocrmypdf);
# LibreOffice (no GUI) turns the .docx drafts into PDF; Calc opens the IT report (.xlsx) in its test.
APT_DOCUMENT_PACKAGES := tesseract-ocr tesseract-ocr-vie ghostscript libreoffice-writer-nogui libreoffice-calc-nogui
APT_TEST_PACKAGES := chromium fonts-liberation fonts-liberation2 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils zbar-tools softhsm2 nodejs $(APT_DOCUMENT_PACKAGES)
# Debian packages the demo needs to run (Pango and Vietnamese-capable fonts for the PDF slips).
APT_DEMO_PACKAGES := fonts-liberation2 libpango-1.0-0 libpangoft2-1.0-0 $(APT_DOCUMENT_PACKAGES)

.PHONY: help demo test lint format bench venv venv-test messages migrate demo-data clean apt-test apt-demo node-tools exchange-demo

help:
	@echo "make demo   - install into $(VENV), migrate var/chinhquyen.sqlite3, load the demo province, serve on http://$(HOST):$(PORT)"
	@echo "make test   - install what tests need (Debian packages too when root) and run the whole suite"
	@echo "make lint   - ruff check + format check + missing-migration check"
	@echo "make bench  - benchmarks (not run in CI); figures go to docs/benchmarks.md"
	@echo "make exchange-demo - two installations (provinces) on :8001 and :8002 exchanging documents and dossiers"

$(VENV)/.created:
	@test -n "$(PYTHON)" || { echo "ChinhQuyen needs Python >= 3.12 (Django 6.1). Install python3.12 or newer (Debian 13: apt-get install python3 python3-venv)."; exit 1; }
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq python3-venv; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	touch $@

$(VENV)/.installed: pyproject.toml $(VENV)/.created
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.created
	$(PY) -m pip install -q -e ".[test]"
	touch $@ $(VENV)/.installed

venv: $(VENV)/.installed
venv-test: $(VENV)/.installed-test

messages: $(VENV)/.installed
	$(CQ) compile_translations

migrate: messages
	$(CQ) migrate --noinput

demo-data: apt-demo migrate
	$(CQ) load_demo

demo: demo-data
	$(CQ) demo_accounts
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(CQ) runserver --noreload $(HOST):$(PORT)

# Two installations (provinces H37 on :8001, H38 on :8002) exchanging documents and dossiers;
# uses the test tooling (test extras), data under var/exchange-demo/. Ctrl-C stops both.
exchange-demo: apt-demo $(VENV)/.installed-test messages
	$(PY) tools/exchange_demo.py

# Installs the Debian packages named in $(1) that are missing (as root), else says which.
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "Missing Debian packages (install them as root):$$missing"; fi; \
	fi
endef

apt-test:
	$(call apt_install,$(APT_TEST_PACKAGES) $(APT_DEMO_PACKAGES))

apt-demo:
	$(call apt_install,$(APT_DEMO_PACKAGES))

# Node tools the tests run for real: the development OIDC provider and axe-core (locked versions).
NODE_TOOLS := tools/oidc-dev-provider tools/axe

node-tools:
	@command -v npm >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq npm >/dev/null; } || echo "npm is missing: install Node.js and npm"
	@for d in $(NODE_TOOLS); do \
	  if [ ! -e $$d/node_modules/.package-lock.json ] || [ $$d/package-lock.json -nt $$d/node_modules/.package-lock.json ]; then \
	    (cd $$d && npm ci --no-audit --no-fund --loglevel=error) || exit 1; fi; done

test: apt-test $(VENV)/.installed-test node-tools
	$(CQ) compile_translations
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src bench
	$(BIN)/ruff format --check src bench
	$(CQ) makemigrations --check --dry-run

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix src bench
	$(BIN)/ruff format src bench

bench: $(VENV)/.installed-test
	$(PY) bench/run.py
	$(PY) bench/bench_documents_search.py

clean:
	rm -rf $(VENV) var/*.sqlite3* .pytest_cache

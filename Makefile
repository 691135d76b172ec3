# Two entry points: `make demo` (serve demo data on SQLite) and `make test` (whole suite).
# Each creates .venv and installs the pinned requirements itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
FLASK := $(BIN)/flask --app integrity_service

.PHONY: venv vendor demo test test-deps lint bench clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

# The receipt page's Ed25519 fallback (@noble/ed25519), copied from the npm registry by the
# exact versions in js/package-lock.json; never fetched at run time.
vendor:
	bash js/vendor.sh

demo: venv vendor
	$(FLASK) init-db
	$(FLASK) demo
	$(FLASK) run --host 127.0.0.1 --port 5000

# System packages the tests drive: Go's x/mod (interop test), Debian's Chromium (browser
# tests, driven by Playwright; never a browser download) and poppler (PDF pages to images).
# Installs only what is missing; where a package cannot be installed, the tests that need it
# skip and say why.
test-deps:
	-bash tests/interop/setup.sh
	-@test -x /usr/bin/chromium -a -x /usr/bin/pdftoppm || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils; }

test: venv vendor test-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n auto -p no:cacheprovider

lint: venv
	$(BIN)/ruff check .

bench: venv
	$(BIN)/python bench/ledger_bench.py --entries 100000

clean:
	rm -rf $(VENV) instance test-output

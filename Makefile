# Set-up, tests and demo. `make test` is what CI runs (.ci/run).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# CPU machines pin torch (an unpinned torch pulls CUDA wheels); GPU users: CONSTRAINTS= (see README).
CONSTRAINTS ?= constraints/cpu.txt
PIP_CONSTRAINTS := $(if $(CONSTRAINTS),-c $(CONSTRAINTS))

CLIENTS := .clients
NODE_BIN := $(CLIENTS)/node_modules/node/bin

.PHONY: setup postgres clients test test-slow lint demo bench

setup: $(VENV)/.installed postgres

# The tests start a throwaway PostgreSQL server: Debian's package where initdb is missing (CI runs as root).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; }

$(VENV)/.installed: pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet $(PIP_CONSTRAINTS) -e ".[test]"
	touch $@

# External MCP clients for the tests: Node 22 first, so npm resolves the Inspector 2.x line under it.
clients: $(CLIENTS)/.installed

$(CLIENTS)/.installed: Makefile
	npm install --prefix $(CLIENTS) --no-audit --no-fund --loglevel=error node@22
	PATH="$(abspath $(NODE_BIN)):$$PATH" npm install --prefix $(CLIENTS) --no-audit --no-fund --loglevel=error \
		@modelcontextprotocol/inspector@2 @modelcontextprotocol/conformance@0.1 @modelcontextprotocol/sdk@1
	touch $@

lint: setup
	$(BIN)/ruff check server tools tests bench
	$(BIN)/hadolint Dockerfile

test: lint clients
	ML_EXPERT_CLIENTS="$(abspath $(CLIENTS))" $(BIN)/pytest

test-slow: setup
	$(BIN)/pytest -m slow

demo: setup
	$(BIN)/ml-expert demo

bench: setup
	for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done

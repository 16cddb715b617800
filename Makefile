# Set-up, tests and demo. `make test` is what CI runs (.ci/run).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# CPU machines pin torch (an unpinned torch pulls CUDA wheels); GPU users: CONSTRAINTS= (see README).
CONSTRAINTS ?= constraints/cpu.txt
PIP_CONSTRAINTS := $(if $(CONSTRAINTS),-c $(CONSTRAINTS))

.PHONY: setup test test-slow lint demo bench

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet $(PIP_CONSTRAINTS) -e ".[test]"
	touch $@

lint: setup
	$(BIN)/ruff check server tools tests bench
	$(BIN)/hadolint Dockerfile

test: lint
	$(BIN)/pytest

test-slow: setup
	$(BIN)/pytest -m slow

demo: setup
	$(BIN)/ml-expert demo

bench: setup
	for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done

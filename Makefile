# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-unit test-integration test-e2e chaos bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: install  ## record the demo year on the embedded default and summarise it
	$(BIN)/oar-ledger demo

test: install  ## every test: unit, integration (SQLite, PostgreSQL, dev broker), e2e
	$(BIN)/pytest

test-unit: install
	$(BIN)/pytest -m unit

test-integration: install
	$(BIN)/pytest -m integration

test-e2e: install
	$(BIN)/pytest -m e2e

chaos: install  ## fault injection: broker stalls, relay/projector SIGKILLs, parallel writers (~3 min)
	$(BIN)/pytest -m chaos

bench: install  ## benchmarks, each printing its ratio to a raw baseline measured in the same run
	$(BIN)/python -m bench
	$(BIN)/python -m bench.startup

clean:
	rm -rf var .pytest_cache

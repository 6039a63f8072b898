# vicman developer entry points.
#
#   make run     set up .venv, create the demo database if missing, start the desktop app
#   make test    set up .venv, run pytest (Qt offscreen) on SQLite and on a throw-away PostgreSQL, then ruff and mypy
#   make lint    ruff + mypy only
#   make bench   run benchmarks/bench_core.py
#   make clean   remove .venv, caches and build output (the demo database is kept)
#
# Overridable: PYTHON (interpreter used to create .venv), DEMO_DB (database for `make run`).

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
DEMO_DB ?= $(HOME)/.local/share/vicman/demo.sqlite3

# Only paths that exist: a fresh clone may not have every folder yet.
LINT_PATHS := $(wildcard vicman tests benchmarks scripts)

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help setup os-deps run test lint bench clean

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

# OS packages for Qt, and a working Python >= 3.11 with venv. Quiet when all is there.
os-deps:
	@bash scripts/install-os-deps.sh "$(PYTHON)"

$(BIN)/python: | os-deps
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }

# Re-install only when pyproject.toml is newer than the stamp.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[test]'
	@touch $@

setup: os-deps $(STAMP)

run: setup
	@if [ ! -e "$(DEMO_DB)" ]; then \
	    mkdir -p "$$(dirname "$(DEMO_DB)")" && \
	    echo "$(BIN)/vicman --db $(DEMO_DB) demo" && \
	    $(BIN)/vicman --db "$(DEMO_DB)" demo || \
	    { rm -f "$(DEMO_DB)" "$(DEMO_DB)-wal" "$(DEMO_DB)-shm" "$(DEMO_DB)-journal"; exit 1; }; \
	fi
	$(BIN)/vicman --db "$(DEMO_DB)"

# Every database test runs on SQLite and on PostgreSQL: scripts/pg_test_cluster.sh starts a throw-away
# cluster (installing Debian's postgresql as root if missing) and prints its URL; the trap stops and
# deletes it however pytest ends, and the recipe keeps pytest's exit status. VICMAN_REQUIRE_POSTGRES=1
# makes an unreachable server fail the run instead of skipping the PostgreSQL half.
test: setup
	@url="$$(bash scripts/pg_test_cluster.sh start)" || exit 1; \
	trap 'bash scripts/pg_test_cluster.sh stop' EXIT; \
	trap 'exit 130' INT TERM; \
	echo "PostgreSQL test cluster: $$url"; \
	VICMAN_TEST_POSTGRES_URL="$$url" VICMAN_REQUIRE_POSTGRES=1 QT_QPA_PLATFORM=offscreen \
	    $(BIN)/python -m pytest -q
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/mypy

lint: setup
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/mypy

bench: setup
	$(BIN)/python benchmarks/bench_core.py

clean:
	@bash scripts/pg_test_cluster.sh stop
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

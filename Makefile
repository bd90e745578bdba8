# Relais: two commands on a fresh clone.
#   make run   creates .venv, installs, runs every asset on the demo organisation, prints the results
#   make test  creates .venv, installs, lints and runs the test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RELAIS_HOME ?= $(CURDIR)/.relais
DAGSTER_HOME ?= $(RELAIS_HOME)/dagster
export RELAIS_HOME DAGSTER_HOME
QUIET_LOGS := {"loggers": {"console": {"config": {"log_level": "INFO"}}}}

.PHONY: install run test lint dev demo-data clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: install
	$(BIN)/relais demo
	$(BIN)/dagster asset materialize --select '*' -m pipelines.definitions --config-json '$(QUIET_LOGS)'
	@echo
	@$(BIN)/relais summary

test: install
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

dev: install
	$(BIN)/relais init
	$(BIN)/dagster dev -w workspace.yaml

demo-data: install
	$(BIN)/python seeds/demo/generate.py

clean:
	rm -rf $(VENV) .relais .pytest_cache

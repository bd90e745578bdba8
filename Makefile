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

.PHONY: install system-deps run test lint dev demo-data clean

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

# The report tests render HTML in headless Chromium and PDF pages with pdftoppm; the PostgreSQL storage
# test starts a throw-away server with initdb. Debian packages, installed only when missing
# (Debian keeps initdb in /usr/lib/postgresql/<version>/bin, off PATH).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -z "$$missing" ]; then :; \
	elif command -v apt-get >/dev/null; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		echo "Installing$$missing (Debian packages) for the report and storage tests"; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	else echo "Missing$$missing: the report rendering and PostgreSQL storage tests will be skipped"; fi

# The normal suite leaves out the tests marked slow and the exhaustive fault tests; CI (CI set, as
# .ci/run is run) runs everything.
test: install system-deps
	$(BIN)/ruff check .
	$(BIN)/pytest $(if $(CI),,-m 'not slow')

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

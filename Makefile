# Relais: two commands on a fresh clone.
#   make run   creates .venv, installs, refreshes the demo organisation (`relais refresh`), prints the results
#   make test  creates .venv, installs, lints and runs the test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RELAIS_HOME ?= $(CURDIR)/.relais
DAGSTER_HOME ?= $(RELAIS_HOME)/dagster
export RELAIS_HOME DAGSTER_HOME
INSTALL_LOG := $(VENV)/install.log
# pip's own output goes to $(INSTALL_LOG); the terminal gets a line per step and a count of the
# packages resolved, and the log's last lines when pip fails.
PIP_PROGRESS := awk '/^Collecting / { n++; if (n % 25 == 0) { printf "  %d packages resolved...\n", n; fflush() } } \
	/^Installing collected packages/ { sub(/^[^:]*: /, ""); k = split($$0, p, ", "); \
		printf "  installing %d package%s...\n", k, (k == 1 ? "" : "s"); fflush() }'
PIP_FAILED := { echo "pip failed; the end of $(INSTALL_LOG):"; tail -n 25 $(INSTALL_LOG); exit 1; }

.PHONY: install system-deps run test lint dev demo-data clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@echo "[install 1/3] creating the virtual environment $(VENV) with $(PYTHON)"
	@$(PYTHON) -m venv $(VENV)
	@echo "[install 2/3] upgrading pip (its output: $(INSTALL_LOG))"
	@$(BIN)/pip install --upgrade pip > $(INSTALL_LOG) 2>&1 || $(PIP_FAILED)
	@echo "[install 3/3] installing Relais and its dependencies (a few minutes the first time)"
	@set -o pipefail; $(BIN)/pip install --progress-bar off -e '.[dev]' 2>&1 | tee -a $(INSTALL_LOG) \
		| $(PIP_PROGRESS) || $(PIP_FAILED)
	@echo "Installed in $(VENV)"
	@touch $@

run: install
	$(BIN)/relais demo
	$(BIN)/relais refresh

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
# .ci/run is run) runs everything. pytest-xdist runs the test files on every core (TEST_WORKERS=auto),
# one file per worker at a time (--dist loadfile), so a module's shared fixtures are built once.
TEST_WORKERS ?= auto
test: install system-deps
	$(BIN)/ruff check .
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(if $(CI),,-m 'not slow')

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# `dg dev` (what `dagster dev` now defers to) serves the project of pyproject.toml's [tool.dg]; it is told
# which virtual environment is the project's so that it neither warns nor looks for another one.
dev: install
	$(BIN)/relais init
	VIRTUAL_ENV=$(abspath $(VENV)) PATH="$(abspath $(BIN)):$$PATH" $(BIN)/dg dev

demo-data: install
	$(BIN)/python seeds/demo/generate.py

clean:
	rm -rf $(VENV) .relais .pytest_cache

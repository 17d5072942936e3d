# Two commands for a newcomer: `make serve` (run the academy) and `make test` (run the tests).
# Both set up everything they need: the virtual environment in .venv/, the npm packages
# (Pyodide, axe-core) and the Debian packages (python3-seccomp for the grading sandbox,
# chromium for the browser tests).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
PY_STAMP := $(VENV)/.installed
# Every Python package, pinned with its hashes (pip-compile; `make lock` regenerates it).
LOCK := requirements.lock
NODE_STAMP := node_modules/.installed
SITE_DIR ?= site
HOST ?= 127.0.0.1
PORT ?= 8000
# nbgrader runs `alembic` by name, so the venv's bin/ must be on PATH.
export PATH := $(BIN):$(PATH)

.PHONY: setup python-deps node-deps sandbox-deps browser-deps web-user build serve test check lint lock clean

setup: python-deps node-deps sandbox-deps

python-deps: $(PY_STAMP)
# The locked packages first, each checked against its hash; then this project alone, without
# its dependencies (they are all in the lock) and without a build environment fetched from
# the index (the lock's setuptools builds it).
$(PY_STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# After changing the dependencies in pyproject.toml: pin them all again, with hashes (the
# extras postgres, redis and dev included), then install them.
lock: python-deps
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
	  --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
	  --extra dev --extra postgres --extra redis --output-file $(LOCK) pyproject.toml
	$(MAKE) python-deps

node-deps: $(NODE_STAMP)
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages; installed only when missing (needs root, as on the council's build hosts).
# The grading sandbox is built by the grader itself (grader/autograde/sandbox/zygote.py); python3-seccomp
# compiles its system-call filter (run by Debian's /usr/bin/python3); util-linux's `unshare`
# checks at start that namespaces can be made here.
sandbox-deps:
	@command -v unshare >/dev/null && /usr/bin/python3 -c 'import seccomp' 2>/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-seccomp util-linux; }

browser-deps:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# The web server's own account: `grader serve` started as root runs the web server as it, and
# keeps root only for the grading workers (the sandbox needs it). Created when missing, as root.
WEB_USER ?= $(or $(ACADEMY_WEB_USER),academy)
web-user:
	@if [ "$$(id -u)" = 0 ] && ! id -u $(WEB_USER) >/dev/null 2>&1; then \
	  useradd --system --no-create-home --shell /usr/sbin/nologin $(WEB_USER); fi

build: setup
	$(BIN)/grader -v build --site-dir $(SITE_DIR)

serve: build web-user
	$(BIN)/grader serve --site-dir $(SITE_DIR) --host $(HOST) --port $(PORT)

check: setup
	$(BIN)/grader check

test: setup browser-deps web-user
	$(BIN)/python -m pytest
	@# CI (.ci/run) sets ACADEMY_TEST_POSTGRES_URL: the service tests run again on PostgreSQL,
	@# with the tests marked `postgres` (scale-out on Redis); the browser ran in the first pass.
	@if [ -n "$$ACADEMY_TEST_POSTGRES_URL" ]; then \
	  echo "Service tests again, on PostgreSQL"; \
	  DATABASE_URL="$$ACADEMY_TEST_POSTGRES_URL" $(BIN)/python -m pytest tests/service -m "not browser"; \
	fi

# ruff on everything; mypy on the package (settings in pyproject.toml); the import contract
# (the layers of grader/, in pyproject.toml's [tool.importlinter]).
lint: python-deps
	$(BIN)/ruff check grader tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(SITE_DIR) .cache

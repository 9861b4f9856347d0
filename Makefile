# Two commands do all set-up (see README.md):
#   make run   - the portal with demo content on the embedded default (SQLite)
#   make test  - the whole suite against real PostgreSQL and Redis
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

# Test services: local defaults, overridable with the same variables.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1

.PHONY: test-sqlite run test test-browser install lint audit format check worker clean drill bench

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@scripts/bootstrap_python.sh "$(PYTHON)" "$(VENV)"
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed

run: install
	@scripts/ensure_runtime.sh
	$(PY) manage.py migrate --noinput
	SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}" $(PY) manage.py seed_demo --url "$${SITE_URL:-http://$(HOST):$(PORT)}"
	SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}" $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	@DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" REDIS_URL="$${REDIS_URL:-$(TEST_REDIS_URL)}" \
		scripts/ensure_services.sh
	@scripts/ensure_runtime.sh
	@scripts/ensure_browser.sh
	@scripts/ensure_nginx.sh
	@$(MAKE) --no-print-directory test-sqlite
	@DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" REDIS_URL="$${REDIS_URL:-$(TEST_REDIS_URL)}" \
		DJANGO_SETTINGS_MODULE=portal.settings.test $(VENV)/bin/pytest

# The suite (without the browser tests) on the embedded default's SQLite: what
# `make run` users meet. Tests marked `postgres` (racing requests, full-text search)
# and `worker` are skipped there.
test-sqlite: install
	@echo "--- the suite on SQLite (the embedded default) ---"
	@DATABASE_URL="sqlite:///$(CURDIR)/var/test-sqlite.db" REDIS_URL="$${REDIS_URL:-$(TEST_REDIS_URL)}" \
		DJANGO_SETTINGS_MODULE=portal.settings.test $(VENV)/bin/pytest -q -m "not browser" \
		--ignore=tests/portal/test_embedded_default.py

test-browser: install
	@scripts/ensure_browser.sh
	@DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" REDIS_URL="$${REDIS_URL:-$(TEST_REDIS_URL)}" \
		DJANGO_SETTINGS_MODULE=portal.settings.test $(VENV)/bin/pytest -m browser

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# Security checks: bandit over the shipped code (configured and its exceptions
# explained in pyproject.toml and `# nosec` comments), and pip-audit over
# requirements.txt, which warns instead of passing when PyPI's vulnerability data is
# unreachable (AUDIT_STRICT=1 makes that an error).
audit: install
	$(VENV)/bin/bandit -q -r portal content learning assessments corporate integrations -c pyproject.toml
	$(PY) scripts/audit_dependencies.py

# Break Redis, PostgreSQL, a worker and the disk under a production-like portal in a
# sandbox of its own and print the table (scripts/fault_drill.py; needs root).
drill: install
	@DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" REDIS_URL="$${REDIS_URL:-$(TEST_REDIS_URL)}" \
		scripts/ensure_services.sh
	@scripts/ensure_runtime.sh
	$(PY) scripts/fault_drill.py $(DRILL_ARGS)

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: install
	$(PY) manage.py makemigrations --check --dry-run

worker: install
	DJANGO_SETTINGS_MODULE="$${DJANGO_SETTINGS_MODULE:-portal.settings.dev}" \
		$(VENV)/bin/celery -A portal worker -Q default,media,notifications,integrations --loglevel INFO

# The performance benchmark (README, "Performance"): size M by default, its own
# database, servers and ports; prints the tables. Not part of the suite.
bench: install
	@bench/run.sh

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

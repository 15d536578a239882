# The two commands a newcomer needs: `make run` and `make test`. Python 3.11+ is all they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help run test test-fast test-one test-serial fuzz test-pg lint format typecheck check \
	schema-lint schema-lint-run migrate seed pre-commit-install clean worker beat

# pytest-xdist: one worker process per core (2 here and in CI). Each worker has its own test
# database and, with REDIS_URL, its own Redis database (tests/settings.py), so no test needs to
# wait for another; a test that ever must can carry @pytest.mark.xdist_group("name") and share
# one worker with its group (--dist loadgroup). `make test XDIST=` runs in one process.
XDIST ?= -n auto --dist loadgroup

.DEFAULT_GOAL := help

# Python's compiled files are kept (__pycache__/, git-ignored) even where the environment turns
# them off: without them every test process compiles the whole project and its libraries again.
unexport PYTHONDONTWRITEBYTECODE

## help: this list (every target with a `## target:` line above it)
help:
	@awk 'BEGIN {FS = ":"} /^## [a-z-]+:/ {sub(/^## /, ""); name = $$1; sub(/^[^:]*: */, ""); \
	  printf "  %-19s %s\n", name, $$0; next} \
	  /^## / && name {sub(/^## /, ""); printf "  %-19s %s\n", "", $$0}' $(MAKEFILE_LIST)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

## run: install, migrate SQLite, load the demo data, serve on 127.0.0.1:8000
run: export DEBUG ?= true
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py seed_demo_rewards
	@echo ""
	@echo "  API docs:    http://127.0.0.1:8000/api/docs/  (ReDoc: /api/redoc/, schema: /api/schema/)"
	@echo "  Back office: http://127.0.0.1:8000/admin/     (council-admin@demo.test, manager@demo.test)"
	@echo "  Desk:        http://127.0.0.1:8000/desk/      (staff@demo.test)"
	@echo "  Sign in:     http://127.0.0.1:8000/accounts/login/  (resident@demo.test; superuser admin@demo.test)"
	@echo "  Wallet:      http://127.0.0.1:8000/wallet/    (resident@demo.test)"
	@echo "  Poster page: the /q/ link printed above (or type its code at http://127.0.0.1:8000/q/)"
	@echo "  Demo password for every account: council-demo-2026"
	@echo "  Health:      http://127.0.0.1:8000/healthz"
	@echo ""
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## test: the whole suite, in parallel on every core (SQLite, or PostgreSQL/Redis when
## DATABASE_URL/REDIS_URL are set). PYTEST_ARGS adds options, XDIST= runs it in one process.
test: $(STAMP)
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

## test-fast: the quick loop on SQLite: tables built from the models, not the migrations (the
## migration tests are skipped), stops at the first failure, in parallel. `make test` before a push.
test-fast: $(STAMP)
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python -m pytest --no-migrations -x $(XDIST) $(PYTEST_ARGS)

## test-one: one test (or file, or -k expression) in under 3 s from a warm .venv, on SQLite:
## make test-one T=tests/venues/test_models.py::test_a_venue_role_without_a_venue_is_refused
## Tables from the models (no migrations), and only the pytest plugins a test here uses (the
## schema fuzz, which needs schemathesis's, runs with `make fuzz` or `make test`).
test-one: $(STAMP)
	env -u DATABASE_URL -u REDIS_URL PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 $(BIN)/python -m pytest \
	  -p pytest_django.plugin -p pytest_socket -p pytest_httpserver.pytest_plugin \
	  --no-migrations -q $(T) $(PYTEST_ARGS)

## test-serial: the whole suite in one process (the order CI used before pytest-xdist)
test-serial: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## fuzz: the schema fuzz at length (more examples per operation, all three roles)
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-50} $(BIN)/python -m pytest tests/backend/test_schema_fuzz.py $(PYTEST_ARGS)

## test-pg: only the PostgreSQL tests (row locks, races, triggers; the worker ones with REDIS_URL
## too). Starts nothing: needs DATABASE_URL of a running PostgreSQL (the tests make their own
## test database there), e.g. DATABASE_URL=postgresql://postgres@127.0.0.1:5432/checkins
test-pg: $(STAMP)
	@$(BIN)/python -c 'import sys; from tests.settings import DATABASES; \
	sys.exit(None if "postgresql" in DATABASES["default"]["ENGINE"] else "test-pg needs \
	DATABASE_URL=postgresql://... of a running PostgreSQL server (it starts none).")'
	$(BIN)/python -m pytest -m postgres $(PYTEST_ARGS)

# Refuse to start a worker or beat with no broker: then every job already runs in-process
# (Celery eager). Asks the settings, so a broker set in .env counts as well.
REQUIRE_BROKER = $(BIN)/python -c 'import sys; from backend.settings import CELERY_BROKER_URL; \
	sys.exit(None if CELERY_BROKER_URL else "No broker: set REDIS_URL (or CELERY_BROKER_URL). \
	Without one, background jobs run in-process (Celery eager) and need no worker or beat.")'

## worker: a Celery worker for the background jobs (needs REDIS_URL or CELERY_BROKER_URL)
worker: $(STAMP)
	@$(REQUIRE_BROKER)
	$(BIN)/celery -A backend worker --loglevel=INFO

## beat: the periodic jobs' scheduler; run exactly one per deployment (needs a broker too)
beat: $(STAMP)
	@$(REQUIRE_BROKER)
	$(BIN)/celery -A backend beat --loglevel=INFO --schedule .celerybeat-schedule

## lint: ruff's rules and its formatting check
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## format: ruff fixes what it can and formats the code
format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## typecheck: mypy with the Django and DRF stubs over the services, selectors and the ledger
## (pyproject.toml [tool.mypy] lists them; they stay clean)
typecheck: $(STAMP)
	$(BIN)/mypy

## check: what CI checks besides the tests (lint, the import contracts, the types, migrations,
## the schema and its linters)
check: lint
	$(BIN)/lint-imports --no-cache
	@$(MAKE) --no-print-directory typecheck
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=true $(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null
	@$(MAKE) --no-print-directory schema-lint

# The schema's linters and the TypeScript client, from npm at pinned versions (package-lock).
OPENAPI_TOOLS := tools/openapi
NPM_STAMP := $(OPENAPI_TOOLS)/node_modules/.installed
# Redocly would otherwise report usage and look for updates over the network.
NODE_TOOLS_ENV := REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_UPDATE_NOTIFIER=1

$(NPM_STAMP): $(OPENAPI_TOOLS)/package.json $(OPENAPI_TOOLS)/package-lock.json
	cd $(OPENAPI_TOOLS) && npm ci --no-audit --no-fund --ignore-scripts
	touch $@

## schema-lint: Redocly's recommended rules and Spectral's spectral:oas over the served schema
## (0 errors; the warnings kept are listed in README), then the TypeScript client generated from
## it (openapi-typescript) must typecheck tools/openapi/journey.ts with tsc --strict. Needs
## Node.js 20+ and npm: without them it says so and is skipped (in CI, where CI is set, it fails).
schema-lint: $(STAMP)
	@if ! command -v npm >/dev/null 2>&1; then \
	  if [ -n "$$CI" ]; then echo "schema-lint: CI needs Node.js and npm"; exit 1; fi; \
	  echo "schema-lint SKIPPED: no Node.js/npm here (install Node.js 20+ to lint the schema and typecheck the TypeScript client)"; \
	  exit 0; \
	fi; $(MAKE) --no-print-directory schema-lint-run

schema-lint-run: $(NPM_STAMP)
	DEBUG=true $(BIN)/python manage.py spectacular --format openapi-json --file $(OPENAPI_TOOLS)/schema.json
	cd $(OPENAPI_TOOLS) && $(NODE_TOOLS_ENV) node_modules/.bin/redocly lint schema.json --config redocly.yaml
	cd $(OPENAPI_TOOLS) && node_modules/.bin/spectral lint schema.json --ruleset .spectral.yaml --fail-severity error
	cd $(OPENAPI_TOOLS) && node_modules/.bin/openapi-typescript schema.json -o generated/schema.d.ts
	cd $(OPENAPI_TOOLS) && node_modules/.bin/tsc -p tsconfig.json
	@echo "schema-lint: Redocly and Spectral found no error; the TypeScript journey typechecks."

## migrate: apply the migrations to the database of the settings (SQLite unless DATABASE_URL)
migrate: export DEBUG ?= true
migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

## seed: migrate, then load the demo data (the councils, venues, accounts and rewards of `make run`)
seed: export DEBUG ?= true
seed: migrate
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py seed_demo_rewards

## pre-commit-install: run ruff and the import contracts before each `git commit`
## (.pre-commit-config.yaml: local hooks on .venv, nothing downloaded)
pre-commit-install: $(STAMP)
	$(BIN)/pre-commit install

## clean: remove the .venv, the SQLite database, collected static files and the npm tools
clean:
	rm -rf $(VENV) db.sqlite3 staticfiles $(OPENAPI_TOOLS)/node_modules $(OPENAPI_TOOLS)/generated

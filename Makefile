# Two commands set everything up on a fresh machine with Python 3.11:
#   make run    install, migrate SQLite, load the demo community, serve on 127.0.0.1:$(PORT) with the worker
#   make test   install with dev extras, lint, type-check, run the suite on SQLite, then PostgreSQL
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/hromada
PYTEST_ARGS ?= -n 2

.PHONY: run test install install-dev system-deps test-system-deps lint test-sqlite test-postgres schema messages clean bench-tools bench-floor bench-floor-scaling

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# Front-end libraries (Leaflet) from npm, served as static files; npm writes the hidden lockfile on success.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

install: system-deps $(VENV)/.installed node_modules/.package-lock.json
install-dev: test-system-deps $(VENV)/.installed-dev node_modules/.package-lock.json

# OCR of paper letters needs Tesseract with the Ukrainian pack (Debian packages); DejaVu for receipt PDFs.
system-deps:
	@if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx ukr; then \
	  apt-get update -qq && apt-get install -y -qq tesseract-ocr tesseract-ocr-ukr fonts-dejavu-core; \
	fi
	@# npm installs the front-end libraries (Leaflet, htmx; axe-core for the browser tests) from package.json.
	@if ! command -v npm >/dev/null 2>&1; then apt-get update -qq && apt-get install -y -qq npm; fi

# The suite also puts nginx (TLS) in front of `hromada serve`, and drives a real browser (chromium with
# its chromedriver) through the pages (docs/browser-tests.md); `make run` needs neither.
test-system-deps: system-deps
	@if ! [ -x /usr/sbin/nginx ]; then apt-get update -qq && apt-get install -y -qq nginx; fi
	@if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ]; then \
	  apt-get update -qq && apt-get install -y -qq chromium chromium-driver; \
	fi

# Links in messages (receipts, QR codes, notices) point at the address served, unless SITE_URL is set.
RUN_SITE_URL = $(or $(SITE_URL),http://127.0.0.1:$(PORT))

# The server and the worker (with the scheduler of periodic tasks), stopped together by Ctrl+C (`hromada run`).
run: install
	$(BIN)/hromada migrate --noinput -v 0
	$(BIN)/hromada collectstatic --noinput -v 0
	SITE_URL=$(RUN_SITE_URL) $(BIN)/hromada demo
	@echo "Serving on http://127.0.0.1:$(PORT)/c/demo/  (Ctrl+C to stop)"
	SITE_URL=$(RUN_SITE_URL) $(BIN)/hromada run 127.0.0.1:$(PORT)

test: install-dev lint test-sqlite test-postgres

lint: install-dev
	$(BIN)/ruff check hromada bench
	$(BIN)/mypy hromada bench
	$(BIN)/hromada makemigrations --check --dry-run
	@# `hromada check --deploy` with the production environment of docs/operations.md: no warning allowed.
	$(BIN)/pytest -q -p no:xdist -p no:cacheprovider \
	  hromada/core/tests/test_deploy.py::test_check_deploy_is_clean_with_the_documented_production_environment
	$(BIN)/hromada spectacular --urlconf hromada.config.urls_community --file $(VENV)/openapi.check.yaml --validate --fail-on-warn
	@diff -u docs/api/openapi.yaml $(VENV)/openapi.check.yaml > /dev/null || \
	  (echo "docs/api/openapi.yaml is out of date: run 'make schema' and commit it"; exit 1)

test-sqlite: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install-dev
	@if $(BIN)/python -m hromada.core.dbcheck "$(PG_TEST_URL)"; then \
	  DATABASE_URL="$(PG_TEST_URL)" $(BIN)/pytest $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then \
	  echo "CI: PostgreSQL is required at $(PG_TEST_URL) and is not reachable"; exit 1; \
	else \
	  echo "PostgreSQL not reachable at $(PG_TEST_URL): skipped the PostgreSQL run (CI requires it)"; \
	fi

schema: install-dev
	$(BIN)/hromada spectacular --urlconf hromada.config.urls_community --file docs/api/openapi.yaml --validate

messages: install-dev
	cd hromada && ../$(BIN)/hromada makemessages -l uk --no-obsolete --ignore 'testing/*' --ignore '*/tests/*' && ../$(BIN)/hromada compilemessages

clean:
	rm -rf $(VENV) var node_modules

# The benchmark runner's own tools (load generator and pgbench), from Debian's packages.
bench-tools:
	apt-get update -qq && apt-get install -y wrk postgresql-client

# The framework's floor and signing, ballots and Open311 intake as multiples of it, in one run on the
# production server shape (granian, 12 threads per worker, 24 connections; docs/benchmarks.md).
BENCH_FLOOR_ARGS ?= --threads 12 --connections 24 --db-name hromada_bench_floor
BENCH_FLOOR_WORKERS ?= 1 2 4
bench-floor: install
	$(BIN)/python -m bench floor $(BENCH_FLOOR_ARGS)

# The floor and signing with 1, 2 and 4 app processes: how the rate scales with processes.
bench-floor-scaling: install
	@for k in $(BENCH_FLOOR_WORKERS); do \
	  BENCH_FLOOR_PATHS=floor,sign $(BIN)/python -m bench floor --workers $$k $(BENCH_FLOOR_ARGS) || exit 1; \
	done

# Zuofeng: `make run` starts everything on an embedded default; `make test` runs the tests.
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test check lint security format messages migrations-check clean cluster-check bench

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## Web server, Celery worker and beat together, with the demo county loaded.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo
	@echo "  作风建设管理平台 / Zuofeng: http://$(HOST):$(PORT)/   (Ctrl-C stops web, worker and beat)"
	@echo
	PATH="$(abspath $(BIN)):$$PATH" HOST=$(HOST) PORT=$(PORT) ZUOFENG_ENV=development \
		$(BIN)/honcho -f config/Procfile.dev -d . start

test: install
	$(BIN)/pytest

# Services and selectors at least: each as a module or, once split, as a package.
MYPY_PATHS = $(wildcard $(foreach m,\
	units/services units/notifications units/selectors units/workdays units/permissions \
	units/jobs units/extensions units/transitions units/exports \
	campaign/services campaign/selectors complaints/services complaints/selectors \
	assessments/services assessments/selectors assessments/scoring,$(m).py $(m)))

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(MYPY_PATHS)

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

## bandit on the project's code (config in pyproject.toml; fails on high severity) and
## pip-audit on the installed environment (fails on any known vulnerability).
security: install
	$(BIN)/bandit -q -c pyproject.toml -r . --severity-level high
	$(BIN)/pip-audit --skip-editable --progress-spinner off

check: lint security migrations-check test

## The production section on this machine: two web processes, two workers and one beat
## against one PostgreSQL and one Redis (CLUSTER_DATABASE_URL, CLUSTER_REDIS_URL).
cluster-check: install
	BIN=$(BIN) deploy/cluster-check.sh

## Benchmarks (PostgreSQL): a fresh synthetic data set at SCALE (province or small) in the
## database DATABASE_URL names (its name must contain "bench"), then every measurement;
## writes bench/results.json (province) or bench/results-small.json. See bench/README.md.
SCALE ?= province
BENCH_ENV = DJANGO_SETTINGS_MODULE=config.settings.bench \
	DATABASE_URL="$(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/zf_bench)"
bench: install
	$(BENCH_ENV) $(BIN)/python -m bench.reset_db
	$(BENCH_ENV) $(BIN)/python manage.py migrate --noinput -v0
	$(BENCH_ENV) $(BIN)/python manage.py bench_data --scale $(SCALE)
	$(BENCH_ENV) $(BIN)/python manage.py bench_run --scale $(SCALE)

## Needs GNU gettext; the compiled .mo is committed so a fresh machine does not.
messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore .venv --ignore var --no-obsolete
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore .venv

clean:
	rm -rf var db.sqlite3* test-results

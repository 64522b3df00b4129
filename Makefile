# Two commands on a fresh machine: `make run` (set up, seed, serve) and `make test` (set up, test).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install db run test lint migrations-check messages bench loadtest serve backup restore

$(INSTALLED): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(INSTALLED)

install: $(INSTALLED)

## Create or migrate the database named by DATABASE_URL (SQLite by default) and load both plans.
db: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_seeds

## Fresh machine → seeded application on http://$(HOST):$(PORT) with a demo administrator.
run: db
	$(BIN)/python manage.py ensure_demo_user
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## The whole suite, on the database named by DATABASE_URL (SQLite by default).
test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

## Refresh the Vietnamese catalogue after changing translatable strings (needs gettext).
messages: install
	$(BIN)/python manage.py makemessages --locale vi --ignore '.venv/*' --no-obsolete
	$(BIN)/python manage.py compilemessages --locale vi --ignore '.venv/*'

## Production server: gunicorn with povertyplan.settings.production on the PostgreSQL database of DATABASE_URL
## (SECRET_KEY and ALLOWED_HOSTS required too; docs/deploy.md). Migrates and collects static files first.
WORKERS ?= 3
serve: install
	@case "$$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "make serve needs DATABASE_URL=postgres://… (docs/deploy.md)"; exit 2;; esac
	DJANGO_SETTINGS_MODULE=povertyplan.settings.production $(BIN)/python manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=povertyplan.settings.production $(BIN)/python manage.py createcachetable
	DJANGO_SETTINGS_MODULE=povertyplan.settings.production $(BIN)/python manage.py collectstatic --noinput
	DJANGO_SETTINGS_MODULE=povertyplan.settings.production $(BIN)/gunicorn povertyplan.wsgi:application \
		--bind $(HOST):$(PORT) --workers $(WORKERS) --timeout 120 --access-logfile - --error-logfile -

## Back up the database of DATABASE_URL (pg_dump on PostgreSQL, a copy on SQLite) into backups/, or FILE=….
backup: install
	$(BIN)/python manage.py backup_database $(if $(FILE),--output $(FILE),)

## Replace the database's contents with a backup: make restore FILE=backups/povertyplan-….dump (asks first).
restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/povertyplan-<time>.dump"; exit 2; }
	$(BIN)/python manage.py restore_database $(FILE)

## Performance at national scale (not part of `make test`; see docs/performance.md): the demo dataset in a fresh
## database (SQLite, or PostgreSQL named by BENCH_DATABASE_URL / DATABASE_URL), each operation against its floor.
bench: install
	$(BIN)/python bench/run.py

## gunicorn + whitenoise on a throwaway PostgreSQL with the national dataset, under wrk for 30 s (16 connections).
loadtest: install
	bash bench/loadtest.sh

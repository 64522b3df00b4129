# Two commands on a fresh machine: `make run` (set up, seed, serve) and `make test` (set up, test).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install db run test lint migrations-check messages

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

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

## Refresh the Vietnamese catalogue after changing translatable strings (needs gettext).
messages: install
	$(BIN)/python manage.py makemessages --locale vi --ignore '.venv/*' --no-obsolete
	$(BIN)/python manage.py compilemessages --locale vi --ignore '.venv/*'

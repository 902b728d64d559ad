# County Market: one-command habits. `make run` serves the seeded marketplace; `make test` runs
# every test. Both install what they need on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format worker beat bench bench-checkout migrate seed messages clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	# A venv left half-made (no pip) by an interrupted run is made again.
	$(BIN)/python -m pip --version >/dev/null 2>&1 || $(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_catalog

messages: install
	$(BIN)/python manage.py compilemessages --ignore=.venv

run: seed messages
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install messages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check backend tests bench catalog_seed
	$(BIN)/ruff format --check backend tests bench catalog_seed
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix backend tests bench catalog_seed
	$(BIN)/ruff format backend tests bench catalog_seed

worker: install
	$(BIN)/celery -A backend worker --loglevel=INFO

beat: install
	$(BIN)/celery -A backend beat --loglevel=INFO

bench: install
	$(BIN)/python bench/catalog_api.py

bench-checkout: install
	$(BIN)/python bench/checkout.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

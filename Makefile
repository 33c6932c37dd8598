# Two commands matter: `make run` (set up, migrate, load the lab's content, serve on
# http://127.0.0.1:8000 with the worker that sends e-mail) and `make test`. Both need
# only Python 3.11+ and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# make run is for a laptop: debug on and plain HTTP unless the environment says otherwise.
RUN_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1}
TEST_ENV := DJANGO_SETTINGS_MODULE=labsite.test_settings

.PHONY: run setup test lint format migrations-check ci bench fuzz lighthouse clean messages lock

# Exactly the versions (and files: hashes) of requirements/dev.txt, then the site itself,
# editable, built offline by the setuptools the lock pins.
$(STAMP): pyproject.toml requirements/dev.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_content
	$(RUN_ENV) $(BIN)/python manage.py setup_roles
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo
	@echo "  The site:  http://$(HOST):$(PORT)/  (English: http://$(HOST):$(PORT)/en/)"
	@echo "  Staff:     create an account with"
	@echo "             DJANGO_DEBUG=1 $(BIN)/python manage.py createsuperuser"
	@echo "             then log in at http://$(HOST):$(PORT)/admin/"
	@echo "  E-mails:   printed below by the worker. Ctrl-C stops the site and the worker."
	@echo
	@# The Procfile's two processes, web (gunicorn, reloading on code changes) and worker.
	PATH="$(CURDIR)/$(BIN):$$PATH" $(RUN_ENV) GUNICORN_BIND=$(HOST):$(PORT) \
		GUNICORN_WORKERS=$${GUNICORN_WORKERS:-2} GUNICORN_PRELOAD=0 GUNICORN_RELOAD=1 \
		$(BIN)/honcho start

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(STAMP)
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

test: lint migrations-check
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The cached landing page against a static file of the same size, and the application
# form, through gunicorn with production settings on loopback (scripts/bench.py; about
# 45 s). Needs Debian's wrk.
bench: $(STAMP)
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)
	@# 200 applications with a 200 KB PDF from 20 clients, gunicorn on a fresh PostgreSQL
	@# database (postgres@127.0.0.1); needs the PostgreSQL server.
	$(BIN)/python scripts/bench_apply.py
	@# POST latency with the mail server up and with it stalled, in one run (about 15 s).
	$(BIN)/python scripts/bench_outbox.py

# The Chinese catalogue, Django's way (README "Translations"): collect the strings into
# django.po, translate there, compile. Needs gettext; the .mo is committed.
messages: $(STAMP)
	$(TEST_ENV) $(BIN)/python manage.py makemessages --locale zh_Hans --no-location --no-obsolete \
		--ignore '.venv/*' --ignore 'var/*' --ignore 'static/*' --ignore 'tests/*'
	$(TEST_ENV) $(BIN)/python manage.py compilemessages --locale zh_Hans --ignore '.venv/*'
	@msgfmt --statistics -o /dev/null locale/zh_Hans/LC_MESSAGES/django.po

# Lighthouse 12.2.3 (npm, into var/lighthouse/) against / and /apply/ served by gunicorn
# with production settings; prints the four scores. Needs Node.js and Chromium.
lighthouse: $(STAMP)
	bash scripts/lighthouse.sh

# Property-based tests of the application form and status links: 10,000 examples in all
# (make test runs 1,100 of them).
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest tests/test_fuzz.py $(PYTEST_ARGS)

# The lock files, from pyproject.toml's ranges, valid on any platform with Python 3.11+:
# production (the deploy guide), production with the [s3] extra, and dev (make setup: the
# test and dev extras). The last two are held to the production versions. Unchanged pins
# are kept; `make lock LOCK_ARGS=--upgrade` moves everything to the newest allowed.
# tests/test_lock.py fails when a lock no longer satisfies pyproject.toml.
LOCK := $(BIN)/uv pip compile pyproject.toml --quiet --universal --python-version 3.11 \
	--generate-hashes $(LOCK_ARGS)
lock: $(STAMP)
	$(LOCK) -o requirements/production.txt
	$(LOCK) --extra s3 -c requirements/production.txt -o requirements/production-s3.txt
	$(LOCK) --extra test --extra dev -c requirements/production.txt -o requirements/dev.txt

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
	find var -mindepth 1 ! -path var/.gitignore -delete

# `make run` and `make test` work from a fresh clone: each creates .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The Nu Html Checker (the W3C's HTML5 validator) for tests/browser/test_every_page.py: npm's vnu-jar, run with Java.
VNU_VERSION := 26.9.27
VNU := $(VENV)/vnu/package/build/dist/vnu.jar

# Where `make run` and `make demo` serve: `make run PORT=8001`, `make run ADDRESS=0.0.0.0`.
ADDRESS ?= 127.0.0.1
PORT ?= 8000

.PHONY: run demo worker serve lint test test-sqlite test-postgres migrate seed bench loadtest faulttest clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

$(VNU): | $(STAMP)
	@if command -v npm >/dev/null; then \
		mkdir -p $(VENV)/vnu && cd $(VENV)/vnu && npm pack --silent vnu-jar@$(VNU_VERSION) >/dev/null \
		&& tar xzf vnu-jar-$(VNU_VERSION).tgz && rm vnu-jar-$(VNU_VERSION).tgz; \
	else echo "npm is not installed: the HTML validity test will be skipped"; fi

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py import_seeds

run: seed
	$(PY) manage.py runserver $(ADDRESS):$(PORT)

# `make run` plus a small made-up Blogger archive with times (seeds/example/), so time references,
# back-links and labels show on the first thread a newcomer opens. Importing it again adds nothing.
demo: seed
	$(PY) manage.py import_blogger seeds/example/example-blog-takeout.atom
	$(PY) manage.py runserver $(ADDRESS):$(PORT)

# The background jobs (reply emails, purges), in a second terminal beside `make run`.
worker: migrate
	$(PY) manage.py run_worker

# Production on this machine: checks the settings, collects static files, migrates,
# then runs gunicorn (gunicorn.conf.py) and the background worker. README, "Deploy".
serve: $(STAMP)
	DJANGO_DEBUG=false $(PY) manage.py serve

# The whole suite twice: on SQLite (with a Redis beside it for the tests that need one), then on a
# throwaway PostgreSQL primary with a streaming replica and Redis as the cache, all started and
# stopped by tests/with_services.py.
test: lint test-sqlite test-postgres

# The house rules that need no database: ruff's lint and format, and the layers contract (pyproject.toml).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

test-sqlite: $(STAMP) $(VNU)
	$(PY) tests/with_services.py --redis -- $(PY) -m pytest

test-postgres: $(STAMP) $(VNU)
	$(PY) tests/with_services.py --postgres --replica --redis-cache -- $(PY) -m pytest

bench: $(STAMP)
	$(PY) tests/bench_thread.py
	$(PY) tests/with_services.py --postgres -- $(PY) tests/bench_thread.py
	$(PY) tests/bench_import.py
	$(PY) tests/with_services.py --postgres -- $(PY) tests/bench_import.py
	$(PY) tests/bench_posting.py
	$(PY) tests/with_services.py --postgres -- $(PY) tests/bench_posting.py
	$(PY) tests/bench_quotes.py
	$(PY) tests/with_services.py --postgres -- $(PY) tests/bench_quotes.py

# The production stack (PostgreSQL primary + replica, Redis, two gunicorns, the worker) under
# wrk's readers and 8 posters; then checks nothing acknowledged was lost and the limits held.
loadtest: $(STAMP)
	$(PY) tests/loadtest.py

# The same stack (and an instance without a replica) under readers and posters while Redis, then the
# primary, is stopped for 20 s and a gunicorn worker is killed; fails if anything acknowledged was lost.
faulttest: $(STAMP)
	$(PY) tests/faulttest.py

clean:
	rm -rf $(VENV) staticfiles tests/artifacts .pytest_cache

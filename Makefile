# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEV := DJANGO_SETTINGS_MODULE=config.settings.dev
LINTED := src config tests bench deploy manage.py
PG_FREE_TESTS := --ignore=tests/rules --ignore=tests/acceptance --ignore=tests/cli --ignore=tests/browser --ignore=tests/ops

.PHONY: install lock browser run test lint bench-evaluate clean

# Every version, transitive ones included, comes from the lock files, checked by hash; production installs
# requirements.lock (no development tools, deploy/release.sh), development requirements-dev.lock.
$(STAMP): pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# Test tools from the npm registry, pinned by package-lock.json (the OpenID Connect provider of the ProConnect
# tests); without npm, those tests are skipped with a message.
NODE_STAMP := node_modules/.package-lock.json
$(NODE_STAMP): package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm absent : les tests ProConnect seront ignorés."; fi

install: $(STAMP) $(NODE_STAMP)

# After a change of pyproject.toml's dependencies: both lock files again, with their hashes.
LOCK := $(BIN)/uv pip compile pyproject.toml --generate-hashes --no-header --quiet --python-version 3.11 \
	--python-platform x86_64-manylinux_2_28
lock: install
	$(LOCK) -o requirements.lock
	$(LOCK) --extra dev -o requirements-dev.lock

# The browser tests drive Debian's Chromium (never a downloaded browser).
browser:
	@command -v chromium >/dev/null || command -v /usr/bin/chromium >/dev/null || \
		(apt-get install -y -q chromium >/dev/null 2>&1 || (apt-get update -q && apt-get install -y -q chromium)) || \
		echo "Chromium n'a pas pu être installé : les tests dans le navigateur seront ignorés."

# The development settings are chosen here explicitly: manage.py defaults to production.
# run_all starts the web server, one worker and the scheduler together; Ctrl-C stops all three.
run: install
	mkdir -p var
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py createcachetable
	$(DEV) $(BIN)/python manage.py seed_demo
	$(DEV) $(BIN)/python manage.py run_all 127.0.0.1:8000

lint: install
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

test: lint browser $(NODE_STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	SONS_TEST_DATABASE_URL= $(BIN)/pytest
	@if [ -n "$$SONS_TEST_DATABASE_URL" ]; then \
		echo "--- the database tests again, on PostgreSQL ($$SONS_TEST_DATABASE_URL)"; \
		$(BIN)/pytest $(PG_FREE_TESTS); \
	fi

bench-evaluate: install
	$(BIN)/python bench/bench_evaluate.py

clean:
	rm -rf $(VENV) var/*.sqlite3 .pytest_cache node_modules

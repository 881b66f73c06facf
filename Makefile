# Two entry points for a fresh machine: `make run` and `make test` (see README).
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint install browser office postgres clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/mentorbot run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports --no-cache

# The browser tests drive Debian's chromium (never `playwright install`, which downloads one).
# Installed here when missing and we are root; otherwise they are skipped with a hint
# (with CI=true they fail instead).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
		|| echo "chromium is missing: the browser tests will be skipped (apt-get install chromium)"

# The documents' PDF test converts a .docx with LibreOffice (Debian's Writer, no GUI). Installed
# here when missing and we are root; otherwise that test is skipped with a hint (with CI=true
# it fails instead).
office:
	@command -v soffice >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq \
		&& { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			libreoffice-writer-nogui fonts-liberation2 >/dev/null 2>&1 \
		|| DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			libreoffice-writer fonts-liberation2 >/dev/null; }; } \
		|| echo "LibreOffice is missing: the PDF test will be skipped (apt-get install libreoffice-writer-nogui)"

# The suite runs twice: on SQLite (the embedded default), then every test that touches a
# database once more on a throwaway PostgreSQL it starts itself (tests/pg.py) from Debian's
# binaries, installed here when missing and we are root (with CI=true a missing server
# fails those tests instead of skipping them).
postgres:
	@{ command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } \
		|| { [ "$$(id -u)" = 0 ] && apt-get update -qq \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			postgresql >/dev/null; } \
		|| echo "PostgreSQL is missing: its tests will be skipped (apt-get install postgresql)"

test: lint browser office postgres
	$(BIN)/pytest -q
	MENTORBOT_TEST_DATABASE=postgresql $(BIN)/pytest -q -p no:cacheprovider

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

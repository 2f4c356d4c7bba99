# Two commands do everything on a fresh machine:
#   make run    install, then start the console on the embedded SQLite database
#               (the demo organisation is loaded when the database is empty)
#   make test   install with the test extras, then run the whole suite
#               (SQLite and the PostgreSQL at 127.0.0.1:5432/test)

PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
ARGS ?=

.PHONY: run test install bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/helpdesk $(ARGS)

test: install
	@command -v tmux >/dev/null || (apt-get update -qq && apt-get install -y -qq tmux >/dev/null) || true
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider $(ARGS)

bench: install
	$(BIN)/python bench/bench_store.py $(ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache

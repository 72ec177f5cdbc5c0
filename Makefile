# The two commands a fresh machine needs: `make generate` and `make test`.
# Both create .venv when it is missing or older than pyproject.toml, then run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
GENERATED_PYPROJECT := $(wildcard generated/pyproject.toml)

.PHONY: generate parse render test test-fast check golden lint bench fuzz fidelity clean

$(STAMP): pyproject.toml $(GENERATED_PYPROJECT)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@if [ -f generated/pyproject.toml ]; then $(BIN)/python -m pip install -q -e './generated[testing,cli]' --config-settings editable_mode=compat; fi
	@touch $(STAMP)

# Parse doc pages -> specs/openapi, render -> generated/, install generated/ (editable, all extras).
generate: $(STAMP)
	$(BIN)/falgen parse
	$(BIN)/falgen generate
	@$(BIN)/python -c "import fal_bindings" 2>/dev/null || $(BIN)/python -m pip install -q -e './generated[testing,cli]' --config-settings editable_mode=compat

parse: $(STAMP)
	$(BIN)/falgen parse

# Every test. The session starts with an incremental `falgen generate`, so generated/ (and so
# the installed package) carries the runtime, CLI and emulator as edited in templates/package.
test: $(STAMP)
	$(BIN)/python -m pytest -q

# The tests that start no process (no subprocess, venv or mypy): under a minute.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

# Reproducibility: docs -> specs -> code must match what is committed.
check: $(STAMP)
	$(BIN)/falgen check

# Regenerate every golden file: specs, the diagnostics report, generated/, the per-feature
# golden trees (tests/golden/*/expected), the CLI's golden --help texts and the README's table of
# diagnostic codes. Review the diff, then commit.
golden: $(STAMP)
	$(BIN)/falgen parse --force
	$(BIN)/falgen generate --force
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/cli tests/golden -k "golden and not type_checks"
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/core/test_diagnostic_codes.py -k readme

# Benchmarks at the real catalogue (specs/sources), make test and make test-fast included (minutes).
# BENCH_ARGS: e.g. "--quick" (a smoke run), "--no-suite", "--root ../old-checkout" (the code before,
# fed the same documents), "--json results.json"; see `python -m tests.bench.run --help`.
BENCH_ARGS ?=
bench: $(STAMP)
	$(BIN)/python -m tests.bench.run $(BENCH_ARGS)

# Fidelity of the models to fal's own schemas, every document in FIDELITY_DOCS: acceptance,
# round-trip and rejection rates per keyword (tests/fidelity). By default it checks the installed
# generated/ package; FIDELITY_BUILD=1 first builds a package from FIDELITY_DOCS alone (raw
# parse, no overlays) in a temporary directory. FIDELITY_ARGS: e.g. "-n 20 --json report.json".
FIDELITY_DOCS ?= specs/sources/fal-openapi
FIDELITY_ARGS ?= --oracle
fidelity: $(STAMP)
	$(BIN)/python -m tests.fidelity.run $(if $(FIDELITY_BUILD),--build-from,) $(FIDELITY_DOCS) $(FIDELITY_ARGS)

# A longer fuzz run of the front-ends (make test runs a short one).
fuzz: $(STAMP)
	@report=$$(mktemp); \
	FALGEN_FUZZ_EXAMPLES=$${FALGEN_FUZZ_EXAMPLES:-2000} FALGEN_FUZZ_REPORT=$$report $(BIN)/python -m pytest -q tests/docs/test_fuzz_pages.py tests/docs/test_fuzz_openapi.py tests/tools/test_fuzz_diff.py; status=$$?; \
	echo "fuzz examples run (per test):"; cat $$report; rm -f $$report; exit $$status

# The generator, the tests, and the hand-written package code in place (templates/package: ruff
# and black at the generated package's line length, 100); mypy --strict on all of it (pyproject).
lint: $(STAMP)
	$(BIN)/ruff check generator tests
	$(BIN)/ruff check --line-length 100 --config "src = ['templates/package']" templates/package
	$(BIN)/black --check -q --line-length 100 --target-version py310 templates/package
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

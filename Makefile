# The two commands a fresh machine needs: `make generate` and `make test`.
# Both create .venv when it is missing or older than pyproject.toml, then run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
GENERATED_PYPROJECT := $(wildcard generated/pyproject.toml)

.PHONY: generate parse render test check golden lint bench fuzz fidelity clean

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

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Reproducibility: docs -> specs -> code must match what is committed.
check: $(STAMP)
	$(BIN)/falgen check

# Regenerate every golden file: specs, the diagnostics report, generated/, the CLI's golden
# --help texts and the README's table of diagnostic codes. Review the diff, then commit.
golden: $(STAMP)
	$(BIN)/falgen parse --force
	$(BIN)/falgen generate --force
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/cli -k golden
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_diagnostic_codes.py -k readme

# Benchmarks at catalogue scale (a synthetic 1,000-endpoint corpus made from the real pages).
bench: $(STAMP)
	$(BIN)/python -m tests.bench.run

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
	FALGEN_FUZZ_EXAMPLES=$${FALGEN_FUZZ_EXAMPLES:-2000} FALGEN_FUZZ_REPORT=$$report $(BIN)/python -m pytest -q tests/parser/test_fuzz_pages.py $(wildcard tests/test_fuzz*.py); status=$$?; \
	echo "fuzz examples run (per test):"; cat $$report; rm -f $$report; exit $$status

lint: $(STAMP)
	$(BIN)/ruff check generator tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

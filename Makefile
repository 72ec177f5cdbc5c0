# The two commands a fresh machine needs: `make generate` and `make test`.
# Both create .venv when it is missing, install falgen into it (again when pyproject.toml
# changes) and the generated package, editable (again only when generated/pyproject.toml
# changes: falgen rewrites it only when the package's dependencies, version or build settings
# do, never for a spec change), then run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
GENERATED_STAMP := $(VENV)/.installed-generated
GENERATED_PYPROJECT := $(wildcard generated/pyproject.toml)
INSTALLED := $(STAMP) $(GENERATED_STAMP)

.PHONY: generate parse render test test-fast check golden lint lint-versions bench fuzz fidelity release-prepare clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

# generated/ editable with every extra: setuptools' default mode, which for generated/'s layout
# is one path in a .pth file, so tests and every subprocess import the current tree.
$(GENERATED_STAMP): $(GENERATED_PYPROJECT) | $(STAMP)
	@if [ -f generated/pyproject.toml ]; then $(BIN)/python -m pip install -q -e './generated[testing,cli]' && touch $(GENERATED_STAMP); fi

# Parse doc pages -> specs/openapi, render -> generated/, install generated/ (editable, all extras;
# only when its pyproject.toml changed).
generate: $(STAMP)
	$(BIN)/falgen parse
	$(BIN)/falgen generate
	@$(MAKE) -s --no-print-directory $(GENERATED_STAMP)

parse: $(STAMP)
	$(BIN)/falgen parse

# Every test. The session starts with an incremental `falgen generate`, so generated/ (and so
# the installed package) carries the runtime, CLI and emulator as edited in templates/package.
# TEST_JOBS pytest-xdist workers (default: one per CPU, at most 4: each worker builds the session
# fixtures again), each taking whole test files so a file's fixtures are built once; TEST_JOBS=0
# runs in one process.
TEST_JOBS ?= auto
TEST_WORKERS = -n $(TEST_JOBS) --maxprocesses 4 --dist loadfile
test: $(INSTALLED)
	$(BIN)/python -m pytest -q $(TEST_WORKERS)

# The tests that start no process (no subprocess, venv or mypy): under a minute.
test-fast: $(INSTALLED)
	$(BIN)/python -m pytest -q $(TEST_WORKERS) -m "not slow"

# Reproducibility: docs -> specs -> code must reproduce specs/openapi, specs/diagnostics.* and
# generated/ as they are in the working tree, committed or not (it says which paths have
# uncommitted changes); CI runs it on a fresh clone, where that is the commit.
check: $(INSTALLED)
	$(BIN)/falgen check

# Regenerate every golden file: specs, the diagnostics report, generated/, the per-feature
# golden trees (tests/golden/*/expected), the CLI's golden --help texts and the README's table of
# diagnostic codes. Review the diff, then commit.
golden: $(INSTALLED)
	$(BIN)/falgen parse --force
	$(BIN)/falgen generate --force
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/cli tests/golden -k "golden and not type_checks"
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/core/test_diagnostic_codes.py -k readme

# Benchmarks at the real catalogue (specs/sources), make test and make test-fast included (minutes).
# BENCH_ARGS: e.g. "--quick" (a smoke run), "--no-suite", "--root ../old-checkout" (the code before,
# fed the same documents), "--json results.json"; see `python -m tests.bench.run --help`.
BENCH_ARGS ?=
bench: $(INSTALLED)
	$(BIN)/python -m tests.bench.run $(BENCH_ARGS)

# Fidelity of the models to fal's own schemas, every document in FIDELITY_DOCS: acceptance,
# round-trip and rejection rates per keyword (tests/fidelity). By default it checks the installed
# generated/ package; FIDELITY_BUILD=1 first builds a package from FIDELITY_DOCS alone (raw
# parse, no overlays) in a temporary directory. FIDELITY_ARGS: e.g. "-n 20 --json report.json".
FIDELITY_DOCS ?= specs/sources/fal-openapi
FIDELITY_ARGS ?= --oracle
fidelity: $(INSTALLED)
	$(BIN)/python -m tests.fidelity.run $(if $(FIDELITY_BUILD),--build-from,) $(FIDELITY_DOCS) $(FIDELITY_ARGS)

# A longer fuzz run of the front-ends (make test runs a short one).
fuzz: $(INSTALLED)
	@report=$$(mktemp); \
	FALGEN_FUZZ_EXAMPLES=$${FALGEN_FUZZ_EXAMPLES:-2000} FALGEN_FUZZ_REPORT=$$report $(BIN)/python -m pytest -q -o timeout=3600 tests/docs/test_fuzz_pages.py tests/docs/test_fuzz_openapi.py tests/tools/test_fuzz_diff.py; status=$$?; \
	echo "fuzz examples run (per test):"; cat $$report; rm -f $$report; exit $$status

# The generator, the tests, and the hand-written package code in place (templates/package: ruff
# and black at the generated package's line length, 100); mypy --strict on all of it (pyproject);
# then lint-versions.
lint: $(INSTALLED)
	$(BIN)/ruff check generator tests
	$(BIN)/ruff check --line-length 100 --config "src = ['templates/package']" templates/package
	$(BIN)/black --check -q --line-length 100 --target-version py310 templates/package
	$(BIN)/mypy
	@$(MAKE) -s --no-print-directory lint-versions

# Python versions: everything says 3.10+, only 3.11 runs here. Checked without an interpreter:
# mypy --strict as the oldest and the newest supported Python (the generator and the runtime in
# place with pyproject's configuration, the whole generated package with none), and ruff's
# py310 target on the generated package (syntax newer than 3.10 is an error).
CHECKED_PYTHONS := 3.10 3.13
lint-versions: $(INSTALLED)
	for version in $(CHECKED_PYTHONS); do $(BIN)/mypy --python-version $$version || exit 1; done
	for version in $(CHECKED_PYTHONS); do $(BIN)/mypy --strict --config-file "" --python-version $$version generated/fal_bindings || exit 1; done
	$(BIN)/ruff check --isolated --target-version py310 --line-length 100 --select E,F,W,I,B,UP --ignore E501 generated/fal_bindings

# Prepare a release (README "Releases"): parse, then `falgen release` (the next version from what
# changed since the last vX.Y.Z tag -> specs/VERSION, its CHANGELOG.md entry), then generate and
# install. Then commit, tag vX.Y.Z and push the tag. RELEASE_ARGS: e.g. "--dry-run", "--bump major".
release-prepare: $(STAMP)
	$(BIN)/falgen parse
	$(BIN)/falgen release $(RELEASE_ARGS)
	$(BIN)/falgen generate
	@$(MAKE) -s --no-print-directory $(GENERATED_STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

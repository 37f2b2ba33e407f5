# The few commands people type. See README.md.
.PHONY: setup demo test test-fast lint bench

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

lint: setup
	@PATH="$$HOME/.local/bin:$$PATH" $(UV) run --frozen ruff check .
	@PATH="$$HOME/.local/bin:$$PATH" $(UV) run --frozen mypy consilium bench

bench: setup
	@PATH="$$HOME/.local/bin:$$PATH" $(UV) run --frozen python bench/upload_memory.py
	@PATH="$$HOME/.local/bin:$$PATH" $(UV) run --frozen python bench/extract.py
	@PATH="$$HOME/.local/bin:$$PATH" $(UV) run --frozen python bench/pipeline.py
	@if [ -d "$(DEID_CORPUS)" ]; then PATH="$$HOME/.local/bin:$$PATH" $(UV) run --frozen python bench/deid.py --corpus "$(DEID_CORPUS)"; \
	else echo "bench/deid.py skipped: set DEID_CORPUS=path/to/deid-physionet"; fi

#!/usr/bin/env bash
# Makes sure `uv` is on PATH (installed from PyPI into the user's site if missing).
set -euo pipefail
if ! command -v uv >/dev/null 2>&1; then
  python3 -m pip install --quiet --user uv || python3 -m pip install --quiet --break-system-packages --user uv
fi

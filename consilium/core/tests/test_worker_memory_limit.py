"""The worker runs under a memory limit (CONSILIUM_WORKER_MEMORY_MB): an allocation past it fails
in the worker as a MemoryError, which fails that document, instead of taking the machine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[3]

ALLOCATE_PAST_THE_LIMIT = r"""
import django
django.setup()
from django.core.management import call_command
from consilium.core.management.commands.worker import worker_memory_limit_apply
worker_memory_limit_apply()
try:
    block = bytearray(800 * 1024 * 1024)
except MemoryError:
    print("refused")
else:
    print("allocated")
"""


def test_the_worker_cannot_allocate_past_its_memory_limit() -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CONSILIUM_")}
    env.update(DJANGO_SETTINGS_MODULE="consilium.config.settings",
               CONSILIUM_WORKER_MEMORY_MB="700")
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", ALLOCATE_PAST_THE_LIMIT], cwd=BASE_DIR, env=env,
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.stdout.strip() == "refused", done.stdout + done.stderr[-800:]


def test_the_demo_starts_the_worker_with_its_limit() -> None:
    script = (BASE_DIR / "scripts" / "demo.sh").read_text()
    assert "manage.py worker " in script and "manage.py db_worker" not in script

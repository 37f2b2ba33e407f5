"""`manage.py check --deploy` passes with production-like settings and no warnings."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[3]


def _check_deploy(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value for key, value in os.environ.items() if not key.startswith("CONSILIUM_")
    }
    env.pop("DATABASE_URL", None)
    # The browser fixture sets this for Playwright's event loop; a deployment never does.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(
        CONSILIUM_VAR_DIR=str(tmp_path),
        CONSILIUM_HTTPS="1",
        CONSILIUM_SECRET_KEY=secrets.token_urlsafe(48),
        CONSILIUM_DEBUG="0",
        CONSILIUM_ALLOWED_HOSTS="consilium.example.org",
        # A production key comes from outside the data directory (test_master_key_placement).
        CONSILIUM_MASTER_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
    )
    env.update(overrides)
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def test_the_deploy_check_passes_with_production_settings(tmp_path: Path) -> None:
    result = _check_deploy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_fails_when_https_is_off(tmp_path: Path) -> None:
    result = _check_deploy(tmp_path, CONSILIUM_HTTPS="0")
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout


def test_the_check_refuses_an_s3_file_store_without_a_bucket(tmp_path: Path) -> None:
    result = _check_deploy(tmp_path, CONSILIUM_FILES_BACKEND="s3")
    assert result.returncode != 0
    assert "consilium.E003" in result.stderr + result.stdout


def test_the_check_refuses_an_unknown_file_store(tmp_path: Path) -> None:
    result = _check_deploy(tmp_path, CONSILIUM_FILES_BACKEND="ftp")
    assert result.returncode != 0
    assert "consilium.E002" in result.stderr + result.stdout


def test_the_check_passes_an_s3_file_store_with_a_bucket(tmp_path: Path) -> None:
    result = _check_deploy(
        tmp_path, CONSILIUM_FILES_BACKEND="s3", CONSILIUM_FILES_S3_BUCKET="consilium-files"
    )
    assert result.returncode == 0, result.stdout + result.stderr

"""A production start (CONSILIUM_HTTPS=1) is refused when the master key is a file inside the
data directory, beside the files it decrypts; a key from the environment or a file held
elsewhere is accepted."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[3]


def _run(tmp_path: Path, code: list[str], **overrides: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CONSILIUM_")}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(
        CONSILIUM_VAR_DIR=str(tmp_path / "var"), CONSILIUM_HTTPS="1",
        CONSILIUM_SECRET_KEY=secrets.token_urlsafe(48), CONSILIUM_DEBUG="0",
        CONSILIUM_ALLOWED_HOSTS="consilium.example.org",
        DJANGO_SETTINGS_MODULE="consilium.config.settings",
    )
    env.update(overrides)
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, *code], cwd=BASE_DIR, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )


def check_deploy(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess[str]:
    return _run(tmp_path, ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                **overrides)


def a_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def test_a_production_start_with_the_demo_key_in_var_is_refused(tmp_path: Path) -> None:
    result = check_deploy(tmp_path)
    assert result.returncode != 0
    assert "consilium.E001" in result.stdout + result.stderr
    assert "master key" in result.stdout + result.stderr

    started = _run(tmp_path, ["-c", "import consilium.config.wsgi"])
    assert started.returncode != 0
    assert "master key" in started.stderr


def test_a_key_file_named_inside_the_data_directory_is_refused_too(tmp_path: Path) -> None:
    inside = tmp_path / "var" / "keys" / "master"
    inside.parent.mkdir(parents=True)
    inside.write_text(a_key())
    result = check_deploy(tmp_path, CONSILIUM_MASTER_KEY_FILE=str(inside))
    assert result.returncode != 0
    assert "consilium.E001" in result.stdout + result.stderr


def test_a_key_from_the_environment_or_a_file_outside_the_data_directory_is_accepted(
    tmp_path: Path,
) -> None:
    assert check_deploy(tmp_path, CONSILIUM_MASTER_KEY=a_key()).returncode == 0
    outside = tmp_path / "secrets" / "master_key"
    outside.parent.mkdir()
    outside.write_text(a_key())
    result = check_deploy(tmp_path, CONSILIUM_MASTER_KEY_FILE=str(outside))
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (tmp_path / "var" / "master_key").exists()

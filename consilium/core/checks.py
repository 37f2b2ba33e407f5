"""Startup checks of our own, reported by `manage.py check` (and `check --deploy`) and run when
the web server starts (consilium/config/wsgi.py), so a production start that would be unsafe is
refused rather than warned about."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, register


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


@register("security")
def master_key_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """In production the master key must not be a file in the data directory: whoever copies
    that directory (a backup, a stolen disk, a misconfigured bucket) would hold the files and the
    key that opens them."""
    path = settings.MASTER_KEY_PATH
    if not settings.HTTPS or path is None:
        return []
    data_dirs = [Path(settings.VAR_DIR), Path(settings.FILES_DIR)]
    if not any(_inside(path, folder) for folder in data_dirs):
        return []
    return [Error(
        f"The master key is the file {path}, inside the data directory, beside the files it "
        "decrypts.",
        hint="Give it in CONSILIUM_MASTER_KEY from a secret manager, or in a file outside the "
        "data directory named by CONSILIUM_MASTER_KEY_FILE (README, 'The master key').",
        id="consilium.E001",
    )]


@register()
def file_store_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """A file store that cannot work is refused at start, not at the first upload."""
    if settings.FILES_BACKEND == "local":
        return []
    if settings.FILES_BACKEND != "s3":
        return [Error(
            f"CONSILIUM_FILES_BACKEND is {settings.FILES_BACKEND!r}.",
            hint="Use 'local' (files under CONSILIUM_FILES_DIR) or 's3'.",
            id="consilium.E002",
        )]
    errors = []
    if not settings.FILES_S3_BUCKET:
        errors.append(Error(
            "CONSILIUM_FILES_BACKEND=s3 but no bucket is named.",
            hint="Set CONSILIUM_FILES_S3_BUCKET (README, 'Files in S3-compatible storage').",
            id="consilium.E003",
        ))
    if settings.FILES_S3_PART_MB < 5:
        errors.append(Error(
            f"CONSILIUM_FILES_S3_PART_MB is {settings.FILES_S3_PART_MB}; S3 needs at least 5.",
            id="consilium.E004",
        ))
    return errors


def refuse_unsafe_start() -> None:
    """Raises SystemExit with the reasons when a check of ours fails."""
    errors = master_key_check() + file_store_check()
    if errors:
        raise SystemExit("Refusing to start: " + " ".join(
            f"{error.msg} {error.hint}" for error in errors))

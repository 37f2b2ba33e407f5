"""The backup and restore drill: a deployment with documents and a signed report is backed up,
restored into a fresh empty database and an empty file store by another process, and there every
document decrypts and every report's signature validates. Runs on the suite's own database:
SQLite under `make test`, PostgreSQL with DATABASE_URL."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection

from consilium.cases.models import Case
from consilium.core.backup import DATABASE, MASTER_KEY_MEMBER, BackupError, backup_restore
from consilium.core.crypto import patient_data_key
from consilium.core.storage import encrypted_write_bytes
from consilium.documents.models import Document
from consilium.documents.tests.conftest import jpeg, make_case, text_pdf, upload
from consilium.insights.models import CaseSummary
from consilium.insights.services import case_summary_draft
from consilium.patients.models import Patient
from consilium.reports.models import Report

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(django_settings.BASE_DIR)


def _real_files_for_placeholder_documents() -> None:
    """The shared case fixtures make Document rows with no file behind them; give them one."""
    for document in Document.objects.filter(storage_key__startswith="test/"):
        data = text_pdf("CT chest: no mass")
        key, size, sha256 = encrypted_write_bytes(
            data=data, data_key=patient_data_key(patient=document.case.patient)
        )
        Document.objects.filter(pk=document.pk).update(storage_key=key, size=size, sha256=sha256)


@pytest.fixture(autouse=True)
def _local_file_store(settings: Any) -> None:
    """`manage.py backup` copies a local file store (with files in S3 it refuses, tested
    below), so these tests keep theirs on local disk even under `make test-s3`."""
    settings.FILES_BACKEND = "local"


@pytest.fixture
def deployment(report: Report, patient: Patient, client: Any) -> dict[str, int]:
    """Documents read by the real pipeline (a text PDF and a photo), one with its specialist
    rendition, and a case with its signed report."""
    _real_files_for_placeholder_documents()
    draft = make_case(patient)
    client.force_login(patient.holder)
    upload(client, draft, ("blood.pdf", text_pdf("Haemoglobin 11.2 g/dL", "Platelets 250")),
           ("photo.jpg", jpeg()))
    assert Document.objects.filter(case=draft, status="processed").count() == 2
    assert Document.objects.exclude(rendition_storage_key="").exists()
    case_summary_draft(case=report.case)
    return {"documents": Document.objects.count(), "reports": Report.objects.count(),
            "summaries": CaseSummary.objects.count()}


@pytest.fixture
def empty_deployment(tmp_path: Path, settings: Any) -> Iterator[dict[str, str]]:
    """The environment of a new deployment: an empty database of the suite's kind, an empty
    data directory, and the master key (held apart from the data, as in production)."""
    var = tmp_path / "restored-var"
    env = {
        **os.environ,
        "CONSILIUM_VAR_DIR": str(var),
        "CONSILIUM_FILES_DIR": str(var / "files"),
        "CONSILIUM_SIGNING_DIR": str(var / "signing"),
        "CONSILIUM_MASTER_KEY": settings.MASTER_KEY,
        "CONSILIUM_LOG_LEVEL": "WARNING",
        "CONSILIUM_FILES_BACKEND": "local",  # the drill is of a local file store
    }
    env.pop("CONSILIUM_MASTER_KEY_FILE", None)
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        yield env
        return
    db = connection.settings_dict
    name = f"{db['NAME']}_restored"
    admin = psycopg.connect(
        dbname="postgres", user=db["USER"], password=db["PASSWORD"] or None,
        host=db["HOST"] or None, port=db["PORT"] or None, autocommit=True,
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')
    user = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{db['USER']}@"
    where = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    env["DATABASE_URL"] = f"postgres://{user}{where}/{name}"
    try:
        yield env
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True,
        text=True, timeout=600, check=False,
    )


def test_a_backup_restored_into_an_empty_deployment_opens_every_document_and_validates_every_report(  # noqa: E501
    deployment: dict[str, int], empty_deployment: dict[str, str], tmp_path: Path,
    settings: Any,
) -> None:
    backup = tmp_path / "backup"
    call_command("backup", str(backup))

    restored = manage(empty_deployment, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert f"documents: {deployment['documents']} checked, 0 with problems" in restored.stdout
    assert f"reports: {deployment['reports']} checked, 0 with problems" in restored.stdout

    checked = manage(empty_deployment, "verify_files", "--json")
    assert checked.returncode == 0, checked.stderr
    counts = json.loads(checked.stdout)
    assert counts["documents"] == {"checked": deployment["documents"], "problems": []}
    assert counts["reports"] == {"checked": deployment["reports"], "problems": []}
    assert counts["case summaries"] == {"checked": deployment["summaries"], "problems": []}
    assert deployment["documents"] >= 3 and deployment["reports"] >= 1
    assert deployment["summaries"] >= 1

    # The check can fail: one byte changed in the restored report is found and named.
    report = Report.objects.get()
    files = Path(empty_deployment["CONSILIUM_FILES_DIR"])
    damaged = bytearray((files / report.storage_key).read_bytes())
    damaged[-40] ^= 0x01
    (files / report.storage_key).write_bytes(bytes(damaged))
    checked = manage(empty_deployment, "verify_files")
    assert checked.returncode != 0
    assert f"report {report.public_id}: the signed PDF does not open" in checked.stdout

    # A deployment that is no longer empty is not restored over unless told.
    again = manage(empty_deployment, "restore", str(backup))
    assert again.returncode != 0 and "not empty" in again.stderr
    forced = manage(empty_deployment, "restore", "--force", str(backup))
    assert forced.returncode == 0, forced.stderr
    assert "0 with problems" in forced.stdout


def test_the_backup_holds_no_health_data_and_no_master_key_in_the_clear(
    deployment: dict[str, int], tmp_path: Path, settings: Any
) -> None:
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["master_key_included"] is False
    assert not (backup / MASTER_KEY_MEMBER).exists()
    members = [path for path in backup.rglob("*") if path.is_file()]
    assert len([m for m in manifest["members"] if m.startswith("files/")]) >= 10
    secret = settings.MASTER_KEY.encode()
    for path in members:
        data = path.read_bytes()
        assert secret not in data, path
        assert b"Asha Verma" not in data and b"Carcinoma" not in data, path
    database = (backup / DATABASE).read_bytes()
    assert not database.startswith(b"SQLite format") and b"PGDMP" not in database[:64]
    assert all(path.stat().st_mode & 0o077 == 0 for path in members)


def test_restore_refuses_a_database_that_is_not_empty(
    deployment: dict[str, int], tmp_path: Path
) -> None:
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore", str(backup))
    assert Case.objects.count() == 2


def test_restore_with_another_master_key_changes_nothing_even_when_forced(
    deployment: dict[str, int], tmp_path: Path, settings: Any
) -> None:
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    settings.MASTER_KEY = "A" * 43 + "="
    with pytest.raises(BackupError, match="master key is not the one"):
        backup_restore(source=backup, force=True)
    assert Document.objects.count() == deployment["documents"]


def test_a_damaged_backup_is_refused_before_anything_is_written(
    deployment: dict[str, int], tmp_path: Path
) -> None:
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    member = next(path for path in (backup / "files").rglob("*") if path.is_file())
    member.write_bytes(hashlib.sha256(b"other").digest())
    with pytest.raises(BackupError, match="does not match its hash"):
        backup_restore(source=backup, force=True)
    assert Document.objects.count() == deployment["documents"]


def test_production_refuses_to_put_the_master_key_into_a_backup(
    db: None, tmp_path: Path, settings: Any
) -> None:
    settings.HTTPS = True
    with pytest.raises(CommandError, match="does not put its master key into a backup"):
        call_command("backup", str(tmp_path / "backup"), "--include-master-key")
    assert not (tmp_path / "backup").exists()


def test_a_deployment_with_its_files_in_object_storage_is_told_how_to_back_them_up(
    db: None, tmp_path: Path, settings: Any
) -> None:
    # The command copies a local file store: with the files in a bucket it would write a
    # backup that looks whole and holds no file.
    settings.FILES_BACKEND = "s3"
    with pytest.raises(CommandError, match="versioning or replication"):
        call_command("backup", str(tmp_path / "backup"))
    assert not (tmp_path / "backup").exists()


def test_a_demo_backup_with_its_master_key_restores_where_the_key_was_lost(
    deployment: dict[str, int], empty_deployment: dict[str, str], tmp_path: Path
) -> None:
    backup = tmp_path / "backup"
    out = call_command_output("backup", str(backup), "--include-master-key")
    assert "THE MASTER KEY IS IN THIS BACKUP" in out
    env = {**empty_deployment}
    del env["CONSILIUM_MASTER_KEY"]  # the new demo makes its own key in var/ on start
    restored = manage(env, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "written to var/master_key" in restored.stdout
    assert "0 with problems" in restored.stdout


def call_command_output(*args: str) -> str:
    import io

    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()

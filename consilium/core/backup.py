"""Backing up a deployment into one directory, and restoring it into an empty one.

A backup directory holds:

    manifest.json         what is in it: format, when, the database engine, every member's size
                          and SHA-256, the master key's fingerprint, what key material is included
    database.enc          a consistent snapshot of the database (SQLite's online backup API, or
                          `pg_dump --format=custom`), encrypted with a key derived from the master
                          key (core.crypto.backup_key), in the same chunked AES-256-GCM format as
                          every stored file: the dump holds health data and never touches the
                          backup in the clear
    files/                the encrypted file store as it is (already ciphertext)
    signing/              the signing certificate, which old reports' signatures are checked
                          against; and the embedded self-signed key when the deployment uses one
                          (it lives in var/ anyway). A key named by CONSILIUM_SIGNING_KEY_FILE is
                          held outside the data, like the master key, and is not copied.
    MASTER_KEY-INCLUDED   only with --include-master-key (refused in production): the master key

The patients' wrapped data keys are rows of the database, so the dump carries them. The master
key is left out: whoever holds a backup and its key holds every file, so the key is backed up
separately, as the README says.

The database is snapshotted first, then the files copied. Stored files are never changed once
written (a new version gets a new random key), so every file the snapshot refers to is either
copied or was deleted after the snapshot was taken (a draft's report removed in the meantime);
`verify_files` after a restore names any such file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump and pg_restore, with fixed arguments
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import connection, connections

from consilium.core.crypto import (
    DecryptingReader,
    EncryptingWriter,
    TamperedFileError,
    backup_key,
    master_key_fingerprint,
)

FORMAT = "consilium-backup-1"
MANIFEST = "manifest.json"
DATABASE = "database.enc"
FILES = "files"
SIGNING = "signing"
MASTER_KEY_MEMBER = "MASTER_KEY-INCLUDED"
PIECE = 1024 * 1024


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


@dataclass
class RestoreResult:
    engine: str
    files: int
    master_key_written: bool = False
    notes: list[str] = field(default_factory=list)


# --- helpers ---------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while piece := file.read(PIECE):
            digest.update(piece)
    return digest.hexdigest()


def _engine() -> str:
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return "sqlite"
    if engine == "django.db.backends.postgresql":
        return "postgresql"
    raise BackupError(f"backups of the database engine {engine} are not supported")


def _pg_environment() -> dict[str, str]:
    """libpq's own variables, so no password appears on a command line (visible in `ps`)."""
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": str(db["NAME"])}
    for setting, variable in (("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                              ("HOST", "PGHOST"), ("PORT", "PGPORT")):
        if db.get(setting):
            env[variable] = str(db[setting])
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(db["OPTIONS"]["sslmode"])
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed; install the PostgreSQL client (apt-get install "
            "postgresql-client, the same major version as the server or newer)."
        )
    return path


def _store_files(root: Path) -> Iterator[Path]:
    """Every committed file of the store (a `.part` is a write in progress, not yet a file)."""
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.endswith(".part"):
            yield path


def _signing_paths() -> tuple[Path, Path | None]:
    """The certificate, and the key if it belongs in a backup (the embedded self-signed one)."""
    if settings.SIGNING_CERT_FILE and settings.SIGNING_KEY_FILE:
        return Path(settings.SIGNING_CERT_FILE), None
    folder = Path(settings.SIGNING_DIR)
    return folder / "certificate.pem", folder / "key.pem"


# --- backup ----------------------------------------------------------------------------------


def _dump_sqlite(writer: EncryptingWriter, workdir: Path) -> None:
    """SQLite's online backup API copies a consistent snapshot even while the web server and
    the worker write (it takes the pages of one read transaction). The snapshot is written to a
    private temporary file beside the backup and encrypted from there, then removed."""
    source_name = str(connection.settings_dict["NAME"])
    if not Path(source_name).exists():
        raise BackupError(f"the database file {source_name} does not exist")
    handle, snapshot_name = tempfile.mkstemp(dir=workdir, prefix=".snapshot-", suffix=".sqlite3")
    os.close(handle)
    snapshot = Path(snapshot_name)
    try:
        source = sqlite3.connect(source_name)
        target = sqlite3.connect(snapshot)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        with open(snapshot, "rb") as file:
            while piece := file.read(PIECE):
                writer.write(piece)
    finally:
        snapshot.unlink(missing_ok=True)


def _dump_postgresql(writer: EncryptingWriter) -> None:
    """pg_dump takes one snapshot of the whole database (a repeatable-read transaction), so the
    dump is consistent while the service runs; its output is encrypted as it streams."""
    command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
    with subprocess.Popen(  # noqa: S603 - fixed arguments
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_pg_environment()
    ) as process:
        assert process.stdout is not None  # noqa: S101 - Popen with stdout=PIPE
        while piece := process.stdout.read(PIECE):
            writer.write(piece)
        error = process.stderr.read().decode(errors="replace") if process.stderr else ""
        process.wait()
    if process.returncode != 0:
        raise BackupError(f"pg_dump failed: {error.strip()}")


def backup_create(*, target: Path, include_master_key: bool = False) -> dict[str, Any]:
    """Writes a backup into `target` (a new or empty directory); returns its manifest."""
    if include_master_key and settings.HTTPS:
        raise BackupError(
            "A production deployment (CONSILIUM_HTTPS=1) does not put its master key into a "
            "backup: whoever copied the backup would hold the files and the key that opens them. "
            "Back the key up separately (README, 'The master key')."
        )
    if settings.FILES_BACKEND != "local":
        # Never a backup that looks whole and holds no file.
        raise BackupError(
            f"The files are in object storage (CONSILIUM_FILES_BACKEND={settings.FILES_BACKEND})"
            ", and this command copies a local file store only. Keep the bucket with the object "
            "store's versioning or replication, and the database with pg_dump or WAL archiving "
            "(README, 'Backups and restoring them')."
        )
    engine = _engine()
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty; give a new directory for the backup")
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    members: dict[str, dict[str, Any]] = {}

    with open(target / DATABASE, "xb") as sink:
        writer = EncryptingWriter(sink, backup_key())
        if engine == "sqlite":
            _dump_sqlite(writer, target)
        else:
            _dump_postgresql(writer)
        size, sha256 = writer.close()
        sink.flush()
        os.fsync(sink.fileno())
    members[DATABASE] = {"size": (target / DATABASE).stat().st_size,
                         "sha256": _sha256(target / DATABASE), "plaintext_sha256": sha256,
                         "plaintext_size": size}

    store = Path(settings.FILES_DIR)
    for path in _store_files(store):
        name = f"{FILES}/{path.relative_to(store).as_posix()}"
        copy = target / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(path, copy)
        except FileNotFoundError:
            # Deleted since we listed it (a report removed from a draft): not in the snapshot's
            # future either way.
            continue
        members[name] = {"size": copy.stat().st_size, "sha256": _sha256(copy)}

    cert, key = _signing_paths()
    signing: dict[str, Any] = {"certificate": False, "key": False}
    for kind, source in (("certificate", cert), ("key", key)):
        if source is not None and source.exists():
            name = f"{SIGNING}/{'certificate.pem' if kind == 'certificate' else 'key.pem'}"
            (target / SIGNING).mkdir(exist_ok=True, mode=0o700)
            shutil.copyfile(source, target / name)
            members[name] = {"size": (target / name).stat().st_size,
                             "sha256": _sha256(target / name)}
            signing[kind] = True

    if include_master_key:
        path = target / MASTER_KEY_MEMBER
        path.write_text(settings.MASTER_KEY.strip() + "\n")
        members[MASTER_KEY_MEMBER] = {"size": path.stat().st_size, "sha256": _sha256(path)}

    for path in target.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": engine,
        "master_key_fingerprint": master_key_fingerprint(),
        "master_key_included": include_master_key,
        "signing_key_included": signing["key"],
        "signing_certificate_included": signing["certificate"],
        "members": members,
    }
    manifest_path = target / MANIFEST
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    manifest_path.chmod(0o600)
    return manifest


# --- restore ---------------------------------------------------------------------------------


def backup_read_manifest(*, source: Path) -> dict[str, Any]:
    """The manifest, after checking that every member is there with its recorded hash."""
    path = Path(source) / MANIFEST
    if not path.exists():
        raise BackupError(f"{source} is not a Consilium backup (no {MANIFEST})")
    manifest: dict[str, Any] = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    root = Path(source).resolve()
    for name, member in manifest["members"].items():
        member_path = (root / name).resolve()
        if root not in member_path.parents:
            raise BackupError(f"the manifest names a file outside the backup: {name}")
        if not member_path.is_file():
            raise BackupError(f"the backup is incomplete: {name} is missing")
        if _sha256(member_path) != member["sha256"]:
            raise BackupError(f"the backup is damaged: {name} does not match its hash")
    return manifest


def database_is_empty() -> bool:
    """No tables at all (a database just created, or a SQLite file not yet there)."""
    if _engine() == "sqlite" and not Path(str(connection.settings_dict["NAME"])).exists():
        return True
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def files_are_empty() -> bool:
    store = Path(settings.FILES_DIR)
    return not (store.is_dir() and any(store.iterdir()))


def _decrypted(source: Path) -> Iterator[bytes]:
    with DecryptingReader(open(source, "rb"), backup_key()) as reader:  # noqa: SIM115
        yield from reader.iter_chunks()


def _restore_sqlite(dump: Path, *, force: bool) -> None:
    name = Path(str(connection.settings_dict["NAME"]))
    connections.close_all()
    name.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=name.parent, prefix=f".{name.name}.", suffix=".part")
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as file:
            for piece in _decrypted(dump):
                file.write(piece)
            file.flush()
            os.fsync(file.fileno())
        check = sqlite3.connect(temp)
        try:
            result = check.execute("PRAGMA integrity_check").fetchone()
        finally:
            check.close()
        if result != ("ok",):
            raise BackupError("the database snapshot in the backup fails SQLite's integrity check")
        # A left-over write-ahead log of the database being replaced must not be replayed onto
        # the restored one.
        for suffix in ("-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        os.replace(temp, name)
        name.chmod(0o600)
    finally:
        temp.unlink(missing_ok=True)


def _restore_postgresql(dump: Path, *, force: bool) -> None:
    if force:
        # Told to replace what is there: the schema goes, with every table in it.
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    connections.close_all()
    command = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
               "--single-transaction", "--dbname", str(connection.settings_dict["NAME"])]
    with subprocess.Popen(  # noqa: S603 - fixed arguments
        command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env=_pg_environment(),
    ) as process:
        stdin: BinaryIO = process.stdin  # type: ignore[assignment]
        try:
            for piece in _decrypted(dump):
                stdin.write(piece)
        except BrokenPipeError:
            pass
        finally:
            stdin.close()
        error = process.stderr.read().decode(errors="replace") if process.stderr else ""
        process.wait()
    if process.returncode != 0:
        raise BackupError(f"pg_restore failed: {error.strip()}")


def _master_key_check(manifest: dict[str, Any], source: Path) -> bool:
    """Makes sure this deployment's master key is the backup's. Returns True when it wrote the
    key from the backup into the embedded deployment's var/master_key."""
    if manifest["master_key_fingerprint"] == master_key_fingerprint():
        return False
    embedded = Path(settings.VAR_DIR) / "master_key"
    if (
        manifest.get("master_key_included")
        and not settings.HTTPS
        and settings.MASTER_KEY_PATH is not None
        and Path(settings.MASTER_KEY_PATH) == embedded
    ):
        key = (source / MASTER_KEY_MEMBER).read_text().strip()
        embedded.write_text(key)
        embedded.chmod(0o600)
        settings.MASTER_KEY = key
        if master_key_fingerprint() != manifest["master_key_fingerprint"]:
            raise BackupError("the master key in the backup does not match its own fingerprint")
        return True
    raise BackupError(
        "This deployment's master key is not the one the backup's data keys were wrapped with "
        f"(the backup's key has fingerprint {manifest['master_key_fingerprint']}, this "
        f"deployment's {master_key_fingerprint()}). Give the deployment the backup's master key "
        "in CONSILIUM_MASTER_KEY or CONSILIUM_MASTER_KEY_FILE, then restore again."
    )


def _restore_signing(manifest: dict[str, Any], source: Path, *, force: bool) -> list[str]:
    notes: list[str] = []
    if not manifest.get("signing_certificate_included"):
        return ["The backup holds no signing certificate; reports are checked against the "
                "deployment's own."]
    saved_cert = (source / SIGNING / "certificate.pem").read_bytes()
    cert, key = _signing_paths()
    if key is None:
        if not cert.exists() or cert.read_bytes() != saved_cert:
            notes.append(
                f"The configured signing certificate ({cert}) is not the one in the backup: "
                "reports signed before the backup will not validate against it. Keep the old "
                f"certificate ({source / SIGNING / 'certificate.pem'}) to check them."
            )
        return notes
    if cert.exists() and cert.read_bytes() != saved_cert and not force:
        raise BackupError(
            f"{cert} already holds another signing certificate; restore with --force to replace it"
        )
    cert.parent.mkdir(parents=True, exist_ok=True)
    cert.write_bytes(saved_cert)
    if manifest.get("signing_key_included"):
        key.write_bytes((source / SIGNING / "key.pem").read_bytes())
        key.chmod(0o600)
    else:
        notes.append("The backup holds no signing key: set CONSILIUM_SIGNING_KEY_FILE and "
                     "CONSILIUM_SIGNING_CERT_FILE to the deployment's pair before reports are "
                     "signed again.")
    return notes


def backup_restore(*, source: Path, force: bool = False) -> RestoreResult:
    """Restores a backup into this deployment's database and file store, which must be empty
    unless `force` (then the database is replaced and the backup's files are added to the
    store). Nothing is written until the backup has been checked whole and the master key
    matches."""
    source = Path(source)
    manifest = backup_read_manifest(source=source)
    engine = _engine()
    if manifest["database"] != engine:
        raise BackupError(
            f"the backup is of a {manifest['database']} database and this deployment uses "
            f"{engine}; restore it into a deployment of the same kind"
        )
    if not force:
        if not database_is_empty():
            raise BackupError(
                "The database is not empty. Restore into a new, empty database, or give --force "
                "to replace everything in it."
            )
        if not files_are_empty():
            raise BackupError(
                f"The file store {settings.FILES_DIR} is not empty. Restore into an empty one, "
                "or give --force."
            )
    wrote_key = _master_key_check(manifest, source)
    try:
        # The dump opens only with the backup key: a wrong key is caught before any change.
        next(iter(_decrypted(source / DATABASE)))
    except TamperedFileError:
        raise BackupError("the database dump does not open with this master key") from None

    if engine == "sqlite":
        _restore_sqlite(source / DATABASE, force=force)
    else:
        _restore_postgresql(source / DATABASE, force=force)

    store = Path(settings.FILES_DIR)
    count = 0
    for name in manifest["members"]:
        if not name.startswith(f"{FILES}/"):
            continue
        destination = store / name.removeprefix(f"{FILES}/")
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / name, destination)
        destination.chmod(0o600)
        count += 1
    notes = _restore_signing(manifest, source, force=force)
    return RestoreResult(engine=engine, files=count, master_key_written=wrote_key, notes=notes)

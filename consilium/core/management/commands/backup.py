"""`manage.py backup DIR`: the database, the encrypted file store and the signing certificate
into one new directory (consilium.core.backup says what is in it). The master key is not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from consilium.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = ("Backs up the database (a consistent snapshot, encrypted), the encrypted file store "
            "and the signing certificate into a new directory. The master key is NOT included.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "target", nargs="?",
            help="a new or empty directory (default: var/backups/<UTC time>)",
        )
        parser.add_argument(
            "--include-master-key", action="store_true",
            help="also copy the master key into the backup, so the backup alone opens every "
            "file. For a demo or a laptop only; refused with CONSILIUM_HTTPS=1.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["target"] or Path(settings.VAR_DIR) / "backups" / (
            dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")))
        try:
            manifest = backup_create(
                target=target, include_master_key=options["include_master_key"]
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        files = sum(1 for name in manifest["members"] if name.startswith("files/"))
        self.stdout.write(
            f"Backup written to {target}: the {manifest['database']} database and {files} "
            f"stored files. Master key fingerprint {manifest['master_key_fingerprint']}."
        )
        if manifest["master_key_included"]:
            self.stdout.write(self.style.WARNING(
                "THE MASTER KEY IS IN THIS BACKUP (MASTER_KEY-INCLUDED). Anyone who copies it "
                "can read every patient's files. Keep it as you would keep the key itself."
            ))
        else:
            self.stdout.write(
                "The master key is NOT in the backup: it cannot be restored without it. Keep the "
                "key backed up separately, away from this directory."
            )

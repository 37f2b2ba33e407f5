"""`manage.py restore DIR`: a backup into this deployment's (empty) database and file store,
then every stored file checked (`verify_files`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from consilium.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = ("Restores a backup made by `manage.py backup` into an empty deployment (the "
            "database and the file store named by the settings), then verifies every file.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="the backup directory")
        parser.add_argument(
            "--force", action="store_true",
            help="restore even though the database or the file store is not empty: the database "
            "is REPLACED and the backup's files are added to the store",
        )
        parser.add_argument(
            "--no-verify", action="store_true",
            help="do not decrypt and check every file afterwards",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_restore(source=Path(options["source"]), force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored the {result.engine} database and {result.files} stored files."
        )
        if result.master_key_written:
            self.stdout.write(self.style.WARNING(
                "The master key was taken from the backup and written to var/master_key."
            ))
        for note in result.notes:
            self.stdout.write(self.style.WARNING(note))
        # Applies migrations newer than the backup; a no-op when the code is the backup's.
        call_command("migrate", interactive=False, verbosity=0)
        if not options["no_verify"]:
            call_command("verify_files", stdout=self.stdout, stderr=self.stderr)

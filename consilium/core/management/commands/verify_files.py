"""`manage.py verify_files`: every stored file decrypts, matches its hash, and every report's
signature validates. Exits non-zero if anything does not."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from consilium.core.integrity import integrity_check_all


class Command(BaseCommand):
    help = "Decrypts and checks every stored file and every report's signature."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the counts as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        results = integrity_check_all()
        if options["json"]:
            self.stdout.write(json.dumps(
                {r.kind: {"checked": r.checked, "problems": r.problems} for r in results}
            ))
        else:
            for result in results:
                self.stdout.write(f"{result.kind}: {result.checked} checked, "
                                  f"{len(result.problems)} with problems")
                for problem in result.problems:
                    self.stdout.write(f"  {problem}")
        failed = sum(len(result.problems) for result in results)
        if failed:
            raise CommandError(f"{failed} stored files or signatures failed their check")

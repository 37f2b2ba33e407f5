from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from consilium.demo.seeding import DEMO_PASSWORD, demo_seed


class Command(BaseCommand):
    help = (
        "Writes the demo accounts (admin, coordinators, specialists, a patient with a draft "
        "case). Safe to run on every start: it restores the demo values and changes nothing else."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_seed()
        self.stdout.write(
            f"Demo data ready: 1 admin, {len(result.coordinators)} coordinators, "
            f"{len(result.specialists)} verified specialists, 1 patient with draft case "
            f"{result.case.reference}."
        )
        if result.document_attached:
            self.stdout.write("The demo case has a generated biopsy report attached.")
        else:
            self.stdout.write("The demo case has no report attached (no documents app).")
        self.stdout.write(f"Demo password for every account: {DEMO_PASSWORD}")

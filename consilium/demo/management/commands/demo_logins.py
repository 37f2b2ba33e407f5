from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.urls import reverse

from consilium.accounts.models import Role, User
from consilium.cases.models import Case
from consilium.demo.seeding import (
    DEMO_BACKUP_CODES,
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    demo_totp_secret,
)

ROLE_ORDER: dict[str, int] = {
    Role.ADMIN: 0, Role.COORDINATOR: 1, Role.SPECIALIST: 2, Role.PATIENT: 3,
}


class Command(BaseCommand):
    help = "Prints how to sign in to the demo: role, email, password and the two-factor codes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--url", default=settings.SITE_URL, help="Where the demo runs (default SITE_URL)."
        )

    def handle(self, *args: Any, url: str, **options: Any) -> None:
        users = sorted(
            User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").select_related(
                "specialist_profile"
            ),
            key=lambda u: (ROLE_ORDER.get(u.role, 9), u.email),
        )
        if not users:
            self.stdout.write("No demo accounts yet: run `manage.py seed_demo` first.")
            return
        rows = [("Role", "Email", "Password", "Two-factor")]
        for user in users:
            role = user.get_role_display()
            if user.is_specialist and hasattr(user, "specialist_profile"):
                role = f"Specialist: {user.specialist_profile.get_specialty_display()}"
            rows.append(
                (role, user.email, DEMO_PASSWORD, "backup code" if user.is_staff_role else "-")
            )
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        line = "+-" + "-+-".join("-" * w for w in widths) + "-+"
        self.stdout.write("")
        self.stdout.write(f"Sign in at {url.rstrip('/')}{reverse('accounts:login')}")
        self.stdout.write(line)
        for n, row in enumerate(rows):
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("| " + " | ".join(cells) + " |")
            if n == 0:
                self.stdout.write(line)
        self.stdout.write(line)
        self.stdout.write(
            "Staff (admin, coordinators, specialists) are asked for a two-factor code after the "
            "password. Type one of these backup codes (each works once per account; they come "
            "back on every start of the demo):"
        )
        self.stdout.write("  " + "  ".join(DEMO_BACKUP_CODES))
        self.stdout.write(
            f"Or add the demo authenticator secret {demo_totp_secret()} to an authenticator app."
        )

        draft = (
            Case.objects.filter(patient__holder__email=f"patient@{DEMO_DOMAIN}")
            .order_by("created_at")
            .first()
        )
        if draft is not None:
            self.stdout.write(
                f"The patient has a half-finished request, {draft.reference}: sign in as "
                f"patient@{DEMO_DOMAIN} and continue it."
            )
        if Case.objects.filter(patient__holder__email=f"family@{DEMO_DOMAIN}").exists():
            self.stdout.write(
                f"family@{DEMO_DOMAIN} asks for her father: one request waits for triage, one is "
                "with a panel of three (the radiation oncologist has not accepted yet), one has "
                "its signed report."
            )
        self.stdout.write(
            "Emails are written to files and listed on the outbox page: "
            f"{url.rstrip('/')}{reverse('notifications:outbox')}"
        )

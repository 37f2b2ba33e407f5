"""Each app registers its own periodic jobs; the scheduler itself names no domain app."""

from __future__ import annotations

from pathlib import Path

from consilium.core.scheduler import JOBS

CORE = Path(__file__).resolve().parents[1]
DOMAIN_APPS = ("accounts", "audit", "billing", "cases", "consent", "consultations", "demo",
               "documents", "insights", "notifications", "patients", "records", "reports",
               "review")


def test_every_app_that_owns_a_periodic_job_registered_it() -> None:
    assert {name: job.function.split(".")[1] for name, job in JOBS.items()} == {
        "outbox_send_due": "notifications",
        "turnaround_sweep": "cases",
        "offers_expire": "review",
        "reports_due": "reports",
        "consultation_reminders": "consultations",
        "record_exports_expire": "records",
    }


def test_core_outside_its_tests_names_no_domain_app() -> None:
    for path in CORE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text()
        assert not [app for app in DOMAIN_APPS if f"consilium.{app}" in text], path

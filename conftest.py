"""Fixed personas shared by every test: patient, proxy, other_patient, coordinator, specialist,
other_specialist, admin_user."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from consilium.accounts.models import Role, SpecialistProfile, Specialty, User
from consilium.core.testing import SeaweedFS
from consilium.patients.models import Patient, Relationship, Sex

PASSWORD = "Consilium-Test-2026"

# The fuzz tests' budgets are multiplied by this: 1 in the suite, more for a longer fuzzing run
# (`CONSILIUM_FUZZ_SCALE=20 pytest -k fuzz --hypothesis-show-statistics`).
FUZZ_SCALE = max(1, int(os.environ.get("CONSILIUM_FUZZ_SCALE", "1")))


def fuzz_examples(count: int) -> int:
    return count * FUZZ_SCALE

# Cases in review, specialists and reports, shared by the review and report tests.
pytest_plugins = ["consilium.review.tests.fixtures"]


@pytest.fixture(scope="session")
def signing_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One self-signed signing certificate for the whole run (making an RSA key takes a while)."""
    return tmp_path_factory.mktemp("signing")


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedFS]:
    """A real S3 server (SeaweedFS) for the run, on 127.0.0.1. Without its binary the tests that
    need it fail: a missing server must not turn into a green run that tested nothing."""
    try:
        server = SeaweedFS(tmp_path_factory.mktemp("seaweedfs"))
        server.start()
    except (FileNotFoundError, RuntimeError) as error:
        pytest.fail(f"no S3 server for the tests: {error}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _fast_and_isolated(
    request: pytest.FixtureRequest, settings: Any, tmp_path: Path, signing_dir: Path
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SIGNING_DIR = signing_dir
    settings.FILES_DIR = tmp_path / "files"
    # CONSILIUM_FILES_BACKEND=s3 runs the tests with their files in SeaweedFS, each test under
    # a prefix of its own.
    if os.environ.get("CONSILIUM_FILES_BACKEND") == "s3":
        request.getfixturevalue("seaweedfs").configure(
            settings, prefix=f"tests/{uuid.uuid4().hex}"
        )
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def make_user(email: str, role: str = Role.PATIENT, **extra: Any) -> User:
    return User.objects.create_user(
        email, PASSWORD, full_name=extra.pop("full_name", email.split("@")[0].title()),
        role=role, email_verified=True, **extra,
    )


def make_specialist(email: str, specialty: str = Specialty.MEDICAL_ONCOLOGY) -> User:
    user = make_user(email, Role.SPECIALIST, full_name=f"Dr {email.split('@')[0].title()}")
    SpecialistProfile.objects.create(
        user=user, specialty=specialty, qualifications="MBBS, MD, DM (Medical Oncology)",
        registration_number="MCI-12345", registration_council="National Medical Commission",
        languages="English, Hindi", years_experience=15, verified_at=timezone.now(),
    )
    return user


@pytest.fixture
def patient(db: None) -> Patient:
    """An account holder who is the patient."""
    user = make_user("asha@example.com", full_name="Asha Verma")
    return Patient.objects.create(
        holder=user, relationship=Relationship.SELF, full_name="Asha Verma",
        date_of_birth=dt.date(1970, 5, 17), sex=Sex.FEMALE, phone="+919876543210",
        email="asha@example.com", city="Pune", state="Maharashtra", country="India",
    )


@pytest.fixture
def proxy(db: None) -> Patient:
    """An account holder acting for their father; the fixture returns the father's record."""
    user = make_user("ravi@example.com", full_name="Ravi Kumar")
    return Patient.objects.create(
        holder=user, relationship=Relationship.CHILD, full_name="Mohan Kumar",
        date_of_birth=dt.date(1948, 1, 2), sex=Sex.MALE, city="Lucknow", country="India",
    )


@pytest.fixture
def other_patient(db: None) -> Patient:
    user = make_user("meera@example.com", full_name="Meera Shah")
    return Patient.objects.create(
        holder=user, relationship=Relationship.SELF, full_name="Meera Shah", sex=Sex.FEMALE,
    )


@pytest.fixture
def coordinator(db: None) -> User:
    return make_user("coordinator@example.com", Role.COORDINATOR, full_name="Neha Coordinator")


@pytest.fixture
def specialist(db: None) -> User:
    return make_specialist("oncologist@example.com")


@pytest.fixture
def other_specialist(db: None) -> User:
    return make_specialist("cardiologist@example.com", Specialty.CARDIOLOGY)


@pytest.fixture
def admin_user(db: None) -> User:
    return User.objects.create_superuser("admin@example.com", PASSWORD, full_name="Admin")


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def smtp_server(settings: Any) -> Any:
    """A real SMTP server on 127.0.0.1 that the email backend talks to."""
    from consilium.core.testing import SmtpServer

    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium() -> Any:
    """Debian's Chromium driven by Playwright (no browser download)."""
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around
    # it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CONSILIUM_CHROMIUM", "/usr/bin/chromium"),
            args=CHROMIUM_FLAGS,
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium: Any, live_server: Any) -> Any:
    """A fresh browser context on a phone-sized screen, pointed at the live server."""
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="en-IN"
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()

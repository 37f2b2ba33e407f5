"""The whole first journey in a phone-sized browser: a son registers to ask for his father,
confirms his email with the link the app emailed him, fills the intake (and meets the emergency
advice), uploads a report, signs the consent, picks a review and pays by bank transfer; a
coordinator, signed in with a real TOTP code, records the money; the son submits and is emailed
the acknowledgement; a second coordinator sets up two-step sign-in and finds the case, urgent,
in the triage queue.

Every page is checked with axe-core (from npm, see package.json): a serious or critical
accessibility violation fails the test. Set CONSILIUM_SCREENSHOTS=<folder> to keep a screenshot
of every page.
"""

from __future__ import annotations

import importlib
import os
import re
from base64 import b32decode
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, make_user
from consilium.accounts.models import Role, User
from consilium.cases.models import Case, CaseStatus
from consilium.documents.tests.conftest import text_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def migration_seeds(transactional_db: Any) -> None:
    """The journey needs what the migrations seed (the consent text, the prices). A transactional
    test that ran before this one flushed the tables, so the seeds (idempotent) run again."""
    from django.apps import apps

    for module in ("consilium.consent.migrations.0003_seed_consent_text_v1",
                   "consilium.billing.migrations.0003_seed_prices"):
        importlib.import_module(module).seed(apps, None)

AXE = Path(django_settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
STEP_TIMEOUT_MS = 15_000


class Visit:
    """One person's browser tab: checks every page it lands on and can keep a screenshot."""

    def __init__(self, page: Any, who: str, problems: list[str]) -> None:
        self.page = page
        self.who = who
        self.problems = problems
        self.shots = Path(os.environ["CONSILIUM_SCREENSHOTS"]) if os.environ.get(
            "CONSILIUM_SCREENSHOTS"
        ) else None
        self.count = 0
        page.set_default_timeout(STEP_TIMEOUT_MS)

    def check(self, name: str) -> None:
        """Runs axe-core on the page as it is now; keeps a screenshot when asked to."""
        self.count += 1
        if self.shots is not None:
            self.shots.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(
                path=str(self.shots / f"{self.who}-{self.count:02d}-{name}.png"), full_page=True
            )
        # Evaluated, not added as a <script>: the page's CSP refuses inline scripts.
        self.page.evaluate(AXE.read_text())
        violations = self.page.evaluate(
            """async () => {
                const result = await axe.run(document, {resultTypes: ["violations"]});
                return result.violations
                    .filter(v => v.impact === "serious" || v.impact === "critical")
                    .map(v => `${v.id} (${v.impact}): ${v.help} — ` +
                              v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
            }"""
        )
        self.problems += [f"{self.who} · {name} · {v}" for v in violations]

    def heading(self) -> str:
        return str(self.page.locator("h1").first.inner_text())

    def message(self) -> str:
        return str(self.page.locator(".messages").inner_text())


def code_from_key(key: bytes) -> str:
    return str(totp(key, step=30, t0=0, digits=6)).zfill(6)


def sign_in_coordinator(visit: Visit, email: str) -> None:
    page = visit.page
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def coordinator_with_phone(db: None) -> tuple[User, bytes]:
    """A coordinator whose authenticator app holds this key."""
    user = make_user("neha@example.com", Role.COORDINATOR, full_name="Neha Kulkarni")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user, device.bin_key


def test_a_son_asks_for_his_fathers_second_opinion_from_registration_to_the_triage_queue(
    chromium: Any, live_server: Any, settings: Any, tmp_path: Path,
    coordinator_with_phone: tuple[User, bytes],
) -> None:
    assert AXE.exists(), "axe-core is missing: run `make setup` (it runs `npm ci`)"
    settings.SITE_URL = live_server.url  # the links in the emails point at this server
    problems: list[str] = []

    def new_visit(who: str) -> Visit:
        context = chromium.new_context(
            base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="en-IN"
        )
        return Visit(context.new_page(), who, problems)

    son = new_visit("son")
    page = son.page

    # Given a visitor on the home page, when he registers to ask for his father
    page.goto("/")
    son.check("home")
    page.get_by_role("button", name="Start a request").click()
    son.check("register")
    page.get_by_label("Your full name").fill("Ravi Kumar")
    page.get_by_label("Email address").fill("ravi.kumar@example.com")
    page.get_by_label("Mobile number").fill("98765 43210")
    page.get_by_role("radio", name="Someone else").check()
    page.get_by_label("what are you to the patient").select_option("child")
    page.get_by_label("Choose a password").fill("Monsoon-Rain-42")
    page.get_by_label("Type the password again").fill("Monsoon-Rain-41")
    page.get_by_role("button", name="Create account").click()

    # a mistyped password is pointed out, and everything else he typed is still there
    son.check("register-error")
    assert "not the same" in page.locator("main").inner_text()
    assert page.get_by_label("Your full name").input_value() == "Ravi Kumar"
    assert page.get_by_label("what are you to the patient").input_value() == "child"
    page.get_by_label("Choose a password").fill("Monsoon-Rain-42")
    page.get_by_label("Type the password again").fill("Monsoon-Rain-42")
    page.get_by_role("button", name="Create account").click()
    son.check("register-sent")
    assert "ravi.kumar@example.com" in page.locator("main").inner_text()

    # then the confirmation email the app sent has a link that confirms his address and signs
    # him in
    confirmation = next(m for m in mail.outbox if m.to == ["ravi.kumar@example.com"])
    link = re.search(r"https?://\S+/accounts/verify-email/\S+/", confirmation.body)
    assert link is not None, confirmation.body
    page.goto(link.group(0))
    son.check("email-confirmed")
    assert "is confirmed" in son.message()
    assert User.objects.get(email="ravi.kumar@example.com").email_verified

    # When he starts a request, the patient is someone new: his father
    assert son.heading() == "My cases"
    page.get_by_role("button", name="Start a new request").click()
    son.check("start")
    assert page.get_by_label("what are you to the patient").input_value() == "child"
    page.get_by_role("button", name="Start").click()

    # and fills every step of the intake
    son.check("intake-patient")
    page.get_by_label("full name").fill("Mohan Kumar")
    page.get_by_label("date of birth").fill("1948-01-02")
    page.get_by_label("Male", exact=True).check()
    page.get_by_label("city").fill("Lucknow")
    page.get_by_label("state").fill("Uttar Pradesh")
    page.get_by_role("button", name="Save and continue").click()

    son.check("intake-condition")
    page.get_by_label("Heart").check()
    page.get_by_label("What have the doctors said so far?").fill(
        "Triple vessel coronary artery disease; bypass surgery advised."
    )
    page.get_by_label("I need help choosing between treatment options").check()
    page.get_by_label("What symptoms does the patient have?").fill(
        "Chest pain since this morning, and breathless when walking."
    )
    page.get_by_label("When did it start").fill("Pain on exertion for three months.")
    page.get_by_role("button", name="Save and continue").click()

    # Then the emergency advice comes first, with a way to call and a way to go on
    son.check("emergency")
    assert son.heading() == "Seek emergency care now"
    assert page.get_by_role("button", name="Call 112").get_attribute("href") == "tel:112"
    assert "Chest pain now" in page.locator("main").inner_text()
    page.get_by_role("link", name="Continue with my request").click()

    son.check("intake-history")
    page.get_by_label("allergies").fill("None known")
    page.get_by_label("current medicines").fill("Aspirin 75 mg once a day")
    page.get_by_role("button", name="Save and continue").click()

    son.check("intake-questions")
    page.get_by_label("Question 1:").fill("Is bypass surgery needed, or could stents work?")
    page.get_by_role("button", name="Save and continue").click()

    # When he uploads the angiography report
    son.check("reports")
    report = tmp_path / "angiography.pdf"
    report.write_bytes(text_pdf("Coronary angiography: triple vessel disease"))
    page.get_by_label("What kind of report").select_option("imaging")
    page.set_input_files("#id_files", str(report))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_selector("#upload-progress li.upload-saved")
    page.wait_for_selector("#document-list a:has-text('angiography.pdf')")
    son.check("reports-uploaded")
    page.get_by_role("button", name="Continue").click()

    # and signs the consent as the patient's son
    son.check("consent")
    assert page.get_by_label("Your full name").input_value() == "Ravi Kumar"
    assert page.get_by_label("Your relationship to the patient").input_value() == "child"
    page.get_by_label("I have read the consent above and I agree to it.").check()
    page.get_by_role("button", name="Sign the consent").click()
    son.check("consent-signed")
    page.get_by_role("button", name="Continue: choose the review and pay").click()

    # and chooses two specialists and the bank transfer instructions
    son.check("review-type")
    page.get_by_label("Two specialists").check()
    page.get_by_role("button", name="Continue to payment").click()
    son.check("checkout")
    case = Case.objects.get(patient__holder__email="ravi.kumar@example.com")
    assert case.reference in page.locator("main").inner_text()
    assert case.is_urgent

    # Then a coordinator, signed in with the code from her authenticator, records the transfer
    coordinator, key = coordinator_with_phone
    desk = new_visit("coordinator")
    sign_in_coordinator(desk, coordinator.email)
    desk.check("two-step")
    desk.page.get_by_label("Code").fill(code_from_key(key))
    desk.page.get_by_role("button", name="Continue").click()
    desk.check("triage-before")
    desk.page.get_by_role("link", name="Payments").click()
    desk.check("payments")
    desk.page.get_by_role("row", name=case.reference).get_by_role("link").click()
    desk.check("record-payment")
    desk.page.get_by_label("Amount received").fill("3500")
    desk.page.get_by_label("Bank or UPI reference").fill("UTR-402611223344")
    desk.page.get_by_role("button", name="Record payment").click()
    desk.check("payment-recorded")
    assert case.reference in desk.message()

    # When the son comes back, his payment shows and he submits
    page.reload()
    son.check("paid")
    assert "payment has been received" in page.locator("main").inner_text()
    page.get_by_role("button", name="Continue: check and submit").click()
    son.check("submit")
    assert page.locator(".missing").count() == 0
    page.get_by_role("button", name="Submit my request").click()

    # Then he sees the acknowledgement, and is emailed it with the reference
    son.check("submitted")
    assert case.reference in son.message()
    assert "What happens next" in page.locator("main").inner_text()
    case.refresh_from_db()
    assert case.status == CaseStatus.TRIAGE
    acknowledgement = [m for m in mail.outbox if m.subject.startswith("We received your request")]
    assert len(acknowledgement) == 1
    assert acknowledgement[0].to == ["ravi.kumar@example.com"]
    assert case.reference in acknowledgement[0].body
    assert "What happens next" in acknowledgement[0].body

    # Finally a new coordinator sets up two-step sign-in and finds the case, urgent, in the queue
    make_user("arjun@example.com", Role.COORDINATOR, full_name="Arjun Menon")
    second = new_visit("second-coordinator")
    sign_in_coordinator(second, "arjun@example.com")
    second.check("two-step-setup")
    secret = second.page.locator(".otp-secret").inner_text().replace(" ", "")
    second.page.get_by_label("Code").fill(code_from_key(b32decode(secret)))
    second.page.get_by_role("button", name="Turn on two-step sign-in").click()
    second.check("backup-codes")
    second.page.get_by_role("button", name="I have saved them, continue").click()
    second.check("triage-queue")
    row = second.page.get_by_role("row", name=case.reference)
    assert "Urgent" in row.inner_text()

    assert problems == [], "accessibility problems:\n" + "\n".join(problems)

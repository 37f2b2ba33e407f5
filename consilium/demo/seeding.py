"""The demo deployment's people: fictional staff, specialists and a patient with a draft case.

`manage.py seed_demo` writes them (idempotent, run on every start of the demo) and
`manage.py demo_logins` prints how to sign in as each of them. Every person, registration number
and hospital here is invented.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from consilium.accounts.models import Role, SpecialistProfile, Specialty, User
from consilium.billing.services import payment_record_offline, payment_start
from consilium.cases import services as cases
from consilium.cases.models import Case, IntakeStep
from consilium.consent.services import consent_sign
from consilium.consultations.services import hours_add
from consilium.core.crypto import patient_data_key
from consilium.core.storage import encrypted_write_bytes
from consilium.documents.services import document_create, document_process, document_release
from consilium.documents.upload import ReceivedFile
from consilium.insights.services import case_summary_approve, case_summary_get_or_draft
from consilium.patients.models import Relationship
from consilium.patients.services import patient_create
from consilium.reports.services import report_issue
from consilium.review import services as review

logger = logging.getLogger(__name__)

DEMO_PASSWORD = "Consilium-Demo-2026"  # noqa: S105 - printed on purpose: demo accounts only
DEMO_DOMAIN = "demo.consilium.local"
ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"
PATIENT_EMAIL = f"patient@{DEMO_DOMAIN}"
# One-time backup codes every demo staff account gets back on each start of the demo.
DEMO_BACKUP_CODES = tuple(f"2026{n:04d}" for n in range(1, 11))
# A shared authenticator secret, so a demo user can also add the account to an app.
DEMO_TOTP_KEY = b"consilium-demo-totp!"
DEVICE_NAME = "Demo"


def demo_totp_secret() -> str:
    """The demo authenticator secret in base32, as authenticator apps ask for it."""
    return base64.b32encode(DEMO_TOTP_KEY).decode()


@dataclass(frozen=True)
class StaffSeed:
    email: str
    full_name: str
    role: str
    phone: str = ""


@dataclass(frozen=True)
class SpecialistSeed:
    email: str
    full_name: str
    specialty: str
    qualifications: str
    registration_number: str
    registration_council: str
    languages: str
    years_experience: int
    sub_specialties: str
    hospital: str
    bio: str
    capacity: int = 5
    extra: dict[str, Any] = field(default_factory=dict)


ADMIN = StaffSeed(ADMIN_EMAIL, "Farah Siddiqui", Role.ADMIN, "+919800000001")
COORDINATORS = (
    StaffSeed(f"coordinator@{DEMO_DOMAIN}", "Dr Neha Kulkarni", Role.COORDINATOR, "+919800000002"),
    StaffSeed(f"coordinator2@{DEMO_DOMAIN}", "Dr Arjun Menon", Role.COORDINATOR, "+919800000003"),
)

NMC = "National Medical Commission"
SPECIALISTS = (
    SpecialistSeed(
        f"oncology@{DEMO_DOMAIN}", "Dr Ananya Rao", Specialty.MEDICAL_ONCOLOGY,
        "MBBS, MD (General Medicine), DM (Medical Oncology)", "KMC-78231",
        "Karnataka Medical Council", "English, Hindi, Kannada, Telugu", 17,
        "Breast cancer, gynaecological cancers, immunotherapy",
        "Kaveri Cancer Institute, Bengaluru",
        "Leads the breast and gynaecological cancer clinic; runs the weekly tumour board.", 6,
    ),
    SpecialistSeed(
        f"oncology2@{DEMO_DOMAIN}", "Dr Vikram Sethi", Specialty.MEDICAL_ONCOLOGY,
        "MBBS, MD (Internal Medicine), DM (Medical Oncology), ECMO", "DMC-41877",
        "Delhi Medical Council", "English, Hindi, Punjabi", 21,
        "Lung cancer, gastrointestinal cancers, targeted therapy",
        "Yamuna Oncology Centre, New Delhi",
        "Treats thoracic and gastrointestinal cancers; interest in molecular testing.", 5,
    ),
    SpecialistSeed(
        f"surgical.oncology@{DEMO_DOMAIN}", "Dr Meenakshi Iyer", Specialty.SURGICAL_ONCOLOGY,
        "MBBS, MS (General Surgery), MCh (Surgical Oncology)", "TNMC-66120",
        "Tamil Nadu Medical Council", "English, Tamil, Malayalam", 19,
        "Head and neck cancers, breast-conserving surgery, oncoplastic surgery",
        "Adyar Riverside Cancer Hospital, Chennai",
        "Head and neck and breast surgeon; trained in reconstructive techniques.", 4,
    ),
    SpecialistSeed(
        f"radiation.oncology@{DEMO_DOMAIN}", "Dr Rohan Deshpande", Specialty.RADIATION_ONCOLOGY,
        "MBBS, MD (Radiation Oncology), DNB (Radiotherapy)", "MMC-2005-03417",
        "Maharashtra Medical Council", "English, Hindi, Marathi", 16,
        "IMRT and IGRT, stereotactic radiosurgery, brachytherapy",
        "Sahyadri Valley Cancer Centre, Pune",
        "Plans stereotactic and image-guided radiotherapy for brain and prostate tumours.", 5,
    ),
    SpecialistSeed(
        f"pathology@{DEMO_DOMAIN}", "Dr Sangeeta Bose", Specialty.PATHOLOGY,
        "MBBS, MD (Pathology), PDF (Oncopathology)", "WBMC-59310",
        "West Bengal Medical Council", "English, Bengali, Hindi", 18,
        "Oncopathology, immunohistochemistry, haematopathology",
        "Hooghly Diagnostics and Research Institute, Kolkata",
        "Reviews biopsy slides and IHC panels; second reads for lymphoma and sarcoma.", 8,
    ),
    SpecialistSeed(
        f"radiology@{DEMO_DOMAIN}", "Dr Imran Qureshi", Specialty.RADIOLOGY,
        "MBBS, MD (Radiodiagnosis), FRCR", "TSMC-32544",
        "Telangana State Medical Council", "English, Hindi, Urdu, Telugu", 14,
        "Oncologic imaging, PET-CT, body MRI",
        "Deccan Imaging and Cancer Hospital, Hyderabad",
        "Reads CT, MRI and PET-CT for staging and response assessment.", 8,
    ),
    SpecialistSeed(
        f"cardiology@{DEMO_DOMAIN}", "Dr Kavita Nair", Specialty.CARDIOLOGY,
        "MBBS, MD (General Medicine), DM (Cardiology)", "TCMC-41952",
        "Travancore-Cochin Medical Council", "English, Malayalam, Hindi, Tamil", 20,
        "Interventional cardiology, heart failure, cardio-oncology",
        "Periyar Heart Institute, Kochi",
        "Interventional cardiologist; advises on angioplasty versus bypass decisions.", 5,
    ),
    SpecialistSeed(
        f"neurology@{DEMO_DOMAIN}", "Dr Aditya Chaturvedi", Specialty.NEUROLOGY,
        "MBBS, MD (General Medicine), DM (Neurology)", "UPMC-50718",
        "Uttar Pradesh Medical Council", "English, Hindi", 15,
        "Epilepsy, stroke, movement disorders",
        "Gomti Neurosciences Hospital, Lucknow",
        "Runs the epilepsy clinic and acute stroke service.", 5,
    ),
    SpecialistSeed(
        f"orthopaedics@{DEMO_DOMAIN}", "Dr Harpreet Gill", Specialty.ORTHOPAEDICS,
        "MBBS, MS (Orthopaedics), DNB (Orthopaedics), MCh (Orth)", "PMC-27764",
        "Punjab Medical Council", "English, Hindi, Punjabi", 22,
        "Joint replacement, spine surgery, bone tumours",
        "Sutlej Bone and Joint Hospital, Ludhiana",
        "Hip and knee replacement and spine surgeon; second opinions on surgery versus rehab.", 5,
    ),
    SpecialistSeed(
        f"endocrinology@{DEMO_DOMAIN}", "Dr Priya Venkatesh", Specialty.ENDOCRINOLOGY,
        "MBBS, MD (General Medicine), DM (Endocrinology)", "KMC-91406",
        "Karnataka Medical Council", "English, Kannada, Tamil, Hindi", 12,
        "Diabetes, thyroid disorders and thyroid cancer, pituitary disease",
        "Nandi Hills Diabetes and Endocrine Centre, Bengaluru",
        "Manages complex diabetes and thyroid nodules; works with the thyroid cancer team.", 7,
    ),
    SpecialistSeed(
        f"gastroenterology@{DEMO_DOMAIN}", "Dr Sameer Joshi", Specialty.GASTROENTEROLOGY,
        "MBBS, MD (General Medicine), DM (Gastroenterology)", "GMC-G-22871",
        "Gujarat Medical Council", "English, Hindi, Gujarati, Marathi", 16,
        "Hepatology, therapeutic endoscopy, inflammatory bowel disease",
        "Sabarmati Digestive Diseases Hospital, Ahmedabad",
        "Hepatologist and endoscopist; liver disease and pancreatic conditions.", 6,
    ),
    SpecialistSeed(
        f"general.medicine@{DEMO_DOMAIN}", "Dr Lakshmi Pillai", Specialty.GENERAL_MEDICINE,
        "MBBS, MD (General Medicine), FICP", "NMC-2011-0094412", NMC,
        "English, Hindi, Malayalam, Tamil", 13,
        "Internal medicine, multiple long-term conditions, medicines review",
        "Arabian Sea Multispeciality Hospital, Thiruvananthapuram",
        "Physician for patients with several conditions at once; reviews medicine lists.", 8,
    ),
)

DEMO_PATIENT = {
    "full_name": "Sunita Deshmukh",
    "phone": "+919822012345",
}
DEMO_PATIENT_DETAILS = {
    "date_of_birth": dt.date(1968, 3, 14),
    "sex": "female",
    "phone": "+919822012345",
    "email": PATIENT_EMAIL,
    "address": "14 Gulmohar Lane, Kothrud",
    "city": "Pune",
    "state": "Maharashtra",
    "country": "India",
}
DEMO_CONDITION = {
    "medical_area": "cancer",
    "diagnosis_so_far": (
        "Invasive ductal carcinoma of the left breast, grade 2, found on biopsy in October. "
        "ER and PR positive, HER2 equivocal (2+), FISH result awaited."
    ),
    "reasons": ["options", "reassurance"],
    "symptoms": "A painless lump in the left breast for about three months. No other symptoms.",
    "symptom_timeline": (
        "Noticed the lump in August; mammogram and ultrasound in September; core biopsy in "
        "October."
    ),
}
DEMO_HISTORY = {
    "allergies": "None known",
    "current_medicines": "Metformin 500 mg twice a day; amlodipine 5 mg once a day",
    "past_history": "Type 2 diabetes for 8 years; high blood pressure for 5 years",
}
DEMO_QUESTIONS = (
    "Should I have chemotherapy before surgery, or surgery first?",
    "Can the breast be saved, or is removal of the whole breast better in my case?",
    "Is the HER2 result important, and should the test be repeated?",
)


def _user_ensure(
    *, email: str, full_name: str, role: str, password_hash: str, phone: str = ""
) -> User:
    """Creates the account, or brings a changed one back to the demo values."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, username=email)
    user.full_name = full_name
    user.role = role
    user.phone = phone
    user.email_verified = True
    user.is_active = True
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN
    # Set on every start, so the printed demo password always works. One hash shared by every
    # demo account keeps the start fast (the hasher is deliberately slow).
    user.password = password_hash
    user.save()
    return user


def _two_factor_ensure(*, user: User) -> None:
    """A confirmed authenticator with the shared demo secret, and the demo backup codes (the
    ones used since the last start come back)."""
    TOTPDevice.objects.update_or_create(
        user=user, name=DEVICE_NAME,
        defaults={"key": DEMO_TOTP_KEY.hex(), "confirmed": True},
    )
    static, _ = StaticDevice.objects.get_or_create(
        user=user, name=DEVICE_NAME, defaults={"confirmed": True}
    )
    have = set(static.token_set.values_list("token", flat=True))
    StaticToken.objects.bulk_create(
        StaticToken(device=static, token=code) for code in DEMO_BACKUP_CODES if code not in have
    )


def _specialist_ensure(
    *, seed: SpecialistSeed, verified_by: User, password_hash: str
) -> SpecialistProfile:
    user = _user_ensure(
        email=seed.email, full_name=seed.full_name, role=Role.SPECIALIST,
        password_hash=password_hash,
    )
    _two_factor_ensure(user=user)
    profile, _ = SpecialistProfile.objects.update_or_create(
        user=user,
        defaults={
            "specialty": seed.specialty,
            "sub_specialties": seed.sub_specialties,
            "qualifications": seed.qualifications,
            "registration_number": seed.registration_number,
            "registration_council": seed.registration_council,
            "languages": seed.languages,
            "years_experience": seed.years_experience,
            "hospital": seed.hospital,
            "bio": seed.bio + " (Fictional demo profile.)",
            "capacity": seed.capacity,
            "accepting_cases": True,
        },
    )
    if profile.verified_at is None:
        profile.verified_at = timezone.now()
        profile.verified_by = verified_by
        profile.save(update_fields=["verified_at", "verified_by", "updated_at"])
    if not profile.consultation_hours.exists():
        # Weekday mornings for calls, so a delivered demo opinion has times to book.
        for weekday in range(5):
            hours_add(actor=user, weekday=weekday, starts=dt.time(10), ends=dt.time(13),
                      time_zone="Asia/Kolkata")
    return profile


def _demo_case_ensure(*, holder: User) -> Any:
    """The patient's half-finished request: details and condition filled, history in part, three
    questions; documents, consent and payment still to do."""

    existing = Case.objects.filter(patient__holder=holder).order_by("created_at").first()
    if existing is not None:
        return existing
    patient = holder.patients.order_by("created_at").first() or patient_create(
        holder=holder, relationship=Relationship.SELF, full_name=DEMO_PATIENT["full_name"],
        **DEMO_PATIENT_DETAILS,
    )
    case = cases.case_create(patient=patient, actor=holder)
    cases.case_save_condition(case=case, actor=holder, data=dict(DEMO_CONDITION))
    cases.case_save_history(case=case, actor=holder, data=dict(DEMO_HISTORY))
    cases.case_set_questions(case=case, actor=holder, texts=DEMO_QUESTIONS)
    cases.case_mark_step(case=case, actor=holder, step=IntakeStep.DOCUMENTS)
    return case


@dataclass
class SeedResult:
    admin: User
    coordinators: list[User]
    specialists: list[SpecialistProfile]
    patient: User
    case: Any
    document_attached: bool


@transaction.atomic
def demo_seed() -> SeedResult:
    """Writes (or restores) every demo account and the demo case; safe to run on every start."""
    password_hash = make_password(DEMO_PASSWORD)
    admin = _user_ensure(
        email=ADMIN.email, full_name=ADMIN.full_name, role=ADMIN.role, phone=ADMIN.phone,
        password_hash=password_hash,
    )
    _two_factor_ensure(user=admin)
    coordinators = []
    for seed in COORDINATORS:
        user = _user_ensure(
            email=seed.email, full_name=seed.full_name, role=seed.role, phone=seed.phone,
            password_hash=password_hash,
        )
        _two_factor_ensure(user=user)
        coordinators.append(user)
    specialists = [
        _specialist_ensure(seed=seed, verified_by=admin, password_hash=password_hash)
        for seed in SPECIALISTS
    ]
    patient = _user_ensure(
        email=PATIENT_EMAIL, full_name=DEMO_PATIENT["full_name"], role=Role.PATIENT,
        phone=DEMO_PATIENT["phone"], password_hash=password_hash,
    )
    case = _demo_case_ensure(holder=patient)
    document_attached = _demo_document_ensure(case=case, holder=patient)
    _demo_review_cases_ensure(coordinator=coordinators[0], specialists=specialists,
                              password_hash=password_hash)
    return SeedResult(admin, coordinators, specialists, patient, case, document_attached)


def _demo_document_ensure(
    *, case: Any, holder: User, report: tuple[str, str, str] | None = None
) -> bool:
    """Attaches a small generated report (the breast biopsy, or `report`: file name, category
    and HTML) through the documents app's own service, as if the patient had uploaded it;
    returns whether the case has a document."""
    if case.documents.exists():
        return True
    name, category, html = report or ("biopsy-report.pdf", "pathology", "")
    data = demo_report_pdf(html) if html else demo_report_pdf()
    storage_key, size, sha256 = encrypted_write_bytes(
        data=data, data_key=patient_data_key(patient=case.patient)
    )
    received = ReceivedFile(
        original_name=name, content_type="application/pdf",
        storage_key=storage_key, size=size, sha256=sha256,
    )
    try:
        with transaction.atomic():
            document_create(case=case, actor=holder, category=category, received=received)
    except Exception as exc:
        # The demo must start even if the documents app refuses the report; say why and go on.
        logger.warning("Demo report not attached: %s: %s", type(exc).__name__, exc)
        return False
    return True


def demo_report_pdf(html: str = "") -> bytes:
    """A one-page fictional report (a pathology report unless `html` is given), generated so the
    repository holds no PDF."""
    from weasyprint import HTML

    html = html or """
    <html><body style="font-family: sans-serif; font-size: 11pt">
    <h1 style="font-size: 16pt">Kaveri Diagnostics (fictional) — Histopathology report</h1>
    <p>Patient: Sunita Deshmukh · Age/Sex: 57/F · Specimen: core biopsy, left breast</p>
    <h2 style="font-size: 13pt">Microscopy</h2>
    <p>Invasive ductal carcinoma, Nottingham grade 2 (tubules 3, pleomorphism 2, mitoses 1).
    No lymphovascular invasion seen in the cores.</p>
    <h2 style="font-size: 13pt">Immunohistochemistry</h2>
    <p>ER: positive (Allred 8/8). PR: positive (Allred 6/8). HER2: equivocal (2+). Ki-67: 18%.</p>
    <p>Comment: HER2 FISH advised.</p>
    <p>Demo document generated by Consilium; every detail is invented.</p>
    </body></html>
    """
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


# --- Cases further along, so every role has something to do in the demo ----------------------

SECOND_PATIENT_EMAIL = f"family@{DEMO_DOMAIN}"
SECOND_HOLDER = {"full_name": "Kavita Iyer", "phone": "+919833098765"}
# Kavita asks for her father; his cases show the review side at three stages.
FATHER: dict[str, Any] = {
    "full_name": "Raghavan Iyer",
    "date_of_birth": dt.date(1953, 7, 2),
    "sex": "male",
    "phone": "+919833011223",
    "email": "",
    "address": "7 Temple Street, Mylapore",
    "city": "Chennai",
    "state": "Tamil Nadu",
    "country": "India",
}
REVIEW_CASES = (
    # (marker in the diagnosis, review type, stage)
    ("Adenocarcinoma of the right lung", "board", "in_review"),
    ("Severe narrowing of the aortic valve", "single", "reported"),
    ("Carcinoma of the prostate, Gleason 3+4", "single", "triage"),
)


def _demo_submitted_case(*, holder: User, patient: Any, diagnosis: str, review_type: str,
                         coordinator: User) -> Any:
    from decimal import Decimal

    area = "heart" if "aortic" in diagnosis else "cancer"
    case = cases.case_create(patient=patient, actor=holder)
    cases.case_save_condition(case=case, actor=holder, data={
        "medical_area": area, "diagnosis_so_far": diagnosis, "reasons": ["options"],
        "symptoms": "Breathless on climbing stairs for two months.",
    })
    cases.case_save_history(case=case, actor=holder, data={
        "current_medicines": "Aspirin 75 mg", "treating_doctor": "Dr S. Natarajan",
        "treating_hospital": "Fictional General Hospital, Chennai",
    })
    cases.case_set_questions(case=case, actor=holder, texts=[
        "Is the treatment my father's doctors propose the right one?",
        "What are the risks at his age?",
    ])
    _demo_document_ensure(case=case, holder=holder, report=_father_report(diagnosis))
    consent_sign(case=case, signer=holder, signer_name=holder.full_name, relationship="child",
                 ip="127.0.0.1", user_agent="demo")
    cases.case_set_review_type(case=case, review_type=review_type, actor=holder)
    payment = payment_start(case=case, actor=holder)
    payment_record_offline(payment=payment, actor=coordinator, amount=Decimal(payment.amount),
                           reference=f"UPI-DEMO-{case.reference}")
    return cases.case_submit(case=case, actor=holder)


_FATHER_HEADER = (
    "<p>Patient: Raghavan Iyer · Age/Sex: 73/M · Mobile: +91 98330 11223 · "
    "UHID: FGH-2026-004417 · Ref. by: Dr S. Natarajan</p>"
)


def _father_report(diagnosis: str) -> tuple[str, str, str]:
    """A fictional report that fits each of the father's requests."""
    page = '<html><body style="font-family: sans-serif; font-size: 11pt">{}</body></html>'
    if "lung" in diagnosis:
        return ("lung-biopsy.pdf", "pathology", page.format(
            "<h1 style='font-size:16pt'>Fictional General Hospital — Histopathology</h1>"
            + _FATHER_HEADER
            + "<p>Specimen: CT-guided core biopsy, right upper lobe lung mass.</p>"
            "<p>Diagnosis: Adenocarcinoma of the lung, acinar pattern.</p>"
            "<p>Molecular: EGFR exon 19 deletion detected. ALK negative. ROS1 negative. "
            "PD-L1 (22C3) TPS 60%.</p><p>Demo document; every detail is invented.</p>"))
    if "aortic" in diagnosis:
        return ("echo-report.pdf", "imaging", page.format(
            "<h1 style='font-size:16pt'>Fictional General Hospital — Echocardiography</h1>"
            + _FATHER_HEADER
            + "<p>Aortic valve: heavily calcified, severe stenosis. Valve area 0.8 cm². "
            "Mean gradient 46 mmHg, peak velocity 4.4 m/s.</p><p>LV ejection fraction 55%.</p>"
            "<p>Demo document; every detail is invented.</p>"))
    return ("prostate-biopsy.pdf", "pathology", page.format(
        "<h1 style='font-size:16pt'>Fictional General Hospital — Prostate biopsy</h1>"
        + _FATHER_HEADER
        + "<p>Acinar adenocarcinoma of the prostate, Gleason score 3+4=7 (Grade Group 2), "
        "4 of 12 cores.</p><p>Serum PSA: 8.4 ng/mL.</p>"
        "<p>Demo document; every detail is invented.</p>"))


def _demo_prepare_for_specialists(*, case: Any, coordinator: User) -> None:
    """What a coordinator does before assigning: the reports read and their redaction released,
    the drafted summary approved. (The waiting case is left for the demo's coordinator to do.)"""

    for document in case.documents.all():
        document = document_process(document=document)
        document_release(document=document, actor=coordinator,
                         version=document.redaction_version)
    case_summary_approve(summary=case_summary_get_or_draft(case=case), actor=coordinator)


def _demo_review_cases_ensure(*, coordinator: User, specialists: list[SpecialistProfile],
                              password_hash: str) -> list[Any]:
    """Kavita's father's requests: one waiting for triage, one with a panel of three (two
    accepted, one offer open), one with its signed report delivered. Made once."""

    holder = _user_ensure(email=SECOND_PATIENT_EMAIL, full_name=SECOND_HOLDER["full_name"],
                          role=Role.PATIENT, phone=SECOND_HOLDER["phone"],
                          password_hash=password_hash)
    existing = list(Case.objects.filter(patient__holder=holder))
    if existing:
        return existing
    patient = patient_create(holder=holder, relationship="child", **FATHER)
    by_specialty: dict[str, SpecialistProfile] = {}
    for profile in specialists:  # the first of each specialty: the one demo_logins lists first
        by_specialty.setdefault(profile.specialty, profile)
    made = []
    for diagnosis, review_type, stage in REVIEW_CASES:
        case = _demo_submitted_case(holder=holder, patient=patient, diagnosis=diagnosis,
                                    review_type=review_type, coordinator=coordinator)
        if stage != "triage":
            _demo_prepare_for_specialists(case=case, coordinator=coordinator)
        if stage == "in_review":
            panel = [by_specialty[s] for s in (Specialty.MEDICAL_ONCOLOGY,
                                               Specialty.SURGICAL_ONCOLOGY,
                                               Specialty.RADIATION_ONCOLOGY)]
            seats = review.assignment_offer(case=case, actor=coordinator, specialists=panel,
                                            lead=panel[0])
            for seat in seats[:2]:
                review.assignment_accept(assignment=seat, actor=seat.specialist.user)
        elif stage == "reported":
            [seat] = review.assignment_offer(case=case, actor=coordinator,
                                             specialists=[by_specialty[Specialty.CARDIOLOGY]])
            review.assignment_accept(assignment=seat, actor=seat.specialist.user)
            seat.refresh_from_db()
            review.opinion_save(opinion=seat.opinion, actor=seat.specialist.user, data={
                "assessment": "refined",
                "assessment_explanation": (
                    "The echocardiogram shows severe aortic stenosis (valve area 0.8 cm², mean "
                    "gradient 46 mmHg). The diagnosis stands; the valve is also heavily calcified."
                ),
                "stage_or_severity": "Severe, symptomatic aortic stenosis.",
                "recommended_treatment": (
                    "Valve replacement is advised. At 73, with no major lung or kidney disease, "
                    "a transcatheter valve (TAVI) and surgery are both reasonable."
                ),
                "alternatives": "Medicines alone ease symptoms but do not change the outlook.",
                "further_investigations": "CT angiography of the heart and the leg arteries.",
                "clinical_trial": "no",
                "lifestyle_advice": "Avoid heavy exertion until the valve is treated.",
                "urgency": "soon",
                "patient_summary": (
                    "Your father's valve is severely narrowed and should be replaced soon; the "
                    "plan his doctors suggest is sound."
                ),
                "answer_1": "Yes: valve replacement is the right treatment.",
                "answer_2": "The risk is low to moderate at his age; his doctors can give a score.",
            })
            review.opinion_submit(opinion=seat.opinion, actor=seat.specialist.user)
            report_issue(case=case, kind="opinion")
        made.append(case)
    return made

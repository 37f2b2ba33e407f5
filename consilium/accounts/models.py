from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from consilium.core.models import BaseModel
from consilium.patients.models import Relationship


class Role(models.TextChoices):
    PATIENT = "patient", _("Patient or family member")
    COORDINATOR = "coordinator", _("Coordinator")
    SPECIALIST = "specialist", _("Specialist")
    ADMIN = "admin", _("Administrator")


class EmailUserManager(UserManager["User"]):
    """Users sign in with their email; the username is an internal copy of it."""

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: object
    ) -> User:
        email = self.normalize_email(email).lower()
        extra.setdefault("username", email)
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: object
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.ADMIN)
        extra.setdefault("email_verified", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("mobile number"), max_length=32, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.PATIENT)
    email_verified = models.BooleanField(default=False)
    preferred_language = models.CharField(max_length=8, default="en")
    # What the person said at registration ("who is the request for"), so the intake can prefill
    # the first patient's relationship; blank for staff.
    relationship_to_patient = models.CharField(
        _("who the request is for"), max_length=16, choices=Relationship.choices, blank=True
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = EmailUserManager()  # type: ignore[misc]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_patient_account(self) -> bool:
        return self.role == Role.PATIENT

    @property
    def is_coordinator(self) -> bool:
        return self.role in (Role.COORDINATOR, Role.ADMIN)

    @property
    def is_specialist(self) -> bool:
        return self.role == Role.SPECIALIST

    @property
    def is_platform_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_staff_role(self) -> bool:
        return self.role in (Role.COORDINATOR, Role.SPECIALIST, Role.ADMIN)

    def home_url(self) -> str:
        if self.role == Role.SPECIALIST:
            return reverse("review:inbox")
        if self.role in (Role.COORDINATOR, Role.ADMIN):
            return reverse("cases:triage_queue")
        return reverse("cases:my_cases")


class Specialty(models.TextChoices):
    MEDICAL_ONCOLOGY = "medical_oncology", _("Medical oncology")
    SURGICAL_ONCOLOGY = "surgical_oncology", _("Surgical oncology")
    RADIATION_ONCOLOGY = "radiation_oncology", _("Radiation oncology")
    PATHOLOGY = "pathology", _("Pathology")
    RADIOLOGY = "radiology", _("Radiology")
    CARDIOLOGY = "cardiology", _("Cardiology")
    NEUROLOGY = "neurology", _("Neurology")
    ORTHOPAEDICS = "orthopaedics", _("Orthopaedics")
    ENDOCRINOLOGY = "endocrinology", _("Endocrinology")
    GASTROENTEROLOGY = "gastroenterology", _("Gastroenterology")
    GENERAL_MEDICINE = "general_medicine", _("General medicine")


class SpecialistProfile(BaseModel):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="specialist_profile")
    specialty = models.CharField(max_length=32, choices=Specialty.choices)
    sub_specialties = models.CharField(max_length=300, blank=True)
    qualifications = models.CharField(max_length=300)
    registration_number = models.CharField(max_length=64)
    registration_council = models.CharField(max_length=200)
    languages = models.CharField(
        max_length=200, help_text=_("Comma separated, e.g. English, Hindi")
    )
    years_experience = models.PositiveSmallIntegerField()
    hospital = models.CharField(max_length=200, blank=True)
    bio = models.TextField(blank=True)
    capacity = models.PositiveSmallIntegerField(default=5, help_text=_("Active cases at once"))
    accepting_cases = models.BooleanField(default=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.user} ({self.get_specialty_display()})"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

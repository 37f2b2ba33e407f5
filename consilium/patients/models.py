from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from consilium.core.models import BaseModel


class Relationship(models.TextChoices):
    """Who the account holder is to the patient."""

    SELF = "self", _("I am the patient")
    PARENT = "parent", _("Parent")
    CHILD = "child", _("Son or daughter")
    SPOUSE = "spouse", _("Husband, wife or partner")
    GUARDIAN = "guardian", _("Legal guardian")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other / prefer to describe")


class Patient(BaseModel):
    """The person a case is about. One account may hold several (self, a parent, a child); the
    patient's cases over the years are their lifetime record."""

    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="patients"
    )
    relationship = models.CharField(
        _("your relationship to the patient"), max_length=16, choices=Relationship.choices
    )
    full_name = models.CharField(_("patient's full name"), max_length=200)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, blank=True)
    phone = models.CharField(_("mobile number"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True, default="India")
    abha_number = models.CharField(_("ABHA number (optional)"), max_length=32, blank=True)
    # The patient's data key (AES-256) wrapped by the deployment's master key; destroying it makes
    # every file of this patient unreadable (erasure).
    wrapped_data_key = models.BinaryField(editable=False, null=True)
    # Set by the erasure (records.erasure): the row stays, emptied, for what the law keeps
    # (payments, the consent's tombstone), and is no longer one of the holder's patients.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    def age_on(self, day: dt.date) -> int | None:
        """Age in whole years on `day`, or None while the date of birth is not given."""
        born = self.date_of_birth
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

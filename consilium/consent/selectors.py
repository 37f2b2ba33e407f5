"""Reads of consent texts and signatures, by who is asking."""

from __future__ import annotations

from enum import StrEnum
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy

from consilium.accounts.models import User
from consilium.audit.services import record
from consilium.cases import intake
from consilium.cases.models import Case, CaseStatus, IntakeStep
from consilium.cases.selectors import cases_visible_to
from consilium.consent.actions import ConsentAction
from consilium.consent.models import ConsentSignature, ConsentText

FALLBACK_LANGUAGE = "en"


def consent_is_active(*, case: Case) -> bool:
    """True when a signature for this case exists and has not been withdrawn."""
    return ConsentSignature.objects.filter(case=case, withdrawn_at__isnull=True).exists()


def consent_text_current(*, language: str) -> ConsentText | None:
    """The active text in the reader's language, else the active English text, else None."""
    texts = {
        text.language: text
        for text in ConsentText.objects.filter(
            is_active=True, language__in={language, FALLBACK_LANGUAGE}
        )
    }
    return texts.get(language) or texts.get(FALLBACK_LANGUAGE)


def consent_text_get(*, public_id: UUID) -> ConsentText | None:
    """The consent text the signer was shown (texts are public), or None if it is gone."""
    return ConsentText.objects.filter(public_id=public_id).first()


def consent_signature_active(*, case: Case) -> ConsentSignature | None:
    """The case's signature that is still in force (the caller has already checked access)."""
    return (
        ConsentSignature.objects.filter(case=case, withdrawn_at__isnull=True)
        .select_related("consent_text")
        .first()
    )


def signatures_visible_to(*, user: User | AnonymousUser) -> QuerySet[ConsentSignature]:
    """The signatures of the cases the user may see: an account holder's own, and for
    coordinators those of submitted cases (a draft, consent and all, is the holder's alone);
    specialists see none (the consent carries the patient's identity)."""
    return ConsentSignature.objects.filter(case__in=cases_visible_to(user=user))


def consent_signature_get(
    *, user: User, public_id: UUID | str, action: StrEnum = ConsentAction.CONSENT_VIEW,
    holder_only: bool = False,
) -> ConsentSignature:
    """One signature the user may see (or, with `holder_only`, act on), or 404. Audited."""
    queryset = signatures_visible_to(user=user)
    if holder_only:
        queryset = queryset.filter(case__patient__holder=user)
    try:
        signature = queryset.select_related("consent_text", "case", "case__patient", "signer").get(
            public_id=public_id
        )
    except (ConsentSignature.DoesNotExist, ValueError):
        raise Http404 from None
    record(
        actor=user, action=action, target=signature, detail={"case": str(signature.case.public_id)}
    )
    return signature


def consent_text_is_signed(*, text: ConsentText) -> bool:
    """True once anyone has signed this version; from then on it must never change."""
    return ConsentSignature.objects.filter(consent_text=text).exists()


def _signed_exists(case: OuterRef) -> Exists:
    return Exists(ConsentSignature.objects.filter(case=case, withdrawn_at__isnull=True))


# The consent step of the intake (registered with `cases.intake` in ConsentConfig.ready).
INTAKE_STEP = intake.ExternalStep(
    step=IntakeStep.CONSENT,
    route="consent:sign",
    done_exists=_signed_exists,
    is_done=lambda case: consent_is_active(case=case),
    message=gettext_lazy("Sign the consent form."),
)


def case_page_part(user: User, case: Case, is_holder: bool) -> dict[str, Any]:
    """The case page of a sent request links to the signed consent (registered with
    `cases.hooks.on_case_page`; the consent page itself is for drafts)."""
    if case.status == CaseStatus.DRAFT:
        return {}
    return {"signature": consent_signature_active(case=case)}

"""Every write to consent texts and signatures."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from consilium.accounts.models import User
from consilium.audit.services import record
from consilium.cases.models import Case, CaseStatus
from consilium.consent.actions import ConsentAction
from consilium.consent.models import ConsentSignature, ConsentText
from consilium.consent.selectors import consent_text_current
from consilium.core.errors import DomainError, require
from consilium.patients.models import Relationship

MIN_NAME_LENGTH = 2


def consent_text_hash(*, text: ConsentText) -> str:
    """SHA-256 of exactly what the signer read: title, version, language and body."""
    payload = f"{text.title}\n{text.version}\n{text.language}\n{text.body}"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@transaction.atomic
def consent_sign(
    *,
    case: Case,
    signer: Any,
    signer_name: str,
    relationship: str,
    ip: str | None,
    user_agent: str,
    consent_text: ConsentText | None = None,
) -> ConsentSignature:
    """Records the holder's agreement to the active text on a draft case; one active signature
    per case. `consent_text` is the version the signer was shown, refused if no longer active."""
    locked = Case.objects.select_for_update().select_related("patient").get(pk=case.pk)
    require(locked.status == CaseStatus.DRAFT, _("Consent can only be signed before submitting."))
    require(
        locked.patient.holder_id == signer.pk,
        _("Only the account that holds this patient can sign."),
    )
    name = " ".join(signer_name.split())
    require(len(name) >= MIN_NAME_LENGTH, _("Type your full name to sign."))
    require(relationship in Relationship.values, _("Choose your relationship to the patient."))
    current = consent_text or consent_text_current(language=get_language() or "en")
    if current is None:
        raise DomainError(_("The consent form is not available right now."))
    current.refresh_from_db(fields=["is_active"])
    require(
        current.is_active,
        _("The consent form was updated while you were reading it. Please read the new version."),
    )
    try:
        with transaction.atomic():
            signature = ConsentSignature.objects.create(
                case=locked,
                consent_text=current,
                signer=signer,
                signer_name=name[:200],
                relationship=relationship,
                signed_at=timezone.now(),
                ip=ip or None,
                user_agent=(user_agent or "")[:400],
                text_sha256=consent_text_hash(text=current),
            )
    except IntegrityError:
        raise DomainError(_("This case already has a signed consent.")) from None
    record(
        actor=signer,
        action=ConsentAction.CONSENT_SIGN,
        target=signature,
        detail={
            "case": str(locked.public_id),
            "version": current.version,
            "language": current.language,
        },
        ip=ip or None,
    )
    return signature


@transaction.atomic
def consent_withdraw(*, signature: ConsentSignature, actor: User) -> ConsentSignature:
    """Withdraws a signature once; the case then counts as without consent."""
    now = timezone.now()
    changed = ConsentSignature.objects.filter(pk=signature.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now, updated_at=now
    )
    require(changed == 1, _("This consent has already been withdrawn."))
    signature.withdrawn_at = now
    record(
        actor=actor,
        action=ConsentAction.CONSENT_WITHDRAW,
        target=signature,
        detail={"case": str(signature.case.public_id)},
    )
    return signature


@transaction.atomic
def consent_text_publish(*, text: ConsentText, actor: User) -> ConsentText:
    """Makes `text` the active version for its language and retires the one it replaces."""
    now = timezone.now()
    # Deactivate first: the database allows one active text per language.
    ConsentText.objects.filter(language=text.language, is_active=True).exclude(pk=text.pk).update(
        is_active=False, updated_at=now
    )
    ConsentText.objects.filter(pk=text.pk).update(
        is_active=True, published_at=text.published_at or now, updated_at=now
    )
    text.refresh_from_db()
    record(
        actor=actor,
        action=ConsentAction.CONSENT_PUBLISH,
        target=text,
        detail={"version": text.version, "language": text.language},
    )
    return text

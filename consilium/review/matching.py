"""Ranking specialists for a case, with a short reason for each rank.

Cheap enough to run on every request: one query for the verified profiles with their current
load; the score is a sum of plain parts a coordinator can read back from the reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from consilium.accounts.models import SpecialistProfile, Specialty
from consilium.cases.models import Case, MedicalArea
from consilium.cases.workflow import REVIEW_STATUSES
from consilium.review.models import ACTIVE_ASSIGNMENT

# Which specialties answer which medical area: the first is the best fit; the others sit on a
# panel (a tumour board has medical, surgical and radiation oncologists, a pathologist and a
# radiologist).
AREA_SPECIALTIES: dict[str, tuple[str, ...]] = {
    MedicalArea.CANCER: (
        Specialty.MEDICAL_ONCOLOGY,
        Specialty.SURGICAL_ONCOLOGY,
        Specialty.RADIATION_ONCOLOGY,
        Specialty.PATHOLOGY,
        Specialty.RADIOLOGY,
    ),
    MedicalArea.HEART: (Specialty.CARDIOLOGY, Specialty.RADIOLOGY, Specialty.GENERAL_MEDICINE),
    MedicalArea.BRAIN_NERVES: (Specialty.NEUROLOGY, Specialty.RADIOLOGY),
    MedicalArea.BONES_JOINTS: (Specialty.ORTHOPAEDICS, Specialty.RADIOLOGY),
    MedicalArea.HORMONES: (Specialty.ENDOCRINOLOGY, Specialty.GENERAL_MEDICINE),
    MedicalArea.DIGESTIVE: (
        Specialty.GASTROENTEROLOGY,
        Specialty.SURGICAL_ONCOLOGY,
        Specialty.RADIOLOGY,
    ),
    MedicalArea.OTHER: (Specialty.GENERAL_MEDICINE,),
}
LANGUAGE_NAMES = {"en": "english", "hi": "hindi"}

# The parts add up to at most 100.
SCORE_BEST_SPECIALTY = 50
SCORE_PANEL_SPECIALTY = 30
SCORE_SUB_SPECIALTY = 15
SCORE_LANGUAGE = 5
SCORE_FREE_CAPACITY = 20
SCORE_EXPERIENCE_MAX = 10
# Words that say nothing about fit when a sub-specialty and the patient's story share them.
NOT_A_FIT = frozenset({
    "a", "an", "and", "or", "the", "of", "in", "on", "at", "to", "for", "with", "from", "by",
    "as", "is", "are", "be", "not", "no", "any", "all", "other", "its", "their", "cancer",
    "cancers", "carcinoma", "tumour", "tumours", "tumor", "tumors", "disease", "diseases",
    "disorder", "disorders", "surgery", "surgical", "medicine", "medical", "care", "treatment",
    "therapy", "clinic", "clinical", "oncology", "general", "left", "right", "stage", "grade",
})
# Each further seat on a panel prefers a specialty not yet on it.
PANEL_REPEAT_PENALTY = 25


EARLIER_REASONS = {
    "declined": _lazy("declined this case"),
    "expired": _lazy("did not answer the offer of this case in time"),
    "withdrawn": _lazy("was withdrawn from this case"),
}


@dataclass
class Candidate:
    profile: SpecialistProfile
    score: float
    reasons: list[str]
    eligible: bool
    load: int
    chosen_by_patient: bool = False
    excluded_because: str = ""
    _specialty_rank: int = field(default=99, repr=False)

    @property
    def reason(self) -> str:
        return self.excluded_because or "; ".join(self.reasons)


def _words(text: str) -> set[str]:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return set(re.findall(r"[a-z]{2,}", folded))


def _fit_words(text: str) -> set[str]:
    """The words of a sub-specialty or a diagnosis that can tell one specialist from another."""
    return {w for w in _words(text) if len(w) >= 3 and w not in NOT_A_FIT}


_TITLES = {"dr", "doctor", "prof", "professor", "mr", "mrs", "ms", "md", "mbbs", "dm"}


def names_match(a: str, b: str) -> bool:
    """True when two written names are probably the same person: the same surname and no
    conflicting first name ("Dr. R. Mehta" matches "Rakesh Mehta"; "Anil Mehta" does not)."""
    first = [w for w in re.findall(r"[a-z]+", a.lower()) if w not in _TITLES]
    second = [w for w in re.findall(r"[a-z]+", b.lower()) if w not in _TITLES]
    if not first or not second or first[-1] != second[-1]:
        return False
    given_a, given_b = first[:-1], second[:-1]
    if not given_a or not given_b:
        return True
    return given_a[0][0] == given_b[0][0] and (
        len(given_a[0]) == 1 or len(given_b[0]) == 1 or given_a[0] == given_b[0]
    )


def profiles_with_load() -> QuerySet[SpecialistProfile]:
    """Verified profiles with the number of cases each is working on now (one query)."""
    return (
        SpecialistProfile.objects.filter(verified_at__isnull=False, user__is_active=True)
        .select_related("user")
        .annotate(
            load=Count(
                "assignments",
                filter=Q(
                    assignments__status__in=ACTIVE_ASSIGNMENT,
                    assignments__review__case__status__in=REVIEW_STATUSES,
                ),
            )
        )
        .order_by("pk")
    )


def rank_specialists(
    *,
    case: Case,
    exclude: Iterable[int] = (),
    chosen: Iterable[int] = (),
    language: str = "",
    earlier: Mapping[int, str] | None = None,
) -> list[Candidate]:
    """Every verified specialist, best fit first, with why; ineligible ones last with the reason
    (not accepting cases, at capacity, the patient's treating doctor, already on this case, or
    an earlier offer of this case that they declined or let lapse: `earlier` maps a profile to
    that offer's status)."""
    wanted = AREA_SPECIALTIES.get(case.medical_area or MedicalArea.OTHER, ())
    story = _fit_words(" ".join([case.diagnosis_so_far, case.symptoms, case.treatment_so_far]))
    excluded = set(exclude)
    before = dict(earlier or {})
    chosen_ids = list(chosen)
    spoken = LANGUAGE_NAMES.get(language, "")
    candidates: list[Candidate] = []
    for profile in profiles_with_load():
        load: int = profile.load  # type: ignore[attr-defined]
        candidate = Candidate(profile=profile, score=0.0, reasons=[], eligible=True, load=load)
        candidate.chosen_by_patient = profile.pk in chosen_ids
        if profile.pk in excluded:
            candidate.eligible, candidate.excluded_because = False, _("already on this case")
        elif profile.pk in before:
            candidate.eligible = False
            candidate.excluded_because = str(
                EARLIER_REASONS.get(before[profile.pk], _("was offered this case before"))
            )
        elif case.treating_doctor and names_match(profile.user.full_name, case.treating_doctor):
            candidate.eligible = False
            candidate.excluded_because = _("the patient's treating doctor named in the intake")
        elif not profile.accepting_cases:
            candidate.eligible, candidate.excluded_because = False, _("not accepting cases now")
        elif load >= profile.capacity:
            candidate.eligible = False
            candidate.excluded_because = _("at capacity (%(load)d of %(capacity)d cases)") % {
                "load": load,
                "capacity": profile.capacity,
            }
        if candidate.chosen_by_patient:
            candidate.reasons.append(_("chosen by the patient"))
        if profile.specialty in wanted:
            rank = wanted.index(profile.specialty)
            candidate._specialty_rank = rank
            candidate.score += SCORE_BEST_SPECIALTY if rank == 0 else SCORE_PANEL_SPECIALTY
            candidate.reasons.append(
                _("%(specialty)s fits %(area)s")
                % {
                    "specialty": profile.get_specialty_display(),
                    "area": MedicalArea(case.medical_area or MedicalArea.OTHER).label.lower(),
                }
            )
        sub = _fit_words(profile.sub_specialties) & story
        if sub:
            candidate.score += SCORE_SUB_SPECIALTY
            candidate.reasons.append(
                _("sub-specialty matches: %(words)s") % {"words": ", ".join(sorted(sub))}
            )
        if spoken and spoken in _words(profile.languages):
            candidate.score += SCORE_LANGUAGE
            candidate.reasons.append(
                _("speaks %(language)s") % {"language": spoken.title()}
            )
        if profile.capacity:
            free = max(0.0, 1 - load / profile.capacity)
            candidate.score += SCORE_FREE_CAPACITY * free
            candidate.reasons.append(
                _("%(load)d of %(capacity)d cases") % {"load": load, "capacity": profile.capacity}
            )
        candidate.score += min(profile.years_experience, 30) / 30 * SCORE_EXPERIENCE_MAX
        candidate.reasons.append(
            _("%(years)d years' experience") % {"years": profile.years_experience}
        )
        candidates.append(candidate)
    candidates.sort(
        key=lambda c: (not c.eligible, not c.chosen_by_patient, -c.score, c.profile.pk)
    )
    return candidates


def propose_panel(*, candidates: list[Candidate], seats: int) -> list[Candidate]:
    """The proposal for `seats` seats: the patient's choices first, then the best fits, each
    further seat preferring a specialty not yet on the panel."""
    pool = [c for c in candidates if c.eligible]
    panel: list[Candidate] = []
    while pool and len(panel) < seats:
        taken = {c.profile.specialty for c in panel}

        def adjusted(c: Candidate, taken: set[str] = taken) -> tuple[bool, float]:
            repeat = PANEL_REPEAT_PENALTY if c.profile.specialty in taken else 0
            return (not c.chosen_by_patient, -(c.score - repeat))

        best = min(pool, key=adjusted)
        panel.append(best)
        pool.remove(best)
    return panel

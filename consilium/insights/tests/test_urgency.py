import pytest

from consilium.insights.labs import extract_labs
from consilium.insights.urgency import red_flags, urgent_reasons


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("MRI: metastatic spinal cord compression at D10.", "spinal cord compression"),
        ("Peripheral smear: blasts 32%.", "blasts in the blood"),
        ("Atypical cells, blasts seen.", "blasts in the blood"),
        ("Impression: acute myeloid leukaemia.", "acute leukaemia"),
        ("Acute leukemia cannot be ruled out.", "acute leukaemia"),
        ("CT chest: SVC obstruction by a mediastinal mass.", "superior vena cava obstruction"),
        ("Admitted with febrile neutropenia.", "febrile neutropenia"),
        ("CXR: right tension pneumothorax.", "large or tension pneumothorax"),
        (
            "Large right pneumothorax with slight mediastinal shift to the left.",
            "large or tension pneumothorax",
        ),
        ("Findings: a massive left-sided pneumothorax.", "large or tension pneumothorax"),
        ("No effusion, but there is cord compression at T4.", "spinal cord compression"),
        ("CT head: acute subdural haematoma, 9 mm.", "bleeding or mass effect in the skull"),
        (
            "Frontal metastasis with mass effect on the ventricle.",
            "bleeding or mass effect in the skull",
        ),
        ("Erect X-ray: pneumoperitoneum under the right dome.", "perforation of the gut"),
        ("Admitted in septic shock after cycle 2.", "sepsis"),
        ("Lytic lesion at L1 with cord compression; no abscess.", "spinal cord compression"),
    ],
)
def test_red_flag_findings_are_urgent(text, finding):
    assert [r.reason for r in red_flags(text)] == [f"Report mentions {finding}"]


@pytest.mark.parametrize(
    "text",
    [
        "MRI spine: no evidence of cord compression.",
        "Cord compression excluded on MRI.",
        "Peripheral smear: no blasts seen.",
        "Blasts: 0%",
        "Blasts: Nil",
        "Febrile neutropenia ruled out.",
        "No features of superior vena cava obstruction.",
        "No pneumothorax.",
        "No intracranial haemorrhage or mass effect.",
        "No pneumoperitoneum.",
        # a negation's scope runs over a list and over the line a PDF wrapped it onto
        "Lesions at L2 and L4, without pedicle involvement, paraspinal soft tissue or cord "
        "compression.",
        "The arteries opacify well, with no contrast filling defect that would\nsuggest "
        "pulmonary embolism.",
    ],
)
def test_negated_red_flags_are_not_urgent(text):
    assert red_flags(text) == []


def test_critical_lab_values_come_first_with_their_value():
    text = "Potassium 6.8 mmol/L 3.5-5.1\nPlatelet Count 0.3 lakhs/cumm\nHaemoglobin 9 g/dL 12-15"

    reasons = urgent_reasons(pages=[(1, text + "\nFebrile neutropenia.")], labs=extract_labs(text))

    assert [r.reason for r in reasons] == [
        "Potassium 6.8 mmol/L is critically high",
        "Platelet count 30 10^9/L is critically low",
        "Report mentions febrile neutropenia",
    ]

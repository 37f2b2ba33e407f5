"""redact() leaves none of the identifiers; free-text names are found by their context."""

from consilium.insights.deid import Finding, detect, redact

NOTE = """Pt seen by Dr. Healey. Spoke with wife Mary and son Rob at bedside; daughter Priya
phoned from Pune (cell 98123 45678). Mrs. Nicholson remains stable. Follow-up 10/12 with
Dr. R. Krishnan at Sacred Heart Hospital. Aadhaar 2345 6789 0124, PAN ABCPV1234K,
email priya.n@example.com. irene snell, rn
"""


def test_redact_leaves_none_of_the_identifiers():
    redacted = redact(NOTE, detect(NOTE))
    for value in (
        "Healey",
        "Mary",
        "Rob",
        "Priya",
        "Pune",
        "98123 45678",
        "Nicholson",
        "10/12",
        "Krishnan",
        "Sacred Heart",
        "2345 6789 0124",
        "ABCPV1234K",
        "example.com",
        "irene",
        "snell",
    ):
        assert value not in redacted, value


def test_redact_keeps_the_clinical_words_around_them():
    redacted = redact(NOTE, detect(NOTE))
    for kept in ("Pt seen by Dr.", "at bedside", "remains stable", "Follow-up"):
        assert kept in redacted


def test_findings_are_sorted_and_do_not_overlap():
    findings = detect(NOTE)
    for before, after in zip(findings, findings[1:], strict=False):
        assert before.end <= after.start
    assert all(NOTE[f.start : f.end] == f.text for f in findings)


def test_redact_replaces_each_finding_by_a_marker_of_its_type():
    text = "Call Asha on 9876543210."
    findings = [Finding("NAME", 5, 9, "Asha"), Finding("PHONE", 13, 23, "9876543210")]
    assert redact(text, findings) == "Call [NAME] on [PHONE]."


def test_ordinary_capitalised_words_are_not_names():
    text = "Patient Is Stable. Will Continue Same Management And Review In Clinic."
    assert [f for f in detect(text) if f.type == "NAME"] == []

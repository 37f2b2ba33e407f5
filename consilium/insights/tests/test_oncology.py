import pytest

from consilium.insights.oncology import extract_biomarkers, extract_oncology
from consilium.insights.reading import read_document
from consilium.insights.tests.fixtures import html_page, pdf_from_html

PATHOLOGY = html_page(
    "<h1>Department of Histopathology</h1>"
    "<p>Specimen: Left breast, modified radical mastectomy.</p>"
    "<p><b>Diagnosis:</b> Invasive ductal carcinoma, Nottingham Grade II (score 6/9).</p>"
    "<p>Tumour size 3.2 cm. Lymph nodes: 2/14 positive. pTNM: pT2 N1</p>"
    "<h2>Immunohistochemistry</h2><table>"
    "<tr><td>Oestrogen Receptor (ER)</td><td>Positive (90%, Allred 8)</td></tr>"
    "<tr><td>Progesterone Receptor (PR)</td><td>Negative (0%)</td></tr>"
    "<tr><td>HER2/neu (4B5)</td><td>Equivocal (2+)</td></tr>"
    "<tr><td>Ki-67 index</td><td>30%</td></tr></table>"
)


def markers(text: str) -> dict[str, tuple[str, str]]:
    return {b.name: (b.status, b.value) for b in extract_biomarkers(text)}


def test_a_breast_pathology_pdf_gives_histology_grade_stage_and_receptors():
    pages = read_document(pdf_from_html(PATHOLOGY), "application/pdf")

    facts = extract_oncology(pages)

    assert facts.cancer_type == "breast cancer"
    assert facts.histology == "invasive ductal carcinoma"
    assert facts.grade == "Grade II (Nottingham score 6/9)"
    assert facts.tnm == "pT2N1"
    found = {b.name: (b.status, b.value, b.page) for b in facts.biomarkers}
    assert found["ER"] == ("positive", "90%", 1)
    assert found["PR"] == ("negative", "0%", 1)
    assert found["HER2"] == ("equivocal", "2+", 1)
    assert found["Ki-67"] == ("value", "30%", 1)


@pytest.mark.parametrize(
    ("text", "name", "status", "value"),
    [
        ("HER2 negative.", "HER2", "negative", ""),
        ("EGFR mutation not detected.", "EGFR", "not detected", ""),
        ("ER positive (90%).", "ER", "positive", "90%"),
        ("ER: Negative (0%)", "ER", "negative", "0%"),
        ("Oestrogen receptor: strongly positive in 80% of tumour cells", "ER", "positive", "80%"),
        ("Her-2/neu: Score 3+", "HER2", "positive", "3+"),
        ("HER2 IHC 1+", "HER2", "negative", "1+"),
        ("HER2 FISH: not amplified", "HER2", "negative", "not amplified"),
        ("EGFR: Exon 19 deletion detected", "EGFR", "mutated", "Exon 19 deletion"),
        ("EGFR L858R mutation detected", "EGFR", "mutated", "L858R"),
        ("KRAS G12C mutation detected", "KRAS", "mutated", "G12C"),
        ("KRAS: wild type", "KRAS", "wild-type", ""),
        ("No evidence of BRAF V600E mutation.", "BRAF", "not detected", "V600E"),
        ("Negative for ALK rearrangement.", "ALK", "not detected", ""),
        ("PD-L1 (22C3) TPS: 60%", "PD-L1", "positive", "TPS 60%"),
        ("PD-L1 TPS < 1%", "PD-L1", "negative", "TPS <1%"),
        ("PD-L1 CPS 12", "PD-L1", "positive", "CPS 12"),
        ("MMR proteins intact (pMMR)", "MSI/MMR", "negative", "pMMR/MSS"),
        ("Loss of MLH1 and PMS2 expression: MMR deficient", "MSI/MMR", "positive", "dMMR/MSI-H"),
        ("MSI-High", "MSI/MMR", "positive", "dMMR/MSI-H"),
        ("Gleason score 3+4=7, Grade Group 2", "Gleason", "value", "3+4=7, Grade Group 2"),
        ("BRCA2: no pathogenic variant detected", "BRCA2", "not detected", ""),
    ],
)
def test_biomarker_status_reads_negation_scores_and_percentages(text, name, status, value):
    assert markers(text)[name] == (status, value)


def test_a_list_of_markers_takes_the_status_at_the_end_of_the_list():
    found = markers("EGFR, ALK and ROS1 are negative.")

    assert found == {
        "EGFR": ("negative", ""),
        "ALK": ("negative", ""),
        "ROS1": ("negative", ""),
    }


def test_markers_on_one_line_do_not_borrow_each_others_status():
    found = markers("ER positive, PR negative, HER2 3+")

    assert found["ER"][0] == "positive"
    assert found["PR"][0] == "negative"
    assert found["HER2"][0] == "positive"


@pytest.mark.parametrize(
    ("text", "tnm", "stage"),
    [
        ("cT3N2aM1b", "cT3N2aM1b", ""),
        ("Pathological stage: pT2N1M0, Stage IIB", "pT2N1M0", "Stage IIB"),
        ("AJCC Stage IIIA", "", "Stage IIIA"),
    ],
)
def test_tnm_and_stage_groups_are_read(text, tnm, stage):
    facts = extract_oncology(text)

    assert (facts.tnm, facts.stage) == (tnm, stage)


def test_lung_lymphoma_and_prostate_reports_get_their_cancer_type():
    lung = extract_oncology("Right lung biopsy: non small cell carcinoma, favour adenocarcinoma.")
    lymphoma = extract_oncology("Cervical lymph node: Diffuse large B-cell lymphoma. G2")
    prostate = extract_oncology("Prostate biopsy: acinar adenocarcinoma, Gleason 4+3=7.")

    assert (lung.cancer_type, lung.histology) == ("non-small cell lung cancer", "adenocarcinoma")
    assert lymphoma.histology == "diffuse large B-cell lymphoma"
    assert lymphoma.cancer_type == "lymphoma"
    assert prostate.cancer_type == "prostate cancer"


def test_a_negated_diagnosis_is_not_taken_as_the_histology():
    facts = extract_oncology("Breast, core biopsy: no evidence of carcinoma. Fibroadenoma.")

    assert facts.histology == ""

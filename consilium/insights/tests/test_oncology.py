import pytest

from consilium.insights.oncology import Biomarker, extract_biomarkers, extract_oncology
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

# Words that claim a result; none may come out of a test that was not done or only advised.
RESULTS = {
    "positive",
    "mutated",
    "rearranged",
    "amplified",
    "VUS",
    "equivocal",
    "value",
    "negative",
    "not detected",
    "wild-type",
    "retained",
    "lost",
}


def markers(text: str) -> dict[str, tuple[str, str]]:
    return {b.name: (b.status, b.value) for b in extract_biomarkers(text)}


def asserted(text: str) -> dict[str, tuple[str, str]]:
    return {b.name: (b.assertion, b.status) for b in extract_biomarkers(text)}


def test_a_breast_pathology_pdf_gives_histology_grade_stage_and_receptors():
    pages = read_document(pdf_from_html(PATHOLOGY), "application/pdf")

    facts = extract_oncology(pages)

    assert facts.cancer_type == "breast cancer"
    assert facts.histology == "invasive ductal carcinoma"
    assert facts.grade == "Grade II (Nottingham score 6/9)"
    assert facts.tnm == "pT2N1"
    found = {b.name: (b.status, b.value, b.page, b.assertion) for b in facts.biomarkers}
    assert found["ER"] == ("positive", "90%", 1, "stated")
    assert found["PR"] == ("negative", "0%", 1, "stated")
    assert found["HER2"] == ("equivocal", "2+", 1, "stated")
    assert found["Ki-67"] == ("value", "30%", 1, "stated")


@pytest.mark.parametrize(
    ("text", "name", "status", "value"),
    [
        ("HER2 negative.", "HER2", "negative", ""),
        ("EGFR mutation not detected.", "EGFR", "not detected", ""),
        ("ER positive (90%).", "ER", "positive", "90%"),
        ("ER: Negative (0%)", "ER", "negative", "0%"),
        ("Oestrogen receptor: strongly positive in 80% of tumour cells", "ER", "positive", "80%"),
        ("ER: 95% of tumour nuclei", "ER", "value", "95%"),
        ("Her-2/neu: Score 3+", "HER2", "positive", "3+"),
        ("HER2 IHC 1+", "HER2", "negative", "1+"),
        ("HER2 FISH: not amplified", "HER2", "negative", "not amplified"),
        ("EGFR: Exon 19 deletion detected", "EGFR", "mutated", "Exon 19 deletion"),
        ("EGFR L858R mutation detected", "EGFR", "mutated", "L858R"),
        ("KRAS G12C mutation detected", "KRAS", "mutated", "G12C"),
        ("KRAS: wild type", "KRAS", "wild-type", ""),
        ("No evidence of BRAF V600E mutation.", "BRAF", "not detected", "V600E"),
        ("Negative for ALK rearrangement.", "ALK", "not detected", ""),
        ("ALK (D5F3) IHC: positive, strong granular staining", "ALK", "positive", ""),
        ("ROS1 break-apart FISH: rearranged in 34% of nuclei", "ROS1", "rearranged", ""),
        ("BRCA2: no pathogenic variant detected", "BRCA2", "not detected", ""),
        ("BRCA1: variant of uncertain significance c.4096G>A", "BRCA1", "VUS", "c.4096G>A"),
    ],
)
def test_biomarker_status_reads_negation_scores_and_percentages(text, name, status, value):
    assert markers(text)[name] == (status, value)


@pytest.mark.parametrize(
    ("text", "name", "value"),
    [
        ("Ki-67 (MIB-1) proliferation index: 28%", "Ki-67", "28%"),
        ("PD-L1 (22C3) TPS: 60%", "PD-L1", "TPS 60%"),
        ("PD-L1 (SP263): tumour proportion score 5%", "PD-L1", "TPS 5%"),
        ("PD-L1 CPS 12", "PD-L1", "CPS 12"),
        ("Tumour mutational burden: 14.2 mutations/Mb", "TMB", "14.2 mut/Mb"),
        ("TMB 3 mut/Mb (high TMB cut-off 10 mut/Mb)", "TMB", "3 mut/Mb"),
    ],
)
def test_percentages_and_scores_are_values_not_a_positive_call(text, name, value):
    assert markers(text)[name] == ("value", value)


def test_a_percentage_with_the_reports_own_call_keeps_the_call():
    assert markers("PD-L1 (22C3): negative, TPS <1%")["PD-L1"] == ("negative", "TPS <1%")


@pytest.mark.parametrize(
    "text",
    [
        "Recommend testing for ALK and ROS1.",
        "ALK (D5F3) immunohistochemistry and ROS1 FISH are advised on the same block.",
        "Suggest EGFR mutation analysis covering exon 19 deletions, L858R and T790M.",
        "Further testing for KRAS G12C and BRAF V600E mutations is planned.",
        "ROS1 FISH: pending.",
        "NGS for EGFR, ALK, ROS1, BRAF, MET and RET will be reported separately.",
        "HER2 status is equivocal by IHC; reflex HER2 FISH is requested to look for amplification.",
    ],
)
def test_a_recommended_test_never_yields_a_result(text):
    found = extract_biomarkers(text)

    advised = [b for b in found if b.assertion == "recommended"]
    assert advised, "the recommended test is kept as recommended"
    assert all(b.status == "" and b.value == "" for b in advised)
    assert not any(b.status in {"mutated", "rearranged", "amplified"} for b in found)
    assert not [b for b in found if b.assertion == "stated" and b.name != "HER2"]


@pytest.mark.parametrize(
    "text",
    [
        "PALB2   No pathogenic / likely pathogenic variant\n",
        "PALB2: no pathogenic/likely pathogenic variant detected.\n",
        # a narrow cell wrapped after "likely", the next column's text in between
        "PALB2   No pathogenic / likely   Not applicable\npathogenic variant\n",
    ],
)
def test_no_pathogenic_or_likely_pathogenic_variant_is_a_negative_result(text):
    assert [(b.name, b.status) for b in extract_biomarkers(text)] == [("PALB2", "not detected")]


def test_a_variant_found_in_the_next_column_is_not_hidden_by_the_first_columns_no():
    text = "ATM   No pathogenic variant (germline)   c.7271T>G p.(Val2424Gly) DETECTED, VAF 22%\n"
    (atm,) = [b for b in extract_biomarkers(text) if b.name == "ATM"]
    assert atm.status == "mutated" and "c.7271T>G" in atm.value


def test_a_guideline_cited_by_marker_and_year_is_no_result_for_the_marker():
    # The next row's marker name wrapped ("Oestrogen" / "receptor") and was not recognised: the
    # cited HER2 must not take that row's POSITIVE.
    text = (
        "Scored per ASCO/CAP (ER/PR 2020, HER2 2018)\nAntibody   Clone   Result\n"
        "Oestrogen   SP1   POSITIVE   95% nuclei\nreceptor\n"
        "HER2   4B5   NEGATIVE (score 1+)\n"
    )
    her2 = [(b.status, b.value) for b in extract_biomarkers(text) if b.name == "HER2"]
    assert her2 == [("negative", "1+")]


@pytest.mark.parametrize(
    ("text", "name", "note"),
    [
        ("ROS1: Not tested (insufficient tissue).", "ROS1", "insufficient tissue"),
        (
            "EGFR mutation analysis could not be performed owing to a low DNA yield.",
            "EGFR",
            "a low DNA yield",
        ),
        ("ALK rearrangement by FISH – test failed; please send another block.", "ALK", ""),
        ("PD-L1 (22C3): not evaluable, fewer than 100 viable tumour cells.", "PD-L1", ""),
        ("KRAS exon 2 G12D: not done.", "KRAS", ""),
        ("MET exon 14 skipping: not performed as the RNA was degraded.", "MET", ""),
    ],
)
def test_not_tested_never_yields_mutated_or_positive(text, name, note):
    found = [b for b in extract_biomarkers(text) if b.name == name]

    assert [(b.assertion, b.status, b.value) for b in found] == [("not_tested", "", "")]
    assert found[0].note == note


def test_a_panel_row_that_failed_marks_every_gene_of_the_row_not_tested():
    found = asserted(
        "Fusion panel (RNA): ALK, ROS1, RET, NTRK1/2/3 – QC failure, no result.\n"
        "EGFR: no mutation detected"
    )

    assert found == {
        "ALK": ("not_tested", ""),
        "ROS1": ("not_tested", ""),
        "RET": ("not_tested", ""),
        "NTRK": ("not_tested", ""),
        "EGFR": ("stated", "not detected"),
    }


def test_a_stated_result_before_a_not_tested_one_keeps_its_result():
    found = asserted("EGFR exon 21 L858R detected and ALK not tested.")

    assert found == {"EGFR": ("stated", "mutated"), "ALK": ("not_tested", "")}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("An outside report from 2021 showed an EGFR exon 19 deletion.", "EGFR"),
        ("Previous biopsy: ER positive, PR positive, HER2 negative.", "ER"),
        (
            "Clinical history\nCarcinoma of the breast treated elsewhere, HER2 3+ at diagnosis.\n"
            "IMMUNOHISTOCHEMISTRY\nCK7: positive",
            "HER2",
        ),
    ],
)
def test_a_historical_result_is_kept_without_a_result(text, name):
    found = [b for b in extract_biomarkers(text) if b.name == name]

    assert [(b.assertion, b.status) for b in found] == [("historical", "")]


def test_this_reports_own_result_stays_stated_beside_an_earlier_one():
    found = {
        (b.name, b.assertion, b.status)
        for b in extract_biomarkers(
            "Clinical details: ER positive on the core biopsy done last year.\n"
            "RESULT\nER: Negative (0% of tumour nuclei)"
        )
    }

    assert found == {("ER", "historical", ""), ("ER", "stated", "negative")}


def test_a_letters_earlier_part_is_historical_and_its_new_part_is_not():
    found = {
        (b.name, b.assertion, b.status, b.value)
        for b in extract_biomarkers(
            "Initial diagnosis (2018)\nThe tumour was ER positive (80%) and HER2 negative.\n"
            "Relapse\nLiver biopsy: ER positive (50%), HER2 IHC 2+."
        )
    }

    assert found == {
        ("ER", "historical", "", ""),
        ("HER2", "historical", "", ""),
        ("ER", "stated", "positive", "50%"),
        ("HER2", "stated", "equivocal", "2+"),
    }


def test_a_score_named_positive_is_not_a_result():
    found = asserted("PD-L1 testing with a combined positive score is advised on the resection.")

    assert found == {"PD-L1": ("recommended", "")}


@pytest.mark.parametrize(
    "text",
    [
        "Her mother carried a BRCA1 pathogenic variant and died of ovarian cancer.",
        "Family history\nSister: breast cancer at 39 years, BRCA1 c.68_69delAG positive.\n"
        "Maternal aunt: ovarian cancer.\nRESULT\nNo pathogenic variant in BRCA2.",
    ],
)
def test_a_relatives_result_is_never_the_patients(text):
    found = {(b.name, b.assertion, b.status) for b in extract_biomarkers(text)}

    assert ("BRCA1", "family", "") in found
    assert not any(name == "BRCA1" and assertion == "stated" for name, assertion, _ in found)


def test_the_lymphoma_panel_reads_each_stain():
    found = markers(
        "IMMUNOHISTOCHEMISTRY\n"
        "CD20: Positive (diffuse)\nCD79a: Positive\nCD3: Negative in the large cells\n"
        "CD5: Negative\nCD10: Positive\nBCL6: Positive (about 70%)\nMUM1: Negative\n"
        "BCL2: Positive in 90% of cells\nc-MYC: 40% of nuclei\nCyclin D1: Negative\n"
        "CD23: Negative\nCD30: Negative\nCD15: Negative\nKi-67: 80%\n"
    )

    assert found == {
        "CD20": ("positive", ""),
        "CD79a": ("positive", ""),
        "CD3": ("negative", ""),
        "CD5": ("negative", ""),
        "CD10": ("positive", ""),
        "BCL6": ("positive", "~70%"),
        "MUM1": ("negative", ""),
        "BCL2": ("positive", "90%"),
        "MYC": ("value", "40%"),
        "Cyclin D1": ("negative", ""),
        "CD23": ("negative", ""),
        "CD30": ("negative", ""),
        "CD15": ("negative", ""),
        "Ki-67": ("value", "80%"),
    }


def test_a_prostate_biopsy_reads_its_stains_and_its_type():
    text = (
        "Prostate, right base core: acinar adenocarcinoma. AMACR (P504S) positive; "
        "HMWCK (34betaE12) and p63 negative, no basal cells."
    )

    assert markers(text) == {
        "AMACR": ("positive", ""),
        "HMWCK": ("negative", ""),
        "p63": ("negative", ""),
    }
    assert extract_oncology(text).cancer_type == "prostate cancer"


def test_indian_shorthand_for_a_cancer_gives_its_type():
    facts = extract_oncology("Clinical information: Ca transverse colon, post resection.")

    assert (facts.histology, facts.cancer_type) == ("carcinoma", "colorectal cancer")


def test_each_mismatch_repair_protein_is_retained_or_lost():
    found = markers(
        "Mismatch repair proteins (IHC; normal stroma as internal control):\n"
        "MLH1: retained nuclear expression\nPMS2: intact\n"
        "MSH2: loss of nuclear expression in tumour cells (internal control positive)\n"
        "MSH6: lost\nOverall: MMR deficient."
    )

    assert found == {
        "MLH1": ("retained", ""),
        "PMS2": ("retained", ""),
        "MSH2": ("lost", ""),
        "MSH6": ("lost", ""),
    }


@pytest.mark.parametrize(
    ("text", "name", "status", "value"),
    [
        ("MMR proteins intact (pMMR)", "MMR", "retained", "pMMR"),
        ("Loss of MLH1 and PMS2 expression", "MLH1", "lost", ""),
        ("Loss of MLH1 and PMS2 expression", "PMS2", "lost", ""),
        ("MSI-High", "MSI", "positive", "MSI-H"),
        ("Microsatellite status: stable (MSS)", "MSI", "negative", "MSS"),
    ],
)
def test_mmr_and_msi_calls(text, name, status, value):
    assert markers(text)[name] == (status, value)


def test_germline_and_somatic_brca_keep_their_variant_origin_and_vaf():
    germline = extract_biomarkers(
        "GERMLINE BRCA1/BRCA2 ANALYSIS (peripheral blood)\n"
        "BRCA1: c.68_69delAG p.(Glu23ValfsTer17), heterozygous, pathogenic.\n"
        "BRCA2: no pathogenic variant detected."
    )
    somatic = extract_biomarkers(
        "Somatic tumour NGS (FFPE block): BRCA2 c.5946delT (p.Ser1982ArgfsTer22) detected, VAF 41%."
    )

    assert [(b.name, b.status, b.value, b.origin) for b in germline] == [
        ("BRCA1", "mutated", "c.68_69delAG p.(Glu23ValfsTer17)", "germline"),
        ("BRCA2", "not detected", "", "germline"),
    ]
    assert [(b.name, b.status, b.origin, b.vaf) for b in somatic] == [
        ("BRCA2", "mutated", "somatic", "41%")
    ]


def test_a_lung_panel_reads_variants_vaf_and_the_genes_without_a_variant():
    found = {
        b.name: (b.status, b.value, b.vaf)
        for b in extract_biomarkers(
            "RESULTS (NGS)\n"
            "EGFR: exon 19 deletion p.E746_A750del detected, VAF 32.5%\n"
            "KRAS, NRAS and BRAF: no pathogenic variant detected\n"
            "ALK, ROS1 and RET: no fusion detected\n"
            "MET: exon 14 skipping detected\n"
            "HER2 (ERBB2): no mutation detected\n"
            "PD-L1 (22C3): TPS 70%\n"
        )
    }

    assert found == {
        "EGFR": ("mutated", "exon 19 deletion (p.E746_A750del)", "32.5%"),
        "KRAS": ("not detected", "", ""),
        "NRAS": ("not detected", "", ""),
        "BRAF": ("not detected", "", ""),
        "ALK": ("not detected", "", ""),
        "ROS1": ("not detected", "", ""),
        "RET": ("not detected", "", ""),
        "MET": ("mutated", "exon 14 skipping", ""),
        "HER2": ("not detected", "", ""),
        "PD-L1": ("value", "TPS 70%", ""),
    }


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The repeat biopsy shows an EGFR T790M mutation.", "T790M"),
        ("The tumour harbours a KRAS G12C mutation.", "G12C"),
        ("Sequencing revealed EGFR mutation.", ""),
    ],
)
def test_a_variant_after_a_verb_that_shows_it_is_a_result(text, value):
    assert [(b.status, b.value) for b in extract_biomarkers(text)] == [("mutated", value)]


def test_a_variant_in_passing_is_not_a_result():
    text = "KRAS G12C inhibitors such as sotorasib were discussed; EGFR T790M testing is pending."

    assert [(b.name, b.status) for b in extract_biomarkers(text)] == [("EGFR", "")]


def test_a_variant_that_names_its_gene_is_read_as_that_gene():
    found = [
        (b.name, b.status, b.value)
        for b in extract_biomarkers("EGFR exon 21 L858R: DETECTED\nT790M: not detected")
    ]

    assert found == [("EGFR", "mutated", "L858R"), ("EGFR", "not detected", "T790M")]


def test_what_a_panel_covers_and_drugs_named_after_markers_are_not_results():
    found = extract_biomarkers(
        "The panel covers EGFR, KRAS, BRAF, ALK and ROS1 hotspots including KRAS G12C.\n"
        "Patients with such results may receive an EGFR tyrosine kinase inhibitor or "
        "anti-EGFR therapy; HER2-targeted therapy is a separate decision.\n"
        "Limitations\nVariants below 5% VAF, such as BRAF V600E at low level, may be missed."
    )

    assert found == []


@pytest.mark.parametrize(
    ("text", "gleason", "group"),
    [
        ("Gleason score 4 + 3 = 7 (ISUP Grade Group 3)", "4+3=7", "Grade Group 3"),
        (
            "Gleason 3+4=7 with tertiary pattern 5; grade group 2",
            "3+4=7, tertiary pattern 5",
            "Grade Group 2",
        ),
        ("Gleason score 9 (4+5), WHO grade group 5", "4+5=9", "Grade Group 5"),
    ],
)
def test_gleason_patterns_and_grade_groups_are_read_as_printed(text, gleason, group):
    found = markers(text)

    assert found["Gleason"] == ("value", gleason)
    assert found["Grade Group"] == ("value", group)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "Invasive carcinoma, NST. Nottingham histological grade 2 (score 6/9).",
            "Grade 2 (score 6/9)",
        ),
        ("Modified Bloom-Richardson grade III", "Grade 3"),
    ],
)
def test_the_nottingham_grade_is_read_as_printed_after_the_markers(text, value):
    found = extract_biomarkers(text + " ER positive (70%).")

    assert [(b.name, b.status, b.value) for b in found] == [
        ("ER", "positive", "70%"),
        ("Nottingham grade", "value", value),
    ]


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


def test_a_negation_before_a_list_covers_every_marker_of_it():
    found = markers("No EGFR, KRAS or BRAF mutation was detected.")

    assert found == {
        "EGFR": ("not detected", ""),
        "KRAS": ("not detected", ""),
        "BRAF": ("not detected", ""),
    }


def test_a_negation_before_a_list_does_not_cover_a_marker_that_names_its_variant():
    found = markers("No ALK rearrangement, EGFR exon 19 deletion detected.")

    assert found == {"ALK": ("not detected", ""), "EGFR": ("mutated", "exon 19 deletion")}


def test_a_list_does_not_run_on_into_the_next_row():
    found = markers("Genes tested: KRAS, NRAS\nBRAF: V600E mutation detected")

    assert found == {"BRAF": ("mutated", "V600E")}


def test_a_biomarker_defaults_to_a_stated_result():
    assert Biomarker("ER", "positive").assertion == "stated"


@pytest.mark.parametrize(
    ("text", "tnm", "stage"),
    [
        ("cT3N2aM1b", "cT3N2aM1b", ""),
        ("Pathological stage: pT2N1M0, Stage IIB", "pT2N1M0", "Stage IIB"),
        ("AJCC Stage IIIA", "", "Stage IIIA"),
        ("pTNM: pT3 pN1b pM1a", "pT3N1bM1a", ""),
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


@pytest.mark.parametrize(
    ("text", "site", "kind"),
    [
        (
            "Specimen: cervical lymph node, excision.\nDiagnosis: metastatic adenocarcinoma in a "
            "cervical lymph node, TTF-1 and Napsin A positive, consistent with lung primary.",
            "lung",
            "non-small cell lung cancer",
        ),
        (
            "Liver, core biopsy: metastatic adenocarcinoma, CK20 and CDX2 positive, in keeping "
            "with a colorectal primary.",
            "colorectum",
            "colorectal cancer",
        ),
        (
            "Axillary lymph node biopsy: metastatic carcinoma from the breast, GATA3 positive.",
            "breast",
            "breast cancer",
        ),
        (
            "Right upper lobe mass, bronchoscopic biopsy. Mediastinal node: metastatic "
            "adenocarcinoma.\nImpression: primary lung adenocarcinoma with nodal spread.",
            "lung",
            "non-small cell lung cancer",
        ),
        (
            "Inguinal lymph node, excision biopsy: classical Hodgkin lymphoma, nodular sclerosis.",
            "",
            "lymphoma",
        ),
        (
            "Liver, core biopsy: metastatic carcinoma; the primary cannot be determined here.",
            "",
            "",
        ),
    ],
)
def test_site_and_type_come_from_the_diagnosis_not_where_it_spread_or_was_biopsied(
    text, site, kind
):
    facts = extract_oncology(text)

    assert (facts.site, facts.cancer_type) == (site, kind)


def test_a_relatives_cancer_is_not_the_patients_site():
    facts = extract_oncology(
        "Family history\nMother: breast cancer at 50.\n"
        "DIAGNOSIS\nLeft ovary, salpingo-oophorectomy: high-grade serous carcinoma."
    )

    assert (facts.site, facts.cancer_type) == ("ovary", "ovarian cancer")


def test_a_lymphoma_only_to_be_excluded_does_not_make_a_lung_cancer_a_lymphoma():
    facts = extract_oncology(
        "Lung, left lower lobe biopsy: adenocarcinoma. CD45 negative; immunostains were done "
        "to exclude lymphoma."
    )

    assert facts.cancer_type == "non-small cell lung cancer"


def test_a_negated_diagnosis_is_not_taken_as_the_histology():
    facts = extract_oncology("Breast, core biopsy: no evidence of carcinoma. Fibroadenoma.")

    assert facts.histology == ""

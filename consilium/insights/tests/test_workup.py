from consilium.insights.labs import extract_labs
from consilium.insights.oncology import extract_oncology
from consilium.insights.workup import asked_by_report, missing_investigations

FULL_BLOODS = (
    "Haemoglobin 12.1 g/dL 12-15\nSerum Creatinine 0.9 mg/dL 0.6-1.2\n"
    "Total Bilirubin 0.6 mg/dL 0.2-1.2\n"
)
LUNG_DRIVERS = [
    "EGFR mutation test",
    "ALK rearrangement test",
    "ROS1 rearrangement test",
    "KRAS mutation test",
    "BRAF mutation test",
    "MET exon 14 skipping test",
    "RET fusion test",
    "NTRK fusion test",
    "PD-L1 expression (TPS)",
]


def missing_of(text: str) -> dict[str, str]:
    return {
        m.item: m.why
        for m in missing_investigations(
            facts=extract_oncology(text), labs=extract_labs(text), text=text
        )
    }


def missing_items(text: str) -> list[str]:
    return list(missing_of(text))


def test_a_breast_report_with_her2_2plus_and_no_fish_asks_for_fish_and_distant_staging():
    text = (
        "Left breast: invasive ductal carcinoma, grade 2. pT2N1. ER positive (90%). "
        "PR negative. HER2 2+ (equivocal). Ki-67 30%.\n" + FULL_BLOODS
    )

    assert missing_items(text) == [
        "HER2 in situ hybridisation (FISH) for the equivocal (2+) result",
        "Staging for distant spread (M category)",
    ]


def test_a_printed_ish_result_closes_the_equivocal_her2():
    text = (
        "Left breast: invasive ductal carcinoma, grade 2. pT2N1M0. ER positive (90%). "
        "PR negative. HER2 IHC 2+ (equivocal).\n"
        "HER2 dual-probe SISH: not amplified, HER2/CEP17 ratio 1.4.\n" + FULL_BLOODS
    )

    assert missing_items(text) == []


def test_an_ish_that_is_only_recommended_leaves_the_equivocal_her2_open_and_says_so():
    text = (
        "Right breast core: invasive carcinoma of no special type, grade 3. cT2N0M0. "
        "ER negative. PR negative. HER2 score 2+. Reflex HER2 FISH is recommended.\n" + FULL_BLOODS
    )

    missing = missing_of(text)

    assert list(missing) == ["HER2 in situ hybridisation (FISH) for the equivocal (2+) result"]
    assert missing[list(missing)[0]].endswith("The report recommends it.")


def test_her2_2plus_in_a_stomach_cancer_also_asks_for_ish():
    text = "Stomach, antral biopsy: adenocarcinoma. HER2 IHC 2+ (equivocal).\n" + FULL_BLOODS

    assert "HER2 in situ hybridisation (FISH) for the equivocal (2+) result" in missing_items(text)


def test_each_missing_item_says_in_one_sentence_why_it_matters():
    text = "Breast: invasive ductal carcinoma. ER positive. PR positive.\n" + FULL_BLOODS

    missing = missing_of(text)

    assert missing["HER2 status"] == (
        "HER2 status decides whether HER2-targeted therapy such as trastuzumab is an option."
    )
    assert "Tumour grade" in missing and "Stage (TNM)" in missing


def test_a_lung_adenocarcinoma_tested_only_for_egfr_and_alk_lists_the_other_drivers():
    text = "Lung biopsy: adenocarcinoma. EGFR not detected. ALK negative.\n" + FULL_BLOODS

    assert missing_items(text) == [*LUNG_DRIVERS[2:], "Stage (TNM)"]


def test_tests_the_report_recommends_are_missing_and_say_the_report_recommends_them():
    text = (
        "Right lung, upper lobe, core biopsy: adenocarcinoma, acinar pattern. Stage IVA.\n"
        "Recommend testing for EGFR, ALK and ROS1 on this block.\n" + FULL_BLOODS
    )

    missing = missing_of(text)

    assert list(missing) == LUNG_DRIVERS
    for item in LUNG_DRIVERS[:3]:
        assert missing[item].endswith("The report recommends it.")
    assert not missing["KRAS mutation test"].endswith("The report recommends it.")


def test_a_test_not_done_is_missing_and_says_it_was_not_done_and_why():
    text = (
        "Lung adenocarcinoma, stage IIIB.\nEGFR: exon 19 deletion detected (PCR).\n"
        "ALK: not tested (insufficient tissue). ROS1: not done.\n"
        "KRAS, BRAF, MET, RET and NTRK: no mutation or fusion detected.\n"
        "PD-L1 (22C3): TPS 30%\n" + FULL_BLOODS
    )

    missing = missing_of(text)

    assert missing == {
        "ALK rearrangement test": "An ALK rearrangement means targeted tablets such as alectinib "
        "may work better than chemotherapy. The report says it was not done (insufficient "
        "tissue).",
        "ROS1 rearrangement test": "A ROS1 rearrangement can be treated with targeted tablets "
        "such as crizotinib or entrectinib. The report says it was not done.",
    }


def test_an_earlier_reports_result_counts_as_done():
    text = (
        "Lung adenocarcinoma, stage IV.\nPrevious molecular report: EGFR no mutation detected, "
        "ALK negative, ROS1 negative.\nKRAS G12C detected. BRAF, MET, RET and NTRK negative. "
        "PD-L1 TPS 5%.\n" + FULL_BLOODS
    )

    assert missing_items(text) == []


def test_a_pet_ct_the_report_only_suggests_is_still_missing():
    text = (
        "Left axillary node, excision biopsy: diffuse large B-cell lymphoma; CD20 positive.\n"
        "Suggest PET-CT and serum LDH for staging.\n" + FULL_BLOODS
    )

    missing = missing_of(text)

    assert list(missing) == ["PET-CT scan", "LDH blood test"]
    assert all(why.endswith("The report recommends it.") for why in missing.values())


def test_asked_by_report_beyond_the_work_up_are_listed_once_with_what_it_says():
    text = (
        "Cervical node, excision: diffuse large B-cell lymphoma. CD20 positive. MYC 60%.\n"
        "EBER in situ hybridisation: not performed.\n"
        "FISH for MYC and BCL2 rearrangements is recommended.\n" + FULL_BLOODS
    )
    facts = extract_oncology(text)
    missing = missing_investigations(facts=facts, labs=extract_labs(text), text=text)

    asked = asked_by_report(facts=facts, missing=missing)

    assert [(m.item, m.why) for m in asked] == [
        ("EBER test (ISH)", "The report says it was not done."),
        ("MYC test (ISH)", "The report recommends it."),
        ("BCL2 test (ISH)", "The report recommends it."),
    ]


def test_colorectal_prostate_and_lymphoma_have_their_own_minimum_work_up():
    colon = "Sigmoid colon: adenocarcinoma. KRAS wild type.\n" + FULL_BLOODS
    prostate = "Prostate: acinar adenocarcinoma, Gleason 3+4=7.\n" + FULL_BLOODS
    lymphoma = "Cervical node core biopsy: diffuse large B-cell lymphoma.\n" + FULL_BLOODS

    assert missing_items(colon) == [
        "Mismatch repair (MMR) or MSI status",
        "KRAS and NRAS mutation tests",
        "BRAF mutation test",
        "CEA blood test",
        "Stage (TNM)",
    ]
    assert missing_items(prostate) == ["PSA blood test"]
    assert missing_items(lymphoma) == [
        "Excisional biopsy with immunohistochemistry",
        "PET-CT scan",
        "LDH blood test",
    ]


def test_the_four_mmr_proteins_show_the_mmr_status():
    text = (
        "Caecum, right hemicolectomy: adenocarcinoma, pT3N0M0. MLH1 lost, PMS2 lost, MSH2 "
        "retained, MSH6 retained. KRAS, NRAS and BRAF wild type. CEA 4.1 ng/mL.\n" + FULL_BLOODS
    )

    assert missing_items(text) == []


def test_without_blood_tests_the_general_work_up_is_missing():
    assert missing_items("Cervix, punch biopsy: squamous cell carcinoma.")[-3:] == [
        "Recent complete blood count",
        "Kidney function (creatinine)",
        "Liver function tests",
    ]


def test_a_page_with_no_cancer_needs_no_cancer_work_up():
    text = "HbA1c 8.2 % (< 5.7)\nClinical notes: cough for two weeks."
    assert missing_items(text) == []


def test_a_case_filed_under_cancer_gets_the_general_work_up_though_its_pages_state_none():
    text = "Clinical notes: weight loss, a lump in the neck."
    items = [
        m.item
        for m in missing_investigations(
            facts=extract_oncology(text), labs=extract_labs(text), text=text, cancer=True
        )
    ]
    assert items[-3:] == [
        "Recent complete blood count",
        "Kidney function (creatinine)",
        "Liver function tests",
    ]

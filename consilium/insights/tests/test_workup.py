from consilium.insights.labs import extract_labs
from consilium.insights.oncology import extract_oncology
from consilium.insights.workup import missing_investigations

FULL_BLOODS = (
    "Haemoglobin 12.1 g/dL 12-15\nSerum Creatinine 0.9 mg/dL 0.6-1.2\n"
    "Total Bilirubin 0.6 mg/dL 0.2-1.2\n"
)


def missing_items(text: str) -> list[str]:
    return [
        m.item
        for m in missing_investigations(
            facts=extract_oncology(text), labs=extract_labs(text), text=text
        )
    ]


def test_a_breast_report_with_her2_2plus_and_no_fish_asks_for_fish_and_distant_staging():
    text = (
        "Left breast: invasive ductal carcinoma, grade 2. pT2N1. ER positive (90%). "
        "PR negative. HER2 2+ (equivocal). Ki-67 30%.\n" + FULL_BLOODS
    )

    assert missing_items(text) == [
        "HER2 in situ hybridisation (FISH) for the equivocal (2+) result",
        "Staging for distant spread (M category)",
    ]


def test_each_missing_item_says_in_one_sentence_why_it_matters():
    text = "Breast: invasive ductal carcinoma. ER positive. PR positive.\n" + FULL_BLOODS

    missing = {
        m.item: m.why
        for m in missing_investigations(facts=extract_oncology(text), labs=extract_labs(text))
    }

    assert missing["HER2 status"] == (
        "HER2 status decides whether HER2-targeted therapy such as trastuzumab is an option."
    )
    assert "Tumour grade" in missing and "Stage (TNM)" in missing


def test_a_lung_adenocarcinoma_tested_only_for_egfr_and_alk_lists_the_other_drivers():
    text = "Lung biopsy: adenocarcinoma. EGFR not detected. ALK negative.\n" + FULL_BLOODS

    assert missing_items(text) == [
        "ROS1 rearrangement test",
        "KRAS mutation test",
        "BRAF mutation test",
        "MET exon 14 skipping test",
        "RET fusion test",
        "NTRK fusion test",
        "PD-L1 expression (TPS)",
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
    ]
    assert missing_items(prostate) == ["PSA blood test"]
    assert missing_items(lymphoma) == [
        "Excisional biopsy with immunohistochemistry",
        "PET-CT scan",
        "LDH blood test",
    ]


def test_without_blood_tests_the_general_work_up_is_missing():
    assert missing_items("Clinical notes: cough for two weeks.") == [
        "Recent complete blood count",
        "Kidney function (creatinine)",
        "Liver function tests",
    ]

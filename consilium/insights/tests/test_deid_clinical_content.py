"""Clinical content is never redacted: analytes, values, units, ranges, biomarkers, drugs."""

import re

import pytest

from consilium.insights.deid import detect, redact

CBC = """COMPLETE BLOOD COUNT (CBC)
Test Name                 Result    Unit          Biological Ref. Interval
Haemoglobin (Hb)          10.8 L    g/dL          12.0 - 15.0
Total Leucocyte Count     11800 H   cells/cumm    4000 - 11000
Differential Leucocyte Count
Neutrophils               78 H      %             40 - 80
Lymphocytes               15 L      %             20 - 40
Eosinophils               03        %             01 - 06
Monocytes                 04        %             02 - 10
Basophils                 00        %             00 - 02
RBC Count                 3.92 L    mill/cumm     3.8 - 4.8
PCV                       33.1 L    %             36 - 46
MCV                       84.4      fL            83 - 101
MCH                       27.6      pg            27 - 32
MCHC                      32.6      g/dL          31.5 - 34.5
RDW-CV                    14.8 H    %             11.6 - 14.0
Platelet Count            1.85      lakhs/cumm    1.5 - 4.1
ESR (Westergren)          42 H      mm/1st hr     0 - 20
"""
LFT = """LIVER FUNCTION TEST (LFT)
Bilirubin Total           1.4 H     mg/dL         0.3 - 1.2
Bilirubin Direct          0.5 H     mg/dL         0.0 - 0.2
SGOT (AST)                56 H      U/L           5 - 40
SGPT (ALT)                61 H      U/L           5 - 40
Alkaline Phosphatase      168 H     U/L           40 - 129
GGT                       72 H      U/L           8 - 61
Total Protein             6.4       g/dL          6.0 - 8.3
Albumin                   3.2 L     g/dL          3.5 - 5.2
Globulin                  3.2       g/dL          2.0 - 3.5
A/G Ratio                 1.0                     1.0 - 2.1
Serum Creatinine          0.9       mg/dL         0.6 - 1.1
Blood Urea                28        mg/dL         15 - 40
HbA1c                     6.1       %             4.0 - 5.6
TSH                       2.45      uIU/mL        0.27 - 4.20
"""
PATHOLOGY = """HISTOPATHOLOGY REPORT
Specimen: Left breast, modified radical mastectomy with axillary clearance.
Diagnosis: Invasive ductal carcinoma, NOS, Nottingham grade 2 (3+2+2 = 7/9).
Tumour size 3.2 x 2.8 x 2.1 cm. Margins free; closest (deep) margin 0.6 cm.
Lymphovascular invasion present. Perineural invasion absent. DCIS, cribriform, 10%.
Lymph nodes: 4/14 positive, largest deposit 1.4 cm, extranodal extension present.
pTNM (AJCC 8th): pT2 pN2a.
IHC: ER positive (Allred score 7/8, 80% strong), PR positive (Allred 5/8, 30% moderate),
HER2/neu 2+ (equivocal) - FISH advised; Ki-67 index 25%. CK7 positive, CK20 negative,
GATA3 positive, p53 wild type. EGFR, ALK (D5F3), ROS1 and PD-L1 (22C3, TPS 5%, CPS 8) tested.
BRCA1/BRCA2 germline testing recommended. Plan: neoadjuvant AC followed by paclitaxel
with trastuzumab and pertuzumab; letrozole after chemotherapy; zoledronic acid 4 mg IV q3m.
"""
ICU = """Plan: continue heparin 1000 units/hr, goal PTT 60-80. Lasix 40 mg IV BID, KCl 20 mEq.
Vanco 1 g IV q12h, Zosyn 4.5 g IV q8h. Propofol 20 mcg/kg/min, fentanyl 50 mcg/hr.
BP 110/60, HR 88 NSR, RR 18, SpO2 96% on 2L NC. CXR: bilateral infiltrates. ABG 7.38/42/88.
"""


@pytest.mark.parametrize("report", [CBC, LFT, PATHOLOGY, ICU], ids=["cbc", "lft", "ihc", "icu"])
def test_a_clinical_report_has_no_finding(report):
    assert detect(report) == [], [f.text for f in detect(report)]


@pytest.mark.parametrize("report", [CBC, LFT, PATHOLOGY, ICU], ids=["cbc", "lft", "ihc", "icu"])
def test_redaction_keeps_every_analyte_value_unit_and_biomarker(report):
    redacted = redact(report, detect(report))
    for token in re.findall(r"\S+", report):
        assert token in redacted, token


def test_a_report_with_a_header_keeps_its_clinical_body():
    text = "Patient Name : Mrs. ASHA VERMA   UHID : KGH-001234\n" + CBC + PATHOLOGY
    redacted = redact(text, detect(text))
    assert "ASHA" not in redacted and "KGH-001234" not in redacted
    assert CBC in redacted and PATHOLOGY in redacted

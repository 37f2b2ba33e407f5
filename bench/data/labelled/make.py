"""Writes the labelled benchmark set: Indian-style lab and pathology reports with known truth.

Every document is generated here from made-up patients (no real report was copied), written as a
text-layer PDF or as a phone photo of one, next to NAME.json with the labs and biomarkers a
reader should find. Run: uv run python bench/data/labelled/make.py
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from consilium.insights.tests.fixtures import (  # noqa: E402
    html_page,
    letterhead,
    pdf_from_html,
    phone_photo,
    render_page,
)

LABS = [
    "Sunrise Diagnostics, Pune",
    "Dr. Lal-style Path Labs, Delhi",
    "Metro Pathology, Lucknow",
    "Apollo-style Clinical Lab, Chennai",
    "Care Diagnostic Centre, Patna",
]
PATIENTS = [
    ("Mrs. Sunita Deshmukh", "54 Y / F"),
    ("Mr. Ramesh Yadav", "61 Y / M"),
    ("Ms. Farah Khan", "38 Y / F"),
    ("Mr. Gurpreet Singh", "47 Y / M"),
    ("Mrs. Lakshmi Iyer", "66 Y / F"),
    ("Mr. Arjun Nair", "29 Y / M"),
]

# (printed name, printed value, flag, range, unit, canonical name, canonical value, flag)
CBC = [
    ("Haemoglobin", "{hb}", "{hbf}", "12.0 - 15.0", "g/dL"),
    ("Total Leucocyte Count", "{tlc}", "{tlcf}", "4,000 - 11,000", "/cumm"),
    ("Platelet Count", "{plt}", "{pltf}", "1.5 - 4.1", "lakhs/cumm"),
    ("MCV", "{mcv}", "", "83 - 101", "fL"),
]


def table(rows: list[tuple[str, ...]], header: tuple[str, ...], title: str) -> str:
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<h2>{title}</h2><table><tr>{head}</tr>{body}</table>"


def indian_grouping(n: int) -> str:
    """1,20,000 rather than 120,000: lakhs and crores, as Indian labs print counts."""
    digits = str(n)
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    groups: list[str] = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    return ",".join([head, *groups, tail]) if head else ",".join([*groups, tail])


def flag_for(value: float, lo: float, hi: float) -> str:
    return "low" if value < lo else "high" if value > hi else "none"


def lab_doc(rng: random.Random, index: int) -> tuple[str, list[dict], list[dict]]:
    """A blood report; column order and spellings vary like they do between Indian labs."""
    truth: list[dict] = []
    rows: list[tuple[str, ...]] = []
    unit_first = index % 2 == 1
    header = (
        ("Investigation", "Result", "Unit", "Bio. Ref. Interval")
        if unit_first
        else ("Test Name", "Result", "Flag", "Reference Value", "Unit")
    )

    def add(
        printed: str,
        value: str,
        rng_text: str,
        unit: str,
        name: str,
        canonical: float,
        flag: str,
        show_flag: str = "",
    ) -> None:
        if unit_first:
            rows.append((printed, f"{value} {show_flag}".strip(), unit, rng_text))
        else:
            rows.append((printed, value, show_flag, rng_text, unit))
        truth.append({"name": name, "value": canonical, "flag": flag})

    hb = round(rng.choice([6.1, 8.4, 9.2, 11.6, 13.4, 14.1]), 1)
    hb_flag = "critical_low" if hb < 6.6 else flag_for(hb, 12.0, 15.0)
    add(
        rng.choice(["Haemoglobin", "Hemoglobin (Hb)", "Hb"]),
        f"{hb}",
        "12.0 - 15.0",
        "g/dL",
        "Haemoglobin",
        hb,
        hb_flag,
        "L" if hb < 12 else "",
    )
    tlc = rng.choice([1500, 3200, 5100, 7800, 13400, 42000])
    tlc_flag = (
        "critical_low"
        if tlc < 2000
        else "critical_high"
        if tlc > 37000
        else flag_for(tlc, 4000, 11000)
    )
    add(
        rng.choice(["Total Leucocyte Count", "Total WBC Count", "TLC"]),
        f"{tlc:,}",
        "4,000 - 11,000",
        "/cumm",
        "White blood cell count",
        tlc / 1000,
        tlc_flag,
        "H" if tlc > 11000 else "L" if tlc < 4000 else "",
    )
    plt_lakh = rng.choice([0.3, 0.9, 1.2, 2.4, 3.5])
    plt_flag = "critical_low" if plt_lakh * 100 < 37 else flag_for(plt_lakh, 1.5, 4.1)
    if index % 3 == 0:
        add(
            "Platelet Count",
            indian_grouping(round(plt_lakh * 100000)),
            "1,50,000 - 4,10,000",
            "/cumm",
            "Platelet count",
            plt_lakh * 100,
            plt_flag,
        )
    else:
        add(
            rng.choice(["Platelet Count", "Platelets"]),
            f"{plt_lakh}",
            "1.5 - 4.1",
            "lakhs/cumm",
            "Platelet count",
            plt_lakh * 100,
            plt_flag,
        )
    k = rng.choice([2.5, 3.9, 4.4, 5.6, 6.8])
    k_flag = "critical_low" if k < 2.8 else "critical_high" if k > 6.2 else flag_for(k, 3.5, 5.1)
    add(
        rng.choice(["Potassium", "Serum Potassium", "Potassium (K+)"]),
        f"{k}",
        "3.5 - 5.1",
        "mmol/L",
        "Potassium",
        k,
        k_flag,
        "H" if k > 5.1 else "",
    )
    na = rng.choice([118, 131, 138, 141])
    na_flag = "critical_low" if na < 120 else flag_for(na, 136, 145)
    add(
        rng.choice(["Sodium", "Serum Sodium", "Sodium (Na+)"]),
        f"{na}",
        "136 - 145",
        "mEq/L",
        "Sodium",
        na,
        na_flag,
    )
    cr = rng.choice([0.7, 1.1, 1.9, 3.4])
    add(
        rng.choice(["Serum Creatinine", "Creatinine"]),
        f"{cr}",
        "0.6 - 1.2",
        "mg/dL",
        "Creatinine",
        cr,
        flag_for(cr, 0.6, 1.2),
    )
    alt = rng.choice([18, 34, 96])
    add(
        rng.choice(["SGPT (ALT)", "ALT", "Alanine Aminotransferase"]),
        f"{alt}",
        "< 41",
        "U/L",
        "ALT",
        alt,
        "high" if alt > 41 else "none",
    )
    if index % 2 == 0:
        glucose = rng.choice([35, 92, 168, 486])
        gflag = (
            "critical_low"
            if glucose < 40
            else "critical_high"
            if glucose > 450
            else flag_for(glucose, 70, 100)
        )
        add(
            "Glucose Fasting (GOD-POD)",
            f"{glucose}",
            "70 - 100",
            "mg/dL",
            "Glucose (fasting)",
            glucose,
            gflag,
        )
    if index % 3 == 1:
        cea = rng.choice(["< 0.5", "3.1", "48.2"])
        value = 0.5 if cea.startswith("<") else float(cea)
        add("CEA", cea, "0 - 5", "ng/mL", "CEA", value, "high" if value > 5 else "none")
    lab = LABS[index % len(LABS)]
    name, age = PATIENTS[index % len(PATIENTS)]
    html = html_page(
        letterhead(
            lab=lab, patient=name, age_sex=age, date=f"{10 + index:02d}/03/2026", ref="Dr. S. Rao"
        )
        + table(rows, header, "Haematology and Biochemistry")
        + "<p>Sample: EDTA whole blood / serum. Results relate to the sample tested.</p>"
    )
    return html, truth, []


PATHOLOGY = [
    (
        "Left breast, modified radical mastectomy.",
        "Invasive ductal carcinoma, Nottingham Grade II (score 6/9). pT2 N1a.",
        [
            ("Oestrogen Receptor (ER)", "Positive (90%, Allred 8)"),
            ("Progesterone Receptor (PR)", "Negative (0%)"),
            ("HER2/neu (4B5)", "Equivocal (2+)"),
            ("Ki-67 index", "30%"),
        ],
        [("ER", "positive"), ("PR", "negative"), ("HER2", "equivocal"), ("Ki-67", "value")],
    ),
    (
        "Right breast, core biopsy.",
        "Invasive carcinoma of no special type, Grade 3.",
        [
            ("ER", "Negative (0%)"),
            ("PR", "Negative (0%)"),
            ("Her-2/neu", "Score 3+ (Positive)"),
            ("Ki-67", "70%"),
        ],
        [("ER", "negative"), ("PR", "negative"), ("HER2", "positive"), ("Ki-67", "value")],
    ),
    (
        "Right lung, CT-guided biopsy.",
        "Adenocarcinoma, acinar predominant. Clinical stage cT3N2M1a (Stage IVA).",
        [
            ("EGFR (RT-PCR)", "Exon 19 deletion detected"),
            ("ALK (D5F3) IHC", "Negative"),
            ("ROS1", "Not detected"),
            ("PD-L1 (22C3)", "TPS 60%"),
        ],
        [("EGFR", "mutated"), ("ALK", "negative"), ("ROS1", "not detected"), ("PD-L1", "positive")],
    ),
    (
        "Sigmoid colon, anterior resection.",
        "Adenocarcinoma, moderately differentiated, pT3 N0.",
        [
            ("Mismatch repair proteins", "MLH1, PMS2, MSH2, MSH6 retained (pMMR)"),
            ("KRAS", "Wild type"),
            ("NRAS", "Wild type"),
            ("BRAF V600E", "Not detected"),
        ],
        [
            ("MSI/MMR", "negative"),
            ("KRAS", "wild-type"),
            ("NRAS", "wild-type"),
            ("BRAF", "not detected"),
        ],
    ),
    (
        "Prostate, TRUS-guided needle biopsy (12 cores).",
        "Acinar adenocarcinoma in 5 of 12 cores.",
        [("Gleason score", "4+3=7, Grade Group 3"), ("Serum PSA (clinical)", "22.4 ng/mL")],
        [("Gleason", "value"), ("PSA", "value")],
    ),
    (
        "Left lung, bronchoscopic biopsy.",
        "Non small cell carcinoma, favour adenocarcinoma.",
        [
            ("EGFR mutation analysis", "No mutation detected"),
            ("KRAS", "G12C mutation detected"),
            ("PD-L1 (SP263)", "TPS < 1%"),
            ("BRAF", "Negative"),
        ],
        [
            ("EGFR", "not detected"),
            ("KRAS", "mutated"),
            ("PD-L1", "negative"),
            ("BRAF", "negative"),
        ],
    ),
]


def pathology_doc(index: int) -> tuple[str, list[dict], list[dict]]:
    specimen, diagnosis, ihc, truth = PATHOLOGY[index % len(PATHOLOGY)]
    name, age = PATIENTS[(index + 2) % len(PATIENTS)]
    rows = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in ihc)
    html = html_page(
        letterhead(
            lab="Department of Histopathology",
            patient=name,
            age_sex=age,
            date=f"0{1 + index % 9}/02/2026",
            ref="Dr. P. Mehta",
        )
        + f"<p><b>Specimen:</b> {specimen}</p><p><b>Diagnosis:</b> {diagnosis}</p>"
        + f"<h2>Ancillary studies</h2><table>{rows}</table>"
    )
    return html, [], [{"name": n, "status": s} for n, s in truth]


def main() -> None:
    rng = random.Random(2026)
    documents: list[tuple[str, str, list[dict], list[dict], bool]] = []
    for i in range(8):
        html, labs, markers = lab_doc(rng, i)
        documents.append((f"lab_{i + 1:02d}", html, labs, markers, i >= 4))
    for i in range(6):
        html, labs, markers = pathology_doc(i)
        documents.append((f"pathology_{i + 1:02d}", html, labs, markers, i >= 4))
    for stem, html, labs, markers, photo in documents:
        pdf = pdf_from_html(html)
        if photo:
            tilt = rng.choice([-7, -4, 3, 6])
            turns = rng.choice([0, 0, 1, 3])
            data, suffix, kind = (
                phone_photo(
                    render_page(pdf, dpi=170), tilt=tilt, quarter_turns=turns, seed=len(stem)
                ),
                ".jpg",
                "image/jpeg",
            )
        else:
            data, suffix, kind = pdf, ".pdf", "application/pdf"
        for old in HERE.glob(f"{stem}.*"):
            if old.suffix in (".pdf", ".jpg"):
                old.unlink()
        (HERE / f"{stem}{suffix}").write_bytes(data)
        (HERE / f"{stem}.json").write_text(
            json.dumps(
                {
                    "file": f"{stem}{suffix}",
                    "content_type": kind,
                    "labs": labs,
                    "biomarkers": markers,
                },
                indent=1,
            )
            + "\n"
        )
    print(f"wrote {len(documents)} documents to {HERE}")


if __name__ == "__main__":
    main()

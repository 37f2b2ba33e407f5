import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from consilium.insights.tests.fixtures import (
    html_page,
    lab_table,
    letterhead,
    pdf_from_html,
    phone_photo,
    render_page,
)
from consilium.insights.tests.test_oncology import PATHOLOGY

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def pathology_pdf(tmp_path_factory) -> Path:
    html = PATHOLOGY.replace(
        "<h1>Department of Histopathology</h1>",
        "<h1>Department of Histopathology</h1>"
        + letterhead(
            lab="",
            patient="Mrs. Kavita Sharma",
            age_sex="48 Y / F",
            date="02/02/2026",
            ref="Dr. R. Menon",
        ),
    )
    path = tmp_path_factory.mktemp("docs") / "pathology.pdf"
    path.write_bytes(pdf_from_html(html))
    return path


def run_cli(path: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "consilium.insights", "extract", str(path), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)


def test_the_command_prints_one_json_object_with_every_section(pathology_pdf):
    result = run_cli(pathology_pdf)

    assert set(result) >= {
        "text",
        "labs",
        "biomarkers",
        "oncology",
        "findings",
        "missing_investigations",
        "urgent",
        "pages",
    }
    assert result["pages"]["count"] == 1
    assert result["pages"]["source"] == {"text-layer": 1}
    assert result["oncology"]["histology"] == "invasive ductal carcinoma"
    assert {
        "name": "HER2",
        "status": "equivocal",
        "value": "2+",
        "method": "IHC",
        "page": 1,
        "assertion": "stated",
    } in result["biomarkers"]
    assert result["recommended_by_report"] == []
    items = [m["item"] for m in result["missing_investigations"]]
    assert "HER2 in situ hybridisation (FISH) for the equivocal (2+) result" in items
    assert "Staging for distant spread (M category)" in items


def test_the_printed_text_is_de_identified(pathology_pdf):
    result = run_cli(pathology_pdf)

    assert "Kavita" not in result["text"]
    assert any(f["type"] and "Kavita" in f["text"] and f["page"] == 1 for f in result["findings"])
    assert "Invasive ductal carcinoma" in result["text"]


def test_a_skewed_turned_phone_photo_of_a_lab_report_gives_its_labs_through_the_command(tmp_path):
    rows = [
        ("Haemoglobin", "9.2", "L", "12.0 - 15.0", "g/dL"),
        ("Platelet Count", "0.3", "L", "1.5 - 4.1", "lakhs/cumm"),
        ("Potassium", "6.8", "H", "3.5 - 5.1", "mmol/L"),
    ]
    pdf = pdf_from_html(html_page(lab_table(rows, heading="Blood tests")))
    photo = tmp_path / "cbc.jpg"
    photo.write_bytes(phone_photo(render_page(pdf), tilt=5, quarter_turns=3))

    result = run_cli(photo)

    assert result["pages"]["source"] == {"ocr": 1}
    flags = {lab["name"]: lab["flag"] for lab in result["labs"]}
    assert flags == {
        "Haemoglobin": "low",
        "Platelet count": "critical_low",
        "Potassium": "critical_high",
    }
    assert result["urgent"] == [
        "Platelet count 30 10^9/L is critically low",
        "Potassium 6.8 mmol/L is critically high",
    ]
    potassium = next(lab for lab in result["labs"] if lab["name"] == "Potassium")
    assert (potassium["value"], potassium["unit"], potassium["reference_range"]) == (
        6.8,
        "mmol/L",
        "3.5 - 5.1",
    )

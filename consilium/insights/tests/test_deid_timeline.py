"""Dates keep their meaning without identifying: told as days from the case's day 0, a year alone
kept, a date of birth never told at all."""

from __future__ import annotations

import datetime

import pytest

from consilium.insights.deid import detect
from consilium.insights.deid.timeline import date_label, date_marker, redact_with_timeline

DAY0 = datetime.date(2026, 3, 20)


@pytest.mark.parametrize(
    ("text", "told"),
    [
        ("02/03/2026", "[day −18]"),
        ("20-Mar-2026 10:42", "[day 0]"),
        ("2026-03-23", "[day +3]"),
        ("2015", "2015"),
        ("March 2026", "[month 0]"),
        ("Dec 2025", "[month −3]"),
    ],
)
def test_a_date_is_told_from_day_0(text: str, told: str) -> None:
    assert date_marker(before="CT done on ", text=text, anchor=DAY0) == told


@pytest.mark.parametrize("before", ["DOB: ", "Date of Birth : ", "born on ", "जन्म तिथि: "])
def test_a_date_of_birth_is_never_told(before: str) -> None:
    assert date_marker(before=before, text="14/08/1961", anchor=DAY0) is None
    assert date_label(before=before, text="14/08/1961", anchor=DAY0) == ""


def test_an_unreadable_date_stays_masked() -> None:
    assert date_marker(before="", text="6/30-7/2", anchor=DAY0) is None


def test_a_timeline_reads_as_intervals_in_the_de_identified_text() -> None:
    text = "CT chest done on 02/03/2026, biopsy on 20/03/2026. Diabetic since 2015."
    told = redact_with_timeline(text, detect(text), anchor=DAY0)
    assert "[day −18]" in told and "[day 0]" in told
    assert "02/03/2026" not in told and "20/03/2026" not in told
    assert "since 2015" in told


def test_without_an_anchor_dates_stay_masked() -> None:
    text = "Biopsy on 20/03/2026."
    assert redact_with_timeline(text, detect(text), anchor=None) == "Biopsy on [DATE]."

"""Printed dates are read day first, as Indian reports print them, and told from an anchor."""

import datetime

import pytest
from django.utils import translation

from consilium.insights.deid.dates import parse_date, relative_label

TODAY = datetime.date(2026, 12, 1)
MARCH_14 = datetime.date(2024, 3, 14)


@pytest.mark.parametrize(
    "printed",
    [
        "14/03/2024",
        "14-03-2024",
        "14.03.2024",
        "14.03.24",
        "14/3/24",
        "14-Mar-2024",
        "14-MAR-24",
        "14 Mar 2024",
        "14th March 2024",
        "14th of March, 2024",
        "March 14, 2024",
        "Mar 14th 2024",
        "2024-03-14",
        "2024-03-14 10:42",
        "2024-03-14T10:42:00Z",
        "14/03/2024 08:12 AM",
        " 14/03/2024, ",
    ],
)
def test_each_printed_style_reads_as_the_same_date(printed):
    assert parse_date(printed, today=TODAY) == MARCH_14


def test_a_numeric_date_is_read_day_first():
    assert parse_date("04/03/2024", today=TODAY) == datetime.date(2024, 3, 4)


def test_a_date_that_can_only_be_month_first_is_read_so():
    assert parse_date("03/14/2024", today=TODAY) == MARCH_14


def test_a_two_digit_year_ahead_of_today_is_last_century():
    assert parse_date("02.07.54", today=TODAY) == datetime.date(1954, 7, 2)
    assert parse_date("02.07.27", today=TODAY) == datetime.date(2027, 7, 2)


@pytest.mark.parametrize(
    "printed", ["31/02/2024", "March 2024", "stage IVA", "120/80", "14/03", "", "2024"]
)
def test_what_is_not_a_whole_valid_date_gives_none(printed):
    assert parse_date(printed, today=TODAY) is None


def test_without_today_two_digit_years_still_read():
    assert parse_date("14.03.24") == MARCH_14


@pytest.mark.parametrize(
    ("date", "label"),
    [
        (datetime.date(2024, 2, 25), "day \u221218"),
        (MARCH_14, "day 0"),
        (datetime.date(2024, 3, 17), "day +3"),
        (datetime.date(2025, 3, 14), "day +365"),
    ],
)
def test_a_date_is_told_in_days_from_the_anchor(date, label):
    with translation.override("en"):
        assert relative_label(date, MARCH_14) == label

"""Each red-flag rule, its Hindi/Hinglish phrases and the negations that cancel it."""

from __future__ import annotations

import pytest

from consilium.cases.red_flags import NONE_OF_THESE, RedFlag, flags_in_text, screen


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("He has chest pain since this morning", RedFlag.CHEST_PAIN),
        ("severe pain in the chest when walking", RedFlag.CHEST_PAIN),
        ("Papa ko seene mein dard ho raha hai", RedFlag.CHEST_PAIN),
        ("chhati me dard", RedFlag.CHEST_PAIN),
        ("सीने में दर्द हो रहा है", RedFlag.CHEST_PAIN),
        ("her speech is slurred since an hour", RedFlag.STROKE),
        ("slurred speech and face drooping", RedFlag.STROKE),
        ("sudden weakness in the right arm", RedFlag.STROKE),
        ("lakwa maar gaya lagta hai", RedFlag.STROKE),
        ("मुझे लगता है लकवा है", RedFlag.STROKE),
        ("loss of bladder control since yesterday", RedFlag.SPINAL),
        ("he can't control his urine and has back pain", RedFlag.SPINAL),
        ("sudden weakness of both legs", RedFlag.SPINAL),
        ("peshab par control nahi hai", RedFlag.SPINAL),
        ("she is bleeding heavily after the biopsy", RedFlag.BLEEDING),
        ("vomiting blood twice today", RedFlag.BLEEDING),
        ("bahut khoon aa raha hai", RedFlag.BLEEDING),
        ("I can't breathe when lying down", RedFlag.BREATHLESS),
        ("breathless at rest for two days", RedFlag.BREATHLESS),
        ("saans nahi aa rahi", RedFlag.BREATHLESS),
        ("saans phool rahi hai", RedFlag.BREATHLESS),
        ("सांस लेने में तकलीफ", RedFlag.BREATHLESS),
    ],
)
def test_a_phrase_describing_an_emergency_raises_its_flag(text: str, flag: RedFlag) -> None:
    assert flag in flags_in_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "no chest pain",
        "Patient denies chest pain or breathlessness at rest",
        "He does not have chest pain",
        "seene mein dard nahi hai",
        "saans ki koi dikkat nahi hai",
        "history of heavy bleeding in 2019",
        "without slurred speech",
        "Lump in the left breast found on a mammogram, no pain",
        "Knee pain for two years, worse on stairs",
        "",
    ],
)
def test_a_negated_or_harmless_text_raises_no_flag(text: str) -> None:
    assert flags_in_text(text) == set()


def test_a_negation_does_not_cross_into_the_next_clause() -> None:
    assert flags_in_text("No fever, but chest pain since the morning") == {RedFlag.CHEST_PAIN}
    assert flags_in_text("no fever. chest pain now") == {RedFlag.CHEST_PAIN}


def test_the_screen_joins_ticked_boxes_and_free_text_in_a_stable_order() -> None:
    codes = screen(
        ticked=[RedFlag.BREATHLESS.value, NONE_OF_THESE, "not-a-flag"],
        texts=["chest pain since morning", ""],
    )
    assert codes == [RedFlag.CHEST_PAIN.value, RedFlag.BREATHLESS.value]


def test_none_of_these_and_a_calm_text_give_no_flags() -> None:
    assert screen(ticked=[NONE_OF_THESE], texts=["tiredness for months"]) == []

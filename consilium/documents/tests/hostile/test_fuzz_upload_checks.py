"""Fuzzing the upload checks: mutated PDFs, JPEGs and PNGs (bytes flipped, inserted, cut) and
arbitrary file names go through the same functions an upload does. Each either passes or is
refused with a DomainError; nothing else may escape (that would be a server error)."""

from __future__ import annotations

import io
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from conftest import fuzz_examples
from consilium.core.crypto import data_key_new
from consilium.core.errors import DomainError
from consilium.core.storage import encrypted_open_read, encrypted_write_bytes, get_storage
from consilium.documents.safety import image_strip_metadata, pdf_check
from consilium.documents.tests.conftest import text_pdf
from consilium.documents.upload import JPEG, PDF, PNG, sanitise_filename, sniff_content_type


def _image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


SEEDS = {PDF: text_pdf("Haemoglobin 9.1 g/dL"), JPEG: _image("JPEG"), PNG: _image("PNG")}


@st.composite
def mutated(draw: Any) -> tuple[str, bytes]:
    content_type = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[content_type])
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "insert", "delete", "cut"]))
        if action == "flip":
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif at > 8:
            del data[at:]
        if len(data) < 2:
            break
    return content_type, bytes(data)


@settings(max_examples=fuzz_examples(400), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(case=mutated())
def test_mutated_files_are_accepted_or_refused_with_a_message(case: tuple[str, bytes]) -> None:
    content_type, data = case
    if sniff_content_type(data[:8]) != content_type:
        return  # the handler refuses it by its first bytes before any check runs
    data_key = data_key_new()
    key, _size, _sha = encrypted_write_bytes(data=data, data_key=data_key)
    made: tuple[str, int, str] | None = None
    try:
        with encrypted_open_read(key=key, data_key=data_key) as source:
            if content_type == PDF:
                made = pdf_check(source=source, data_key=data_key)
            else:
                made = image_strip_metadata(source=source, content_type=content_type,
                                            data_key=data_key)
    except DomainError as error:
        assert error.message
    finally:
        get_storage().delete(key)
        if made:
            get_storage().delete(made[0])


@settings(max_examples=fuzz_examples(500), deadline=None)
@given(name=st.text(max_size=300))
def test_any_file_name_becomes_a_safe_display_name(name: str) -> None:
    safe = sanitise_filename(name)
    assert safe and len(safe) <= 120
    assert not {"/", "\\", "\x00", "\u202e", "\u202d", "\n", "\r"} & set(safe)
    assert safe not in {".", ".."}

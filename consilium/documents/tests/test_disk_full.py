"""The disk filling up during an upload: the patient is told plainly, and nothing half-written
remains (no stored file, no part file, no Document row). The file store is a real 2 MB tmpfs
when the tests may mount one (as root); otherwise every write past 2 MB fails with ENOSPC as
the kernel would."""

from __future__ import annotations

import errno
import io
import os
import random
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from consilium.audit.models import AuditEvent
from consilium.cases.models import Case
from consilium.core import storage
from consilium.documents.models import Document
from consilium.documents.tests.conftest import sized_pdf, upload

DISK_BYTES = 2 * 1024 * 1024
FULL_MESSAGE = "run out of room to store files"


class _SmallDisk:
    """Stands in for a full filesystem where mounting one is not allowed: the bytes written to
    the store, all files together, may not pass DISK_BYTES."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def used(self) -> int:
        return sum(path.stat().st_size for path in self.root.rglob("*") if path.is_file())

    def open(self, path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        file = open(path, mode, *args, **kwargs)  # noqa: SIM115
        if "b" not in mode or not any(flag in mode for flag in "wxa"):
            return file
        disk, write = self, file.write

        def limited(data: Any) -> int:
            if disk.used() + file.tell() - os.fstat(file.fileno()).st_size + len(data) > (
                DISK_BYTES
            ):
                raise OSError(errno.ENOSPC, "No space left on device")
            return write(data)

        file.write = limited  # type: ignore[method-assign]
        return file


@pytest.fixture
def small_disk(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    # A full local disk, even under `make test-s3` (an object store's limits are its own).
    settings.FILES_BACKEND = "local"
    root = tmp_path / "files"
    root.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(  # noqa: S603
        ["/usr/bin/mount", "-t", "tmpfs", "-o", f"size={DISK_BYTES},mode=0700", "tmpfs",
         str(root)], capture_output=True, check=False,
    ).returncode == 0
    if not mounted:
        monkeypatch.setattr(storage, "open", _SmallDisk(root).open, raising=False)
    settings.FILES_DIR = root
    try:
        yield root
    finally:
        if mounted:
            # Lazily if a file in it is still open (as one was before the fix), so no mount
            # outlives the test.
            subprocess.run(["/usr/bin/umount", "--lazy", str(root)], check=True)  # noqa: S603


def everything_in(root: Path) -> list[Path]:
    """Every file left in the store, part files of unfinished writes included."""
    return sorted(path for path in root.rglob("*") if path.is_file())


def noise_png(side: int) -> bytes:
    """A photo that does not compress, so its cleaned copy is as large as itself."""
    rng = random.Random(side)
    image = Image.frombytes("RGB", (side, side), bytes(rng.getrandbits(8)
                                                       for _ in range(side * side * 3)))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_an_upload_larger_than_the_room_on_disk_is_refused_plainly_and_leaves_nothing(
    client: Client, draft_case: Case, small_disk: Path
) -> None:
    client.force_login(draft_case.patient.holder)
    response = upload(client, draft_case, ("ct-scan.pdf", sized_pdf(3 * 1024 * 1024)))
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert FULL_MESSAGE in page and "nothing from this upload was saved" in page
    assert "Traceback" not in page
    assert not Document.objects.exists()
    assert everything_in(small_disk) == []
    assert AuditEvent.objects.filter(
        action="document.refused", detail__reason="storage_full"
    ).count() == 1


def test_the_upload_page_script_is_told_the_store_is_full(
    client: Client, draft_case: Case, small_disk: Path
) -> None:
    client.force_login(draft_case.patient.holder)
    response = upload(client, draft_case, ("ct-scan.pdf", sized_pdf(3 * 1024 * 1024)), json=True)
    assert response.status_code == 507
    body = response.json()
    assert body["saved"] == [] and FULL_MESSAGE in body["errors"][0]
    assert not Document.objects.exists()
    assert everything_in(small_disk) == []


def test_once_the_failed_upload_is_gone_the_disk_has_room_again_for_the_next_one(
    client: Client, draft_case: Case, small_disk: Path
) -> None:
    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("big.pdf", sized_pdf(3 * 1024 * 1024)))
    # Had the failed upload left a part file behind, the disk would still be full.
    response = upload(client, draft_case, ("small.pdf", sized_pdf(1500 * 1024)), json=True)
    assert response.status_code == 200, response.json()
    assert response.json()["saved"] == ["small.pdf"]
    assert Document.objects.get().original_name == "small.pdf"


def test_a_photo_whose_cleaned_copy_does_not_fit_is_not_kept_in_either_form(
    client: Client, draft_case: Case, small_disk: Path
) -> None:
    photo = noise_png(400)  # about 470 KB; its copy without metadata is as large
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * (DISK_BYTES - len(photo) * 3 // 2))
    client.force_login(draft_case.patient.holder)
    response = upload(client, draft_case, ("photo.png", photo), json=True)
    assert response.status_code == 400
    assert "“photo.png” was not saved" in response.json()["errors"][0]
    assert FULL_MESSAGE in response.json()["errors"][0]
    assert not Document.objects.exists()
    assert everything_in(small_disk) == [filler]
    filler.unlink()
    response = upload(client, draft_case, ("photo.png", photo), json=True)
    assert response.json()["saved"] == ["photo.png"]

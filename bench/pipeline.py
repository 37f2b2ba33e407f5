"""Processing time per page through the web pipeline (`documents.services.document_process`).

    uv run python bench/pipeline.py                       # the labelled set, 3 rounds
    uv run python bench/pipeline.py --data DIR --rounds 1

Every PDF and photo of the folder becomes a document of one case in a throw-away database and
file store (CONSILIUM_VAR_DIR in a temporary folder) and goes through the whole pipeline: read
(text layer or OCR), de-identify with the registered identity, propose boxes, store the page
pictures, extract facts, draw the rendition and store everything encrypted. Each PDF is also sent
as a scan (its pages as pictures only), so OCR'd PDF pages are measured too. Prints seconds per
page by source (text layer, OCR) with their ratio, and where the time goes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PHASES = {
    "iter_pages": "read (text layer / OCR)",
    "deidentify_page": "find identifiers",
    "boxes_for_findings": "place boxes",
    "extract_facts": "extract facts",
    "_rendition_draw": "draw rendition + PDF",
    "encrypted_write_bytes": "encrypt and store",
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def scanned(pdf: bytes) -> bytes:
    """The PDF's pages as pictures only (no text layer): what a scanner produces."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    images = [
        document[i].render(scale=150 / 72).to_pil().convert("RGB") for i in range(len(document))
    ]
    document.close()
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", resolution=150, save_all=True, append_images=images[1:])
    return buffer.getvalue()


def timed(table: dict[str, float], name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    if name == "iter_pages":

        def generator(*args: Any, **kwargs: Any) -> Any:
            iterator = function(*args, **kwargs)
            while True:
                started = time.perf_counter()
                try:
                    item = next(iterator)
                except StopIteration:
                    table[name] += time.perf_counter() - started
                    return
                table[name] += time.perf_counter() - started
                yield item

        return generator

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            table[name] += time.perf_counter() - started

    return wrapper


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path("bench/data/labelled"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    files = sorted(p for p in args.data.iterdir() if p.suffix.lower() in (".pdf", ".jpg", ".png"))
    if not files:
        print(f"no PDF, JPEG or PNG in {args.data}")
        return 1

    with tempfile.TemporaryDirectory(prefix="consilium-bench-") as var:
        os.environ["CONSILIUM_VAR_DIR"] = var
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consilium.config.settings")
        os.environ["CONSILIUM_TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return run(files, rounds=args.rounds)


def run(files: list[Path], *, rounds: int) -> int:
    from consilium.accounts.models import User
    from consilium.cases.models import Case
    from consilium.core.crypto import patient_data_key
    from consilium.core.storage import encrypted_write_bytes
    from consilium.documents import services
    from consilium.documents.models import Document
    from consilium.patients.models import Patient

    holder = User.objects.create_user("bench@example.com", "x", full_name="Bench Holder")
    patient = Patient.objects.create(
        holder=holder, relationship="self", full_name="Sunita Deshmukh",
        date_of_birth=dt.date(1971, 3, 9), sex="female", phone="+919812345678", city="Pune",
    )
    case = Case.objects.create(reference="CN-BENCH1", patient=patient, created_by=holder)
    key = patient_data_key(patient=patient)

    inputs: list[tuple[str, bytes, str]] = []
    for path in files:
        data = path.read_bytes()
        if path.suffix.lower() == ".pdf":
            inputs.append((path.name, data, "application/pdf"))
            inputs.append((f"{path.stem}-scan.pdf", scanned(data), "application/pdf"))
        else:
            inputs.append((path.name, data, "image/jpeg" if path.suffix != ".png" else "image/png"))

    phases: dict[str, float] = defaultdict(float)
    for name in PHASES:
        setattr(services, name, timed(phases, name, getattr(services, name)))

    def process(name: str, data: bytes, content_type: str) -> tuple[float, Document]:
        storage_key, size, sha256 = encrypted_write_bytes(data=data, data_key=key)
        document = Document.objects.create(
            case=case, uploaded_by=holder, category="lab", original_name=name,
            content_type=content_type, size=size, uploaded_size=size, sha256=sha256,
            storage_key=storage_key,
        )
        document = Document.objects.select_related("case__patient").get(pk=document.pk)
        started = time.perf_counter()
        services.document_process(document=document)
        return time.perf_counter() - started, document

    # Warm up imports, fonts and Tesseract's models (loaded once per worker process).
    for name, data, content_type in (inputs[0], next(i for i in inputs if "scan" in i[0])):
        process(name, data, content_type)
    phases.clear()

    per_page: dict[str, list[float]] = {"text-layer": [], "ocr": []}
    pages_by_source: dict[str, int] = defaultdict(int)
    total = 0.0
    for _round in range(rounds):
        for name, data, content_type in inputs:
            seconds, document = process(name, data, content_type)
            document.refresh_from_db()
            if document.status != "processed":
                print(f"{name}: {document.status}")
                continue
            sources = set(document.pages.values_list("source", flat=True))
            kind = "ocr" if "ocr" in sources else "text-layer"
            count = document.page_count or 1
            per_page[kind].append(seconds / count)
            pages_by_source[kind] += count
            total += seconds

    print(f"{len(inputs)} documents from {files[0].parent} x {rounds} rounds "
          f"(each PDF also as a scan), one worker process")
    print(f"{'seconds per page':18} {'median':>8} {'p90':>7} {'pages':>6}")
    for kind, times in per_page.items():
        if times:
            print(f"{kind:18} {statistics.median(times):8.3f} {percentile(times, 0.9):7.3f}"
                  f" {pages_by_source[kind]:6}")
    if per_page["text-layer"] and per_page["ocr"]:
        ratio = statistics.median(per_page["ocr"]) / statistics.median(per_page["text-layer"])
        print(f"an OCR page takes {ratio:.0f}x a text-layer page")
    print("where the time goes (share of all processing):")
    for name, label in PHASES.items():
        print(f"  {label:24} {phases[name]:7.2f} s  {100 * phases[name] / total:5.1f} %")
    rest = total - sum(phases.values())
    print(f"  {'the rest (JPEG, database)':24} {rest:7.2f} s  {100 * rest / total:5.1f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

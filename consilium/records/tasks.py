"""Background work on the patient's record. Thin: load by id, call a service."""

from __future__ import annotations

from django_tasks import task

from consilium.records.export import record_export_build
from consilium.records.models import RecordExport


@task()
def record_export_build_task(*, export_id: int) -> None:
    export = RecordExport.objects.select_related("patient", "requested_by").filter(
        pk=export_id).first()
    if export is None:
        return
    record_export_build(export=export)

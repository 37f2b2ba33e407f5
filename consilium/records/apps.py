from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """The patient's record as the patient sees it: the opinion as a page, share links for a
    doctor, who looked at the record, and the export of the whole record."""

    name = "consilium.records"
    label = "records"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consilium.cases import hooks
        from consilium.core import integrity
        from consilium.core.scheduler import Job, register
        from consilium.records.integrity import retained_reports_integrity_check
        from consilium.records.selectors import case_page_part

        hooks.on_case_page(case_page_part)
        integrity.register("retained_reports", retained_reports_integrity_check)
        register(Job("record_exports_expire", 3600,
                     "consilium.records.export.record_exports_expire_due"))

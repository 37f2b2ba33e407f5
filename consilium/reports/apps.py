from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "consilium.reports"
    label = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consilium.core import integrity
        from consilium.core.scheduler import Job, register
        from consilium.reports.integrity import reports_integrity_check
        from consilium.reports.selectors import reports_of_case
        from consilium.reports.tasks import report_issue_task
        from consilium.review import hooks as review_hooks

        integrity.register("reports", reports_integrity_check)
        register(Job("reports_due", 300, "consilium.reports.services.reports_issue_due"))

        def report_due(case_id: int, kind: str, follow_up_id: int | None) -> None:
            report_issue_task.enqueue(case_id=case_id, kind=kind, follow_up_id=follow_up_id)

        review_hooks.on_report_due(report_due)
        review_hooks.on_reports_lookup(lambda case: reports_of_case(case=case))

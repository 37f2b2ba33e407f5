from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "consilium.reports"
    label = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consilium.core.scheduler import Job, register

        register(Job("reports_due", 300, "consilium.reports.services.reports_issue_due"))

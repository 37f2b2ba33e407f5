from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "consilium.cases"
    label = "cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consilium.core.scheduler import Job, register

        register(Job("turnaround_sweep", 60, "consilium.cases.turnaround.turnaround_sweep_due"))

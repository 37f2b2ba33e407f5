from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "consilium.consent"
    label = "consent"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consilium.cases import hooks, intake
        from consilium.consent.selectors import INTAKE_STEP, case_page_part

        intake.register(INTAKE_STEP)
        hooks.on_case_page(case_page_part)

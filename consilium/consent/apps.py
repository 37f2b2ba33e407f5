from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "consilium.consent"
    label = "consent"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consilium.cases import intake
        from consilium.consent.selectors import INTAKE_STEP

        intake.register(INTAKE_STEP)

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "consilium.documents"
    label = "documents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consilium.cases import intake
        from consilium.documents.selectors import INTAKE_STEP

        intake.register(INTAKE_STEP)

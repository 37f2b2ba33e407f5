from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "consilium.documents"
    label = "documents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consilium.cases import hooks, intake
        from consilium.core import integrity
        from consilium.documents.integrity import documents_integrity_check
        from consilium.documents.selectors import (
            INTAKE_STEP,
            document_kinds,
            documents_added_since,
        )

        intake.register(INTAKE_STEP)
        integrity.register("documents", documents_integrity_check)
        hooks.on_documents_lookup(since=documents_added_since, kinds=document_kinds)

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "consilium.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consilium.core import checks  # noqa: F401 (registers the checks)

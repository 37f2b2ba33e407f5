from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "consilium.insights"
    label = "insights"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consilium.core import integrity
        from consilium.insights.integrity import summaries_integrity_check

        integrity.register("case summaries", summaries_integrity_check)

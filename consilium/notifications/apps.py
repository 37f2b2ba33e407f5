from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "consilium.notifications"
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consilium.core.scheduler import Job, register

        register(Job("outbox_send_due", 30, "consilium.notifications.services.outbox_send_due"))

from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    """Calls by video or phone between an account holder and a specialist on their case: the
    specialist's hours, bookings with a meeting link and an .ics invitation, reminders, changes
    and the specialist's note after the call."""

    name = "consilium.consultations"
    label = "consultations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consilium.cases import hooks
        from consilium.consultations.selectors import case_page_part
        from consilium.consultations.services import consultations_end_at_case_cancel
        from consilium.core.scheduler import Job, register

        register(Job("consultation_reminders", 300,
                     "consilium.consultations.services.consultation_remind_due"))
        hooks.on_case_page(case_page_part)
        hooks.on_case_cancelled_release(consultations_end_at_case_cancel)

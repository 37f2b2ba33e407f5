from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "consilium.review"
    label = "review"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consilium.cases import hooks
        from consilium.cases.workflow import Effect
        from consilium.core.scheduler import Job, register
        from consilium.review import handlers

        register(Job("offers_expire", 60, "consilium.review.services.assignment_expire_due"))

        hooks.on_effect(Effect.ADVANCE_REVIEW, handlers.advance_review)
        hooks.on_clock_reminder(handlers.remind_specialists)
        hooks.on_specialist_lookup(on_case=handlers.specialist_on_case,
                                   link=handlers.specialist_link)
        hooks.on_case_page(handlers.case_page_part)
        hooks.on_case_cancelled_release(handlers.end_seats_at_cancel)

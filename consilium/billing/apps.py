from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "consilium.billing"
    label = "billing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consilium.billing.selectors import INTAKE_STEP, case_page_part
        from consilium.billing.services import payment_refund_at_breach, payment_refund_at_cancel
        from consilium.cases import hooks, intake

        hooks.on_clock_breach(payment_refund_at_breach)
        hooks.on_case_cancelled(payment_refund_at_cancel)
        intake.register(INTAKE_STEP)
        hooks.on_case_page(case_page_part)

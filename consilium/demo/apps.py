from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo deployment's fictional people and cases (`manage.py seed_demo`, `demo_logins`).
    It sits above every domain app and nothing imports it."""

    name = "consilium.demo"
    label = "demo"
    default_auto_field = "django.db.models.BigAutoField"

"""Seeds one price per review type from the deployment's settings; the admin edits them later."""

from django.conf import settings
from django.db import migrations


def seed(apps, schema_editor):
    Price = apps.get_model("billing", "Price")
    amounts = {
        "single": settings.PRICE_SINGLE,
        "double": settings.PRICE_DOUBLE,
        "board": settings.PRICE_BOARD,
        "platform": settings.PRICE_PLATFORM,
    }
    for review_type, amount in amounts.items():
        Price.objects.get_or_create(
            review_type=review_type, defaults={"amount": amount, "currency": settings.CURRENCY}
        )


class Migration(migrations.Migration):
    dependencies = [("billing", "0002_refunds_and_offline_details")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

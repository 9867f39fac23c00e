from django.db import migrations

from accounts.row_level_security import EnableRowLevelSecurity


class Migration(migrations.Migration):
    """Row-level security on every inventory table: the database's own tenant lock."""

    dependencies = [("inventory", "0001_initial")]

    operations = [
        EnableRowLevelSecurity(model)
        for model in (
            "location",
            "supplier",
            "sku",
            "supplieritem",
            "stocklevel",
            "salesday",
            "promotion",
            "purchaseorder",
            "purchaseorderline",
        )
    ]

from django.db import migrations

from inventory.partitions import PartitionSalesByMonth


class Migration(migrations.Migration):
    """The daily sales table becomes partitioned by month on PostgreSQL (see
    inventory/partitions.py); the model does not change."""

    dependencies = [("inventory", "0008_sku_summaries")]

    operations = [PartitionSalesByMonth()]

"""Tables with one row per SKU of a merchant (its summary, its service class), rewritten whole."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models

from accounts.models import Merchant
from inventory.models import SKU

# Rows per INSERT: large catalogues are written in a few statements, not one huge one.
BATCH_SIZE = 2000


def per_sku_rows_upsert(
    *,
    merchant: Merchant,
    model: type[models.Model],
    row: Callable[[int], models.Model],
    update_fields: list[str],
) -> None:
    """Write ``row(sku_id)`` for every SKU of the merchant into ``model`` (unique on its
    ``sku``): a SKU's new row is created, an existing one has its ``update_fields`` replaced."""
    model.objects.bulk_create(
        [row(sku) for sku in SKU.objects.for_merchant(merchant).values_list("pk", flat=True)],
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["sku"],
        update_fields=update_fields,
    )

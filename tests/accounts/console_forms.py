"""What the staff console's forms are posted with in the tests."""

from __future__ import annotations

from accounts.models import Merchant
from inventory.models import SKU


def sku_form(sku: SKU, merchant: Merchant, name: str) -> dict:
    return {
        "merchant": merchant.pk,
        "code": sku.code,
        "name": name,
        "description": "",
        "category": "Gifts",
        "brand": "",
        "unit_price": "5.00",
        "unit_cost": "2.00",
        "active": "on",
    }

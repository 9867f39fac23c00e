"""The SKU that runs short, as the reorder tests plan it: worked out by hand in their
docstrings."""

from __future__ import annotations

from decimal import Decimal

from inventory.models import Location, SupplierItem
from tests import factories


def short_sku(merchant, location: Location) -> SupplierItem:
    """SKU "SHORT" (sold at 5) from a supplier with a certain 7-day lead time, packs of 12, an
    MOQ of 24 at 2 each; 20 on hand at ``location`` and 30 on order (40 ordered, 10 of them
    received). The supplier item is returned; its ``sku`` is the SKU."""
    short = factories.SKUFactory(merchant=merchant, code="SHORT", unit_price=Decimal("5"))
    item = factories.SupplierItemFactory(
        merchant=merchant,
        sku=short,
        lead_time_mean_days=Decimal("7"),
        lead_time_std_days=Decimal("0"),
        moq=Decimal("24"),
        pack_size=Decimal("12"),
        unit_cost=Decimal("2"),
    )
    factories.StockLevelFactory(merchant=merchant, sku=short, location=location, on_hand=20)
    order = factories.PurchaseOrderFactory(
        merchant=merchant, supplier=item.supplier, location=location
    )
    factories.PurchaseOrderLineFactory(
        merchant=merchant,
        purchase_order=order,
        sku=short,
        quantity_ordered=Decimal("40"),
        quantity_received=Decimal("10"),
    )
    return item

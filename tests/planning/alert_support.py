"""The alert the digest and notification tests send about."""

from __future__ import annotations

from accounts.tenancy import tenant_context
from planning.models import Alert
from tests import factories


def blue_mug_stock_out(merchant, date: str, **fields) -> Alert:
    """An open stock-out alert on the blue mug (MUG) at the shop (SHOP) from ``date``: 90%
    likely, about 12 units short."""
    location = factories.LocationFactory(merchant=merchant, code="SHOP")
    sku = factories.SKUFactory(merchant=merchant, code="MUG", name="Blue mug")
    details = {"date": date, "probability": 0.9, "lost_units": 12.0}
    return factories.created(
        Alert, merchant, kind=Alert.Kind.STOCK_OUT, sku=sku, location=location,
        details=details, **fields,
    )  # fmt: skip


def assert_still_open(test, alert: Alert) -> None:
    """``alert`` is open and no one has handled it (a refused action left it as it was)."""
    merchant = alert.merchant
    with tenant_context(merchant):
        stored = Alert.objects.for_merchant(merchant).get(pk=alert.pk)
    test.assertEqual((stored.state, stored.handled_by_id), ("open", None))

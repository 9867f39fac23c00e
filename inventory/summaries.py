"""The SKU summaries behind the catalogue list and the dashboard (`SkuSummary`), and when to
rebuild them.

Every committed write of sales or stock (ingestion, one place) moves the merchant's
`CatalogueState` counter on; a read that finds the summaries built at an older counter
rebuilds them first, under the state row's lock so that concurrent readers rebuild once. A
store that syncs every few minutes pays one rebuild per sync, on the first page view after
it, instead of summing every sale on every view."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Max, OuterRef, Subquery, Sum

from accounts.models import Merchant
from accounts.tenancy import tenant_context
from inventory.models import SKU, CatalogueState, SalesDay, SkuSummary, StockLevel

WINDOW_DAYS = 28


def catalogue_changed(*, merchant: Merchant) -> None:
    """Sales or stock changed: the summaries are out of date. Run after the writing
    transaction commits, in a short one of its own: a lock on the state row held through a
    long import would stall every other sync of the store, and could deadlock with them."""
    with transaction.atomic(), tenant_context(merchant):
        states = CatalogueState.objects.for_merchant(merchant)
        if states.update(data_version=F("data_version") + 1):
            return
        _state, created = states.get_or_create(merchant=merchant, defaults={"data_version": 1})
        if not created:  # created meanwhile by a concurrent write
            states.update(data_version=F("data_version") + 1)


def sku_summaries_refresh(*, merchant: Merchant, force: bool = False) -> bool:
    """Rebuild the merchant's SKU summaries if sales or stock changed since they were built
    (or ``force``); True if they were rebuilt."""
    state = CatalogueState.objects.for_merchant(merchant).first()
    if state is not None and state.summary_version == state.data_version and not force:
        return False  # the common case: one query
    with transaction.atomic():
        if state is None:
            state, _created = CatalogueState.objects.for_merchant(merchant).get_or_create(
                merchant=merchant
            )
        state = CatalogueState.objects.for_merchant(merchant).select_for_update().get(pk=state.pk)
        if state.summary_version == state.data_version and not force:
            return False  # another reader rebuilt them while this one waited
        _rebuild(merchant)
        CatalogueState.objects.for_merchant(merchant).filter(pk=state.pk).update(
            summary_version=state.data_version
        )
    return True


def _rebuild(merchant: Merchant) -> None:
    units: dict[int, tuple[Decimal, Decimal]] = {}
    last = SalesDay.objects.for_merchant(merchant).aggregate(last=Max("date"))["last"]
    if last is not None:
        window = SalesDay.objects.for_merchant(merchant).filter(
            date__gt=last - dt.timedelta(days=WINDOW_DAYS), date__lte=last
        )
        for sku, total, revenue in (
            window.values("sku_id")
            .annotate(total=Sum("units"), revenue=Sum("revenue"))
            .values_list("sku_id", "total", "revenue")
        ):
            units[sku] = (total or Decimal("0"), revenue or Decimal("0"))
    latest = (
        StockLevel.objects.for_merchant(merchant)
        .filter(sku=OuterRef("sku"), location=OuterRef("location"))
        .order_by("-as_of")
        .values("as_of")[:1]
    )
    on_hand = dict(
        StockLevel.objects.for_merchant(merchant)
        .annotate(latest=Subquery(latest))
        .filter(as_of=F("latest"))
        .values("sku_id")
        .annotate(total=Sum("on_hand"))
        .values_list("sku_id", "total")
    )
    zero = (Decimal("0"), Decimal("0"))
    rows = [
        SkuSummary(
            merchant=merchant,
            sku_id=sku,
            units_28d=units.get(sku, zero)[0],
            revenue_28d=units.get(sku, zero)[1],
            on_hand=on_hand.get(sku),
        )
        for sku in SKU.objects.for_merchant(merchant).values_list("pk", flat=True)
    ]
    SkuSummary.objects.bulk_create(
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["sku"],
        update_fields=["units_28d", "revenue_28d", "on_hand"],
    )

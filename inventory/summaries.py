"""The SKU summaries behind the catalogue list and the dashboard (`SkuSummary`), and when to
rebuild them.

Every committed write of sales or stock (ingestion, one place) moves the merchant's
`CatalogueState` counter on and queues a rebuild on a worker. Pages read the summaries as
they are: while a rebuild is on its way they show the previous figures and say so, so a store
that syncs every few minutes never makes a page view wait for a whole-store rebuild. A page
builds them itself only when there are none yet, or when the queued rebuild has not come
within `SKU_SUMMARY_REFRESH_GRACE_SECONDS` (a broker away, a worker down)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, OuterRef, Subquery, Sum
from django.utils import timezone

from accounts.models import Merchant
from accounts.tenancy import tenant_context
from core import dispatch
from inventory.models import CatalogueState, SalesDay, SkuSummary, StockLevel
from inventory.sku_rows import per_sku_rows_upsert

WINDOW_DAYS = 28


@dataclass(frozen=True)
class SummaryFreshness:
    summarised_at: dt.datetime | None
    refreshing: bool  # newer sales or stock are being summarised; the figures shown are older


def catalogue_changed(*, merchant: Merchant) -> None:
    """Sales or stock changed: the summaries are out of date, and a rebuild is queued. Run
    after the writing transaction commits, in a short one of its own: a lock on the state row
    held through a long import would stall every other sync of the store, and could deadlock
    with them."""

    now = timezone.now()
    with transaction.atomic(), tenant_context(merchant):
        states = CatalogueState.objects.for_merchant(merchant)
        if not states.update(data_version=F("data_version") + 1, changed_at=now):
            _state, created = states.get_or_create(
                merchant=merchant, defaults={"data_version": 1, "changed_at": now}
            )
            if not created:  # created meanwhile by a concurrent write
                states.update(data_version=F("data_version") + 1, changed_at=now)
    # with the broker away the pages rebuild the summaries themselves once the task is late
    dispatch.send("inventory.refresh_sku_summaries_task", merchant_id=merchant.pk)


def sku_summaries_current(*, merchant: Merchant) -> SummaryFreshness:
    """For the pages: the summaries as they stand, built first only if there are none yet or
    if the rebuild queued after the last write is overdue. One query in the common case."""
    state = CatalogueState.objects.for_merchant(merchant).first()
    if state is not None and state.summary_version >= 0:
        if state.summary_version == state.data_version:
            return SummaryFreshness(state.summarised_at, refreshing=False)
        grace = dt.timedelta(seconds=settings.SKU_SUMMARY_REFRESH_GRACE_SECONDS)
        if state.changed_at is not None and timezone.now() - state.changed_at < grace:
            return SummaryFreshness(state.summarised_at, refreshing=True)
    sku_summaries_refresh(merchant=merchant)
    return SummaryFreshness(timezone.now(), refreshing=False)


def sku_summaries_refresh(*, merchant: Merchant, force: bool = False) -> bool:
    """Rebuild the merchant's SKU summaries if sales or stock changed since they were built
    (or ``force``); True if they were rebuilt. Concurrent callers rebuild once: the others
    wait on the state row's lock and then find them current."""
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
            summary_version=state.data_version, summarised_at=timezone.now()
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
    per_sku_rows_upsert(
        merchant=merchant,
        model=SkuSummary,
        row=lambda sku: SkuSummary(
            merchant=merchant,
            sku_id=sku,
            units_28d=_fitted(units.get(sku, zero)[0], "units_28d"),
            revenue_28d=_fitted(units.get(sku, zero)[1], "revenue_28d"),
            on_hand=_fitted(on_hand.get(sku), "on_hand"),
        ),
        update_fields=["units_28d", "revenue_28d", "on_hand"],
    )


def _fitted(total: Decimal | None, attribute: str) -> Decimal | None:
    """``total`` as the summary's column stores it. Each day's sales and each location's
    stock fit their own columns, but 28 days or many locations of the largest ones add up
    past the summary's: such a total shows as the largest the column holds, rather than
    failing the rebuild and every page that waits for it."""
    if total is None:
        return None
    field = SkuSummary._meta.get_field(attribute)
    step = Decimal(1).scaleb(-field.decimal_places)
    largest = Decimal(10) ** (field.max_digits - field.decimal_places) - step
    return max(min(Decimal(total), largest), -largest).quantize(step)

"""The orders planning suggests for one SKU, as its stock projection counts them: the SKU's
forecast page (forecasting) finds them through ``settings.SKU_SUGGESTED_ORDERS`` and adds
them to the open purchase orders it projects from, without importing planning.

A line counts while it is still to be ordered: proposed and not deferred past today, or
approved onto a purchase order not yet sent (a sent order is an open purchase order, counted
as one; an approved line whose order is gone counts no more). It arrives the supplier's lead
time after the day its plan was made for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse

from accounts.models import Merchant
from inventory import services as inventory_services
from inventory.models import PurchaseOrder
from planning.models import ReorderSuggestion
from planning.suggestions.selectors import LineFilter

Status = ReorderSuggestion.Status


@dataclass(frozen=True)
class SuggestedOrder:
    location_id: int
    units: float
    expected: dt.date  # the plan's day plus the lead time the line was planned on
    approved: bool  # approved onto a draft purchase order (else proposed)
    link: str  # the line on the orders page


def suggested_orders(merchant: Merchant, sku_id: int) -> list[SuggestedOrder]:
    """The SKU's lines still to be ordered, one per location at most (the latest plan's)."""
    deferred = Q(deferred_until__gt=inventory_services.merchant_today(merchant))
    lines = (
        ReorderSuggestion.objects.for_merchant(merchant)
        .filter(sku_id=sku_id, quantity__gt=0)
        .filter(
            (Q(status=Status.PROPOSED) & ~deferred)
            | Q(status=Status.APPROVED, purchase_order__status=PurchaseOrder.Status.DRAFT)
        )
        .select_related("forecast_run", "sku")
        .order_by("location_id", "-forecast_run__created_at", "-pk")
    )
    orders_page = reverse("planning:suggestions", args=[merchant.slug])
    found: dict[int, SuggestedOrder] = {}
    for line in lines:
        if line.location_id in found:
            continue
        run = line.forecast_run
        made_for = (
            run.history_end + dt.timedelta(days=1) if run.history_end else line.created_at.date()
        )
        # the orders page's own filter, so the link keeps its parameters
        query = urlencode(LineFilter(status=line.status, search=line.sku.code).query())
        found[line.location_id] = SuggestedOrder(
            location_id=line.location_id,
            units=float(line.quantity),
            expected=made_for + dt.timedelta(days=round(float(line.lead_time_days))),
            approved=line.status == Status.APPROVED,
            link=f"{orders_page}?{query}",
        )
    return list(found.values())

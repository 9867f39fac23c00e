"""Reads of positions: the latest stock per SKU and location, the units on open purchase
orders, each SKU's supplier item and list prices, and the ABC/XYZ service classes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

import numpy as np
from django.db import connection
from django.db.models import F, Q, Sum

from accounts.models import Merchant
from inventory.models import (
    SKU,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesDay,
    StockLevel,
    SupplierItem,
)
from planning.positions.classes import CLASS_DAYS as CLASS_DAYS
from planning.positions.classes import NO_CLASS as NO_CLASS
from planning.positions.classes import classify


@dataclass(frozen=True)
class Stock:
    on_hand: float = 0.0
    committed: float = 0.0  # promised to open customer orders

    @property
    def available(self) -> float:
        return self.on_hand - self.committed


NO_STOCK = Stock()


class Prices(NamedTuple):
    """A SKU's list price and its own unit cost (None where not set)."""

    price: Decimal | None
    cost: Decimal | None


NO_PRICES = Prices(None, None)


def service_classes(merchant: Merchant, today: dt.date) -> dict[int, str]:
    """Per SKU with sales in the last `CLASS_DAYS`: ABC by revenue (A: the SKUs making the
    first 80% of it, B the next 15%, C the rest) and XYZ by the coefficient of variation of
    weekly units (X below 0.5, Y below 1, Z above). SKUs without sales are CZ."""
    since = today - dt.timedelta(days=CLASS_DAYS)
    sales = SalesDay.objects.for_merchant(merchant).filter(date__gt=since, date__lte=today)
    revenue: dict[int, float] = defaultdict(float)
    weekly: dict[int, np.ndarray] = defaultdict(lambda: np.zeros(CLASS_DAYS // 7 + 1))
    for sku, date, units, amount in sales.values_list("sku_id", "date", "units", "revenue"):
        revenue[sku] += float(amount or 0)
        weekly[sku][(today - date).days // 7] += float(units)
    return classify(revenue, weekly)


def latest_stock(merchant: Merchant) -> dict[tuple[int, int], Stock]:
    """The latest stock snapshot per (SKU, location)."""
    levels = StockLevel.objects.for_merchant(merchant).order_by("sku_id", "location_id", "-as_of")
    if connection.vendor == "postgresql":
        levels = levels.distinct("sku_id", "location_id")
    latest: dict[tuple[int, int], Stock] = {}
    for sku, location, on_hand, committed in levels.values_list(
        "sku_id", "location_id", "on_hand", "committed"
    ):
        latest.setdefault((sku, location), Stock(float(on_hand), float(committed)))
    return latest


def open_orders(
    merchant: Merchant, arriving_by: dt.date | None = None
) -> dict[tuple[int, int], float]:
    """Units ordered and not yet received on open purchase orders, per (SKU, location); with
    ``arriving_by``, only orders expected by then (or with no expected date)."""
    lines = PurchaseOrderLine.objects.for_merchant(merchant).filter(
        purchase_order__status__in=PurchaseOrder.OPEN_STATUSES
    )
    if arriving_by is not None:
        lines = lines.filter(
            Q(purchase_order__expected_arrival__isnull=True)
            | Q(purchase_order__expected_arrival__lte=arriving_by)
        )
    lines = lines.values("sku_id", "purchase_order__location_id").annotate(
        open=Sum(F("quantity_ordered") - F("quantity_received"))
    )
    return {
        (line["sku_id"], line["purchase_order__location_id"]): max(float(line["open"]), 0.0)
        for line in lines
    }


def primary_items(merchant: Merchant) -> dict[int, SupplierItem]:
    """Each SKU's supplier item: the primary one, else the first."""
    items = SupplierItem.objects.for_merchant(merchant).order_by("sku_id", "-is_primary", "pk")
    chosen: dict[int, SupplierItem] = {}
    for item in items:
        chosen.setdefault(item.sku_id, item)
    return chosen


def sku_prices(merchant: Merchant, sku_ids: Iterable[int] | None = None) -> dict[int, Prices]:
    """Each SKU's list price and unit cost (of the SKUs ``sku_ids``, all by default)."""
    skus = SKU.objects.for_merchant(merchant)
    if sku_ids is not None:
        skus = skus.filter(pk__in=set(sku_ids))
    return {
        pk: Prices(price, cost)
        for pk, price, cost in skus.values_list("pk", "unit_price", "unit_cost")
    }


def unit_cost(item: SupplierItem | None, prices: Prices) -> Decimal | None:
    """What a unit costs: the supplier item's cost, else the SKU's own (None: neither set)."""
    if item is not None and item.unit_cost is not None:
        return item.unit_cost
    return prices.cost

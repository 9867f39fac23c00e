"""Reads of the catalogue, stock and sales."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Merchant
from inventory.models import (
    SKU,
    CalendarEvent,
    ImportJob,
    Location,
    OrderLine,
    Promotion,
    PurchaseOrder,
    PurchaseOrderEvent,
    PurchaseOrderLine,
    SalesDay,
    SkuSummary,
    StockLevel,
    Supplier,
    SupplierItem,
)
from inventory.summaries import SummaryFreshness, sku_summaries_current

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=3))


def merchant_today(merchant: Merchant) -> dt.date:
    """Today in the store's time zone: the day its sales, orders and calendars count in."""
    return timezone.localdate(timezone=ZoneInfo(merchant.timezone))


SKU_SORTS = {
    "code": "code",
    "-code": "-code",
    "name": "name",
    "-name": "-name",
    "category": "category",
    "-units_28d": "-units_28d",
    "units_28d": "units_28d",
    "-on_hand": "-on_hand",
    "on_hand": "on_hand",
}


def sku_list(
    *,
    merchant: Merchant,
    search: str = "",
    category: str = "",
    supplier: int | None = None,
    active: bool | None = None,
    sort: str = "code",
) -> QuerySet[SKU]:
    """SKUs with units sold over the 28 days to the latest sales date and stock on hand (the
    latest snapshot per location, summed), from their summaries as they stand: call
    `sku_summary_freshness` first (it builds them when there are none, and says whether
    newer figures are on their way)."""
    skus = SKU.objects.for_merchant(merchant)
    if search:
        skus = skus.filter(
            Q(code__icontains=search) | Q(name__icontains=search) | Q(brand__icontains=search)
        )
    if category:
        skus = skus.filter(category=category)
    if supplier is not None:
        skus = skus.filter(
            Exists(
                SupplierItem.objects.for_merchant(merchant).filter(
                    sku=OuterRef("pk"), supplier_id=supplier
                )
            )
        )
    if active is not None:
        skus = skus.filter(active=active)
    skus = skus.annotate(
        units_28d=Coalesce(F("summary__units_28d"), ZERO), on_hand=F("summary__on_hand")
    )
    field = SKU_SORTS.get(sort, "code")
    order = F(field.lstrip("-"))
    order = order.desc(nulls_last=True) if field.startswith("-") else order.asc(nulls_last=True)
    return skus.order_by(order, "code")


def supplier_choices(*, merchant: Merchant) -> list[tuple[int, str]]:
    return [
        (pk, f"{name} ({code})")
        for pk, name, code in Supplier.objects.for_merchant(merchant)
        .order_by("name", "code")
        .values_list("pk", "name", "code")
    ]


def location_choices(*, merchant: Merchant) -> list[tuple[str, str]]:
    """(code, label) of the store's locations, for a form that names one by its code."""
    return [
        (code, f"{name} ({code})" if name else code)
        for code, name in Location.objects.for_merchant(merchant)
        .order_by("code")
        .values_list("code", "name")
    ]


def sku_categories(*, merchant: Merchant) -> list[str]:
    return list(
        SKU.objects.for_merchant(merchant)
        .exclude(category="")
        .values_list("category", flat=True)
        .distinct()
        .order_by("category")
    )


def sku_detail(*, merchant: Merchant, pk: int) -> SKU | None:
    return (
        SKU.objects.for_merchant(merchant)
        .prefetch_related("supplier_items__supplier")
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class WeeklySales:
    week: dt.date
    units: Decimal
    revenue: Decimal
    stock_out_days: int


def sku_weekly_sales(*, merchant: Merchant, sku: SKU) -> list[WeeklySales]:
    """Weekly totals (weeks start on Monday), summed in Python: one SKU has at most a few
    thousand days, and date truncation differs between databases."""
    weekly: dict[dt.date, list] = {}
    for date, units, revenue, stock_out in (
        SalesDay.objects.for_merchant(merchant)
        .filter(sku=sku)
        .values_list("date", "units", "revenue", "stock_out")
        .order_by("date")
    ):
        week = date - dt.timedelta(days=date.weekday())
        entry = weekly.setdefault(week, [Decimal("0"), Decimal("0"), 0])
        entry[0] += units
        entry[1] += revenue
        entry[2] += int(stock_out)
    return [WeeklySales(week, *values) for week, values in sorted(weekly.items())]


def sku_stock_by_location(*, merchant: Merchant, sku: SKU) -> list[StockLevel]:
    """The latest snapshot per location."""
    levels = (
        StockLevel.objects.for_merchant(merchant)
        .filter(sku=sku)
        .select_related("location")
        .order_by("location__code", "-as_of")
    )
    latest: dict[int, StockLevel] = {}
    for level in levels:
        latest.setdefault(level.location_id, level)
    return list(latest.values())


@dataclass(frozen=True)
class MerchantOverview:
    sku_count: int
    active_sku_count: int
    location_count: int
    supplier_count: int
    first_sales_date: dt.date | None
    last_sales_date: dt.date | None
    units_28d: Decimal
    revenue_28d: Decimal
    last_sync_at: dt.datetime | None
    figures: SummaryFreshness  # of the 28-day figures


def sku_summary_freshness(*, merchant: Merchant) -> SummaryFreshness:
    """The SKU summaries' state for a page, built first if there are none yet."""
    return sku_summaries_current(merchant=merchant)


def merchant_overview(*, merchant: Merchant) -> MerchantOverview:
    sku_counts = SKU.objects.for_merchant(merchant).aggregate(
        total=Count("pk"), active=Count("pk", filter=Q(active=True))
    )
    sales = SalesDay.objects.for_merchant(merchant)
    span = sales.aggregate(first=Min("date"), last=Max("date"), synced=Max("updated_at"))
    figures = sku_summaries_current(merchant=merchant)
    window = SkuSummary.objects.for_merchant(merchant).aggregate(
        units=Sum("units_28d"), revenue=Sum("revenue_28d")
    )
    units_28d = window["units"] or Decimal("0")
    revenue_28d = window["revenue"] or Decimal("0")
    return MerchantOverview(
        sku_count=sku_counts["total"],
        active_sku_count=sku_counts["active"],
        location_count=Location.objects.for_merchant(merchant).count(),
        supplier_count=Supplier.objects.for_merchant(merchant).count(),
        first_sales_date=span["first"],
        last_sales_date=span["last"],
        units_28d=units_28d,
        revenue_28d=revenue_28d,
        last_sync_at=span["synced"],
        figures=figures,
    )


def recent_imports(*, merchant: Merchant, limit: int = 20) -> QuerySet:
    return ImportJob.objects.for_merchant(merchant).select_related("created_by")[:limit]


@dataclass(frozen=True)
class SyncStatus:
    label: str
    rows: int
    last_change: dt.datetime | None


def sync_status(*, merchant: Merchant) -> list[SyncStatus]:
    """Per resource: how many rows Shelfcast holds and when the last one changed."""
    resources = [
        (gettext("SKUs"), SKU),
        (gettext("Locations"), Location),
        (gettext("Suppliers"), Supplier),
        (gettext("Supplier items"), SupplierItem),
        (gettext("Stock levels"), StockLevel),
        (gettext("Daily sales"), SalesDay),
        (gettext("Order lines"), OrderLine),
        (gettext("Promotions"), Promotion),
        (gettext("Purchase orders"), PurchaseOrder),
    ]
    statuses = []
    for label, model in resources:
        summary = model.objects.for_merchant(merchant).aggregate(
            rows=Count("pk"), last=Max("updated_at")
        )
        statuses.append(SyncStatus(label, summary["rows"], summary["last"]))
    return statuses


@dataclass(frozen=True)
class DailyHistory:
    days: list[dt.date]
    # NaN before the series' first sales row (not on sale yet) and on stock-out days; a day
    # without a row after it sold nothing (a sync sends the days that sold), as the forecast
    # reads it
    units: list[float]
    stock_out: list[bool]


def sku_daily_history(
    *, merchant: Merchant, sku: SKU, location_id: int, start: dt.date, end: dt.date
) -> DailyHistory:
    """One SKU's units per calendar day at one location from ``start`` to ``end``, and the
    days it was out of stock (its sales then say nothing of its demand). A day without a
    sales row counts nothing sold once the series has its first row (`DailyHistory`): a
    product that sells on one day in five draws its days between, not five isolated points
    no line joins."""
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    series = SalesDay.objects.for_merchant(merchant).filter(sku=sku, location_id=location_id)
    first = series.order_by("date").values_list("date", flat=True).first()
    values = [0.0 if first is not None and day >= first else float("nan") for day in days]
    stock_out = [False] * len(days)
    for date, units, out in series.filter(date__gte=start, date__lte=end).values_list(
        "date", "units", "stock_out"
    ):
        if out:
            stock_out[(date - start).days] = True
            values[(date - start).days] = float("nan")
        else:
            values[(date - start).days] = float(units)
    return DailyHistory(days, values, stock_out)


def sku_promotions(
    *, merchant: Merchant, sku: SKU, location_id: int, start: dt.date, end: dt.date
) -> list[Promotion]:
    """Promotions of the SKU or its category, at the location or everywhere, that overlap
    ``start``..``end``."""
    target = Q(sku=sku)
    if sku.category:
        target |= Q(sku__isnull=True, category=sku.category)
    return list(
        Promotion.objects.for_merchant(merchant)
        .filter(target, Q(location_id=location_id) | Q(location__isnull=True))
        .filter(start_date__lte=end, end_date__gte=start)
        .order_by("start_date", "code")
    )


def location_calendar_events(
    *, merchant: Merchant, location_id: int, start: dt.date, end: dt.date
) -> list[CalendarEvent]:
    """Calendar events at the location or everywhere (hand-entered and built-in) that overlap
    ``start``..``end``: the days a forecast of that location takes as events."""
    return list(
        CalendarEvent.objects.for_merchant(merchant)
        .filter(Q(location_id=location_id) | Q(location__isnull=True))
        .filter(start_date__lte=end, end_date__gte=start)
        .order_by("start_date", "code")
    )


@dataclass(frozen=True)
class Incoming:
    number: str
    expected: dt.date | None
    units: float


def sku_incoming(*, merchant: Merchant, sku: SKU, location_id: int) -> list[Incoming]:
    """What open purchase orders still bring of the SKU to the location."""
    lines = (
        PurchaseOrderLine.objects.for_merchant(merchant)
        .filter(
            sku=sku,
            purchase_order__location_id=location_id,
            purchase_order__status__in=PurchaseOrder.OPEN_STATUSES,
        )
        .values_list(
            "purchase_order__number",
            "purchase_order__expected_arrival",
            "quantity_ordered",
            "quantity_received",
        )
        .order_by("purchase_order__expected_arrival", "purchase_order__number")
    )
    return [
        Incoming(number, expected, float(ordered - received))
        for number, expected, ordered, received in lines
        if ordered > received
    ]


# -- purchase orders ----------------------------------------------------------------------------
ORDER_TOTAL = Sum(
    F("lines__quantity_ordered") * F("lines__unit_cost"),
    output_field=DecimalField(max_digits=28, decimal_places=7),
)


def purchase_orders(*, merchant: Merchant, status: str | None = None) -> QuerySet[PurchaseOrder]:
    """The store's purchase orders, the latest first, each with ``line_count`` and ``total``
    (lines without a unit cost count nothing)."""
    orders = (
        PurchaseOrder.objects.for_merchant(merchant)
        .select_related("supplier", "location")
        .annotate(line_count=Count("lines"), total=ORDER_TOTAL)
        .order_by("-order_date", "-pk")
    )
    return orders.filter(status=status) if status else orders


def purchase_order(*, merchant: Merchant, pk: int) -> PurchaseOrder | None:
    """One order with its lines (SKU code order) and its audit trail (latest first)."""
    return (
        purchase_orders(merchant=merchant)
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=PurchaseOrderLine.objects.for_merchant(merchant)
                .select_related("sku")
                .order_by("sku__code"),
            ),
            Prefetch(
                "events",
                queryset=PurchaseOrderEvent.objects.for_merchant(merchant).select_related("actor"),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def purchase_order_lines(
    *, merchant: Merchant, status: str | None = None
) -> QuerySet[PurchaseOrderLine]:
    """Every line of the store's orders (of one status), with its order, for the export."""
    lines = (
        PurchaseOrderLine.objects.for_merchant(merchant)
        .select_related("purchase_order__supplier", "purchase_order__location", "sku")
        .order_by("-purchase_order__order_date", "purchase_order__number", "sku__code")
    )
    return lines.filter(purchase_order__status=status) if status else lines

"""Order and invoice lines: stored with the customer pseudonymised, then aggregated into the
daily sales of every (SKU, location, day) the batch touched."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Case, Count, DecimalField, F, Q, Sum, Value, When
from django.utils.translation import gettext_noop

from accounts.models import Merchant
from inventory.ingest import columns as c
from inventory.ingest.batches import IngestRejected, IngestResult
from inventory.ingest.pseudonyms import pseudonymise
from inventory.ingest.resources import (
    LOCATION_CODE,
    SALES,
    SKU_CODE,
    Resource,
    optional,
)
from inventory.ingest.row_messages import RowMessage
from inventory.ingest.upsert import UpsertCounts, lock_referenced, upsert
from inventory.ingest.validation import RowError, validate
from inventory.models import MONEY, QUANTITY, SKU, Location, OrderLine, SalesDay

RESOURCE_NAME = "order-lines"

ORDER_LINES = Resource(
    name=RESOURCE_NAME,
    label="order lines",
    model=OrderLine,
    key=("order_id", "sku_id", "line"),
    columns=(
        c.column(
            "order_id",
            c.text(64, blank=False),
            required=True,
            aliases=("invoice", "invoiceno", "invoice_no", "order", "order_number"),
        ),
        c.column("line", c.integer(minimum=1)),
        c.column(
            "ordered_at",
            c.sales_datetime,
            required=True,
            aliases=("invoicedate", "invoice_date", "order_date", "timestamp", "created"),
        ),
        SKU_CODE,
        optional(LOCATION_CODE),
        c.column("quantity", c.decimal(**QUANTITY), required=True, aliases=("qty",)),
        # Negative prices exist (bad-debt adjustments, credits): kept, but never counted as
        # sales (see aggregate_days).
        c.column("unit_price", c.decimal(**MONEY), required=True, aliases=("unitprice", "price")),
        c.column(
            "customer_id",
            c.text(128),
            default="",
            aliases=("customerid", "customer", "customer_number"),
            personal=True,
        ),
        c.column("country", c.text(64), default=""),
    ),
)

STORED = [
    "order_id",
    "line",
    "ordered_at",
    "date",
    "sku_id",
    "location_id",
    "quantity",
    "unit_price",
    "customer_hash",
    "country",
]


def _default_location(merchant: Merchant) -> int | None:
    """A merchant with one location need not name it on every line."""
    ids = list(Location.objects.for_merchant(merchant).values_list("id", flat=True)[:2])
    return ids[0] if len(ids) == 1 else None


def ingest(
    *, merchant: Merchant, rows: Any, row_offset: int = 0, line_counter: Counter | None = None
):
    """``line_counter`` carries line numbering across the chunks of one file, so an order
    split between two chunks still numbers its lines once."""
    validated = validate(ORDER_LINES, merchant, rows, row_offset=row_offset)
    default_location = None
    if any(row is not None and row.get("location_id") is None for row in validated.rows):
        default_location = _default_location(merchant)
    zone = ZoneInfo(merchant.timezone)
    occurrences: Counter = line_counter if line_counter is not None else Counter()
    seen: dict[tuple, int] = {}
    for index, row in enumerate(validated.rows):
        if row is None:
            continue
        number = index + row_offset
        if row.get("location_id") is None and not any(
            error.row == number and error.field == "location" for error in validated.errors
        ):
            if default_location is None:
                validated.add_error(
                    RowError(
                        number,
                        "location",
                        None,
                        gettext_noop("is required (the store has several locations, or none yet)"),
                    )
                )
            row["location_id"] = default_location
        if row.get("line") is None:
            # Without line numbers, the n-th line of a SKU in an order is line n: a retried
            # batch numbers its lines the same way, so nothing is counted twice.
            occurrences[(row["order_id"], row.get("sku_id"))] += 1
            row["line"] = occurrences[(row["order_id"], row.get("sku_id"))]
        key = (row["order_id"], row.get("sku_id"), row["line"])
        if row.get("sku_id") is not None:
            first = seen.setdefault(key, index)
            if first != index:
                validated.add_error(
                    RowError(
                        number,
                        "line",
                        row["line"],
                        RowMessage(
                            gettext_noop("duplicates row %(row)s (same order, SKU and line)"),
                            {"row": first + row_offset},
                        ),
                    )
                )
        if row.get("ordered_at") is not None:
            row["date"] = row["ordered_at"].astimezone(zone).date()
        # The raw customer id goes no further than this line.
        row["customer_hash"] = pseudonymise(
            key=merchant.customer_key, customer_id=row.pop("customer_id", "") or ""
        )
    if validated.error_count:
        raise IngestRejected(validated.errors, validated.error_count)

    lock_referenced(SKU, {row["sku_id"] for row in validated.rows})
    lock_referenced(Location, {row["location_id"] for row in validated.rows})
    touched = _days_of_existing_lines(merchant, validated.rows)
    counts = upsert(
        model=OrderLine,
        merchant_id=merchant.pk,
        key=ORDER_LINES.key,
        attributes=STORED,
        update=[a for a in STORED if a not in {"order_id", "sku_id", "line"}],
        rows=[tuple(row[a] for a in STORED) for row in validated.rows],
    )
    touched |= {(row["sku_id"], row["location_id"], row["date"]) for row in validated.rows}
    try:
        days = aggregate_days(merchant, touched)
    except DayTotalsTooLarge as too_large:
        raise IngestRejected(_rows_of_days(validated.rows, too_large.days, row_offset)) from None
    return IngestResult(
        resource=RESOURCE_NAME,
        rows=len(validated.rows),
        counts=counts,
        details={"sales_days": days.as_dict()},
    )


class DayTotalsTooLarge(Exception):
    """Some days' totals would not fit the daily sales columns; nothing of them was written.
    ``days`` maps each such (sku_id, location_id, date) to the column it overflows."""

    def __init__(self, days: dict[tuple, str]):
        self.days = days
        super().__init__(f"{len(days)} days too large for daily sales")


# A day's totals an order line adds to, as an error names them.
DAY_TOTALS = {
    "units": gettext_noop("units"),
    "units_returned": gettext_noop("units returned"),
    "revenue": gettext_noop("revenue"),
    "average_price": gettext_noop("average price"),
}


def _digits_before_point(attribute: str) -> int:
    field = SalesDay._meta.get_field(attribute)
    return field.max_digits - field.decimal_places


def _day_limit(attribute: str) -> Decimal:
    """The first magnitude the daily sales column cannot store."""
    return Decimal(10) ** _digits_before_point(attribute)


def _rows_of_days(rows: list[dict], days: dict[tuple, str], row_offset: int) -> list[RowError]:
    """Each line of the batch on a day whose totals overflow, named by its quantity (every
    total is built from it)."""
    errors = []
    for index, row in enumerate(rows):
        attribute = days.get((row["sku_id"], row["location_id"], row["date"]))
        if attribute is None:
            continue
        message = RowMessage(
            gettext_noop(
                "makes its day's %(label)s (all lines of this SKU and location that day) too "
                "large for daily sales (at most %(count)s digits before the point)"
            ),
            {
                "label": DAY_TOTALS.get(attribute, attribute),
                "count": _digits_before_point(attribute),
            },
        )
        errors.append(RowError(index + row_offset, "quantity", str(row["quantity"]), message))
    return errors or [RowError(-1, "quantity", None, gettext_noop("a day's totals are too large"))]


def _days_of_existing_lines(merchant: Merchant, rows: list[dict]) -> set[tuple]:
    """Days the batch's lines were on before (a corrected timestamp moves a line's day)."""
    order_ids = sorted({row["order_id"] for row in rows})
    days: set[tuple] = set()
    for start in range(0, len(order_ids), 5000):
        days.update(
            OrderLine.objects.for_merchant(merchant)
            .filter(order_id__in=order_ids[start : start + 5000])
            .values_list("sku_id", "location_id", "date")
        )
    return days


def aggregate_days(merchant: Merchant, days: set[tuple[int, int, dt.date]]) -> UpsertCounts:
    """Recompute daily sales of ``days`` from all their order lines: units and revenue of sold
    lines (positive quantity at a price), returns, distinct customers."""
    if not days:
        return UpsertCounts()
    dates = [day for _, _, day in days]
    sku_ids = sorted({sku for sku, _, _ in days})
    money = DecimalField(max_digits=14, decimal_places=4)
    sold = Q(quantity__gt=0, unit_price__gt=0)
    totals = (
        OrderLine.objects.for_merchant(merchant)
        .filter(date__gte=min(dates), date__lte=max(dates))
        .values("sku_id", "location_id", "date")
        .annotate(
            units=Sum(Case(When(sold, then=F("quantity")), default=Value(Decimal("0")))),
            returned=Sum(
                Case(When(quantity__lt=0, then=-F("quantity")), default=Value(Decimal("0")))
            ),
            revenue=Sum(
                Case(
                    When(sold, then=F("quantity") * F("unit_price")),
                    default=Value(Decimal("0")),
                    output_field=money,
                ),
                output_field=money,
            ),
            customers=Count("customer_hash", distinct=True, filter=sold & ~Q(customer_hash="")),
        )
    )
    if len(sku_ids) <= 5000:
        totals = totals.filter(sku_id__in=sku_ids)
    attributes = SALES.attributes
    rows = []
    found = set()
    overflowing: dict[tuple, str] = {}
    for total in totals:
        key = (total["sku_id"], total["location_id"], total["date"])
        if key not in days:
            continue
        found.add(key)
        sums = {
            "units": Decimal(total["units"] or 0),
            "units_returned": Decimal(total["returned"] or 0),
            "revenue": Decimal(total["revenue"] or 0),
        }
        # Each line fits its own columns, but a day's many lines (or a large quantity at a
        # large price) need not fit the day's: checked before any rounding or writing.
        too_large = [name for name, value in sums.items() if abs(value) >= _day_limit(name)]
        if too_large:
            overflowing[key] = too_large[0]
            continue
        units = sums["units"].quantize(Decimal("0.001"))
        revenue = sums["revenue"].quantize(Decimal("0.0001"))
        returned = sums["units_returned"].quantize(Decimal("0.001"))
        average = (revenue / units).quantize(Decimal("0.0001")) if units > 0 else None
        if average is not None and average >= _day_limit("average_price"):
            overflowing[key] = "average_price"  # rounding can carry a price over the limit
            continue
        rows.append((*key, units, returned, revenue, average, total["customers"], False, False))
    if overflowing:
        raise DayTotalsTooLarge(overflowing)
    zero = Decimal("0")
    # A day whose lines all moved elsewhere keeps its row, emptied.
    rows.extend((*key, zero, zero, zero, None, 0, False, False) for key in days - found)
    return upsert(
        model=SalesDay,
        merchant_id=merchant.pk,
        key=SALES.key,
        attributes=attributes,
        update=["units", "units_returned", "revenue", "average_price", "customers"],
        rows=rows,
    )

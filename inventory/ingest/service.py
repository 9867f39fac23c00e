"""The entry point for every write of ingested data: the API and CSV imports call `ingest`.

All or nothing: a batch is validated completely first; any error refuses the whole batch with
every bad row listed, and nothing is written. A valid batch is written in one transaction, as
the merchant (row-level security applies), with set-based statements only.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext_noop

from accounts.errors import DomainError
from accounts.models import Merchant
from accounts.tenancy import tenant_context
from inventory.ingest import order_lines, purchase_orders
from inventory.ingest.batches import IngestRejected, IngestResult, write_rows
from inventory.ingest.resources import (
    CALENDAR_EVENTS,
    PROMOTIONS,
    RESOURCES,
    SALES,
    SKUS,
    STOCK_LEVELS,
)
from inventory.ingest.row_messages import RowMessage
from inventory.ingest.upsert import upsert
from inventory.ingest.validation import RowError, Validated, validate
from inventory.models import SalesDay, StockLevel
from inventory.summaries import catalogue_changed

# what the SKU summaries are built from (`inventory.summaries`)
SUMMARISED = {SKUS.name, SALES.name, STOCK_LEVELS.name, order_lines.RESOURCE_NAME}

INGESTIBLE = (*RESOURCES, order_lines.RESOURCE_NAME)


def too_many_rows(count: int | None = None) -> IngestRejected:
    """The refusal of a batch past `API_MAX_ROWS_PER_REQUEST` (``count`` when known: a CSV
    body stops being read at the limit)."""
    limit = settings.API_MAX_ROWS_PER_REQUEST
    return IngestRejected(
        [
            RowError(
                -1,
                "",
                count,
                RowMessage(
                    gettext_noop("at most %(limit)s rows per request; split the batch"),
                    {"limit": f"{limit:,}"},
                ),
            )
        ]
    )


# The advisory-lock namespace of one store's writes of facts (imports and syncs).
STORE_WRITES_LOCK = 0x53484C46
LOCK_NOT_AVAILABLE = "55P03"


class StoreBusy(DomainError):
    """An import of the store is running; the batch was not written. Sent again later (with
    the same Idempotency-Key), it is written once."""

    status_code = 503
    problem_type = "store-busy"

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(
            "An import of this store is running; nothing was written. "
            f"Send the batch again in {retry_after} seconds."
        )

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}

    def response_data(self) -> dict[str, Any]:
        return {"detail": str(self), "retry_after_seconds": self.retry_after}


def hold_store_writes(merchant: Merchant, *, exclusive: bool) -> None:
    """Until the transaction ends, hold the store's write lock: exclusive for an import,
    shared for a sync. An import is one long transaction writing its file chunk by chunk, so
    a sync writing some of the same rows meanwhile could hold one the import needs next while
    waiting for one the import holds: a deadlock. Syncs share the lock (their rows go in key
    order, so they only ever queue behind each other); an import waits for the syncs under
    way, and syncs arriving during an import wait up to `STORE_BUSY_WAIT_SECONDS`, then are
    answered `StoreBusy` (503, Retry-After). SQLite serialises writers: nothing to do."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if exclusive:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [STORE_WRITES_LOCK, merchant.pk])
            return
        wait_ms = int(settings.STORE_BUSY_WAIT_SECONDS * 1000)
        cursor.execute(
            "SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
            [f"{wait_ms}ms"],
        )
        previous = cursor.fetchone()[0]
        try:
            cursor.execute(
                "SELECT pg_advisory_xact_lock_shared(%s, %s)", [STORE_WRITES_LOCK, merchant.pk]
            )
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
                raise StoreBusy(retry_after=settings.STORE_BUSY_RETRY_AFTER_SECONDS) from error
            raise
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])


def ingest(
    *,
    merchant: Merchant,
    resource_name: str,
    rows: Any,
    row_offset: int = 0,
    line_counter: Counter | None = None,
) -> IngestResult:
    """Validate and write one batch as ``merchant``; raises `IngestRejected` with every bad
    row, having written nothing."""
    with transaction.atomic(), tenant_context(merchant):
        hold_store_writes(merchant, exclusive=False)  # an import holds it already: no wait
        result = _ingest(
            merchant=merchant,
            resource_name=resource_name,
            rows=rows,
            row_offset=row_offset,
            line_counter=line_counter,
        )
        if result.resource in SUMMARISED:
            transaction.on_commit(lambda: catalogue_changed(merchant=merchant))
        return result


def _ingest(
    *,
    merchant: Merchant,
    resource_name: str,
    rows: Any,
    row_offset: int,
    line_counter: Counter | None,
) -> IngestResult:
    if resource_name not in INGESTIBLE:
        raise IngestRejected(
            [RowError(-1, "resource", resource_name, gettext_noop("unknown resource"))]
        )
    if isinstance(rows, list) and len(rows) > settings.API_MAX_ROWS_PER_REQUEST:
        raise too_many_rows(len(rows))
    if resource_name == order_lines.RESOURCE_NAME:
        return order_lines.ingest(
            merchant=merchant, rows=rows, row_offset=row_offset, line_counter=line_counter
        )
    if resource_name == purchase_orders.RESOURCE_NAME:
        return purchase_orders.ingest(merchant=merchant, rows=rows, row_offset=row_offset)
    resource = RESOURCES[resource_name]
    validated = validate(resource, merchant, rows, row_offset=row_offset)
    if resource in (PROMOTIONS, CALENDAR_EVENTS):
        _check_date_spans(validated, row_offset)
    if resource is PROMOTIONS:
        _check_promotions(validated, row_offset)
    if validated.error_count:
        raise IngestRejected(validated.errors, validated.error_count)
    counts = write_rows(resource=resource, merchant=merchant, validated=validated)
    if resource is STOCK_LEVELS:
        _mark_stock_outs_from_snapshots(merchant, validated.rows)
    elif resource is SALES:
        _mark_stock_outs_for_sales(merchant, validated.rows)
    return IngestResult(resource=resource.name, rows=len(validated.rows), counts=counts)


def _check_date_spans(validated: Validated, row_offset: int) -> None:
    for index, row in enumerate(validated.rows):
        if row is None:
            continue
        start, end = row.get("start_date"), row.get("end_date")
        if start and end and end < start:
            validated.add_error(
                RowError(
                    index + row_offset, "end_date", str(end), gettext_noop("is before start_date")
                )
            )


def _check_promotions(validated: Validated, row_offset: int) -> None:
    for index, row in enumerate(validated.rows):
        if row is None:
            continue
        number = index + row_offset
        has_sku = row.get("sku_id") is not None or bool(row.get("sku"))
        has_category = bool(row.get("category"))
        if has_sku == has_category:
            validated.add_error(
                RowError(
                    number,
                    "sku",
                    row.get("sku"),
                    gettext_noop("give either a sku or a category, not both"),
                )
            )


# -- stock-out days ------------------------------------------------------------------------------
def _local_date(moment: dt.datetime, zone: ZoneInfo) -> dt.date:
    return moment.astimezone(zone).date()


def mark_stock_out_days(merchant: Merchant, days: Iterable[tuple[int, int, dt.date]]) -> int:
    """Flag (sku_id, location_id, date) as stock-out days, creating zero-sales days where the
    day has no row yet, so forecasting reads them as censored, not as zero demand."""
    attributes = SALES.attributes
    zero = Decimal("0")
    rows = [
        (sku, location, date, zero, zero, zero, None, None, False, True)
        for sku, location, date in sorted(set(days))
    ]
    counts = upsert(
        model=SalesDay,
        merchant_id=merchant.pk,
        key=SALES.key,
        attributes=attributes,
        update=["stock_out"],
        rows=rows,
    )
    return counts.created + counts.updated


def _mark_stock_outs_from_snapshots(merchant: Merchant, rows: list[dict]) -> None:
    zone = ZoneInfo(merchant.timezone)
    days = [
        (row["sku_id"], row["location_id"], _local_date(row["as_of"], zone))
        for row in rows
        if row["on_hand"] <= 0
    ]
    if days:
        mark_stock_out_days(merchant, days)


def _mark_stock_outs_for_sales(merchant: Merchant, rows: list[dict]) -> None:
    """Sales arriving for a day that already has a zero-stock snapshot keep the flag."""
    if not rows:
        return
    zone = ZoneInfo(merchant.timezone)
    dates = [row["date"] for row in rows]
    start = dt.datetime.combine(min(dates) - dt.timedelta(days=1), dt.time(), dt.UTC)
    end = dt.datetime.combine(max(dates) + dt.timedelta(days=2), dt.time(), dt.UTC)
    sku_ids = {row["sku_id"] for row in rows}
    snapshots = StockLevel.objects.for_merchant(merchant).filter(
        on_hand__lte=0, as_of__gte=start, as_of__lt=end
    )
    if len(sku_ids) <= 5000:
        snapshots = snapshots.filter(sku_id__in=sku_ids)
    zero_days = {
        (sku, location, _local_date(as_of, zone))
        for sku, location, as_of in snapshots.values_list("sku_id", "location_id", "as_of")
    }
    wanted = {(row["sku_id"], row["location_id"], row["date"]) for row in rows}
    days = zero_days & wanted
    if days:
        mark_stock_out_days(merchant, days)

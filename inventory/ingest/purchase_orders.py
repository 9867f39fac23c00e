"""Open purchase orders with their lines: an order is upserted by number and its lines are
replaced by the ones sent (a line left out of a resent order is removed)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from accounts.models import Merchant
from inventory.ingest.batches import IngestRejected, IngestResult, write_rows
from inventory.ingest.resources import PURCHASE_ORDER_LINES, PURCHASE_ORDERS
from inventory.ingest.upsert import upsert
from inventory.ingest.validation import RowError, validate
from inventory.models import PurchaseOrder, PurchaseOrderLine

RESOURCE_NAME = PURCHASE_ORDERS.name
LINE_ATTRIBUTES = [
    "purchase_order_id",
    "sku_id",
    "quantity_ordered",
    "quantity_received",
    "unit_cost",
]


def ingest(*, merchant: Merchant, rows: Any, row_offset: int = 0):
    if not isinstance(rows, list):
        raise IngestRejected([RowError(-1, "", None, gettext_noop("expected a list of rows"))])
    headers, line_sets = [], []
    for row in rows:
        if isinstance(row, dict):
            row = dict(row)
            line_sets.append(row.pop("lines", []))
        else:
            line_sets.append([])
        headers.append(row)
    validated = validate(PURCHASE_ORDERS, merchant, headers, row_offset=row_offset)
    all_lines: list[tuple[int, dict]] = []
    for index, lines in enumerate(line_sets):
        number = index + row_offset
        if not isinstance(lines, list):
            validated.add_error(
                RowError(number, "lines", None, gettext_noop("must be a list of lines"))
            )
            continue
        checked = validate(PURCHASE_ORDER_LINES, merchant, lines)
        for error in checked.errors:
            validated.add_error(
                RowError(number, f"lines[{error.row}].{error.field}", error.value, error.message)
            )
        skus = [line.get("sku_id") for line in checked.rows if line]
        if len(skus) != len(set(skus)):
            validated.add_error(
                RowError(number, "lines", None, gettext_noop("a SKU appears on two lines"))
            )
        all_lines.extend((index, line) for line in checked.rows if line)
    if validated.error_count:
        raise IngestRejected(validated.errors, validated.error_count)

    counts = write_rows(resource=PURCHASE_ORDERS, merchant=merchant, validated=validated)
    numbers = [row["number"] for row in validated.rows]
    ids = dict(
        PurchaseOrder.objects.for_merchant(merchant)
        .filter(number__in=numbers)
        .values_list("number", "id")
    )
    order_ids = [ids[number] for number in numbers]
    line_rows = [
        (
            order_ids[index],
            line["sku_id"],
            line["quantity_ordered"],
            line["quantity_received"],
            line["unit_cost"],
        )
        for index, line in all_lines
    ]
    kept = {(order, sku) for order, sku, *_ in line_rows}
    stale = [
        pk
        for pk, order, sku in PurchaseOrderLine.objects.for_merchant(merchant)
        .filter(purchase_order_id__in=order_ids)
        .values_list("pk", "purchase_order_id", "sku_id")
        if (order, sku) not in kept
    ]
    removed = 0
    if stale:
        removed, _ = PurchaseOrderLine.objects.for_merchant(merchant).filter(pk__in=stale).delete()
    line_counts = upsert(
        model=PurchaseOrderLine,
        merchant_id=merchant.pk,
        key=PURCHASE_ORDER_LINES.key,
        attributes=LINE_ATTRIBUTES,
        update=LINE_ATTRIBUTES,
        rows=line_rows,
    )
    return IngestResult(
        resource=RESOURCE_NAME,
        rows=len(validated.rows),
        counts=counts,
        details={"lines": {**line_counts.as_dict(), "removed": removed}},
    )

"""Receiving an order, whole or per line, into stock; and cancelling one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.errors import DomainError
from accounts.models import Merchant, User
from inventory import summaries
from inventory.models import PurchaseOrder, PurchaseOrderLine, StockLevel
from inventory.services.lifecycle import (
    ZERO,
    Action,
    Status,
    TransitionRefused,
    check_transition,
    locked_order,
    record_step,
)


@transaction.atomic
def purchase_order_receive(
    *,
    merchant: Merchant,
    pk: int,
    quantities: dict[int, Decimal] | None,
    actor: User | None,
    via: str = "",
) -> PurchaseOrder:
    """Receive units of a sent order: ``quantities`` maps line ids to the units that arrived
    (None: everything still open). Each SKU's stock at the order's location gets a new
    snapshot, its latest on hand plus what arrived; the lines' received quantities grow, so
    what is still open stays on order. The order is received once every line is, partly
    received before. More than a line still expects is refused, naming the line."""
    order = locked_order(merchant, pk)
    if order.status not in PurchaseOrder.OPEN_STATUSES:
        raise TransitionRefused(
            gettext("Purchase order %(number)s is %(state)s: only a sent order can be received.")
            % {"number": order.number, "state": order.get_status_display().lower()}
        )
    lines = {
        line.pk: line
        for line in PurchaseOrderLine.objects.for_merchant(merchant)
        .select_for_update(of=("self",))
        .select_related("sku")
        .filter(purchase_order=order)
    }
    arrived = _arrivals(order, lines, quantities)
    now = timezone.now()
    for pk, quantity in arrived.items():
        line = lines[pk]
        line.quantity_received += quantity
        line.save(update_fields=["quantity_received", "updated_at"])
    _add_to_stock(
        merchant,
        order.location_id,
        {lines[pk].sku_id: quantity for pk, quantity in arrived.items()},
        now,
    )
    before = order.status
    complete = all(line.quantity_received >= line.quantity_ordered for line in lines.values())
    order.status = Status.RECEIVED if complete else Status.PARTLY_RECEIVED
    order.received_at = now if complete else None
    order.save(update_fields=["status", "received_at", "updated_at"])
    record_step(
        order,
        Action.RECEIVED,
        actor=actor,
        via=via,
        changes={
            "status": [before, order.status],
            "lines": {lines[pk].sku.code: str(quantity) for pk, quantity in arrived.items()},
        },
    )
    transaction.on_commit(lambda: summaries.catalogue_changed(merchant=merchant))
    return order


def _arrivals(
    order: PurchaseOrder,
    lines: dict[int, PurchaseOrderLine],
    quantities: dict[int, Decimal] | None,
) -> dict[int, Decimal]:
    """Line id -> the units that arrived, above zero (None: everything still open); refused
    when a line is not the order's, a quantity is negative, nothing arrived, or more arrived
    than a line still expects."""
    if quantities is None:
        quantities = {pk: line.quantity_open for pk, line in lines.items()}
    if set(quantities) - set(lines):
        raise DomainError(
            gettext("Not a line of purchase order %(number)s.") % {"number": order.number}
        )
    if any(quantity < 0 for quantity in quantities.values()):
        raise DomainError(gettext("A received quantity must not be negative."))
    arrived = {pk: quantity for pk, quantity in quantities.items() if quantity > 0}
    if not arrived:
        raise DomainError(gettext("Nothing to receive: give a quantity above zero."))
    over = [
        f"{lines[pk].sku.code}: {quantity.normalize():f} arrived but only "
        f"{lines[pk].quantity_open.normalize():f} of {lines[pk].quantity_ordered.normalize():f}"
        " is still expected"
        for pk, quantity in arrived.items()
        if quantity > lines[pk].quantity_open
    ]
    if over:
        raise DomainError(
            gettext(
                "More than ordered cannot be received; check the delivery or raise the "
                "order in the ERP. %(lines)s."
            )
            % {"lines": "; ".join(over)}
        )
    return arrived


def _add_to_stock(
    merchant: Merchant, location_id: int, arrived: dict[int, Decimal], at: dt.datetime
) -> None:
    """A new stock snapshot per SKU at ``at``: the latest on hand plus what arrived (the
    units promised to customers stay as they were)."""
    latest: dict[int, StockLevel] = {}
    for level in (
        StockLevel.objects.for_merchant(merchant)
        .filter(location_id=location_id, sku_id__in=arrived, as_of__lte=at)
        .order_by("sku_id", "-as_of")
    ):
        latest.setdefault(level.sku_id, level)
    StockLevel.objects.bulk_create(
        [
            StockLevel(
                merchant=merchant,
                sku_id=sku_id,
                location_id=location_id,
                on_hand=(latest[sku_id].on_hand if sku_id in latest else ZERO) + quantity,
                committed=latest[sku_id].committed if sku_id in latest else ZERO,
                as_of=at,
            )
            for sku_id, quantity in arrived.items()
        ]
    )


@transaction.atomic
def purchase_order_cancel(
    *, merchant: Merchant, pk: int, actor: User | None, via: str = "", reason: str = ""
) -> PurchaseOrder:
    """Cancel a draft or a sent order (nothing of it has arrived): it no longer counts as on
    order. The supplier of a sent one is to be told by the person cancelling."""
    order = locked_order(merchant, pk)
    check_transition(order, Status.CANCELLED)
    before = order.status
    order.status = Status.CANCELLED
    order.cancelled_at = timezone.now()
    order.save(update_fields=["status", "cancelled_at", "updated_at"])
    changes = {"status": [before, Status.CANCELLED]}
    if reason.strip():
        changes["reason"] = reason.strip()[:500]
    record_step(order, Action.CANCELLED, actor=actor, via=via, changes=changes)
    return order

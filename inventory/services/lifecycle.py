"""What every step of a purchase order shares: the statuses each may become, the order
locked for the step, its number, and the step kept in its history and announced."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext, gettext_lazy

from accounts.errors import DomainError
from accounts.models import Merchant, User
from core import workflow_events
from inventory.models import PurchaseOrder, PurchaseOrderEvent

Status = PurchaseOrder.Status
Action = PurchaseOrderEvent.Action
NUMBER_PREFIX = "SC-"
NUMBER_DIGITS = 6
QUANTITY_PLACES = Decimal("0.001")
ZERO = Decimal("0")

# What each status may become; anything else is refused.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SENT, Status.CANCELLED}),
    Status.SENT: frozenset({Status.PARTLY_RECEIVED, Status.RECEIVED, Status.CANCELLED}),
    Status.PARTLY_RECEIVED: frozenset({Status.PARTLY_RECEIVED, Status.RECEIVED}),
    Status.RECEIVED: frozenset(),
    Status.CANCELLED: frozenset(),
}
# The steps that change an order's state, each announced (`_emit_state`).
STATE_ACTIONS = frozenset({Action.CREATED, Action.SENT, Action.RECEIVED, Action.CANCELLED})
VERBS = {
    Status.SENT: gettext_lazy("sent"),
    Status.RECEIVED: gettext_lazy("received"),
    Status.PARTLY_RECEIVED: gettext_lazy("received"),
    Status.CANCELLED: gettext_lazy("cancelled"),
}


class TransitionRefused(DomainError):
    """The order's status does not allow the step (e.g. cancelling a received order): a
    refused request (400), as every rule of the store's data is."""


def round_to_terms(quantity: Decimal, *, pack_size: Decimal, moq: Decimal) -> Decimal:
    """At least the MOQ, rounded up to whole packs (as reorder suggestions are)."""
    quantity = max(quantity, moq)
    pack = pack_size if pack_size > 0 else Decimal("1")
    packs = (quantity / pack).to_integral_value(rounding=ROUND_CEILING)
    return (packs * pack).quantize(QUANTITY_PLACES)


def record_step(
    order: PurchaseOrder, action: str, *, actor: User | None, via: str, changes: dict
) -> PurchaseOrderEvent:
    """Keep the step in the order's history; a change of state (and the drafting) is
    announced as ``purchase_order.<state>`` once the transaction commits."""
    if action in STATE_ACTIONS:
        _emit_state(order, "created" if action == Action.CREATED else order.status, changes)
    return PurchaseOrderEvent.record(order, action, actor=actor, via=via, changes=changes)


def _emit_state(order: PurchaseOrder, state: str, changes: dict) -> None:
    """What a receiver needs to fetch the order (GET /api/v1/purchase-orders/<id>/): its id,
    number, states, supplier and location codes and dates; not its lines, nor the supplier's
    address."""
    before = changes.get("status", [None])[0]
    workflow_events.emit(
        merchant_id=order.merchant_id,
        event_type=f"purchase_order.{state}",
        data={
            "purchase_order": order.pk,
            "number": order.number,
            "status": order.status,
            "previous_status": before,
            "source": order.source,
            "supplier": order.supplier.code,
            "location": order.location.code,
            "currency": order.currency,
            "order_date": order.order_date,
            "expected_arrival": order.expected_arrival,
            "sent_at": order.sent_at,
            "received_at": order.received_at,
            "cancelled_at": order.cancelled_at,
        },
    )


def locked_order(merchant: Merchant, pk: int) -> PurchaseOrder:
    """The merchant's order, locked for the step; another merchant's is missing."""
    order = (
        PurchaseOrder.objects.for_merchant(merchant)
        .select_for_update(of=("self",))
        .select_related("supplier", "location")
        .filter(pk=pk)
        .first()
    )
    if order is None:
        raise PurchaseOrder.DoesNotExist
    return order


def check_transition(order: PurchaseOrder, to: str) -> None:
    if to not in TRANSITIONS[order.status]:
        raise TransitionRefused(
            gettext("Purchase order %(number)s is %(state)s: it cannot be %(value)s.")
            % {
                "number": order.number,
                "state": order.get_status_display().lower(),
                "value": VERBS.get(to, to),
            }
        )


def _next_number(merchant: Merchant) -> str:
    """The store's next order number: SC-000001, SC-000002, ... (zero-padded, so the largest
    is also the last in text order)."""
    last = (
        PurchaseOrder.objects.for_merchant(merchant)
        .filter(number__regex=rf"^{NUMBER_PREFIX}[0-9]{{{NUMBER_DIGITS}}}$")
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    following = int(last[len(NUMBER_PREFIX) :]) + 1 if last else 1
    return f"{NUMBER_PREFIX}{following:0{NUMBER_DIGITS}d}"


def create_order(merchant: Merchant, **fields) -> PurchaseOrder:
    """Insert an order under the next free number; a concurrent draft that took the same
    number makes this one try the next."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return PurchaseOrder.objects.create(
                    merchant=merchant, number=_next_number(merchant), **fields
                )
        except IntegrityError:
            continue
    raise DomainError(gettext("Could not number the purchase order; try again."))

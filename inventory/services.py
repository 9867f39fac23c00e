"""Writes of inventory outside ingestion: the life of a purchase order.

Approved reorder suggestions become draft orders, one per supplier and delivery location,
on the supplier's terms (pack, MOQ, unit cost, lead time, currency). A draft's lines can be
edited; sending it fixes it, renders its PDF and emails it to the supplier once the
transaction commits (a worker's task; the order records the send, so it goes once);
receiving, whole or per line, adds the units to stock and leaves open only what is still to
come; a draft or sent order can be cancelled. Every step is a `PurchaseOrderEvent` naming who
and when; a step the order's status does not allow is refused with `TransitionRefused`.

    draft -> sent -> partly received -> received
    draft, sent -> cancelled
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accounts import dispatch, workflow_events
from accounts.errors import DomainError
from accounts.models import Merchant, User
from accounts.tenancy import tenant_context
from inventory import summaries
from inventory.models import (
    SKU,
    Location,
    PurchaseOrder,
    PurchaseOrderEvent,
    PurchaseOrderLine,
    StockLevel,
    Supplier,
    SupplierItem,
)
from inventory.purchase_order_pdf import purchase_order_pdf

logger = logging.getLogger(__name__)

Status = PurchaseOrder.Status
Action = PurchaseOrderEvent.Action
EMAIL_TASK = "inventory.send_purchase_order_task"
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


def merchant_today(merchant: Merchant) -> dt.date:
    return timezone.localdate(timezone=ZoneInfo(merchant.timezone))


def round_to_terms(quantity: Decimal, *, pack_size: Decimal, moq: Decimal) -> Decimal:
    """At least the MOQ, rounded up to whole packs (as reorder suggestions are)."""
    quantity = max(quantity, moq)
    pack = pack_size if pack_size > 0 else Decimal("1")
    packs = (quantity / pack).to_integral_value(rounding=ROUND_CEILING)
    return (packs * pack).quantize(QUANTITY_PLACES)


def _record(
    order: PurchaseOrder, action: str, *, actor: User | None, via: str, changes: dict
) -> PurchaseOrderEvent:
    """Keep the step in the order's history; a change of state (and the drafting) is
    announced as ``purchase_order.<state>`` once the transaction commits."""
    if action in STATE_ACTIONS:
        _emit_state(order, "created" if action == Action.CREATED else order.status, changes)
    return PurchaseOrderEvent.objects.create(
        merchant_id=order.merchant_id,
        purchase_order=order,
        action=action,
        actor=actor,
        via=via,
        changes=changes,
    )


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


def _locked(merchant: Merchant, pk: int) -> PurchaseOrder:
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


def _check_transition(order: PurchaseOrder, to: str) -> None:
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


def _create_order(merchant: Merchant, **fields) -> PurchaseOrder:
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


# -- drafts -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DraftLine:
    """A SKU and quantity to order, with what the caller knows when the supplier's terms for
    the SKU do not say it."""

    sku_id: int
    quantity: Decimal
    unit_cost: Decimal | None = None
    lead_time_days: Decimal | None = None


@transaction.atomic
def purchase_order_draft_add(
    *,
    merchant: Merchant,
    supplier_id: int,
    location_id: int,
    lines: Iterable[DraftLine],
    actor: User | None,
    via: str = "",
) -> PurchaseOrder:
    """Put ``lines`` on the store's draft order from suggestions to this supplier for this
    location, drafting one if there is none (so approving page after page of one supplier's
    lines fills one order). A SKU already on it gets the quantities added. Each line takes the
    supplier's terms for the SKU: rounded up to its packs and at least its MOQ, at its unit
    cost (else the SKU's cost, else the line's); the expected date is the order date plus the
    longest lead time of its lines; the currency is the supplier's, else the store's."""
    lines = [line for line in lines if line.quantity > 0]
    supplier = Supplier.objects.for_merchant(merchant).get(pk=supplier_id)
    location = Location.objects.for_merchant(merchant).get(pk=location_id)
    sku_ids = {line.sku_id for line in lines}
    skus = {sku.pk: sku for sku in SKU.objects.for_merchant(merchant).filter(pk__in=sku_ids)}
    if len(skus) != len(sku_ids):
        raise DomainError(gettext("No such SKU."))
    items = {
        item.sku_id: item
        for item in SupplierItem.objects.for_merchant(merchant).filter(
            supplier=supplier, sku_id__in=sku_ids
        )
    }
    order = (
        PurchaseOrder.objects.for_merchant(merchant)
        .select_for_update()
        .filter(
            supplier=supplier,
            location=location,
            status=Status.DRAFT,
            source=PurchaseOrder.Source.SUGGESTED,
        )
        .order_by("pk")
        .first()
    )
    created = order is None
    today = merchant_today(merchant)
    if created:
        order = _create_order(
            merchant,
            supplier=supplier,
            location=location,
            status=Status.DRAFT,
            source=PurchaseOrder.Source.SUGGESTED,
            currency=supplier.currency or merchant.currency,
            order_date=today,
            created_by=actor,
        )
    existing = {
        line.sku_id: line
        for line in PurchaseOrderLine.objects.for_merchant(merchant)
        .select_for_update()
        .filter(purchase_order=order)
    }
    lead_days = (order.expected_arrival - order.order_date).days if order.expected_arrival else 0
    added: dict[str, str] = {}
    new_lines: list[PurchaseOrderLine] = []
    changed_lines: dict[int, PurchaseOrderLine] = {}
    for draft in lines:
        item = items.get(draft.sku_id)
        sku = skus[draft.sku_id]
        pack = item.pack_size if item else Decimal("1")
        moq = item.moq if item else ZERO
        cost = next(
            (
                value
                for value in (item.unit_cost if item else None, sku.unit_cost, draft.unit_cost)
                if value is not None
            ),
            None,
        )
        lead = item.lead_time_mean_days if item else draft.lead_time_days
        if lead is not None:
            lead_days = max(lead_days, int(lead.to_integral_value(rounding=ROUND_CEILING)))
        line = existing.get(draft.sku_id)
        wanted = draft.quantity + (line.quantity_ordered if line else ZERO)
        quantity = round_to_terms(wanted, pack_size=pack, moq=moq)
        if line is None:
            line = PurchaseOrderLine(merchant=merchant, purchase_order=order, sku=sku)
            existing[draft.sku_id] = line
            new_lines.append(line)
        elif line.pk is not None:
            changed_lines[line.pk] = line
        line.quantity_ordered, line.unit_cost, line.pack_size, line.moq = quantity, cost, pack, moq
        line.updated_at = timezone.now()
        added[sku.code] = str(quantity)
    # set-based: approving every line of a large store drafts thousands of order lines
    PurchaseOrderLine.objects.bulk_create(new_lines, batch_size=1000)
    PurchaseOrderLine.objects.for_merchant(merchant).bulk_update(
        list(changed_lines.values()),
        ["quantity_ordered", "unit_cost", "pack_size", "moq", "updated_at"],
        batch_size=1000,
    )
    order.expected_arrival = order.order_date + dt.timedelta(days=lead_days)
    order.save(update_fields=["expected_arrival", "updated_at"])
    _record(
        order,
        Action.CREATED if created else Action.LINES_ADDED,
        actor=actor,
        via=via,
        changes={"lines": added},
    )
    return order


@dataclass(frozen=True)
class LineEdit:
    order: PurchaseOrder
    quantity: Decimal  # as stored; zero when the line was removed
    note: str  # what rounding did to the asked quantity, for the person who asked


@transaction.atomic
def purchase_order_line_quantity_set(
    *,
    merchant: Merchant,
    pk: int,
    line_pk: int,
    quantity: Decimal,
    actor: User | None,
    via: str = "",
) -> LineEdit:
    """Change what a draft orders of one SKU: rounded up to whole packs and at least the
    supplier's MOQ (the note says so when the asked quantity was raised); zero removes the
    line."""
    order = _locked(merchant, pk)
    line = (
        PurchaseOrderLine.objects.for_merchant(merchant)
        .select_related("sku")
        .filter(purchase_order=order, pk=line_pk)
        .first()
    )
    if line is None:
        raise PurchaseOrder.DoesNotExist
    if order.status != Status.DRAFT:
        raise TransitionRefused(
            gettext("Purchase order %(number)s is %(state)s: only a draft's lines can be changed.")
            % {"number": order.number, "state": order.get_status_display().lower()}
        )
    if quantity < 0:
        raise DomainError(gettext("The quantity must not be negative; zero removes the line."))
    before = line.quantity_ordered
    note = ""
    if quantity == 0:
        line.delete()
        rounded = ZERO
        note = f"{line.sku.code} removed from {order.number}."
    else:
        rounded = round_to_terms(quantity, pack_size=line.pack_size, moq=line.moq)
        if rounded != quantity:
            reason = (
                f"the supplier's minimum order of {line.moq.normalize():f}"
                if quantity < line.moq
                else f"whole packs of {line.pack_size.normalize():f}"
            )
            note = (
                f"{line.sku.code}: {quantity.normalize():f} raised to "
                f"{rounded.normalize():f} ({reason})."
            )
        line.quantity_ordered = rounded
        line.save(update_fields=["quantity_ordered", "updated_at"])
    order.save(update_fields=["updated_at"])
    _record(
        order,
        Action.EDITED,
        actor=actor,
        via=via,
        changes={
            "sku": line.sku.code,
            "quantity": [str(before), str(rounded)],
            "asked": str(quantity),
        },
    )
    return LineEdit(order=order, quantity=rounded, note=note)


# -- sending ------------------------------------------------------------------------------------
@transaction.atomic
def purchase_order_send(
    *, merchant: Merchant, pk: int, actor: User | None, via: str = "", email: bool = True
) -> PurchaseOrder:
    """Send a draft: dated today, expected after the same lead time as drafted, and (unless
    ``email`` is False: ordered by phone or in the supplier's own portal) emailed to the
    supplier with its PDF by a task queued once this transaction commits."""
    order = _locked(merchant, pk)
    _check_transition(order, Status.SENT)
    lines = list(PurchaseOrderLine.objects.for_merchant(merchant).filter(purchase_order=order))
    if not lines or any(line.quantity_ordered <= 0 for line in lines):
        raise DomainError(
            gettext("Purchase order %(number)s has nothing to order.") % {"number": order.number}
        )
    if email and not order.supplier.email:
        raise DomainError(
            gettext(
                "%(name)s has no email address: add one to the supplier (import or "
                "API), or mark the order sent without emailing it."
            )
            % {"name": order.supplier.name}
        )
    today = merchant_today(merchant)
    if order.expected_arrival is not None:
        order.expected_arrival = today + (order.expected_arrival - order.order_date)
    order.order_date = today
    order.status = Status.SENT
    order.sent_at = timezone.now()
    order.email_to = order.supplier.email if email else ""
    order.save()
    _record(
        order,
        Action.SENT,
        actor=actor,
        via=via,
        changes={"status": [Status.DRAFT, Status.SENT], "email_to": order.email_to},
    )
    if email:
        _queue_email(order)
    return order


def _queue_email(order: PurchaseOrder) -> None:
    # the order row records the request: with the broker away the email goes from here, and
    # the sweep (purchase_order_emails_stranded) sends again a task the broker lost
    dispatch.send_on_commit(
        EMAIL_TASK,
        run_here_if_unavailable=True,
        merchant_id=order.merchant_id,
        purchase_order_id=order.pk,
    )


@transaction.atomic
def purchase_order_email_again(
    *, merchant: Merchant, pk: int, actor: User | None, via: str = ""
) -> PurchaseOrder:
    """Try again an email that failed (or never left); one that left is not sent twice."""
    order = _locked(merchant, pk)
    if order.status == Status.DRAFT or order.status == Status.CANCELLED:
        raise TransitionRefused(
            gettext("Purchase order %(number)s is %(state)s: there is nothing to email.")
            % {"number": order.number, "state": order.get_status_display().lower()}
        )
    if order.emailed_at is not None:
        raise DomainError(
            gettext("Purchase order %(number)s was emailed to %(email_to)s on %(when)s.")
            % {
                "number": order.number,
                "email_to": order.email_to,
                "when": format(timezone.localtime(order.emailed_at), "%Y-%m-%d %H:%M"),
            }
        )
    address = order.email_to or order.supplier.email
    if not address:
        raise DomainError(gettext("%(name)s has no email address.") % {"name": order.supplier.name})
    order.email_to, order.email_error = address, ""
    order.save(update_fields=["email_to", "email_error", "updated_at"])
    _queue_email(order)
    return order


def purchase_order_email(*, merchant: Merchant, purchase_order_id: int) -> bool:
    """Email a sent order's PDF to the address it was sent to; True if it left now. The
    order is claimed first (``emailed_at`` set by a conditional update that commits before
    anything is sent), so a repeated, retried or concurrent task finds it taken and sends
    nothing; a failed send releases the claim and records the error for a person to retry."""
    with transaction.atomic(), tenant_context(merchant):
        orders = PurchaseOrder.objects.for_merchant(merchant)
        claimed = (
            orders.filter(
                pk=purchase_order_id,
                emailed_at__isnull=True,
                email_error="",
                sent_at__isnull=False,
            )
            .exclude(email_to="")
            .exclude(status=Status.CANCELLED)
            .update(emailed_at=timezone.now())
        )
        if not claimed:
            return False
        order = orders.select_related("supplier", "location").get(pk=purchase_order_id)
        lines = list(
            PurchaseOrderLine.objects.for_merchant(merchant)
            .filter(purchase_order=order)
            .select_related("sku")
            .order_by("sku__code")
        )
        codes = supplier_codes(merchant, order)
    document = purchase_order_pdf(merchant=merchant, order=order, lines=lines, supplier_codes=codes)
    message = EmailMessage(
        subject=f"Purchase order {order.number} from {merchant.name}",
        body=(
            f"Dear {order.supplier.name},\n\nPlease find attached our purchase order "
            f"{order.number} for delivery to {order.location.name}"
            + (f", expected by {order.expected_arrival:%d %B %Y}" if order.expected_arrival else "")
            + f".\n\n{merchant.name}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[order.email_to],
    )
    message.attach(f"{order.number}.pdf", document, "application/pdf")
    try:
        message.send(fail_silently=False)
    except Exception as error:  # SMTP refusals, timeouts: a person retries from the order
        logger.exception("purchase order %s of merchant %s not emailed", order.pk, merchant.pk)
        with transaction.atomic(), tenant_context(merchant):
            PurchaseOrder.objects.for_merchant(merchant).filter(pk=order.pk).update(
                emailed_at=None, email_error=str(error)[:300] or type(error).__name__
            )
            _record(
                order,
                Action.EMAIL_FAILED,
                actor=None,
                via="email",
                changes={"to": order.email_to, "error": str(error)[:300]},
            )
        return False
    with transaction.atomic(), tenant_context(merchant):
        _record(order, Action.EMAILED, actor=None, via="email", changes={"to": order.email_to})
    return True


def purchase_order_emails_stranded(*, queued_before: dt.datetime) -> list[tuple]:
    """The email task of each order sent before ``queued_before`` whose email neither left
    nor failed: the broker lost it (`accounts.dispatch`)."""
    return dispatch.stranded(
        PurchaseOrder,
        EMAIL_TASK,
        "purchase_order_id",
        queued_before=queued_before,
        since="sent_at",
        status=Status.SENT,
        emailed_at__isnull=True,
        email_error="",
        email_to__gt="",
    )


def supplier_codes(merchant: Merchant, order: PurchaseOrder) -> dict[int, str]:
    """SKU id -> the supplier's own code for it, for the supplier's copy of the order."""
    return dict(
        SupplierItem.objects.for_merchant(merchant)
        .filter(supplier_id=order.supplier_id, sku__order_lines__purchase_order=order)
        .exclude(supplier_code="")
        .values_list("sku_id", "supplier_code")
    )


# -- receiving and cancelling -------------------------------------------------------------------
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
    order = _locked(merchant, pk)
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
    _record(
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
    order = _locked(merchant, pk)
    _check_transition(order, Status.CANCELLED)
    before = order.status
    order.status = Status.CANCELLED
    order.cancelled_at = timezone.now()
    order.save(update_fields=["status", "cancelled_at", "updated_at"])
    changes = {"status": [before, Status.CANCELLED]}
    if reason.strip():
        changes["reason"] = reason.strip()[:500]
    _record(order, Action.CANCELLED, actor=actor, via=via, changes=changes)
    return order

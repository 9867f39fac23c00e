"""Drafts: approved suggestions put on a supplier's draft order, and a draft's lines edited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.errors import DomainError
from accounts.models import Merchant, User
from inventory.models import SKU, Location, PurchaseOrder, PurchaseOrderLine, Supplier, SupplierItem
from inventory.selectors import merchant_today
from inventory.services.lifecycle import (
    ZERO,
    Action,
    Status,
    TransitionRefused,
    create_order,
    locked_order,
    record_step,
    round_to_terms,
)


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
    order, created = _draft_order(merchant, supplier=supplier, location=location, actor=actor)
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
        sku = skus[draft.sku_id]
        terms = _Terms.of(items.get(draft.sku_id), sku, draft)
        if terms.lead_days is not None:
            lead_days = max(lead_days, terms.lead_days)
        line = existing.get(draft.sku_id)
        wanted = draft.quantity + (line.quantity_ordered if line else ZERO)
        quantity = round_to_terms(wanted, pack_size=terms.pack_size, moq=terms.moq)
        if line is None:
            line = PurchaseOrderLine(merchant=merchant, purchase_order=order, sku=sku)
            existing[draft.sku_id] = line
            new_lines.append(line)
        elif line.pk is not None:
            changed_lines[line.pk] = line
        line.quantity_ordered, line.unit_cost = quantity, terms.unit_cost
        line.pack_size, line.moq = terms.pack_size, terms.moq
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
    record_step(
        order,
        Action.CREATED if created else Action.LINES_ADDED,
        actor=actor,
        via=via,
        changes={"lines": added},
    )
    return order


def _draft_order(
    merchant: Merchant, *, supplier: Supplier, location: Location, actor: User | None
) -> tuple[PurchaseOrder, bool]:
    """The store's draft from suggestions to ``supplier`` for ``location``, locked, and
    whether it was drafted now (there was none)."""
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
    if order is not None:
        return order, False
    order = create_order(
        merchant,
        supplier=supplier,
        location=location,
        status=Status.DRAFT,
        source=PurchaseOrder.Source.SUGGESTED,
        currency=supplier.currency or merchant.currency,
        order_date=merchant_today(merchant),
        created_by=actor,
    )
    return order, True


@dataclass(frozen=True)
class _Terms:
    """What a line is ordered on: the supplier's terms for the SKU, else what is known."""

    pack_size: Decimal
    moq: Decimal
    unit_cost: Decimal | None
    lead_days: int | None  # whole days, rounded up; None when nothing says

    @classmethod
    def of(cls, item: SupplierItem | None, sku: SKU, draft: DraftLine) -> _Terms:
        costs = (item.unit_cost if item else None, sku.unit_cost, draft.unit_cost)
        lead = item.lead_time_mean_days if item else draft.lead_time_days
        return cls(
            pack_size=item.pack_size if item else Decimal("1"),
            moq=item.moq if item else ZERO,
            unit_cost=next((cost for cost in costs if cost is not None), None),
            lead_days=None if lead is None else int(lead.to_integral_value(rounding=ROUND_CEILING)),
        )


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
    order = locked_order(merchant, pk)
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
    record_step(
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

"""Writes of the planner's decisions on reorder suggestions: approve onto draft purchase
orders, reject, defer and change quantities, for one line or every line a filter matches, in
set-based statements; each line's decision is audited (`Decision`).

Every statement starts from the merchant's own lines (``for_merchant``): ids of another
store's lines simply match nothing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import (
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext

from accounts.errors import DomainError
from accounts.models import Merchant, User
from inventory import services as inventory_services
from inventory.models import PurchaseOrder
from planning import outcomes, policy
from planning.models import Decision, ReorderSuggestion

Status = ReorderSuggestion.Status
CHUNK = 2000  # ids per statement


def chunks(values: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def decisions_record(
    merchant: Merchant, rows: list[tuple[int, dict]], action: str, actor: User | None, via: str
) -> None:
    """Audit ``action`` on each (suggestion id, changes) of ``rows``, in bulk; ``via`` says
    where the decision came from (the API, a bulk action, ...)."""
    Decision.objects.bulk_create(
        [
            Decision(
                merchant=merchant,
                suggestion_id=pk,
                action=action,
                actor=actor,
                changes={**changes, "via": via} if via else changes,
            )
            for pk, changes in rows
        ],
        batch_size=CHUNK,
    )


def _open_suggestion(merchant: Merchant, pk: int) -> ReorderSuggestion:
    suggestion = (
        ReorderSuggestion.objects.for_merchant(merchant).select_for_update().filter(pk=pk).first()
    )
    if suggestion is None:
        raise ReorderSuggestion.DoesNotExist
    if suggestion.status != Status.PROPOSED:
        raise DomainError(
            gettext("This suggestion is already %(state)s.")
            % {"state": suggestion.get_status_display().lower()}
        )
    return suggestion


@transaction.atomic
def suggestion_quantity_set(
    *, merchant: Merchant, pk: int, quantity: Decimal, actor: User | None, via: str = ""
) -> ReorderSuggestion:
    """Change what will be ordered; rounded up to whole packs and at least the MOQ (zero is
    refused: reject the suggestion instead)."""
    suggestion = _open_suggestion(merchant, pk)
    if quantity <= 0:
        raise DomainError(
            gettext("The quantity must be above zero; reject the suggestion instead.")
        )
    before = suggestion.quantity
    # what the new quantity gives, shown beside it (`planning.outcomes`)
    result = outcomes.outcome(suggestion, quantity, paths=policy.PLAN_PATHS)
    suggestion.quantity = result.quantity
    suggestion.days_of_cover = result.days_of_cover
    if result.expected_fill_rate is not None:
        suggestion.expected_fill_rate = result.expected_fill_rate
    suggestion.save(update_fields=["quantity", "days_of_cover", "expected_fill_rate", "updated_at"])
    decisions_record(
        merchant,
        [
            (
                suggestion.pk,
                {"quantity": [str(before), str(result.quantity)], "asked": str(quantity)},
            )
        ],
        Decision.Action.EDITED,
        actor,
        via,
    )
    return suggestion


@dataclass(frozen=True)
class Approval:
    approved: int
    purchase_orders: list[PurchaseOrder]  # the drafts the approved lines went on
    without_supplier: int  # approved lines of SKUs without a supplier: on no order


@dataclass(frozen=True)
class _Approved:
    """One proposed line as it goes onto its draft order."""

    pk: int
    supplier_id: int | None
    location_id: int
    sku_id: int
    quantity: Decimal
    unit_cost: Decimal
    lead_time_days: Decimal


def _draft_order(
    merchant: Merchant,
    supplier_id: int,
    location_id: int,
    members: list[_Approved],
    actor: User | None,
    via: str,
) -> PurchaseOrder:
    return inventory_services.purchase_order_draft_add(
        merchant=merchant,
        supplier_id=supplier_id,
        location_id=location_id,
        lines=[
            inventory_services.DraftLine(
                sku_id=line.sku_id,
                quantity=line.quantity,
                unit_cost=line.unit_cost,
                lead_time_days=line.lead_time_days,
            )
            for line in members
        ],
        actor=actor,
        via=via,
    )


@transaction.atomic
def suggestion_lines_order(
    *, merchant: Merchant, lines: QuerySet, actor: User | None, via: str = ""
) -> Approval:
    """Approve every proposed line of ``lines`` (those already decided are left as they
    are) and put them on draft purchase orders, one per supplier and location (added to the
    draft of an earlier approval while it is still a draft), on the supplier's terms
    (`inventory.services.purchase_order_draft_add`); each line keeps its order. A statement
    per order and thousand lines, not per line."""
    rows = [
        _Approved(*row)
        for row in lines.filter(status=Status.PROPOSED)
        .select_for_update(of=("self",))
        .order_by("supplier_id", "location_id", "pk")
        .values_list(
            "pk", "supplier_id", "location_id", "sku_id", "quantity", "unit_cost", "lead_time_days"
        )
    ]
    groups: dict[tuple[int | None, int], list[_Approved]] = defaultdict(list)
    for row in rows:
        groups[(row.supplier_id, row.location_id)].append(row)
    now = timezone.now()
    scoped = ReorderSuggestion.objects.for_merchant(merchant)
    orders, audit = [], []
    for (supplier_id, location_id), members in groups.items():
        order = None
        if supplier_id is not None:
            order = _draft_order(merchant, supplier_id, location_id, members, actor, via)
            orders.append(order)
        for chunk in chunks([row.pk for row in members]):
            scoped.filter(pk__in=chunk).update(
                status=Status.APPROVED,
                decided_by=actor,
                decided_at=now,
                purchase_order=order,
                updated_at=now,
            )
        for row in members:
            changes = {"quantity": str(row.quantity)}
            if order is not None:
                changes["purchase_order"] = order.number
            audit.append((row.pk, changes))
    decisions_record(merchant, audit, Decision.Action.APPROVED, actor, via)
    return Approval(
        approved=len(rows),
        purchase_orders=orders,
        without_supplier=sum(1 for row in rows if row.supplier_id is None),
    )


def suggestions_order(
    *, merchant: Merchant, pks: list[int], actor: User | None, via: str = ""
) -> Approval:
    """`suggestion_lines_order` of the merchant's suggestions ``pks``."""
    lines = ReorderSuggestion.objects.for_merchant(merchant).filter(pk__in=pks)
    return suggestion_lines_order(merchant=merchant, lines=lines, actor=actor, via=via)


def suggestions_approve(
    *, merchant: Merchant, pks: list[int], actor: User | None, via: str = ""
) -> int:
    """Approve proposed suggestions onto draft purchase orders (`suggestions_order`); how
    many were approved."""
    return suggestions_order(merchant=merchant, pks=pks, actor=actor, via=via).approved


@transaction.atomic
def suggestions_reject(
    *, merchant: Merchant, pks: list[int], reason: str, actor: User | None, via: str = ""
) -> int:
    """Reject proposed suggestions with a reason (required: it is what the team learns
    from)."""
    reason = reason.strip()
    if not reason:
        raise DomainError(gettext("Say why the suggestion is rejected."))
    scoped = ReorderSuggestion.objects.for_merchant(merchant)
    rejected = list(
        scoped.select_for_update()
        .filter(pk__in=pks, status=Status.PROPOSED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    scoped.filter(pk__in=rejected).update(
        status=Status.REJECTED, reason=reason, decided_by=actor, decided_at=now, updated_at=now
    )
    decisions_record(
        merchant,
        [(pk, {"reason": reason}) for pk in rejected],
        Decision.Action.REJECTED,
        actor,
        via,
    )
    return len(rejected)


@transaction.atomic
def suggestion_lines_defer(
    *,
    merchant: Merchant,
    lines: QuerySet,
    until: dt.date | None,
    actor: User | None,
    via: str = "",
) -> int:
    """Leave the proposed lines of ``lines`` off the page until ``until`` (a day after
    today); ``None`` brings them back now. The plans made meanwhile keep the deferral."""
    today = inventory_services.merchant_today(merchant)
    if until is not None and until <= today:
        raise DomainError(gettext("Defer to a day after today."))
    pks = list(lines.filter(status=Status.PROPOSED).values_list("pk", flat=True))
    now = timezone.now()
    scoped = ReorderSuggestion.objects.for_merchant(merchant)
    for chunk in chunks(pks):
        scoped.filter(pk__in=chunk).update(deferred_until=until, updated_at=now)
    changes = {"until": until.isoformat() if until else None}
    decisions_record(merchant, [(pk, changes) for pk in pks], Decision.Action.DEFERRED, actor, via)
    return len(pks)


def suggestions_defer(
    *,
    merchant: Merchant,
    pks: list[int],
    until: dt.date | None,
    actor: User | None,
    via: str = "",
) -> int:
    """`suggestion_lines_defer` of the merchant's suggestions ``pks``."""
    lines = ReorderSuggestion.objects.for_merchant(merchant).filter(pk__in=pks)
    return suggestion_lines_defer(merchant=merchant, lines=lines, until=until, actor=actor, via=via)

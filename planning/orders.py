"""The orders page's work on many lines at once: which lines a filter matches, and approving,
editing or deferring all of them (not just one page) with set-based writes, each line's
decision audited; and the per-supplier subtotals of the matching lines against the
supplier's minimum order, its free-shipping threshold and the store's budgets.

Every query starts from the merchant's own lines (``for_merchant``): ids of another store's
lines in a request simply match nothing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Ceil, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.errors import DomainError
from accounts.models import Merchant, User
from inventory import services as inventory_services
from planning import outcomes, services
from planning.models import Decision, PlanningSettings, ReorderSuggestion

Status = ReorderSuggestion.Status
CHUNK = 2000  # ids per statement
ROUNDING_SLACK = Decimal("0.000001")  # packs: 1.1 / 0.1 may come out as 11.000000000000002


@dataclass(frozen=True)
class LineFilter:
    """What the page shows: lines of one status, of one supplier (0: those without one),
    whose SKU code or name contains ``search``; deferred lines apart (``deferred`` shows
    only them)."""

    status: str = Status.PROPOSED
    supplier: int | None = None
    search: str = ""
    deferred: bool = False

    @classmethod
    def from_query(cls, data) -> LineFilter:
        status = data.get("status", Status.PROPOSED)
        if status not in Status.values:
            status = Status.PROPOSED
        supplier = data.get("supplier", "")
        return cls(
            status=status,
            supplier=int(supplier) if supplier.isdigit() else None,
            search=data.get("q", "").strip()[:100],
            deferred=data.get("deferred") == "1",
        )

    def query(self) -> dict[str, str]:
        """The filter as query parameters (for links and the forms that act on it)."""
        found = {"status": self.status}
        if self.supplier is not None:
            found["supplier"] = str(self.supplier)
        if self.search:
            found["q"] = self.search
        if self.deferred:
            found["deferred"] = "1"
        return found


def matching(*, merchant: Merchant, line_filter: LineFilter, today: dt.date) -> QuerySet:
    """The merchant's lines the filter matches (no joins fetched, no order: for counting,
    summing and set-based writes)."""
    queryset = ReorderSuggestion.objects.for_merchant(merchant).filter(status=line_filter.status)
    if line_filter.status == Status.PROPOSED:
        hidden = Q(deferred_until__gt=today)
        queryset = queryset.filter(hidden) if line_filter.deferred else queryset.exclude(hidden)
    if line_filter.supplier == 0:
        queryset = queryset.filter(supplier__isnull=True)
    elif line_filter.supplier is not None:
        queryset = queryset.filter(supplier_id=line_filter.supplier)
    if line_filter.search:
        queryset = queryset.filter(
            Q(sku__code__icontains=line_filter.search) | Q(sku__name__icontains=line_filter.search)
        )
    return queryset


def listed(*, merchant: Merchant, line_filter: LineFilter, today: dt.date) -> QuerySet:
    """`matching` for the page: with SKU, location, supplier and order, by supplier then SKU."""
    return (
        matching(merchant=merchant, line_filter=line_filter, today=today)
        .select_related("sku", "location", "supplier", "purchase_order")
        .order_by("supplier__name", "supplier_id", "sku__code", "location__code", "pk")
    )


def chosen(
    *,
    merchant: Merchant,
    line_filter: LineFilter,
    today: dt.date,
    ids: list[int],
    everything: bool,
) -> QuerySet:
    """The lines a bulk action acts on: every line matching the filter (``everything``), else
    the ticked ``ids`` among them. Only proposed lines can be decided."""
    queryset = matching(merchant=merchant, line_filter=line_filter, today=today).filter(
        status=Status.PROPOSED
    )
    return queryset if everything else queryset.filter(pk__in=ids)


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _audit(
    merchant: Merchant, rows: list[tuple[int, dict]], action: str, actor: User | None, via: str
) -> None:
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


# -- approve -----------------------------------------------------------------------------------
@transaction.atomic
def lines_approve(
    *, merchant: Merchant, lines: QuerySet, actor: User | None, via: str = ""
) -> services.Approval:
    """Approve every proposed line of ``lines`` onto draft purchase orders, one per supplier
    and location (`inventory.services.purchase_order_draft_add`), as `services.suggestions_order`
    does for a few ids, but in a statement per order and thousand lines, not per line."""
    rows = list(
        lines.filter(status=Status.PROPOSED)
        .select_for_update(of=("self",))
        .order_by("supplier_id", "location_id", "pk")
        .values_list(
            "pk", "supplier_id", "location_id", "sku_id", "quantity", "unit_cost", "lead_time_days"
        )
    )
    now = timezone.now()
    groups: dict[tuple[int | None, int], list[tuple]] = defaultdict(list)
    for row in rows:
        groups[(row[1], row[2])].append(row)
    orders, audit = [], []
    scoped = ReorderSuggestion.objects.for_merchant(merchant)
    for (supplier_id, location_id), members in groups.items():
        order = None
        if supplier_id is not None:
            order = inventory_services.purchase_order_draft_add(
                merchant=merchant,
                supplier_id=supplier_id,
                location_id=location_id,
                lines=[
                    inventory_services.DraftLine(
                        sku_id=sku, quantity=quantity, unit_cost=cost, lead_time_days=lead
                    )
                    for _pk, _supplier, _location, sku, quantity, cost, lead in members
                ],
                actor=actor,
                via=via,
            )
            orders.append(order)
        pks = [row[0] for row in members]
        for chunk in _chunks(pks):
            scoped.filter(pk__in=chunk).update(
                status=Status.APPROVED,
                decided_by=actor,
                decided_at=now,
                purchase_order=order,
                updated_at=now,
            )
        for pk, *_rest, quantity, _cost, _lead in members:
            changes = {"quantity": str(quantity)}
            if order is not None:
                changes["purchase_order"] = order.number
            audit.append((pk, changes))
    _audit(merchant, audit, Decision.Action.APPROVED, actor, via)
    return services.Approval(
        approved=len(rows),
        purchase_orders=orders,
        without_supplier=sum(len(m) for (supplier, _), m in groups.items() if supplier is None),
    )


# -- defer -------------------------------------------------------------------------------------
@transaction.atomic
def lines_defer(
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
        raise DomainError(_("Defer to a day after today."))
    pks = list(lines.filter(status=Status.PROPOSED).values_list("pk", flat=True))
    now = timezone.now()
    scoped = ReorderSuggestion.objects.for_merchant(merchant)
    for chunk in _chunks(pks):
        scoped.filter(pk__in=chunk).update(deferred_until=until, updated_at=now)
    changes = {"until": until.isoformat() if until else None}
    _audit(merchant, [(pk, changes) for pk in pks], Decision.Action.DEFERRED, actor, via)
    return len(pks)


# -- edit --------------------------------------------------------------------------------------
QUANTITY_FIELD = DecimalField(max_digits=14, decimal_places=3)


@transaction.atomic
def lines_quantity_change(
    *,
    merchant: Merchant,
    lines: QuerySet,
    actor: User | None,
    quantity: Decimal | None = None,
    percent: Decimal | None = None,
    via: str = "",
) -> int:
    """Set the proposed lines of ``lines`` to ``quantity``, or scale each by ``percent``
    (+10 orders a tenth more, -25 a quarter less); each is rounded up to its packs and at
    least its MOQ, in the database. Days of cover follow in the same pass, the expected fill
    rates from each line's forecast (`planning.outcomes`)."""
    if (quantity is None) == (percent is None):
        raise DomainError(_("Give a quantity or a percentage."))
    if quantity is not None and quantity <= 0:
        raise DomainError(_("The quantity must be above zero; reject the lines instead."))
    if percent is not None and percent <= -100:
        raise DomainError(
            _("A cut of 100 percent or more leaves nothing; reject the lines instead.")
        )
    proposed = lines.filter(status=Status.PROPOSED)
    before = dict(proposed.values_list("pk", "quantity"))
    if not before:
        return 0
    pks = list(before)
    if quantity is not None:
        asked = Value(quantity, output_field=QUANTITY_FIELD)
    else:
        factor = (Decimal("100") + percent) / Decimal("100")
        asked = F("quantity") * Value(factor, output_field=QUANTITY_FIELD)
    pack = Case(
        When(pack_size__gt=0, then=F("pack_size")),
        default=Value(Decimal("1"), output_field=QUANTITY_FIELD),
        output_field=QUANTITY_FIELD,
    )
    # in floating point: SQLite divides the integers its NUMERIC columns hold as integers
    packs = Cast(Greatest(asked, F("moq"), output_field=QUANTITY_FIELD), FloatField()) / Cast(
        pack, FloatField()
    )
    rounded = ExpressionWrapper(
        Ceil(packs - float(ROUNDING_SLACK)) * pack, output_field=QUANTITY_FIELD
    )
    left = Greatest(
        F("on_hand") + F("on_order") - F("committed") - F("lead_demand"),
        Value(Decimal("0"), output_field=QUANTITY_FIELD),
        output_field=QUANTITY_FIELD,
    )
    scoped = ReorderSuggestion.objects.for_merchant(merchant)
    now = timezone.now()
    for chunk in _chunks(pks):
        scoped.filter(pk__in=chunk).update(quantity=rounded, updated_at=now)
        scoped.filter(pk__in=chunk, daily_demand__gt=0).update(
            days_of_cover=ExpressionWrapper(
                Cast(left + F("quantity"), FloatField()) / Cast("daily_demand", FloatField()),
                output_field=DecimalField(max_digits=8, decimal_places=1),
            )
        )
    edited = list(
        scoped.filter(pk__in=pks)
        .select_related("merchant")
        .only(
            "pk", "merchant", "forecast_run_id", "sku_id", "location_id", "quantity",
            "on_hand", "on_order", "committed", "lead_time_days", "lead_time_std_days",
            "review_days",
        )
    )  # fmt: skip
    rates = outcomes.fill_rates(merchant, edited, paths=services.PATHS)
    changed = [line for line in edited if rates[line.pk] is not None]
    for line in changed:
        line.expected_fill_rate = rates[line.pk]
    scoped.bulk_update(changed, ["expected_fill_rate"], batch_size=1000)
    asked_text = str(quantity) if quantity is not None else f"{percent:+}%"
    _audit(
        merchant,
        [
            (line.pk, {"quantity": [str(before[line.pk]), str(line.quantity)], "asked": asked_text})
            for line in edited
        ],
        Decision.Action.EDITED,
        actor,
        via,
    )
    return len(edited)


# -- subtotals ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class SupplierSubtotal:
    """The matching lines of one supplier (None: lines without one) against its terms."""

    supplier_id: int | None
    name: str
    code: str
    lines: int
    cost: Decimal
    minimum_order_value: Decimal | None
    free_shipping_threshold: Decimal | None
    budget: Decimal | None

    @property
    def short_of_minimum(self) -> Decimal:
        """How much more to order before the supplier takes the order (0: enough)."""
        if self.minimum_order_value is None:
            return Decimal("0")
        return max(self.minimum_order_value - self.cost, Decimal("0"))

    @property
    def short_of_free_shipping(self) -> Decimal | None:
        """How much more ships free (0: it does; None: no threshold)."""
        if self.free_shipping_threshold is None:
            return None
        return max(self.free_shipping_threshold - self.cost, Decimal("0"))

    @property
    def over_budget(self) -> Decimal:
        if self.budget is None:
            return Decimal("0")
        return max(self.cost - self.budget, Decimal("0"))

    @property
    def budget_share(self) -> Decimal | None:
        if not self.budget:
            return None
        return self.cost / self.budget


@dataclass(frozen=True)
class Subtotals:
    suppliers: list[SupplierSubtotal]
    lines: int
    cost: Decimal
    budget: Decimal | None

    @property
    def over_budget(self) -> Decimal:
        if self.budget is None:
            return Decimal("0")
        return max(self.cost - self.budget, Decimal("0"))

    def of(self, supplier_id: int | None) -> SupplierSubtotal | None:
        return next((s for s in self.suppliers if s.supplier_id == supplier_id), None)


def subtotals(
    *, merchant: Merchant, line_filter: LineFilter, today: dt.date, settings: PlanningSettings
) -> Subtotals:
    """Per supplier, over every line the filter matches (one grouped query): lines, cost,
    and the supplier's minimum order, free-shipping threshold and budget."""
    money = DecimalField(max_digits=24, decimal_places=4)
    rows = (
        matching(merchant=merchant, line_filter=line_filter, today=today)
        .values(
            "supplier_id",
            "supplier__name",
            "supplier__code",
            "supplier__minimum_order_value",
            "supplier__free_shipping_threshold",
        )
        .annotate(lines=Count("pk"), cost=Sum(F("quantity") * F("unit_cost"), output_field=money))
        .order_by("supplier__name", "supplier_id")
    )
    budgets = settings.supplier_budgets or {}
    found = []
    for row in rows:
        supplier = row["supplier_id"]
        budget = budgets.get(str(supplier)) if supplier is not None else None
        found.append(
            SupplierSubtotal(
                supplier_id=supplier,
                name=row["supplier__name"] or _("No supplier set"),
                code=row["supplier__code"] or "",
                lines=row["lines"],
                cost=(row["cost"] or Decimal("0")).quantize(Decimal("0.01")),
                minimum_order_value=row["supplier__minimum_order_value"],
                free_shipping_threshold=row["supplier__free_shipping_threshold"],
                budget=Decimal(str(budget)) if budget not in (None, "") else None,
            )
        )
    return Subtotals(
        suppliers=found,
        lines=sum(s.lines for s in found),
        cost=sum((s.cost for s in found), Decimal("0")),
        budget=settings.budget,
    )

"""Reads of reorder suggestions: the lines for review, the filter of the orders page and the
lines it matches, what to explain, and the totals and per-supplier subtotals of the lines
against the supplier's minimum order, its free-shipping threshold and the store's budgets.

Every query starts from the merchant's own lines (``for_merchant``): ids of another store's
lines in a request simply match nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from accounts.models import Merchant
from forecasting.models import ForecastRun
from planning.models import PlanningSettings, ReorderSuggestion, SuggestionBulkAction

Status = ReorderSuggestion.Status


def suggestions(*, merchant: Merchant, status: str | None = None) -> QuerySet:
    """Suggestions with their SKU, location and supplier, by supplier then SKU."""
    queryset = (
        ReorderSuggestion.objects.for_merchant(merchant)
        .select_related("sku", "location", "supplier", "purchase_order")
        .order_by("supplier__name", "sku__code", "location__code", "pk")
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def skus_to_explain(*, merchant: Merchant, run: ForecastRun, limit: int) -> list[int]:
    """The SKUs of the run's most valuable proposed suggestions."""
    return list(
        ReorderSuggestion.objects.for_merchant(merchant)
        .filter(forecast_run=run, status=ReorderSuggestion.Status.PROPOSED)
        .order_by("-value", "pk")
        .values_list("sku_id", flat=True)[:limit]
    )


def suggestion_totals(*, merchant: Merchant, status: str) -> dict:
    """Over every line with ``status``, in one query: the cost of all of them (``total``) and
    of those within the budget (``kept``), how many lines and suppliers are within it, and how
    many lines the budget cut."""
    cost = F("quantity") * F("unit_cost")
    money = DecimalField(max_digits=24, decimal_places=4)
    within = Q(cut_by_budget=False)
    totals = (
        ReorderSuggestion.objects.for_merchant(merchant)
        .filter(status=status)
        .aggregate(
            total=Sum(cost, output_field=money),
            kept=Sum(cost, filter=within, output_field=money),
            lines=Count("pk", filter=within),
            suppliers=Count("supplier", distinct=True, filter=within),
            cut=Count("pk", filter=Q(cut_by_budget=True)),
        )
    )
    return {name: value or (Decimal("0") if name in ("total", "kept") else 0)
            for name, value in totals.items()}  # fmt: skip


# -- the orders page ---------------------------------------------------------------------------
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


def listed_ids(*, merchant: Merchant, line_filter: LineFilter, today: dt.date) -> QuerySet:
    """The ids of `listed`, in its order: what the page slices. Sorting only the ids and
    the sort keys, not every column of every matching line and its SKU, location,
    supplier and order, takes half the time on a store of 10,000 lines (`lines_shown`
    then reads the page's own lines)."""
    return listed(merchant=merchant, line_filter=line_filter, today=today).values_list(
        "pk", flat=True
    )


def lines_shown(*, merchant: Merchant, ids: list[int]) -> list[ReorderSuggestion]:
    """The merchant's lines ``ids`` with their SKU, location, supplier and order, in the
    order of ``ids``."""
    found = (
        ReorderSuggestion.objects.for_merchant(merchant)
        .filter(pk__in=ids)
        .select_related("sku", "location", "supplier", "purchase_order")
        .in_bulk()
    )
    return [found[pk] for pk in ids if pk in found]


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


def bulk_action(*, merchant: Merchant, pk: int | None) -> SuggestionBulkAction | None:
    """The merchant's bulk job ``pk`` (None for another store's), else its latest job still
    queued or running; without the ids of its lines."""
    jobs = SuggestionBulkAction.objects.for_merchant(merchant).defer("line_ids")
    if pk is not None:
        return jobs.filter(pk=pk).first()
    waiting = [SuggestionBulkAction.Status.QUEUED, SuggestionBulkAction.Status.RUNNING]
    return jobs.filter(status__in=waiting).order_by("-created_at", "-pk").first()


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

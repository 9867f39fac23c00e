"""Planning's reads, one door for planning's views and API and for the code outside planning:
alerts, promotion plans, replays, webhooks and explanations here; the reads of each room
named from it (`planning.suggestions.selectors`: the lines for review, their filter and
totals; `planning.preferences.selectors`: the store's settings; `planning.positions.selectors`:
stock, open orders and supplier items)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from accounts.models import Merchant
from forecasting.models import ForecastRun, SeriesForecast
from inventory.models import Supplier
from planning import calibration
from planning.models import (
    Alert,
    PolicyReplay,
    PromotionPlan,
    WebhookDelivery,
    WebhookEndpoint,
)
from planning.preferences.selectors import planning_settings as planning_settings
from planning.replays import frontier
from planning.replays.services import REPLAY_LEVELS
from planning.suggestions.selectors import LineFilter as LineFilter
from planning.suggestions.selectors import Subtotals as Subtotals
from planning.suggestions.selectors import chosen as chosen
from planning.suggestions.selectors import listed as listed
from planning.suggestions.selectors import matching as matching
from planning.suggestions.selectors import skus_to_explain as skus_to_explain
from planning.suggestions.selectors import subtotals as subtotals
from planning.suggestions.selectors import suggestion_totals as suggestion_totals
from planning.suggestions.selectors import suggestions as suggestions


def shortfall_calibration(*, merchant: Merchant) -> calibration.Scale:
    """What the plan multiplies its expected units short by, learnt from the store's past
    orders for the fill rates it is set to today (`planning.calibration`)."""
    settings = planning_settings(merchant=merchant)
    return calibration.learnt_scale(merchant, calibration.Targets.of(merchant, settings))


def latest_forecast_run(*, merchant: Merchant) -> ForecastRun | None:
    return (
        ForecastRun.objects.for_merchant(merchant)
        .filter(status=ForecastRun.Status.SUCCEEDED)
        .order_by("-finished_at", "-pk")
        .first()
    )


def _alerts_in_state(merchant: Merchant, state: str) -> QuerySet:
    queryset = Alert.objects.for_merchant(merchant)
    if state == "unresolved":
        return queryset.exclude(state=Alert.State.RESOLVED)
    return queryset.filter(state=state) if state else queryset


def alerts(
    *,
    merchant: Merchant,
    state: str = "unresolved",
    kind: str | None = None,
    exclude_kind: str | None = None,
) -> QuerySet:
    """Alerts with their SKU, location and supplier, the most money at risk first (then the
    newest); ``state`` "unresolved" is every state but resolved."""
    queryset = _alerts_in_state(merchant, state).select_related("sku", "location", "supplier")
    if kind:
        queryset = queryset.filter(kind=kind)
    if exclude_kind:
        queryset = queryset.exclude(kind=exclude_kind)
    return queryset.order_by("-money_at_risk", "-opened_at", "-pk")


@dataclass
class AlertGroup:
    """Alerts sharing a cause: the stock-outs of one supplier (its lead time, its late
    orders). ``count`` and ``total`` cover the whole group, ``alerts`` its largest ones."""

    supplier_id: int | None
    supplier_name: str
    count: int
    total: Decimal
    alerts: list = field(default_factory=list)


def stock_out_groups(
    *, merchant: Merchant, state: str = "unresolved", rows: int = 500
) -> list[AlertGroup]:
    """The stock-out alerts by supplier, the group with the most money at risk first, each
    with its alerts largest first; at most ``rows`` alerts in all are loaded (three queries)."""
    stock_outs = _alerts_in_state(merchant, state).filter(kind=Alert.Kind.STOCK_OUT)
    totals = (
        stock_outs.values("supplier_id", "supplier__name")
        .annotate(count=Count("pk"), total=Sum("money_at_risk"))
        .order_by("-total", "supplier__name", "supplier_id")
    )
    groups = {
        row["supplier_id"]: AlertGroup(
            row["supplier_id"], row["supplier__name"] or "No supplier", row["count"], row["total"]
        )
        for row in totals
    }
    # the largest ids first (an index read in order), then only those rows with their SKU,
    # location and supplier: joining every stock-out before the sort took most of the page
    ordered = stock_outs.order_by("-money_at_risk", "-opened_at", "-pk")
    largest = list(ordered.values_list("pk", flat=True)[:rows])
    found = stock_outs.select_related("sku", "location", "supplier").in_bulk(largest)
    for pk in largest:
        alert = found.get(pk)
        group = groups.get(alert.supplier_id) if alert else None  # None: changed meanwhile
        if group is not None:
            group.alerts.append(alert)
    return list(groups.values())


def alert_counts(*, merchant: Merchant) -> dict[str, int]:
    """Open alerts per kind."""
    rows = (
        Alert.objects.for_merchant(merchant)
        .filter(state=Alert.State.OPEN)
        .values("kind")
        .annotate(count=Count("pk"))
    )
    return {row["kind"]: row["count"] for row in rows}


def promotion_plans(*, merchant: Merchant, status: str | None = None) -> QuerySet:
    """Promotion plans with their SKU and location, newest first, by SKU."""
    queryset = (
        PromotionPlan.objects.for_merchant(merchant)
        .select_related("sku", "location", "promotion")
        .order_by("-created_at", "sku__code", "pk")
    )
    return queryset.filter(status=status) if status else queryset


SHAP_GROUPS_SHOWN = 3


def attach_explanations(*, merchant: Merchant, rows: list, run_field: str = "forecast_run_id"):
    """Give each row (a suggestion, alert or plan, with ``sku_id`` and ``location_id``) a
    ``shap`` attribute: the total forecast, the horizon and the largest SHAP groups of the
    forecast behind it, when that forecast has been explained (one query for all rows)."""
    runs = {getattr(row, run_field) for row in rows if getattr(row, run_field)}
    found = {}
    if runs:
        forecasts = SeriesForecast.objects.for_merchant(merchant).filter(
            run_id__in=runs,
            sku_id__in={row.sku_id for row in rows},
            explanation__isnull=False,
        )
        for run, sku, location, explanation in forecasts.values_list(
            "run_id", "sku_id", "location_id", "explanation"
        ):
            groups = sorted(explanation["groups"], key=lambda g: -abs(g["value"]))
            found[(run, sku, location)] = {
                "forecast": explanation["forecast"],
                "days": explanation["days"],
                "base_value": explanation["base_value"],
                "groups": groups[:SHAP_GROUPS_SHOWN],
            }
    for row in rows:
        row.shap = found.get((getattr(row, run_field), row.sku_id, row.location_id))
    return rows


def latest_policy_replay(*, merchant: Merchant) -> PolicyReplay | None:
    return PolicyReplay.objects.for_merchant(merchant).order_by("-created_at", "-pk").first()


def latest_finished_policy_replay(*, merchant: Merchant) -> PolicyReplay | None:
    """The newest replay that finished with figures."""
    return (
        PolicyReplay.objects.for_merchant(merchant)
        .filter(status=PolicyReplay.Status.SUCCEEDED)
        .exclude(figures={})
        .order_by("-created_at", "-pk")
        .first()
    )


def replayed_saving(*, merchant: Merchant) -> dict | None:
    """What the store's last finished replay found for the store-wide policy at the replayed
    target nearest the store's own (`frontier.store_wide_saving`: its fill rate and stock, the
    fair min/max's stock at that fill and the share below it), with when it ran; None without
    such a replay."""
    job = latest_finished_policy_replay(merchant=merchant)
    if job is None:
        return None
    target = float(merchant.target_service_level)
    level = min(REPLAY_LEVELS, key=lambda one: abs(one - target))
    found = frontier.store_wide_saving(job.figures, level)
    return None if found is None else {**found, "when": job.finished_at}


def suppliers(*, merchant: Merchant) -> list:
    return list(Supplier.objects.for_merchant(merchant).order_by("name", "pk"))


def webhook_endpoints(*, merchant: Merchant) -> list:
    return list(WebhookEndpoint.objects.for_merchant(merchant).order_by("pk"))


def webhook_endpoint(*, merchant: Merchant, pk: int) -> WebhookEndpoint | None:
    """The merchant's endpoint, None for a missing one or another merchant's."""
    return WebhookEndpoint.objects.for_merchant(merchant).filter(pk=pk).first()


def webhook_deliveries(*, merchant: Merchant, endpoint_id: int) -> QuerySet:
    """The endpoint's delivery log, newest first."""
    return (
        WebhookDelivery.objects.for_merchant(merchant)
        .filter(endpoint_id=endpoint_id)
        .order_by("-created_at", "-pk")
    )

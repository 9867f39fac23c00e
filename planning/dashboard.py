"""The planning panel of the dashboard: what the merchant should act on this morning."""

from __future__ import annotations

from django.db.models import Count, FloatField, Q, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from accounts.models import Merchant
from forecasting.models import ForecastRun
from forecasting.selectors import latest_accuracy
from planning import selectors
from planning.models import Alert, PromotionPlan, ReorderSuggestion


def panel(merchant: Merchant) -> tuple[str, dict]:
    """Expected stock-outs in the next 14 days and the sales at risk, the capital tied up in
    overstock, the orders to place and their value, the promotion plans waiting, the
    realized accuracy of the forecasts of four weeks ago against seasonal naive, the last
    nightly run, and what the last policy replay found against min/max set properly. A
    handful of aggregate queries, whatever the catalogue's size."""
    open_alerts = Alert.objects.for_merchant(merchant).filter(state=Alert.State.OPEN)
    main = [Alert.Kind.STOCK_OUT, Alert.Kind.OVERSTOCK]

    def detail_sum(key: str, kind: str) -> Sum:
        return Sum(
            Cast(KeyTextTransform(key, "details"), FloatField()), filter=Q(kind=kind)
        )  # summed by the database: no alert row leaves it

    alerts = open_alerts.aggregate(
        stock_outs=Count("pk", filter=Q(kind=Alert.Kind.STOCK_OUT)),
        overstock=Count("pk", filter=Q(kind=Alert.Kind.OVERSTOCK)),
        others=Count("pk", filter=~Q(kind__in=main)),
        at_risk=detail_sum("lost_revenue", Alert.Kind.STOCK_OUT),
        capital=detail_sum("capital", Alert.Kind.OVERSTOCK),
    )
    to_order = selectors.suggestion_totals(
        merchant=merchant, status=ReorderSuggestion.Status.PROPOSED
    )
    last_run = ForecastRun.objects.for_merchant(merchant).order_by("-created_at", "-pk").first()
    found = latest_accuracy(merchant=merchant)
    accuracy = found[0] if found else None
    gain = None
    if accuracy and accuracy.get("wql") is not None and accuracy.get("naive_wql"):
        gain = 100 * (1 - accuracy["wql"] / accuracy["naive_wql"])
    return "planning/dashboard_panel.html", {
        "accuracy": accuracy,
        "accuracy_gain": gain,
        "stock_outs": alerts["stock_outs"],
        "sales_at_risk": alerts["at_risk"] or 0,
        "overstock": alerts["overstock"],
        "overstock_capital": alerts["capital"] or 0,
        "other_alerts": alerts["others"],
        "order_lines": to_order["lines"],
        "order_suppliers": to_order["suppliers"],
        "order_cut": to_order["cut"],
        "order_value": to_order["kept"],
        "plans": PromotionPlan.objects.for_merchant(merchant)
        .filter(status=PromotionPlan.Status.PROPOSED)
        .count(),
        "last_run": last_run,
        "replayed": selectors.replayed_saving(merchant=merchant),
    }

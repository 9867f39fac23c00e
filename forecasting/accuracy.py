"""How the store's forecasts did: the run made four weeks ago against the four weeks of sales
since, beside seasonal naive forecasting from the same day. Computed after each nightly run
(a follow-up task) and kept on that run, for the dashboard."""

from __future__ import annotations

import numpy as np
from django.db import transaction

from accounts.models import Merchant
from accounts.tenancy import tenant_context
from forecasting import history as history_reads
from forecasting.baselines import seasonal_naive
from forecasting.metrics import score
from forecasting.models import ForecastRun, SeriesForecast

WINDOW_DAYS = 28
WEEK = 7


def realized_accuracy(*, merchant: Merchant) -> dict | None:
    """MASE and WQL of the forecasts that covered the last `WINDOW_DAYS` days of sales (the
    latest run made before them) and of seasonal naive from the same origin; None when there
    is no such run or too little history."""
    with transaction.atomic(), tenant_context(merchant):
        history = history_reads.load_history(merchant)
        if len(history.days) < WINDOW_DAYS + 2 * WEEK:
            return None
        window_start = history.days[-WINDOW_DAYS]
        run = (
            ForecastRun.objects.for_merchant(merchant)
            .filter(status=ForecastRun.Status.SUCCEEDED, history_end__lt=window_start)
            .order_by("-history_end", "-pk")
            .first()
        )
        if run is None:
            return None
        forecasts = {
            (sku, location): (first_date, SeriesForecast.unpack(packed))
            for sku, location, first_date, packed in SeriesForecast.objects.for_merchant(merchant)
            .filter(run=run)
            .values_list("sku_id", "location_id", "first_date", "quantiles")
        }
    cut = len(history.days) - WINDOW_DAYS
    histories, actuals, ours = [], [], []
    for row, key in enumerate(history.keys):
        if key not in forecasts:
            continue
        first_date, quantiles = forecasts[key]
        offset = (window_start - first_date).days
        if offset < 0 or offset + WINDOW_DAYS > quantiles.shape[1]:
            continue
        histories.append(history.values[row, :cut])
        actuals.append(history.values[row, cut:])
        ours.append(quantiles[:, offset : offset + WINDOW_DAYS])
    if not histories:
        return None
    naive = seasonal_naive(np.array(histories), WINDOW_DAYS, WEEK)
    mine = score(histories, actuals, ours, WEEK)
    base = score(histories, actuals, list(naive), WEEK)

    def rounded(value: float) -> float | None:
        return round(value, 4) if np.isfinite(value) else None

    return {
        "from": window_start.isoformat(),
        "to": history.days[-1].isoformat(),
        "run": run.pk,
        "series": len(histories),
        "mase": rounded(mine.mase),
        "wql": rounded(mine.wql),
        "naive_mase": rounded(base.mase),
        "naive_wql": rounded(base.wql),
    }


def forecast_accuracy_record(*, merchant: Merchant, run_id: int) -> dict | None:
    """Compute `realized_accuracy` and keep it on the run ``run_id``."""
    accuracy = realized_accuracy(merchant=merchant)
    with transaction.atomic(), tenant_context(merchant):
        ForecastRun.objects.for_merchant(merchant).filter(pk=run_id).update(accuracy=accuracy)
    return accuracy

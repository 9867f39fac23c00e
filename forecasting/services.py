"""Forecasting a merchant: read every series' history in one query, choose and run a model
per series, write one compact row per series. Runs are claimed, so a repeated or retried
task writes one set of forecasts."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
from django.db import transaction
from django.utils import timezone

from accounts import runs
from accounts.models import Merchant
from accounts.tenancy import tenant_context
from forecasting.backtest import choose_per_series
from forecasting.baselines import BASELINES
from forecasting.models import ForecastRun, SeriesForecast
from inventory.models import SalesDay

WEEK = 7


def forecast_run_create(*, merchant: Merchant, horizon: int = 56) -> ForecastRun:
    """Queue a run; the task is dispatched when the transaction commits."""
    from forecasting.tasks import run_forecast_task

    with transaction.atomic(), tenant_context(merchant):
        run = ForecastRun.objects.create(merchant=merchant, horizon=horizon)
        transaction.on_commit(
            lambda: run_forecast_task.delay(merchant_id=merchant.pk, run_id=run.pk)
        )
    return run


def load_history(merchant: Merchant) -> tuple[list[tuple[int, int]], list[dt.date], np.ndarray]:
    """Every (SKU, location) series on one calendar: units per day; NaN on stock-out days
    (censored demand) and on days nothing at all was sold (the shop was closed)."""
    rows = list(
        SalesDay.objects.for_merchant(merchant)
        .filter(sku__active=True)
        .values_list("sku_id", "location_id", "date", "units", "stock_out")
    )
    if not rows:
        return [], [], np.zeros((0, 0))
    first = min(row[2] for row in rows)
    last = max(row[2] for row in rows)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    keys = sorted({(row[0], row[1]) for row in rows})
    position = {key: i for i, key in enumerate(keys)}
    values = np.zeros((len(keys), len(days)))
    sold_any = np.zeros(len(days), dtype=bool)
    censored = []
    for sku, location, date, units, stock_out in rows:
        column = (date - first).days
        values[position[(sku, location)], column] = float(units)
        if units > 0:
            sold_any[column] = True
        if stock_out:
            censored.append((position[(sku, location)], column))
    values[:, ~sold_any] = np.nan
    for row, column in censored:
        values[row, column] = np.nan
    return keys, days, values


def forecast_run_execute(*, merchant: Merchant, run_id: int) -> ForecastRun | None:
    """Forecast every series of the merchant for the run; None if the run is not queued (it
    ran already, or another worker has it)."""
    run = runs.claim(ForecastRun, merchant=merchant, pk=run_id)
    if run is None:
        return None
    with transaction.atomic(), tenant_context(merchant):
        keys, days, values = load_history(merchant)
        first_date = days[-1] + dt.timedelta(days=1) if days else timezone.localdate()
        forecasts, chosen = [], Counter()
        for (sku, location), history in zip(keys, values, strict=True):
            name = choose_per_series(history, run.horizon, WEEK, BASELINES)
            chosen[name] += 1
            forecasts.append(
                SeriesForecast(
                    merchant=merchant,
                    run=run,
                    sku_id=sku,
                    location_id=location,
                    first_date=first_date,
                    model=name,
                    quantiles=SeriesForecast.pack(BASELINES[name](history, run.horizon, WEEK)),
                )
            )
        SeriesForecast.objects.bulk_create(forecasts, batch_size=2000)
        run.status = ForecastRun.Status.SUCCEEDED
        run.history_end = days[-1] if days else None
        run.series_count = len(forecasts)
        run.model_counts = dict(chosen)
        run.finished_at = timezone.now()
        run.save()
    return run


def forecast_run_fail(*, merchant: Merchant, run_id: int, message: str) -> None:
    runs.fail(ForecastRun, merchant=merchant, pk=run_id, message=message)

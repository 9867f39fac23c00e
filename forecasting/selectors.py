"""Reads of forecasts."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db.models import BinaryField, F, Func, Value

from accounts.models import Merchant
from accounts.tenancy import tenant_context
from forecasting.models import ForecastRun, ModelVersion, SeriesForecast


def active_version(merchant: Merchant) -> ModelVersion | None:
    """The merchant's active fine-tuned version; None when the shipped base model serves."""
    return (
        ModelVersion.objects.for_merchant(merchant)
        .filter(status=ModelVersion.Status.ACTIVE)
        .first()
    )


def forecast_explanation(*, merchant: Merchant, forecast_id: int) -> dict | None:
    """A stored forecast's SHAP explanation, None until a worker has computed it."""
    return (
        SeriesForecast.objects.for_merchant(merchant)
        .filter(pk=forecast_id)
        .values_list("explanation", flat=True)
        .first()
    )


def latest_run(*, merchant: Merchant) -> ForecastRun | None:
    return (
        ForecastRun.objects.for_merchant(merchant)
        .filter(status=ForecastRun.Status.SUCCEEDED)
        .order_by("-finished_at")
        .first()
    )


def latest_forecasts_for_sku(*, merchant: Merchant, sku_id: int) -> list[SeriesForecast]:
    run = latest_run(merchant=merchant)
    if run is None:
        return []
    return list(
        SeriesForecast.objects.for_merchant(merchant)
        .filter(run=run, sku_id=sku_id)
        .select_related("location")
    )


def quantiles_on_day(
    *, merchant: Merchant, run: ForecastRun, day: dt.date, levels: list[int]
) -> dict[tuple[int, int], np.ndarray]:
    """Per series of ``run`` whose forecast covers ``day``: its quantiles at the level
    indexes ``levels`` on that day. The database cuts the 4-byte values out of the packed
    arrays (levels x horizon, row by row), so checking yesterday's forecast against
    yesterday's sales does not move whole forecasts."""
    offset = {}
    for first_date in (
        SeriesForecast.objects.for_merchant(merchant)
        .filter(run=run)
        .values_list("first_date", flat=True)
        .distinct()
    ):
        step = (day - first_date).days
        if 0 <= step < run.horizon:
            offset[first_date] = step
    found: dict[tuple[int, int], np.ndarray] = {}
    for first_date, step in offset.items():
        cuts = {
            f"level_{level}": Func(
                F("quantiles"),
                Value((level * run.horizon + step) * 4 + 1),
                Value(4),
                function="substr",
                output_field=BinaryField(),
            )
            for level in levels
        }
        rows = (
            SeriesForecast.objects.for_merchant(merchant)
            .filter(run=run, first_date=first_date)
            .annotate(**cuts)
            .values_list("sku_id", "location_id", *cuts)
        )
        for sku, location, *values in rows:
            found[(sku, location)] = np.frombuffer(b"".join(map(bytes, values)), dtype="<f4")
    return found


def published_runs(*, merchant: Merchant):
    """The merchant's forecast runs whose forecasts are all written (succeeded): a run still
    running, or one that failed half way, holds only some series."""
    return (
        ForecastRun.objects.for_merchant(merchant)
        .filter(status=ForecastRun.Status.SUCCEEDED)
        .select_related("model_version")
    )


def published_forecasts(*, merchant: Merchant):
    """The forecasts of `published_runs`, with what a reader shows beside the quantiles (the
    SKU, the location, the run's model version) joined in one query."""
    return (
        SeriesForecast.objects.for_merchant(merchant)
        .filter(run__status=ForecastRun.Status.SUCCEEDED)
        .select_related("sku", "location", "run__model_version")
    )


def run_forecast_batches(
    *, merchant: Merchant, run_id: int, batch_size: int = 500, location_code: str | None = None
):
    """A published run's forecasts in id order, ``batch_size`` at a time, each batch read in
    its own tenant transaction: an export streams a whole run without holding it in memory,
    and its rows are read after the request's own transaction has ended. Yields lists of
    (sku code, location code, first date, model, quantiles (levels, days))."""
    after = 0
    while True:
        with tenant_context(merchant):
            rows = published_forecasts(merchant=merchant).filter(run_id=run_id, pk__gt=after)
            if location_code is not None:
                rows = rows.filter(location__code=location_code)
            batch = list(
                rows.order_by("pk").values_list(
                    "pk", "sku__code", "location__code", "first_date", "model", "quantiles"
                )[:batch_size]
            )
        if not batch:
            return
        after = batch[-1][0]
        yield [
            (sku, location, first_date, model, SeriesForecast.unpack(packed))
            for _, sku, location, first_date, model, packed in batch
        ]

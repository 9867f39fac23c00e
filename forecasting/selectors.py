"""Reads of forecasts."""

from __future__ import annotations

from accounts.models import Merchant
from forecasting.models import ForecastRun, SeriesForecast


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

"""The data behind a SKU's forecast charts, drawn in the browser by static/js/charts.js: the
recent daily history with its stock-out days, the forecast's median and 80% / 95% bands,
the promotions over both, and the projected stock on hand with the orders arriving."""

from __future__ import annotations

import datetime as dt

import numpy as np

from forecasting.projection import Projection
from forecasting.quantiles import MEDIAN_INDEX, level_index

BANDS = {"q025": 0.025, "q10": 0.1, "q90": 0.9, "q975": 0.975}


def _numbers(values) -> list[float | None]:
    return [None if not np.isfinite(v) else round(float(v), 2) for v in values]


def forecast_chart(
    *,
    history_days: list[dt.date],
    history: list[float],
    stock_out: list[bool],
    first_date: dt.date,
    quantiles: np.ndarray,
    promotions: list,
    projection: Projection | None = None,
    available: float | None = None,
    arrivals: list[tuple[int, float, str]] = (),
) -> dict:
    """One JSON-ready dict: day 0 is the first history day; the forecast starts at index
    ``len(history)``. ``arrivals`` are (day of the horizon, units, order number)."""
    start = history_days[0] if history_days else first_date
    offset = len(history)
    horizon = quantiles.shape[1]
    end = first_date + dt.timedelta(days=horizon - 1)

    def index(day: dt.date) -> int:
        return (day - start).days

    data = {
        "start": start.isoformat(),
        "forecast_start": offset,
        "days": offset + horizon,
        "history": _numbers(history),
        "stock_out": [i for i, out in enumerate(stock_out) if out],
        "median": _numbers(quantiles[MEDIAN_INDEX]),
        **{name: _numbers(quantiles[level_index(level)]) for name, level in BANDS.items()},
        "promotions": [
            {
                "from": max(index(promotion.start_date), 0),
                "to": min(index(promotion.end_date), offset + horizon - 1),
                "label": promotion.name or promotion.code,
                "discount": float(promotion.discount_percent),
            }
            for promotion in promotions
            if promotion.end_date >= start and promotion.start_date <= end
        ],
    }
    if projection is not None:
        data["stock"] = {
            "available": round(float(available or 0), 2),
            "low": _numbers(projection.low),
            "median": _numbers(projection.median),
            "high": _numbers(projection.high),
            "stock_out_by": _numbers(projection.stock_out_by),
            "arrivals": [
                {"day": offset + day, "units": round(units, 2), "label": label}
                for day, units, label in arrivals
            ],
        }
    return data

"""The data behind a SKU's forecast charts, drawn in the browser by static/js/charts.js: the
recent daily history with its stock-out days, the forecast's median and 80% / 95% bands,
the promotions and calendar events over both, the median with the planners' overrides
beside the model's on the days they change, and the projected stock on hand with the orders
arriving; and the forecast on the days of each event ahead (`event_forecasts`)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from forecasting.projection import Projection
from forecasting.quantiles import MEDIAN_INDEX, level_index

LOW_ROW, HIGH_ROW = level_index(0.1), level_index(0.9)

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
    events: list = (),
    override: np.ndarray | None = None,
) -> dict:
    """One JSON-ready dict: day 0 is the first history day; the forecast starts at index
    ``len(history)``. ``arrivals`` are (day of the horizon, units, order number); ``events``
    calendar events (anything with ``start_date``, ``end_date``, ``name``, ``code``);
    ``override`` the median with the overrides per day of the horizon (NaN on days no
    override changes), given as ``override`` beside the model's ``median``."""
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
        "events": [
            {
                "from": max(index(event.start_date), 0),
                "to": min(index(event.end_date), offset + horizon - 1),
                "label": event.name or event.code,
            }
            for event in events
            if event.end_date >= start and event.start_date <= end
        ],
    }
    if override is not None:
        data["override"] = _numbers(override)
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


def event_forecasts(*, events: list, first_date: dt.date, quantiles: np.ndarray) -> list[dict]:
    """Per calendar event that falls in the horizon (in date order): its days there and the
    forecast on them (median and 80% range, summed), beside the median of an ordinary day:
    the horizon's days outside every event, on the same weekdays as the event's days (a
    Saturday festival is not compared with Mondays). ``per_day`` and ``ordinary_day`` are
    None when nothing is forecast on those days (a shop closed on its holidays)."""
    horizon = quantiles.shape[1]
    dates = [first_date + dt.timedelta(days=step) for step in range(horizon)]
    inside = []
    for event in events:
        steps = [
            step for step, day in enumerate(dates) if event.start_date <= day <= event.end_date
        ]
        if steps:
            inside.append((event, steps))
    taken = {step for _event, steps in inside for step in steps}
    median = quantiles[MEDIAN_INDEX]
    found = []
    for event, steps in inside:
        weekdays = {dates[step].weekday() for step in steps}
        ordinary = [
            step
            for step in range(horizon)
            if step not in taken and dates[step].weekday() in weekdays
        ]
        found.append(
            {
                "event": event,
                "first": dates[steps[0]],
                "last": dates[steps[-1]],
                "days": len(steps),
                "median": float(median[steps].sum()),
                "low": float(quantiles[LOW_ROW][steps].sum()),
                "high": float(quantiles[HIGH_ROW][steps].sum()),
                "per_day": float(median[steps].mean()),
                "ordinary_day": float(median[ordinary].mean()) if ordinary else None,
            }
        )
    return found

"""The forecast fan chart, drawn on the server as SVG (no JavaScript, no CDN): recent daily
history, then the median forecast with its 80% and 95% bands."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from forecasting.quantiles import LEVELS, MEDIAN_INDEX

WIDTH, HEIGHT, PAD = 720, 220, 28
BANDS = {"band95": (0.025, 0.975), "band80": (0.1, 0.9)}


def _row(level: float) -> int:
    return int(np.flatnonzero(np.isclose(LEVELS, level))[0])


@dataclass(frozen=True)
class FanChart:
    width: int
    height: int
    history_points: str
    median_points: str
    bands: dict[str, str]
    split_x: float
    top_value: float
    first_label: str
    split_label: str
    last_label: str


def fan_chart(
    history_days: list[dt.date], history: np.ndarray, first_date: dt.date, quantiles: np.ndarray
) -> FanChart:
    horizon = quantiles.shape[1]
    total = len(history) + horizon
    top = float(np.nanmax([np.nanmax(history) if len(history) else 0, quantiles[-2].max(), 1]))

    def x(index: int) -> float:
        return round(PAD + (WIDTH - 2 * PAD) * index / max(total - 1, 1), 1)

    def y(value: float) -> float:
        return round(HEIGHT - PAD - (HEIGHT - 2 * PAD) * min(value, top) / top, 1)

    history_points = " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(history) if not np.isnan(v))
    offset = len(history)
    forecast_x = [x(offset + i) for i in range(horizon)]
    bands = {}
    for name, (low, high) in BANDS.items():
        upper = [f"{fx},{y(v)}" for fx, v in zip(forecast_x, quantiles[_row(high)], strict=True)]
        lower = [f"{fx},{y(v)}" for fx, v in zip(forecast_x, quantiles[_row(low)], strict=True)]
        bands[name] = " ".join(upper + lower[::-1])
    median = " ".join(
        f"{fx},{y(v)}" for fx, v in zip(forecast_x, quantiles[MEDIAN_INDEX], strict=True)
    )
    last_day = first_date + dt.timedelta(days=horizon - 1)
    return FanChart(
        width=WIDTH,
        height=HEIGHT,
        history_points=history_points,
        median_points=median,
        bands=bands,
        split_x=x(offset),
        top_value=top,
        first_label=f"{history_days[0]:%d %b}" if history_days else "",
        split_label=f"{first_date:%d %b}",
        last_label=f"{last_day:%d %b %Y}",
    )

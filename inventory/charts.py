"""Small server-drawn SVG charts (no JavaScript, no CDN)."""

from __future__ import annotations

from dataclasses import dataclass

from inventory.selectors import WeeklySales

WIDTH, HEIGHT, PAD = 720, 180, 24


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    stock_out: bool


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    max_value: float
    first_label: str
    last_label: str


def weekly_bars(weeks: list[WeeklySales]) -> BarChart | None:
    if not weeks:
        return None
    peak = max(float(week.units) for week in weeks) or 1.0
    step = (WIDTH - 2 * PAD) / len(weeks)
    bars = []
    for index, week in enumerate(weeks):
        height = (HEIGHT - 2 * PAD) * float(week.units) / peak
        bars.append(
            Bar(
                x=round(PAD + index * step, 2),
                y=round(HEIGHT - PAD - height, 2),
                width=round(max(step - 1, 1), 2),
                height=round(height, 2),
                label=f"Week of {week.week:%d %b %Y}: {week.units.normalize():f} units",
                stock_out=week.stock_out_days > 0,
            )
        )
    return BarChart(
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        max_value=peak,
        first_label=f"{weeks[0].week:%b %Y}",
        last_label=f"{weeks[-1].week:%b %Y}",
    )

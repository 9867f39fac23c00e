"""The data behind a SKU's weekly sales chart, drawn in the browser by static/js/charts.js."""

from __future__ import annotations

from inventory.selectors import WeeklySales


def weekly_chart(weeks: list[WeeklySales]) -> dict | None:
    """JSON-ready: one entry per week (Monday, units, stock-out days); None without sales."""
    if not weeks:
        return None
    return {
        "weeks": [
            {
                "week": week.week.isoformat(),
                "units": float(week.units),
                "stock_out_days": week.stock_out_days,
            }
            for week in weeks
        ]
    }

"""Backtests: hold out the last H periods of every series, forecast them from the rest, score.

Every candidate alone and each served system (`forecasting.selection`: a choice among the
candidates judged on windows before the held-out periods) are scored the same way, beside
the point seasonal naive that published figures are divided by.

When the panel has calendar events (`forecasting.panels`: an ``event`` column, or a built-in
calendar through `with_events`), the held-out periods are also scored in two parts: event
windows (`forecasting.panels.event_windows`) and ordinary days.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from forecasting.baselines import BASELINES
from forecasting.metrics import Scores, score
from forecasting.panels import EVENT_WINDOW_AFTER, EVENT_WINDOW_BEFORE, Panel, event_windows
from forecasting.quantiles import LEVELS
from forecasting.selection import forecast_scored, run_candidate

Model = Callable[..., np.ndarray]


def seasonal_naive_point(panel: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """The last season repeated, every quantile equal to it (missing periods as zero): the
    reference the Chronos and fev benchmarks divide each model's MASE and WQL by."""
    values = np.nan_to_num(np.asarray(panel, dtype=float))
    period = min(season, values.shape[1]) or 1
    point = values[:, -period:][:, np.arange(horizon) % period]
    return np.repeat(point[:, None, :], len(LEVELS), axis=1)


@dataclass
class BacktestResult:
    horizon: int
    season: int
    n_series: int
    models: dict[str, Scores] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    choices: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: dict[str, object] = field(default_factory=dict)
    # per model, with events held out: its scores on event windows and on ordinary days
    split: dict[str, dict[str, Scores]] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """Per model its MASE and WQL, and their ratios to the point seasonal naive's; with
        event windows held out, the same on those windows and on ordinary days."""
        reference = self.models.get(REFERENCE)

        def ratio(value: float, base: float | None) -> float | None:
            return round(value / base, 4) if base and np.isfinite(value) else None

        def figures(scores: Scores, base: Scores | None) -> dict:
            return {
                "MASE": round(scores.mase, 4),
                "WQL": round(scores.wql, 4),
                "MASE_ratio": ratio(scores.mase, base and base.mase),
                "WQL_ratio": ratio(scores.wql, base and base.wql),
            }

        models = {}
        for name, scores in self.models.items():
            models[name] = {
                **figures(scores, reference),
                "seconds": round(self.seconds[name], 2),
                "zero_scale_series": scores.zero_scale_series,
            }
            for part, parted in self.split.get(name, {}).items():
                models[name][part] = figures(parted, self.split.get(REFERENCE, {}).get(part))
        return {
            "n_series": self.n_series,
            "horizon": self.horizon,
            "season": self.season,
            "models": models,
            "choices": self.choices,
            **self.notes,
        }


DEPLOYED = "shelfcast"
REFERENCE = "seasonal_naive_point"


def report_table(report: dict) -> str:
    """One table of a backtest report: every model alone and the deployed system, MASE and
    WQL and their ratios to the point seasonal naive (as published Chronos/fev figures are)."""
    lines = [
        f"{report['n_series']} series, horizon {report['horizon']}, season {report['season']}; "
        f"ratios to the point seasonal naive (the last season repeated, every quantile)",
        f"{'model':<30}{'MASE':>8}{'WQL':>8}{'MASE/SN':>9}{'WQL/SN':>8}{'seconds':>9}",
    ]
    for name, figures in report["models"].items():
        label = f"{name} (deployed)" if name == DEPLOYED else name
        mase, wql = (
            "—" if figures.get(key) is None else f"{figures[key]:.3f}"
            for key in ("MASE_ratio", "WQL_ratio")
        )
        lines.append(
            f"{label:<30}{figures['MASE']:>8.3f}{figures['WQL']:>8.3f}{mase:>9}{wql:>8}"
            f"{figures['seconds']:>9.1f}"
        )
    deployed = report["models"].get(DEPLOYED)
    if deployed is not None:
        singles = {
            name: figures
            for name, figures in report["models"].items()
            if name not in (DEPLOYED, REFERENCE, "shelfcast_baselines_only")
        }
        for measure in ("MASE", "WQL"):
            beaten = [n for n, f in singles.items() if deployed[measure] < f[measure]]
            missed = sorted(set(singles) - set(beaten))
            lines.append(
                f"deployed beats {len(beaten)} of {len(singles)} single models on {measure}"
                + (f"; not {', '.join(missed)}" if missed else "")
            )
    for name, choices in report["choices"].items():
        lines.append(f"{name} served: {choices}")
    for name, strategy in report.get("strategies", {}).items():
        lines.append(f"{name} by demand class: {strategy}")
    if "event_windows" in report:
        lines += ["", *event_window_table(report)]
    return "\n".join(lines)


def event_window_table(report: dict) -> list[str]:
    """The held-out periods in two parts, event windows and ordinary days: every model's MASE
    and WQL on each (`run_backtest`), and the held-out periods that fell in a window."""
    windows = report["event_windows"]
    periods = windows["periods"]
    shown = ", ".join(periods[:12])
    if len(periods) > 12:
        shown += f" and {len(periods) - 12} more"
    around = (
        f"{windows['before']} days before to {windows['after']} days after each event"
        if windows["before"] or windows["after"]
        else "the periods that hold an event"
    )
    lines = [
        f"event windows ({around}): {len(periods)} held-out periods ({shown or 'none'})",
        f"{'model':<30}{'MASE event':>12}{'WQL event':>11}{'MASE ordinary':>15}"
        f"{'WQL ordinary':>14}",
    ]
    for name, figures in report["models"].items():
        if "event_window" not in figures:
            continue
        label = f"{name} (deployed)" if name == DEPLOYED else name
        event, ordinary = figures["event_window"], figures["ordinary"]
        lines.append(
            f"{label:<30}{event['MASE']:>12.3f}{event['WQL']:>11.3f}{ordinary['MASE']:>15.3f}"
            f"{ordinary['WQL']:>14.3f}"
        )
    return lines


def auto_ets(panel: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """statsforecast's AutoETS (a development dependency) as a comparison, with its
    prediction intervals turned into our quantile levels. It takes no gaps: days that were
    not observed are filled with zeros for it."""
    # imported here: statsforecast is a development dependency, absent where the service runs
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    series, length = panel.shape
    frame = pd.DataFrame(
        {
            "unique_id": np.repeat(np.arange(series), length),
            "ds": np.tile(np.arange(length), series),
            "y": np.nan_to_num(panel, nan=0.0).reshape(-1),
        }
    )
    widths = sorted({round(abs(1 - 2 * level) * 100, 1) for level in LEVELS if level != 0.5})
    forecaster = StatsForecast(models=[AutoETS(season_length=season)], freq=1, n_jobs=2)
    result = forecaster.forecast(df=frame, h=horizon, level=widths).sort_values(["unique_id", "ds"])
    quantiles = np.zeros((series, len(LEVELS), horizon))
    for column, level in enumerate(LEVELS):
        if level == 0.5:
            name = "AutoETS"
        else:
            width = round(abs(1 - 2 * level) * 100, 1)
            name = f"AutoETS-{'lo' if level < 0.5 else 'hi'}-{width}"
        quantiles[:, column, :] = result[name].to_numpy().reshape(series, horizon)
    quantiles = np.maximum(np.nan_to_num(quantiles), 0.0)
    return np.maximum.accumulate(quantiles, axis=1)


@dataclass(frozen=True)
class System:
    """A served system: the candidates that forecast, and those that judge them on the
    selection windows (the same ones unless a candidate was cross-fitted)."""

    served: dict[str, Model]
    judged: dict[str, Model] | None = None


def _held_event_windows(panel: Panel, horizon: int, result: BacktestResult) -> np.ndarray | None:
    """(series, horizon) True on the held-out periods in an event window, noting the windows
    and those periods in ``result``; None without events or when no held-out period is in
    one."""
    windows = event_windows(panel)
    if windows is None:
        return None
    held = windows[:, -horizon:]
    result.notes["event_windows"] = {
        "before": EVENT_WINDOW_BEFORE if panel.freq == "D" else 0,
        "after": EVENT_WINDOW_AFTER if panel.freq == "D" else 0,
        "periods": [
            period
            for period, inside in zip(panel.periods[-horizon:], held.any(axis=0), strict=True)
            if inside
        ],
    }
    return held if held.any() else None


def run_backtest(
    panel: Panel,
    *,
    horizon: int,
    season: int,
    extra: dict[str, Model] | None = None,
    system: dict[str, System] | None = None,
) -> BacktestResult:
    """Score the point seasonal naive, every baseline, any ``extra`` models, and each served
    system (by default "shelfcast" over the baselines) on the last ``horizon`` periods, each
    seeing only what came before; with calendar events, on event windows and ordinary days
    apart too (`event_windows`)."""
    history, actual = panel.values[:, :-horizon], panel.values[:, -horizon:]
    histories, actuals = list(history), list(actual)
    result = BacktestResult(horizon=horizon, season=season, n_series=len(histories))
    held = _held_event_windows(panel, horizon, result)

    def scored(name: str, forecasts: np.ndarray) -> None:
        result.models[name] = score(histories, actuals, list(forecasts), season)
        if held is not None:
            result.split[name] = {
                part: score(
                    histories, list(np.where(mask, actual, np.nan)), list(forecasts), season
                )
                for part, mask in (("event_window", held), ("ordinary", ~held))
            }

    singles = {"seasonal_naive_point": seasonal_naive_point, **BASELINES, **(extra or {})}
    for name, model in singles.items():
        started = time.perf_counter()
        forecasts = run_candidate(model, history, horizon, season)
        result.seconds[name] = time.perf_counter() - started
        scored(name, forecasts)
    for name, served in (system or {"shelfcast": System(dict(BASELINES))}).items():
        started = time.perf_counter()
        chosen = forecast_scored(history, horizon, season, served.served, served.judged)
        result.seconds[name] = time.perf_counter() - started
        scored(name, chosen.quantiles)
        names, counts = np.unique(chosen.models, return_counts=True)
        result.choices[name] = {
            str(model): int(count) for model, count in zip(names, counts, strict=True)
        }
        if chosen.choice is not None:
            result.notes.setdefault("strategies", {})[name] = chosen.choice.strategies()
    return result

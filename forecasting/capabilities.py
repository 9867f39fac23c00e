"""What the shipped transformer must be able to do: generated daily series with a known answer,
each with a threshold that means something, run by the test suite on the shipped weights, by
`manage.py pretrain_base_model` for the model card, and by bench/forecast.

Every case is 24 series of `HISTORY` days, the last `HORIZON` held out, drawn from a fixed
seed. Thresholds compare the transformer with what the case's own structure allows (an exact
pattern must be forecast almost exactly) or with the plain baseline that fits the case, scored
on the same windows:

- weekly_pattern: a noiseless repeating weekly pattern: weighted absolute error under 10% of
  demand (seasonal naive is exact; a flat line is about 27% off). MASE is undefined here.
- sine_7, sine_30: a sine of period 7 and of 30 days with a little noise: MASE below the best
  baseline's (period 7), and under half that of a flat line at the last four weeks' mean
  (period 30, which no weekly baseline sees; the flat line beats them all there).
- linear_trend, trend_weekly: a straight trend, alone and times a weekly pattern, with noise:
  MASE below seasonal naive's (which lags a trend) by at least 10%.
- level_shift: demand that stepped up or down three to six weeks ago: MASE below seasonal
  naive's and within 10% of exponential smoothing's.
- intermittent: Croston-like demand (rare occurrences of random size): WQL within 5% of TSB's.
- promotion: weekly-seasonal counts with promotions known ahead (a covariate) that double
  demand: on promoted days of the horizon the median is at least 1.5 times that of the same
  weekdays unpromoted, and WQL at least 3% lower than the same model's without the covariate.
- poisson_weekly: weekly-seasonal Poisson counts: MASE within 5% of exponential smoothing's,
  and each quantile from 10% to 90% covers within 8 points of its level.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from forecasting.baselines import exponential_smoothing, seasonal_naive, tsb
from forecasting.metrics import score
from forecasting.neural.inference import Covariates, TransformerCandidate
from forecasting.quantiles import LEVELS, MEDIAN_INDEX, WQL_LEVELS, level_index

SERIES = 24
HISTORY = 196
HORIZON = 28
WEEK = 7
SEED = 20_261_203


@dataclass
class Case:
    name: str
    values: np.ndarray  # (series, HISTORY + HORIZON)
    known: dict[int, np.ndarray] = field(default_factory=dict)  # promotion flags, per row

    @property
    def history(self) -> np.ndarray:
        return self.values[:, :-HORIZON]

    @property
    def actual(self) -> np.ndarray:
        return self.values[:, -HORIZON:]


def _profiles(rng: np.random.Generator) -> np.ndarray:
    profile = rng.gamma(4.0, 1.0, (SERIES, WEEK))
    return profile / profile.mean(axis=1, keepdims=True)


def cases(seed: int = SEED) -> list[Case]:
    rng = np.random.default_rng(seed)
    total = HISTORY + HORIZON
    t = np.arange(total, dtype=float)
    level = rng.uniform(10, 100, (SERIES, 1))
    result = [Case("weekly_pattern", np.round(level * _profiles(rng)[:, t.astype(int) % WEEK]))]
    for name, period in (("sine_7", 7), ("sine_30", 30)):
        phase = rng.uniform(0, 2 * np.pi, (SERIES, 1))
        wave = level * (1 + 0.5 * np.sin(2 * np.pi * t / period + phase))
        result.append(Case(name, wave + rng.normal(0, 0.05, (SERIES, total)) * level))
    slope = rng.uniform(0.3, 1.5, (SERIES, 1)) * rng.choice([-1, 1], (SERIES, 1)) / total
    trend = level * (1 + slope * (t - total / 2))
    noise = rng.normal(0, 0.05, (SERIES, total)) * level
    result.append(Case("linear_trend", np.maximum(trend + noise, 0)))
    weekly = trend * _profiles(rng)[:, t.astype(int) % WEEK]
    result.append(Case("trend_weekly", np.maximum(weekly + noise, 0)))
    shift_at = HISTORY - rng.integers(21, 43, SERIES)
    factor = np.exp(rng.choice([-1, 1], SERIES) * rng.uniform(0.5, 1.0, SERIES))
    rate = np.repeat(level, total, axis=1)
    for row in range(SERIES):
        rate[row, shift_at[row] :] *= factor[row]
    result.append(Case("level_shift", rng.poisson(rate).astype(float)))
    chance = rng.uniform(0.05, 0.35, (SERIES, 1))
    sizes = np.ceil(rng.gamma(2.0, rng.uniform(1, 10, (SERIES, 1)), (SERIES, total)))
    result.append(Case("intermittent", np.where(rng.random((SERIES, total)) < chance, sizes, 0)))
    base = rng.uniform(3, 30, (SERIES, 1)) * _profiles(rng)[:, t.astype(int) % WEEK]
    promoted = np.zeros((SERIES, total))
    for row in range(SERIES):
        for start in (*rng.choice(HISTORY - 10, 5, replace=False), HISTORY + rng.integers(3, 18)):
            promoted[row, start : start + int(rng.integers(4, 8))] = 1
    promotion = Case("promotion", rng.poisson(base * (1 + promoted)).astype(float))
    price = np.where(promoted > 0, 8.0, 10.0)  # known rows in their places: price, promotion
    promotion.known = {row: np.stack([price[row], promoted[row]]) for row in range(SERIES)}
    result.append(promotion)
    poisson = rng.uniform(2, 40, (SERIES, 1)) * _profiles(rng)[:, t.astype(int) % WEEK]
    result.append(Case("poisson_weekly", rng.poisson(poisson).astype(float)))
    return result


def _wql(case: Case, quantiles: np.ndarray) -> float:
    return score(list(case.history), list(case.actual), list(quantiles), WEEK).wql


def _mase(case: Case, quantiles: np.ndarray) -> float:
    return score(list(case.history), list(case.actual), list(quantiles), WEEK).mase


def _absolute_error(case: Case, quantiles: np.ndarray) -> float:
    """Weighted absolute error of the median: sum |error| / sum |actual|."""
    return float(np.abs(quantiles[:, MEDIAN_INDEX] - case.actual).sum() / np.abs(case.actual).sum())


def _worst_coverage_gap(case: Case, quantiles: np.ndarray) -> float:
    """The largest gap, over levels 10%…90%, between a level and the share of actuals below
    its quantile (ties counted half, as counts often equal a quantile)."""
    gaps = []
    for level in WQL_LEVELS:
        forecast = quantiles[:, level_index(level)]
        below = (case.actual < forecast).mean() + 0.5 * (case.actual == forecast).mean()
        gaps.append(abs(below - level))
    return float(max(gaps))


@dataclass(frozen=True)
class Gate:
    case: str
    measure: str
    value: float
    threshold: float
    reference: str  # what the threshold is made of

    @property
    def passed(self) -> bool:
        return bool(np.isfinite(self.value) and self.value <= self.threshold)


Forecaster = Callable[[Case, bool], np.ndarray]  # (case, with covariates) -> quantiles


def gates(forecaster: Forecaster, seed: int = SEED) -> list[Gate]:
    """Run every case through ``forecaster`` and the baselines; one Gate per threshold."""
    result = []
    for case in cases(seed):
        ours = forecaster(case, True)
        naive = seasonal_naive(case.history, HORIZON, WEEK)
        smoothing = exponential_smoothing(case.history, HORIZON, WEEK)
        name = case.name
        if name == "weekly_pattern":
            result.append(Gate(name, "absolute error", _absolute_error(case, ours), 0.10, "10%"))
        elif name == "sine_7":
            limit = min(_mase(case, naive), _mase(case, smoothing))
            result.append(Gate(name, "MASE", _mase(case, ours), limit, "best baseline"))
        elif name == "sine_30":
            flat = np.nanmean(case.history[:, -4 * WEEK :], axis=1)
            flat = np.repeat(flat[:, None, None], HORIZON, axis=2) * np.ones((1, len(LEVELS), 1))
            limit = 0.5 * _mase(case, flat)
            result.append(Gate(name, "MASE", _mase(case, ours), limit, "0.5 x flat line"))
        elif name in ("linear_trend", "trend_weekly"):
            limit = 0.9 * _mase(case, naive)
            result.append(Gate(name, "MASE", _mase(case, ours), limit, "0.9 x seasonal naive"))
        elif name == "level_shift":
            limit = min(_mase(case, naive), 1.1 * _mase(case, smoothing))
            result.append(Gate(name, "MASE", _mase(case, ours), limit, "SN, 1.1 x smoothing"))
        elif name == "intermittent":
            limit = 1.05 * _wql(case, tsb(case.history, HORIZON, WEEK))
            result.append(Gate(name, "WQL", _wql(case, ours), limit, "1.05 x TSB"))
        elif name == "promotion":
            flags = np.stack([case.known[row][1, -HORIZON:] for row in range(SERIES)]) > 0
            median = ours[:, MEDIAN_INDEX]
            lifts = []
            for row in range(SERIES):
                weekdays = np.arange(HORIZON) % WEEK
                on = [d for d in set(weekdays[flags[row]]) if (~flags[row] & (weekdays == d)).any()]
                for day in on:
                    promoted = median[row][flags[row] & (weekdays == day)].mean()
                    plain = median[row][~flags[row] & (weekdays == day)].mean()
                    lifts.append(promoted / max(plain, 1e-6))
            lift = float(np.median(lifts)) if lifts else 0.0
            result.append(Gate(name, "1 / lift on promoted days", 1 / max(lift, 1e-6), 1 / 1.5,
                               "lift 1.5 (true 2.0)"))  # fmt: skip
            without = _wql(case, forecaster(case, False))
            result.append(
                Gate(name, "WQL", _wql(case, ours), 0.97 * without, "0.97 x without covariate")
            )
        elif name == "poisson_weekly":
            limit = 1.05 * _mase(case, smoothing)
            result.append(Gate(name, "MASE", _mase(case, ours), limit, "1.05 x smoothing"))
            result.append(
                Gate(name, "coverage gap", _worst_coverage_gap(case, ours), 0.08, "8 points")
            )
    return result


def transformer_forecaster(model) -> Forecaster:
    """The transformer as the nightly run uses it, with a case's covariates or without."""

    def forecast(case: Case, with_covariates: bool) -> np.ndarray:
        covariates = Covariates(known=case.known) if with_covariates and case.known else None
        return TransformerCandidate(model, covariates)(case.history, HORIZON, WEEK)

    return forecast


def table(results: list[Gate]) -> str:
    lines = [f"{'case':<16}{'measure':<28}{'value':>8}{'limit':>8}  {'limit from':<22}result"]
    for gate in results:
        lines.append(
            f"{gate.case:<16}{gate.measure:<28}{gate.value:>8.3f}{gate.threshold:>8.3f}  "
            f"{gate.reference:<22}{'pass' if gate.passed else 'FAIL'}"
        )
    return "\n".join(lines)

"""How much a promotion lifts a SKU's demand, measured against what the SKU would have sold
without it, apart from the database (`planning.promotion_math` plans with it).

Counterfactual. Each promotion (a run of promoted days of one series, cut into pieces of at
most `MAX_EPISODE_DAYS`) gets a Poisson regression with a log link fitted on the unpromoted,
usable days of a window around it: `WINDOW_DAYS` either side this year, and the same weeks
52 weeks (`YEAR_LAG`) and 104 weeks earlier where the history reaches back. Its terms: a level
and a linear trend per year, day-of-week effects and a seasonal shape over the window shared by
the years (linear pieces every `KNOT_DAYS`, their second differences penalised). The earlier
years teach the shape over the promoted days (a December peak); without them the shape
interpolates smoothly across the promotion from the days either side. Promoted days (this one
and any other) never enter the fit. The promotion's lift is its observed units over the fitted
counterfactual units of its days. All promotions of a store are fitted at once: the windows
share one design matrix (weekdays counted from the window's first day, which the 52-week lag
keeps aligned), so each Newton step is one matrix product and one batched solve.

Pooling (`planning.promotion_pooling`). Each promotion's lift is read as a price elasticity
(log lift / log(1 - discount)), as the plans need it; a SKU's is the precision-weighted mean
of its promotions' (a ratio of summed units would let the deeper discounts' larger lifts
dominate). Elasticities are pooled
empirical-Bayes style: each SKU's is shrunk toward its category's by its sampling variance
(Poisson with the fit's overdispersion, the counterfactual's own uncertainty, and the
promotion-to-promotion spread over as many promotions as it has) against the spread between
SKUs of a category; each category's toward the store's likewise; the store's toward a prior
(`PRIOR_ELASTICITY`). The spreads are estimated from the store itself (DerSimonian-Laird),
floored. The interval (`INTERVAL`) is predictive for one more promotion: the posterior spread of
the SKU's elasticity plus the promotion-to-promotion spread.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

WINDOW_DAYS = 42  # unpromoted days either side that the counterfactual is fitted on
YEAR_LAG = 364  # 52 weeks: the same weekdays a year earlier
YEARS = 3  # this year's window and the same weeks one and two years before
KNOT_DAYS = 7  # the seasonal shape is linear between knots this far apart
SEASON_PENALTY = 5.0  # on the shape's second differences (log scale)
RIDGE = 1e-3  # keeps directions the data leave free (an empty earlier year) at rest
MAX_EPISODE_DAYS = 28  # longer promotions are measured in pieces
MIN_FIT_DAYS = 14  # a promotion with fewer usable unpromoted days around it is not measured
NEWTON_STEPS = 25
BATCH = 4096  # promotions per batched fit (bounds memory)
MIN_DISCOUNT = 0.02  # below this a promotion says nothing about the price response
INTERVAL = 0.9
Z = 1.6448536269514722  # the standard normal's 95th percentile: a central 90% interval


@dataclass(frozen=True)
class SeriesDays:
    """One SKU at one location: per day, units, whether promoted, its discount (0..1) and
    whether the day counts (open, in stock). Consecutive days, the last one most recent."""

    units: np.ndarray
    promoted: np.ndarray
    discount: np.ndarray
    usable: np.ndarray


@dataclass(frozen=True)
class Evidence:
    """A SKU's promotion evidence: promoted units, what they would have been without the
    promotions (the counterfactual, or the before/after baseline), the days, and the mean
    discount of those days. The controlled estimate adds the sampling variance of the log
    lift, the concentration (sum of squared shares of the promotions, 1 / their number when
    equal) and per discounted promotion its (elasticity, variance)."""

    promoted_units: float
    baseline_units: float
    days: int
    discount: float
    variance: float = math.nan
    concentration: float = 1.0
    episodes: tuple[tuple[float, float], ...] = ()

    @property
    def log_uplift(self) -> float:
        return math.log(max(self.promoted_units, 1e-6) / max(self.baseline_units, 1e-6))


@dataclass(frozen=True)
class Effect:
    """What a promotion does to one SKU's demand."""

    uplift: float  # at `discount`
    discount: float
    elasticity: float
    days: int  # promotion days behind the SKU's own estimate
    source: str  # "sku", "category", "store" or "prior"
    elasticity_sd: float = 0.0  # predictive spread for one more promotion (0: unknown)

    def uplift_at(self, depth: float) -> float:
        """The demand multiplier at discount ``depth`` (0..1)."""
        if self.discount > 0:
            # scale the observed uplift by the price response between the two depths
            return self.uplift * ((1 - depth) / (1 - self.discount)) ** self.elasticity
        return (1 - depth) ** self.elasticity

    def interval_at(self, depth: float) -> tuple[float, float]:
        """The `INTERVAL` predictive interval of the multiplier at discount ``depth``."""
        centre = math.log(self.uplift_at(depth))
        spread = Z * self.elasticity_sd * abs(math.log(1 - depth))
        return math.exp(centre - spread), math.exp(centre + spread)


@dataclass(frozen=True)
class _Episodes:
    """The promotions of a store, flattened: per promotion its SKU's position, the offset of
    its series in the flat arrays, the series' length, its first day and its length."""

    sku: np.ndarray
    offset: np.ndarray
    length: np.ndarray
    start: np.ndarray
    days: np.ndarray


def _episodes(series_by_sku: dict[int, list[SeriesDays]]):
    """Flatten every series and find its promotions (runs of promoted days)."""
    skus = list(series_by_sku)
    units, promoted, discount, usable = [], [], [], []
    parts = {name: [] for name in ("sku", "offset", "length", "start", "days")}
    offset = 0
    for position, sku in enumerate(skus):
        for one in series_by_sku[sku]:
            flags = np.asarray(one.promoted, dtype=bool)
            edges = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
            starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
            for begin, end in zip(starts, ends, strict=True):
                pieces = np.arange(begin, end, MAX_EPISODE_DAYS)
                parts["start"].append(pieces)
                parts["days"].append(np.minimum(pieces + MAX_EPISODE_DAYS, end) - pieces)
                parts["sku"].append(np.full(len(pieces), position))
                parts["offset"].append(np.full(len(pieces), offset))
                parts["length"].append(np.full(len(pieces), len(flags)))
            units.append(np.asarray(one.units, dtype=float))
            promoted.append(flags)
            discount.append(np.asarray(one.discount, dtype=float))
            usable.append(np.asarray(one.usable, dtype=bool))
            offset += len(flags)
    flat = [
        np.concatenate(values) if values else np.zeros(0, dtype)
        for values, dtype in ((units, float), (promoted, bool), (discount, float), (usable, bool))
    ]
    found = _Episodes(
        *(
            np.concatenate(parts[name]).astype(int) if parts[name] else np.zeros(0, int)
            for name in ("sku", "offset", "length", "start", "days")
        )
    )
    return skus, flat, found


def _design(size: int) -> tuple[np.ndarray, np.ndarray]:
    """The design matrix shared by every window of ``size`` days in each of `YEARS` years
    (rows: year-major), and its penalty."""
    position = np.arange(size)
    knots = np.arange(0, size - 1 + KNOT_DAYS, KNOT_DAYS)
    hats = np.clip(1 - np.abs(position[:, None] - knots[None, :]) / KNOT_DAYS, 0, None)
    weekdays = (position[:, None] % 7 == np.arange(1, 7)[None, :]).astype(float)
    slope = (position - size / 2) / size
    blocks = []
    for year in range(YEARS):
        level = np.zeros((size, YEARS))
        level[:, year] = 1.0
        trend = np.zeros((size, YEARS))
        trend[:, year] = slope
        blocks.append(np.hstack([level, trend, weekdays, hats]))
    design = np.vstack(blocks)
    columns = design.shape[1]
    penalty = np.eye(columns) * RIDGE
    first_hat = 2 * YEARS + 6
    second = np.diff(np.eye(len(knots)), n=2, axis=0)
    penalty[first_hat:, first_hat:] += SEASON_PENALTY * second.T @ second
    return design, penalty


def _fit(y: np.ndarray, weight: np.ndarray, target: np.ndarray):
    """Poisson regressions on the shared design, one per row of ``y`` (days of a window in
    `YEARS` years), fitted on ``weight`` and predicted over ``target``. Returns per window
    the counterfactual units over the target days, the variance of its log (from the fit's
    curvature, times the overdispersion) and the overdispersion."""
    count, rows = y.shape
    design, penalty = _design(rows // YEARS)
    columns = design.shape[1]
    products = (design[:, :, None] * design[:, None, :]).reshape(rows, columns * columns)
    fitted_days = weight.sum(axis=1)
    mean = (y * weight).sum(axis=1) / np.maximum(fitted_days, 1)
    beta = np.zeros((count, columns))
    beta[:, :YEARS] = np.log(mean + 0.05)[:, None]
    for _step in range(NEWTON_STEPS):
        eta = np.clip(beta @ design.T, -20, 15)
        mu = np.exp(eta)
        working = weight * mu
        hessian = (working @ products).reshape(count, columns, columns) + penalty
        # Newton step on the penalised Poisson log-likelihood
        gradient = (weight * (y - mu)) @ design - beta @ penalty
        step = np.linalg.solve(hessian, gradient[:, :, None])[:, :, 0]
        beta += step
        if np.abs(step).max(initial=0.0) < 1e-7:
            break
    mu = np.exp(np.clip(beta @ design.T, -20, 15))
    hessian = ((weight * mu) @ products).reshape(count, columns, columns) + penalty
    counterfactual = (target * mu).sum(axis=1)
    direction = ((target * mu) @ design) / np.maximum(counterfactual, 1e-12)[:, None]
    curvature = np.einsum(
        "pk,pk->p", direction, np.linalg.solve(hessian, direction[:, :, None])[:, :, 0]
    )
    years_seen = (weight.reshape(count, YEARS, -1).sum(axis=2) > 0).sum(axis=1)
    freedom = np.maximum(fitted_days - (2 * years_seen + 6 + 3), 1)
    pearson = (weight * (y - mu) ** 2 / np.maximum(mu, 1e-9)).sum(axis=1) / freedom
    dispersion = np.maximum(pearson, 1.0)
    return counterfactual, dispersion * curvature, dispersion


def _fit_batch(found: _Episodes, part: slice, units, promoted, discount, usable) -> tuple:
    """The promotions ``part`` of ``found`` fitted together: per promotion its promoted units,
    their counterfactual (NaN where not measured), its usable days, its summed discount and
    the variance of its log lift."""
    # one window size for every store and batch, so that a SKU's estimate does not depend on
    # which other promotions it was fitted with
    position = np.arange(2 * WINDOW_DAYS + MAX_EPISODE_DAYS)
    start, days = found.start[part], found.days[part]
    offset, length = found.offset[part], found.length[part]
    ys, weights = [], []
    for year in range(YEARS):
        day = start[:, None] - WINDOW_DAYS + position[None, :] - year * YEAR_LAG
        inside = (day >= 0) & (day < length[:, None])
        index = offset[:, None] + np.clip(day, 0, length[:, None] - 1)
        ys.append(np.where(inside, units[index], 0.0))
        weights.append(inside & usable[index] & ~promoted[index])
        if year == 0:
            within = (position[None, :] >= WINDOW_DAYS) & (
                position[None, :] < WINDOW_DAYS + days[:, None]
            )
            target = inside & usable[index] & within
            promoted_units = np.where(target, units[index], 0.0).sum(axis=1)
            discount_sum = np.where(target, discount[index], 0.0).sum(axis=1)
    y = np.hstack(ys)
    weight = np.hstack(weights).astype(float)
    target_rows = np.hstack([target] + [np.zeros_like(target)] * (YEARS - 1)).astype(float)
    counterfactual, model_variance, dispersion = _fit(y, weight, target_rows)
    target_days = target.sum(axis=1)
    measured = (
        (weights[0].sum(axis=1) >= MIN_FIT_DAYS)
        & (target_days > 0)
        & ((ys[0] * weights[0]).sum(axis=1) > 0)
    )
    counterfactual = np.where(measured, counterfactual, np.nan)
    # the log of observed / counterfactual: Poisson noise of the observed sum (at the
    # fitted level, never below half a unit) and the counterfactual's own uncertainty
    variance = dispersion / np.maximum(promoted_units, 0.5) + model_variance
    return promoted_units, counterfactual, target_days, discount_sum, variance


def evidence_by_sku(series_by_sku: dict[int, list[SeriesDays]]) -> dict[int, Evidence | None]:
    """Each SKU's controlled evidence over all its promotions (None when none could be
    measured), all promotions of all SKUs fitted together."""
    skus, (units, promoted, discount, usable), found = _episodes(series_by_sku)
    results: dict[int, Evidence | None] = dict.fromkeys(skus)
    if len(found.start) == 0:
        return results
    batches = [
        _fit_batch(found, slice(begin, begin + BATCH), units, promoted, discount, usable)
        for begin in range(0, len(found.start), BATCH)
    ]
    observed, baseline, lengths, discount_sums, variances = (
        np.concatenate(column) for column in zip(*batches, strict=True)
    )
    for position_of_sku in np.unique(found.sku):
        mine = (found.sku == position_of_sku) & np.isfinite(baseline)
        if not mine.any() or baseline[mine].sum() <= 0:
            continue
        days = int(lengths[mine].sum())
        share = np.maximum(observed[mine], 0.5) / np.maximum(observed[mine], 0.5).sum()
        mean_discount = np.where(lengths[mine] > 0, discount_sums[mine], 0) / np.maximum(
            lengths[mine], 1
        )
        log_lift = np.log(np.maximum(observed[mine], 0.5) / baseline[mine])
        discounted = mean_discount >= MIN_DISCOUNT
        scale = np.log(1 - mean_discount[discounted])
        episodes = tuple(
            (float(lift / s), float(v / s**2))
            for lift, v, s in zip(
                log_lift[discounted], variances[mine][discounted], scale, strict=True
            )
        )
        results[skus[position_of_sku]] = Evidence(
            float(observed[mine].sum()),
            float(baseline[mine].sum()),
            days,
            float(discount_sums[mine].sum() / max(days, 1)),
            float((share**2 * variances[mine]).sum()),
            float((share**2).sum()),
            episodes,
        )
    return results


def evidence(series: list[SeriesDays]) -> Evidence | None:
    """Controlled evidence over the promotions of one SKU's series."""
    return evidence_by_sku({0: series})[0]

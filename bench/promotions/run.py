"""Promotion uplift backtest: the controlled estimate (planning/promotion_uplift.py) against
the crude before/after one (planning/promotion_math.py `before_after_evidence`,
`estimate_before_after`) on held-out promotions of a synthetic store, and the controlled
estimate's time on a 10,000-SKU store.

    .venv/bin/python bench/promotions/run.py [--skus 300] [--seed 11]

No database. The world: ``--skus`` SKUs in six categories, 3 years and 8 weeks of daily demand
(gamma-Poisson, shape 8) from a base level (2 to 30 a day), the category's weekday pattern
(three categories sell 60% more on Saturdays and Sundays), a yearly season (a December peak
of up to 2.7x, about two weeks wide, and a summer wave of +-30%), and a log-linear trend
(sd 35% a year). Each category has a price elasticity (-1.2 to -4.2), each SKU its own around
it (sd 0.3); a promotion at discount d (10-40%) multiplies demand by (1 - d) ** elasticity
times a promotion's own noise (sd 5% in the log). SKUs have 1 to 8 past promotions of 7 or 14
days (one in five of them Friday to Sunday only), a third of SKUs one in an earlier
December; then one last promotion, held out: for 40% of SKUs in the last December's peak, the
rest anywhere in the last six months (on whatever trend slope the SKU has).

Backtest: the held-out promotion's days are hidden (unusable, unpromoted) from both
estimates; each SKU's effect is estimated from its other promotions, pooled with its
category's and the store's, by both methods, and its lift at the held-out promotion's discount
(`Effect.uplift_at`) compared with the true lift. Printed: mean absolute error and bias (mean
signed error) of the log lift by method, for all held-out promotions, those in the December
peak, the rest, the weekend-only ones, and those on the steepest trends (|trend| over 35% a
year); the controlled estimate's 90% interval coverage of the true lift and its median width;
each estimate's time. Then the scale run: a 10,000-SKU store, 1,500 of them with two past
promotions each (3,000), through the controlled estimate (all SKUs passed in).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from planning import promotion_math as pm  # noqa: E402

DAYS = 3 * 365 + 56
CATEGORY_ELASTICITY = (-1.2, -1.8, -2.4, -3.0, -3.6, -4.2)
WEEKEND_HEAVY = (True, False, True, False, True, False)
DISCOUNTS = (0.1, 0.2, 0.3, 0.4)
PEAK_DAY = 350  # mid-December, days of the year from 1 January (day 0 is a Monday)
LAST_PEAK = 2 * 365 + PEAK_DAY


def demand_mean(rng: np.random.Generator, count: int, days: int):
    """Per SKU: its expected daily demand without promotions, its category, and its trend."""
    t = np.arange(days)
    day_of_year = t % 365.25
    category = rng.integers(0, len(CATEGORY_ELASTICITY), count)
    base = np.exp(rng.uniform(np.log(2), np.log(30), count))
    weekday = np.ones((len(CATEGORY_ELASTICITY), 7))
    weekday[np.array(WEEKEND_HEAVY), 5:] = 1.6
    weekday[np.array(WEEKEND_HEAVY), 4] = 1.2
    peak = rng.uniform(0.3, 1.0, count)[:, None] * np.exp(
        -0.5 * ((day_of_year[None, :] - PEAK_DAY) / rng.uniform(8, 14, count)[:, None]) ** 2
    )
    summer = rng.uniform(-0.3, 0.3, count)[:, None] * np.cos(
        2 * np.pi * (day_of_year[None, :] - 180) / 365.25
    )
    trend = rng.normal(0, 0.35, count)
    level = np.log(base)[:, None] + trend[:, None] * (t[None, :] - days / 2) / 365
    mean = np.exp(level + peak + summer) * weekday[category][:, t % 7]
    return mean, category, trend


def place(rng, taken: np.ndarray, start: int, days: int) -> bool:
    """Mark [start, start + days) promoted unless it touches another promotion."""
    if start < 0 or start + days > len(taken) or taken[max(start - 7, 0) : start + days + 7].any():
        return False
    taken[start : start + days] = True
    return True


def promotions_for(rng, days: int, weekend_only_share: float = 0.2):
    """One SKU's promotions: (start, length) of its past ones, then the held-out one."""
    taken = np.zeros(days, dtype=bool)
    held_in_peak = rng.random() < 0.4
    if held_in_peak:
        held = (LAST_PEAK - 10 + int(rng.integers(-4, 5)), int(rng.choice((7, 14))))
    else:
        held = (int(rng.integers(days - 56 - 182, days - 56 - 14)), int(rng.choice((7, 14))))
    place(rng, taken, *held)
    past = []
    if rng.random() < 0.5:  # one in an earlier December's peak
        year = int(rng.integers(0, 2))
        start = year * 365 + PEAK_DAY - 10 + int(rng.integers(-4, 5))
        if place(rng, taken, start, 14):
            past.append((start, 14))
    wanted = int(rng.choice((1, 2, 3, 5, 8)))
    for _attempt in range(200):
        if len(past) >= wanted:
            break
        if rng.random() < weekend_only_share:
            start = int(rng.integers(60, held[0] - 10)) // 7 * 7 + 4  # a Friday
            length = 3
        else:
            start, length = int(rng.integers(60, held[0] - 20)), int(rng.choice((7, 14)))
        if place(rng, taken, start, length):
            past.append((start, length))
    past_in_peak = any((start % 365) > PEAK_DAY - 30 for start, _ in past)
    return sorted(past), held, held_in_peak, past_in_peak


def world(rng: np.random.Generator, count: int):
    """The backtest's store: per SKU its series (held-out days hidden) and what is held out."""
    mean, category, trend = demand_mean(rng, count, DAYS)
    elasticity = np.array(CATEGORY_ELASTICITY)[category] + rng.normal(0, 0.3, count)
    series, measured, held_out = {}, {}, []
    for sku in range(count):
        past, held, in_peak, past_in_peak = promotions_for(rng, DAYS)
        lift = np.ones(DAYS)
        discount = np.zeros(DAYS)
        promoted = np.zeros(DAYS, dtype=bool)
        truth = 0.0
        for start, length in [*past, held]:
            depth = float(rng.choice(DISCOUNTS))
            true_lift = (1 - depth) ** elasticity[sku] * np.exp(rng.normal(0, 0.05))
            lift[start : start + length] = true_lift
            discount[start : start + length] = depth
            promoted[start : start + length] = True
            truth = (true_lift, depth)
        units = rng.poisson(rng.gamma(8.0, mean[sku] * lift / 8.0)).astype(float)
        start, length = held
        window = np.zeros(DAYS, dtype=bool)
        window[start : start + length] = True
        # the held-out promotion hidden from both estimates, and (to measure it on its own
        # days) the past ones hidden instead
        series[sku] = [pm.SeriesDays(units, promoted & ~window, discount * ~window, ~window)]
        past_days = promoted & ~window
        measured[sku] = [pm.SeriesDays(units, window, discount * window, ~past_days)]
        held_out.append(
            {"lift": truth[0], "depth": truth[1], "peak": in_peak, "past_peak": past_in_peak,
             "trend": trend[sku], "past": len(past)}
        )  # fmt: skip
    categories = {sku: f"category {c}" for sku, c in enumerate(category)}
    return series, measured, categories, held_out


def scale_world(rng: np.random.Generator, count: int = 10_000, promoted_skus: int = 1_500):
    series = {}
    mean = np.exp(rng.uniform(np.log(0.5), np.log(20), count))
    for sku in range(count):
        promoted = np.zeros(DAYS, dtype=bool)
        discount = np.zeros(DAYS)
        if sku < promoted_skus:
            for start in (int(rng.integers(60, 500)), int(rng.integers(560, DAYS - 60))):
                promoted[start : start + 14] = True
                discount[start : start + 14] = 0.2
        units = rng.poisson(mean[sku] * np.where(promoted, 2.0, 1.0)).astype(float)
        series[sku] = [pm.SeriesDays(units, promoted, discount, np.ones(DAYS, dtype=bool))]
    return series, {sku: f"category {sku % 40}" for sku in range(count)}


def scores(errors: np.ndarray, chosen: np.ndarray) -> str:
    if not chosen.any():
        return f"{'-':>7} {'-':>7}"
    return f"{np.abs(errors[chosen]).mean():7.3f} {errors[chosen].mean():+7.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    arguments = parser.parse_args()
    rng = np.random.default_rng(arguments.seed)
    series, measured, categories, held_out = world(rng, arguments.skus)
    began = time.perf_counter()
    crude = pm.estimate_before_after(
        {sku: pm.before_after_evidence(one) for sku, one in series.items()}, categories
    )
    crude_seconds = time.perf_counter() - began
    began = time.perf_counter()
    controlled = pm.estimate(pm.evidence_by_sku(series), categories)
    controlled_seconds = time.perf_counter() - began
    # the crude evidence through the new pooling: what the counterfactual alone changes
    crude_pooled = pm.estimate(
        {sku: pm.before_after_evidence(one) for sku, one in series.items()}, categories
    )

    truth = np.log([h["lift"] for h in held_out])
    depth = np.array([h["depth"] for h in held_out])
    peak = np.array([h["peak"] for h in held_out])
    past_peak = np.array([h["past_peak"] for h in held_out])
    steep = np.abs([h["trend"] for h in held_out]) > 0.35
    everything = np.ones(len(held_out), dtype=bool)
    print(
        f"{arguments.skus} SKUs, {DAYS} days, {len(held_out)} held-out promotions "
        f"({peak.sum()} in the December peak, {steep.sum()} on a trend steeper than 35%/year), "
        f"{sum(int(one[0].promoted.sum() > 0) for one in series.values())} SKUs with past "
        f"promotions to learn from, {past_peak.sum()} of them with one in an earlier peak"
    )
    print()
    print("each held-out promotion measured on its own days (its lift against the days around")
    print("it), log lift measured - true: MAE, bias")
    print(f"{'method':<28} {'all':>15} {'in peak':>15} {'not in peak':>15} {'steep trend':>15}")
    crude_measured = {sku: pm.before_after_evidence(one) for sku, one in measured.items()}
    for name, found in (
        ("before/after", crude_measured),
        ("controlled", pm.evidence_by_sku(measured)),
    ):
        errors = np.array([found[sku].log_uplift for sku in range(len(held_out))]) - truth
        print(
            f"{name:<28} {scores(errors, everything)} {scores(errors, peak)} "
            f"{scores(errors, ~peak)} {scores(errors, steep)}"
        )
    print()
    print("the held-out promotion's lift predicted from the SKU's other promotions (pooled),")
    print("log lift predicted - true: MAE, bias")
    print(f"{'method':<28} {'all':>15} {'learnt in peak':>15} {'not':>15} {'steep trend':>15}")
    for name, effects in (
        ("before/after (today's)", crude),
        ("before/after, new pooling", crude_pooled),
        ("controlled", controlled),
    ):
        predicted = np.log([effects[sku].uplift_at(depth[sku]) for sku in range(len(held_out))])
        errors = predicted - truth
        print(
            f"{name:<28} {scores(errors, everything)} {scores(errors, past_peak)} "
            f"{scores(errors, ~past_peak)} {scores(errors, steep)}"
        )
    intervals = np.array([controlled[sku].interval_at(depth[sku]) for sku in range(len(held_out))])
    inside = (np.log(intervals[:, 0]) <= truth) & (truth <= np.log(intervals[:, 1]))
    width = np.log(intervals[:, 1] / intervals[:, 0])
    past = np.array([h["past"] for h in held_out])
    print()
    print(
        f"controlled 90% interval: coverage {inside.mean():.3f} (learnt in peak"
        f" {inside[past_peak].mean():.3f}, not {inside[~past_peak].mean():.3f}); median width"
        f" {np.median(width):.3f} in log"
        f" lift: {np.median(width[past <= 1]):.3f} for SKUs with one past promotion,"
        f" {np.median(width[past >= 5]):.3f} with five or more"
    )
    print(
        f"estimation time: before/after {crude_seconds:.2f} s, controlled "
        f"{controlled_seconds:.2f} s ({arguments.skus} SKUs)"
    )

    big, big_categories = scale_world(np.random.default_rng(arguments.seed + 1))
    began = time.perf_counter()
    found = pm.evidence_by_sku(big)
    fitted = time.perf_counter() - began
    effects = pm.estimate(found, big_categories)
    total = time.perf_counter() - began
    own = sum(effect.source == "sku" for effect in effects.values())
    print(
        f"scale: {len(big):,} SKUs, 3,000 past promotions: controlled estimate {total:.2f} s "
        f"(counterfactual fits {fitted:.2f} s, pooling {total - fitted:.2f} s); "
        f"{own:,} SKUs with their own estimate"
    )


if __name__ == "__main__":
    main()

"""Pooling promotion evidence into each SKU's price elasticity (`planning.promotion_uplift`
measures the evidence; its docstring says how): each SKU's own elasticity shrunk toward its
category's, the category's toward the store's and the store's toward a prior, each by its
evidence against the spread of the level above (DerSimonian-Laird, floored)."""

from __future__ import annotations

import math

import numpy as np

from planning.promotion_uplift import MIN_DISCOUNT, Effect, Evidence

PRIOR_ELASTICITY = -2.0  # a common promotional price elasticity in retail
PRIOR_ELASTICITY_SD = 1.5
DEFAULT_SPREAD = 0.5  # elasticity spread assumed where the store cannot estimate one
MIN_SPREAD = 0.1
ELASTICITY_BOUNDS = (-6.0, -0.3)


def _spread(groups: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """The variance between true values within groups of estimates (value, variance), pooled
    over the groups (DerSimonian-Laird); `DEFAULT_SPREAD` squared where no group has two."""
    excess = freedom = scale = 0.0
    for values, variances in groups:
        if len(values) < 2:
            continue
        weights = 1 / variances
        mean = (weights * values).sum() / weights.sum()
        excess += float((weights * (values - mean) ** 2).sum())
        freedom += len(values) - 1
        scale += float(weights.sum() - (weights**2).sum() / weights.sum())
    if freedom == 0:
        return DEFAULT_SPREAD**2
    return max((excess - freedom) / max(scale, 1e-12), MIN_SPREAD**2)


def _combined(values: np.ndarray, variances: np.ndarray) -> tuple[float, float]:
    weights = 1 / variances
    return float((weights * values).sum() / weights.sum()), float(1 / weights.sum())


def _posterior(own: float, own_variance: float, prior: float, prior_variance: float):
    precision = 1 / own_variance + 1 / prior_variance
    return (own / own_variance + prior / prior_variance) / precision, 1 / precision


def estimate(per_sku: dict[int, Evidence | None], category: dict[int, str]) -> dict[int, Effect]:
    """Each SKU's promotion effect: its own elasticity shrunk toward its category's, the
    category's toward the store's and the store's toward the prior, each by its evidence
    against the spread of the level above (module docstring)."""
    episode_spread = _spread(
        [
            (np.array([e for e, _ in item.episodes]), np.array([v for _, v in item.episodes]))
            for item in per_sku.values()
            if item is not None and item.episodes
        ]
    )
    own = _own_elasticities(per_sku, episode_spread)
    names = sorted({(category.get(sku) or "") for sku in own})
    members = {
        name: [sku for sku in own if (category.get(sku) or "") == name] for name in names
    }  # fmt: skip
    arrays = {
        name: (np.array([own[s][0] for s in skus]), np.array([own[s][1] for s in skus]))
        for name, skus in members.items()
    }
    sku_spread = _spread(list(arrays.values()))
    pooled = {
        name: _combined(values, variances + sku_spread)
        for name, (values, variances) in arrays.items()
    }
    category_spread = _spread(
        [(np.array([p[0] for p in pooled.values()]), np.array([p[1] for p in pooled.values()]))]
    )
    if pooled:
        store_own = _combined(
            np.array([p[0] for p in pooled.values()]),
            np.array([p[1] for p in pooled.values()]) + category_spread,
        )
        store = _posterior(*store_own, PRIOR_ELASTICITY, PRIOR_ELASTICITY_SD**2)
    else:
        store = (PRIOR_ELASTICITY, PRIOR_ELASTICITY_SD**2)
    groups = {
        name: _posterior(*found, store[0], store[1] + category_spread)
        for name, found in pooled.items()
    }
    groups[None] = (store[0], store[1] + category_spread)  # a category without a SKU's own
    spreads = (sku_spread, episode_spread, bool(pooled))
    return {
        sku: _effect(per_sku[sku], own.get(sku), groups, category.get(sku) or "", spreads)
        for sku in per_sku
    }


def _own_elasticities(
    per_sku: dict[int, Evidence | None], episode_spread: float
) -> dict[int, tuple[float, float]]:
    """Each measured SKU's own elasticity and its variance."""
    own: dict[int, tuple[float, float]] = {}
    for sku, item in per_sku.items():
        if item is None or item.discount < MIN_DISCOUNT:
            continue
        if item.episodes:
            # each promotion's elasticity, weighted by its precision: the log of summed
            # units would let the deeper discounts' larger lifts dominate and overstate it
            values, variances = np.array(item.episodes).T
            own[sku] = _combined(values, variances + episode_spread)
            continue
        scale = math.log(1 - item.discount)
        variance = item.variance
        if not math.isfinite(variance):  # evidence without a variance (before/after)
            variance = 1 / max(item.promoted_units, 0.5) + 1 / max(item.baseline_units, 0.5)
        own[sku] = (
            item.log_uplift / scale,
            variance / scale**2 + episode_spread * item.concentration,
        )
    return own


def _effect(item, own, groups: dict, name: str, spreads: tuple) -> Effect:
    """One SKU's effect: its own elasticity shrunk toward its group's, or the group's."""
    sku_spread, episode_spread, pooled = spreads
    group = groups.get(name, groups[None])
    if own is not None:
        elasticity, variance = _posterior(*own, group[0], group[1] + sku_spread)
        return Effect(
            (1 - item.discount) ** float(np.clip(elasticity, *ELASTICITY_BOUNDS)),
            item.discount,
            float(np.clip(elasticity, *ELASTICITY_BOUNDS)),
            item.days,
            "sku",
            math.sqrt(variance + episode_spread),
        )
    source = "category" if name in groups else ("store" if pooled else "prior")
    return Effect(
        1.0,
        0.0,
        float(np.clip(group[0], *ELASTICITY_BOUNDS)),
        0,
        source,
        math.sqrt(group[1] + sku_spread + episode_spread),
    )

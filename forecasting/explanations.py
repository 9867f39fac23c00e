"""Why a forecast is what it is: SHAP values over feature groups a merchant understands.

The explained number is what the SKU's forecast page shows: the median of the demand over
the stored forecast's first `DAYS` days (days the shop is closed count nothing), read from
the demand paths the page draws (`forecasting.projection.stored_paths`: the forecast's
shock correlation and common share, seeded by the SKU; each variant draws the same ones), by
the run's own model, history and horizon (`forecasting.engine.series_forecast_explain`). The
history is split into additive parts (the average level; a linear trend; a slow, yearly-like
pattern; the weekly pattern; the recent level; and the day-to-day noise), the covariates
into price, promotion and calendar rows, and similar products are the past-only row the
forecast borrowed from. A group that is "absent" is replaced by a neutral value: its part of
the history removed, the price held at its usual level, no promotion, no event, no similar
products. The forecast with every group absent is the base value (the series' average level
with its day-to-day noise). shap's KernelExplainer over all 2^groups coalitions (one batch
through the model) gives exact Shapley values: base value + values = the forecast, which is
that batch's coalition of every group present, not a sum of the values. That coalition is
the night's forecast made again: the history itself, the transformer's share, levels and
anchor's flag effects those of the run (`forecasting.engine`), the model's batches filled
alike (`forecasting.neural.network.predict`).
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable

import numpy as np
import shap
from django.utils.translation import gettext_noop

from forecasting import selection
from forecasting.neural.inference import Covariates
from forecasting.projection import forecast_paths, totals
from forecasting.quantiles import LEVELS, MEDIAN_INDEX

DAYS = 28
RECENT = 28
SMOOTH = 28
# Stored in English with each explanation; the portal translates them as it shows them.
GROUPS = {
    "level": gettext_noop("Recent level"),
    "trend": gettext_noop("Trend"),
    "weekly": gettext_noop("Weekly pattern"),
    "yearly": gettext_noop("Yearly pattern"),
    "price": gettext_noop("Price"),
    "promotion": gettext_noop("Promotion"),
    "events": gettext_noop("Calendar events"),
    "similar": gettext_noop("Similar products"),
}
PRICE_ROW, PROMOTION_ROW, EVENT_ROW = 0, 1, 2


def _centred_mean(values: np.ndarray, window: int) -> np.ndarray:
    observed = ~np.isnan(values)
    filled = np.where(observed, values, 0.0)
    kernel = np.ones(window)
    sums = np.convolve(filled, kernel, mode="same")
    counts = np.convolve(observed.astype(float), kernel, mode="same")
    return np.where(counts > 0, sums / np.maximum(counts, 1), 0.0)


def decompose(history: np.ndarray) -> dict[str, np.ndarray]:
    """Additive parts of ``history`` (NaN kept where not observed): base + trend + yearly +
    weekly + level + noise == history on observed days."""
    values = np.asarray(history, dtype=float)
    length = len(values)
    t = np.arange(length, dtype=float)
    observed = ~np.isnan(values)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        base = float(np.nanmean(values)) if observed.any() else 0.0
    parts = {"base": np.full(length, base)}
    if observed.sum() >= 2:
        slope, intercept = np.polyfit(t[observed], values[observed] - base, 1)
        parts["trend"] = slope * t + intercept
    else:
        parts["trend"] = np.zeros(length)
    rest = values - base - parts["trend"]
    slow = _centred_mean(rest, SMOOTH) if length > 2 * SMOOTH else np.zeros(length)
    slow[-RECENT:] = slow[-RECENT - 1] if length > RECENT else 0.0
    parts["yearly"] = slow
    rest = rest - slow
    weekly = np.zeros(length)
    for day in range(7):
        same = (t % 7 == day) & observed
        if same.any():
            weekly[t % 7 == day] = np.mean(rest[same])
    parts["weekly"] = weekly
    rest = rest - weekly
    level = np.zeros(length)
    recent = observed[-RECENT:]
    if recent.any():
        level[-RECENT:] = np.mean(rest[-RECENT:][recent])
    parts["level"] = level
    parts["noise"] = np.where(observed, rest - level, np.nan)
    return parts


def _groups(known: np.ndarray | None, past: np.ndarray | None) -> list[str]:
    """The groups a series' forecast is explained by: its parts, then the covariates it has."""
    groups = ["level", "trend", "weekly", "yearly"]
    if known is not None:
        groups += ["price", "promotion"] + (["events"] if len(known) > EVENT_ROW else [])
    if past is not None:
        groups.append("similar")
    return groups


def _variants(
    mask: np.ndarray,
    *,
    groups: list[str],
    parts: dict[str, np.ndarray],
    history: np.ndarray,
    known: np.ndarray | None,
    past: np.ndarray | None,
) -> tuple[np.ndarray, Covariates]:
    """One variant of the series per row of ``mask`` (per group, whether it is present): the
    history less the parts left out, with a left-out covariate held at a neutral value
    (the median price, no promotion, no event) and a left-out similar-products row dropped.
    Where every part is present, the history itself, as the night forecast it: rebuilt from
    its parts, a day that sold nothing could come back as 1e-15 units, which TSB counts as a
    day with demand."""
    panel = np.empty((len(mask), len(history)))
    covariates = Covariates(recorded=len(history))
    for row, present in enumerate(mask):
        on = dict(zip(groups, present, strict=True))
        absent = [parts[part] for part in ("level", "trend", "weekly", "yearly") if not on[part]]
        # NaN stays NaN where not observed; a day taken below nothing sold nothing
        panel[row] = np.maximum(history - sum(absent), 0.0) if absent else history
        if known is not None:
            rows = known.copy()
            if not on["price"]:
                rows[PRICE_ROW] = np.median(known[PRICE_ROW][: len(history)])
            if not on["promotion"]:
                rows[PROMOTION_ROW] = 0.0
            if len(known) > EVENT_ROW and not on["events"]:
                rows[EVENT_ROW] = 0.0
            covariates.known[row] = rows
        if past is not None and on["similar"]:
            covariates.past[row] = past
    return panel, covariates


def _with_covariates(
    candidates: dict,
    covariates: Covariates,
    share: float | None,
    levels: np.ndarray | None,
    effects: dict | None,
) -> dict:
    """The candidates, the transformer among them given the variants' covariates, the
    series' ``share`` of its correction, the ``levels`` its fan is read at and the pooled
    flag ``effects`` its anchor was made with."""
    local = dict(candidates)
    if selection.TRANSFORMER in local:
        transformer = local[selection.TRANSFORMER]
        local[selection.TRANSFORMER] = type(transformer)(
            transformer.model, covariates, share=share, levels=levels, effects=effects
        )
    return local


def _shapley_values(value, size: int) -> tuple[np.ndarray, float]:
    """Kernel SHAP values of ``value`` (a function of group masks) with all ``size`` groups
    present, against none present, from ``2**size`` samples (every coalition), and the base
    value (none present)."""
    explainer = shap.KernelExplainer(value, np.zeros((1, size)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        values = explainer.shap_values(np.ones((1, size)), nsamples=2**size, silent=True)
    values = np.asarray(values).reshape(-1)
    base_value = float(np.asarray(explainer.expected_value).reshape(-1)[0])
    return values, base_value


def explain(
    *,
    history: np.ndarray,
    known: np.ndarray | None,
    past: np.ndarray | None,
    model_name: str,
    candidates: dict,
    horizon: int = DAYS,
    closed: np.ndarray | None = None,
    season: int = 7,
    share: float | None = None,
    transformer_levels: np.ndarray | None = None,
    transformer_effects: dict | None = None,
    median_level: float = 0.5,
    served_levels: np.ndarray | None = None,
    paths_of: Callable[[np.ndarray], np.ndarray] | None = None,
) -> dict:
    """The SHAP explanation of one series' forecast by the model that serves it.

    ``known``: its known covariate rows (price, promotion[, events]) over history + horizon,
    or None; ``past``: its similar-products row(s), or None; ``closed``: the days of the
    horizon forecast as closed; ``share``: the share of the transformer's correction the
    series kept in its forecast (`forecasting.neural.inference`), held for every variant so
    that the whole explains that forecast, as are ``transformer_levels``, the levels its
    fan was read at (its demand class's check), and ``transformer_effects``, the effects of
    promotions and calendar days on the store's series together that its anchor leaned on
    (`forecasting.neural.inference.TransformerCandidate.effects`: the variants, anchored
    together, would otherwise lean on their own); ``median_level``: the level of the model's
    quantiles that the forecast serves as its median (`forecasting.levels`), and
    ``served_levels`` the level every row was served at where the stored forecast keeps them
    (else each row at its own level but the median); ``paths_of``: how its page draws the
    demand paths its total is read from, given quantiles (`forecasting.projection.
    stored_paths` of the stored forecast; by default `forecast_paths` with no shock
    correlation, the default common share and seed 0). Returns the
    base value, the forecast and one value per group (groups the series does not have are
    left out)."""
    open_days = np.ones(DAYS, dtype=bool) if closed is None else ~np.asarray(closed)[:DAYS]
    draw = paths_of or (lambda quantiles: forecast_paths(quantiles, 0.0))
    whole = bool(selection.whole_units(np.asarray(history, dtype=float)[None])[0])
    history = np.asarray(history, dtype=float)
    parts = decompose(history)
    groups = _groups(known, past)

    def forecasts(masks: np.ndarray) -> np.ndarray:
        panel, covariates = _variants(
            masks,
            groups=groups,
            parts=parts,
            history=history,
            known=known,
            past=past,
        )
        local = _with_covariates(
            candidates, covariates, share, transformer_levels, transformer_effects
        )
        forecasts = {
            name: selection.run_candidate(local[name], panel, horizon, season)
            for name in selection.parts(model_name)
        }
        combined = selection.combine(forecasts, model_name)
        if served_levels is not None:
            levels = np.asarray(served_levels, dtype=float)
        else:
            levels = LEVELS.copy()
            levels[MEDIAN_INDEX] = median_level
        # served as the stored forecast was: read at its level, whole units where it counts;
        # its paths drawn over the whole horizon, as the page draws them from what is stored
        served = selection.served(combined, np.full(len(combined), whole), levels)
        return np.array([totals(draw(variant), slice(0, DAYS), open_days)[1] for variant in served])

    # every coalition in one batch through the model, the explainer's calls read from it:
    # the forecast with every group present is made beside the others, as the night made it
    # beside the store's series (`forecasting.neural.network.predict` batches alike)
    coalitions = np.array(list(itertools.product((False, True), repeat=len(groups))))
    by_coalition = dict(zip(map(tuple, coalitions), forecasts(coalitions), strict=True))

    def value(masks: np.ndarray) -> np.ndarray:
        return np.array([by_coalition[tuple(mask)] for mask in np.asarray(masks) > 0.5])

    values, base_value = _shapley_values(value, len(groups))
    forecast = float(by_coalition[(True,) * len(groups)])
    return _stored(model_name, base_value, forecast, dict(zip(groups, values, strict=True)))


def _stored(model_name: str, base_value: float, forecast: float, values: dict) -> dict:
    """An explanation as it is stored: the base value, the forecast and each group's value."""
    return {
        "days": DAYS,
        "model": model_name,
        "base_value": round(base_value, 4),
        "forecast": round(forecast, 4),
        "groups": [
            {"key": key, "label": GROUPS[key], "value": round(float(v), 4)}
            for key, v in values.items()
        ],
    }

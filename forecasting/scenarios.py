"""What-if forecasts: what the store's model expects a planned promotion to do, read through
its price and promotion covariates (the same rows the nightly forecast feeds it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from accounts.models import Merchant
from forecasting import history as history_reads
from forecasting import registry
from forecasting.gaps import fill_forward
from forecasting.neural.inference import Covariates, TransformerCandidate
from forecasting.neural.network import MAX_HORIZON

PRICE_ROW, PROMOTION_ROW = 0, 1


@dataclass(frozen=True)
class PlannedPromotion:
    sku_id: int
    location_id: int
    start: dt.date
    end: dt.date
    discount: float  # 0..1


def promotion_uplift(
    *, merchant: Merchant, promotions: list[PlannedPromotion]
) -> list[float | None]:
    """Per planned promotion: the model's expected demand (the mean of its quantile levels)
    over the promotion's days with the promotion (flag on, price cut by the discount) over
    that without it (the covariates as they stand). None where the series has no history or
    the window lies beyond the model's reach. The caller holds the tenant context."""
    if not promotions:
        return []
    history = history_reads.load_history(merchant, sku_ids=sorted({p.sku_id for p in promotions}))
    if not history.days:
        return [None] * len(promotions)
    index = {key: row for row, key in enumerate(history.keys)}
    first = history.days[-1] + dt.timedelta(days=1)
    horizon = MAX_HORIZON
    known = history_reads.covariates(merchant, history, horizon)
    price = fill_forward(history.prices)[:, -1]  # each series' last recorded price
    panel_rows, covariates, windows = [], Covariates(recorded=len(history.days)), []
    for promotion in promotions:
        row = index.get((promotion.sku_id, promotion.location_id))
        begin, stop = (promotion.start - first).days, (promotion.end - first).days + 1
        if row is None or begin < 0 or stop > horizon:
            windows.append(None)
            continue
        rows = known.known.get(row)
        if rows is None:  # the series had no covariates: its price held, no promotion
            length = len(history.days) + horizon
            rows = np.stack([np.full(length, price[row]), np.zeros(length)])
        promoted = rows.copy()
        at = len(history.days)
        promoted[PROMOTION_ROW, at + begin : at + stop] = 1.0
        promoted[PRICE_ROW, at + begin : at + stop] *= 1 - promotion.discount
        for variant in (rows, promoted):
            covariates.known[len(panel_rows)] = variant
            panel_rows.append(row)
        windows.append((begin, stop))
    if not panel_rows:
        return [None] * len(promotions)
    model, _judged, _version = registry.serving_models(merchant)
    panel = history.values[panel_rows]
    quantiles = TransformerCandidate(model, covariates)(panel, horizon, 7)
    result, pair = [], 0
    for window in windows:
        if window is None:
            result.append(None)
            continue
        # the mean of the quantile levels: about the expected demand (a median can sit
        # still on a steady series while the upper levels move)
        base, with_promotion = quantiles[pair].mean(axis=0), quantiles[pair + 1].mean(axis=0)
        pair += 2
        plain = float(base[window[0] : window[1]].sum())
        lifted = float(with_promotion[window[0] : window[1]].sum())
        result.append(lifted / plain if plain > 1e-9 else None)
    return result

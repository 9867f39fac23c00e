"""The proof behind the reorder suggestions: replay the last weeks of a history day by day
under our ordering policy, the same policy with seasonal-naive forecasts, and an ERP's
min/max, with the same lead times, packs and MOQs, and compare what each served and held.

At each weekly review our policy orders up to the levels its forecasts of that day give for a
fill-rate target (`planning.policy`): met by the store as a whole at the least stock value
(`policy.allocate`, each SKU at least at ``floor``), as the store-wide setting does; and, for
comparison, the same target for every SKU. It forecasts with only the history before that day
(`forecasting.selection.forecast_chosen` over the candidates given). Orders arrive after a lead
time drawn per order from the supplier's mean and spread, the same draws for every policy;
demand is served from stock and the rest is lost (`planning.simulation`). `bench/policy` runs
it on Online Retail; the portal runs it on a store's own history.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from forecasting.baselines import seasonal_naive
from forecasting.paths import sample_paths, shock_correlation
from forecasting.selection import demand_classes, forecast_chosen
from planning import calibration, policy, simulation

HORIZON = 56
SEASON = 7
SOURCES = ("shelfcast", "seasonal_naive")
PER_SKU = "shelfcast per-SKU"  # our forecasts, the same fill-rate target for every SKU


@dataclass(frozen=True)
class Terms:
    """Per series: the supplier's lead time (mean, spread, days), pack, MOQ, unit cost and
    the selling price."""

    lead_mean: np.ndarray
    lead_std: np.ndarray
    pack: np.ndarray
    moq: np.ndarray
    unit_cost: np.ndarray
    unit_price: np.ndarray


def closed_ahead(history: np.ndarray, horizon: int) -> np.ndarray:
    """Days of the horizon on a weekday the shop was shut on for the last eight weeks."""
    shut = np.all(np.isnan(history[:, -56:]), axis=0)
    length = history.shape[1]
    weekdays = np.arange(length - shut.size, length) % 7
    closed = {d for d in range(7) if (weekdays == d).any() and shut[weekdays == d].all()}
    return np.array([(length + i) % 7 in closed for i in range(horizon)])


@dataclass(frozen=True)
class Replay:
    # "shelfcast 0.95", "seasonal_naive 0.95", "shelfcast per-SKU 0.95", "min_max"
    outcomes: dict[str, simulation.Outcome]
    series: int
    days: int
    reviews: int
    forecast_seconds: float
    classes: np.ndarray  # each series' demand class before the replay (`demand_classes`)

    def name(self, source: str, level: float) -> str:
        return f"{source} {level:.2f}"


def replay_policies(
    values: np.ndarray,
    terms: Terms,
    candidates: dict,
    *,
    days: int,
    warm_up: int,
    review: int,
    levels: tuple[float, ...],
    paths: int = 500,
    seed: int = 7,
    floor: float = 0.5,  # the store setting's default minimum fill rate
    progress: Callable[[int, int], None] | None = None,
    forecaster: Callable[[int, np.ndarray], np.ndarray] | None = None,
    calibrate: bool = True,
    min_max_safety: tuple[float, ...] = (),
) -> Replay:
    """Replay the last ``days`` of ``values`` (series, periods; NaN = closed) under each
    policy; figures count after ``warm_up`` days. Every policy starts from the same stock:
    the mean demand of the four weeks before, times lead time plus review. ``forecaster``
    (review number, history) -> quantiles stands in for choosing among ``candidates`` (the
    bench keeps each review's forecasts to replay policy changes without forecasting again).
    With ``calibrate``, each review's drawn sums are corrected by what the earlier reviews'
    forecasts missed (`planning.calibration`), as the nightly plan corrects them by the
    store's past forecasts. Each of ``min_max_safety`` adds a properly set min/max at that
    safety factor ("fair_min_max 1.64", `simulation.fair_min_max_policy`): its curve is the
    baseline to compare with at equal fill rate."""
    series, length = values.shape
    start = length - days
    demand = np.nan_to_num(values[:, start:])
    rng = np.random.default_rng(seed)
    reviews = math.ceil(days / review)
    drawn = rng.normal(terms.lead_mean[:, None], terms.lead_std[:, None], (series, reviews))
    actual_leads = np.maximum(np.rint(drawn), 1).astype(int)
    setup = simulation.Setup(
        lead_days=actual_leads,
        pack_size=terms.pack,
        moq=terms.moq,
        unit_cost=terms.unit_cost,
        unit_price=terms.unit_price,
        review_days=review,
    )
    with warnings.catch_warnings():  # a series with no open day before: no demand
        warnings.simplefilter("ignore", RuntimeWarning)
        daily = np.nan_to_num(np.nanmean(values[:, max(start - 28, 0) : start], axis=1))
    on_hand = np.ceil(daily * (terms.lead_mean + review))
    classes = demand_classes(values[:, :start], SEASON, HORIZON)
    # one span per series for the calibration: its mean lead time plus the review period
    span = np.maximum(np.rint(terms.lead_mean), 0).astype(int) + review
    sums = {source: [] for source in SOURCES}  # per review: (over_lead, over_cycle) matrices
    past = {source: [] for source in SOURCES}  # per review: the drawn sums over `span`
    forecast_seconds = 0.0
    for number in range(reviews):
        today = start + number * review
        history = values[:, :today]
        clock = time.perf_counter()
        if forecaster is not None:
            ours = np.array(forecaster(number, history), dtype=float)
        else:
            _chosen, ours = forecast_chosen(history, HORIZON, SEASON, candidates)
        forecast_seconds += time.perf_counter() - clock
        naive = seasonal_naive(history, HORIZON, SEASON)
        closed = closed_ahead(history, HORIZON)
        ours[:, :, closed] = 0.0
        naive[:, :, closed] = 0.0
        correlation = shock_correlation(history)
        for source, quantiles in (("shelfcast", ours), ("seasonal_naive", naive)):
            lead_sums = np.zeros((series, paths))
            cycle_sums = np.zeros((series, paths))
            span_sums = np.zeros((series, paths))
            for row in range(series):
                lead = policy.lead_days(
                    policy.Terms(terms.lead_mean[row], terms.lead_std[row]),
                    paths,
                    np.random.default_rng(row),
                )
                drawn_paths = sample_paths(quantiles[row], correlation[row], paths, seed=row)
                drawn = policy.demand_from_paths(drawn_paths, lead, review)
                lead_sums[row], cycle_sums[row] = drawn.over_lead, drawn.over_cycle
                span_sums[row] = policy.demand_from_paths(
                    drawn_paths, np.full(paths, span[row] - review), review
                ).over_cycle
            past[source].append(span_sums.astype(np.float32))
            if calibrate:
                fitted = _learnt(values, past[source], start, number, review, span, classes)
                for name in np.unique(classes):
                    rows = classes == name
                    lead_sums[rows], cycle_sums[rows] = calibration.for_class(
                        fitted, str(name)
                    ).apply(lead_sums[rows], cycle_sums[rows])
            sums[source].append((lead_sums.astype(np.float32), cycle_sums.astype(np.float32)))
        if progress is not None:
            progress(number + 1, reviews)

    def ordering(source: str, level: float, store_wide: bool):
        def policy_today(day: int, position: np.ndarray) -> np.ndarray:
            over_lead, over_cycle = sums[source][day // review]
            choices = policy.order_choices(
                over_lead.astype(float), over_cycle.astype(float), position, terms.pack,
                terms.moq,
            )  # fmt: skip
            return policy.choose_orders(
                choices, terms.unit_cost, level, store_wide=store_wide, floor=floor
            )

        return policy_today

    outcomes = {}
    for level in levels:
        for source, store_wide in (*((name, True) for name in SOURCES), (PER_SKU, False)):
            outcomes[f"{source} {level:.2f}"] = simulation.replay(
                demand,
                setup=setup,
                policy=ordering("shelfcast" if source == PER_SKU else source, level, store_wide),
                on_hand=on_hand,
                measure_from=warm_up,
            )
    outcomes["min_max"] = simulation.replay(
        demand,
        setup=setup,
        policy=simulation.min_max_policy(lambda day: values[:, : start + day], terms.lead_mean),
        on_hand=on_hand,
        measure_from=warm_up,
    )
    for safety in min_max_safety:
        outcomes[f"fair_min_max {safety:.2f}"] = simulation.replay(
            demand,
            setup=setup,
            policy=simulation.fair_min_max_policy(
                lambda day: values[:, : start + day], terms.lead_mean, review, safety
            ),
            on_hand=on_hand,
            measure_from=warm_up,
        )
    return Replay(outcomes, series, days, reviews, forecast_seconds, classes)


def _learnt(values, past, start, number, review, span, classes) -> dict:
    """The calibration known at review ``number``: the PITs of the earlier reviews' drawn
    sums whose span has passed by then (`planning.calibration`), per demand class."""
    today = start + number * review
    found, kinds = [], []
    for earlier, drawn in enumerate(past[:-1]):
        made = start + earlier * review
        done = made + span <= today
        if not done.any():
            continue
        actual = np.array(
            [np.nansum(values[row, made : made + span[row]]) for row in np.flatnonzero(done)]
        )
        found.append(calibration.pits(drawn[done], actual, seed=earlier))
        kinds.append(classes[done])
    if not found:
        return {}
    return calibration.fit_by_class(np.concatenate(found), np.concatenate(kinds))

"""The proof behind the reorder suggestions: replay the last weeks of a history day by day
under our ordering policy, the same policy with seasonal-naive forecasts, and an ERP's
min/max, with the same lead times, packs and MOQs, and compare what each served and held.

At each weekly review our policy orders up to the levels its forecasts of that day give for a
fill-rate target (`planning.policy`): met by the store as a whole at the least stock value
(`allocation.allocate`, each SKU at least at ``floor``), as the store-wide setting does; and, for
comparison, the same target for every SKU; each order within the store's overstock limit, as
the plan's lines are (`policy.limited_quantities`). It forecasts with only the history before
that day (`forecasting.selection.forecast_chosen` over the candidates given). Orders arrive
after a lead time drawn per order from the supplier's mean and spread, the same draws for
every policy; demand is served from stock and the rest is lost (`planning.replays.simulation`).
`bench/policy` runs it on Online Retail; the portal runs it on a store's own history.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from forecasting.selectors import (
    COMMON_SHARE,
    demand_classes,
    forecast_chosen,
    sample_paths,
    seasonal_naive,
    shock_correlation,
)
from planning import allocation, policy
from planning.positions.classes import classes_of_panel
from planning.replays import frontier, shortfalls, simulation

HORIZON = 56
SEASON = 7
SOURCES = ("shelfcast", "seasonal_naive")
PER_SKU = "shelfcast per-SKU"  # our forecasts, the same fill-rate target for every SKU
AS_PLANNED = "as planned"  # the per-SKU policy as the plan runs it: no fill accounts
# (review number, history) -> (quantiles (series, levels, horizon), each series' common share)
Forecaster = Callable[[int, np.ndarray], tuple[np.ndarray, np.ndarray]]


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


def beyond_history(values: np.ndarray, start: int) -> np.ndarray:
    """(series, days from ``start`` on): the days whose demand is above the series' largest
    day before ``start`` (any sale, where nothing sold before). No forecast made from that
    history puts such a day in its body, and no stock rule built on its spread covers it
    but by luck: the units lost there show how much of a policy's shortfall no history
    foretold."""
    before = np.nan_to_num(values[:, :start], nan=0.0)
    largest = before.max(axis=1) if start > 0 else np.zeros(len(values))
    return np.nan_to_num(values[:, start:], nan=0.0) > largest[:, None]


@dataclass(frozen=True)
class Replay:
    # "shelfcast 0.95", "seasonal_naive 0.95", "shelfcast per-SKU 0.95", "min_max"
    outcomes: dict[str, simulation.Outcome]
    series: int
    days: int
    reviews: int
    forecast_seconds: float
    classes: np.ndarray  # each series' demand class before the replay (`demand_classes`)
    # each series' ABC/XYZ service class before the replay, where a merchant sets per-class
    # targets and the plan learns its per-class scale (`classes_of_panel`)
    service_classes: np.ndarray

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
    overstock_days: float | None = 120.0,  # the store setting's default overstock limit
    progress: Callable[[int, int], None] | None = None,
    forecaster: Forecaster | None = None,
    calibrate: bool = True,
    min_max_safety: tuple[float, ...] = (),
    as_planned: bool = False,
    fill_accounts: bool = True,
) -> Replay:
    """Replay the last ``days`` of ``values`` (series, periods; NaN = closed) under each
    policy; figures count after ``warm_up`` days. Every policy starts from the same stock:
    the mean demand of the four weeks before, times lead time plus review. ``forecaster``
    (review number, history) -> quantiles stands in for choosing among ``candidates`` (the
    bench keeps each review's forecasts to replay policy changes without forecasting again).
    With ``calibrate``, each policy's expected units short are scaled by what its earlier
    orders left short against what they expected (`planning.replays.shortfalls`), by the
    nightly plan's own rule (`planning.calibration`): one scale store-wide, one per demand
    class for the per-SKU policy, every SKU of which also keeps a fill account;
    ``calibrate=False`` replays the policies without either. The policies that order from
    forecasts keep each order within ``overstock_days`` of projected cover after it arrives
    unless the MOQ or a pack forces more, as the plan keeps its lines (None: no limit). Each of
    ``min_max_safety`` adds a properly set min/max at that safety factor ("fair_min_max
    1.64", `simulation.fair_min_max_policy`): its curve is the baseline to compare with at
    equal fill rate. With ``calibrate`` and ``as_planned``, the per-SKU policy is also
    replayed as the nightly plan runs it, with its service class's scale and no fill account
    ("shelfcast per-SKU as planned 0.95"), from the same forecasts; the store-wide policy
    is the plan's as it stands. ``fill_accounts=False`` replays the per-SKU policy itself
    as the plan runs it (per service class, no fill accounts): every policy is then the
    plan's."""
    series, length = values.shape
    start = length - days
    reviews = math.ceil(days / review)
    setup = _setup(terms, series, reviews, review, seed)
    on_hand = _starting_stock(values, terms, start, review)
    classes = demand_classes(values[:, :start], SEASON, HORIZON)
    # the plan's per-class policy learns its scale per ABC/XYZ class, where its targets are set
    service = classes_of_panel(values, terms.unit_price, start)
    sums, forecast_seconds = _drawn_sums(
        values,
        terms,
        candidates,
        Reviews(start, reviews, review),
        paths=paths,
        forecaster=forecaster,
        progress=progress,
    )
    outcomes = _outcomes(
        values,
        sums,
        terms,
        setup,
        on_hand,
        start=start,
        warm_up=warm_up,
        review=review,
        levels=levels,
        floor=floor,
        overstock_days=overstock_days,
        min_max_safety=min_max_safety,
        calibrate=calibrate,
        classes=classes,
        service_classes=service,
        as_planned=calibrate and as_planned,
        fill_accounts=fill_accounts,
    )
    return Replay(outcomes, series, days, reviews, forecast_seconds, classes, service)


def _outcomes(
    values: np.ndarray,
    sums: dict[str, list],
    terms: Terms,
    setup: simulation.Setup,
    on_hand: np.ndarray,
    *,
    start: int,
    warm_up: int,
    review: int,
    levels: tuple[float, ...],
    floor: float,
    min_max_safety: tuple[float, ...],
    calibrate: bool,
    overstock_days: float | None = None,
    classes: np.ndarray,
    service_classes: np.ndarray,
    as_planned: bool = False,
    fill_accounts: bool = True,
) -> dict[str, simulation.Outcome]:
    """Each policy replayed over the days from ``start`` on, from the same stock: ours and
    seasonal naive's at each of ``levels`` store-wide, ours per SKU, an ERP's min/max, and
    min/max done properly at each of ``min_max_safety``; each counting what it lost on the
    days beyond the history (`beyond_history`)."""
    demand = np.nan_to_num(values[:, start:])
    beyond = beyond_history(values, start)

    def replayed(ordering: simulation.Policy) -> simulation.Outcome:
        return simulation.replay(
            demand,
            setup=setup,
            policy=ordering,
            on_hand=on_hand,
            measure_from=warm_up,
            beyond=beyond,
        )

    def known(day: int) -> np.ndarray:  # the history min/max knows on a day of the replay
        return values[:, : start + day]

    outcomes = {}
    for level in levels:
        for source, store_wide in (*((name, True) for name in SOURCES), (PER_SKU, False)):
            drawn = sums["shelfcast" if source == PER_SKU else source]
            # where each SKU holds the target: a scale per demand class beside the fill
            # accounts, else per service class, as the plan learns it
            accounts = calibrate and fill_accounts and not store_wide
            groups = None if store_wide else classes if accounts else service_classes
            policies = {f"{source} {level:.2f}": (calibrate, accounts, groups)}
            if as_planned and source == PER_SKU:
                policies[f"{source} {AS_PLANNED} {level:.2f}"] = (True, False, service_classes)
            for name, (learn, account, grouped) in policies.items():
                learnt = None
                if learn:
                    learnt = shortfalls.Shortfalls(demand, setup.lead_days, review, grouped)
                outcomes[name] = replayed(
                    _ordering(
                        drawn,
                        terms,
                        review,
                        level,
                        store_wide=store_wide,
                        floor=floor,
                        learnt=learnt,
                        account=account,
                        overstock_days=overstock_days,
                    )
                )
                if learnt is not None:  # the scale each review's orders were chosen with
                    expected, found = learnt.judged()
                    outcomes[name] = replace(
                        outcomes[name],
                        scales=tuple(learnt.given),
                        judged_expected=expected,
                        judged_found=found,
                    )
    outcomes["min_max"] = replayed(simulation.min_max_policy(known, terms.lead_mean))
    for safety in min_max_safety:
        outcomes[frontier.fair_name(safety)] = replayed(
            simulation.fair_min_max_policy(known, terms.lead_mean, review, safety)
        )
    return outcomes


@dataclass(frozen=True)
class Reviews:
    """When the replay reviews: from period ``start`` on, ``count`` reviews ``every`` days."""

    start: int
    count: int
    every: int

    def day(self, number: int) -> int:
        """The period of review ``number``: its history is everything before it."""
        return self.start + number * self.every


def _setup(terms: Terms, series: int, reviews: int, review: int, seed: int) -> simulation.Setup:
    """The replay's terms, each order's lead time drawn from the supplier's mean and spread
    (whole days, at least one): the same draws for every policy."""
    rng = np.random.default_rng(seed)
    drawn = rng.normal(terms.lead_mean[:, None], terms.lead_std[:, None], (series, reviews))
    return simulation.Setup(
        lead_days=np.maximum(np.rint(drawn), 1).astype(int),
        pack_size=terms.pack,
        moq=terms.moq,
        unit_cost=terms.unit_cost,
        unit_price=terms.unit_price,
        review_days=review,
    )


def _starting_stock(values: np.ndarray, terms: Terms, start: int, review: int) -> np.ndarray:
    """Every policy's stock on the first day: the mean demand of the four weeks before, times
    lead time plus review."""
    with warnings.catch_warnings():  # a series with no open day before: no demand
        warnings.simplefilter("ignore", RuntimeWarning)
        daily = np.nan_to_num(np.nanmean(values[:, max(start - 28, 0) : start], axis=1))
    return np.ceil(daily * (terms.lead_mean + review))


def _drawn_sums(
    values: np.ndarray,
    terms: Terms,
    candidates: dict,
    reviews: Reviews,
    *,
    paths: int,
    forecaster: Forecaster | None,
    progress: Callable[[int, int], None] | None,
) -> tuple[dict[str, list], float]:
    """Per forecast source, per review: the drawn demand sums (over the lead time, over lead
    time plus review) its orders are chosen from, each forecast made from only the history
    before the review; and the seconds spent forecasting."""
    sums = {source: [] for source in SOURCES}  # per review: (over_lead, over_cycle) matrices
    forecast_seconds = 0.0
    for number in range(reviews.count):
        history = values[:, : reviews.day(number)]
        clock = time.perf_counter()
        if forecaster is not None:
            ours, common = forecaster(number, history)
            ours = np.array(ours, dtype=float)
        else:
            _chosen, ours, common = forecast_chosen(history, HORIZON, SEASON, candidates)
        forecast_seconds += time.perf_counter() - clock
        naive = seasonal_naive(history, HORIZON, SEASON)
        closed = closed_ahead(history, HORIZON)
        ours[:, :, closed] = 0.0
        naive[:, :, closed] = 0.0
        correlation = shock_correlation(history)
        # seasonal naive's paths keep the share set for all; ours, the one fitted with them
        shares = {"shelfcast": np.asarray(common, dtype=float), "seasonal_naive": None}
        for source, quantiles in (("shelfcast", ours), ("seasonal_naive", naive)):
            lead_sums, cycle_sums = _path_sums(
                quantiles, correlation, terms, reviews.every, paths, history, shares[source]
            )
            sums[source].append((lead_sums.astype(np.float32), cycle_sums.astype(np.float32)))
        if progress is not None:
            progress(number + 1, reviews.count)
    return sums, forecast_seconds


def _path_sums(
    quantiles: np.ndarray,
    correlation: np.ndarray,
    terms: Terms,
    review: int,
    paths: int,
    history: np.ndarray,
    common: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per series, ``paths`` drawn demand sums over its drawn lead time and over that lead
    time plus the review (each series seeded by its row, its paths drawn with its
    ``common`` share, `COMMON_SHARE` where none is given), a share of them from its own
    ``history`` as the plan draws them (`policy.demand_from_paths`)."""
    series = len(quantiles)
    lead_sums = np.zeros((series, paths))
    cycle_sums = np.zeros((series, paths))
    for row in range(series):
        lead = policy.lead_days(
            policy.Terms(terms.lead_mean[row], terms.lead_std[row]),
            paths,
            np.random.default_rng(row),
        )
        share = COMMON_SHARE if common is None else float(common[row])
        drawn_paths = sample_paths(quantiles[row], correlation[row], paths, row, share)
        drawn = policy.demand_from_paths(drawn_paths, lead, review, history[row], seed=row)
        lead_sums[row], cycle_sums[row] = drawn.over_lead, drawn.over_cycle
    return lead_sums, cycle_sums


def _ordering(
    sums: list,
    terms: Terms,
    review: int,
    level: float,
    *,
    store_wide: bool,
    floor: float,
    learnt: shortfalls.Shortfalls | None,
    account: bool = False,
    overstock_days: float | None = None,
) -> simulation.Policy:
    """The ordering policy at fill-rate target ``level``: on each review day, the orders
    chosen from that review's drawn sums (`allocation.choose_orders`), their expected units
    short scaled by what the earlier reviews' orders left short against what they expected
    (``learnt``, when given, `planning.replays.shortfalls`), then held within the store's
    ``overstock_days`` of cover after arrival as the plan holds its lines
    (`policy.limited_quantities`: the projected cover is what is expected to be left when
    the order arrives, plus the order, over the mean daily demand after it). With
    ``account``, where every SKU is held to the target and the orders are calibrated, each
    SKU keeps a fill account (`shortfalls.FillAccount`): its fill over the run is held to
    the target, not each review's."""
    fills = None
    if account and learnt is not None:
        fills = shortfalls.FillAccount(level, len(terms.pack), shortfalls.ACCOUNT_REVIEWS)

    def policy_today(day: int, position: np.ndarray) -> np.ndarray:
        over_lead, over_cycle = (sums_of.astype(float) for sums_of in sums[day // review])
        choices = allocation.order_choices(over_lead, over_cycle, position, terms.pack, terms.moq)
        scale = np.ones(len(position)) if learnt is None else learnt.scale(day)
        quantities = allocation.choose_orders(
            replace(choices, short=choices.short * scale[:, None]),
            terms.unit_cost,
            level,
            store_wide=store_wide,
            floor=floor,
            allowed=None if fills is None else fills.allowed(choices.per_review),
        )
        if overstock_days is not None:  # the daily demand after the lead time: all drawn sums
            quantities, _limits = policy.limited_quantities(
                quantities,
                terms.pack,
                terms.moq,
                policy.overstock_room(
                    overstock_days,
                    (over_cycle - over_lead).mean(axis=1) / review,
                    position,
                    over_lead.mean(axis=1),
                ),
            )
        if learnt is not None:  # the order's expected units short, unscaled and scaled
            expected = policy.short_after(over_lead, over_cycle, position, quantities)
            learnt.record(day, position, quantities, expected)
            if fills is not None:
                fills.spend(choices.per_review, expected * scale)
        return quantities

    return policy_today

"""Running a queued policy replay, in a worker: the store's history, the supplier terms of
each series, the replay itself (`planning.replays.replay`) with the shipped base model among the
forecasters (`forecasting.workers`), and its figures stored on the job."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.errors import DomainError
from accounts.models import Merchant
from accounts.tenancy import tenant_context
from core import runs
from forecasting import workers
from planning import job_texts
from planning.models import PlanningSettings, PolicyReplay
from planning.positions.selectors import NO_PRICES, primary_items, sku_prices, unit_cost
from planning.preferences.selectors import planning_settings
from planning.replays import frontier, replay
from planning.replays.services import REPLAY_LEVELS

REPLAY_MAX_SERIES = 2000  # the series with the most units sold, so a replay stays minutes long
FORECAST_DAYS = 56  # the history a replay needs beyond the days it replays
# What a replay that failed on an unexpected error says (written by `planning.tasks`): stored
# in English words, said again in the reader's language where it is read (`core.runs`).
REPLAY_STOPPED = gettext_noop("The replay stopped on an unexpected error.")


@dataclass(frozen=True)
class Inputs:
    """What a replay reads from the store before it runs."""

    history: workers.History  # of the series with the most units sold
    known: workers.Covariates  # the history's known price, promotion and event flags
    terms: replay.Terms
    floor: float  # the store's minimum fill rate
    overstock_days: float  # the store's overstock limit, in days of cover


def _best_sellers(history: workers.History) -> workers.History:
    """The `REPLAY_MAX_SERIES` series with the most units sold, in their order."""
    sold = np.nansum(history.values, axis=1)
    rows = np.sort(np.argsort(-sold, kind="stable")[:REPLAY_MAX_SERIES])
    return workers.History(
        [history.keys[row] for row in rows],
        history.days,
        history.values[rows],
        history.prices[rows],
        history.promoted[rows],
    )


def _replay_terms(merchant: Merchant, history, settings: PlanningSettings) -> replay.Terms:
    """The supplier terms of each replayed series (the store's default lead time and packs of
    1 where none are set); its cost, else 60% of its price; its price, else its median
    selling price."""
    keys = history.keys
    items = primary_items(merchant)
    prices = sku_prices(merchant, {sku for sku, _ in keys})
    count = len(keys)
    lead_mean = np.full(count, float(settings.default_lead_time_days))
    lead_std = np.full(count, float(settings.default_lead_time_std_days))
    pack, moq, cost, price = np.ones(count), np.zeros(count), np.zeros(count), np.ones(count)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        median_price = np.nanmedian(history.prices, axis=1) if count else np.zeros(0)
    for row, (sku, _location) in enumerate(keys):
        item, listed = items.get(sku), prices.get(sku, NO_PRICES)
        price[row] = float(listed.price or 0) or float(np.nan_to_num(median_price[row])) or 1.0
        if item is not None:
            lead_mean[row] = float(item.lead_time_mean_days)
            lead_std[row] = float(item.lead_time_std_days)
            pack[row] = float(item.pack_size) or 1.0
            moq[row] = float(item.moq)
        known_cost = unit_cost(item, listed)
        cost[row] = float(known_cost) if known_cost is not None else 0.6 * price[row]
    return replay.Terms(lead_mean, lead_std, pack, moq, cost, price)


def _inputs(merchant: Merchant, job: PolicyReplay) -> Inputs:
    with transaction.atomic(), tenant_context(merchant):
        history = workers.load_history(merchant)
        needed = job.days + FORECAST_DAYS
        if len(history.days) < needed:
            raise DomainError(
                runs.stored_message(
                    job_texts.REPLAY_HISTORY_TOO_SHORT, needed=needed, count=len(history.days)
                )
            )
        history = _best_sellers(history)
        known = workers.covariates(merchant, history, 0)
        settings = planning_settings(merchant=merchant)
        terms = _replay_terms(merchant, history, settings)
    return Inputs(
        history,
        known,
        terms,
        float(settings.minimum_fill_rate),
        float(settings.overstock_days),
    )


def policy_replay_execute(
    *, merchant: Merchant, replay_id: int, claimant: str = ""
) -> PolicyReplay | None:
    """Run a queued replay (`planning.replays.replay`) with the shipped base model, not the store's
    fine-tuned one: that one has learned from the very weeks being replayed."""
    job = runs.claim(PolicyReplay, merchant=merchant, pk=replay_id, claimant=claimant)
    if job is None:
        return None
    workers.configure_threads()
    inputs = _inputs(merchant, job)

    def progress(done: int, total: int) -> None:
        runs.record(
            PolicyReplay, merchant=merchant, pk=job.pk, reviews_done=done, reviews_total=total
        )

    result = replay.replay_policies(
        inputs.history.values,
        inputs.terms,
        workers.replay_candidates(inputs.known),
        days=job.days,
        warm_up=job.warm_up_days,
        review=job.review_days,
        levels=REPLAY_LEVELS,
        floor=inputs.floor,
        overstock_days=inputs.overstock_days,
        progress=progress,
        fill_accounts=False,  # the plan as it runs: calibrated, without per-SKU fill accounts
        min_max_safety=frontier.FAIR_SAFETY,  # the baseline read at each policy's fill rate
    )
    figures = {name: outcome.figures() for name, outcome in result.outcomes.items()}
    with transaction.atomic(), tenant_context(merchant):
        PolicyReplay.objects.for_merchant(merchant).filter(pk=job.pk).update(
            status=PolicyReplay.Status.SUCCEEDED,
            figures=figures,
            series_count=result.series,
            finished_at=timezone.now(),
        )
        return PolicyReplay.objects.for_merchant(merchant).get(pk=job.pk)

"""The plan's calibration on the units its orders leave short.

A fill rate counts units, so the correction counts units too. Once per review period the plan
keeps, per series, the position it planned from, the order it chose and the units that order
was expected to leave short (`record_plan`). Once the review period after the slowest order's
arrival has passed, the units the same orders would have left short against the demand that
came are known (`settle`: the lost-sales reading of `planning.policy.uncovered`, with the
days' sales in place of the drawn sums; a stock-out day counts at least the forecast's mean
demand, since what it sold is not what was asked). Their ratio over the last settled reviews,
shrunk towards 1 while they are few (`shortfall_ratio`), scales the next plan's expected
shortfalls (`learnt_scale`): store-wide one ratio, per service class one per class where each
class is held to its own target. The policy replay learns by the same ratio as it goes
(`planning.replays.shortfalls`), so the bench's calibrated policies are the ones the plan runs.

Every input is bounded: one record per review period, its series columns dropped when it
settles, and only the last `KEPT_REVIEWS` settled records kept.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.utils import timezone

from accounts.models import Merchant
from inventory.models import SalesDay
from planning.models import ShortfallRecord

PRIOR_REVIEWS = 2.0  # reviews' worth of expected shortfall counted as "as expected"
BOUNDS = (0.25, 4.0)  # the scale never leaves these
KEPT_REVIEWS = 26  # settled reviews the scale is learnt from: half a year of weekly reviews
LONGEST_LEAD_DAYS = 182  # a series planned on a longer lead time is not recorded


def shortfall_ratio(
    expected: float, actual: float, reviews: int, prior: float = PRIOR_REVIEWS
) -> float:
    """(units short + prior) / (units expected short + prior), the prior being ``prior``
    reviews' worth of expected shortfall; 1 with nothing to learn from."""
    if not reviews or expected <= 0:
        return 1.0
    prior_units = prior * expected / reviews
    return float(np.clip((actual + prior_units) / (expected + prior_units), *BOUNDS))


def calibrated_target(target: float, scale: float) -> float:
    """The fill rate to plan a series for so that, its expected units short being ``scale``
    times too few (or too many), it serves ``target``: the allowance 1 - target shrinks (or
    grows) by the scale."""
    return 1.0 - (1.0 - target) / scale


def calibrated_fill(fill: float, scale: float) -> float:
    """The fill rate an order expected to serve ``fill`` before calibration serves once its
    expected units short are ``scale`` times as many (`calibrated_target` the other way)."""
    return float(min(max(1.0 - (1.0 - fill) * scale, 0.0), 1.0))


@dataclass(frozen=True)
class Scale:
    """What the expected units short are multiplied by: ``overall`` where one target is
    served by the store as a whole, ``by_class`` where each service class aims at its own."""

    overall: float = 1.0
    by_class: dict[str, float] = field(default_factory=dict)
    reviews: int = 0

    def of_class(self, service_class: str) -> float:
        return self.by_class.get(service_class, 1.0)


def learnt_scale(merchant: Merchant) -> Scale:
    """The scale from the merchant's last `KEPT_REVIEWS` settled records."""
    settled = list(
        ShortfallRecord.objects.for_merchant(merchant)
        .filter(settled_at__isnull=False)
        .order_by("-made_on")
        .values_list("expected", "actual")[:KEPT_REVIEWS]
    )
    expected, actual, reviews = defaultdict(float), defaultdict(float), defaultdict(int)
    for hoped, found in settled:
        for service_class, units in hoped.items():
            expected[service_class] += float(units)
            actual[service_class] += float(found.get(service_class, 0.0))
            reviews[service_class] += 1
    by_class = {
        service_class: shortfall_ratio(expected[service_class], actual[service_class], count)
        for service_class, count in reviews.items()
    }
    overall = shortfall_ratio(sum(expected.values()), sum(actual.values()), len(settled))
    return Scale(overall, by_class, len(settled))


@dataclass(frozen=True)
class PlannedSeries:
    """Per series of one plan (arrays in the same order): what `record_plan` keeps."""

    keys: list[tuple[int, int]]  # (SKU, location)
    classes: list[str]
    position: np.ndarray  # on hand + on order - committed, before today's order
    quantity: np.ndarray  # the order chosen (0: none)
    expected: np.ndarray  # the units it was expected to leave short, before calibration
    lead_days: np.ndarray  # the lead time it was planned on
    per_day: np.ndarray  # the forecast's mean daily demand


def record_plan(
    *, merchant: Merchant, made_on: dt.date, review_days: int, planned: PlannedSeries
) -> ShortfallRecord | None:
    """Keep today's plan unless one was kept within the last review period (the orders are
    judged review by review, as the plan is followed)."""
    review = max(int(review_days), 1)
    records = ShortfallRecord.objects.for_merchant(merchant)
    if records.filter(made_on__gt=made_on - dt.timedelta(days=review)).exists():
        return None
    lead = np.maximum(np.rint(np.nan_to_num(planned.lead_days)), 1).astype(int)
    keep = lead <= LONGEST_LEAD_DAYS
    if not keep.any():
        return None
    keys = [key for key, kept in zip(planned.keys, keep, strict=True) if kept]
    series = {
        "sku": [sku for sku, _ in keys],
        "location": [location for _, location in keys],
        "service_class": [c for c, kept in zip(planned.classes, keep, strict=True) if kept],
        "position": _column(planned.position[keep]),
        "quantity": _column(planned.quantity[keep]),
        "expected": _column(planned.expected[keep]),
        "lead_days": lead[keep].tolist(),
        "per_day": _column(planned.per_day[keep]),
    }
    return ShortfallRecord.objects.create(
        merchant=merchant,
        made_on=made_on,
        settles_on=made_on + dt.timedelta(days=int(lead[keep].max()) + review),
        review_days=review,
        series=series,
    )


def _column(values: np.ndarray) -> list[float]:
    return [round(float(value), 4) for value in np.nan_to_num(values)]


def settle(*, merchant: Merchant, through: dt.date) -> int:
    """Settle every record whose last review period ended by ``through`` (the last day of
    sales known), then keep only the last `KEPT_REVIEWS` settled ones. Returns how many
    settled."""
    pending = ShortfallRecord.objects.for_merchant(merchant).filter(
        settled_at__isnull=True, settles_on__lte=through + dt.timedelta(days=1)
    )
    count = 0
    for record in pending.order_by("made_on"):
        _settle_one(merchant, record)
        count += 1
    settled = ShortfallRecord.objects.for_merchant(merchant).filter(settled_at__isnull=False)
    old = list(settled.order_by("-made_on").values_list("pk", flat=True)[KEPT_REVIEWS:])
    if old:
        ShortfallRecord.objects.for_merchant(merchant).filter(pk__in=old).delete()
    return count


@transaction.atomic
def _settle_one(merchant: Merchant, record: ShortfallRecord) -> None:
    series = record.series
    keys = list(zip(series["sku"], series["location"], strict=True))
    span = (record.settles_on - record.made_on).days
    demand = _demand(merchant, keys, record.made_on, span, np.asarray(series["per_day"], float))
    actual = units_left_short(
        demand,
        position=np.asarray(series["position"], dtype=float),
        quantity=np.asarray(series["quantity"], dtype=float),
        lead_days=np.asarray(series["lead_days"], dtype=int),
        review_days=record.review_days,
    )
    expected_by, actual_by = defaultdict(float), defaultdict(float)
    for service_class, hoped, found in zip(
        series["service_class"], series["expected"], actual, strict=True
    ):
        expected_by[service_class] += float(hoped)
        actual_by[service_class] += float(found)
    record.expected = {key: round(value, 4) for key, value in expected_by.items()}
    record.actual = {key: round(value, 4) for key, value in actual_by.items()}
    record.series = {}
    record.settled_at = timezone.now()
    record.save(update_fields=["expected", "actual", "series", "settled_at"])


def _demand(
    merchant: Merchant, keys: list[tuple[int, int]], first: dt.date, span: int, per_day: np.ndarray
) -> np.ndarray:
    """(series, days from ``first``): each day's units sold; a stock-out day at least the
    forecast's mean demand of that series (what it sold is not what was asked)."""
    row_of = {key: row for row, key in enumerate(keys)}
    demand = np.zeros((len(keys), span))
    sales = (
        SalesDay.objects.for_merchant(merchant)
        .filter(
            sku_id__in=sorted({sku for sku, _ in keys}),
            date__gte=first,
            date__lt=first + dt.timedelta(days=span),
        )
        .values_list("sku_id", "location_id", "date", "units", "stock_out")
    )
    for sku, location, date, units, stock_out in sales.iterator(chunk_size=5000):
        row = row_of.get((sku, location))
        if row is None:
            continue
        sold = float(units)
        demand[row, (date - first).days] = max(sold, per_day[row]) if stock_out else sold
    return demand


def units_left_short(
    demand: np.ndarray,
    *,
    position: np.ndarray,
    quantity: np.ndarray,
    lead_days: np.ndarray,
    review_days: int,
) -> np.ndarray:
    """Per series, the units an order of ``quantity`` placed on the first day of ``demand``
    (series, days) at ``position`` left short in the review period after it arrived, sales
    that find no stock being lost: the period's demand, less what was left of the position
    when the order arrived, less the order."""
    rows = np.arange(len(demand))
    days = demand.shape[1]
    total = np.concatenate([np.zeros((len(demand), 1)), np.cumsum(demand, axis=1)], axis=1)
    arrives = np.minimum(lead_days, days)
    ends = np.minimum(arrives + review_days, days)
    during_lead = total[rows, arrives]
    after = total[rows, ends] - total[rows, arrives]
    left = np.maximum(position - during_lead, 0.0)
    return np.maximum(after - left - quantity, 0.0)

"""The plan's calibration on the units its orders leave short.

A fill rate counts units, so the correction counts units too. Once per review period the plan
keeps, per series, the position it planned from, the order it chose and the units that order
was expected to leave short (`record_plan`). Once the review period after an order's arrival
has passed, the units it would have left short against the demand that came are known
(`settle`: the lost-sales reading of `planning.policy.uncovered`, with the days' sales in place
of the drawn sums; a stock-out day counts at least the forecast's mean demand, since what it
sold is not what was asked). Each order is judged as soon as its own period has passed, so one
supplier's long lead time does not hold back what the store's other orders teach; a review's
record settles once its slowest order is judged. Their ratio over the last reviews judged,
shrunk towards 1 while they are few (`shortfall_ratio`), scales the next plan's expected
shortfalls (`learnt_scale`): store-wide one ratio, per service class one per class where each
class is held to its own target, shrunk towards the ratio of all the classes planned for the
same fill rate while its own reviews are few (`CLASS_PRIOR_REVIEWS`). The ratio grows with the
target (drawn tails are thinner the further out they are read), so each record keeps the fill
rates it was planned for, and only the reviews planned as the plan is set today are learnt
from; the others are the prior they are shrunk towards, so a store that changes its target
relearns within a few reviews. Each record also keeps the units demanded in the periods its
judged orders protected, so the settings page can say what the orders planned for today's
targets served there against the fill rate asked for (`Scale.served`: store-wide, or per class
where each class has its own target). The policy replay learns by the same ratio as it goes
(`planning.replays.shortfalls`), so the bench's calibrated policies are the ones the plan runs.

Every input is bounded: one record per review period, each series' columns dropped once it
is judged, and only the last `KEPT_REVIEWS` settled records kept.
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
from planning.models import PlanningSettings, ShortfallRecord

PRIOR_REVIEWS = 2.0  # reviews' worth of expected shortfall counted as "as expected"
# reviews' worth of a class's own expected shortfall counted at the ratio of all the classes
# planned for the same fill rate (a class's ratio is shrunk towards theirs): a class's own
# reviews outweigh the others' after four months of weekly reviews. Of 2, 4, 8 and 16, 16
# left the fewest classes off their targets in the policy replays of both bench stores
# (bench/policy): the classes' ratios differ less than one class's scatter week to week. 32
# and 64, tried since, left fewer demand classes off but as many or more service classes
CLASS_PRIOR_REVIEWS = 16.0
BOUNDS = (0.25, 4.0)  # the scale never leaves these
KEPT_REVIEWS = 26  # settled reviews the scale is learnt from: half a year of weekly reviews
LONGEST_LEAD_DAYS = 182  # a series planned on a longer lead time is not recorded
TARGET_TOLERANCE = 0.0005  # fill rates closer than this are the same target


def shortfall_ratio(
    expected: float,
    actual: float,
    reviews: int,
    prior: float = PRIOR_REVIEWS,
    toward: float = 1.0,
) -> float:
    """(units short + prior x ``toward``) / (units expected short + prior), the prior being
    ``prior`` reviews' worth of expected shortfall: shrunk towards ``toward`` (1, "as
    expected", unless something else is known) while the reviews are few; ``toward`` with
    nothing to learn from."""
    if not reviews or expected <= 0:
        return float(np.clip(toward, *BOUNDS))
    prior_units = prior * expected / reviews
    return float(np.clip((actual + prior_units * toward) / (expected + prior_units), *BOUNDS))


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
    served by the store as a whole, ``by_class`` where each service class aims at its own;
    learnt from ``reviews`` reviews judged (all their orders, or those whose periods have
    passed), ``elsewhere`` of which were planned for other fill rates (or the other policy)
    than today's and count only as the prior."""

    overall: float = 1.0
    by_class: dict[str, float] = field(default_factory=dict)
    reviews: int = 0
    elsewhere: int = 0
    store_wide: bool = True  # the plan serves one target for the store (else one per class)
    # the fill rate the orders of the reviews planned as today served in the periods they
    # protected (units demanded less units short, over units demanded): the store's where one
    # target serves the store (None: nothing demanded yet), else per class (class -> (fill
    # rate served, target))
    served: float | None = None
    served_by_class: dict[str, tuple[float, float]] = field(default_factory=dict)
    # the classes whose ratio is shrunk towards that of the classes held to the same fill rate
    # (`CLASS_PRIOR_REVIEWS`), where each class is held to its own target
    pooled: list[str] = field(default_factory=list)

    def of_class(self, service_class: str) -> float:
        return self.by_class.get(service_class, 1.0)

    @property
    def upper_bound(self) -> float:
        """The most the scale multiplies the expected units short by."""
        return BOUNDS[1]

    @property
    def capped_classes(self) -> list[str]:
        """Where the plan holds each class to its own target: the classes whose orders left
        so many more units short than expected that their scale stops at its upper bound
        (`BOUNDS`): the plan corrects them no further, and they will serve less than asked."""
        if self.store_wide:
            return []
        return sorted(name for name, ratio in self.by_class.items() if ratio >= BOUNDS[1])

    @property
    def capped(self) -> bool:
        """Whether the scale the plan sets its orders with today stops at its upper bound:
        the store's where one target serves the store, else any class's."""
        return self.overall >= BOUNDS[1] if self.store_wide else bool(self.capped_classes)


@dataclass(frozen=True)
class Targets:
    """What the plan aims at today: how the fill rate is set (``PlanningSettings``'s
    service policy), the store's target and each service class's."""

    policy: str
    store: float
    by_class: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, merchant: Merchant, settings: PlanningSettings) -> Targets:
        return cls(
            settings.service_policy,
            float(merchant.target_service_level),
            {key: float(value) for key, value in (settings.service_levels or {}).items()},
        )

    @property
    def store_wide(self) -> bool:
        return self.policy == PlanningSettings.ServicePolicy.STORE

    def set_for(self, service_class: str) -> float:
        """The fill rate set for a class: its own, the store's where it has none."""
        return self.by_class.get(service_class, self.store)

    def of_class(self, service_class: str) -> float:
        """The fill rate a class's series are planned for: the store's where one target
        serves the whole store, else the one set for the class."""
        return self.store if self.store_wide else self.set_for(service_class)


def _planned_as(
    record_policy: str, record_targets: dict, policy: str, targets: dict[str, float]
) -> bool:
    """Whether a record was planned as the plan is set today: the same policy, and each
    class of ``targets`` (class -> today's fill rate) planned at the same fill rate. A
    record kept before the plan recorded its targets (blank policy) is taken as planned as
    today."""
    if not record_policy:
        return True
    if record_policy != policy:
        return False
    return all(
        key in record_targets and abs(float(record_targets[key]) - target) <= TARGET_TOLERANCE
        for key, target in targets.items()
    )


def learnt_scale(merchant: Merchant, targets: Targets) -> Scale:
    """The scale from the merchant's last `KEPT_REVIEWS` records with a series judged
    (settled, or waiting only on orders with a longer lead time). A scale is learnt
    from the reviews planned as the plan is set today (``targets``): orders planned for
    another fill rate leave a different share short (the drawn tails are thinner the further
    out they are read), so those reviews only set the prior that today's are shrunk towards,
    and a store that changes its targets relearns within a few reviews, not half a year."""
    judged = list(
        ShortfallRecord.objects.for_merchant(merchant)
        .exclude(expected={})  # at least one series judged
        .order_by("-made_on")
        .values_list("service_policy", "targets", "expected", "actual", "demanded")[:KEPT_REVIEWS]
    )
    store_wide = PlanningSettings.ServicePolicy.STORE
    overall_same = [
        _planned_as(policy, aims, store_wide, dict.fromkeys(aims, targets.store))
        for policy, aims, *_ in judged
    ]
    overall = _blended(
        [(sum(hoped.values()), sum(found.values())) for *_, hoped, found, _ in judged],
        overall_same,
    )
    by_class, served_by_class, pooled = {}, {}, []
    peer_ratios: dict[tuple[str, ...], float] = {}
    classes = sorted({c for *_, hoped, _, _ in judged for c in hoped})
    for service_class in classes:
        rows, same, fills = [], [], []
        wanted = {service_class: targets.of_class(service_class)}
        for policy, aims, hoped, found, asked in judged:
            if service_class not in hoped:
                continue
            short = float(found.get(service_class, 0.0))
            rows.append((float(hoped[service_class]), short))
            same.append(_planned_as(policy, aims, targets.policy, wanted))
            if same[-1] and service_class in asked:
                fills.append(({service_class: short}, {service_class: asked[service_class]}))
        peers = [
            c
            for c in classes
            if abs(targets.of_class(c) - wanted[service_class]) <= TARGET_TOLERANCE
        ]
        # where each class is held to its own target, the classes held to the same one pool:
        # a class's few reviews scatter far more than theirs together (`CLASS_PRIOR_REVIEWS`)
        if targets.store_wide or len(peers) < 2:
            by_class[service_class] = _blended(rows, same)
        else:
            key = tuple(peers)  # every class of one fill rate shares its peers' ratio
            if key not in peer_ratios:
                peer_ratios[key] = _peer_ratio(judged, peers, targets)
            by_class[service_class] = _blended(
                rows, same, toward=peer_ratios[key], prior=CLASS_PRIOR_REVIEWS
            )
            pooled.append(service_class)
        fill = None if targets.store_wide else _served(fills)
        if fill is not None:
            served_by_class[service_class] = (fill, wanted[service_class])
    today = (
        overall_same
        if targets.store_wide
        else [
            _planned_as(policy, aims, targets.policy, {c: targets.of_class(c) for c in hoped})
            for policy, aims, hoped, *_ in judged
        ]
    )
    served = None
    if targets.store_wide:
        served = _served(
            (found, asked)
            for (*_, found, asked), kept in zip(judged, overall_same, strict=True)
            if kept
        )
    return Scale(
        overall,
        by_class,
        len(judged),
        len(judged) - sum(today),
        targets.store_wide,
        served,
        served_by_class,
        pooled,
    )


def _served(reviews) -> float | None:
    """The fill rate over ``reviews`` (class -> units short, class -> units demanded), their
    classes added up: units demanded less units short over units demanded; None where
    nothing was demanded (or reviews settled before the units demanded were kept)."""
    short = demanded = 0.0
    for found, asked in reviews:
        short += sum(float(found.get(key, 0.0)) for key in asked)
        demanded += sum(float(value) for value in asked.values())
    if demanded <= 0:
        return None
    return float(min(max(1.0 - short / demanded, 0.0), 1.0))


def _peer_ratio(judged: list, peers: list[str], targets: Targets) -> float:
    """The ratio of the classes ``peers`` (planned today for one fill rate) together: their
    reviews planned as today (`_blended`), each review's units expected short and units
    short summed over the peers it planned."""
    rows, same = [], []
    for policy, aims, hoped, found, _asked in judged:
        present = [c for c in peers if c in hoped]
        if not present:
            continue
        rows.append(
            (
                sum(float(hoped[c]) for c in present),
                sum(float(found.get(c, 0.0)) for c in present),
            )
        )
        wanted = {c: targets.of_class(c) for c in present}
        same.append(_planned_as(policy, aims, targets.policy, wanted))
    return _blended(rows, same)


def _blended(
    rows: list[tuple[float, float]],
    same: list[bool],
    *,
    toward: float | None = None,
    prior: float = PRIOR_REVIEWS,
) -> float:
    """The ratio of the reviews ``rows`` (units expected short, units short) marked
    ``same``, shrunk by ``prior`` reviews' worth of their expected shortfall towards
    ``toward``; where none is given, towards the ratio of the others (itself shrunk
    towards 1)."""
    mine = [row for row, kept in zip(rows, same, strict=True) if kept]
    if toward is None:
        other = [row for row, kept in zip(rows, same, strict=True) if not kept]
        toward = shortfall_ratio(sum(e for e, _ in other), sum(a for _, a in other), len(other))
    expected, actual = sum(e for e, _ in mine), sum(a for _, a in mine)
    return shortfall_ratio(expected, actual, len(mine), prior, toward)


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
    *,
    merchant: Merchant,
    made_on: dt.date,
    review_days: int,
    planned: PlannedSeries,
    targets: Targets,
) -> ShortfallRecord | None:
    """Keep today's plan, with the fill rates it was planned for (``targets``), unless one
    was kept within the last review period (the orders are judged review by review, as the
    plan is followed)."""
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
        service_policy=targets.policy,
        targets={key: targets.of_class(key) for key in sorted(set(series["service_class"]))},
    )


def _column(values: np.ndarray) -> list[float]:
    return [round(float(value), 4) for value in np.nan_to_num(values)]


def settle(*, merchant: Merchant, through: dt.date) -> int:
    """Judge each kept series whose review period after its order's arrival ended by
    ``through`` (the last day of sales known), each on its own lead time, adding what it was
    expected to leave short, what it left and what was demanded to its record's sums; a
    record whose last series is judged is settled. Then keep only the last `KEPT_REVIEWS`
    settled records. Returns how many settled."""
    pending = ShortfallRecord.objects.for_merchant(merchant).filter(
        settled_at__isnull=True, made_on__lte=through
    )
    count = 0
    for record in pending.order_by("made_on"):
        count += _judge(merchant, record, through)
    settled = ShortfallRecord.objects.for_merchant(merchant).filter(settled_at__isnull=False)
    old = list(settled.order_by("-made_on").values_list("pk", flat=True)[KEPT_REVIEWS:])
    if old:
        ShortfallRecord.objects.for_merchant(merchant).filter(pk__in=old).delete()
    return count


@transaction.atomic
def _judge(merchant: Merchant, record: ShortfallRecord, through: dt.date) -> bool:
    """Judge the series of ``record`` whose period has passed by ``through`` and drop their
    columns; settle it once none is left. Whether it settled."""
    series = record.series
    lead_days = np.asarray(series.get("lead_days", []), dtype=int)
    known = (through - record.made_on).days + 1  # days of sales from the day it was made
    due = lead_days + record.review_days <= known
    if not due.any():
        return False
    rows = np.flatnonzero(due)
    keys = [(series["sku"][row], series["location"][row]) for row in rows]
    span = int((lead_days[rows] + record.review_days).max())
    per_day = np.asarray(series["per_day"], dtype=float)[rows]
    demand = _demand(merchant, keys, record.made_on, span, per_day)
    during_lead, protected = period_demand(
        demand, lead_days=lead_days[rows], review_days=record.review_days
    )
    actual = _left_short(
        during_lead,
        protected,
        position=np.asarray(series["position"], dtype=float)[rows],
        quantity=np.asarray(series["quantity"], dtype=float)[rows],
    )
    sums = {
        "expected": defaultdict(float, record.expected),
        "actual": defaultdict(float, record.actual),
        "demanded": defaultdict(float, record.demanded),
    }
    for place, row in enumerate(rows):
        service_class = series["service_class"][row]
        sums["expected"][service_class] += float(series["expected"][row])
        sums["actual"][service_class] += float(actual[place])
        sums["demanded"][service_class] += float(protected[place])
    for name, values in sums.items():
        setattr(record, name, {key: round(value, 4) for key, value in values.items()})
    settled = bool(due.all())
    waiting = np.flatnonzero(~due)
    record.series = (
        {}
        if settled
        else {name: [column[row] for row in waiting] for name, column in series.items()}
    )
    record.settled_at = timezone.now() if settled else None
    record.save(update_fields=["expected", "actual", "demanded", "series", "settled_at"])
    return settled


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


def period_demand(
    demand: np.ndarray, *, lead_days: np.ndarray, review_days: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per series, the units demanded (``demand``: series, days from the order) over its
    ``lead_days`` and over the review period after the order arrived."""
    rows = np.arange(len(demand))
    days = demand.shape[1]
    total = np.concatenate([np.zeros((len(demand), 1)), np.cumsum(demand, axis=1)], axis=1)
    arrives = np.minimum(lead_days, days)
    ends = np.minimum(arrives + review_days, days)
    return total[rows, arrives], total[rows, ends] - total[rows, arrives]


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
    during_lead, after = period_demand(demand, lead_days=lead_days, review_days=review_days)
    return _left_short(during_lead, after, position=position, quantity=quantity)


def _left_short(
    during_lead: np.ndarray, after: np.ndarray, *, position: np.ndarray, quantity: np.ndarray
) -> np.ndarray:
    """`units_left_short` from the demand over the lead time and over the period after."""
    left = np.maximum(position - during_lead, 0.0)
    return np.maximum(after - left - quantity, 0.0)

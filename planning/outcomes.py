"""What one order line's quantity gives, and why the plan asked for it.

A planner who changes a quantity sees at once what it buys: its cost, the days of cover when
it arrives and the expected fill rate of the review period it protects. They are worked out
as the plan worked them out (`planning.policy.suggest`): cover is what is left when the order
arrives plus the order, over the mean daily demand after the lead time; the fill rate comes
from the same demand paths, drawn again from the stored forecast with the overrides in force
(read through `forecasting.selectors`, as the plan reads it) and the plan's seed, so the
planned quantity gives back the planned fill rate.

The "why" of a line reads only what the suggestion stores: demand over the lead time and the
review period, the safety stock on top (order-up-to), the stock position taken off, and the
rounding to the supplier's packs and minimum order.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from forecasting import selectors as forecasting_selectors
from planning import calibration, policy
from planning.models import ReorderSuggestion

ZERO = Decimal("0")
QUANTITY_PLACES = Decimal("0.001")


@dataclass(frozen=True)
class Outcome:
    quantity: Decimal  # rounded to whole packs, at least the MOQ
    cost: Decimal
    days_of_cover: Decimal | None  # None: no demand to cover
    expected_fill_rate: Decimal | None  # None: the forecast behind the line is gone


def position(suggestion: ReorderSuggestion) -> Decimal:
    """On hand plus on order minus what is promised to customers."""
    return suggestion.on_hand + suggestion.on_order - suggestion.committed


def rounded_quantity(suggestion: ReorderSuggestion, asked: Decimal) -> Decimal:
    """``asked`` rounded up to whole packs and at least the MOQ; nothing stays nothing."""
    terms = policy.Terms(0, moq=float(suggestion.moq), pack_size=float(suggestion.pack_size))
    value = policy.round_quantity(float(asked), terms)
    return Decimal(str(round(value, 6))).quantize(QUANTITY_PLACES)


def review_days(suggestion: ReorderSuggestion) -> int:
    """The review period the line was planned for (the store's own for older lines)."""
    return suggestion.review_days or suggestion.merchant.review_period_days


def daily_demand(suggestion: ReorderSuggestion) -> Decimal:
    """Mean daily demand after the lead time: as stored, else the review period's demand
    (lead time + review minus lead time) over its days, which is the same mean."""
    if suggestion.daily_demand is not None:
        return suggestion.daily_demand
    days = review_days(suggestion)
    if days <= 0:
        return ZERO
    return max(suggestion.cycle_demand - suggestion.lead_demand, ZERO) / days


def days_of_cover(suggestion: ReorderSuggestion, quantity: Decimal) -> Decimal | None:
    """Days the stock left when the order arrives plus the order lasts."""
    per_day = daily_demand(suggestion)
    if per_day <= 0:
        return None
    left = max(position(suggestion) - suggestion.lead_demand, ZERO)
    return ((left + quantity) / per_day).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def demand(suggestion: ReorderSuggestion, *, paths: int) -> policy.Demand | None:
    """The demand paths the plan drew for this line, drawn again from its stored forecast
    with the overrides in force (as the plan reads it) and the plan's seed (the SKU's id);
    None when that forecast is gone."""
    key = (suggestion.forecast_run_id, suggestion.sku_id, suggestion.location_id)
    stored = forecasting_selectors.forecasts_of_series(merchant=suggestion.merchant, keys=[key])
    return demand_from(suggestion, stored[key], paths=paths) if key in stored else None


def demand_from(
    suggestion: ReorderSuggestion, stored: forecasting_selectors.StoredForecast, *, paths: int
) -> policy.Demand:
    terms = policy.Terms(
        lead_time_mean=float(suggestion.lead_time_days),
        lead_time_std=float(suggestion.lead_time_std_days or 0),
        review_days=review_days(suggestion),
    )
    return policy.demand_from_stored(stored, terms, count=paths, seed=suggestion.sku_id)


def fill_rate(
    suggestion: ReorderSuggestion, quantity: Decimal, drawn: policy.Demand | None
) -> Decimal | None:
    if drawn is None:
        return None
    before = float(position(suggestion))
    value = policy.fill_rate(drawn, before + float(quantity), before)
    # read with the scale on expected units short the line was planned with
    value = calibration.calibrated_fill(value, float(suggestion.shortfall_scale))
    return Decimal(str(round(value, 6))).quantize(Decimal("0.0001"))


def outcome(suggestion: ReorderSuggestion, asked: Decimal, *, paths: int) -> Outcome:
    """What ordering ``asked`` (rounded to the supplier's terms) gives this line."""
    quantity = rounded_quantity(suggestion, asked)
    return Outcome(
        quantity=quantity,
        cost=(quantity * suggestion.unit_cost).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        days_of_cover=days_of_cover(suggestion, quantity),
        expected_fill_rate=fill_rate(suggestion, quantity, demand(suggestion, paths=paths)),
    )


def fill_rates(
    merchant, suggestions: list[ReorderSuggestion], *, paths: int
) -> dict[int, Decimal | None]:
    """`fill_rate` of many lines at their current quantities, their forecasts (with the
    overrides in force) read in one query per thousand lines."""
    found = forecasting_selectors.forecasts_of_series(
        merchant=merchant,
        keys=[(line.forecast_run_id, line.sku_id, line.location_id) for line in suggestions],
    )
    rates = {}
    for line in suggestions:
        stored = found.get((line.forecast_run_id, line.sku_id, line.location_id))
        drawn = demand_from(line, stored, paths=paths) if stored else None
        rates[line.pk] = fill_rate(line, line.quantity, drawn)
    return rates


# -- why ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    label: str
    quantity: Decimal  # signed: what the step adds to the running total
    total: Decimal  # the running total after it

    @property
    def size(self) -> Decimal:
        return abs(self.quantity)


@dataclass(frozen=True)
class Why:
    """The arithmetic behind a line, from what it stores: demand over lead time + review,
    plus safety stock = order-up-to; minus the position = needed; rounded to packs and the
    MOQ (and any cut for overstock) = suggested; and the planner's quantity if edited."""

    steps: list[Step]
    order_up_to: Decimal
    needed: Decimal
    suggested: Decimal
    rounding: Decimal  # suggested minus needed: what packs, the MOQ or a limit changed
    rounding_label: str
    edited: Decimal | None  # the planner's quantity when it differs from the suggested one


def why(suggestion: ReorderSuggestion) -> Why:
    """The line's arithmetic step by step, each step with its running total (`Why`)."""
    s = suggestion
    steps: list[Step] = []
    total = ZERO

    def add(label: str, quantity: Decimal) -> None:
        nonlocal total
        total += quantity
        steps.append(Step(label, quantity, total))

    for label, quantity in _order_up_to_parts(s):
        add(label, quantity)
    order_up_to = total
    add(_("On hand"), -s.on_hand)
    add(_("On order"), -s.on_order)
    if s.committed:
        add(_("Promised to customers"), s.committed)
    needed = max(total, ZERO)
    if total < 0:
        add(_("Nothing is needed below zero"), -total)
    rounding = s.suggested_quantity - needed
    label = _rounding_label(s)
    add(label, rounding)
    edited = s.quantity if s.quantity != s.suggested_quantity else None
    return Why(
        steps=steps,
        order_up_to=order_up_to,
        needed=needed,
        suggested=total,
        rounding=rounding,
        rounding_label=label,
        edited=edited,
    )


def _order_up_to_parts(s: ReorderSuggestion) -> list[tuple[str, Decimal]]:
    """What the order-up-to level adds up from: demand over the lead time, over the review
    period, and the safety stock for the fill-rate target."""
    days = review_days(s)
    lead_days = s.lead_time_days.normalize()
    return [
        (
            ngettext(
                "Forecast demand over the lead time (%(days)s day)",
                "Forecast demand over the lead time (%(days)s days)",
                int(lead_days),
            )
            % {"days": lead_days},
            s.lead_demand,
        ),
        (
            ngettext(
                "Forecast demand over the review period (%(days)s day)",
                "Forecast demand over the review period (%(days)s days)",
                days,
            )
            % {"days": days},
            s.cycle_demand - s.lead_demand,
        ),
        (
            _("Safety stock for the %(rate)s fill-rate target")
            % {"rate": f"{s.target_fill_rate * 100:.1f}%"},
            s.order_up_to - s.cycle_demand,
        ),
    ]


def _rounding_label(s: ReorderSuggestion) -> str:
    """Why the suggested quantity differs from what is needed: a limit, or packs and the MOQ."""
    pack, moq = s.pack_size.normalize(), s.moq.normalize()
    if s.limit:
        return s.get_limit_display()
    if s.moq > 0:
        return _("Rounded up to packs of %(pack)s, at least the MOQ of %(moq)s") % {
            "pack": pack,
            "moq": moq,
        }
    return _("Rounded up to packs of %(pack)s") % {"pack": pack}

"""The policy bench's baselines beyond those `planning.replays.replay` replays itself, and
its headline read off their curves.

- The merchant's own rule, days of cover (`planning.replays.simulation.days_of_cover_policy`),
  swept over its N (`COVER_DAYS`), replayed in the very world every other policy is replayed
  in: the same lead-time draws, packs, MOQs, costs, starting stock and lost sales.
- The inventory at equal realised fill: at each target, the store-wide policy's inventory
  against a baseline's inventory at the same realised fill, read off the baseline's curve
  with `planning.replays.frontier.at_fill`, the function the SVG draws its savings with;
  and per series (`series_at_fill`), the same reading of each series' inventory and units
  served, so that the saving can be split by class.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from bench.policy.frontier_svg import less_than
from planning.replays import replay, simulation
from planning.replays.frontier import at_fill, cut_of

# the days-of-cover rule's knob (N, days of average demand beyond the lead time), swept wide
# enough for its curve to span the fill rates the targets reach
COVER_DAYS = (7, 14, 21, 28, 42, 56, 84, 112, 168)
DAYS_OF_COVER = "days of cover (merchant's rule, N swept)"

# (the history known on a day of the replay, by day) -> the policy replayed
PolicyMaker = Callable[[Callable[[int], np.ndarray]], simulation.Policy]


def replay_in_same_world(
    values: np.ndarray,
    terms: replay.Terms,
    make_policy: PolicyMaker,
    *,
    days: int,
    warm_up: int,
    review: int,
    seed: int,
) -> simulation.Outcome:
    """Replay ``make_policy(known)`` over the last ``days`` of ``values`` (series, periods;
    NaN = closed), where ``known(day)`` is the history before that day of the replay, in the
    world `replay.replay_policies` gives its policies for the same arguments; figures count
    after ``warm_up`` days."""
    series, length = values.shape
    start = length - days
    # the replay's own lead-time draws and starting stock (its private helpers, read on
    # purpose), so that no baseline is replayed in a kinder or harsher world than ours
    setup = replay._setup(terms, series, math.ceil(days / review), review, seed)
    on_hand = replay._starting_stock(values, terms, start, review)

    def known(day: int) -> np.ndarray:
        return values[:, : start + day]

    return simulation.replay(
        np.nan_to_num(values[:, start:]),
        setup=setup,
        policy=make_policy(known),
        on_hand=on_hand,
        measure_from=warm_up,
        beyond=replay.beyond_history(values, start),
    )


def days_of_cover(
    values: np.ndarray,
    terms: replay.Terms,
    *,
    days: int,
    warm_up: int,
    review: int,
    seed: int,
    cover_days: Sequence[int] = COVER_DAYS,
) -> list[tuple[int, simulation.Outcome]]:
    """The days-of-cover rule replayed at each N of ``cover_days`` (`replay_in_same_world`),
    with each N."""
    outcomes = []
    for cover in cover_days:

        def rule(known, cover=cover):
            return simulation.days_of_cover_policy(known, terms.lead_mean, review, cover)

        outcomes.append(
            (
                cover,
                replay_in_same_world(
                    values, terms, rule, days=days, warm_up=warm_up, review=review, seed=seed
                ),
            )
        )
    return outcomes


def at_equal_fill(
    ours: Sequence[tuple[float, simulation.Outcome]],
    curve: Sequence[tuple[float, float]],
    *,
    name: str,
    least_cut: float | None = None,
) -> list[float | None]:
    """Print, for each (target, outcome) of ``ours``, its realised fill and inventory against
    the inventory of the baseline ``name`` at that fill read off its ``curve`` [(fill rate,
    inventory)], then the range of the cuts, judged against ``least_cut`` when given. Returns
    the baseline's inventory per target, None where its curve does not reach that fill."""
    fills = [fill for fill, _stock in curve]
    # where a target's fill is off the curve, say which fills the baseline's knob reached
    reach = f", which spans fill {min(fills):.3f}-{max(fills):.3f}" if fills else ""
    found = []
    for level, outcome in ours:
        stock = outcome.average_inventory_value
        baseline = at_fill(curve, outcome.fill_rate)
        found.append(baseline)
        print(
            f"  target {level:.0%}: fill {outcome.fill_rate:.3f}, £{stock:,.0f}"
            + (
                f" against £{baseline:,.0f} ({less_than(stock, baseline)})"
                if baseline is not None
                else f" (outside {name}'s curve{reach})"
            )
        )
    cuts = [
        cut_of(outcome.average_inventory_value, baseline)
        for (_level, outcome), baseline in zip(ours, found, strict=True)
        if baseline
    ]
    if cuts:
        print(
            f"  -> {min(cuts):.1%} to {max(cuts):.1%} less inventory at equal fill"
            + (
                ""
                if least_cut is None
                else f"; target >= {least_cut:.0%} at every compared fill: "
                + ("met" if min(cuts) >= least_cut else "NOT met")
            )
        )
    return found


def series_at_fill(
    outcomes: Sequence[simulation.Outcome], fill: float
) -> tuple[np.ndarray, np.ndarray] | None:
    """Per series, the inventory value and the units served of the baseline whose runs are
    ``outcomes`` (its knob swept) at the store-wide realised ``fill``: each series' figures
    read between the two runs whose fills bracket it, with the weights `at_fill` reads the
    store's inventory with (so the series' inventories add up to that reading); None where
    ``fill`` is off the runs' curve or the runs kept no per-series figures."""
    ordered = sorted(outcomes, key=lambda outcome: outcome.fill_rate)
    if any(outcome.inventory is None or outcome.served is None for outcome in ordered):
        return None
    fills = np.array([outcome.fill_rate for outcome in ordered])
    if not len(fills) or not fills[0] <= fill <= fills[-1]:
        return None
    position = float(np.interp(fill, fills, np.arange(len(fills))))
    low = min(int(position), len(fills) - 2) if len(fills) > 1 else 0
    weight = position - low
    high = min(low + 1, len(fills) - 1)

    def between(low_figures: np.ndarray, high_figures: np.ndarray) -> np.ndarray:
        return (1 - weight) * low_figures + weight * high_figures

    return (
        between(ordered[low].inventory, ordered[high].inventory),
        between(ordered[low].served, ordered[high].served),
    )

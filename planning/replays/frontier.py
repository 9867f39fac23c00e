"""Reading a baseline at the fill rate a policy served: the min/max done properly (reorder
point for lead time plus the review period, `simulation.fair_min_max_policy`) is replayed at
several safety factors, and its inventory at any fill between them is read off that curve.
The store's replay page and the policy bench (bench/policy) read their savings this way.
A web process reads the stored figures with it (numpy only)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

# The safety factors (standard deviations of demand over lead time plus review) at which a
# store's replay runs the fair min/max: from none to 6, which spans the fill rates the
# replay's targets (90 to 98%) reach on the bench's stores.
FAIR_SAFETY = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0)
FAIR_PREFIX = "fair_min_max "


def fair_name(safety: float) -> str:
    """The name a replay keeps the fair min/max at ``safety`` under ("fair_min_max 1.50")."""
    return f"{FAIR_PREFIX}{safety:.2f}"


def at_fill(curve: Sequence[tuple[float, float]], fill: float) -> float | None:
    """Inventory value read off a policy's curve [(fill rate, inventory)] at ``fill``
    (linear between its points); None outside them."""
    fills = np.array([point[0] for point in curve], dtype=float)
    stock = np.array([point[1] for point in curve], dtype=float)
    order = np.argsort(fills)
    if not len(fills) or not fills.min() <= fill <= fills.max():
        return None
    return float(np.interp(fill, fills[order], stock[order]))


def cut_of(value: float, reference: float) -> float:
    """How much less ``value`` is than ``reference``, as a share of it (negative: more)."""
    return 1 - value / reference


def fair_curve(figures: Mapping[str, Mapping]) -> list[tuple[float, float]]:
    """The fair min/max's (fill rate, average inventory value) at each safety factor a
    replay's stored ``figures`` hold."""
    return [
        (float(one["fill_rate"]), float(one["average_inventory_value"]))
        for name, one in figures.items()
        if name.startswith(FAIR_PREFIX)
    ]


def saving_against(curve: Iterable[tuple[float, float]], fill: float, inventory: float):
    """(the baseline's inventory at ``fill``, the share ``inventory`` is below it), each None
    where ``fill`` lies off the baseline's curve."""
    baseline = at_fill(list(curve), fill)
    if not baseline:
        return None, None
    return baseline, cut_of(inventory, baseline)


def store_wide_saving(figures: Mapping[str, Mapping], level: float) -> dict | None:
    """What a replay's stored ``figures`` say of the store-wide policy at target ``level``:
    its fill rate and stock, and the fair min/max's stock at that fill rate with the share
    below it (None where the replay ran no such target; baseline and share None where its
    fill rate lies off the min/max's curve)."""
    ours = figures.get(f"shelfcast {level:.2f}")
    if not ours:
        return None
    fill, inventory = float(ours["fill_rate"]), float(ours["average_inventory_value"])
    baseline, saving = saving_against(fair_curve(figures), fill, inventory)
    return {
        "level": level,
        "fill": fill,
        "inventory": inventory,
        "baseline": baseline,
        "saving": saving,
    }

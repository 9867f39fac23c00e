"""The ABC/XYZ service classes: ABC by revenue (A: the SKUs making the first 80% of it, B the
next 15%, C the rest), XYZ by the coefficient of variation of weekly units (X below 0.5, Y
below 1, Z above), over the last `CLASS_DAYS`. The plan reads them from the store's sales
(`planning.positions.selectors.service_classes`), the policy replay from its arrays."""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np

CLASS_DAYS = 91  # history that sets a SKU's ABC and XYZ class
NO_CLASS = "CZ"  # the class of a SKU without sales in the window


def classify(revenue: dict[Hashable, float], weekly: dict[Hashable, np.ndarray]) -> dict:
    """Per key with sales in the window, its class from its ``revenue`` and its ``weekly``
    units (the window's `CLASS_DAYS` // 7 weeks)."""
    classes = {}
    total = sum(revenue.values())
    running = 0.0
    for key in sorted(revenue, key=lambda k: (-revenue[k], k)):
        share = running / total if total > 0 else 1.0
        running += revenue[key]
        abc = "A" if share < 0.8 else "B" if share < 0.95 else "C"
        weeks = weekly[key][: CLASS_DAYS // 7]
        mean = weeks.mean()
        variation = weeks.std() / mean if mean > 0 else np.inf
        xyz = "X" if variation < 0.5 else "Y" if variation < 1.0 else "Z"
        classes[key] = abc + xyz
    return classes


def classes_of_panel(values: np.ndarray, unit_price: np.ndarray, end: int) -> np.ndarray:
    """Per series (rows of daily ``values``, NaN = not observed), its class from the
    `CLASS_DAYS` before period ``end``, at ``unit_price``; `NO_CLASS` without sales there."""
    window = np.nan_to_num(values[:, max(end - CLASS_DAYS, 0) : end])
    weeks = CLASS_DAYS // 7
    padded = np.pad(window, ((0, 0), (weeks * 7 - window.shape[1], 0)))[:, -weeks * 7 :]
    weekly = padded.reshape(len(values), weeks, 7).sum(axis=2)
    sold = window.sum(axis=1)
    rows = [row for row in range(len(values)) if sold[row] > 0]
    found = classify(
        {row: float(sold[row] * unit_price[row]) for row in rows},
        {row: weekly[row] for row in rows},
    )
    return np.array([found.get(row, NO_CLASS) for row in range(len(values))])

"""The store's check of borrowing from similar products (`forecasting.borrowing`): its own
established products made new one horizon earlier, forecast with and without the row they
would have borrowed; the store borrows only where that scored better."""

from __future__ import annotations

import numpy as np
from django.test import SimpleTestCase

from forecasting import borrowing
from forecasting.quantiles import LEVELS

HORIZON, SEASON, DAYS = 28, 7, 200
# two families of products, named alike within each and unlike across them
FAMILIES = (np.array([1.0, 0.0]), np.array([0.0, 1.0]))
PATTERNS = (np.array([0, 0, 9, 9, 0, 0, 0.0]), np.array([4, 0, 0, 0, 0, 4, 4.0]))


def store(per_family: int = 30):
    """(keys, values, vectors): each family sells its own weekly pattern, each product at
    its own level."""
    rng = np.random.default_rng(1)
    keys, rows, vectors = [], [], {}
    for family, (vector, pattern) in enumerate(zip(FAMILIES, PATTERNS, strict=True)):
        for number in range(per_family):
            sku = family * 1000 + number
            level = rng.uniform(0.5, 2.0)
            rows.append(level * np.resize(pattern, DAYS))
            keys.append((sku, 1))
            vectors[sku] = vector
    return keys, np.array(rows), vectors


def flat(history: np.ndarray) -> np.ndarray:
    """Every quantile at the mean of the series' own observed days."""
    level = np.nanmean(history, axis=1)
    return np.repeat(level[:, None], len(LEVELS) * HORIZON, axis=1).reshape(
        -1, len(LEVELS), HORIZON
    )


def shaped(history: np.ndarray, past: dict[int, np.ndarray]) -> np.ndarray:
    """The borrowed row's last week, scaled to the series' own level; flat without one."""
    forecasts = flat(history)
    for row, lent in past.items():
        week = lent[0, -SEASON:]
        shape = week / max(week.mean(), 1e-9)
        forecasts[row] = np.resize(shape, HORIZON) * np.nanmean(history[row])
    return forecasts


class BorrowingVerdictTests(SimpleTestCase):
    def test_a_store_whose_alike_named_products_sell_alike_borrows(self):
        keys, values, vectors = store()
        verdict = borrowing.borrowing_verdict(
            keys, values, vectors, shaped, horizon=HORIZON, season=SEASON
        )
        self.assertTrue(verdict.borrow)
        self.assertEqual(verdict.checked, 120)  # the 60 products, in each of two windows
        self.assertEqual(len(verdict.alone), 2)
        for borrowed, alone in zip(verdict.borrowing, verdict.alone, strict=True):
            self.assertLess(borrowed, alone)

    def test_a_store_whose_borrowed_rows_mislead_does_not_borrow(self):
        keys, values, vectors = store()

        def misled(history: np.ndarray, past: dict[int, np.ndarray]) -> np.ndarray:
            """Reads the borrowed week three days out of step."""
            shifted = {row: np.roll(lent, 3, axis=1) for row, lent in past.items()}
            return shaped(history, shifted)

        verdict = borrowing.borrowing_verdict(
            keys, values, vectors, misled, horizon=HORIZON, season=SEASON
        )
        self.assertFalse(verdict.borrow)
        self.assertEqual(verdict.checked, 120)
        for borrowed, alone in zip(verdict.borrowing, verdict.alone, strict=True):
            self.assertGreater(borrowed, alone)

    def test_too_few_products_to_check_leave_borrowing_on(self):
        keys, values, vectors = store(per_family=4)  # 8 products in each of two windows
        verdict = borrowing.borrowing_verdict(
            keys, values, vectors, shaped, horizon=HORIZON, season=SEASON
        )
        self.assertEqual((verdict.borrow, verdict.checked), (True, 16))
        self.assertEqual((verdict.alone, verdict.borrowing), ((), ()))

    def test_the_check_sees_neither_its_horizons_nor_more_than_the_days_of_a_new_product(self):
        keys, values, vectors = store()
        values[:, -HORIZON:] = 1e6  # the last window's horizon
        values[:, -2 * HORIZON : -HORIZON] += 1e3  # the window's before it
        seen = []

        def watching(history: np.ndarray, past: dict[int, np.ndarray]) -> np.ndarray:
            seen.append((history, past))
            return shaped(history, past)

        borrowing.borrowing_verdict(keys, values, vectors, watching, horizon=HORIZON, season=SEASON)
        # alone at each origin, then borrowing at each
        self.assertEqual([history.shape[1] for history, _past in seen], [172, 144, 172, 144])
        self.assertEqual([len(past) for _history, past in seen], [0, 0, 60, 60])
        for number, (history, past) in enumerate(seen):
            np.testing.assert_array_equal(history, seen[number % 2][0])
            np.testing.assert_array_equal((~np.isnan(history)).sum(axis=1), borrowing.NEW_DAYS)
            self.assertLess(np.nanmax(history), 1e6)
            for row in past.values():
                self.assertEqual(row.shape, (1, history.shape[1]))
                self.assertLess(np.nanmax(row), 1e6 if number % 2 == 0 else 1e3)
        self.assertLess(np.nanmax(seen[1][0]), 1e3)

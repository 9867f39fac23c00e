"""What the model expects a planned promotion to do."""

from __future__ import annotations

import datetime as dt
import unittest
from decimal import Decimal

import numpy as np

from accounts.tenancy import tenant_context
from forecasting.scenarios import PlannedPromotion, promotion_uplift
from tests import factories
from tests.stores import OneLocationTestCase

END = dt.date(2024, 6, 30)


class PromotionUpliftTests(OneLocationTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sku = factories.SKUFactory(merchant=cls.merchant, unit_price=Decimal("10"))
        rng = np.random.default_rng(4)
        factories.sales_days(
            cls.merchant,
            skus=[cls.sku],
            locations=[cls.location],
            dates=[END - dt.timedelta(days=i) for i in range(200)],
            units=lambda date: int(rng.poisson(6)),
            average_price=Decimal("10"),
        )

    def uplift(self, start_in: int, days: int, discount: float):
        start = END + dt.timedelta(days=start_in)
        with tenant_context(self.merchant):
            return promotion_uplift(
                merchant=self.merchant,
                promotions=[
                    PlannedPromotion(self.sku.pk, self.location.pk, start,
                                     start + dt.timedelta(days=days - 1), discount)
                ],
            )[0]  # fmt: skip

    def test_a_price_cut_lifts_more_than_the_flag_and_a_deeper_one_more_still(self):
        flag_only, some, deep = (self.uplift(8, 14, d) for d in (0.0, 0.2, 0.5))
        self.assertGreater(some, 1.0)
        self.assertGreater(some, 1.1 * flag_only)
        self.assertGreater(deep, 1.05 * some)  # clearly more, not by rounding

    # A known defect of the shipped weights (trained on price episodes of their own depth,
    # `--price-episodes`): on this series, whose price never moved and which never had a
    # promotion, the flag alone lifts 1.05 (a 10% cut 1.12, 20% 1.42, 50% 1.88), where the
    # corpus's display effect averages 1.5: a fifth of its flagged episodes cut nothing, and
    # that is learnt weakly (a build with two in five, and more first promotions ahead, gave
    # 1.11 and served worse: the model card). Promotion plans always cut the price, and a
    # series with past promotions is read from them (the capability gate `promotion`). When
    # retrained weights learn the flag's own lift this test passes, and the unexpected
    # success fails the suite until this marker goes.
    @unittest.expectedFailure
    def test_the_flag_alone_lifts(self):
        self.assertGreater(self.uplift(8, 14, 0.0), 1.2)

    def test_windows_the_model_cannot_reach_have_no_answer(self):
        self.assertIsNone(self.uplift(60, 14, 0.2))  # ends beyond 64 days ahead
        self.assertIsNone(self.uplift(-3, 7, 0.2))  # began in the past

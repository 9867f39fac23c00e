"""The forecast covariates carry the event flag on the days of a series' calendars."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np

from accounts.tenancy import tenant_context
from forecasting import history as history_reads
from forecasting.neural.anchor import DAY_OFF, SHOPPING_DAY
from inventory import calendars
from tests import factories
from tests.inventory.calendar_support import (
    AsOfToday,
    Source,
)


class CalendarCovariateTests(AsOfToday):
    """What the forecasts read: the event flag of a series is 1 on its calendars' days."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant = factories.MerchantFactory()
        cls.shop = factories.LocationFactory(merchant=cls.merchant, code="SHOP")
        cls.depot = factories.LocationFactory(merchant=cls.merchant, code="DEPOT")
        cls.sku = factories.SKUFactory(merchant=cls.merchant, code="MUG")
        first = dt.date(2025, 11, 1)
        factories.sales_days(
            cls.merchant,
            skus=[cls.sku],
            locations=(cls.shop, cls.depot),
            dates=[first + dt.timedelta(days=day) for day in range(30)],
            units=Decimal("3"),
        )

    def test_history_carries_the_event_flag_on_holiday_and_festival_days(self):
        with tenant_context(self.merchant):
            calendars.calendar_preset_save(
                merchant=self.merchant,
                location=self.shop,
                country="GB",
                subdivision="ENG",
                festivals=[Source.BLACK_FRIDAY, Source.CYBER_MONDAY],
            )
            history = history_reads.load_history(self.merchant)
            known = history_reads.covariates(self.merchant, history, 28).known
        self.assertEqual(history.days[0], dt.date(2025, 11, 1))
        self.assertEqual(history.days[-1], dt.date(2025, 11, 30))
        shop = history.keys.index((self.sku.pk, self.shop.pk))
        depot = history.keys.index((self.sku.pk, self.depot.pk))
        self.assertNotIn(depot, known)  # the depot follows no calendar
        flagged = [
            history.days[0] + dt.timedelta(days=int(i)) for i in np.flatnonzero(known[shop][2])
        ]
        self.assertEqual(
            flagged,
            [
                dt.date(2025, 11, 28),  # Black Friday, in history
                dt.date(2025, 12, 1),  # Cyber Monday, the first day ahead
                dt.date(2025, 12, 25),  # Christmas Day
                dt.date(2025, 12, 26),  # Boxing Day
            ],
        )
        # the festivals are shopping days, the public holidays days off (the anchor learns
        # each kind's effect apart, and the days beside only a day off's)
        values = known[shop][2][np.flatnonzero(known[shop][2])]
        self.assertEqual(values.tolist(), [SHOPPING_DAY, SHOPPING_DAY, DAY_OFF, DAY_OFF])

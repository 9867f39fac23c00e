"""The ABC/XYZ service classes read from the store's sales and from a replay's arrays are the
same classes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from django.test import TestCase

from accounts.tenancy import tenant_context
from planning.positions import classes as service
from planning.positions import selectors as positions
from tests import factories

END = dt.date(2024, 6, 30)


class ServiceClassTests(TestCase):
    def test_the_replay_classes_its_arrays_as_the_plan_classes_the_sales(self):
        merchant = factories.MerchantFactory()
        location = factories.LocationFactory(merchant=merchant)
        days = 120
        values = np.zeros((4, days))
        values[0] = 10.0  # most of the revenue, steady: AX
        values[1, ::2] = 4.0  # a steady-ish tenth of it: B, weekly units vary little
        values[2, ::28] = 5.0  # lumpy and small: CZ
        # the fourth sells nothing in the last 91 days (only before them): CZ, unclassed
        values[3, :20] = 2.0
        price = np.array([10.0, 3.0, 1.0, 1.0])
        skus = [factories.SKUFactory(merchant=merchant, code=f"C{row}") for row in range(4)]
        for row, sku in enumerate(skus):
            for day in np.flatnonzero(values[row]):
                units = Decimal(str(values[row, day]))
                factories.SalesDayFactory(
                    merchant=merchant, sku=sku, location=location,
                    date=END - dt.timedelta(days=days - 1 - int(day)), units=units,
                    revenue=units * Decimal(str(price[row])),
                )  # fmt: skip
        with tenant_context(merchant):
            from_sales = positions.service_classes(merchant, END)
        from_arrays = service.classes_of_panel(values, price, days)
        self.assertEqual(
            {sku.pk: from_sales.get(sku.pk, service.NO_CLASS) for sku in skus},
            {sku.pk: str(found) for sku, found in zip(skus, from_arrays, strict=True)},
        )
        self.assertEqual(list(from_arrays), ["AX", "BX", "CZ", "CZ"])

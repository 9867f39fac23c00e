"""Alerts worth reading: the money each puts at risk (worked out by hand below), the store's
minimum value, the largest first in the inbox, the API and the digest, and stock-outs grouped
by supplier with their total."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import numpy as np
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting.models import ForecastRun, SeriesForecast
from forecasting.quantiles import LEVELS
from planning import alerts, digest
from planning.models import Alert, PlanningSettings
from tests.factories import (
    LocationFactory,
    MerchantFactory,
    SalesDayFactory,
    SKUFactory,
    StockLevelFactory,
    SupplierFactory,
    SupplierItemFactory,
    UserFactory,
    api_token_secret,
    issued_token,
    member,
)

X = "\N{MULTIPLICATION SIGN}"
END = dt.date(2024, 6, 30)  # the run's last day of history: the window starts on 1 July


class MoneyAtRiskTests(TestCase):
    """Flat forecasts (every quantile the same), so that every drawn demand path is exactly
    the daily figure and the money at risk can be worked out by hand."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(currency="GBP")
        cls.location = LocationFactory(merchant=cls.merchant)
        cls.acme = SupplierFactory(merchant=cls.merchant, name="Acme")
        # price 5, the supplier's cost 2 (the SKU's own 2.10 comes second): margin 3
        cls.mug = SKUFactory(merchant=cls.merchant, code="MUG", unit_price=Decimal("5"))
        SupplierItemFactory(
            merchant=cls.merchant, sku=cls.mug, supplier=cls.acme, unit_cost=Decimal("2")
        )

    def night(self, stock: dict, per_day: dict) -> alerts.AlertCounts:
        for sku, on_hand in stock.items():
            StockLevelFactory(
                merchant=self.merchant, sku=sku, location=self.location, on_hand=on_hand
            )
        with tenant_context(self.merchant):
            run = ForecastRun.objects.create(
                merchant=self.merchant, status=ForecastRun.Status.SUCCEEDED, history_end=END,
                horizon=28, finished_at=timezone.now(),
            )  # fmt: skip
            for sku, daily in per_day.items():
                SeriesForecast.objects.create(
                    merchant=self.merchant, run=run, sku=sku, location=self.location,
                    first_date=END + dt.timedelta(days=1), model="flat", path_correlation=0.0,
                    quantiles=SeriesForecast.pack(np.full((len(LEVELS), 28), daily)),
                )  # fmt: skip
            return alerts.alerts_refresh(merchant=self.merchant, run=run)

    def alert(self, sku, kind) -> Alert:
        with tenant_context(self.merchant):
            return Alert.objects.for_merchant(self.merchant).get(
                sku=sku, kind=kind, state=Alert.State.OPEN
            )

    def test_a_stock_out_puts_the_margin_of_the_units_short_at_risk(self):
        self.night({self.mug: 65}, {self.mug: 10.0})
        alert = self.alert(self.mug, Alert.Kind.STOCK_OUT)
        # 14 days of 10 ask 140; 65 in stock run out on day 7 (70 > 65), 7 July, leaving the
        # 8 days from 7 to 14 July short by 140 - 65 = 75 units, each losing 5 - 2 = 3
        self.assertEqual(alert.details["date"], "2024-07-07")
        self.assertEqual(alert.money_at_risk, Decimal("225.00"))
        self.assertEqual(alert.money_basis, f"75 units short over 8 days {X} £3.00 margin")
        self.assertEqual(alert.supplier_id, self.acme.pk)

    def test_without_a_cost_the_price_is_at_risk_and_the_basis_says_so(self):
        jug = SKUFactory(merchant=self.merchant, unit_price=Decimal("4.50"), unit_cost=None)
        self.night({jug: 100}, {jug: 12.0})
        alert = self.alert(jug, Alert.Kind.STOCK_OUT)
        # 12 a day: 100 last until day 9 (108 > 100), 9 July; 168 - 100 = 68 short x 4.50
        self.assertEqual(alert.money_at_risk, Decimal("306.00"))
        self.assertEqual(
            alert.money_basis, f"68 units short over 6 days {X} £4.50 price, no cost known"
        )
        self.assertIsNone(alert.supplier_id)

    def test_overstock_puts_the_capital_beyond_the_limit_at_risk(self):
        self.night({self.mug: 2000}, {self.mug: 1.0})
        alert = self.alert(self.mug, Alert.Kind.OVERSTOCK)
        # 120 days of 1 a day is the limit: 2000 - 120 = 1880 units beyond it, at a cost of 2
        self.assertEqual(alert.money_at_risk, Decimal("3760.00"))
        self.assertEqual(alert.money_basis, f"1,880 units over the limit {X} £2.00 cost")

    def test_alerts_worth_less_than_the_minimum_are_not_raised(self):
        jug = SKUFactory(merchant=self.merchant, code="JUG", unit_price=None)
        with tenant_context(self.merchant):
            PlanningSettings.objects.create(
                merchant=self.merchant, alert_minimum_value=Decimal("250")
            )
        # the mug's stock-out is worth 225 (above); the jug has no price, so no value: raised
        counts = self.night({self.mug: 65, jug: 0}, {self.mug: 10.0, jug: 1.0})
        self.assertEqual((counts.opened, counts.below_minimum), (1, 1))
        self.assertEqual(self.alert(jug, Alert.Kind.STOCK_OUT).money_basis, "")
        with tenant_context(self.merchant):
            PlanningSettings.objects.for_merchant(self.merchant).update(
                alert_minimum_value=Decimal("200")
            )
        counts = self.night({self.mug: 65, jug: 0}, {self.mug: 10.0, jug: 1.0})
        self.assertEqual((counts.opened, counts.updated, counts.below_minimum), (1, 1, 0))
        self.assertEqual(self.alert(self.mug, Alert.Kind.STOCK_OUT).money_at_risk, 225)
        # with 80 in stock the mug is 60 short over 6 days: 180, below 200, and it closes
        counts = self.night({self.mug: 80, jug: 0}, {self.mug: 10.0, jug: 1.0})
        self.assertEqual((counts.resolved, counts.below_minimum), (1, 1))

    def test_the_default_minimum_holds_back_small_alerts(self):
        self.assertEqual(PlanningSettings().alert_minimum_value, Decimal("20"))
        # 136 in stock: day 14 runs out (140 > 136), 4 units short x 3 = 12, below 20
        counts = self.night({self.mug: 136}, {self.mug: 10.0})
        self.assertEqual((counts.opened, counts.below_minimum), (0, 1))


class BiasMoneyTests(TestCase):
    def test_a_forecast_running_low_puts_the_margin_of_its_miss_at_risk(self):
        merchant = MerchantFactory(currency="EUR")
        location = LocationFactory(merchant=merchant)
        sku = SKUFactory(merchant=merchant, unit_price=Decimal("5"), unit_cost=Decimal("2.10"))
        StockLevelFactory(merchant=merchant, sku=sku, location=location, on_hand=500)
        with tenant_context(merchant):
            for back in range(20, -1, -1):
                history_end = END - dt.timedelta(days=back)
                run = ForecastRun.objects.create(
                    merchant=merchant, status=ForecastRun.Status.SUCCEEDED,
                    history_end=history_end, horizon=28, finished_at=timezone.now(),
                )  # fmt: skip
                spread = np.linspace(0.5, 1.5, len(LEVELS))[:, None] * 10.0  # median 10
                SeriesForecast.objects.create(
                    merchant=merchant, run=run, sku=sku, location=location,
                    first_date=history_end + dt.timedelta(days=1), model="flat",
                    quantiles=SeriesForecast.pack(np.repeat(spread, 28, axis=1)),
                )  # fmt: skip
                if back:
                    SalesDayFactory(
                        merchant=merchant, sku=sku, location=location, units=14, revenue=70,
                        date=history_end + dt.timedelta(days=1),
                    )  # fmt: skip
            alerts.alerts_refresh(merchant=merchant, run=run)
            alert = Alert.objects.for_merchant(merchant).get(kind=Alert.Kind.BIAS)
        # 14 sold against a median of 10 on each of 20 days: 4 a day low, over the next 14
        # days at a margin of 5 - 2.10 = 2.90: 4 x 14 x 2.90
        self.assertEqual(alert.money_at_risk, Decimal("162.40"))
        self.assertEqual(
            alert.money_basis, f"forecast 4 units a day too low {X} 14 days {X} €2.90 margin"
        )


def stored_alerts(merchant, location, rows) -> dict[str, Alert]:
    """Alerts as a refresh stores them: (code, kind, money, supplier) per row."""
    made = {}
    with tenant_context(merchant):
        for code, kind, money, supplier in rows:
            sku = SKUFactory(merchant=merchant, code=code) if code else None
            made[code or kind] = Alert.objects.create(
                merchant=merchant, kind=kind, sku=sku, location=location if sku else None,
                money_at_risk=Decimal(money), supplier=supplier,
                money_basis=f"{code} basis" if Decimal(money) else "",
            )  # fmt: skip
    return made


class LargestFirstTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="shop", name="Corner Shop", timezone="Europe/London")
        cls.owner = member(cls.merchant, role=Role.OWNER, user=UserFactory(email="o@x.test"))
        location = LocationFactory(merchant=cls.merchant, code="SHOP")
        cls.acme = SupplierFactory(merchant=cls.merchant, name="Acme")
        cls.bolt = SupplierFactory(merchant=cls.merchant, name="Bolt")
        stock_out, overstock = Alert.Kind.STOCK_OUT, Alert.Kind.OVERSTOCK
        cls.made = stored_alerts(
            cls.merchant,
            location,
            [
                ("A1", stock_out, "100.00", cls.acme),
                ("B1", stock_out, "120.00", cls.bolt),
                ("A2", stock_out, "50.00", cls.acme),
                ("N1", stock_out, "30.00", None),
                ("O1", overstock, "40.00", None),
                ("O2", overstock, "900.00", None),
                (None, Alert.Kind.STALE_DATA, "0", None),
            ],
        )
        cls.token = api_token_secret(cls.merchant, role=Role.VIEWER, actor=cls.owner)

    def test_the_inbox_groups_stock_outs_by_supplier_with_their_totals(self):
        self.client.force_login(self.owner)
        page = self.client.get(reverse("planning:alerts", args=["shop"]))
        groups = [
            (group.supplier_name, group.count, group.total, [a.sku.code for a in group.alerts])
            for group in page.context["groups"]
        ]
        self.assertEqual(
            groups,
            [
                ("Acme", 2, Decimal("150.00"), ["A1", "A2"]),
                ("Bolt", 1, Decimal("120.00"), ["B1"]),
                ("No supplier", 1, Decimal("30.00"), ["N1"]),
            ],
        )
        # the other alerts, largest first; the unvalued stale data last
        self.assertEqual(
            [a.sku.code if a.sku else a.kind for a in page.context["alerts"]],
            ["O2", "O1", "stale_data"],
        )
        self.assertContains(page, "<strong>£150.00</strong> at risk", html=False)
        self.assertContains(page, "<details", count=3)

    def test_ungrouped_the_inbox_lists_every_alert_largest_first(self):
        self.client.force_login(self.owner)
        url = reverse("planning:alerts", args=["shop"])
        page = self.client.get(url, {"group": "off"})
        self.assertEqual(page.context["groups"], [])
        self.assertEqual(
            [a.sku.code if a.sku else a.kind for a in page.context["alerts"]],
            ["O2", "B1", "A1", "A2", "O1", "N1", "stale_data"],
        )
        self.assertContains(page, "7 alerts, most money at risk first")

    def test_the_api_lists_the_largest_first_and_keeps_its_orderings(self):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}
        response = self.client.get(reverse("alert-list"), **headers)
        rows = response.json()["results"]
        self.assertEqual(
            [(row["sku"], row["money_at_risk"]) for row in rows[:3]],
            [("O2", "900.0000"), ("B1", "120.0000"), ("A1", "100.0000")],
        )
        self.assertEqual(rows[1]["supplier"], self.bolt.code)
        self.assertEqual(rows[1]["money_basis"], "B1 basis")
        # a page at a time, cursors hold across equal and falling values
        first = self.client.get(reverse("alert-list"), {"page_size": 4}, **headers).json()
        second = self.client.get(first["next"], **headers).json()
        codes = [row["sku"] or row["kind"] for row in first["results"] + second["results"]]
        self.assertEqual(codes, ["O2", "B1", "A1", "A2", "O1", "N1", "stale_data"])
        by_id = self.client.get(reverse("alert-list"), {"ordering": "id"}, **headers).json()
        self.assertEqual(
            [row["id"] for row in by_id["results"]], sorted(a.pk for a in self.made.values())
        )

    def test_the_digest_leads_with_the_largest(self):
        now = dt.datetime(2024, 7, 2, 8, 30, tzinfo=dt.UTC)
        with self.captureOnCommitCallbacks(execute=True), tenant_context(self.merchant):
            self.assertEqual(digest.digest_send(merchant=self.merchant, now=now), 1)
        (email,) = mail.outbox
        # 100 + 120 + 50 + 30 + 40 + 900
        self.assertEqual(email.subject, "Corner Shop: 7 open alerts, £1,240.00 at risk")
        lines = [line for line in email.body.splitlines() if line.startswith("- ")]
        self.assertTrue(lines[0].startswith("- £900.00 at risk (O2 basis): Overstock: O2"))
        self.assertEqual([line.split(": ")[2].split()[0] for line in lines[:6]],
                         ["O2", "B1", "A1", "A2", "O1", "N1"])  # fmt: skip
        self.assertTrue(lines[6].startswith("- Stale data"))


class MinimumValueSettingTests(TestCase):
    def test_the_settings_page_and_api_show_and_change_the_minimum_as_money(self):
        merchant = MerchantFactory(slug="shop")
        owner = member(merchant, role=Role.OWNER)
        self.client.force_login(owner)
        page = self.client.get(reverse("planning:settings", args=["shop"]))
        self.assertContains(page, "Raise alerts worth at least (GBP)")
        self.assertContains(page, 'name="alert_minimum_value" value="20.00"', html=False)
        token = issued_token(merchant, role=Role.OWNER, actor=owner)
        response = self.client.patch(
            reverse("planning-settings"),
            json.dumps({"alert_minimum_value": "7.5"}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token.secret}",
        )
        self.assertEqual(response.json()["alert_minimum_value"], "7.5000")
        with tenant_context(merchant):
            stored = PlanningSettings.objects.for_merchant(merchant).get()
        self.assertEqual(stored.alert_minimum_value, Decimal("7.5"))

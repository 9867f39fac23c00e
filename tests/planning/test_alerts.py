"""Alerts from forecast runs (projected stock-out, overstock, demand anomaly, forecast bias)
and from the merchant's data and jobs (stale data, failed jobs); the merchant's actions."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import numpy as np
from django.test import TestCase
from django.utils import timezone

from accounts.errors import DomainError
from accounts.tenancy import tenant_context
from forecasting import selectors as forecasting_selectors
from forecasting.models import ForecastRun, SeriesForecast
from forecasting.quantiles import LEVELS
from planning import alert_causes, alerts
from planning.models import Alert
from tests import factories

END = dt.date(2024, 6, 30)
# What alerts may say: SKU-level aggregates, never anything about a customer.
ALLOWED = {
    "date", "probability", "lost_units", "lost_revenue", "days_of_cover", "excess_units",
    "capital", "actual_units", "expected_units", "interval", "direction", "days",
    "days_outside", "forecast_median_units", "last_data_at", "jobs",
}  # fmt: skip


class RunsMixin:
    """Nightly runs with flat forecasts: quantiles from 0.5x to 1.5x ``per_day`` each day
    (so the 98% interval of 10 a day is 5 to 15, its 10th to 90th percentile 7.1 to 12.9)."""

    def forecast_run(self, history_end: dt.date, per_day: dict, horizon: int = 56) -> ForecastRun:
        with tenant_context(self.merchant):
            run = ForecastRun.objects.create(
                merchant=self.merchant,
                status=ForecastRun.Status.SUCCEEDED,
                history_end=history_end,
                horizon=horizon,
                finished_at=timezone.now(),
            )
            for sku, daily in per_day.items():
                spread = np.linspace(0.5, 1.5, len(LEVELS))[:, None] * daily
                SeriesForecast.objects.create(
                    merchant=self.merchant, run=run, sku=sku, location=self.location,
                    first_date=history_end + dt.timedelta(days=1), model="transformer+tsb@0.85",
                    quantiles=SeriesForecast.pack(np.repeat(spread, horizon, axis=1)),
                )  # fmt: skip
        return run

    def refresh(self, run: ForecastRun) -> alerts.AlertCounts:
        with tenant_context(self.merchant):
            return alerts.alerts_refresh(merchant=self.merchant, run=run)

    def alerts(self, kind: str | None = None) -> list[Alert]:
        with tenant_context(self.merchant):
            found = Alert.objects.for_merchant(self.merchant).order_by("id")
            return list(found.filter(kind=kind) if kind else found)

    def sold(self, sku, day: dt.date, units: float, **fields) -> None:
        factories.SalesDayFactory(
            merchant=self.merchant, sku=sku, location=self.location, date=day, units=units,
            revenue=units * 5, **fields,
        )  # fmt: skip


class StockAlertTests(RunsMixin, TestCase):
    """A projected stock-out opens an alert and closes when stock arrives; overstock too."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant = factories.MerchantFactory()
        cls.location = factories.LocationFactory(merchant=cls.merchant)
        cls.sku = factories.SKUFactory(merchant=cls.merchant, code="MUG", unit_price=Decimal("5"))
        factories.SupplierItemFactory(merchant=cls.merchant, sku=cls.sku, unit_cost=Decimal("2"))

    def night(self, on_hand: float, per_day: float = 10.0) -> alerts.AlertCounts:
        factories.StockLevelFactory(
            merchant=self.merchant, sku=self.sku, location=self.location, on_hand=on_hand
        )
        return self.refresh(self.forecast_run(END, {self.sku: per_day}))

    def test_a_stock_out_alert_opens_and_closes_when_stock_arrives(self):
        self.assertEqual(self.night(on_hand=65).opened, 1)  # six and a half days of demand
        (alert,) = self.alerts()
        self.assertEqual((alert.kind, alert.state), ("stock_out", "open"))
        self.assertEqual(alert.details["date"], "2024-07-07")  # the 7th day runs out
        # every drawn day is at least the lowest quantile (5), so 14 days ask at least 70:
        # more than the 65 in stock on every path
        self.assertEqual(alert.details["probability"], 1.0)
        # so the units lost are the mean 14-day demand less the stock: 14 x 10 x 1.00078 (the
        # mean of the quantile function, worked out in the overstock test) - 65 = 75.1; the
        # 500 drawn paths put about 1.5 units of noise on it
        self.assertAlmostEqual(alert.details["lost_units"], 14 * 10 * 1.00078 - 65, delta=4)
        self.assertAlmostEqual(alert.details["lost_revenue"], 5 * alert.details["lost_units"], 1)
        self.assertLessEqual(set(alert.details), ALLOWED)
        with tenant_context(self.merchant):
            Alert.objects.for_merchant(self.merchant).update(state=Alert.State.ACKNOWLEDGED)
        self.assertEqual(self.night(on_hand=50).updated, 1)  # still short: one alert
        self.assertEqual(self.alerts()[0].state, "acknowledged")
        self.assertEqual(self.night(on_hand=400).resolved, 1)  # stock arrived
        self.assertEqual([a.state for a in self.alerts()], ["resolved"])
        self.night(on_hand=10)  # short again: a new alert, the old one stays resolved
        self.assertEqual([a.state for a in self.alerts()], ["resolved", "open"])

    def test_stock_promised_to_customers_does_not_cover_demand(self):
        factories.StockLevelFactory(
            merchant=self.merchant, sku=self.sku, location=self.location, on_hand=200,
            committed=145,
        )  # fmt: skip
        self.refresh(self.forecast_run(END, {self.sku: 10.0}))
        (alert,) = self.alerts()
        self.assertEqual(alert.kind, "stock_out")  # 55 available: five and a half days
        self.assertEqual(alert.details["date"], "2024-07-06")

    def test_overstock_shows_the_capital_tied_up(self):
        self.night(on_hand=2000, per_day=1.0)
        (alert,) = self.alerts()
        self.assertEqual(alert.kind, "overstock")
        # By hand, the mean of the forecast's quantile function (1 a day, 0.5 to 1.5 over the
        # 15 levels): symmetric about 1 between the 1% and 99% levels (0.98 x 1), held flat at
        # 0.5 below the 1% level, and above the 99% level 1.5 plus the scale of the exponential
        # tail fitted to the top two quantiles, (1.5 - 1.4286) / log(0.025 / 0.01).
        daily = 0.98 * 1.0 + 0.01 * 0.5 + 0.01 * (1.5 + (1 / 14) / math.log(2.5))  # 1.00078
        self.assertAlmostEqual(alert.details["days_of_cover"], 2000 / daily, delta=0.05)
        # beyond 120 days of that demand the stock is excess, tying up its unit cost of 2
        self.assertAlmostEqual(alert.details["excess_units"], 2000 - 120 * daily, delta=0.005)
        self.assertAlmostEqual(alert.details["capital"], (2000 - 120 * daily) * 2, delta=0.01)
        self.assertLessEqual(set(alert.details), ALLOWED)


class ForecastAlertTests(RunsMixin, TestCase):
    """Yesterday's demand outside the 98% interval forecast for it is an anomaly; demand
    that keeps landing above the forecast's 90th percentile is bias."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant = factories.MerchantFactory()
        cls.location = factories.LocationFactory(merchant=cls.merchant)
        cls.sku = factories.SKUFactory(merchant=cls.merchant, code="MUG", unit_price=Decimal("5"))
        cls.steady = factories.SKUFactory(
            merchant=cls.merchant, code="CUP", unit_price=Decimal("5")
        )
        for sku in (cls.sku, cls.steady):  # enough stock: no stock-out or overstock alerts
            factories.StockLevelFactory(
                merchant=cls.merchant, sku=sku, location=cls.location, on_hand=500
            )

    def test_the_values_of_one_day_are_read_from_the_packed_forecasts(self):
        run = self.forecast_run(END, {self.sku: 10.0})
        with tenant_context(self.merchant):
            (forecast,) = SeriesForecast.objects.for_merchant(self.merchant).filter(run=run)
            values = forecasting_selectors.quantiles_on_day(
                merchant=self.merchant, run=run, day=END + dt.timedelta(days=3), levels=[0, 7, 14]
            )
        expected = forecast.array()[[0, 7, 14], 2]
        np.testing.assert_allclose(values[(self.sku.pk, self.location.pk)], expected)
        np.testing.assert_allclose(expected, [5.0, 10.0, 15.0], rtol=1e-6)

    def test_an_anomaly_opens_for_yesterday_and_closes_the_next_day(self):
        self.forecast_run(END - dt.timedelta(days=1), {self.sku: 10.0, self.steady: 10.0})
        self.sold(self.sku, END, 40)  # above 15
        self.sold(self.steady, END, 11)
        self.refresh(self.forecast_run(END, {self.sku: 10.0, self.steady: 10.0}))
        (alert,) = self.alerts("anomaly")
        self.assertEqual(alert.sku_id, self.sku.pk)
        self.assertEqual(
            {k: alert.details[k] for k in ("date", "actual_units", "direction")},
            {"date": END.isoformat(), "actual_units": 40.0, "direction": "above"},
        )
        self.assertEqual(alert.details["interval"], [5.0, 15.0])
        self.assertLessEqual(set(alert.details), ALLOWED)
        self.sold(self.sku, END + dt.timedelta(days=1), 9)
        self.sold(self.steady, END + dt.timedelta(days=1), 10)
        self.refresh(
            self.forecast_run(END + dt.timedelta(days=1), {self.sku: 10.0, self.steady: 10.0})
        )
        self.assertEqual([a.state for a in self.alerts("anomaly")], ["resolved"])

    def test_stock_out_days_and_days_without_data_are_no_anomaly(self):
        self.forecast_run(END - dt.timedelta(days=1), {self.sku: 10.0, self.steady: 10.0})
        self.refresh(self.forecast_run(END, {self.sku: 10.0, self.steady: 10.0}))  # nothing synced
        self.sold(self.sku, END + dt.timedelta(days=1), 0, stock_out=True)
        self.sold(self.steady, END + dt.timedelta(days=1), 10)
        self.refresh(
            self.forecast_run(END + dt.timedelta(days=1), {self.sku: 10.0, self.steady: 10.0})
        )
        self.assertEqual(self.alerts("anomaly"), [])

    def test_sustained_under_forecasting_is_bias(self):
        nights = 20
        for back in range(nights, 0, -1):
            history_end = END - dt.timedelta(days=back)
            self.forecast_run(history_end, {self.sku: 10.0, self.steady: 10.0})
            self.sold(self.sku, history_end + dt.timedelta(days=1), 14)  # above 12.9 each day
            self.sold(self.steady, history_end + dt.timedelta(days=1), 10 + back % 3 - 1)
        self.refresh(self.forecast_run(END, {self.sku: 10.0, self.steady: 10.0}))
        (alert,) = self.alerts("bias")
        self.assertEqual(alert.sku_id, self.sku.pk)
        self.assertEqual(
            {k: alert.details[k] for k in ("direction", "days", "days_outside")},
            {"direction": "under", "days": nights, "days_outside": nights},
        )
        self.assertEqual(alert.details["actual_units"], 14.0 * nights)
        self.assertLessEqual(set(alert.details), ALLOWED)

    def test_too_few_days_are_no_bias(self):
        for back in range(alert_causes.BIAS_MIN_DAYS - 1, 0, -1):
            history_end = END - dt.timedelta(days=back)
            self.forecast_run(history_end, {self.sku: 10.0})
            self.sold(self.sku, history_end + dt.timedelta(days=1), 14)
        self.refresh(self.forecast_run(END, {self.sku: 10.0}))
        self.assertEqual(self.alerts("bias"), [])


class MerchantAlertTests(RunsMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = factories.MerchantFactory(timezone="Europe/London")
        cls.location = factories.LocationFactory(merchant=cls.merchant)
        cls.sku = factories.SKUFactory(merchant=cls.merchant)

    def check(self, now: dt.datetime) -> alerts.AlertCounts:
        with tenant_context(self.merchant):
            return alerts.merchant_alerts_refresh(merchant=self.merchant, now=now)

    def test_stale_data_opens_after_the_set_days_and_closes_with_new_data(self):
        self.sold(self.sku, END, 3)
        now = timezone.now()
        self.assertEqual(self.check(now + dt.timedelta(days=2)).opened, 0)
        self.assertEqual(self.check(now + dt.timedelta(days=4)).opened, 1)
        (alert,) = self.alerts("stale_data")
        self.assertEqual((alert.sku_id, alert.details["days"]), (None, 4))
        self.assertEqual(self.check(now + dt.timedelta(days=5)).updated, 1)  # still one
        self.sold(self.sku, END + dt.timedelta(days=1), 3)
        self.assertEqual(self.check(timezone.now()).resolved, 1)

    def test_a_failed_job_alerts_until_the_next_run_of_its_kind_succeeds(self):
        with tenant_context(self.merchant):
            failed = ForecastRun.objects.create(
                merchant=self.merchant, status="failed", message="Out of memory."
            )
        self.check(timezone.now())
        (alert,) = self.alerts("failed_job")
        self.assertEqual(alert.details["jobs"][0]["id"], failed.pk)
        self.assertEqual(alert.details["jobs"][0]["message"], "Out of memory.")
        self.forecast_run(END, {})
        self.assertEqual(self.check(timezone.now()).resolved, 1)


class AlertActionTests(RunsMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = factories.MerchantFactory()
        cls.planner = factories.member(cls.merchant)
        cls.location = factories.LocationFactory(merchant=cls.merchant)
        cls.sku = factories.SKUFactory(merchant=cls.merchant)

    def setUp(self):
        factories.StockLevelFactory(
            merchant=self.merchant, sku=self.sku, location=self.location, on_hand=5
        )
        self.refresh(self.forecast_run(END, {self.sku: 10.0}))
        (self.alert,) = self.alerts()

    def act(self, action: str, until: dt.date | None = None) -> int:
        with tenant_context(self.merchant):
            return alerts.alerts_act(
                merchant=self.merchant, pks=[self.alert.pk], action=action, until=until,
                actor=self.planner,
            )  # fmt: skip

    def test_acknowledge_records_who(self):
        self.assertEqual(self.act("acknowledge"), 1)
        (alert,) = self.alerts()
        self.assertEqual((alert.state, alert.handled_by_id), ("acknowledged", self.planner.pk))

    def test_a_snooze_needs_a_later_day_and_ends_on_it(self):
        with self.assertRaisesMessage(DomainError, "after today"):
            self.act("snooze", until=timezone.localdate())
        until = timezone.localdate() + dt.timedelta(days=2)
        self.act("snooze", until=until)
        self.assertEqual(self.alerts()[0].state, "snoozed")
        self.refresh(self.forecast_run(until - dt.timedelta(days=1), {self.sku: 10.0}))
        self.assertEqual(self.alerts()[0].state, "snoozed")
        self.refresh(self.forecast_run(until, {self.sku: 10.0}))
        self.assertEqual(self.alerts()[0].state, "open")

    def test_resolving_by_hand_lets_the_next_check_open_a_new_alert(self):
        self.act("resolve")
        self.assertEqual(self.act("acknowledge"), 0)  # resolved alerts stay resolved
        self.refresh(self.forecast_run(END, {self.sku: 10.0}))
        self.assertEqual([a.state for a in self.alerts()], ["resolved", "open"])

    def test_an_unknown_action_is_refused(self):
        with self.assertRaisesMessage(DomainError, "Unknown action"):
            self.act("delete")


class AlertInboxPagesTests(TestCase):
    def test_the_inbox_pages_the_largest_first_and_keeps_its_filters(self):
        from unittest import mock

        from django.urls import reverse

        from planning.views import AlertsView

        merchant = factories.MerchantFactory(slug="shop")
        location = factories.LocationFactory(merchant=merchant)
        skus = [factories.SKUFactory(merchant=merchant, code=f"S{n}") for n in range(3)]
        with tenant_context(merchant):
            for n, sku in enumerate(skus):  # the newest is worth the least
                Alert.objects.create(
                    merchant=merchant, kind=Alert.Kind.OVERSTOCK, sku=sku, location=location,
                    opened_at=timezone.now() - dt.timedelta(days=n),
                    money_at_risk=Decimal(100 * n),
                )  # fmt: skip
        self.client.force_login(factories.member(merchant))
        url = reverse("planning:alerts", args=["shop"])
        with mock.patch.object(AlertsView, "page_size", 2):
            first = self.client.get(url, {"kind": "overstock"})
            second = self.client.get(url, {"kind": "overstock", "page": 2})
        self.assertEqual([a.sku.code for a in first.context["alerts"]], ["S2", "S1"])
        self.assertEqual([a.sku.code for a in second.context["alerts"]], ["S0"])
        self.assertContains(first, "3 alerts, most money at risk first")
        self.assertContains(first, "?kind=overstock&amp;page=2")

"""Forecast overrides flow into planning: reorder suggestions and stock alerts plan from the
forecast with the overrides in force (forecasting.selectors.run_forecasts), by the amounts
worked out by hand; an expired or ended override changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from django.test import TestCase
from django.utils import timezone

from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting import selectors as forecasting_selectors
from forecasting import services as forecasting_services
from forecasting.models import ForecastOverride
from forecasting.quantiles import LEVELS
from planning import alerts, outcomes, policy, services
from planning.models import Alert, PlanningSettings, ReorderSuggestion
from tests import factories
from tests.planning.reorder_support import short_sku


class OverrideMixin:
    def override(self, *, sku, kind: str, amount: str, **fields) -> ForecastOverride:
        """An override of ``kind`` and ``amount`` for the next 56 days (kept for 30)."""
        fields = {
            "end_date": self.today + dt.timedelta(days=55),
            "expires_on": self.today + dt.timedelta(days=30),
            **fields,
        }
        return factories.forecast_override(
            self.merchant, actor=self.planner, sku=sku, kind=kind, amount=Decimal(amount), **fields
        )

    def expire(self, override: ForecastOverride) -> None:
        with tenant_context(self.merchant):
            ForecastOverride.objects.for_merchant(self.merchant).filter(pk=override.pk).update(
                expires_on=self.today - dt.timedelta(days=1)
            )


class SuggestionOverrideTests(OverrideMixin, TestCase):
    """As tests/planning/test_services.py's plan: 20 on hand and 30 on order of SHORT, a 7-day
    lead time and review, packs of 12, ten a day for sure. The order arrives to an empty shelf
    and covers the review period: 7 x 10 = 70, six packs: 72. Fill rates per class: the
    store-wide allocation of a store of one SKU whose demand is certain is another matter."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.planner = factories.merchant_with(Role.PLANNER, review_period_days=7)
        cls.today = forecasting_selectors.merchant_today(cls.merchant)
        end = cls.today - dt.timedelta(days=1)
        cls.location = factories.LocationFactory(merchant=cls.merchant)
        cls.short = short_sku(cls.merchant, cls.location).sku
        factories.SalesDayFactory(
            merchant=cls.merchant, sku=cls.short, location=cls.location, date=end, units=10
        )
        with tenant_context(cls.merchant):
            services.planning_settings_update(
                merchant=cls.merchant,
                actor=None,
                service_policy=PlanningSettings.ServicePolicy.CLASSES,
            )

    def quantity(self) -> Decimal:
        """The quantity suggested from a new night's run (each run is planned once)."""
        night = factories.succeeded_run(
            self.merchant, history_end=self.today - dt.timedelta(days=1)
        )
        self.forecast = factories.series_forecast(
            self.merchant,
            night,
            self.short,
            self.location,
            np.full((len(LEVELS), 56), 10.0),
            first_date=self.today,
        )
        with tenant_context(self.merchant):
            services.reorder_suggestions_plan(merchant=self.merchant, run=night)
            (suggestion,) = ReorderSuggestion.objects.for_merchant(self.merchant).filter(
                status=ReorderSuggestion.Status.PROPOSED
            )
        return suggestion.quantity

    def test_without_an_override_the_model_forecast_orders_six_packs(self):
        self.assertEqual(self.quantity(), 72)

    def test_a_percent_override_scales_the_demand_planned_for(self):
        self.override(sku=self.short, kind="percent", amount="50")
        # 15 a day: the 50 in position still run out before the order comes; it covers
        # the review's 7 x 15 = 105 units, nine packs
        self.assertEqual(self.quantity(), 108)

    def test_a_value_override_sets_the_demand_planned_for(self):
        self.override(sku=self.short, kind="value", amount="20", location_id=self.location.pk)
        self.assertEqual(self.quantity(), 144)  # 7 x 20 = 140: twelve packs

    def test_an_override_for_days_after_the_order_cycle_changes_nothing(self):
        later = self.today + dt.timedelta(days=30)
        self.override(sku=self.short, kind="value", amount="20", start_date=later)
        self.assertEqual(self.quantity(), 72)

    def test_an_expired_or_ended_override_changes_nothing(self):
        expired = self.override(sku=self.short, kind="percent", amount="50")
        self.expire(expired)
        self.assertEqual(self.quantity(), 72)
        ended = self.override(sku=self.short, kind="percent", amount="50")
        self.assertEqual(self.quantity(), 108)
        forecasting_services.forecast_override_end(
            merchant=self.merchant, pk=ended.pk, actor=self.planner
        )
        self.assertEqual(self.quantity(), 72)

    def test_an_edited_line_is_worked_out_from_the_forecast_the_plan_read(self):
        self.override(sku=self.short, kind="value", amount="20")
        self.assertEqual(self.quantity(), 144)
        with tenant_context(self.merchant):
            (line,) = ReorderSuggestion.objects.for_merchant(self.merchant).filter(
                status=ReorderSuggestion.Status.PROPOSED
            )
            again = outcomes.outcome(line, line.quantity, paths=policy.PLAN_PATHS)
            # the planned quantity gives back the planned fill rate
            self.assertEqual(again.expected_fill_rate, line.expected_fill_rate)
            # six packs cover 72 of the 140 units the review asks at 20 a day (at the model's
            # 10 a day they would cover all 70)
            half = outcomes.outcome(line, Decimal("72"), paths=policy.PLAN_PATHS)
            self.assertAlmostEqual(float(half.expected_fill_rate), 72 / 140, delta=0.02)
            (rate,) = outcomes.fill_rates(
                self.merchant, [line], paths=policy.PLAN_PATHS
            ).values()  # fmt: skip
            self.assertEqual(rate, line.expected_fill_rate)

    def test_the_stored_forecast_is_not_rewritten(self):
        self.override(sku=self.short, kind="value", amount="20")
        self.quantity()
        with tenant_context(self.merchant):
            self.forecast.refresh_from_db()
        np.testing.assert_array_equal(self.forecast.array(), np.full((len(LEVELS), 56), 10.0))


class AlertOverrideTests(OverrideMixin, TestCase):
    """100 on hand of a SKU forecast at five a day (2.5 to 7.5): 14 days ask 70, rarely 100.
    A value of 20 a day makes every quantile four times the model's (10 to 30): 14 days
    ask at least 140, more than the stock on every path."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.planner = factories.merchant_with(Role.PLANNER)
        cls.today = forecasting_selectors.merchant_today(cls.merchant)
        cls.location = factories.LocationFactory(merchant=cls.merchant)
        cls.sku = factories.SKUFactory(merchant=cls.merchant, code="MUG", unit_price=Decimal("5"))
        factories.SupplierItemFactory(merchant=cls.merchant, sku=cls.sku, unit_cost=Decimal("2"))
        factories.StockLevelFactory(
            merchant=cls.merchant, sku=cls.sku, location=cls.location, on_hand=100
        )
        spread = np.linspace(0.5, 1.5, len(LEVELS))[:, None] * 5.0
        cls.night = factories.succeeded_run(
            cls.merchant,
            history_end=cls.today - dt.timedelta(days=1),
            finished_at=timezone.now(),
        )
        factories.series_forecast(
            cls.merchant,
            cls.night,
            cls.sku,
            cls.location,
            np.repeat(spread, 56, axis=1),
            first_date=cls.today,
        )

    def stock_outs(self) -> list[Alert]:
        with tenant_context(self.merchant):
            alerts.alerts_refresh(merchant=self.merchant, run=self.night)
            return list(
                Alert.objects.for_merchant(self.merchant).filter(
                    kind=Alert.Kind.STOCK_OUT, state=Alert.State.OPEN
                )
            )

    def test_alerts_see_the_override(self):
        self.assertEqual(self.stock_outs(), [])
        override = self.override(sku=self.sku, kind="value", amount="20")
        (alert,) = self.stock_outs()
        self.assertEqual(alert.details["probability"], 1.0)
        # units lost: the mean 14-day demand less the stock, 14 x 20 x 1.00078 (the mean of
        # the quantile function over its median, tests/planning/test_alerts.py) - 100 = 180.2;
        # the model's forecast would lose 14 x 5 x 1.00078 - 100 < 0. The 500 drawn paths put
        # a few units of noise on it.
        self.assertAlmostEqual(alert.details["lost_units"], 14 * 20 * 1.00078 - 100, delta=8)
        self.expire(override)
        self.assertEqual(self.stock_outs(), [])  # the cause went: the alert resolved

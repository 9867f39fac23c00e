"""The nightly chain: a successful forecast run queues planning, which writes suggestions and
explains the forecasts behind them; an older run is not planned from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

from django.test import override_settings
from kombu.exceptions import OperationalError as BrokerUnavailable

from accounts.tenancy import tenant_context
from forecasting import services as forecasting_services
from forecasting.models import ForecastRun, SeriesForecast
from forecasting.tasks import run_forecast_task
from planning.models import ReorderSuggestion
from planning.tasks import plan_after_forecast_task
from tests import factories
from tests.stores import OneLocationTestCase

START = dt.date(2024, 1, 1)


@override_settings(PLANNING_EXPLAIN_LIMIT=1)
class NightlyPlanningTests(OneLocationTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.empty = factories.SKUFactory(
            merchant=cls.merchant, code="EMPTY", unit_price=Decimal("4")
        )
        cls.stocked = factories.SKUFactory(
            merchant=cls.merchant, code="STOCKED", unit_price=Decimal("4")
        )
        for sku in (cls.empty, cls.stocked):
            factories.SupplierItemFactory(merchant=cls.merchant, sku=sku)
        factories.StockLevelFactory(
            merchant=cls.merchant, sku=cls.stocked, location=cls.location, on_hand=900
        )
        factories.sales_days(
            cls.merchant,
            skus=(cls.empty, cls.stocked),
            locations=[cls.location],
            dates=[START + dt.timedelta(days=day) for day in range(120)],
            units=lambda date: Decimal(6 + (date - START).days % 7),
            revenue=Decimal(24),
        )

    def run_night(self) -> ForecastRun:
        run = forecasting_services.forecast_run_create(merchant=self.merchant, horizon=28)
        run_forecast_task(merchant_id=self.merchant.pk, run_id=run.pk)
        return run

    def test_a_forecast_run_is_followed_by_its_suggestions_and_their_explanations(self):
        run = self.run_night()
        with tenant_context(self.merchant):
            suggestions = list(ReorderSuggestion.objects.for_merchant(self.merchant))
            explained = list(
                SeriesForecast.objects.for_merchant(self.merchant)
                .filter(run=run, explanation__isnull=False)
                .values_list("sku__code", flat=True)
            )
        self.assertEqual([s.sku_id for s in suggestions], [self.empty.pk])  # 900 units last
        (suggestion,) = suggestions
        self.assertEqual(suggestion.forecast_run_id, run.pk)
        self.assertGreater(suggestion.quantity, 0)
        # nothing on hand or on order: the whole order-up-to level is needed, and ordered in
        # whole packs of 6 (the supplier's terms), at least the MOQ of 12, less than a pack over
        self.assertEqual((suggestion.on_hand, suggestion.on_order), (0, 0))
        self.assertEqual(suggestion.needed, suggestion.order_up_to)
        self.assertEqual(suggestion.quantity % 6, 0)
        self.assertGreaterEqual(suggestion.quantity, max(suggestion.needed, 12))
        self.assertLess(suggestion.quantity - suggestion.needed, 6)
        self.assertEqual(explained, ["EMPTY"])

    def test_an_older_run_is_not_planned_from(self):
        older = self.run_night()
        newer = self.run_night()

        def proposed_from() -> list[int]:
            with tenant_context(self.merchant):
                rows = ReorderSuggestion.objects.for_merchant(self.merchant)
                return list(
                    rows.filter(status=ReorderSuggestion.Status.PROPOSED).values_list(
                        "forecast_run", flat=True
                    )
                )

        with tenant_context(self.merchant):
            before = ReorderSuggestion.objects.for_merchant(self.merchant).count()
        # one suggestion (EMPTY) per night; the newer one is proposed, the older superseded
        self.assertEqual(before, 2)
        self.assertEqual(proposed_from(), [newer.pk])
        self.assertEqual(plan_after_forecast_task(merchant_id=self.merchant.pk, run_id=older.pk), 0)
        with tenant_context(self.merchant):
            self.assertEqual(ReorderSuggestion.objects.for_merchant(self.merchant).count(), before)
        self.assertEqual(proposed_from(), [newer.pk])

    def test_with_the_broker_away_the_planning_runs_in_the_worker_that_made_the_run(self):
        # The run's follow-ups cannot be sent: no row would find them again, so they run here.
        unavailable = BrokerUnavailable("Error 111 connecting to 127.0.0.1:6379")
        with mock.patch(
            "celery.app.task.Task.delay", autospec=True, side_effect=unavailable
        ) as sent:
            run = self.run_night()
        self.assertTrue(sent.called)
        with tenant_context(self.merchant):
            suggestions = list(ReorderSuggestion.objects.for_merchant(self.merchant))
        self.assertEqual([s.forecast_run_id for s in suggestions], [run.pk])

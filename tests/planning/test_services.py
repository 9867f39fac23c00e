"""Reorder suggestions from a stored forecast run: the stock position from snapshots and open
purchase orders, the supplier's terms, the budget; decisions audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from django.test import TestCase

from accounts.errors import DomainError
from accounts.tenancy import tenant_context
from forecasting.models import ForecastRun, SeriesForecast
from forecasting.quantiles import LEVELS
from inventory.models import PurchaseOrder
from planning import services
from planning.models import Alert, Decision, ReorderSuggestion
from tests.factories import (
    LocationFactory,
    MerchantFactory,
    PurchaseOrderFactory,
    PurchaseOrderLineFactory,
    SalesDayFactory,
    SKUFactory,
    StockLevelFactory,
    SupplierItemFactory,
    member,
)

END = dt.date(2024, 6, 30)


class ReorderPlanTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(review_period_days=7)
        cls.planner = member(cls.merchant)
        cls.location = LocationFactory(merchant=cls.merchant)
        cls.short = SKUFactory(merchant=cls.merchant, code="SHORT", unit_price=Decimal("5"))
        cls.full = SKUFactory(merchant=cls.merchant, code="FULL", unit_price=Decimal("5"))
        cls.item = SupplierItemFactory(
            merchant=cls.merchant,
            sku=cls.short,
            lead_time_mean_days=Decimal("7"),
            lead_time_std_days=Decimal("0"),
            moq=Decimal("24"),
            pack_size=Decimal("12"),
            unit_cost=Decimal("2"),
        )
        SupplierItemFactory(
            merchant=cls.merchant, sku=cls.full, supplier=cls.item.supplier, unit_cost=Decimal("2")
        )
        old = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
        StockLevelFactory(
            merchant=cls.merchant, sku=cls.short, location=cls.location, on_hand=99, as_of=old
        )
        StockLevelFactory(merchant=cls.merchant, sku=cls.short, location=cls.location, on_hand=20)
        StockLevelFactory(merchant=cls.merchant, sku=cls.full, location=cls.location, on_hand=500)
        order = PurchaseOrderFactory(
            merchant=cls.merchant, supplier=cls.item.supplier, location=cls.location
        )
        PurchaseOrderLineFactory(
            merchant=cls.merchant,
            purchase_order=order,
            sku=cls.short,
            quantity_ordered=Decimal("40"),
            quantity_received=Decimal("10"),
        )
        received = PurchaseOrderFactory(
            merchant=cls.merchant,
            supplier=cls.item.supplier,
            location=cls.location,
            status=PurchaseOrder.Status.RECEIVED,
        )
        PurchaseOrderLineFactory(
            merchant=cls.merchant, purchase_order=received, sku=cls.short, quantity_ordered=500
        )
        for sku in (cls.short, cls.full):
            SalesDayFactory(
                merchant=cls.merchant, sku=sku, location=cls.location, date=END, units=10
            )
        cls.first_run = cls.forecast_run()

    @classmethod
    def forecast_run(cls) -> ForecastRun:
        with tenant_context(cls.merchant):
            run = ForecastRun.objects.create(
                merchant=cls.merchant, status=ForecastRun.Status.SUCCEEDED, history_end=END
            )
            for sku in (cls.short, cls.full):  # ten a day, with no doubt about it
                SeriesForecast.objects.create(
                    merchant=cls.merchant,
                    run=run,
                    sku=sku,
                    location=cls.location,
                    first_date=END + dt.timedelta(days=1),
                    model="ensemble",
                    quantiles=SeriesForecast.pack(np.full((len(LEVELS), 56), 10.0)),
                )
        return run

    def plan(self, run=None):
        with tenant_context(self.merchant):
            return services.reorder_suggestions_plan(
                merchant=self.merchant, run=run or self.first_run
            )

    def suggestions(self, **filters):
        with tenant_context(self.merchant):
            return list(ReorderSuggestion.objects.for_merchant(self.merchant).filter(**filters))

    def test_the_order_fills_the_gap_after_stock_and_open_orders_in_packs(self):
        result = self.plan()
        self.assertEqual(result.suggestions, 1)  # FULL has 50 days of stock
        (suggestion,) = self.suggestions()
        self.assertEqual(suggestion.sku_id, self.short.pk)
        self.assertEqual(suggestion.supplier_id, self.item.supplier_id)
        self.assertEqual(suggestion.on_hand, 20)  # the latest snapshot, not the older 99
        self.assertEqual(suggestion.on_order, 30)  # 40 ordered - 10 received; received POs out
        self.assertEqual(suggestion.order_up_to, 140)  # (7 + 7 days) x 10
        self.assertEqual(suggestion.needed, 90)
        self.assertEqual(suggestion.quantity, 96)  # 8 packs of 12
        self.assertEqual(suggestion.cost, Decimal("192"))
        self.assertEqual(suggestion.days_of_cover, Decimal("7.6"))  # (146 - 70) / 10

    def test_a_new_run_supersedes_proposed_suggestions_and_keeps_decided_ones(self):
        self.plan()
        (first,) = self.suggestions()
        with tenant_context(self.merchant):
            services.suggestions_approve(merchant=self.merchant, pks=[first.pk], actor=self.planner)
        self.plan(self.forecast_run())
        statuses = sorted(s.status for s in self.suggestions())
        self.assertEqual(statuses, ["approved", "proposed"])
        self.plan(self.forecast_run())
        statuses = sorted(s.status for s in self.suggestions())
        self.assertEqual(statuses, ["approved", "proposed", "superseded"])

    def test_the_budget_marks_what_does_not_fit(self):
        with tenant_context(self.merchant):
            settings = services.planning_settings(self.merchant)
            settings.budget = Decimal("100")
            settings.save()
        result = self.plan()
        self.assertEqual(result.cut_by_budget, 1)
        self.assertTrue(self.suggestions()[0].cut_by_budget)

    def test_decisions_are_audited_and_final(self):
        self.plan()
        (suggestion,) = self.suggestions()
        with tenant_context(self.merchant):
            edited = services.suggestion_quantity_set(
                merchant=self.merchant, pk=suggestion.pk, quantity=Decimal("50"), actor=self.planner
            )
            self.assertEqual(edited.quantity, 60)  # whole packs of 12
            with self.assertRaises(DomainError):
                services.suggestions_reject(
                    merchant=self.merchant, pks=[suggestion.pk], reason=" ", actor=self.planner
                )
            rejected = services.suggestions_reject(
                merchant=self.merchant,
                pks=[suggestion.pk],
                reason="Overstocked",
                actor=self.planner,
            )
            self.assertEqual(rejected, 1)
            with self.assertRaises(DomainError):
                services.suggestion_quantity_set(
                    merchant=self.merchant,
                    pk=suggestion.pk,
                    quantity=Decimal("12"),
                    actor=self.planner,
                )
            self.assertEqual(
                services.suggestions_approve(
                    merchant=self.merchant, pks=[suggestion.pk], actor=self.planner
                ),
                0,
            )
            log = list(
                Decision.objects.for_merchant(self.merchant).values_list("action", "changes")
            )
        self.assertEqual(
            log,
            [
                ("rejected", {"reason": "Overstocked"}),
                ("edited", {"quantity": ["96.000", "60.000"], "asked": "50"}),
            ],
        )

    def test_classes_by_revenue_and_variability(self):
        merchant = MerchantFactory()
        location = LocationFactory(merchant=merchant)
        big, small = SKUFactory(merchant=merchant), SKUFactory(merchant=merchant)
        for day in range(84):
            date = END - dt.timedelta(days=day)
            SalesDayFactory(
                merchant=merchant, sku=big, location=location, date=date, units=10, revenue=100
            )
            if day % 28 == 0:  # lumpy
                SalesDayFactory(
                    merchant=merchant, sku=small, location=location, date=date, units=5, revenue=5
                )
        with tenant_context(merchant):
            classes = services.service_classes(merchant, END)
        self.assertEqual(classes, {big.pk: "AX", small.pk: "CZ"})


class AlertTests(TestCase):
    """A projected stock-out opens an alert and closes when stock arrives; overstock too;
    alerts carry SKU-level aggregates only."""

    ALLOWED = {
        "date", "probability", "lost_units", "lost_revenue", "days_of_cover", "excess_units",
        "capital",
    }  # fmt: skip

    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory()
        cls.location = LocationFactory(merchant=cls.merchant)
        cls.sku = SKUFactory(merchant=cls.merchant, code="MUG", unit_price=Decimal("5"))
        SupplierItemFactory(merchant=cls.merchant, sku=cls.sku, unit_cost=Decimal("2"))

    def night(self, on_hand: float, per_day: float = 10.0) -> services.AlertCounts:
        StockLevelFactory(
            merchant=self.merchant, sku=self.sku, location=self.location, on_hand=on_hand
        )
        with tenant_context(self.merchant):
            run = ForecastRun.objects.create(
                merchant=self.merchant, status=ForecastRun.Status.SUCCEEDED, history_end=END
            )
            spread = np.linspace(0.5, 1.5, len(LEVELS))[:, None] * per_day
            SeriesForecast.objects.create(
                merchant=self.merchant,
                run=run,
                sku=self.sku,
                location=self.location,
                first_date=END + dt.timedelta(days=1),
                model="ensemble",
                quantiles=SeriesForecast.pack(np.repeat(spread, 56, axis=1)),
            )
            return services.alerts_refresh(merchant=self.merchant, run=run)

    def alerts(self):
        with tenant_context(self.merchant):
            return list(Alert.objects.for_merchant(self.merchant).order_by("id"))

    def test_a_stock_out_alert_opens_and_closes_when_stock_arrives(self):
        self.assertEqual(self.night(on_hand=65).opened, 1)  # six and a half days of demand
        (alert,) = self.alerts()
        self.assertEqual((alert.kind, alert.state), ("stock_out", "open"))
        self.assertEqual(alert.details["date"], "2024-07-07")  # the 7th day runs out
        self.assertGreater(alert.details["probability"], 0.9)
        self.assertAlmostEqual(alert.details["lost_units"], 140 - 65, delta=10)
        self.assertAlmostEqual(alert.details["lost_revenue"], 5 * alert.details["lost_units"], 1)
        self.assertLessEqual(set(alert.details), self.ALLOWED)
        with tenant_context(self.merchant):
            Alert.objects.for_merchant(self.merchant).update(state=Alert.State.ACKNOWLEDGED)
        self.assertEqual(self.night(on_hand=50).updated, 1)  # still short: one alert
        self.assertEqual(self.alerts()[0].state, "acknowledged")
        self.assertEqual(self.night(on_hand=400).resolved, 1)  # stock arrived
        self.assertEqual([a.state for a in self.alerts()], ["resolved"])
        self.night(on_hand=10)  # short again: a new alert, the old one stays resolved
        self.assertEqual([a.state for a in self.alerts()], ["resolved", "open"])

    def test_overstock_shows_the_capital_tied_up(self):
        self.night(on_hand=2000, per_day=1.0)
        (alert,) = self.alerts()
        self.assertEqual(alert.kind, "overstock")
        self.assertAlmostEqual(alert.details["days_of_cover"], 2000, delta=20)  # ~1 a day
        self.assertAlmostEqual(alert.details["capital"], (2000 - 120) * 2, delta=30)
        self.assertLessEqual(set(alert.details), self.ALLOWED)

"""Approving suggestions drafts purchase orders: one per supplier and location, on the
supplier's terms, added to while still a draft."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import TestCase

from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting.models import ForecastRun
from inventory import services as inventory_services
from inventory.models import PurchaseOrder, PurchaseOrderEvent
from planning import services
from planning.models import Decision, ReorderSuggestion
from tests import factories


class ApprovalDraftsOrdersTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.planner = factories.merchant_with(
            Role.PLANNER, currency="GBP", timezone="UTC"
        )
        cls.warehouse = factories.LocationFactory(merchant=cls.merchant, code="WH")
        cls.shop = factories.LocationFactory(merchant=cls.merchant, code="SHOP")
        cls.acme = factories.SupplierFactory(
            merchant=cls.merchant, code="ACME", email="orders@acme.example", currency="USD"
        )
        cls.bolt = factories.SupplierFactory(merchant=cls.merchant, code="BOLT")
        cls.mug, cls.jug, cls.cup, cls.pen = (
            factories.SKUFactory(merchant=cls.merchant, code=code, unit_cost=Decimal("9.99"))
            for code in ("MUG", "JUG", "CUP", "PEN")
        )
        # The supplier's terms, which the orders take (the suggestions' own are older).
        for sku, supplier, pack, moq, cost, lead in (
            (cls.mug, cls.acme, "6", "12", "2.50", "10"),
            (cls.jug, cls.acme, "4", "0", "3.00", "14.5"),
            (cls.cup, cls.bolt, "1", "0", None, "3"),
        ):
            factories.SupplierItemFactory(
                merchant=cls.merchant,
                sku=sku,
                supplier=supplier,
                pack_size=Decimal(pack),
                moq=Decimal(moq),
                unit_cost=None if cost is None else Decimal(cost),
                lead_time_mean_days=Decimal(lead),
            )
        cls.first_run = cls.forecast_run()

    @classmethod
    def forecast_run(cls) -> ForecastRun:
        with tenant_context(cls.merchant):
            return ForecastRun.objects.create(
                merchant=cls.merchant, status=ForecastRun.Status.SUCCEEDED
            )

    def suggest(self, sku, location, supplier, quantity, run=None) -> ReorderSuggestion:
        return factories.reorder_suggestion(
            self.merchant, run or self.first_run, sku, location, supplier, quantity=quantity
        )

    def order_lines(self, order: PurchaseOrder) -> list[tuple]:
        with tenant_context(self.merchant):
            return list(
                order.lines.order_by("sku__code").values_list(
                    "sku__code", "quantity_ordered", "unit_cost", "pack_size", "moq"
                )
            )

    def test_one_draft_per_supplier_and_location_on_the_suppliers_terms(self):
        picks = [
            self.suggest(self.mug, self.warehouse, self.acme, "20"),
            self.suggest(self.jug, self.warehouse, self.acme, "10"),
            self.suggest(self.mug, self.shop, self.acme, "30"),
            self.suggest(self.cup, self.warehouse, self.bolt, "7"),
            self.suggest(self.pen, self.warehouse, None, "5"),
        ]
        with tenant_context(self.merchant):
            approval = services.suggestions_order(
                merchant=self.merchant, pks=[s.pk for s in picks], actor=self.planner, via="test"
            )
            today = inventory_services.merchant_today(self.merchant)
            orders = {
                (order.supplier.code, order.location.code): order
                for order in PurchaseOrder.objects.for_merchant(self.merchant).select_related(
                    "supplier", "location"
                )
            }
            totals = {
                key: sum(line.cost for line in order.lines.all()) for key, order in orders.items()
            }
            linked = dict(
                ReorderSuggestion.objects.for_merchant(self.merchant).values_list(
                    "pk", "purchase_order__number"
                )
            )
            events = list(
                PurchaseOrderEvent.objects.for_merchant(self.merchant).values_list(
                    "action", "actor", "via"
                )
            )
        self.assertEqual((approval.approved, approval.without_supplier), (5, 1))
        self.assertEqual(len(approval.purchase_orders), 3)
        self.assertEqual(set(orders), {("ACME", "WH"), ("ACME", "SHOP"), ("BOLT", "WH")})
        self.assertEqual(
            {order.number for order in orders.values()}, {"SC-000001", "SC-000002", "SC-000003"}
        )
        acme_wh = orders[("ACME", "WH")]
        # MUG: 20 -> 24 (packs of 6, at least 12); JUG: 10 -> 12 (packs of 4)
        self.assertEqual(
            self.order_lines(acme_wh),
            [("JUG", Decimal("12"), Decimal("3.00"), Decimal("4"), Decimal("0")),
             ("MUG", Decimal("24"), Decimal("2.50"), Decimal("6"), Decimal("12"))],
        )  # fmt: skip
        self.assertEqual(totals[("ACME", "WH")], Decimal("96"))  # 24 x 2.50 + 12 x 3.00
        self.assertEqual(totals[("ACME", "SHOP")], Decimal("75"))  # 30 x 2.50
        # CUP's supplier item has no cost: the SKU's own (9.99) is used
        self.assertEqual(totals[("BOLT", "WH")], Decimal("69.93"))  # 7 x 9.99
        self.assertEqual(
            [(o.status, o.source, o.currency) for o in (acme_wh, orders[("BOLT", "WH")])],
            [("draft", "suggested", "USD"), ("draft", "suggested", "GBP")],
        )
        # the longest lead time of the order's lines, rounded up to a day (14.5 -> 15)
        self.assertEqual(acme_wh.expected_arrival, today + dt.timedelta(days=15))
        self.assertEqual(orders[("ACME", "SHOP")].expected_arrival, today + dt.timedelta(days=10))
        self.assertEqual(linked[picks[0].pk], acme_wh.number)
        self.assertIsNone(linked[picks[4].pk])  # no supplier: approved, on no order
        self.assertEqual(events, [("created", self.planner.pk, "test")] * 3)

    def test_a_later_approval_fills_the_same_draft_until_it_is_sent(self):
        first = self.suggest(self.jug, self.warehouse, self.acme, "10")
        with tenant_context(self.merchant):
            services.suggestions_approve(merchant=self.merchant, pks=[first.pk], actor=None)
        second = self.suggest(self.jug, self.warehouse, self.acme, "2", run=self.forecast_run())
        with tenant_context(self.merchant):
            approval = services.suggestions_order(
                merchant=self.merchant, pks=[second.pk], actor=self.planner
            )
            (order,) = approval.purchase_orders
            actions = list(order.events.order_by("pk").values_list("action", flat=True))
        self.assertEqual(order.number, "SC-000001")
        self.assertEqual(self.order_lines(order)[0][1], Decimal("16"))  # 12 + 2 -> 4 packs of 4
        self.assertEqual(actions, ["created", "lines_added"])
        with tenant_context(self.merchant):
            inventory_services.purchase_order_send(
                merchant=self.merchant, pk=order.pk, actor=self.planner, email=False
            )
        third = self.suggest(self.jug, self.warehouse, self.acme, "4", run=self.forecast_run())
        with tenant_context(self.merchant):
            approval = services.suggestions_order(
                merchant=self.merchant, pks=[third.pk], actor=self.planner
            )
        self.assertEqual([o.number for o in approval.purchase_orders], ["SC-000002"])

    def test_the_decision_names_the_order_and_decided_lines_are_not_ordered_twice(self):
        suggestion = self.suggest(self.mug, self.warehouse, self.acme, "12")
        with tenant_context(self.merchant):
            services.suggestions_order(
                merchant=self.merchant, pks=[suggestion.pk], actor=self.planner
            )
            again = services.suggestions_order(
                merchant=self.merchant, pks=[suggestion.pk], actor=self.planner
            )
            changes = Decision.objects.for_merchant(self.merchant).get().changes
            units = sum(
                line.quantity_ordered
                for order in PurchaseOrder.objects.for_merchant(self.merchant)
                for line in order.lines.all()
            )
        self.assertEqual((again.approved, again.purchase_orders), (0, []))
        self.assertEqual(changes, {"quantity": "12.000", "purchase_order": "SC-000001"})
        self.assertEqual(units, Decimal("12"))

"""The ERP sync API's order lines (daily sales, pseudonymised customers), stock-out days and
purchase orders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection

from accounts.tenancy import tenant_context
from inventory.models import OrderLine, PurchaseOrderLine, SalesDay
from tests.factories import MerchantFactory
from tests.inventory.api_support import ApiTestCase, order_line, purchase_order


class OrderLineTests(ApiTestCase):
    def setUp(self):
        self.seed_catalogue()

    def test_lines_become_daily_sales_with_distinct_customers(self):
        lines = [
            {
                "order_id": "536365",
                "ordered_at": "2024-05-01T09:00",
                "sku": "S0",
                "quantity": 6,
                "unit_price": "2.55",
                "customer_id": "17850",
                "country": "UK",
            },
            {
                "order_id": "536366",
                "ordered_at": "2024-05-01T23:30:00+00:00",
                "sku": "S0",
                "quantity": 4,
                "unit_price": "2.55",
                "customer_id": "17850",
            },
            {
                "order_id": "536367",
                "ordered_at": "2024-05-01T12:00",
                "sku": "S0",
                "quantity": 2,
                "unit_price": "2.55",
                "customer_id": "13047",
            },
            {
                "order_id": "C536368",
                "ordered_at": "2024-05-01T15:00",
                "sku": "S0",
                "quantity": -1,
                "unit_price": "2.55",
                "customer_id": "13047",
            },
        ]
        response = self.bulk("order-line", lines)
        self.assertEqual(response.status_code, 200, response.content)
        day = self.in_db(SalesDay, sku__code="S0")
        # 23:30 UTC is 00:30 on 2 May in London: that line is another day.
        self.assertEqual([d.date.isoformat() for d in day], ["2024-05-01", "2024-05-02"])
        first = day[0]
        self.assertEqual(
            (first.units, first.units_returned, first.customers),
            (Decimal("8"), Decimal("1"), 2),
        )
        self.assertEqual(first.revenue, Decimal("20.4000"))
        # Sending the same lines again changes nothing.
        again = self.bulk("order-line", lines).json()
        self.assertEqual(again["unchanged"], 4)
        self.assertEqual(self.in_db(SalesDay, sku__code="S0")[0].units, Decimal("8"))

    def test_raw_customer_ids_are_stored_nowhere(self):
        self.bulk("order-line", [order_line(customer_id="CUSTOMER-9911-SECRET")])
        line = self.in_db(OrderLine)[0]
        self.assertEqual(len(line.customer_hash), 64)
        self.assertNotIn("9911", line.customer_hash)
        with tenant_context(self.merchant), connection.cursor() as cursor:
            for model in (OrderLine, SalesDay):
                table = model._meta.db_table
                cursor.execute(f"SELECT * FROM {table}")
                self.assertNotIn("CUSTOMER-9911-SECRET", repr(cursor.fetchall()))
        listed = self.call("get", "order-line-list").content.decode()
        self.assertNotIn("CUSTOMER-9911", listed)
        self.assertNotIn(line.customer_hash, listed)

    def test_pseudonyms_differ_between_merchants(self):
        from inventory.ingest.pseudonyms import pseudonymise

        other = MerchantFactory()
        self.assertNotEqual(
            pseudonymise(key=self.merchant.customer_key, customer_id="17850"),
            pseudonymise(key=other.customer_key, customer_id="17850"),
        )

    def test_location_required_when_the_store_has_several(self):
        self.bulk("location", [{"code": "SHOP", "name": "Shop"}])
        response = self.bulk("order-line", [order_line()])
        self.assertEqual(response.status_code, 400)
        self.assertIn("several", response.json()["errors"][0]["detail"])


class StockOutTests(ApiTestCase):
    def test_zero_stock_days_are_flagged_before_and_after_sales_arrive(self):
        self.seed_catalogue()
        self.bulk(
            "stock-level",
            [
                {"sku": "S0", "location": "WH", "as_of": "2024-05-03T20:00", "on_hand": 0},
                {"sku": "S1", "location": "WH", "as_of": "2024-05-03T20:00", "on_hand": 5},
            ],
        )
        flagged = self.values(SalesDay, "sku__code", "date", "units", stock_out=True)
        self.assertEqual(flagged, [("S0", dt.date(2024, 5, 3), Decimal("0"))])
        self.bulk("sales-day", [{"sku": "S0", "location": "WH", "date": "2024-05-03", "units": 2}])
        day = self.in_db(SalesDay, sku__code="S0")[0]
        self.assertEqual((day.units, day.stock_out), (Decimal("2"), True))


class PurchaseOrderTests(ApiTestCase):
    def test_order_with_lines_then_resent_with_fewer_lines(self):
        self.seed_catalogue()
        self.bulk("supplier", [{"code": "SUP", "name": "Supplier"}])
        order = purchase_order(
            "PO-1",
            [{"sku": "S0", "quantity_ordered": 24}, {"sku": "S1", "quantity_ordered": 12}],
            expected_arrival="2024-05-15",
        )
        self.assertEqual(self.bulk("purchase-order", [order]).status_code, 200)
        order["lines"] = [{"sku": "S0", "quantity_ordered": 36}]
        response = self.bulk("purchase-order", [order]).json()
        self.assertEqual(response["lines"]["removed"], 1)
        lines = self.values(PurchaseOrderLine, "sku__code", "quantity_ordered")
        self.assertEqual(lines, [("S0", Decimal("36"))])
        listed = self.call("get", "purchase-order-list").json()["results"]
        self.assertEqual(
            listed[0]["lines"],
            [
                {
                    "sku": "S0",
                    "quantity_ordered": "36.000",
                    "quantity_received": "0.000",
                    "unit_cost": None,
                }
            ],
        )

    def test_bad_line_is_named_with_its_order(self):
        self.seed_catalogue()
        self.bulk("supplier", [{"code": "SUP", "name": "Supplier"}])
        order = purchase_order("PO-2", [{"sku": "NOPE", "quantity_ordered": 1}])
        response = self.bulk("purchase-order", [order])
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["errors"][0]["field"], "lines[0].sku")

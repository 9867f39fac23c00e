"""Every dated fact that becomes daily sales (sales, order lines, stock snapshots that flag
stock-out days) must fall inside the sales window, SALES_HISTORY_MAX_YEARS back to
SALES_FUTURE_MAX_DAYS ahead of the store's today, at every door (API bulk and single writes,
CSV imports): a date outside it is a row error naming the row and the field, and nothing of
the batch is written. Partition upkeep makes months only inside the window, whatever rows
already sit in the default partition."""

from __future__ import annotations

import datetime as dt
import unittest
from unittest import mock

from django.db import connection
from django.test import TestCase, override_settings
from django.utils import timezone

from accounts.tenancy import tenant_context
from inventory import partitions
from inventory.models import ImportJob, OrderLine, SalesDay, StockLevel
from tests import factories
from tests.inventory.api_support import ApiTestCase
from tests.stores import PlannerUploadsTestCase

NOW = dt.datetime(2026, 6, 30, 12, 0, tzinfo=dt.UTC)


class ApiSalesWindowTests(ApiTestCase):
    def setUp(self):
        self.seed_catalogue()
        self.today = timezone.now().date()

    def assertRowError(self, response, row: int, field: str, *words: str) -> None:
        self.assertEqual(response.status_code, 400, response.content)
        errors = [e for e in response.json()["errors"] if e["row"] == row and e["field"] == field]
        self.assertTrue(errors, response.json())
        for word in words:
            self.assertIn(word, errors[0]["detail"])

    def sale(self, day: str, sku: str = "S0") -> dict:
        return {"sku": sku, "location": "WH", "date": day, "units": 2}

    def test_a_bulk_with_a_sale_in_year_one_is_refused_whole(self):
        rows = [
            self.sale((self.today - dt.timedelta(days=3)).isoformat()),
            self.sale("0001-01-01", sku="S1"),
            self.sale("9999-12-31", sku="S2"),
        ]
        response = self.bulk("sales-day", rows)
        self.assertRowError(response, 1, "date", "20 years")
        self.assertRowError(response, 2, "date", "1 day ahead")
        self.assertEqual(response.json()["error_count"], 2)
        self.assertEqual(self.in_db(SalesDay), [])

    def test_a_single_sale_far_ahead_is_refused(self):
        far = (self.today + dt.timedelta(days=40)).isoformat()
        response = self.call("post", "sales-day-list", self.sale(far))
        self.assertRowError(response, 0, "date")
        self.assertEqual(self.in_db(SalesDay), [])

    def test_the_edges_of_the_window_are_inside(self):
        first = self.today.replace(year=self.today.year - 20)  # a 29 February has one too
        rows = [self.sale(first.isoformat()), self.sale(self.today.isoformat())]
        self.assertEqual(self.bulk("sales-day", rows).status_code, 200)
        before = first - dt.timedelta(days=1)
        self.assertRowError(self.bulk("sales-day", [self.sale(before.isoformat())]), 0, "date")

    @override_settings(SALES_HISTORY_MAX_YEARS=1, SALES_FUTURE_MAX_DAYS=0)
    def test_the_window_follows_the_settings(self):
        tomorrow = (self.today + dt.timedelta(days=2)).isoformat()
        old = (self.today - dt.timedelta(days=800)).isoformat()
        recent = (self.today - dt.timedelta(days=200)).isoformat()
        self.assertRowError(self.bulk("sales-day", [self.sale(tomorrow)]), 0, "date", "today")
        self.assertRowError(self.bulk("sales-day", [self.sale(old)]), 0, "date", "1 year")
        self.assertEqual(self.bulk("sales-day", [self.sale(recent)]).status_code, 200)

    @override_settings(SALES_FUTURE_MAX_DAYS=0)
    def test_today_is_the_stores_own(self):
        """At noon UTC on 30 June it is already 1 July in Kiribati (UTC+14)."""
        kiribati = factories.MerchantFactory(timezone="Pacific/Kiritimati")
        with tenant_context(kiribati):
            location = factories.LocationFactory(merchant=kiribati, code="WH")
            sku = factories.SKUFactory(merchant=kiribati, code="S0")
        from inventory.ingest.service import IngestRejected, ingest

        row = {"sku": sku.code, "location": location.code, "date": "2026-07-01", "units": 1}
        with mock.patch("django.utils.timezone.now", return_value=NOW):
            ingest(merchant=kiribati, resource_name="sales", rows=[row])
            with self.assertRaises(IngestRejected) as refused:
                ingest(
                    merchant=self.merchant, resource_name="sales", rows=[self.sale("2026-07-01")]
                )
        self.assertEqual(refused.exception.errors[0].field, "date")

    def test_order_lines_outside_the_window_are_refused_with_their_field(self):
        line = {
            "order_id": "1",
            "sku": "S0",
            "quantity": 1,
            "unit_price": "2.00",
        }
        rows = [
            {**line, "ordered_at": (self.today - dt.timedelta(days=1)).isoformat() + "T10:00"},
            {**line, "order_id": "2", "ordered_at": "0001-01-01T00:30:00+05:00"},
            {**line, "order_id": "3", "ordered_at": "9999-12-31T23:59:59-10:00"},
            {**line, "order_id": "4", "ordered_at": "1500-06-01T10:00"},
        ]
        response = self.bulk("order-line", rows)
        for row in (1, 2, 3):
            self.assertRowError(response, row, "ordered_at")
        self.assertEqual((self.in_db(OrderLine), self.in_db(SalesDay)), ([], []))

    def test_stock_snapshots_outside_the_window_are_refused(self):
        """A snapshot with no stock becomes a stock-out day of sales."""
        rows = [
            {"sku": "S0", "location": "WH", "on_hand": 0, "as_of": "0900-01-01T00:00:00Z"},
            {"sku": "S1", "location": "WH", "on_hand": 0, "as_of": "9000-01-01T00:00:00Z"},
        ]
        response = self.bulk("stock-level", rows)
        self.assertRowError(response, 0, "as_of")
        self.assertRowError(response, 1, "as_of")
        self.assertEqual((self.in_db(StockLevel), self.in_db(SalesDay)), ([], []))


class ImportSalesWindowTests(PlannerUploadsTestCase):
    def setUp(self):
        self.client.force_login(self.planner)

    def test_a_sales_file_with_one_row_outside_the_window_loads_nothing(self):
        today = timezone.now().date()
        content = (
            f"sku,location,date,units\nA1,WH,{today - dt.timedelta(days=2)},3\nA1,WH,1200-01-01,1\n"
        )
        job = self.portal_import(content, "sales")
        self.assertEqual(job.status, ImportJob.Status.FAILED, job.message)
        self.assertEqual([(e["line"], e["field"]) for e in job.errors], [(3, "date")])
        with tenant_context(self.merchant):
            self.assertFalse(SalesDay.objects.for_merchant(self.merchant).exists())

    def test_an_order_line_file_dated_far_ahead_loads_nothing(self):
        content = (
            "order_id,ordered_at,sku,location,quantity,unit_price\n"
            f"1,{timezone.now().date()}T09:00,A1,WH,1,2.00\n"
            "2,3024-01-01T09:00,A1,WH,1,2.00\n"
        )
        job = self.portal_import(content, "order-lines")
        self.assertEqual(job.status, ImportJob.Status.FAILED, job.message)
        self.assertEqual([(e["line"], e["field"]) for e in job.errors], [(3, "ordered_at")])
        with tenant_context(self.merchant):
            self.assertFalse(OrderLine.objects.for_merchant(self.merchant).exists())


@unittest.skipUnless(connection.vendor == "postgresql", "partitions are PostgreSQL's")
class PartitionWindowTests(TestCase):
    """Rows that predate the window (written before it existed, or straight to the table)
    stay in the default partition: upkeep never makes a month for them."""

    def setUp(self):
        self.merchant = factories.MerchantFactory()
        with tenant_context(self.merchant):
            self.sku = factories.SKUFactory(merchant=self.merchant)
            self.location = factories.LocationFactory(merchant=self.merchant)

    def sale(self, date: dt.date) -> None:
        with tenant_context(self.merchant):
            factories.SalesDayFactory(
                merchant=self.merchant, sku=self.sku, location=self.location, date=date
            )

    def partition_count(self) -> int:
        return len(partitions.partition_state().months)

    def test_upkeep_makes_months_only_inside_the_window(self):
        today = dt.date(2026, 11, 29)
        outside = [dt.date(1, 1, 1), dt.date(1500, 6, 3), dt.date(2003, 2, 1), dt.date(9999, 12, 1)]
        outside += [dt.date(2030, month, 1) for month in range(1, 13)]
        inside = dt.date(2019, 4, 10)
        for day in [*outside, inside]:
            self.sale(day)
        before = self.partition_count()

        report = partitions.ensure_sales_partitions(today=today)

        self.assertIn(dt.date(2019, 4, 1), report.created)
        for day in outside:
            self.assertNotIn(partitions.month_start(day), report.created)
        # the months ahead (at most MONTHS_AHEAD + 1) and the one month of history inside
        self.assertLessEqual(self.partition_count() - before, partitions.MONTHS_AHEAD + 2)
        waiting = partitions.default_partition_months()
        self.assertEqual(waiting, sorted({partitions.month_start(day) for day in outside}))
        self.assertEqual(report.outside_window, waiting)

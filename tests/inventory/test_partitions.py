"""The daily sales table partitioned by month (PostgreSQL): where rows land, the daily upkeep
that gives old months partitions of their own, and the rights of the application role."""

from __future__ import annotations

import datetime as dt
import io
import threading
import unittest
from decimal import Decimal

from django.core.management import call_command
from django.db import ProgrammingError, connection, connections, transaction
from django.test import TestCase

from accounts.tenancy import tenant_context
from inventory import partitions
from inventory.ingest.upsert import upsert
from inventory.models import SalesDay
from inventory.tasks import maintain_sales_partitions_task
from tests.factories import LocationFactory, MerchantFactory, SalesDayFactory, SKUFactory

TODAY = dt.date(2026, 11, 29)


def partition_of_rows(merchant) -> dict[dt.date, str]:
    with tenant_context(merchant), connection.cursor() as cursor:
        cursor.execute(
            "SELECT date, tableoid::regclass::text FROM inventory_salesday WHERE merchant_id = %s",
            [merchant.pk],
        )
        return dict(cursor.fetchall())


def partition_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT inhrelid::regclass::text FROM pg_inherits "
            "WHERE inhparent = 'inventory_salesday'::regclass"
        )
        return {row[0] for row in cursor.fetchall()}


@unittest.skipUnless(connection.vendor == "postgresql", "partitions are PostgreSQL's")
class SalesPartitionTests(TestCase):
    def setUp(self):
        self.merchant = MerchantFactory()
        with tenant_context(self.merchant):
            self.sku = SKUFactory(merchant=self.merchant)
            self.location = LocationFactory(merchant=self.merchant)

    def sale(self, date: dt.date, units: str = "3") -> SalesDay:
        with tenant_context(self.merchant):
            return SalesDayFactory(
                merchant=self.merchant,
                sku=self.sku,
                location=self.location,
                date=date,
                units=Decimal(units),
            )

    def test_the_table_is_partitioned_and_a_month_lands_in_its_partition(self):
        self.assertTrue(partitions.is_partitioned())
        this_month = partitions.month_start(dt.date.today())
        recent = self.sale(this_month + dt.timedelta(days=3))
        old = self.sale(dt.date(2010, 12, 6))
        landed = partition_of_rows(self.merchant)
        self.assertEqual(landed[recent.date], partitions.partition_name(this_month))
        self.assertEqual(landed[old.date], partitions.DEFAULT_PARTITION)

    def test_upkeep_moves_old_months_out_of_the_default_partition(self):
        rows = [self.sale(dt.date(2010, 12, day)) for day in (1, 15, 31)]
        rows += [self.sale(dt.date(2011, 1, 2), units="7")]
        before = {row.pk: row.units for row in rows}

        report = partitions.ensure_sales_partitions(today=TODAY)

        self.assertIn(dt.date(2010, 12, 1), report.created)
        self.assertIn(dt.date(2011, 1, 1), report.created)
        self.assertEqual(report.rows_moved, 4)
        landed = partition_of_rows(self.merchant)
        self.assertEqual(landed[dt.date(2010, 12, 31)], "inventory_salesday_p2010_12")
        self.assertEqual(landed[dt.date(2011, 1, 2)], "inventory_salesday_p2011_01")
        self.assertEqual(partitions.default_partition_months(), [])
        with tenant_context(self.merchant):
            after = dict(SalesDay.objects.for_merchant(self.merchant).values_list("pk", "units"))
        self.assertEqual(after, before)  # same rows, same ids

        again = partitions.ensure_sales_partitions(today=TODAY)
        self.assertEqual((again.created, again.rows_moved), ([], 0))

    def test_upkeep_creates_the_months_ahead(self):
        far = dt.date(2031, 3, 1)
        partitions.ensure_sales_partitions(today=far)
        names = partition_names()
        for offset in range(partitions.MONTHS_AHEAD + 1):
            month = partitions.add_months(far, offset)
            self.assertIn(partitions.partition_name(month), names)
        self.assertNotIn(partitions.partition_name(partitions.add_months(far, 5)), names)

    def test_the_task_reports_what_it_did(self):
        self.sale(dt.date(2009, 7, 4))
        result = maintain_sales_partitions_task.apply().get()
        self.assertIn("2009-07-01", result["created"])
        self.assertEqual(result["rows_moved"], 1)

    def test_the_command_does_the_upkeep_now_and_says_what_it_did(self):
        self.sale(dt.date(2008, 2, 9))
        out = io.StringIO()
        call_command("maintain_sales_partitions", stdout=out)
        self.assertIn("2008-02", out.getvalue())
        self.assertIn("1 row moved", out.getvalue())
        self.assertEqual(partitions.default_partition_months(), [])

    def test_an_upsert_after_the_move_updates_the_row_in_its_partition(self):
        sale = self.sale(dt.date(2010, 12, 6))
        partitions.ensure_sales_partitions(today=TODAY)
        with tenant_context(self.merchant):
            counts = upsert(
                model=SalesDay,
                merchant_id=self.merchant.pk,
                key=["sku_id", "location_id", "date"],
                attributes=[
                    "sku_id",
                    "location_id",
                    "date",
                    "units",
                    "units_returned",
                    "revenue",
                    "on_promotion",
                    "stock_out",
                ],
                update=["units"],
                rows=[
                    (self.sku.pk, self.location.pk, sale.date, Decimal("11"), 0, 0, False, False)
                ],
            )
            rows = list(SalesDay.objects.for_merchant(self.merchant).values_list("pk", "units"))
        self.assertEqual(rows, [(sale.pk, Decimal("11"))])
        self.assertEqual((counts.created, counts.updated), (0, 1))

    def test_the_application_role_reaches_rows_only_through_the_table(self):
        self.sale(dt.date(2010, 12, 6))
        with self.assertRaises(ProgrammingError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM {partitions.DEFAULT_PARTITION}")
        other = MerchantFactory()
        # Row-level security still holds on the partitioned table.
        self.assertEqual(partition_of_rows(other), {})

    def test_a_month_whose_lock_is_busy_is_left_for_the_next_day(self):
        self.sale(dt.date(2010, 12, 6))
        holding, release = threading.Event(), threading.Event()

        def reader() -> None:
            # An open transaction that read the default partition holds a lock that moving a
            # month out of it must wait for.
            try:
                with transaction.atomic(), tenant_context(self.merchant):
                    list(SalesDay.objects.for_merchant(self.merchant).filter(date__year=2005))
                    holding.set()
                    release.wait(30)
            finally:
                connections.close_all()

        thread = threading.Thread(target=reader)
        thread.start()
        try:
            self.assertTrue(holding.wait(10))
            report = partitions.ensure_sales_partitions(today=TODAY)
        finally:
            release.set()
            thread.join()
        self.assertIn(dt.date(2010, 12, 1), report.skipped)
        self.assertNotIn(dt.date(2010, 12, 1), report.created)
        self.assertEqual(partition_of_rows(self.merchant)[dt.date(2010, 12, 6)],
                         partitions.DEFAULT_PARTITION)  # fmt: skip

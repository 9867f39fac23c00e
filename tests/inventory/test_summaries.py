"""The SKU summaries behind the catalogue list and the dashboard: built on first read, rebuilt
after a sync changes sales or stock, and left alone otherwise."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

from django.urls import reverse
from django.utils import timezone

from accounts.tenancy import tenant_context
from inventory.ingest.service import ingest
from inventory.models import SKU, CatalogueState, SkuSummary
from inventory.summaries import sku_summaries_refresh
from inventory.tasks import refresh_sku_summaries_task
from tests.factories import SupplierFactory, SupplierItemFactory, member
from tests.inventory.api_support import ApiTestCase


class SummaryTests(ApiTestCase):
    def setUp(self):
        self.seed_catalogue()
        self.client.force_login(member(self.merchant))

    def sync_sales(self, units: int, date: str = "2024-06-01") -> None:
        rows = [{"sku": f"S{i}", "location": "WH", "date": date, "units": units * (i + 1)}
                for i in range(3)]  # fmt: skip
        with self.captureOnCommitCallbacks(execute=True):  # the counter moves after the commit
            ingest(merchant=self.merchant, resource_name="sales", rows=rows)

    def listed(self, **params) -> dict[str, tuple]:
        page = self.client.get(reverse("inventory:sku_list", args=["shop"]), params)
        return {sku.code: (sku.units_28d, sku.on_hand) for sku in page.context["page"]}

    def test_a_sync_is_seen_on_the_next_page_and_nothing_is_rebuilt_without_one(self):
        self.sync_sales(2)
        self.assertEqual(self.listed()["S2"], (Decimal("6"), None))
        with tenant_context(self.merchant):
            self.assertFalse(sku_summaries_refresh(merchant=self.merchant))  # current
        self.sync_sales(5, date="2024-06-02")
        with self.captureOnCommitCallbacks(execute=True):
            ingest(merchant=self.merchant, resource_name="stock-levels", rows=[
                {"sku": "S1", "location": "WH", "on_hand": 40, "as_of": "2024-06-02T20:00:00Z"}
            ])  # fmt: skip
        self.assertEqual(self.listed(sort="-units_28d")["S2"], (Decimal("21"), None))  # 6 + 15
        self.assertEqual(self.listed()["S1"], (Decimal("14"), Decimal("40")))
        with tenant_context(self.merchant):
            state = CatalogueState.objects.for_merchant(self.merchant).get()
            self.assertEqual(state.summary_version, state.data_version)
            self.assertEqual(SkuSummary.objects.for_merchant(self.merchant).count(), 3)

    def test_pages_show_the_previous_figures_while_the_rebuild_is_queued(self):
        self.sync_sales(2)
        self.assertEqual(self.listed()["S2"], (Decimal("6"), None))
        with mock.patch.object(refresh_sku_summaries_task, "delay") as queued:
            self.sync_sales(5, date="2024-06-02")
        queued.assert_called_once_with(merchant_id=self.merchant.pk)
        page = self.client.get(reverse("inventory:sku_list", args=["shop"]))
        self.assertTrue(page.context["figures"].refreshing)
        self.assertContains(page, "Newer sales and stock are being added up")
        self.assertEqual(self.listed()["S2"], (Decimal("6"), None))  # not rebuilt by the page
        dashboard = self.client.get(reverse("inventory:dashboard", args=["shop"]))
        self.assertEqual(dashboard.context["overview"].units_28d, Decimal("12"))
        self.assertTrue(dashboard.context["overview"].figures.refreshing)

        self.assertTrue(
            refresh_sku_summaries_task.apply(kwargs={"merchant_id": self.merchant.pk}).get()
        )
        page = self.client.get(reverse("inventory:sku_list", args=["shop"]))
        self.assertFalse(page.context["figures"].refreshing)
        self.assertNotContains(page, "Newer sales and stock are being added up")
        self.assertEqual(self.listed()["S2"], (Decimal("21"), None))

    def test_a_page_rebuilds_when_the_queued_rebuild_is_overdue(self):
        self.sync_sales(2)
        self.listed()
        with mock.patch.object(refresh_sku_summaries_task, "delay"):  # the broker lost it
            self.sync_sales(5, date="2024-06-02")
        self.assertEqual(self.listed()["S2"], (Decimal("6"), None))
        overdue = timezone.now() - dt.timedelta(minutes=10)
        with tenant_context(self.merchant):
            CatalogueState.objects.for_merchant(self.merchant).update(changed_at=overdue)
        page = self.client.get(reverse("inventory:sku_list", args=["shop"]))
        self.assertFalse(page.context["figures"].refreshing)
        self.assertEqual(self.listed()["S2"], (Decimal("21"), None))

    def test_the_window_follows_the_latest_sales_day(self):
        self.sync_sales(1, date="2024-05-01")
        self.sync_sales(1, date="2024-06-01")  # 31 days later: the first day drops out
        self.assertEqual(self.listed()["S0"][0], Decimal("1"))

    def test_the_dashboard_sums_the_summaries(self):
        self.sync_sales(2)
        page = self.client.get(reverse("inventory:dashboard", args=["shop"]))
        self.assertEqual(page.context["overview"].units_28d, Decimal("12"))  # 2 + 4 + 6

    def test_supplier_filter(self):
        acme = SupplierFactory(merchant=self.merchant, name="Acme")
        with tenant_context(self.merchant):
            sku = self.in_db(SKU, code="S1")[0]
        SupplierItemFactory(merchant=self.merchant, sku=sku, supplier=acme)
        self.assertEqual(set(self.listed(supplier=acme.pk)), {"S1"})
        self.assertEqual(len(self.listed(supplier="999999")), 3)  # not theirs: ignored

"""The admin console: platform staff see every merchant; merchants' members never get in."""

from __future__ import annotations

from django.urls import reverse

from accounts.tenancy import tenant_context
from core.admin_jobs import CANCELLED_MESSAGE
from inventory.models import SKU
from tests.accounts.console_forms import sku_form
from tests.world import StaffAndTwoWorldsTestCase


class ConsoleTests(StaffAndTwoWorldsTestCase):
    def test_staff_list_every_merchants_skus_and_can_search(self):
        self.client.force_login(self.staff)
        response = self.client.get(reverse("admin:inventory_sku_changelist"))
        self.assertContains(response, "ALPHA-SKU")
        self.assertContains(response, "BETA-SKU")
        response = self.client.get(reverse("admin:inventory_sku_changelist"), {"q": "BETA"})
        self.assertContains(response, "BETA-SKU")
        self.assertNotContains(response, "ALPHA-SKU")

    def test_staff_open_a_tenant_object_and_edit_it_while_the_store_grants_access(self):
        from accounts import support_access

        self.client.force_login(self.staff)
        sku = self.b.objects[SKU]
        url = reverse("admin:inventory_sku_change", args=[sku.pk])
        self.assertContains(self.client.get(url), "BETA teapot")
        support_access.support_access_grant(merchant=self.b.merchant, days=1, actor=self.b.owner)
        response = self.client.post(url, sku_form(sku, self.b.merchant, "Renamed by support"))
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        with tenant_context(self.b.merchant):
            self.assertEqual(
                SKU.objects.for_merchant(self.b.merchant).get(pk=sku.pk).name,
                "Renamed by support",
            )

    def test_every_model_page_opens_for_staff(self):
        self.client.force_login(self.staff)
        from django.contrib import admin

        for model in admin.site._registry:
            info = (model._meta.app_label, model._meta.model_name)
            with self.subTest(model=model._meta.label):
                response = self.client.get(reverse("admin:{}_{}_changelist".format(*info)))
                self.assertEqual(response.status_code, 200)
                # the console's pages carry the service's icon (no request for /favicon.ico)
                self.assertContains(response, 'rel="icon" href="/static/img/shelfcast.svg"')

    def test_merchant_members_are_sent_to_the_console_sign_in(self):
        self.client.force_login(self.a.owner)
        response = self.client.get(reverse("admin:index"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("admin:login")))
        response = self.client.post(
            reverse("admin:login"),
            {"username": self.a.owner.email, "password": "correct-horse-battery-staple"},
        )
        self.assertEqual(response.status_code, 200)  # the form again, with an error
        self.assertContains(response, "staff account")

    def test_alert_statistics_pseudonymise_merchants(self):
        from planning.statistics import pseudonym

        self.client.force_login(self.staff)
        response = self.client.get(reverse("admin:planning_alertstatistics_changelist"))
        self.assertContains(response, pseudonym(self.a.merchant.pk))
        self.assertContains(response, pseudonym(self.b.merchant.pk))
        self.assertNotEqual(pseudonym(self.a.merchant.pk), pseudonym(self.b.merchant.pk))
        for world in (self.a, self.b):  # neither name, slug, SKUs nor the alert's figures
            for text in (world.merchant.name, f"/m/{world.merchant.slug}/", world.marker):
                self.assertNotContains(response, text)

    def test_service_health_counts_jobs_and_pseudonymises_merchants(self):
        from forecasting.models import ForecastRun
        from planning.statistics import pseudonym

        with tenant_context(self.a.merchant):
            ForecastRun.objects.create(merchant=self.a.merchant, status="failed", message="x")
            ForecastRun.objects.create(merchant=self.a.merchant, status="queued")
        self.client.force_login(self.staff)
        response = self.client.get(reverse("admin:planning_servicehealth_changelist"))
        self.assertEqual(response.status_code, 200)
        jobs = {job.label: job for job in response.context["jobs"]}
        self.assertEqual((jobs["Forecast runs"].failed, jobs["Forecast runs"].queued), (1, 1))
        stores = {store.pseudonym: store for store in response.context["merchants"]}
        self.assertEqual(stores[pseudonym(self.a.merchant.pk)].job_failures["Forecast runs"], 1)
        beta = stores.get(pseudonym(self.b.merchant.pk))
        self.assertEqual(beta.failed_jobs if beta else 0, 0)
        self.assertEqual([q.name for q in response.context["queues"]],
                         ["default", "ingest", "forecast", "gpu"])  # fmt: skip
        for world in (self.a, self.b):
            for text in (world.merchant.name, f"/m/{world.merchant.slug}/", world.marker):
                self.assertNotContains(response, text)

    def test_service_health_shows_the_sales_tables_months(self):
        import datetime as dt
        import unittest

        from django.db import connection

        from inventory import partitions
        from tests.factories import SalesDayFactory

        if connection.vendor != "postgresql":
            raise unittest.SkipTest("partitions are PostgreSQL's")
        with tenant_context(self.a.merchant):
            SalesDayFactory(merchant=self.a.merchant, date=dt.date(2009, 3, 4))
        self.client.force_login(self.staff)
        url = reverse("admin:planning_servicehealth_changelist")
        response = self.client.get(url)
        waiting = response.context["sales_table"].waiting
        self.assertIn(dt.date(2009, 3, 1), waiting)
        self.assertContains(response, f"{len(waiting)} months in the default partition</strong>")
        self.assertContains(response, "Mar 2009")
        partitions.ensure_sales_partitions()
        response = self.client.get(url)
        self.assertIn(dt.date(2009, 3, 1), response.context["sales_table"].months)
        self.assertEqual(response.context["sales_table"].waiting, [])
        self.assertContains(response, "No rows wait in the default partition.")
        self.assertContains(response, "Partitioned by month:")

    def test_failed_jobs_are_retried_and_queued_ones_cancelled(self):
        from unittest import mock

        from forecasting.models import ForecastRun

        with tenant_context(self.a.merchant):
            failed = ForecastRun.objects.create(
                merchant=self.a.merchant, status="failed", message="boom"
            )
            queued = ForecastRun.objects.create(merchant=self.a.merchant, status="queued")
        self.client.force_login(self.staff)
        url = reverse("admin:forecasting_forecastrun_changelist")
        with mock.patch("forecasting.tasks.run_forecast_task.delay") as delay:
            with self.captureOnCommitCallbacks(execute=True):
                self.client.post(
                    url,
                    {
                        "action": "retry",
                        "_selected_action": [failed.pk, queued.pk],
                        "post": "yes",
                        "reason": "Worker lost",
                    },
                )
        delay.assert_called_once_with(merchant_id=self.a.merchant.pk, run_id=failed.pk)
        self.client.post(
            url,
            {
                "action": "cancel",
                "_selected_action": [queued.pk],
                "post": "yes",
                "reason": "Duplicate",
            },
        )
        with tenant_context(self.a.merchant):
            failed.refresh_from_db()
            queued.refresh_from_db()
        self.assertEqual((failed.status, failed.message), ("queued", ""))
        self.assertEqual((queued.status, queued.message), ("failed", CANCELLED_MESSAGE))

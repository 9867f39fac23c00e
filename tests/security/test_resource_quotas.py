"""Per-merchant quotas on what every store shares: rows per request
(API_MAX_ROWS_PER_REQUEST), open imports (IMPORT_MAX_OPEN_JOBS), webhook endpoints
(WEBHOOK_MAX_ENDPOINTS) and series per forecast (FORECAST_MAX_SERIES). Each limit binds the
store that reached it, never another store."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting import engine
from forecasting import history as history_reads
from forecasting.models import ForecastChunk, ForecastRun, SeriesForecast
from inventory.models import SKU, ImportJob, Location, SalesDay
from planning.models import WebhookEndpoint
from tests import factories
from tests.api_calls import ApiCalls


@override_settings(API_MAX_ROWS_PER_REQUEST=3)
class RowsPerRequestTests(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.owner = factories.merchant_with(Role.OWNER, slug="shop")
        cls.token = factories.api_token_secret(cls.merchant, role=Role.PLANNER, actor=cls.owner)

    def bulk(self, count: int):
        rows = [{"code": f"N{n}", "name": f"Item {n}"} for n in range(count)]
        return self.call("post", reverse("sku-bulk"), rows, token=self.token)

    def codes(self) -> list[str]:
        with tenant_context(self.merchant):
            return sorted(SKU.objects.for_merchant(self.merchant).values_list("code", flat=True))

    def test_a_batch_past_the_limit_is_refused_naming_it(self):
        refused = self.bulk(4)
        self.assertEqual(refused.status_code, 400, refused.content)
        self.assertIn("at most 3 rows per request", refused.json()["errors"][0]["detail"])
        self.assertEqual(self.codes(), [])
        self.assertEqual(self.bulk(3).status_code, 200)
        self.assertEqual(self.codes(), ["N0", "N1", "N2"])

    def test_an_import_writes_in_batches_within_the_limit(self):
        self.client.force_login(self.owner)
        content = b"code,name\n" + b"".join(b"F%d,Item %d\n" % (n, n) for n in range(7))
        upload = self.client.post(
            reverse("inventory:data", args=["shop"]),
            {"resource": "skus", "file": SimpleUploadedFile("skus.csv", content)},
        )
        self.assertEqual(upload.status_code, 302)
        with tenant_context(self.merchant):
            job = ImportJob.objects.for_merchant(self.merchant).get()
        mapping = {f"map-{i}": job.mapping[column] for i, column in enumerate(job.header)}
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("inventory:import_detail", args=["shop", job.pk]), mapping)
        with tenant_context(self.merchant):
            job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.SUCCEEDED, job.message)
        self.assertEqual(len(self.codes()), 7)


@override_settings(IMPORT_MAX_OPEN_JOBS=2)
class OpenImportsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.planner = factories.merchant_with(Role.PLANNER, slug="shop-a")
        cls.other = factories.MerchantFactory(slug="shop-b")
        cls.other_planner = factories.member(cls.other, Role.PLANNER)

    def upload(self, slug="shop-a", user=None):
        self.client.force_login(user or self.planner)
        content = b"code,name\nA1,Item\n"
        return self.client.post(
            reverse("inventory:data", args=[slug]),
            {"resource": "skus", "file": SimpleUploadedFile("skus.csv", content)},
        )

    def jobs(self) -> list[ImportJob]:
        with tenant_context(self.merchant):
            return list(ImportJob.objects.for_merchant(self.merchant).order_by("pk"))

    def set_job(self, job: ImportJob, **fields):
        with tenant_context(self.merchant):
            ImportJob.objects.for_merchant(self.merchant).filter(pk=job.pk).update(**fields)

    def test_uploads_past_the_limit_are_refused_naming_it(self):
        self.assertEqual(self.upload().status_code, 302)
        self.assertEqual(self.upload().status_code, 302)
        refused = self.upload()
        self.assertEqual(refused.status_code, 400)
        self.assertContains(refused, "This store has 2 imports open", status_code=400)
        self.assertContains(refused, "may have at most 2 at once", status_code=400)
        self.assertEqual(len(self.jobs()), 2)
        # another store's imports are its own
        self.assertEqual(self.upload("shop-b", self.other_planner).status_code, 302)

    def test_queued_and_running_imports_count_finished_ones_do_not(self):
        self.upload()
        self.upload()
        first, second = self.jobs()
        self.set_job(first, status=ImportJob.Status.QUEUED)
        self.set_job(second, status=ImportJob.Status.RUNNING)
        self.assertEqual(self.upload().status_code, 400)
        self.set_job(second, status=ImportJob.Status.SUCCEEDED)
        self.assertEqual(self.upload().status_code, 302)

    def test_an_abandoned_upload_stops_counting_but_cannot_jump_the_queue(self):
        self.upload()
        self.upload()
        old, _recent = self.jobs()
        self.set_job(old, created_at=timezone.now() - dt.timedelta(days=2))
        self.assertEqual(self.upload().status_code, 302)  # the old one no longer counts
        mapping = {f"map-{i}": old.mapping[column] for i, column in enumerate(old.header)}
        refused = self.client.post(
            reverse("inventory:import_detail", args=["shop-a", old.pk]), mapping
        )
        self.assertContains(refused, "may have at most 2 at once", status_code=400)
        with tenant_context(self.merchant):
            old.refresh_from_db()
        self.assertEqual(old.status, ImportJob.Status.MAPPING)


@override_settings(WEBHOOK_MAX_ENDPOINTS=2)
class WebhookEndpointsTests(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.owner = factories.merchant_with(Role.OWNER, slug="shop-a")
        cls.token = factories.api_token_secret(
            cls.merchant, role=Role.OWNER, name="Admin", actor=cls.owner
        )
        other = factories.MerchantFactory(slug="shop-b")
        cls.other_token = factories.api_token_secret(other, role=Role.OWNER, name="Admin")

    def create(self, n: int, token=None):
        body = {"url": f"http://127.0.0.1:9/hook-{n}"}
        return self.call("post", reverse("webhook-endpoint-list"), body, token=token or self.token)

    def count(self) -> int:
        with tenant_context(self.merchant):
            return WebhookEndpoint.objects.for_merchant(self.merchant).count()

    def test_endpoints_past_the_limit_are_refused_naming_it(self):
        first = self.create(1)
        self.assertEqual(first.status_code, 201)
        self.assertEqual(self.create(2).status_code, 201)
        refused = self.create(3)
        self.assertEqual(refused.status_code, 400, refused.content)
        self.assertEqual(
            {key: refused.json()[key] for key in ("quota", "limit")},
            {"quota": "webhook_endpoints", "limit": 2},
        )
        self.assertIn("may have at most 2", refused.json()["detail"])
        self.assertEqual(self.count(), 2)
        self.assertEqual(self.create(1, token=self.other_token).status_code, 201)
        # deleting one makes room
        url = reverse("webhook-endpoint-detail", args=[first.json()["id"]])
        self.assertEqual(self.call("delete", url, token=self.token).status_code, 204)
        self.assertEqual(self.create(3).status_code, 201)

    def test_the_portal_says_so_too(self):
        self.create(1)
        self.create(2)
        self.client.force_login(self.owner)
        response = self.client.post(
            reverse("planning:webhooks", args=["shop-a"]),
            {"url": "http://127.0.0.1:9/hook-3"},
            follow=True,
        )
        self.assertContains(response, "may have at most 2")
        self.assertEqual(self.count(), 2)


class Reached(Exception):
    """The run got past its checks to reading the history."""


class SeriesPerForecastTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = factories.MerchantFactory()
        north, south = (
            factories.LocationFactory(merchant=cls.merchant),
            factories.LocationFactory(merchant=cls.merchant),
        )
        last = dt.date(2024, 6, 30)
        sold = [
            *(
                (factories.SKUFactory(merchant=cls.merchant), location)
                for location in (north, south)
            ),
            *(
                (factories.SKUFactory(merchant=cls.merchant), location)
                for location in (north, south)
            ),
        ]  # two SKUs at two locations each: four series
        inactive = factories.SKUFactory(merchant=cls.merchant, active=False)
        long_gone = factories.SKUFactory(merchant=cls.merchant)
        with tenant_context(cls.merchant):
            SalesDay.objects.bulk_create(
                [
                    *(
                        SalesDay(merchant=cls.merchant, sku=sku, location=location,
                                 date=last - dt.timedelta(days=day), units=Decimal(2))
                        for sku, location in sold for day in range(30)
                    ),
                    SalesDay(merchant=cls.merchant, sku=inactive, location=north, date=last,
                             units=Decimal(1)),
                    # before the FORECAST_HISTORY_DAYS a forecast reads
                    SalesDay(merchant=cls.merchant, sku=long_gone, location=north,
                             date=last - dt.timedelta(days=900), units=Decimal(1)),
                ]
            )  # fmt: skip

    def run_forecast(self) -> ForecastRun:
        with tenant_context(self.merchant):
            run = ForecastRun.objects.create(merchant=self.merchant, horizon=14)
        with mock.patch.object(history_reads, "load_history", side_effect=Reached):
            result = engine.forecast_run_execute(merchant=self.merchant, run_id=run.pk)
        self.assertEqual(result.pk, run.pk)
        return result

    def test_series_are_the_active_skus_at_each_location_with_recent_sales(self):
        with tenant_context(self.merchant):
            self.assertEqual(history_reads.series_count(self.merchant, at_most=100), 4)
            self.assertEqual(history_reads.series_count(self.merchant, at_most=2), 2)
            # ten (active SKU, location) pairs: up to ten each is looked up, past that the
            # sales rows are read for their distinct pairs; both find the four series
            self.assertEqual(history_reads.series_count(self.merchant, at_most=10), 4)
            self.assertEqual(history_reads.series_count(self.merchant, at_most=9), 4)

    def test_the_history_ends_on_the_last_sale_of_an_active_sku(self):
        with tenant_context(self.merchant):
            inactive = SKU.objects.for_merchant(self.merchant).get(active=False)
            # the store's very last sale is an inactive SKU's, a week after the others'
            SalesDay.objects.create(
                merchant=self.merchant, sku=inactive,
                location=Location.objects.for_merchant(self.merchant).first(),
                date=dt.date(2024, 7, 7), units=Decimal(1),
            )  # fmt: skip
            start = history_reads.history_start(self.merchant)
        days = settings.FORECAST_HISTORY_DAYS - 1
        self.assertEqual(start, dt.date(2024, 6, 30) - dt.timedelta(days=days))

    @override_settings(FORECAST_MAX_SERIES=3, FORECAST_CHUNK_SKUS=1)
    def test_a_store_past_the_limit_is_not_forecast_and_told_why(self):
        run = self.run_forecast()
        self.assertEqual(run.status, ForecastRun.Status.FAILED)
        self.assertIn("more than 3 series", run.message)
        self.assertIn("FORECAST_MAX_SERIES", run.message)
        with tenant_context(self.merchant):
            self.assertFalse(ForecastChunk.objects.for_merchant(self.merchant).exists())
            self.assertFalse(SeriesForecast.objects.for_merchant(self.merchant).exists())

    @override_settings(FORECAST_MAX_SERIES=4)
    def test_a_store_at_the_limit_is_forecast(self):
        with self.assertRaises(Reached):
            self.run_forecast()

"""Per-merchant quotas against noisy neighbours: one store cannot take more than its share of
what every store shares. Requests a minute per store across all its tokens and members
(API_MERCHANT_RATE_LIMIT, counted atomically, reported in RateLimit headers, 429 with
Retry-After), rows per request (API_MAX_ROWS_PER_REQUEST), open imports
(IMPORT_MAX_OPEN_JOBS), webhook endpoints (WEBHOOK_MAX_ENDPOINTS) and series per forecast
(FORECAST_MAX_SERIES). Each limit binds the store that reached it, never another store."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import uuid
from decimal import Decimal
from types import SimpleNamespace
from unittest import mock

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.api.throttling import FixedWindowRateThrottle, MerchantRateThrottle
from accounts.roles import Role
from accounts.services import api_token_create
from accounts.tenancy import tenant_context
from forecasting import engine
from forecasting import history as history_reads
from forecasting.models import ForecastChunk, ForecastRun, SeriesForecast
from inventory.models import SKU, ImportJob, SalesDay
from planning.models import WebhookEndpoint
from tests.factories import LocationFactory, MerchantFactory, SKUFactory, member
from tests.security.redis_cache import use_isolated_redis

# A cache of the tests' own: the counts never reach a shared Redis.
LOCAL_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "quota-tests",
    }
}
NOW = 1_800_000_000.0  # one instant for a test's requests: they never straddle two windows


class ApiClientMixin:
    def call(self, method, url, data=None, *, token=None, **extra):
        if token is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        if method == "get":
            return self.client.get(url, data or {}, **extra)
        return getattr(self.client, method)(
            url, json.dumps(data), content_type="application/json", **extra
        )


@override_settings(CACHES=LOCAL_CACHE)
class MerchantRateLimitTests(ApiClientMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="shop-a")
        cls.owner = member(cls.merchant, Role.OWNER)
        cls.erp = api_token_create(
            merchant=cls.merchant, name="ERP", role=Role.PLANNER, actor=cls.owner
        ).secret
        cls.bi = api_token_create(
            merchant=cls.merchant, name="BI", role=Role.VIEWER, actor=cls.owner
        ).secret
        other = MerchantFactory(slug="shop-b")
        cls.other_token = api_token_create(
            merchant=other, name="ERP", role=Role.PLANNER, actor=member(other, Role.OWNER)
        ).secret

    def setUp(self):
        cache.clear()
        self.clock = self.patch(FixedWindowRateThrottle, "timer", return_value=NOW)
        self.limits()

    def patch(self, target, attribute, new=mock.DEFAULT, **kwargs):
        patcher = mock.patch.object(target, attribute, new, **kwargs)
        self.addCleanup(patcher.stop)
        return patcher.start()

    def limits(self, *, merchant="3/minute", caller="100000/minute"):
        self.patch(FixedWindowRateThrottle, "THROTTLE_RATES", {"merchant": merchant, "api": caller})

    def skus(self, token=None, **extra):
        return self.call("get", reverse("sku-list"), token=token, **extra)

    def test_a_store_is_limited_across_all_its_tokens_and_members(self):
        self.client.force_login(self.owner)
        answers = [
            self.skus(self.erp),
            self.skus(self.bi),
            self.skus(HTTP_X_MERCHANT="shop-a"),  # the portal's own call, with the session
            self.skus(self.bi),
            self.skus(self.erp),
        ]
        self.assertEqual([answer.status_code for answer in answers], [200, 200, 200, 429, 429])
        # another store's requests are not counted with them
        self.assertEqual(self.skus(self.other_token).status_code, 200)

    def test_a_refusal_names_the_limit_and_when_to_retry(self):
        for _ in range(3):
            self.skus(self.erp)
        refused = self.skus(self.bi)
        self.assertEqual(refused.status_code, 429)
        body = refused.json()
        retry_after = int(refused["Retry-After"])
        self.assertTrue(1 <= retry_after <= 60, retry_after)
        self.assertEqual(
            {key: body[key] for key in ("type", "policy", "limit", "window_seconds")},
            {
                "type": "http://testserver/api/v1/problems/rate-limited/",
                "policy": "merchant",
                "limit": 3,
                "window_seconds": 60,
            },
        )
        self.assertEqual(body["retry_after_seconds"], retry_after)
        self.assertIn("this store (all its API tokens and members together)", body["detail"])
        self.assertIn("3 requests a minute", body["detail"])
        self.assertIn(f'"merchant";r=0;t={retry_after}', refused["RateLimit"])

    def test_every_answer_says_the_limits_and_what_is_left(self):
        first = self.skus(self.erp)
        self.assertEqual(first["RateLimit-Policy"], '"merchant";q=3;w=60, "caller";q=100000;w=60')
        pattern = r'"merchant";r=(\d+);t=(\d+), "caller";r=(\d+);t=(\d+)'
        self.assertEqual(re.fullmatch(pattern, first["RateLimit"]).group(1, 3), ("2", "99999"))
        # an error answer too: a SKU that does not exist
        missing = self.call("get", reverse("sku-detail", args=[999999]), token=self.bi)
        self.assertEqual(missing.status_code, 404)
        self.assertEqual(re.fullmatch(pattern, missing["RateLimit"]).group(1, 3), ("1", "99999"))
        seconds = int(re.fullmatch(pattern, first["RateLimit"]).group(2))
        self.assertTrue(1 <= seconds <= 60, seconds)

    def test_the_next_window_allows_again(self):
        for _ in range(4):
            self.skus(self.erp)
        self.assertEqual(self.skus(self.erp).status_code, 429)
        self.clock.return_value = NOW + 60
        self.assertEqual(self.skus(self.erp).status_code, 200)

    def test_each_caller_keeps_its_own_lower_limit(self):
        self.limits(merchant="100/minute", caller="2/minute")
        codes = [self.skus(self.erp).status_code for _ in range(3)]
        self.assertEqual(codes, [200, 200, 429])
        refused = self.skus(self.erp).json()
        self.assertEqual(refused["policy"], "caller")
        self.assertEqual(self.skus(self.bi).status_code, 200)  # the store's other token


BURST = 20  # requests of one store at once
QUOTA = 5


class ArriveTogether:
    """The cache, except that a request's first write of a count (``set``, ``incr``) waits
    until every request of the burst has reached one: each has read whatever it reads before
    any count changes, the widest race there is, every time, without sleeping. A count read
    and then written back lets every request of the burst through; one atomic increment
    numbers them 1, 2, 3 ..."""

    def __init__(self, real, parties: int):
        self._real = real
        self._barrier = threading.Barrier(parties, timeout=20)
        self._arrived = threading.local()

    def __getattr__(self, name):
        return getattr(self._real, name)

    def _arrive(self):
        if not getattr(self._arrived, "done", False):
            self._arrived.done = True
            self._barrier.wait()

    def set(self, *args, **kwargs):
        self._arrive()
        return self._real.set(*args, **kwargs)

    def incr(self, *args, **kwargs):
        self._arrive()
        return self._real.incr(*args, **kwargs)


class ConcurrentRequestsMixin:
    def test_a_burst_of_one_store_gets_exactly_its_quota(self):
        view = SimpleNamespace(merchant=SimpleNamespace(pk=uuid.uuid4().int % 10**9))
        allowed = []
        lock = threading.Lock()

        def request():
            throttle = MerchantRateThrottle()
            result = throttle.allow_request(SimpleNamespace(), view)
            with lock:
                allowed.append(result)

        threads = [threading.Thread(target=request) for _ in range(BURST)]
        with (
            mock.patch.object(
                MerchantRateThrottle, "THROTTLE_RATES", {"merchant": f"{QUOTA}/minute"}
            ),
            mock.patch.object(FixedWindowRateThrottle, "timer", return_value=NOW),
            mock.patch("accounts.api.throttling.cache", ArriveTogether(cache, BURST)),
        ):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        self.assertFalse(any(thread.is_alive() for thread in threads))
        self.assertEqual(len(allowed), BURST)
        self.assertEqual(allowed.count(True), QUOTA)


@override_settings(CACHES=LOCAL_CACHE)
class LocalMemoryConcurrencyTests(ConcurrentRequestsMixin, SimpleTestCase):
    def setUp(self):
        cache.clear()


class RedisConcurrencyTests(ConcurrentRequestsMixin, SimpleTestCase):
    """The same against the Redis that REDIS_URL names (as in CI), under a key prefix of its
    own that is deleted afterwards."""

    def setUp(self):
        use_isolated_redis(self, "quota-tests")


@override_settings(API_MAX_ROWS_PER_REQUEST=3)
class RowsPerRequestTests(ApiClientMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="shop")
        cls.owner = member(cls.merchant, Role.OWNER)
        cls.token = api_token_create(
            merchant=cls.merchant, name="ERP", role=Role.PLANNER, actor=cls.owner
        ).secret

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
        cls.merchant = MerchantFactory(slug="shop-a")
        cls.planner = member(cls.merchant, Role.PLANNER)
        cls.other = MerchantFactory(slug="shop-b")
        cls.other_planner = member(cls.other, Role.PLANNER)

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
class WebhookEndpointsTests(ApiClientMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="shop-a")
        cls.owner = member(cls.merchant, Role.OWNER)
        cls.token = api_token_create(
            merchant=cls.merchant, name="Admin", role=Role.OWNER, actor=cls.owner
        ).secret
        other = MerchantFactory(slug="shop-b")
        cls.other_token = api_token_create(
            merchant=other, name="Admin", role=Role.OWNER, actor=member(other, Role.OWNER)
        ).secret

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
        cls.merchant = MerchantFactory()
        north, south = (
            LocationFactory(merchant=cls.merchant),
            LocationFactory(merchant=cls.merchant),
        )
        last = dt.date(2024, 6, 30)
        sold = [
            *((SKUFactory(merchant=cls.merchant), location) for location in (north, south)),
            *((SKUFactory(merchant=cls.merchant), location) for location in (north, south)),
        ]  # two SKUs at two locations each: four series
        inactive = SKUFactory(merchant=cls.merchant, active=False)
        long_gone = SKUFactory(merchant=cls.merchant)
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

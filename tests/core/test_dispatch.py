"""Tasks sent while the broker is away: the request answers, the job stays queued, and the
sweep (`core.dispatch.redispatch_stranded`) sends it again later; the sweep sends only
jobs queued for long enough, never running or finished ones, and not at every sweep.

The broker is "away" for real: Celery sends to a port where nothing listens."""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from contextlib import contextmanager
from unittest import mock

from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase, TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tenancy import tenant_context
from config.celery import app
from core import dispatch
from forecasting.models import ForecastChunk, ForecastRun, TrainingRun
from inventory.models import ImportJob, SalesDay
from planning.models import PolicyReplay, WebhookDelivery, WebhookEndpoint
from tests.factories import (
    ImportJobFactory,
    LocationFactory,
    MerchantFactory,
    SKUFactory,
    member,
    merchants,
)

NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1
# The marks of the sweep's sends live in the cache: one of this test run's own.
LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SALES_CSV = "sku,location,date,units\nA1,WH,2024-05-01,3\nA1,WH,2024-05-02,4\nB2,WH,2024-05-01,1\n"


def _forget_broker_connections() -> None:
    """Drop the pooled connections, made for the broker URL in force until now (what Celery
    itself does after a fork)."""
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_at(url: str):
    """Tasks are sent to the broker at ``url`` (not run in-process) for the block. Celery
    prefers the CELERY_BROKER_URL environment variable to its configuration: both change."""
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = url, False
    _forget_broker_connections()
    try:
        with mock.patch.dict(os.environ, {"CELERY_BROKER_URL": url}):
            yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        _forget_broker_connections()


def sent(task_name: str, **kwargs) -> tuple:
    """A task sent with ``kwargs``, in the form the sweep tests compare."""
    return task_name, tuple(sorted(kwargs.items()))


def later(seconds: int = 1) -> dt.datetime:
    """A moment past the redispatch delay of a job queued now."""
    return timezone.now() + dt.timedelta(seconds=settings.CELERY_REDISPATCH_AFTER_SECONDS + seconds)


@override_settings(CACHES=LOCAL_CACHE)
class BrokerAwayTests(TransactionTestCase):
    """Requests with the broker away: on_commit runs inside the request here, as in
    production (ATOMIC_REQUESTS), so a send that raised would answer 500."""

    def setUp(self):
        cache.clear()
        self.merchant = MerchantFactory(slug="shop")
        self.owner = member(self.merchant, Role.OWNER)
        location = LocationFactory(merchant=self.merchant, code="WH")
        for code in ("A1", "B2"):
            SKUFactory(merchant=self.merchant, code=code)
        self.location = location
        self.browser = Client(raise_request_exception=False)
        self.browser.force_login(self.owner)

    def job(self) -> ImportJob:
        with tenant_context(self.merchant):
            return ImportJob.objects.for_merchant(self.merchant).latest("created_at")

    def sales_rows(self) -> int:
        with tenant_context(self.merchant):
            return SalesDay.objects.for_merchant(self.merchant).count()

    def test_an_import_queued_while_the_broker_is_away_runs_once_the_sweep_sends_it(self):
        upload = self.browser.post(
            reverse("inventory:data", args=["shop"]),
            {"resource": "sales", "file": SimpleUploadedFile("sales.csv", SALES_CSV.encode())},
        )
        self.assertEqual(upload.status_code, 302)
        job = self.job()
        mapping = {f"map-{i}": job.mapping.get(column, "") for i, column in enumerate(job.header)}
        detail = reverse("inventory:import_detail", args=["shop", job.pk])
        with broker_at(NOWHERE), self.assertLogs("core.dispatch", "WARNING") as logs:
            confirm = self.browser.post(detail, mapping)
            self.assertEqual(confirm.status_code, 302)  # not 500: the job row is committed
            self.assertEqual(confirm["Location"], detail)
            self.assertEqual(self.browser.get(detail).status_code, 200)
        self.assertIn("inventory.run_import_task", logs.output[0])
        self.assertEqual(self.job().status, ImportJob.Status.QUEUED)
        self.assertEqual(self.sales_rows(), 0)

        # The broker is back (tasks run in-process here); the sweep finds the job and sends it.
        self.assertEqual(dispatch.redispatch_stranded(now=timezone.now()), 0)  # not yet due
        self.assertEqual(dispatch.redispatch_stranded(now=later()), 1)
        self.assertEqual(self.job().status, ImportJob.Status.SUCCEEDED)
        self.assertEqual(self.sales_rows(), 3)
        self.assertEqual(dispatch.redispatch_stranded(now=later(3600)), 0)  # nothing queued
        self.assertEqual(self.sales_rows(), 3)

    def test_a_forecast_run_started_while_the_broker_is_away_stays_queued(self):
        with broker_at(NOWHERE), self.assertLogs("core.dispatch", "WARNING"):
            response = self.browser.post(reverse("forecasting:runs", args=["shop"]))
            self.assertEqual(response.status_code, 302)
        with tenant_context(self.merchant):
            run = ForecastRun.objects.for_merchant(self.merchant).get()
        self.assertEqual(run.status, ForecastRun.Status.QUEUED)
        with mock.patch("celery.app.task.Task.delay", autospec=True) as sent:
            self.assertEqual(dispatch.redispatch_stranded(now=later()), 1)
        task, *_ = sent.call_args.args
        self.assertEqual(task.name, "forecasting.run_forecast_task")
        self.assertEqual(sent.call_args.kwargs, {"merchant_id": self.merchant.pk, "run_id": run.pk})

    def test_an_invitation_made_while_the_broker_is_away_is_emailed_from_the_request(self):
        with broker_at(NOWHERE), self.assertLogs("core.dispatch", "WARNING") as logs:
            response = self.browser.post(
                reverse("members", args=["shop"]), {"email": "new@x.test", "role": Role.VIEWER}
            )
            self.assertEqual(response.status_code, 302)
        self.assertEqual([message.to for message in mail.outbox], [["new@x.test"]])
        link = re.search(r"/invitations?/([^/\s]+)/", mail.outbox[0].body)
        self.assertNotIn(link.group(1), " ".join(logs.output))  # the log names ids only

    def test_the_sweep_stops_while_the_broker_is_still_away_and_sends_later(self):
        with tenant_context(self.merchant):
            job = ImportJobFactory(merchant=self.merchant, status=ImportJob.Status.QUEUED)
        with broker_at(NOWHERE), self.assertLogs("core.dispatch", "WARNING"):
            self.assertEqual(dispatch.redispatch_stranded(now=later()), 0)
        with mock.patch("celery.app.task.Task.delay", autospec=True) as sent:
            self.assertEqual(dispatch.redispatch_stranded(now=later()), 1)  # not marked as sent
        self.assertEqual(sent.call_args.kwargs, {"merchant_id": self.merchant.pk, "job_id": job.pk})


@override_settings(CACHES=LOCAL_CACHE)
class SweepTests(TestCase):
    """Which jobs the sweep sends again, across merchants (row-level security on)."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant_a, cls.merchant_b = merchants("alpha", "beta")

    def setUp(self):
        cache.clear()
        self.old = timezone.now() - dt.timedelta(
            seconds=settings.CELERY_REDISPATCH_AFTER_SECONDS + 60
        )

    def aged(self, model, row, field: str = "created_at"):
        with tenant_context(row.merchant_id):
            model.objects.for_merchant(row.merchant_id).filter(pk=row.pk).update(
                **{field: self.old}
            )
        return row

    def import_job(self, merchant, status, *, old=True):
        job = ImportJobFactory(merchant=merchant, status=status)
        return self.aged(ImportJob, job, "updated_at") if old else job

    def run_row(self, model, merchant, status, *, old=True, **fields):
        with tenant_context(merchant):
            row = model.objects.create(merchant=merchant, status=status, **fields)
        return self.aged(model, row) if old else row

    def delivery(self, merchant, endpoint, **fields):
        with tenant_context(merchant):
            row = WebhookDelivery.objects.create(
                merchant=merchant, endpoint=endpoint, event="alert.opened",
                event_id=uuid.uuid4(), payload={}, **fields,
            )  # fmt: skip
        return self.aged(WebhookDelivery, row)

    def sweep(self, now=None) -> set[tuple]:
        with mock.patch("celery.app.task.Task.delay", autospec=True) as delay:
            count = dispatch.redispatch_stranded(now=now)
        calls = {sent(call.args[0].name, **call.kwargs) for call in delay.call_args_list}
        self.assertEqual(count, len(calls))
        return calls

    def test_only_jobs_queued_for_long_enough_are_sent_again_for_each_merchant(self):
        a, b = self.merchant_a, self.merchant_b
        queued, running, done = "queued", "running", "succeeded"
        stranded_import = self.import_job(a, ImportJob.Status.QUEUED)
        stranded_import_b = self.import_job(b, ImportJob.Status.QUEUED)
        self.import_job(a, ImportJob.Status.QUEUED, old=False)  # its task may be on its way
        self.import_job(a, ImportJob.Status.MAPPING)  # not queued yet: nothing to send
        self.import_job(a, ImportJob.Status.RUNNING)
        self.import_job(a, ImportJob.Status.SUCCEEDED)
        self.import_job(b, ImportJob.Status.FAILED)
        run = self.run_row(ForecastRun, b, queued)
        big_run = self.run_row(ForecastRun, a, running)
        self.run_row(ForecastRun, a, done)
        self.run_row(ForecastRun, b, queued, old=False)
        chunk = self.run_row(ForecastChunk, a, queued, run=big_run, number=0)
        self.run_row(ForecastChunk, a, running, run=big_run, number=1)
        self.run_row(ForecastChunk, a, done, run=big_run, number=2)
        training = self.run_row(TrainingRun, a, queued)
        self.run_row(TrainingRun, b, running)
        replay = self.run_row(PolicyReplay, b, queued)
        self.run_row(PolicyReplay, a, done)
        with tenant_context(a):
            endpoint = WebhookEndpoint.objects.create(
                merchant=a, url="https://hooks.example.com/a", secret="0" * 64
            )
        never_tried = self.delivery(a, endpoint)
        self.delivery(a, endpoint, attempts=1, next_attempt_at=timezone.now())  # a retry's own
        self.delivery(a, endpoint, status=WebhookDelivery.Status.DELIVERED, attempts=1)

        self.assertEqual(
            self.sweep(),
            {
                sent("inventory.run_import_task", merchant_id=a.pk, job_id=stranded_import.pk),
                sent("inventory.run_import_task", merchant_id=b.pk, job_id=stranded_import_b.pk),
                sent("forecasting.run_forecast_task", merchant_id=b.pk, run_id=run.pk),
                sent("forecasting.forecast_chunk_task", merchant_id=a.pk, chunk_id=chunk.pk),
                sent("forecasting.fine_tune_task", merchant_id=a.pk, run_id=training.pk),
                sent("planning.policy_replay_task", merchant_id=b.pk, replay_id=replay.pk),
                sent("planning.deliver_webhook_task", merchant_id=a.pk, delivery_id=never_tried.pk),
            },
        )

    def test_a_job_waiting_its_turn_is_sent_again_less_and_less_often(self):
        job = self.import_job(self.merchant_a, ImportJob.Status.QUEUED)
        after = dt.timedelta(seconds=settings.CELERY_REDISPATCH_AFTER_SECONDS)
        now = timezone.now()
        self.assertEqual(len(self.sweep(now)), 1)
        self.assertEqual(self.sweep(now + after), set())  # sent once: waits twice as long
        self.assertEqual(len(self.sweep(now + 2 * after)), 1)
        self.assertEqual(self.sweep(now + 5 * after), set())
        self.assertEqual(len(self.sweep(now + 6 * after)), 1)
        # Redis restarted: the queued tasks are gone and so are the marks; sent at once.
        cache.clear()
        self.assertEqual(
            self.sweep(now + 6 * after),
            {sent("inventory.run_import_task", merchant_id=self.merchant_a.pk, job_id=job.pk)},
        )

    def test_a_source_that_fails_does_not_stop_the_others(self):
        run = self.run_row(ForecastRun, self.merchant_a, "queued")
        sources = [f"{__name__}.broken_source", *settings.CELERY_REDISPATCH_SOURCES]
        with (
            override_settings(CELERY_REDISPATCH_SOURCES=sources),
            self.assertLogs("core.dispatch", "ERROR"),
        ):
            calls = self.sweep()
        self.assertEqual(
            calls,
            {sent("forecasting.run_forecast_task", merchant_id=self.merchant_a.pk, run_id=run.pk)},
        )


def broken_source(*, queued_before):
    raise RuntimeError("this app's table is away")

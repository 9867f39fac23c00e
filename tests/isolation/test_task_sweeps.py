"""The isolation suite for Celery tasks (see test_task_jobs.py): every task has a case, and
the sweeps over all merchants keep each store's work to its own rows."""

from __future__ import annotations

import datetime as dt
import uuid
from unittest import mock

import numpy as np
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from accounts import services as account_services
from accounts.models import IdempotencyRecord
from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting import embeddings
from forecasting.models import (
    ForecastRun,
    SeriesForecast,
    SkuEmbedding,
    TrainingRun,
)
from inventory.models import (
    CalendarEvent,
    ImportJob,
    SalesDay,
    StockLevel,
)
from planning.models import Alert, ReorderSuggestion, WebhookDelivery
from tests import factories
from tests.isolation.stores import LAST_DAY, Store, TwoStoresTestCase, foreign_references, scoped
from tests.isolation.task_cases import JOB_CASES, MERCHANT_CASES

# Sweeps over all merchants, and tasks addressed by a row that names its merchant: the test
# method of each.
SWEEP_TESTS = {
    "forecasting.nightly_forecasts_task": "test_nightly_forecasts_use_each_stores_own_data",
    "forecasting.weekly_fine_tune_task": "test_weekly_fine_tune_trains_each_store_on_its_own",
    "forecasting.embed_catalogues_task": "test_embedding_embeds_each_stores_own_skus",
    "planning.merchant_checks_task": "test_merchant_checks_write_to_each_store_alone",
    "accounts.purge_idempotency_records_task": "test_idempotency_purge_forgets_old_keys_of_each",
    "inventory.maintain_sales_partitions_task": "test_sales_partitioning_keeps_each_stores_sales",
    "inventory.extend_calendars_task": "test_calendar_extension_writes_each_stores_own_events",
    "core.redispatch_stranded_task": (
        "test_redispatch_sends_each_stores_stranded_jobs_with_its_own_merchant"
    ),
}
OTHER_TESTS: dict[str, str] = {}


class TaskIsolationTests(TwoStoresTestCase):
    # -- every task has a case -----------------------------------------------------------------
    def test_every_task_has_an_isolation_case(self):
        names = set(self.tasks)
        covered = set(JOB_CASES) | set(MERCHANT_CASES) | set(SWEEP_TESTS) | set(OTHER_TESTS)
        self.assertEqual(
            sorted(names - covered),
            [],
            "give these tasks a case in tests/isolation/task_cases.py or test_task_sweeps.py",
        )
        self.assertEqual(sorted(covered - names), [], "these cases name no registered task")
        for name, registered in self.tasks.items():
            if registered.is_merchant_job:
                self.assertIn(name, JOB_CASES, "a merchant and a row: a job case")
            elif registered.is_merchant_wide:
                self.assertIn(name, MERCHANT_CASES, "a merchant alone: a merchant case")
            elif registered.is_sweep:
                self.assertIn(name, SWEEP_TESTS, "a sweep: a test of both stores' results")
        for name in JOB_CASES:
            self.assertTrue(self.tasks[name].is_merchant_job, name)
        for name in MERCHANT_CASES:
            self.assertTrue(self.tasks[name].is_merchant_wide, name)
        for method in (*SWEEP_TESTS.values(), *OTHER_TESTS.values()):
            self.assertTrue(callable(getattr(self, method, None)), method)

    # -- sweeps over all merchants ---------------------------------------------------------------
    def test_nightly_forecasts_use_each_stores_own_data(self):
        night = dt.datetime.combine(LAST_DAY + dt.timedelta(days=1), dt.time(3), tzinfo=dt.UTC)
        task = self.tasks["forecasting.nightly_forecasts_task"].task
        with (
            mock.patch("django.utils.timezone.now", return_value=night),
            self.captureOnCommitCallbacks(execute=True),
        ):
            queued = task.apply().result
        self.assertEqual(queued, 2)
        for store in self.stores():
            with tenant_context(store.merchant):
                run = scoped(ForecastRun, store).get(local_date=night.date())
                forecast = set(
                    scoped(SeriesForecast, store).filter(run=run).values_list("sku", flat=True)
                )
                suggested = set(
                    scoped(ReorderSuggestion, store)
                    .filter(forecast_run=run)
                    .values_list("sku", flat=True)
                )
            self.assertEqual(run.status, ForecastRun.Status.SUCCEEDED, run.message)
            self.assertEqual((run.series_count, forecast), (len(store.skus), store.sku_ids))
            self.assertTrue(suggested)  # planning followed the night
            self.assertLessEqual(suggested, store.sku_ids)
            self.assertEqual(run.accuracy["run"], store.scored_run.pk)  # and accuracy
        self.assertEqual(foreign_references(), [])

    def test_weekly_fine_tune_trains_each_store_on_its_own(self):
        task = self.tasks["forecasting.weekly_fine_tune_task"].task
        with self.captureOnCommitCallbacks(execute=True):
            queued = task.apply().result
        self.assertEqual(queued, 2)
        for store in self.stores():
            with tenant_context(store.merchant):
                run = scoped(TrainingRun, store).select_related("version").get()
            self.assertEqual(run.status, TrainingRun.Status.SUCCEEDED, run.message)
            self.assertEqual(run.version.metrics["series"], len(store.skus))
            # the weights are filed under the store's own folder
            self.assertEqual(run.version.artifact.name.split("/")[-2], str(store.merchant.pk))
        self.assertEqual(foreign_references(), [])

    def test_embedding_embeds_each_stores_own_skus(self):
        task = self.tasks["forecasting.embed_catalogues_task"].task
        self.assertEqual(task.apply().result, len(self.a.skus) + len(self.b.skus))
        for store in self.stores():
            with tenant_context(store.merchant):
                stored = {
                    row.sku_id: np.frombuffer(bytes(row.vector), dtype="<f4")
                    for row in scoped(SkuEmbedding, store)
                }
            self.assertEqual(set(stored), store.sku_ids)
            texts = [embeddings.product_text(sku.name, sku.description) for sku in store.skus]
            for sku, vector in zip(store.skus, embeddings.embed(texts), strict=True):
                np.testing.assert_allclose(stored[sku.pk], vector, atol=1e-5)  # its own text
        self.assertEqual(foreign_references(), [])

    def test_merchant_checks_write_to_each_store_alone(self):
        now = dt.datetime(2024, 6, 3, 12, 0, tzinfo=dt.UTC)  # past the morning digest's hour
        failed_jobs, due = {}, {}
        with mock.patch("django.utils.timezone.now", return_value=now):
            for store in self.stores():
                with tenant_context(store.merchant):
                    # the last sales and stock data are two months old: stale
                    for model in (SalesDay, StockLevel):
                        scoped(model, store).update(updated_at=now - dt.timedelta(days=60))
                failed_jobs[store.merchant.pk] = factories.ImportJobFactory(
                    merchant=store.merchant,
                    status=ImportJob.Status.FAILED,
                    message=f"{store.marker} file was unreadable",
                    finished_at=now - dt.timedelta(hours=1),
                ).pk
                with tenant_context(store.merchant):
                    due[store.merchant.pk] = WebhookDelivery.objects.create(
                        merchant=store.merchant,
                        endpoint=store.endpoint,
                        event="alert.opened",
                        event_id=uuid.uuid4(),
                        payload={"note": store.marker},
                        attempts=1,
                        next_attempt_at=now - dt.timedelta(minutes=1),
                    ).pk
            with self.captureOnCommitCallbacks(execute=True):
                done = self.tasks["planning.merchant_checks_task"].task.apply().result
        self.assertEqual(done, {"alerts_opened": 4, "digests": 2, "retries": 2})
        for store, other in ((self.a, self.b), (self.b, self.a)):
            with tenant_context(store.merchant):
                alerts = {alert.kind: alert for alert in scoped(Alert, store)}
                retried = scoped(WebhookDelivery, store).get(pk=due[store.merchant.pk])
            self.assertEqual(set(alerts), {Alert.Kind.STALE_DATA, Alert.Kind.FAILED_JOB})
            [job] = alerts[Alert.Kind.FAILED_JOB].details["jobs"]
            self.assertEqual(job["id"], failed_jobs[store.merchant.pk])
            self.assertNothingOfTheOther(job["message"], store, other)
            self.assertEqual(retried.status, WebhookDelivery.Status.DELIVERED)
            [digest] = [email for email in mail.outbox if email.to == [store.owner.email]]
            self.assertIn(store.merchant.name, digest.subject)
            self.assertNotIn(other.merchant.name, digest.subject + digest.body)
            self.assertNotIn(other.marker, digest.subject + digest.body)
            bodies = [
                body.decode() for path, body in self.receiver.received if path == store.hook_path
            ]
            self.assertGreaterEqual(len(bodies), 2)  # the retried delivery, the new alerts' events
            self.assertNothingOfTheOther("".join(bodies), store, other)
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(foreign_references(), [])

    def test_idempotency_purge_forgets_old_keys_of_each(self):
        kept = {}
        for store in self.stores():
            old = factories.IdempotencyRecordFactory(merchant=store.merchant, key="old")
            fresh = factories.IdempotencyRecordFactory(merchant=store.merchant, key="fresh")
            with tenant_context(store.merchant):
                scoped(IdempotencyRecord, store).filter(pk=old.pk).update(
                    created_at=timezone.now() - dt.timedelta(days=30)
                )
            kept[store.merchant.pk] = [fresh.pk]
        purged = self.tasks["accounts.purge_idempotency_records_task"].task.apply().result
        self.assertEqual(purged, 2)  # under row-level security, the sweep sees both stores
        for store in self.stores():
            with tenant_context(store.merchant):
                left = list(scoped(IdempotencyRecord, store).values_list("pk", flat=True))
            self.assertEqual(left, kept[store.merchant.pk])

    def test_sales_partitioning_keeps_each_stores_sales(self):
        def sales(store: Store) -> list[tuple]:
            with tenant_context(store.merchant):
                return list(scoped(SalesDay, store).order_by("pk").values_list())

        before = {store.merchant.pk: sales(store) for store in self.stores()}
        report = self.tasks["inventory.maintain_sales_partitions_task"].task.apply().result
        if connection.vendor == "postgresql":
            # the stores' months of history had no partition: their rows moved into new ones
            self.assertGreater(report["rows_moved"], 0)
        for store in self.stores():
            self.assertEqual(sales(store), before[store.merchant.pk])
            if connection.vendor == "postgresql":
                with tenant_context(store.merchant), connection.cursor() as cursor:
                    # the moved rows are still behind the tenant policy
                    cursor.execute("SELECT DISTINCT merchant_id FROM inventory_salesday")
                    self.assertEqual(cursor.fetchall(), [(store.merchant.pk,)])

    def test_calendar_extension_writes_each_stores_own_events(self):
        presets = {}
        for store, country in ((self.a, "GB"), (self.b, "DE")):
            presets[store.merchant.pk] = factories.CalendarPresetFactory(
                merchant=store.merchant, location=store.location, country=country, festivals=[]
            )
        refreshed = self.tasks["inventory.extend_calendars_task"].task.apply().result
        self.assertEqual(refreshed, 2)  # under row-level security, the sweep sees both stores
        for store, holiday in ((self.a, "Boxing Day"), (self.b, "German Unity Day")):
            with tenant_context(store.merchant):
                events = list(
                    scoped(CalendarEvent, store).values_list("preset", "location", "name")
                )
            self.assertTrue(events)
            self.assertEqual(
                {(preset, location) for preset, location, _name in events},
                {(presets[store.merchant.pk].pk, store.location.pk)},
            )
            self.assertIn(holiday, {name for _preset, _location, name in events})
        self.assertEqual(foreign_references(), [])

    # -- a task addressed by a row that names its merchant ----------------------------------------
    @override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    )
    def test_redispatch_sends_each_stores_stranded_jobs_with_its_own_merchant(self):
        cache.clear()  # the sweep remembers its sends there
        jobs = {}
        for store in self.stores():
            job = factories.ImportJobFactory(
                merchant=store.merchant, status=ImportJob.Status.QUEUED
            )
            with tenant_context(store.merchant):
                scoped(ImportJob, store).filter(pk=job.pk).update(
                    updated_at=timezone.now() - dt.timedelta(hours=1)
                )
            jobs[store.merchant.pk] = job.pk
        with mock.patch("celery.app.task.Task.delay", autospec=True) as delay:
            sent = self.tasks["core.redispatch_stranded_task"].task.apply().result
        self.assertEqual(sent, 2)  # under row-level security, the sweep sees both stores
        self.assertEqual(
            sorted(
                (call.kwargs["merchant_id"], call.kwargs["job_id"]) for call in delay.call_args_list
            ),
            sorted(jobs.items()),
        )

    def test_invitation_email_goes_out_only_with_its_secret(self):
        """The task takes the invitation and the secret of its link: an invitation of one
        store with the secret of another's must not send the invitee a way into that one."""
        task = self.tasks["accounts.send_invitation_email_task"].task
        issued = {
            store.merchant.pk: account_services.invitation_create(
                merchant=store.merchant,
                email=f"invitee@{store.merchant.slug}.example.test",
                role=Role.VIEWER,
                actor=store.owner,
            )
            for store in self.stores()
        }
        a, b = issued[self.a.merchant.pk], issued[self.b.merchant.pk]
        for invitation, secret in ((a.invitation, b.secret), (b.invitation, a.secret)):
            task.apply(
                kwargs={
                    "merchant_id": invitation.merchant_id,
                    "invitation_id": invitation.pk,
                    "secret": secret,
                }
            )
        self.assertEqual(mail.outbox, [])
        task.apply(
            kwargs={
                "merchant_id": self.a.merchant.pk,
                "invitation_id": a.invitation.pk,
                "secret": a.secret,
            }
        )
        [email] = mail.outbox
        self.assertEqual(email.to, [a.invitation.email])
        self.assertIn(self.a.merchant.name, email.subject)
        self.assertIn(a.secret, email.body)
        self.assertNotIn(self.b.merchant.name, email.subject + email.body)

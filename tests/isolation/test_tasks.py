"""The isolation suite for Celery tasks: no task, however it is called, reaches another
merchant's data.

Two stores hold the same SKU and location codes (a lookup by code that forgot the merchant
would cross), a different number of SKUs (a count that took in the other store shows) and a
marker in their text. Every task in the Celery registry has a case here, and the suite fails
until a new task gets one:

* A task called with a merchant and the id of one of its rows (an import job, a forecast run
  or chunk, a training run, a forecast, a replay, a webhook delivery) is called with each
  store's merchant and the other store's row. It must change nothing of either store, send
  nothing, and answer exactly as it does for an id no row has, so that neither its result
  nor its error tells the row exists. Called with a matching pair it must do its work: that
  shows the case reaches the code that would leak.
* A task called with a merchant alone (the rebuild of its SKU summaries) does its work from
  that merchant's rows and changes nothing of the other store.
* A sweep over all merchants (the beat schedule's tasks) runs with both stores: each store's
  resulting rows are its own and point only at its own rows, and what goes out (emails,
  webhooks) names only its own store.
* The invitation email, addressed by the invitation and the secret of its link, goes out
  only when the two belong together.

On PostgreSQL the tests connect as the application role (tests/runner.py), so all of this
runs under row-level security, as in production.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer
from unittest import mock

import numpy as np
from django.core import mail
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Sum
from django.test import TestCase, override_settings
from django.utils import timezone

from accounts import services as account_services
from accounts.models import IdempotencyRecord, Merchant, User
from accounts.roles import Role
from accounts.tenancy import TenantOwned, all_merchants_context, tenant_context, tenant_models
from forecasting import embeddings
from forecasting.engine import forecast_run_execute
from forecasting.models import (
    ForecastChunk,
    ForecastRun,
    SeriesForecast,
    SkuEmbedding,
    TrainingRun,
)
from forecasting.quantiles import LEVELS
from forecasting.selection import TRANSFORMER
from inventory.models import (
    SKU,
    CalendarEvent,
    ImportJob,
    Location,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesDay,
    SkuSummary,
    StockLevel,
    Supplier,
)
from inventory.summaries import WINDOW_DAYS as SUMMARY_WINDOW
from planning.models import Alert, PolicyReplay, ReorderSuggestion, WebhookDelivery, WebhookEndpoint
from tests import factories
from tests.isolation.task_catalogue import MERCHANT_ARGUMENT, RegisteredTask, all_tasks
from tests.world import snapshot

START = dt.date(2024, 1, 1)
HISTORY_DAYS = 90  # fine-tuning needs 84 days; a 14-day policy replay 14 + 56
LAST_DAY = START + dt.timedelta(days=HISTORY_DAYS - 1)
ACCURACY_WINDOW = 28
MISSING_ID = 2_000_000_000  # an id no row has
IMPORTED_DAY = dt.date(2024, 6, 1)
SALES_CSV = b"sku,location,date,units\nMUG,SHOP,2024-06-01,5\nJUG,SHOP,2024-06-01,2\n"


class Receiver:
    """A local HTTP endpoint that answers 200 and keeps the path and body of each request."""

    def __init__(self):
        self.received: list[tuple[str, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((self.path, body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Store:
    merchant: Merchant
    owner: User
    marker: str
    location: Location
    skus: list[SKU]
    endpoint: WebhookEndpoint
    scored_run: ForecastRun  # the run before the last four weeks, which accuracy measures

    @property
    def sku_ids(self) -> set[int]:
        return {sku.pk for sku in self.skus}

    @property
    def hook_path(self) -> str:
        return f"/hook/{self.merchant.slug}"


def build_store(*, name: str, slug: str, marker: str, codes: tuple[str, ...], hooks: str) -> Store:
    """A store with `HISTORY_DAYS` of sales of each SKU at one location, nothing in stock (so
    planning suggests orders), a webhook endpoint, and a run of four weeks ago with forecasts
    of the last four weeks (so accuracy has something to measure)."""
    merchant = factories.MerchantFactory(name=name, slug=slug)
    owner = factories.member(
        merchant, Role.OWNER, user=factories.UserFactory(email=f"owner@{slug}.example.test")
    )
    location = factories.LocationFactory(merchant=merchant, code="SHOP", name=f"{marker} shop")
    supplier = factories.SupplierFactory(merchant=merchant, code="SUP", name=f"{marker} supply")
    skus = []
    for code in codes:
        sku = factories.SKUFactory(
            merchant=merchant,
            code=code,
            name=f"{marker} {code.lower()}",
            description=f"Only {marker} sells this",
        )
        factories.SupplierItemFactory(merchant=merchant, supplier=supplier, sku=sku)
        factories.StockLevelFactory(merchant=merchant, sku=sku, location=location, on_hand=0)
        skus.append(sku)
    window_start = LAST_DAY - dt.timedelta(days=ACCURACY_WINDOW - 1)
    # Noisy weekly demand: an exactly periodic series would leave seasonal naive no error to
    # scale by, and the scores that divide by it undefined.
    units = np.random.default_rng(len(codes)).poisson(
        3 + np.arange(len(codes))[:, None] + np.arange(HISTORY_DAYS)[None, :] % 7
    )
    with tenant_context(merchant):
        SalesDay.objects.bulk_create(
            SalesDay(
                merchant=merchant, sku=sku, location=location,
                date=START + dt.timedelta(days=day),
                units=Decimal(int(sold)), revenue=Decimal(5 * int(sold)),
            )
            for sku, row in zip(skus, units, strict=True)
            for day, sold in enumerate(row)
        )  # fmt: skip
        endpoint = WebhookEndpoint.objects.create(
            merchant=merchant, url=f"{hooks}/{slug}", secret="0" * 64, description=marker
        )
        scored_run = ForecastRun.objects.create(
            merchant=merchant,
            status=ForecastRun.Status.SUCCEEDED,
            horizon=ACCURACY_WINDOW,
            history_end=window_start - dt.timedelta(days=1),
            finished_at=dt.datetime.combine(window_start, dt.time(3), tzinfo=dt.UTC),
            message=marker,
        )
        SeriesForecast.objects.bulk_create(
            SeriesForecast(
                merchant=merchant,
                run=scored_run,
                sku=sku,
                location=location,
                first_date=window_start,
                model=TRANSFORMER,
                quantiles=SeriesForecast.pack(np.full((len(LEVELS), ACCURACY_WINDOW), 4.0)),
            )
            for sku in skus
        )
    return Store(merchant, owner, marker, location, skus, endpoint, scored_run)


def foreign_references() -> list[str]:
    """Rows of one merchant that point at a row of another: through a foreign key between
    tenant-owned models, or a forecast chunk's list of SKU ids."""
    found = []
    # Across merchants on purpose: the check compares each row's merchant with its targets'.
    with all_merchants_context():
        for model in tenant_models():
            for field in model._meta.concrete_fields:
                target = field.related_model if field.many_to_one or field.one_to_one else None
                if target is None or not issubclass(target, TenantOwned):
                    continue
                rows = (
                    model.objects.unscoped()
                    .filter(**{f"{field.name}__isnull": False})
                    .values_list("pk", "merchant", f"{field.name}__merchant")
                )
                found += [
                    f"{model._meta.label} {pk}.{field.name}"
                    for pk, own, theirs in rows
                    if own != theirs
                ]
        for pk, own, sku_ids in ForecastChunk.objects.unscoped().values_list(
            "pk", "merchant", "sku_ids"
        ):
            owners = (
                SKU.objects.unscoped().filter(pk__in=sku_ids).values_list("merchant", flat=True)
            )
            if set(owners) - {own}:
                found.append(f"forecasting.ForecastChunk {pk}.sku_ids")
    return found


def scoped(model, store: Store):
    return model.objects.for_merchant(store.merchant)


def fetch(model, store: Store, pk: int):
    with tenant_context(store.merchant):
        return scoped(model, store).get(pk=pk)


# -- tasks called with a merchant and one of its rows --------------------------------------------
@dataclass(frozen=True)
class JobCase:
    """``make`` gives the store a row for the task to work on and returns its id; ``check``
    asserts that the task, called with the store's merchant and that id, did its work (it is
    given the task's result)."""

    make: Callable[[Store], int]
    check: Callable[[TaskIsolationTests, Store, int, object], None]
    # what else the task is called with for that row, beside the merchant and the id
    arguments: Callable[[int], dict] = lambda pk: {}


def make_import(store: Store) -> int:
    header = ["sku", "location", "date", "units"]
    return factories.ImportJobFactory(
        merchant=store.merchant,
        file__data=SALES_CSV,
        original_name=f"{store.marker}-sales.csv",
        header=header,
        mapping={column: column for column in header},
        status=ImportJob.Status.QUEUED,
    ).pk


def check_import(test: TaskIsolationTests, store: Store, pk: int, result) -> None:
    job = fetch(ImportJob, store, pk)
    test.assertEqual((job.status, job.created_count), (ImportJob.Status.SUCCEEDED, 2), job.message)
    with tenant_context(store.merchant):
        loaded = set(
            scoped(SalesDay, store).filter(date=IMPORTED_DAY).values_list("sku", flat=True)
        )
    own = {sku.pk for sku in store.skus if sku.code in {"MUG", "JUG"}}
    test.assertEqual(loaded, own)  # the codes were looked up in the job's own catalogue


def make_forecast_run(store: Store) -> int:
    with tenant_context(store.merchant):
        return ForecastRun.objects.create(merchant=store.merchant, horizon=14).pk


def check_forecast_run(test: TaskIsolationTests, store: Store, pk: int, result) -> None:
    run = fetch(ForecastRun, store, pk)
    test.assertEqual(
        (run.status, run.series_count), (ForecastRun.Status.SUCCEEDED, len(store.skus)), run.message
    )


def make_chunk(store: Store) -> int:
    with tenant_context(store.merchant):
        run = ForecastRun.objects.create(
            merchant=store.merchant,
            horizon=14,
            status=ForecastRun.Status.RUNNING,
            started_at=timezone.now(),
        )
        return ForecastChunk.objects.create(
            merchant=store.merchant, run=run, number=0, sku_ids=sorted(store.sku_ids)
        ).pk


def check_chunk(test: TaskIsolationTests, store: Store, pk: int, result) -> None:
    chunk = fetch(ForecastChunk, store, pk)
    test.assertEqual(
        (chunk.status, chunk.series_count), (ForecastChunk.Status.SUCCEEDED, len(store.skus))
    )
    run = fetch(ForecastRun, store, chunk.run_id)
    test.assertEqual(run.status, ForecastRun.Status.SUCCEEDED)  # its only chunk ended it


def make_finished_run(store: Store) -> int:
    with tenant_context(store.merchant):
        return ForecastRun.objects.create(
            merchant=store.merchant,
            horizon=14,
            status=ForecastRun.Status.SUCCEEDED,
            history_end=LAST_DAY,
            finished_at=timezone.now(),
        ).pk


def check_accuracy(test: TaskIsolationTests, store: Store, pk: int, result) -> None:
    accuracy = fetch(ForecastRun, store, pk).accuracy
    test.assertIsNotNone(accuracy)
    test.assertEqual((accuracy["run"], accuracy["series"]), (store.scored_run.pk, len(store.skus)))
    test.assertEqual(result, accuracy)


def make_training_run(store: Store) -> int:
    with tenant_context(store.merchant):
        return TrainingRun.objects.create(merchant=store.merchant, mode="full", steps=1).pk


def check_training_run(test: TaskIsolationTests, store: Store, pk: int, result) -> None:
    run = fetch(TrainingRun, store, pk)
    test.assertEqual(run.status, TrainingRun.Status.SUCCEEDED, run.message)
    with tenant_context(store.merchant):
        version = run.version
    test.assertEqual(version.metrics["series"], len(store.skus))


def make_forecast_to_explain(store: Store) -> int:
    with tenant_context(store.merchant):
        return scoped(SeriesForecast, store).filter(run=store.scored_run).order_by("pk")[0].pk


def check_explanation(test: TaskIsolationTests, store: Store, pk: int, result) -> None:
    test.assertIs(result, True)
    test.assertTrue(fetch(SeriesForecast, store, pk).explanation)


def make_planned_run(store: Store) -> int:
    with tenant_context(store.merchant):
        run = ForecastRun.objects.create(merchant=store.merchant, horizon=14)
    forecast_run_execute(merchant=store.merchant, run_id=run.pk)  # without what follows a night
    return run.pk


def check_planning(test: TaskIsolationTests, store: Store, pk: int, result) -> None:
    with tenant_context(store.merchant):
        planned = scoped(ReorderSuggestion, store).filter(forecast_run_id=pk).count()
    test.assertGreater(result, 0)
    test.assertEqual(planned, result)


def make_delivery(store: Store) -> int:
    with tenant_context(store.merchant):
        return WebhookDelivery.objects.create(
            merchant=store.merchant,
            endpoint=store.endpoint,
            event="alert.opened",
            event_id=uuid.uuid4(),
            payload={"note": store.marker},
        ).pk


def check_delivery(test: TaskIsolationTests, store: Store, pk: int, result) -> None:
    test.assertEqual(fetch(WebhookDelivery, store, pk).status, WebhookDelivery.Status.DELIVERED)
    [(path, body)] = test.receiver.received
    test.assertEqual(path, store.hook_path)
    test.assertEqual(json.loads(body)["data"], {"note": store.marker})


def make_replay(store: Store) -> int:
    with tenant_context(store.merchant):
        return PolicyReplay.objects.create(
            merchant=store.merchant, days=14, warm_up_days=7, review_days=7
        ).pk


def check_replay(test: TaskIsolationTests, store: Store, pk: int, result) -> None:
    replay = fetch(PolicyReplay, store, pk)
    test.assertEqual(
        (replay.status, replay.series_count),
        (PolicyReplay.Status.SUCCEEDED, len(store.skus)),
        replay.message,
    )


INVITATION_SECRETS: dict[int, str] = {}  # an invitation's id -> the secret of its link


def make_invitation(store: Store) -> int:
    issued = account_services.invitation_create(
        merchant=store.merchant,
        email=f"invitee@{store.merchant.slug}.example.test",
        role=Role.VIEWER,
        actor=store.owner,
    )
    mail.outbox.clear()  # the email of its creation; the case is the task's own
    INVITATION_SECRETS[issued.invitation.pk] = issued.secret
    return issued.invitation.pk


def invitation_secret(pk: int) -> dict:
    """Called with a row, the task gets that row's own secret: the pair is right, only the
    merchant is another's."""
    return {"secret": INVITATION_SECRETS.get(pk, "no-such-secret")}


def check_invitation(test: TaskIsolationTests, store: Store, pk: int, result) -> None:
    [email] = mail.outbox
    test.assertEqual(email.to, [f"invitee@{store.merchant.slug}.example.test"])
    test.assertIn(store.merchant.name, email.subject)
    test.assertIn(INVITATION_SECRETS[pk], email.body)


def make_sent_order(store: Store) -> int:
    """A purchase order sent to the store's supplier, its email not yet gone."""
    with tenant_context(store.merchant):
        order = PurchaseOrder.objects.create(
            merchant=store.merchant,
            number="SC-000001",
            supplier=Supplier.objects.for_merchant(store.merchant).get(code="SUP"),
            location=store.location,
            status=PurchaseOrder.Status.SENT,
            sent_at=timezone.now(),
            email_to=f"orders@{store.merchant.slug}.example.test",
        )
        PurchaseOrderLine.objects.create(
            merchant=store.merchant,
            purchase_order=order,
            sku=store.skus[0],
            quantity_ordered=Decimal("12"),
            unit_cost=Decimal("2"),
        )
    return order.pk


def check_sent_order(test: TaskIsolationTests, store: Store, pk: int, result) -> None:
    test.assertIs(result, True)
    [email] = mail.outbox
    test.assertEqual(email.to, [f"orders@{store.merchant.slug}.example.test"])
    test.assertIn(store.merchant.name, email.subject)
    [(name, content, mimetype)] = email.attachments
    test.assertEqual((name, mimetype), ("SC-000001.pdf", "application/pdf"))
    test.assertTrue(content.startswith(b"%PDF"))
    test.assertIsNotNone(fetch(PurchaseOrder, store, pk).emailed_at)


JOB_CASES: dict[str, JobCase] = {
    "accounts.send_invitation_email_task": JobCase(
        make_invitation, check_invitation, invitation_secret
    ),
    "inventory.run_import_task": JobCase(make_import, check_import),
    "inventory.send_purchase_order_task": JobCase(make_sent_order, check_sent_order),
    "forecasting.run_forecast_task": JobCase(make_forecast_run, check_forecast_run),
    "forecasting.forecast_chunk_task": JobCase(make_chunk, check_chunk),
    "forecasting.accuracy_task": JobCase(make_finished_run, check_accuracy),
    "forecasting.fine_tune_task": JobCase(make_training_run, check_training_run),
    "forecasting.explain_forecast_task": JobCase(make_forecast_to_explain, check_explanation),
    "planning.plan_after_forecast_task": JobCase(make_planned_run, check_planning),
    "planning.deliver_webhook_task": JobCase(make_delivery, check_delivery),
    "planning.policy_replay_task": JobCase(make_replay, check_replay),
}


# -- tasks called with a merchant alone ----------------------------------------------------------
@dataclass(frozen=True)
class MerchantCase:
    """``check`` asserts that the task, called with the store's merchant, did its work on
    the store's own rows (it is given the task's result)."""

    check: Callable[[TaskIsolationTests, Store, object], None]


def check_summaries(test: TaskIsolationTests, store: Store, result) -> None:
    test.assertIs(result, True)
    with tenant_context(store.merchant):
        summarised = dict(scoped(SkuSummary, store).values_list("sku", "units_28d"))
        last = LAST_DAY - dt.timedelta(days=SUMMARY_WINDOW)
        sold = dict(
            scoped(SalesDay, store)
            .filter(date__gt=last)
            .values("sku")
            .annotate(total=Sum("units"))
            .values_list("sku", "total")
        )
    test.assertEqual(summarised, sold)  # each of its SKUs, from its own sales


def check_sample_data(test: TaskIsolationTests, store: Store, result) -> None:
    # the store has its catalogue: the sample is not loaded over it, nor into another store
    test.assertIs(result, False)
    with tenant_context(store.merchant):
        codes = set(scoped(SKU, store).values_list("code", flat=True))
    test.assertEqual(codes, {sku.code for sku in store.skus})


MERCHANT_CASES: dict[str, MerchantCase] = {
    "inventory.refresh_sku_summaries_task": MerchantCase(check_summaries),
    "inventory.load_sample_data_task": MerchantCase(check_sample_data),
}

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


# One training step on small batches, one explanation a night: the suite asks whose data the
# work reads and writes, not how good it is (tests/forecasting/ covers that).
@override_settings(
    FINE_TUNE_BATCH_SIZE=4, FINE_TUNE_STEPS=1, FINE_TUNE_MODE="full", PLANNING_EXPLAIN_LIMIT=1
)
class TaskIsolationTests(TestCase):
    @classmethod
    def setUpClass(cls):
        cls.receiver = Receiver()
        cls.addClassCleanup(cls.receiver.close)
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        hooks = cls.receiver.url
        cls.a = build_store(
            name="Alpha Goods", slug="alpha", marker="ALPHAMARK", codes=("MUG", "JUG"), hooks=hooks
        )
        cls.b = build_store(
            name="Beta Hidden Traders",
            slug="beta",
            marker="BETAMARK",
            codes=("MUG", "JUG", "BOWL"),
            hooks=hooks,
        )

    def setUp(self):
        self.tasks = {registered.name: registered for registered in all_tasks()}
        self.receiver.received.clear()

    def stores(self) -> tuple[Store, Store]:
        return self.a, self.b

    def assertNothingOfTheOther(self, text: str, store: Store, other: Store) -> None:
        self.assertIn(store.marker, text)
        self.assertNotIn(other.marker, text)
        self.assertNotIn(other.merchant.name, text)

    def assertUnchanged(self, store: Store, before: dict, context: str) -> None:
        """The store's rows are as in ``before`` (a `snapshot`); names the models that are not."""
        after = snapshot(store.merchant)
        changed = sorted(label for label in before if after.get(label) != before[label])
        self.assertEqual(changed, [], f"{context}: these of {store.merchant.slug} changed")

    # -- every task has a case -----------------------------------------------------------------
    def test_every_task_has_an_isolation_case(self):
        names = set(self.tasks)
        covered = set(JOB_CASES) | set(MERCHANT_CASES) | set(SWEEP_TESTS) | set(OTHER_TESTS)
        self.assertEqual(
            sorted(names - covered), [], "give these tasks a case in tests/isolation/test_tasks.py"
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

    # -- a merchant and one of its rows ----------------------------------------------------------
    def outcome(
        self, registered: RegisteredTask, store: Store, row_id: int, case: JobCase
    ) -> tuple:
        """What the task answers when called for ``store`` with ``row_id``: its result, or
        its error (type and message), in the form compared across calls."""
        kwargs = {MERCHANT_ARGUMENT: store.merchant.pk, registered.row_argument: row_id}
        kwargs.update(case.arguments(row_id))
        try:
            return ("returned", registered.task.apply(kwargs=kwargs).result)
        except Exception as error:  # compared with the answer for a missing row
            return ("raised", type(error).__name__, str(error))

    def check_job(self, registered: RegisteredTask, case: JobCase) -> None:
        ids = {store.merchant.pk: case.make(store) for store in self.stores()}
        for caller, owner in ((self.a, self.b), (self.b, self.a)):
            before = {store.merchant.pk: snapshot(store.merchant) for store in self.stores()}
            missing = self.outcome(registered, caller, MISSING_ID, case)
            crossed = self.outcome(registered, caller, ids[owner.merchant.pk], case)
            self.assertEqual(crossed, missing, "another merchant's row answers unlike no row")
            self.assertNotIn(owner.marker, repr(crossed))
            for store in self.stores():
                self.assertUnchanged(
                    store,
                    before[store.merchant.pk],
                    f"called for {caller.merchant.slug} with a row of {owner.merchant.slug}",
                )
            self.assertEqual(self.receiver.received, [], "it sent a webhook")
            self.assertEqual(mail.outbox, [], "it sent an email")
        untouched = snapshot(self.b.merchant)
        done = self.outcome(registered, self.a, ids[self.a.merchant.pk], case)
        self.assertEqual(done[0], "returned", done)
        case.check(self, self.a, ids[self.a.merchant.pk], done[1])
        self.assertUnchanged(self.b, untouched, "called for alpha with its own row")
        self.assertEqual(foreign_references(), [])

    def test_tasks_given_another_merchants_row_do_nothing_and_tell_nothing(self):
        for name, case in JOB_CASES.items():
            # Each case in a savepoint of its own, rolled back: the next starts from the stores.
            with self.subTest(task=name), transaction.atomic():
                self.receiver.received.clear()
                mail.outbox.clear()
                self.check_job(self.tasks[name], case)
                transaction.set_rollback(True)

    # -- a merchant alone ---------------------------------------------------------------------
    def test_tasks_given_a_merchant_work_on_its_rows_alone(self):
        for name, case in MERCHANT_CASES.items():
            task = self.tasks[name].task
            for store, other in ((self.a, self.b), (self.b, self.a)):
                with self.subTest(task=name, merchant=store.merchant.slug):
                    untouched = snapshot(other.merchant)
                    result = task.apply(kwargs={MERCHANT_ARGUMENT: store.merchant.pk}).result
                    case.check(self, store, result)
                    self.assertUnchanged(other, untouched, f"called for {store.merchant.slug}")
        self.assertEqual(foreign_references(), [])

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

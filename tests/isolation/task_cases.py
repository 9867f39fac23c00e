"""The cases of tasks called with a merchant and one of its rows, or with a merchant alone:
how to give a store work for each task, and what the task must have done with it."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core import mail
from django.db.models import Sum
from django.utils import timezone

from accounts import services as account_services
from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting.engine import forecast_run_execute
from forecasting.models import (
    ForecastChunk,
    ForecastRun,
    SeriesForecast,
    TrainingRun,
)
from inventory.models import (
    SKU,
    ImportJob,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesDay,
    SkuSummary,
    Supplier,
)
from inventory.summaries import WINDOW_DAYS as SUMMARY_WINDOW
from planning.models import (
    PolicyReplay,
    ReorderSuggestion,
    SuggestionBulkAction,
    WebhookDelivery,
)
from tests import factories
from tests.isolation.stores import (
    IMPORTED_DAY,
    LAST_DAY,
    SALES_CSV,
    Store,
    TwoStoresTestCase,
    fetch,
    scoped,
)


@dataclass(frozen=True)
class JobCase:
    """``make`` gives the store a row for the task to work on and returns its id; ``check``
    asserts that the task, called with the store's merchant and that id, did its work (it is
    given the task's result)."""

    make: Callable[[Store], int]
    check: Callable[[TwoStoresTestCase, Store, int, object], None]
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


def check_import(test: TwoStoresTestCase, store: Store, pk: int, result) -> None:
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


def check_forecast_run(test: TwoStoresTestCase, store: Store, pk: int, result) -> None:
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


def check_chunk(test: TwoStoresTestCase, store: Store, pk: int, result) -> None:
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


def check_accuracy(test: TwoStoresTestCase, store: Store, pk: int, result) -> None:
    accuracy = fetch(ForecastRun, store, pk).accuracy
    test.assertIsNotNone(accuracy)
    test.assertEqual((accuracy["run"], accuracy["series"]), (store.scored_run.pk, len(store.skus)))
    test.assertEqual(result, accuracy)


def make_training_run(store: Store) -> int:
    with tenant_context(store.merchant):
        return TrainingRun.objects.create(merchant=store.merchant, mode="full", steps=1).pk


def check_training_run(test: TwoStoresTestCase, store: Store, pk: int, result) -> None:
    run = fetch(TrainingRun, store, pk)
    test.assertEqual(run.status, TrainingRun.Status.SUCCEEDED, run.message)
    with tenant_context(store.merchant):
        version = run.version
    test.assertEqual(version.metrics["series"], len(store.skus))


def make_forecast_to_explain(store: Store) -> int:
    with tenant_context(store.merchant):
        return scoped(SeriesForecast, store).filter(run=store.scored_run).order_by("pk")[0].pk


def check_explanation(test: TwoStoresTestCase, store: Store, pk: int, result) -> None:
    test.assertIs(result, True)
    test.assertTrue(fetch(SeriesForecast, store, pk).explanation)


def make_planned_run(store: Store) -> int:
    with tenant_context(store.merchant):
        run = ForecastRun.objects.create(merchant=store.merchant, horizon=14)
    forecast_run_execute(merchant=store.merchant, run_id=run.pk)  # without what follows a night
    return run.pk


def check_planning(test: TwoStoresTestCase, store: Store, pk: int, result) -> None:
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


def check_delivery(test: TwoStoresTestCase, store: Store, pk: int, result) -> None:
    test.assertEqual(fetch(WebhookDelivery, store, pk).status, WebhookDelivery.Status.DELIVERED)
    [(path, body)] = test.receiver.received
    test.assertEqual(path, store.hook_path)
    test.assertEqual(json.loads(body)["data"], {"note": store.marker})


def make_bulk_action(store: Store) -> int:
    """A bulk approval of one proposed line of the store's."""
    with tenant_context(store.merchant):
        supplier = Supplier.objects.for_merchant(store.merchant).get(code="SUP")
    line = factories.reorder_suggestion(
        store.merchant,
        factories.succeeded_run(store.merchant),
        store.skus[0],
        store.location,
        supplier,
    )
    with tenant_context(store.merchant):
        return SuggestionBulkAction.objects.create(
            merchant=store.merchant, decision="approve", line_ids=[line.pk], lines_total=1
        ).pk


def check_bulk_action(test: TwoStoresTestCase, store: Store, pk: int, result) -> None:
    job = fetch(SuggestionBulkAction, store, pk)
    test.assertEqual((job.status, job.result.get("count")), ("succeeded", 1), job.message)
    with tenant_context(store.merchant):
        [line] = scoped(ReorderSuggestion, store).filter(pk__in=job.line_ids)
    test.assertEqual(line.status, ReorderSuggestion.Status.APPROVED)


def make_replay(store: Store) -> int:
    with tenant_context(store.merchant):
        return PolicyReplay.objects.create(
            merchant=store.merchant, days=14, warm_up_days=7, review_days=7
        ).pk


def check_replay(test: TwoStoresTestCase, store: Store, pk: int, result) -> None:
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


def check_invitation(test: TwoStoresTestCase, store: Store, pk: int, result) -> None:
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


def check_sent_order(test: TwoStoresTestCase, store: Store, pk: int, result) -> None:
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
    "planning.suggestion_bulk_task": JobCase(make_bulk_action, check_bulk_action),
}


# -- tasks called with a merchant alone ----------------------------------------------------------
@dataclass(frozen=True)
class MerchantCase:
    """``check`` asserts that the task, called with the store's merchant, did its work on
    the store's own rows (it is given the task's result)."""

    check: Callable[[TwoStoresTestCase, Store, object], None]


def check_summaries(test: TwoStoresTestCase, store: Store, result) -> None:
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


def check_sample_data(test: TwoStoresTestCase, store: Store, result) -> None:
    # the store has its catalogue: the sample is not loaded over it, nor into another store
    test.assertIs(result, False)
    with tenant_context(store.merchant):
        codes = set(scoped(SKU, store).values_list("code", flat=True))
    test.assertEqual(codes, {sku.code for sku in store.skus})


MERCHANT_CASES: dict[str, MerchantCase] = {
    "inventory.refresh_sku_summaries_task": MerchantCase(check_summaries),
    "inventory.load_sample_data_task": MerchantCase(check_sample_data),
}

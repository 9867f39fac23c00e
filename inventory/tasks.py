"""Celery tasks of inventory: thin, by id, scoped to their merchant."""

import logging

import psycopg
from celery import shared_task
from django.db import InterfaceError, OperationalError, connection

from accounts.models import Merchant
from accounts.tenancy import tenant_context
from core.tasks import job_task
from inventory import calendars, demo, partitions, services, summaries
from inventory.ingest import imports

logger = logging.getLogger(__name__)

# The database went away (restarted, failed over, the connection cut): Django's errors, and
# psycopg's own from COPY, which Django does not wrap. PostgreSQL rolled the import back.
DATABASE_LOST = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)
# Loads tried after a lost connection, 2, 4, ... 60 s apart (about 2 minutes in all).
IMPORT_RETRIES = 6
# Then attempts that only mark the job failed, a minute apart, until the database is back.
VERDICT_RETRIES = 10
DATABASE_LOST_MESSAGE = (
    "The database could not be reached while loading this file; nothing was loaded. "
    "Try again in a few minutes."
)


@job_task(
    "inventory.run_import_task",
    bind=True,
    soft_time_limit=30 * 60,
    time_limit=32 * 60,
    max_retries=IMPORT_RETRIES + VERDICT_RETRIES,
)
def run_import_task(self, *, merchant_id: int, job_id: int) -> None:
    """A lost database connection is transient: the task retries on a fresh connection, and
    its retries (which keep its id) take over the job it was running (`runs.claim`); so does
    the task delivered again after its worker died. A duplicate sent by the dispatch sweep
    has another id and leaves a job that is running alone. Out of loads, the retries mark the
    job failed as soon as the database answers, unless another task is running it."""
    retries = self.request.retries
    claimant = self.request.id or ""
    try:
        merchant = Merchant.objects.get(pk=merchant_id)
        if retries > IMPORT_RETRIES:
            imports.fail_job(
                merchant=merchant, job_id=job_id, message=DATABASE_LOST_MESSAGE, claimant=claimant
            )
            return
        imports.import_run(merchant=merchant, job_id=job_id, claimant=claimant)
    except DATABASE_LOST as error:
        logger.warning("import %s of merchant %s lost the database: %s", job_id, merchant_id, error)
        connection.close()  # dead or suspect: the next attempt opens a fresh one
        raise self.retry(exc=error, countdown=min(2 ** (retries + 1), 60)) from error
    except Merchant.DoesNotExist:
        raise  # its jobs went with it: nothing to mark
    except Exception:
        logger.exception("import %s of merchant %s failed", job_id, merchant_id)
        imports.fail_job(
            merchant=merchant,
            job_id=job_id,
            message="The import stopped on an unexpected error; nothing was loaded. "
            "Platform staff can see the error in the console; try again later.",
            claimant=claimant,
        )
        raise


@job_task("inventory.load_sample_data_task", soft_time_limit=10 * 60, time_limit=11 * 60)
def load_sample_data_task(*, merchant_id: int) -> bool:
    """The sample data of a store onboarded with it; loads nothing into a store that has a
    catalogue already, so a redelivered task is harmless."""
    merchant = Merchant.objects.get(pk=merchant_id)
    return demo.sample_data_load(merchant=merchant)


@shared_task(
    name="inventory.maintain_sales_partitions_task",
    soft_time_limit=20 * 60,
    time_limit=22 * 60,
)
def maintain_sales_partitions_task() -> dict:
    """Daily: the sales table's months ahead, and months found in its default partition."""
    report = partitions.ensure_sales_partitions()
    return {
        "created": [month.isoformat() for month in report.created],
        "rows_moved": report.rows_moved,
        "skipped": [month.isoformat() for month in report.skipped],
        "outside_window": [month.isoformat() for month in report.outside_window],
    }


@job_task("inventory.refresh_sku_summaries_task", soft_time_limit=10 * 60, time_limit=11 * 60)
def refresh_sku_summaries_task(*, merchant_id: int) -> bool:
    """Queued after each write of sales or stock; a burst of syncs rebuilds once per write at
    most, and fewer when the rebuilds overlap (each checks the counter under its lock)."""
    merchant = Merchant.objects.get(pk=merchant_id)
    with tenant_context(merchant):
        return summaries.sku_summaries_refresh(merchant=merchant)


@shared_task(
    name="inventory.extend_calendars_task",
    soft_time_limit=20 * 60,
    time_limit=22 * 60,
)
def extend_calendars_task() -> int:
    """Daily: each merchant's built-in calendars (holidays, festivals) written a year ahead,
    and back to its first sales; returns how many merchants were brought up to date."""
    return calendars.calendar_events_refresh_all()


@shared_task(name="inventory.send_purchase_order_task", soft_time_limit=60, time_limit=90)
def send_purchase_order_task(*, merchant_id: int, purchase_order_id: int) -> bool:
    """Email a sent purchase order to its supplier; the order's claim makes a duplicate
    (a retry, the stranded-job sweep) send nothing."""
    merchant = Merchant.objects.get(pk=merchant_id)
    return services.purchase_order_email(merchant=merchant, purchase_order_id=purchase_order_id)

"""Celery tasks of inventory: thin, by id, scoped to their merchant."""

import logging

from celery import shared_task

from accounts.models import Merchant
from accounts.tenancy import tenant_context
from inventory import partitions, summaries
from inventory.ingest import imports

logger = logging.getLogger(__name__)


@shared_task(
    name="inventory.run_import_task",
    soft_time_limit=30 * 60,
    time_limit=32 * 60,
    acks_late=True,
    reject_on_worker_lost=True,
)
def run_import_task(*, merchant_id: int, job_id: int) -> None:
    merchant = Merchant.objects.get(pk=merchant_id)
    try:
        imports.import_run(merchant=merchant, job_id=job_id)
    except Exception:
        logger.exception("import %s of merchant %s failed", job_id, merchant_id)
        imports.fail_job(
            merchant=merchant,
            job_id=job_id,
            message="The import stopped on an unexpected error; nothing was loaded. "
            "Platform staff can see the error in the console; try again later.",
        )
        raise


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
    }


@shared_task(
    name="inventory.refresh_sku_summaries_task",
    soft_time_limit=10 * 60,
    time_limit=11 * 60,
    acks_late=True,
    reject_on_worker_lost=True,
)
def refresh_sku_summaries_task(*, merchant_id: int) -> bool:
    """Queued after each write of sales or stock; a burst of syncs rebuilds once per write at
    most, and fewer when the rebuilds overlap (each checks the counter under its lock)."""
    merchant = Merchant.objects.get(pk=merchant_id)
    with tenant_context(merchant):
        return summaries.sku_summaries_refresh(merchant=merchant)

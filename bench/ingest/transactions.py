"""The whole Online Retail transactions file (541,909 invoice lines) through the portal's CSV
import, as order lines, creating the SKUs it names: time, rows/s and the worker's peak memory.

Runs on a fresh PostgreSQL database (the local server, the roles .ci/run creates); the import
runs in this process, exactly as a worker would run it.

    .venv/bin/python bench/ingest/transactions.py
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT.parent / "shared" / "data" / "online-retail-uci" / "transactions.csv.gz"
DATABASE = "shelfcast_bench_transactions"
sys.path.insert(0, str(ROOT))
from bench import database  # noqa: E402  (after the path that makes it importable)


def main() -> None:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "LOG_LEVEL": "WARNING",
        **database.urls(DATABASE),
    }
    database.create(DATABASE, environment)
    database.django_setup(environment)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import User
    from accounts.services import merchant_create
    from inventory.ingest import import_uploads, imports
    from inventory.ingest.service import ingest

    owner = User.objects.create_user(email="bench@transactions.test", password=None)
    merchant = merchant_create(
        name="Retail", owner=owner, slug="retail", timezone_name="Europe/London"
    )
    ingest(merchant=merchant, resource_name="locations", rows=[{"code": "UK", "name": "UK"}])
    upload = SimpleUploadedFile(SOURCE.name, SOURCE.read_bytes())
    job = import_uploads.import_create(
        merchant=merchant, resource_name="order-lines", upload=upload, actor=owner
    )
    job.status = job.Status.QUEUED  # what import_confirm does, without dispatching a task
    from accounts.tenancy import tenant_context

    with tenant_context(merchant):
        job.options = {"create_missing_skus": True}
        job.save(update_fields=["status", "options"])
    print(f"mapping suggested from the header: {job.mapping}", flush=True)
    started = time.perf_counter()
    job = imports.import_run(merchant=merchant, job_id=job.pk)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{job.status}: {job.rows_total:,} lines in {seconds:.0f} s "
        f"({job.rows_total / seconds:,.0f} lines/s), {job.created_count:,} created, "
        f"{job.error_count} errors; process peak memory {peak:.0f} MB"
    )
    database.drop(DATABASE)


if __name__ == "__main__":
    main()

"""Portal imports: order lines with raw customer ids (then every text column and every stored
file searched for them), and gzip files that expand to 60 MB, timed on the ingest worker."""

from __future__ import annotations

import datetime as dt
import gzip
import time
from pathlib import Path

from bench.hardening.stack import (
    CUSTOMER_DOMAIN,
    MAX_JOB_SECONDS,
    OWNER_URL,
    Results,
    Row,
    Stack,
    api_row,
    peak_mb,
    reset_peak,
    resident_mb,
    say,
)
from bench.ingest.run import SKUS
from bench.server import wait_for


def run_import(stack: Stack, merchant, name: str, content: bytes, worker: list[int], timeout):
    """Upload ``content`` in the portal and confirm its suggested mapping: the two requests'
    (status, seconds, peak MB), then the job's (verdict or None past ``timeout``, seconds
    from the confirmation, the worker's peak MB)."""
    from accounts.tenancy import tenant_context
    from inventory.models import ImportJob

    def job(pk: int, **filters) -> ImportJob | None:
        with tenant_context(merchant):
            return ImportJob.objects.for_merchant(merchant).filter(pk=pk, **filters).first()

    path = f"/m/{merchant.slug}/data/"
    resource = "order-lines" if name.startswith("orders") else "sales"
    (status, location, _), seconds, peak = stack.portal(
        lambda: stack.browser.post_form(path, {"resource": resource}, {"file": (name, content)})
    )
    upload = (str(status), seconds, peak)
    if status != 302:
        return upload, None, None
    pk = int(location.rstrip("/").split("/")[-1])
    mapping, header = job(pk).mapping, job(pk).header
    fields = {f"map-{index}": mapping.get(column, "") for index, column in enumerate(header)}
    reset_peak(worker)
    before = resident_mb(worker)
    started = time.perf_counter()
    (status, _, _), seconds, peak = stack.portal(lambda: stack.browser.post_form(location, fields))
    confirm = (str(status), seconds, peak)
    verdict = wait_for(lambda: job(pk, status__in=["succeeded", "failed"]), timeout, every=0.5)
    return upload, confirm, (verdict, time.perf_counter() - started, peak_mb(worker), before)


def customer_ids(stack: Stack, results: Results, merchant, worker: list[int], media: Path):
    import psycopg

    today = dt.date.today()
    header = b"order_id,ordered_at,sku,location,quantity,unit_price,customer_id\n"

    def lines(count: int, start: int) -> bytes:
        return b"".join(
            f"{start + i},{today - dt.timedelta(days=1 + i % 60)}T10:00,SKU{i % SKUS:04d},WH,"
            f"{1 + i % 3},2.50,shopper.{start + i}@{CUSTOMER_DOMAIN}\n".encode()
            for i in range(count)
        )

    good = header + lines(500, 1000)
    refused = (
        header
        + lines(200, 5000)
        + f"9001,{today}T10:00,SKU0001,WH,x,2.50,bad.row@{CUSTOMER_DOMAIN}\n".encode()
        + f"9002,{today}T10:00,SKU0001,WH,1,2.50,{'long@' + CUSTOMER_DOMAIN * 12}\n".encode()
    )
    for name, content in (("orders-good.csv", good), ("orders-refused.csv", refused)):
        upload, confirm, job = run_import(stack, merchant, name, content, worker, 120)
        results.add(
            Row(
                "customer ids",
                f"{name}: upload",
                upload[0],
                upload[1],
                upload[2],
                "file kept for ever",
            )
        )
        if confirm is None:
            continue
        results.add(
            Row("customer ids", f"{name}: confirm", confirm[0], confirm[1], confirm[2], "-")
        )
        verdict, seconds, peak, before = job
        results.add(
            Row(
                "customer ids",
                f"{name}: import job (worker)",
                verdict.status if verdict else "running",
                seconds,
                peak,
                "errors echo the ids",
                request=False,
                note=f"worker at {before:.0f} MB before; "
                + (verdict.message[:70] if verdict else "still running"),
            )
        )

    # Every text and JSON column of every table, as the owner (row-level security does not
    # hide rows from the table's owner), and every file under MEDIA_ROOT.
    pattern = f"%{CUSTOMER_DOMAIN}%"
    found: dict[str, int] = {}
    scanned = 0
    with psycopg.connect(OWNER_URL) as connection:
        columns = connection.execute(
            "SELECT table_name, column_name FROM information_schema.columns c "
            "JOIN pg_class k ON k.relname = c.table_name AND k.relkind IN ('r', 'p') "
            "WHERE table_schema = 'public' AND data_type IN "
            "('text', 'character varying', 'character', 'json', 'jsonb')"
        ).fetchall()
        for table, column in columns:
            scanned += 1
            count = connection.execute(
                f'SELECT count(*) FROM "{table}" WHERE "{column}"::text ILIKE %s',
                [pattern],
            ).fetchone()[0]
            if count:
                found[f"{table}.{column}"] = count
    files = [path for path in media.rglob("*") if path.is_file()]
    on_disk = []
    for path in files:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        if CUSTOMER_DOMAIN.encode() in data.lower():
            on_disk.append(str(path.relative_to(media)))
    summary = (
        f"{sum(found.values())} rows in {len(found)} of {scanned} text/JSON columns; "
        f"{len(on_disk)} of {len(files)} files under MEDIA_ROOT"
    )
    say(
        f"raw customer emails: {summary}"
        + (f" ({', '.join([*found, *on_disk])})" if found or on_disk else "")
    )
    results.checks["customer ids"] = (not found and not on_disk, summary)


def gzip_inputs(stack: Stack, results: Results, merchant, worker: list[int], timeout: float):
    expanded = 60_000_000
    endless = gzip.compress(b"sku,location,date,units," + b"u" * expanded, 9)
    blank = gzip.compress(b"sku,location,date,units\n" + b"\n" * expanded, 9)
    api_row(
        stack,
        results,
        ("gzip", f"{len(blank) / 1000:.0f} KB gzip to the API (Content-Encoding)", "-"),
        "POST",
        "/api/v1/sales/bulk/",
        blank,
        {"Content-Type": "text/csv", "Content-Encoding": "gzip"},
    )
    upload, _, _ = run_import(stack, merchant, "endless.csv.gz", endless, worker, timeout)
    results.add(
        Row(
            "gzip",
            f"{len(endless) / 1000:.0f} KB gzip, one 60 MB line: upload",
            upload[0],
            upload[1],
            upload[2],
            "507 s, 486 MB",
        )
    )
    upload, confirm, job = run_import(stack, merchant, "blank.csv.gz", blank, worker, timeout)
    results.add(
        Row(
            "gzip",
            f"{len(blank) / 1000:.0f} KB gzip, header + 60 M blank lines: upload",
            upload[0],
            upload[1],
            upload[2],
            "507 s, 486 MB",
        )
    )
    if confirm is not None:
        results.add(
            Row("gzip", "... its mapping confirmed", confirm[0], confirm[1], confirm[2], "-")
        )
        verdict, seconds, peak, before = job
        outcome = verdict.message[:70] if verdict else f"still running after {timeout:g} s"
        results.add(
            Row(
                "gzip",
                "... its import job (worker)",
                verdict.status if verdict else "running",
                seconds,
                peak,
                "507 s, 486 MB",
                request=False,
                note=f"worker at {before:.0f} MB before; {outcome}",
            )
        )
        results.checks["gzip job"] = (
            verdict is not None and seconds <= MAX_JOB_SECONDS,
            f"{verdict.status if verdict else 'running'} after {seconds:.0f} s, worker "
            f"peak {peak:.0f} MB ({before:.0f} MB before); the review: 507 s, 486 MB",
        )

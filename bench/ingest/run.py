"""Ingestion benchmark: 1,000,000 daily sales rows for one merchant through the public API.

Starts the real stack (a fresh PostgreSQL database on the local server, migrated; gunicorn
serving the production settings), then prints side by side:

- end to end: rows/s through HTTP, batches of 10,000 rows, 2 clients at once;
- naive: the same kind of rows through a plain DRF ModelSerializer(many=True) create
  (in-process, no HTTP, on a 50,000-row slice: it is too slow for the million);
- floor: a raw COPY of the million rows into the same table;
- the web workers' peak memory (VmHWM), overall and for one 10,000-row request.

    .venv/bin/python bench/ingest/run.py [--rows 1000000] [--batch 10000] [--clients 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import signal
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench import database, server  # noqa: E402  (after the path that makes it importable)

DATABASE = "shelfcast_bench"
OWNER_URL = database.urls(DATABASE)["DATABASE_OWNER_URL"]
SKUS = 1000


def environment() -> dict[str, str]:
    return server.production_environment(DATABASE, API_RATE_LIMIT="100000/minute")


def make_merchant(slug: str):
    from accounts.models import User
    from accounts.roles import Role
    from accounts.services import api_token_create, merchant_create
    from inventory.ingest.service import ingest

    owner = User.objects.create_user(email=f"{slug}@bench.test", password=None)
    merchant = merchant_create(name=slug, owner=owner, slug=slug)
    ingest(merchant=merchant, resource_name="locations", rows=[{"code": "WH", "name": "WH"}])
    ingest(
        merchant=merchant,
        resource_name="skus",
        rows=[{"code": f"SKU{i:04d}", "name": f"Product {i}"} for i in range(SKUS)],
    )
    token = api_token_create(merchant=merchant, name="bench", role=Role.PLANNER, actor=owner)
    return merchant, token.secret


def sales_rows(count: int, start: dt.date = dt.date(2020, 1, 1)) -> list[dict]:
    return [
        {
            "sku": f"SKU{i % SKUS:04d}",
            "location": "WH",
            "date": (start + dt.timedelta(days=i // SKUS)).isoformat(),
            "units": str(i % 13),
            "revenue": f"{(i % 13) * 2.5:.2f}",
        }
        for i in range(count)
    ]


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def post(port: int, token: str, body: bytes) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.request(
        "POST",
        "/api/v1/sales/bulk/",
        body=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    response = connection.getresponse()
    return response.status, response.read()


def end_to_end(port: int, token: str, batches: list[bytes], clients: int) -> float:
    queue = list(enumerate(batches))
    lock = threading.Lock()
    failures: list[str] = []

    def client() -> None:
        while True:
            with lock:
                if not queue:
                    return
                _, body = queue.pop(0)
            status, answer = post(port, token, body)
            if status != 200:
                failures.append(f"{status} {answer[:300]!r}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} batches failed, first: {failures[0]}")
    return elapsed


def naive(rows: list[dict]) -> float:
    """A plain DRF ModelSerializer bulk create: what the API would be without the fast path."""
    from django.db import transaction
    from rest_framework import serializers

    from accounts.tenancy import tenant_context
    from inventory.models import SKU, Location, SalesDay

    merchant, _ = make_merchant("naive")

    class SalesDaySerializer(serializers.ModelSerializer):
        sku = serializers.SlugRelatedField(slug_field="code", queryset=SKU.objects.none())
        location = serializers.SlugRelatedField(slug_field="code", queryset=Location.objects.none())

        class Meta:
            model = SalesDay
            fields = ["sku", "location", "date", "units", "revenue"]

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["sku"].queryset = SKU.objects.for_merchant(merchant)
            self.fields["location"].queryset = Location.objects.for_merchant(merchant)

    started = time.perf_counter()
    for start in range(0, len(rows), 10_000):
        with transaction.atomic(), tenant_context(merchant):
            serializer = SalesDaySerializer(data=rows[start : start + 10_000], many=True)
            serializer.is_valid(raise_exception=True)
            serializer.save(merchant=merchant)
    return time.perf_counter() - started


def raw_copy(count: int) -> float:
    from accounts.tenancy import tenant_context
    from inventory.models import SKU, Location

    merchant, _ = make_merchant("floor")
    with tenant_context(merchant):
        sku_ids = list(
            SKU.objects.for_merchant(merchant).order_by("code").values_list("id", flat=True)
        )
        location_id = Location.objects.for_merchant(merchant).get().id
    start = dt.date(2020, 1, 1)
    now = dt.datetime.now(dt.UTC)
    tuples = [
        (
            merchant.pk,
            sku_ids[i % SKUS],
            location_id,
            start + dt.timedelta(days=i // SKUS),
            Decimal(i % 13),
            Decimal(0),
            Decimal((i % 13) * 2.5),
            False,
            False,
            now,
            now,
        )
        for i in range(count)
    ]
    columns = (
        "merchant_id, sku_id, location_id, date, units, units_returned, revenue,"
        " on_promotion, stock_out, created_at, updated_at"
    )
    # PostgreSQL refuses COPY into a table with row-level security, so the floor is measured
    # as the table's owner: it is the physical limit, with no policy in the way.
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(OWNER_URL.replace("postgres://", "postgresql://")) as owner:
        with owner.cursor() as cursor:
            with cursor.copy(f"COPY inventory_salesday ({columns}) FROM STDIN") as copy:
                for row in tuples:
                    copy.write_row(row)
        owner.commit()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--naive-rows", type=int, default=50_000)
    args = parser.parse_args()

    import orjson

    print(f"Setting up a fresh database {DATABASE} …", flush=True)
    database.create(
        DATABASE, environment(), [("migrate", "-v0"), ("collectstatic", "--noinput", "-v0")]
    )
    database.django_setup(environment())
    merchant, token = make_merchant("bench")
    rows = sales_rows(args.rows)
    batches = [orjson.dumps(rows[i : i + args.batch]) for i in range(0, len(rows), args.batch)]
    port = server.free_port()
    web = server.start_gunicorn(port, environment())
    try:
        workers = worker_pids(web.pid)
        # One 10,000-row request on a fresh worker first: its memory peak on its own.
        status, _ = post(port, token, orjson.dumps(sales_rows(10_000, dt.date(2015, 1, 1))))
        assert status == 200, status
        single_peak = max(peak_rss_mb(pid) for pid in workers)
        print(
            f"Pushing {args.rows:,} rows in {len(batches)} batches, {args.clients} clients …",
            flush=True,
        )
        elapsed = end_to_end(port, token, batches, args.clients)
        overall_peak = max(peak_rss_mb(pid) for pid in workers)
    finally:
        web.send_signal(signal.SIGTERM)
        web.wait(timeout=30)

    from accounts.tenancy import tenant_context
    from inventory.models import SalesDay

    with tenant_context(merchant):
        stored = SalesDay.objects.for_merchant(merchant).filter(date__gte="2020-01-01").count()
    assert stored == args.rows, f"stored {stored} of {args.rows}"

    print(f"Naive DRF serializer on {args.naive_rows:,} rows …", flush=True)
    naive_seconds = naive(sales_rows(args.naive_rows))
    print(f"Raw COPY of {args.rows:,} rows …", flush=True)
    copy_seconds = raw_copy(args.rows)

    e2e = args.rows / elapsed
    naive_rate = args.naive_rows / naive_seconds
    floor = args.rows / copy_seconds
    print()
    print(f"{'path':<44}{'rows':>11}{'seconds':>10}{'rows/s':>11}")
    table = [
        ("API end to end (HTTP, gunicorn, 2 workers)", args.rows, elapsed, e2e),
        ("naive DRF ModelSerializer (in-process)", args.naive_rows, naive_seconds, naive_rate),
        ("raw COPY (physical floor)", args.rows, copy_seconds, floor),
    ]
    for label, count, seconds, rate in table:
        print(f"{label:<44}{count:>11,}{seconds:>10.1f}{rate:>11,.0f}")
    print()
    print(f"end to end vs naive: {e2e / naive_rate:.1f}x; end to end vs floor: {e2e / floor:.0%}")
    print(
        f"web worker peak memory: {single_peak:.0f} MB after one {10_000:,}-row request, "
        f"{overall_peak:.0f} MB over the whole run"
    )
    print(
        f"targets: >= 25,000 rows/s end to end: {'met' if e2e >= 25_000 else 'NOT met'}; "
        f">= 10x naive: {'met' if e2e >= 10 * naive_rate else 'NOT met'}; "
        f"< 500 MB per 10,000-row request: {'met' if single_peak < 500 else 'NOT met'}"
    )
    database.drop(DATABASE)


if __name__ == "__main__":
    main()

"""Portal speed under load: the list pages of a 10,000-SKU store, 20 concurrent users.

Starts the real stack on loopback: a fresh PostgreSQL database (migrated; the application
role under row-level security), the store loaded through ingestion (365 days of sales), its
nightly forecast and planning run, and gunicorn serving the production settings. Then locust
(headless) plays 20 signed-in members browsing for ``--seconds`` and the script prints each
page's requests, failures and p50/p95/p99 response time, as the clients saw it and as the
server spent it (its Server-Timing header), beside the 300 ms server-time target of the
list pages (a SKU's forecast page is shown beside them).

    .venv/bin/python bench/portal/run.py [--skus 10000] [--users 20] [--seconds 90]
        [--workers 4]

Run it alone: with 2 cores, the load generator and the server share the machine, so the
figures are an upper bound on what a server of its own would show.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench import database, server  # noqa: E402

DATABASE = "shelfcast_bench_portal"
TARGET_MS = 300


def environment() -> dict[str, str]:
    return server.production_environment(DATABASE)


def prepare(skus: int):
    """The store, its night and its planning; a signed-in member's session cookie."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db import transaction

    from accounts.models import User
    from accounts.tenancy import tenant_context
    from bench.forecast.speed import load_merchant
    from forecasting.engine import forecast_run_execute
    from forecasting.models import ForecastRun
    from inventory.models import SKU
    from planning import alerts, promotions, services

    started = time.perf_counter()
    merchant = load_merchant("portal", skus, seed=3)
    with tenant_context(merchant):
        run = ForecastRun.objects.create(merchant=merchant, horizon=56)
    run = forecast_run_execute(merchant=merchant, run_id=run.pk, chunked=False)
    with transaction.atomic(), tenant_context(merchant):
        services.reorder_suggestions_plan(merchant=merchant, run=run)
        alerts.alerts_refresh(merchant=merchant, run=run)
        promotions.promotion_plans_propose(merchant=merchant, run=run)
        sku_ids = list(SKU.objects.for_merchant(merchant).values_list("pk", flat=True)[:500])
    print(f"store loaded, forecast and planned in {time.perf_counter() - started:.0f} s")
    user = User.objects.get(email="portal@forecast.test")
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return merchant.slug, f"{settings.SESSION_COOKIE_NAME}={session.session_key}", sku_ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skus", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=90)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    env = environment()
    database.create(
        DATABASE, env, commands=(("migrate", "-v0"), ("collectstatic", "--noinput", "-v0"))
    )
    database.django_setup(env)
    slug, cookie, sku_ids = prepare(args.skus)
    port = server.free_port()
    web = server.start_gunicorn(port, env, workers=args.workers)
    out = Path(tempfile.mkdtemp()) / "portal"
    try:
        command = [
            str(Path(sys.executable).parent / "locust"),
            "-f", str(ROOT / "bench/portal/locustfile.py"),
            "--headless", "-u", str(args.users), "-r", str(args.users),
            "-t", f"{args.seconds}s", "--host", f"http://127.0.0.1:{port}",
            "--csv", str(out), "--only-summary", "--loglevel", "WARNING",
        ]  # fmt: skip
        subprocess.run(
            command,
            env={
                **os.environ,
                "BENCH_SLUG": slug,
                "BENCH_SESSION_COOKIE": cookie,
                "BENCH_SKU_IDS": ",".join(map(str, sku_ids)),
            },
            check=False,
        )
    finally:
        web.terminate()
        web.wait(timeout=30)
        database.drop(DATABASE)
    with open(f"{out}_stats.csv") as handle:
        rows = list(csv.DictReader(handle))
    print(
        f"\n{args.skus:,} SKUs, {args.users} users for {args.seconds} s, gunicorn "
        f"{args.workers} workers, all on this {os.cpu_count()}-core machine"
    )
    print("server: the time Django spent (Server-Timing); client: what locust saw, queueing "
          "for a free worker included")  # fmt: skip
    print(f"{'page':<20}{'requests':>9}{'failed':>8}{'req/s':>7}{'client p50':>11}"
          f"{'p95':>6}{'p99':>6}{'server p50':>11}{'p95':>6}{'p99':>6}"
          f"  target: server p95 < {TARGET_MS} ms")  # fmt: skip
    timed = {row["Name"]: row for row in rows if row["Type"] == "SERVER"}
    for row in rows:
        if row["Type"] == "SERVER" or row["Name"] == "Aggregated":
            continue
        own = timed.get(row["Name"], {})
        p95 = float(own.get("95%") or 0)
        verdict = "met" if own and p95 < TARGET_MS else "NOT met"
        if row["Name"] == "sku forecast":
            verdict = "(not a list page)"
        print(
            f"{row['Name']:<20}{int(row['Request Count']):>9,}{int(row['Failure Count']):>8,}"
            f"{float(row['Requests/s']):>7.1f}{float(row['50%'] or 0):>11.0f}"
            f"{float(row['95%'] or 0):>6.0f}{float(row['99%'] or 0):>6.0f}"
            f"{float(own.get('50%') or 0):>11.0f}{p95:>6.0f}{float(own.get('99%') or 0):>6.0f}"
            f"  {verdict}"
        )
    overall = [row for row in rows if row["Type"] != "SERVER" and row["Name"] != "Aggregated"]
    print(f"{'all pages':<20}{sum(int(r['Request Count']) for r in overall):>9,}"
          f"{sum(int(r['Failure Count']) for r in overall):>8,}"
          f"{sum(float(r['Requests/s']) for r in overall):>7.1f}")  # fmt: skip


if __name__ == "__main__":
    main()

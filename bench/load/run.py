"""The API and the portal under concurrent load for a few minutes, on the real stack
(loopback): error rate, p50/p95/p99 latency and throughput per endpoint and overall.

    .venv/bin/python bench/load/run.py [--skus 10000] [--users 30] [--seconds 180]
        [--workers 4]

The store of bench/portal (10,000 SKUs x 365 days, forecast and planned) behind gunicorn
with the production settings; locust plays ``--users`` users, two thirds merchants browsing
the portal's pages (bench/portal/locustfile.py), one third an ERP reading the API and syncing
sales in 200-row bulk batches (bench/load/locustfile.py). A Celery worker runs the tasks the
syncs queue (the catalogue figures' rebuild). Printed: the clients' figures per endpoint,
then the portal pages' own time on the server (Server-Timing). Run it alone: load generator
and server share this machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench import database, server  # noqa: E402
from bench.portal import run as portal  # noqa: E402

DATABASE = "shelfcast_bench_load"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skus", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    env = server.production_environment(DATABASE)
    database.create(
        DATABASE, env, commands=(("migrate", "-v0"), ("collectstatic", "--noinput", "-v0"))
    )
    database.django_setup(env)
    slug, cookie, sku_ids = portal.prepare(args.skus)
    from accounts.models import Merchant, User
    from accounts.roles import Role
    from accounts.services import api_token_create
    from accounts.tenancy import tenant_context
    from inventory.models import SKU, SalesDay

    merchant = Merchant.objects.get(slug=slug)
    owner = User.objects.get(email="portal@forecast.test")
    token = api_token_create(merchant=merchant, name="ERP", role=Role.PLANNER, actor=owner)
    with tenant_context(merchant):
        codes = list(SKU.objects.for_merchant(merchant).values_list("code", flat=True)[:2000])
        last = SalesDay.objects.for_merchant(merchant).latest("date").date
    import redis

    redis.Redis.from_url(env["CELERY_BROKER_URL"]).flushdb()  # no task of an earlier run
    port = server.free_port()
    web = server.start_gunicorn(port, env, workers=args.workers)
    # the tasks a sync queues (the catalogue figures' rebuild) run on a worker, as in
    # production, not in the request
    worker = server.start_worker(env, "ingest,default", "load-worker")
    out = Path(tempfile.mkdtemp()) / "load"
    server_times = Path(f"{out}_server.csv")
    try:
        subprocess.run(
            [str(Path(sys.executable).parent / "locust"),
             "-f", str(ROOT / "bench/load/locustfile.py"),
             "--headless", "-u", str(args.users), "-r", str(args.users), "-t", f"{args.seconds}s",
             "--host", f"http://127.0.0.1:{port}", "--csv", str(out), "--only-summary",
             "--loglevel", "WARNING"],
            env={**os.environ, "PYTHONPATH": str(ROOT), "BENCH_SLUG": slug,
                 "BENCH_SESSION_COOKIE": cookie, "BENCH_SKU_IDS": ",".join(map(str, sku_ids)),
                 "BENCH_API_TOKEN": token.secret, "BENCH_SKU_CODES": ",".join(codes),
                 "BENCH_TODAY": last.isoformat(), "BENCH_SERVER_TIMES": "0",
                 "BENCH_SERVER_TIMES_FILE": str(server_times)},
            check=False,
        )  # fmt: skip
    finally:
        web.terminate()
        web.wait(timeout=30)
        server.kill(worker)
        database.drop(DATABASE)
    with open(f"{out}_stats.csv") as handle:
        rows = [row for row in csv.DictReader(handle) if row["Type"] != "SERVER"]
    print(f"\n{args.users} users for {args.seconds} s against gunicorn ({args.workers} "
          f"workers), {args.skus:,} SKUs, all on this {os.cpu_count()}-core machine; "
          "client-side times")  # fmt: skip
    print(f"{'endpoint':<28}{'requests':>9}{'errors':>8}{'error %':>8}{'req/s':>7}{'p50':>6}"
          f"{'p95':>6}{'p99':>7}")  # fmt: skip
    for row in rows:
        requests, failures = int(row["Request Count"]), int(row["Failure Count"])
        print(f"{row['Name']:<28}{requests:>9,}{failures:>8,}"
              f"{100 * failures / max(requests, 1):>7.2f}%{float(row['Requests/s']):>7.1f}"
              f"{float(row['50%'] or 0):>6.0f}{float(row['95%'] or 0):>6.0f}"
              f"{float(row['99%'] or 0):>7.0f}")  # fmt: skip

    if server_times.exists():
        print_server_times(server_times)


def print_server_times(path: Path) -> None:
    """The portal pages' own times on the server (their Server-Timing header) under this load."""
    import numpy as np

    times: dict[str, list[float]] = {}
    for line in path.read_text().splitlines():
        name, duration = line.rsplit(",", 1)
        times.setdefault(name, []).append(float(duration))
    print("\nportal pages, the server's own time (Server-Timing), ms")
    print(f"{'page':<28}{'requests':>9}{'p50':>6}{'p95':>6}{'p99':>7}")
    for name, values in sorted(times.items()):
        p50, p95, p99 = np.percentile(values, [50, 95, 99])
        print(f"{name:<28}{len(values):>9,}{p50:>6.0f}{p95:>6.0f}{p99:>7.0f}")


if __name__ == "__main__":
    main()

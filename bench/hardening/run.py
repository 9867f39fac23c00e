"""The security review's inputs (issue 18) sent again to the real stack, beside the review's
figures and the targets: no request over 5 s or 256 MB, no server error, no sales partition
made outside the sales window, no redirect followed by a webhook, no raw customer id on disk
or in the database.

    .venv/bin/python bench/hardening/run.py [--job-timeout 150] [--keep-database]

The stack on loopback: a redis-server of its own (cache and broker; the machine's 6379 is not
touched), a fresh PostgreSQL database (`bench.database`, migrated, the application role with
row-level security), gunicorn serving the production settings (`bench.server`, 2 workers),
one Celery worker on the ingest queue (imports), and a store of 1,000 SKUs whose owner signs
in to the portal and whose ERP holds a planner's API token (`bench/ingest/run.py`).
collectstatic runs only when the benches' STATIC_ROOT is older than `static/`.

Each input is one request (API token, or the owner's portal session) and is printed with its
HTTP status, its seconds as the client saw them and the web workers' peak memory while it ran
(VmHWM, reset before each request through /proc/<pid>/clear_refs). The inputs:

- sales: 1,500 rows in one request, one in each of 1,500 months from 0001-01-01 to
  9999-12-31; the sales table's partitions (pg_inherits) are counted before, after the
  request and after partition upkeep (`inventory.partitions.ensure_sales_partitions`, the
  daily task's work), then after the same rows are written around the API, as the table's
  owner, into the default partition and upkeep runs again;
- numbers: "customers": "1e999999999" and other exponents, 100,000-digit numbers, a bare JSON
  1e999999999 and a 5,000-digit JSON integer;
- NUL characters in codes, names, order and customer ids, JSON and CSV;
- CR/LF (and NUL) in query parameters of the API's lists and of the portal's orders export;
- size: a CSV just under API_MAX_BODY_BYTES (16 MiB) of 1.5 million tiny rows to a bulk
  endpoint, and a body past it;
- gzip: a 58 KB gzip (60 MB once expanded) sent to the API as Content-Encoding: gzip, and
  uploaded as a portal import twice: one endless line, and a header followed by 60 million
  blank lines (its import job timed on the worker for at most ``--job-timeout`` seconds,
  with the worker's peak memory; a worker's time, not a request, so shown without a target);
- sign-in: 30 wrong passwords for one account at once, against a second gunicorn of 2
  workers x 15 threads (a sync worker takes one request at a time, which would queue most of
  the burst); the guesses whose password was checked are the failed sign-ins recorded;
- webhook: a delivery to a local HTTP server that answers 302 to a second local server, driven
  in-process through `planning.notifications.webhook_deliver` as the worker runs it; the
  servers are on loopback, so WEBHOOK_ALLOW_PRIVATE_HOSTS is switched on for it (as the test
  settings do), and the same delivery is tried again with it off, as in production;
- customer ids: two order-lines imports (one loads, one is refused for its rows) with raw
  customer emails, after which every text and JSON column of every table (as the owner, past
  row-level security) and every file under MEDIA_ROOT are searched for them.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench import database, server  # noqa: E402
from bench.hardening.bad_inputs import bad_inputs  # noqa: E402
from bench.hardening.imports import customer_ids, gzip_inputs  # noqa: E402
from bench.hardening.sales_partitions import sales_partitions  # noqa: E402
from bench.hardening.sign_in import sign_in_burst  # noqa: E402
from bench.hardening.stack import (  # noqa: E402
    DATABASE,
    MAX_JOB_SECONDS,
    MAX_MB,
    MAX_SECONDS,
    PASSWORD,
    Results,
    Stack,
    say,
)
from bench.hardening.webhooks import webhook_redirect  # noqa: E402
from bench.ingest.run import make_merchant, worker_pids  # noqa: E402
from bench.reliability.loopback import Browser, port_free, start_redis, stop  # noqa: E402
from bench.server import start_worker, wait_for  # noqa: E402


def report(results: Results) -> bool:
    print(f"\n{'input':<58}{'status':>24}{'seconds':>9}{'peak MB':>9}  review")
    for row in results.rows:
        seconds = f"{row.seconds:.2f}" if row.seconds is not None else "-"
        peak = f"{row.peak:.0f}" if row.peak is not None else "-"
        label = f"{row.group}: {row.label}"
        print(f"{label[:57]:<58}{row.status[:23]:>24}{seconds:>9}{peak:>9}  {row.review}")
        if row.note:
            print(f"{'':<4}{row.note}")
    requests = [row for row in results.rows if row.request]
    slow = [row for row in requests if row.seconds is not None and row.seconds > MAX_SECONDS]
    large = [row for row in requests if row.peak is not None and row.peak > MAX_MB]
    errors = [row for row in requests if row.status.startswith("5")]
    verdicts = [
        (
            f"no request over {MAX_SECONDS:g} s",
            not slow,
            f"slowest {max(r.seconds for r in requests):.2f} s over {len(requests)} requests",
        ),
        (
            f"no request over {MAX_MB:g} MB (web worker VmHWM)",
            not large,
            f"largest {max(r.peak for r in requests):.0f} MB",
        ),
        ("no 500s", not errors, f"{len(errors)} server errors"),
        ("0 sales partitions outside the sales window", *results.checks["partitions"]),
        ("0 redirects followed by webhook delivery", *results.checks["redirects"]),
        ("0 raw customer ids on disk or in the database", *results.checks["customer ids"]),
    ]
    extra = [
        ("sign-in lockout: 0 passwords checked past the limit", *results.checks["lockout"]),
        ("orders export: no header injected", *results.checks["export header"]),
        (
            f"a 58 KB gzip's import job ends within {MAX_JOB_SECONDS:g} s",
            *results.checks.get("gzip job", (False, "its upload was not confirmed")),
        ),
    ]
    print()
    for name, met, detail in [*verdicts, *extra]:
        print(f"{name:<58}{'met' if met else 'NOT met':<9}{detail}")
    for row in slow + large + errors:
        print(f"  not met by: {row.group}: {row.label}")
    for name, figures in results.unjudged:
        print(f"{name:<58}{'(no target)':<9}  {figures}")
    return all(met for _, met, _ in [*verdicts, *extra])


def collect_static(environment: dict) -> list[tuple[str, ...]]:
    """collectstatic, unless STATIC_ROOT's manifest (shared by the benches) is newer than every
    file under static/: on two busy cores it takes minutes, most of this run's budget."""
    manifest = Path(environment["STATIC_ROOT"]) / "staticfiles.json"
    sources = [path.stat().st_mtime for path in (ROOT / "static").rglob("*") if path.is_file()]
    if manifest.exists() and manifest.stat().st_mtime > max(sources, default=0):
        return []
    return [("collectstatic", "--noinput", "-v0")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--job-timeout", type=float, default=150.0, help="seconds to wait for the gzip import's job"
    )
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()
    redis_port = args.redis_port if port_free(args.redis_port) else server.free_port()
    directory = Path(tempfile.mkdtemp(prefix="shelfcast-hardening-"))
    media = directory / "media"
    environment = server.production_environment(
        DATABASE,
        CELERY_BROKER_URL=f"redis://127.0.0.1:{redis_port}/0",
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/1",  # shared counts, as in production
        MEDIA_ROOT=str(media),
        API_RATE_LIMIT="100000/minute",
    )
    processes: dict[str, subprocess.Popen] = {}
    results = Results()
    try:
        processes["redis"] = start_redis(redis_port, directory / "redis.log")
        say(f"redis-server on {redis_port}; creating and migrating {DATABASE} …")
        database.create(DATABASE, environment, [("migrate", "-v0"), *collect_static(environment)])
        database.django_setup(environment)
        from accounts.models import User

        merchant, token = make_merchant("hardening")
        owner = User.objects.get(email="hardening@bench.test")
        owner.set_password(PASSWORD)
        owner.save()
        port = server.free_port()
        processes["web"] = server.start_gunicorn(port, environment)
        processes["ingest worker"] = start_worker(environment, "ingest", "hardening-ingest")
        worker = wait_for(lambda: worker_pids(processes["ingest worker"].pid), 60)
        if not worker:
            raise SystemExit("the ingest worker did not start")
        browser = Browser(port)
        if (
            browser.post_form("/accounts/login/", {"username": owner.email, "password": PASSWORD})[
                0
            ]
            != 302
        ):
            raise SystemExit("the owner could not sign in")
        stack = Stack(port, token, worker_pids(processes["web"].pid), browser)
        say(f"database {DATABASE}, gunicorn on {port}, ingest worker, redis on {redis_port}")

        sales_partitions(stack, results, merchant)
        bad_inputs(stack, results, merchant.slug)
        webhook_redirect(results, merchant)
        customer_ids(stack, results, merchant, worker, media)
        sign_in_burst(environment, results, owner.email)
        gzip_inputs(stack, results, merchant, worker, args.job_timeout)
        passed = report(results)
    finally:
        stop(processes)
        if not args.keep_database:
            database.drop(DATABASE)
        shutil.rmtree(directory, ignore_errors=True)
    say("done")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()

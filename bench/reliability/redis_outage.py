"""Redis stopped for a minute: the portal and the API keep answering reads, an import
submitted meanwhile is queued (not a 500), and once Redis is back, empty, every queued job
runs, the one whose task was waiting in Redis when it stopped included; nothing is lost and
nothing is loaded twice.

    .venv/bin/python bench/reliability/redis_outage.py [--down 60] [--rows 50000]
        [--database shelfcast_bench_redis_outage] [--keep-database]

The real stack on loopback: a redis-server of its own on ``--redis-port`` (6390; no snapshot,
no append-only file: a restart starts empty, as in production here), never the machine's
Redis on 6379; a PostgreSQL database on the local server (`bench.database`, created and
migrated); gunicorn with the production settings (`bench.server`); two `celery worker`s
(`bench.server`), one on the ingest queue, one on the default queue, where
the sweep that sends stranded jobs again runs (`core.dispatch`). The sweep is sent every
``--sweep-every`` seconds, as beat sends it every five minutes in production, and sends jobs
queued for over ``--redispatch-after`` seconds (CELERY_REDISPATCH_AFTER_SECONDS).

1. A store of 1,000 SKUs; a member signs in to the portal; an ERP holds an API token.
2. Import 0 (``--rows`` daily sales) is submitted through the portal and starts; import 1 is
   submitted and its task waits in Redis behind it (the one ingest worker is busy).
3. Redis is stopped. For ``--down`` seconds the portal's pages and the API's reads are
   requested in turn; import 2 is uploaded and confirmed in the portal, and the ERP syncs
   sales through the API.
4. Redis starts again, empty: import 1's task is gone with it. The sweep sends imports 1 and
   2 again; both run. A late duplicate of import 1's task is sent: it finds the job done.

Printed with the time since the start: what was done and seen, then a summary: answers and
errors per page and endpoint while Redis was down, each import's fate, and the store's sales
rows beside what the files and the sync hold.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench import database, server  # noqa: E402
from bench.ingest.run import make_merchant, post, sales_rows  # noqa: E402
from bench.reliability.loopback import Browser, port_free, start_redis, stop  # noqa: E402
from bench.server import start_worker, wait_for  # noqa: E402

PASSWORD = "outage-bench-password-1"  # a throwaway store's member
STARTED = time.monotonic()
PAGES = ["", "skus/", "data/", "forecasts/", "planning/orders/", "planning/alerts/"]
API = ["/api/v1/skus/", "/api/v1/locations/", "/api/v1/sales/", "/api/v1/stock-levels/"]


def say(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f} s] {message}", flush=True)


def csv_of(rows: list[dict]) -> bytes:
    lines = [",".join(rows[0])] + [",".join(str(value) for value in row.values()) for row in rows]
    return ("\n".join(lines) + "\n").encode()


class Sweeper(threading.Thread):
    """Sends the sweep task every few seconds, as beat would: while Redis is down the send
    fails (counted), and beat goes on."""

    def __init__(self, every: float):
        super().__init__(daemon=True)
        self.every, self.sent, self.failed = every, 0, 0
        self.stopping = threading.Event()

    def run(self) -> None:
        from kombu.exceptions import OperationalError

        from core.tasks import redispatch_stranded_task

        while not self.stopping.wait(self.every):
            try:
                redispatch_stranded_task.apply_async()
                self.sent += 1
            except OperationalError:
                self.failed += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--down", type=float, default=60.0, help="seconds Redis stays stopped")
    parser.add_argument("--rows", type=int, default=50_000, help="daily sales in import 0")
    parser.add_argument("--redis-port", type=int, default=6390)
    parser.add_argument("--redispatch-after", type=int, default=10)
    parser.add_argument("--sweep-every", type=float, default=5.0)
    parser.add_argument("--database", default="shelfcast_bench_redis_outage")
    parser.add_argument("--keep-database", action="store_true", help="do not drop it at the end")
    args = parser.parse_args()
    redis_port = args.redis_port if port_free(args.redis_port) else server.free_port()
    directory = Path(tempfile.mkdtemp(prefix="shelfcast-redis-outage-"))
    environment = server.production_environment(
        args.database,
        CELERY_BROKER_URL=f"redis://127.0.0.1:{redis_port}/0",
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/1",
        CELERY_REDISPATCH_AFTER_SECONDS=str(args.redispatch_after),
        MEDIA_ROOT=str(directory / "media"),  # the uploads, shared by gunicorn and the worker
        API_RATE_LIMIT="100000/minute",
    )
    processes: dict[str, subprocess.Popen] = {}
    redis_log = directory / "redis.log"
    sweeper = None
    try:
        processes["redis"] = start_redis(redis_port, redis_log)
        say(f"redis-server on port {redis_port} (nothing persisted; the machine's 6379 untouched)")
        database.create(
            args.database,
            environment,
            commands=(("migrate", "-v0"), ("collectstatic", "--noinput", "-v0")),
        )
        database.django_setup(environment)
        import orjson
        import redis
        from django.db.models import Sum

        from accounts.models import User
        from accounts.tenancy import tenant_context
        from core import dispatch
        from inventory.models import ImportJob, SalesDay
        from inventory.tasks import run_import_task

        merchant, token = make_merchant("outage")
        owner = User.objects.get(email="outage@bench.test")
        owner.set_password(PASSWORD)
        owner.save()
        say(f"database {args.database} migrated; store '{merchant.slug}' with 1,000 SKUs")

        port = server.free_port()
        processes["web"] = server.start_gunicorn(port, environment, workers=2)
        processes["ingest worker"] = start_worker(environment, "ingest", "outage-ingest")
        processes["default worker"] = start_worker(environment, "default", "outage-default")
        sweeper = Sweeper(args.sweep_every)
        sweeper.start()
        broker = redis.Redis(port=redis_port, db=0)
        say(f"gunicorn on {port}, workers on ingest and default, sweep every "
            f"{args.sweep_every:g} s (jobs queued over {args.redispatch_after} s)")  # fmt: skip

        browser = Browser(port)
        status, _, _ = browser.post_form(
            "/accounts/login/", {"username": owner.email, "password": PASSWORD}
        )
        if status != 302:
            raise SystemExit(f"sign-in answered {status}")
        base = f"/m/{merchant.slug}/"

        def job(pk: int) -> ImportJob:
            with tenant_context(merchant):
                return ImportJob.objects.for_merchant(merchant).get(pk=pk)

        def submit(name: str, rows: list[dict]) -> tuple[int, int, float]:
            """Upload and confirm a CSV in the portal: (job id, confirm status, its seconds)."""
            status, location, _ = browser.post_form(
                base + "data/", {"resource": "sales"}, {"file": (f"{name}.csv", csv_of(rows))}
            )
            if status != 302:
                raise SystemExit(f"upload of {name} answered {status}")
            pk = int(location.rstrip("/").split("/")[-1])
            header = list(rows[0])
            started = time.monotonic()
            status, _, _ = browser.post_form(
                location, {f"map-{index}": column for index, column in enumerate(header)}
            )
            return pk, status, time.monotonic() - started

        files = {
            "import 0": sales_rows(args.rows, dt.date(2021, 1, 1)),
            "import 1": sales_rows(5_000, dt.date(2023, 1, 1)),
            "import 2": sales_rows(5_000, dt.date(2023, 2, 1)),
        }
        synced = sales_rows(1_000, dt.date(2023, 3, 1))
        jobs: dict[str, int] = {}
        jobs["import 0"], _, _ = submit("import 0", files["import 0"])
        if not wait_for(lambda: job(jobs["import 0"]).status == "running", 60):
            raise SystemExit("import 0 did not start")
        jobs["import 1"], _, _ = submit("import 1", files["import 1"])
        waiting = broker.llen("ingest")
        say(f"import 0 ({args.rows:,} rows) running; import 1 queued, its task waiting in "
            f"Redis (ingest queue: {waiting} message)")  # fmt: skip

        # -- Redis down -----------------------------------------------------------------------
        processes["redis"].terminate()
        processes["redis"].wait()
        down_at = time.monotonic()
        say(f"Redis stopped; import 0 is {job(jobs['import 0']).status}")
        answers: dict[str, list] = {}
        import_2 = sync = None
        step = 0
        while time.monotonic() - down_at < args.down:
            turn = step // 2  # a portal page, then an API read, each list in turn
            path = base + PAGES[turn % len(PAGES)] if step % 2 == 0 else API[turn % len(API)]
            headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else {}
            started = time.monotonic()
            try:
                status = browser.request("GET", path, headers=headers)[0]
            except OSError as error:
                status = type(error).__name__
            answers.setdefault(path, []).append((status, time.monotonic() - started))
            step += 1
            if import_2 is None and time.monotonic() - down_at > args.down / 3:
                pk, status, seconds = submit("import 2", files["import 2"])
                jobs["import 2"], import_2 = pk, (status, seconds, job(pk).status)
                say(f"import 2 confirmed while Redis is down: answered {status} in "
                    f"{seconds:.2f} s; the job is {import_2[2]}")  # fmt: skip
            if sync is None and time.monotonic() - down_at > args.down / 2:
                started = time.monotonic()
                status, _ = post(port, token, orjson.dumps(synced))
                sync = (status, time.monotonic() - started)
                say(f"ERP sync of {len(synced):,} sales rows while Redis is down: {status} "
                    f"in {sync[1]:.2f} s")  # fmt: skip
            time.sleep(0.2)
        healthz = browser.request("GET", "/healthz")
        say(f"{sum(len(seen) for seen in answers.values())} reads in {args.down:g} s; "
            f"/healthz answers {healthz[0]} {healthz[2].decode()}")  # fmt: skip

        # -- Redis back, empty ----------------------------------------------------------------
        processes["redis"] = start_redis(redis_port, redis_log)
        back_at = time.monotonic()
        say(f"Redis started again, empty: ingest queue holds {broker.llen('ingest')} "
            f"message(s); import 1 is {job(jobs['import 1']).status}, import 2 "
            f"{job(jobs['import 2']).status}")  # fmt: skip

        def moment(when) -> str:
            """A job's timestamp against the outage."""
            if when is None:
                return "never"
            at = when.timestamp() - time.time() + time.monotonic()
            if at < down_at:
                return "before Redis stopped"
            if at < back_at:
                return f"{at - down_at:.1f} s into the outage"
            return f"{at - back_at:.1f} s after Redis came back"

        finished = {}
        deadline = time.monotonic() + 240
        while len(finished) < len(jobs) and time.monotonic() < deadline:
            for name, pk in jobs.items():
                row = job(pk)
                if name not in finished and row.status in {"succeeded", "failed"}:
                    finished[name] = row
                    say(f"{name} {row.status}: {row.created_count:,} rows created, "
                        f"{row.updated_count + row.unchanged_count:,} already there; started "
                        f"{moment(row.started_at)}, ended {moment(row.finished_at)}")  # fmt: skip
            time.sleep(0.5)

        # A late duplicate of import 1's task (the one the broker lost): a no-op.
        before = job(jobs["import 1"])
        dispatch.send(run_import_task, merchant_id=merchant.pk, job_id=jobs["import 1"])
        wait_for(lambda: broker.llen("ingest") == 0, 30)
        time.sleep(2)
        after = job(jobs["import 1"])
        duplicate = (after.status, after.finished_at) == (before.status, before.finished_at)
        say(f"a duplicate of import 1's task was sent: the job "
            f"{'was left as it was' if duplicate else 'CHANGED'}")  # fmt: skip

        healthy = browser.request("GET", "/healthz")
        say(f"/healthz answers {healthy[0]} {healthy[2].decode()}")

        # -- the summary ----------------------------------------------------------------------
        with tenant_context(merchant):
            sales = SalesDay.objects.for_merchant(merchant)
            found = sales.count()
            keys = sales.values("sku_id", "location_id", "date").distinct().count()
            units = int(sales.aggregate(units=Sum("units"))["units"] or 0)
        sources = [*files.values(), synced]
        expected = sum(len(rows) for rows in sources)
        expected_units = sum(int(row["units"]) for rows in sources for row in rows)

        print(f"\nWhile Redis was down ({args.down:g} s):")
        print(f"{'request':<40}{'answers':>8}{'2xx':>6}{'errors':>7}{'p50 ms':>8}{'max ms':>8}")
        for path, seen in answers.items():
            good = sum(1 for status, _ in seen if isinstance(status, int) and status < 400)
            times = [seconds * 1000 for _, seconds in seen]
            print(f"{path:<40}{len(seen):>8}{good:>6}{len(seen) - good:>7}"
                  f"{statistics.median(times):>8.0f}{max(times):>8.0f}")  # fmt: skip
        reads = [status for seen in answers.values() for status, _ in seen]
        failed_reads = sum(1 for status in reads if not (isinstance(status, int) and status < 400))
        print(f"\n{'check':<58}result")
        rows = [
            ("reads answered while Redis was down",
             f"{len(reads) - failed_reads} of {len(reads)} (errors: {failed_reads})"),
            ("/healthz while Redis was down / after", f"{healthz[0]} / {healthy[0]}"),
            ("import 2 confirmed while Redis was down",
             f"answered {import_2[0]} in {import_2[1]:.2f} s, job {import_2[2]}"),
            ("ERP sales sync while Redis was down", f"answered {sync[0]} in {sync[1]:.2f} s"),
            ("sweeps sent / refused (Redis down)", f"{sweeper.sent} / {sweeper.failed}"),
        ]  # fmt: skip
        for name in jobs:
            row = finished.get(name) or job(jobs[name])
            rows.append((f"{name} (rows in its file: {len(files[name]):,})",
                         f"{row.status}, {row.created_count:,} rows created"))  # fmt: skip
        rows += [
            ("late duplicate of import 1's task", "no change" if duplicate else "CHANGED"),
            ("sales rows: expected / found / distinct keys",
             f"{expected:,} / {found:,} / {keys:,}"),
            ("units sold: expected / found", f"{expected_units:,} / {units:,}"),
        ]  # fmt: skip
        for check, result in rows:
            print(f"{check:<58}{result}")
        statuses = {(finished.get(name) or job(pk)).status for name, pk in jobs.items()}
        whole = (
            failed_reads == 0
            and import_2[0] == 302
            and statuses == {"succeeded"}
            and duplicate
            and expected == found == keys
            and expected_units == units
        )  # fmt: skip
        print(f"\n{'nothing lost, nothing twice, reads answered' if whole else 'NOT WHOLE'}")
    finally:
        if sweeper is not None:
            sweeper.stopping.set()
        stop(processes)
        if not args.keep_database:
            database.drop(args.database)
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()

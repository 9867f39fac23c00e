"""PostgreSQL restarted in the middle of a CSV import: the worker's connection dies, PostgreSQL
rolls the import's transaction back, the task retries on a fresh connection and resumes its
job; the store ends with exactly what a clean import of the same file gives.

    .venv/bin/python bench/reliability/restart_postgres.py [--rows 200000] [--down 10]

The real stack on loopback, on a throwaway PostgreSQL cluster of its own (``initdb`` in a
temporary directory, port 5434, the roles `.ci/run` creates), never the machine's server:
restarting that one would cut everyone else's connections. Redis is the machine's, on
databases 7 (broker) and 8 (cache), emptied first. One `celery worker` on the ingest queue.

Three stores with the same catalogue (1,000 SKUs) import the same file of ``--rows`` daily
sales (`bench.ingest.run`):

1. clean: nothing goes wrong; its result is the one to match;
2. restart: when the import is about halfway through its transaction, ``pg_ctl restart -m
   fast`` (backends terminated, the server back within a second or two);
3. crash: the same moment, ``pg_ctl stop -m immediate`` (no shutdown: crash recovery on the
   next start), started again ``--down`` seconds later.

Printed with the time since the start: what was done when, and for each store the job's
status, attempts, and its sales rows beside the clean store's (count, distinct keys, units),
then any job left running. The cluster is stopped and removed at the end, even on error.
"""

from __future__ import annotations

import argparse
import csv
import glob
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PORT = 5434
SOCKET_DIRECTORY = "/tmp"
# bench.database reads where the server is when it is imported: this script's own cluster.
os.environ["PGHOST"], os.environ["PGPORT"] = "127.0.0.1", str(PORT)
sys.path.insert(0, str(ROOT))
from bench import database  # noqa: E402
from bench.server import kill, start_worker, wait_for  # noqa: E402

DATABASE = "shelfcast_restart"
BROKER = "redis://127.0.0.1:6379/7"
CACHE = "redis://127.0.0.1:6379/8"
WORKER = "restart-postgres-worker"
ROLES = """
CREATE ROLE shelfcast_owner LOGIN CREATEDB;
CREATE ROLE shelfcast_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
"""
STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f} s] {message}", flush=True)


class Cluster:
    """A PostgreSQL cluster in a temporary directory, run as the ``postgres`` OS user."""

    def __init__(self, directory: Path):
        versions = sorted(
            glob.glob("/usr/lib/postgresql/*/bin"), key=lambda path: int(path.split("/")[-2])
        )
        if not versions:
            raise SystemExit("no PostgreSQL binaries under /usr/lib/postgresql/*/bin")
        self.bin = Path(versions[-1])
        self.data = directory / "data"
        self.log = directory / "postgresql.log"

    def run(self, program: str, *arguments: str) -> None:
        command = [str(self.bin / program), *arguments]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    def pg_ctl(self, action: str, *arguments: str) -> None:
        if action in {"start", "restart"}:
            arguments = (*arguments, "-o", f"-p {PORT} -k {SOCKET_DIRECTORY}", "-l", str(self.log))
        self.run("pg_ctl", action, "-D", str(self.data), "-w", "-t", "60", *arguments)

    def create(self) -> None:
        self.data.mkdir(mode=0o700)
        self.log.touch()
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres", "postgres")
            shutil.chown(self.log, "postgres", "postgres")
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        self.pg_ctl("start")
        database.psql(ROLES)

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.pg_ctl("stop", "-m", "immediate")


def port_in_use(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def sales_csv(rows: int) -> bytes:
    from bench.ingest.run import sales_rows

    buffer = io.StringIO()
    records = sales_rows(rows)
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]))
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--down", type=float, default=10.0, help="seconds stopped (crash case)")
    parser.add_argument("--wait", type=float, default=300.0, help="seconds for a job to finish")
    args = parser.parse_args()
    if args.rows < 100_000:
        parser.error("--rows: at least 100,000, for an import that runs for several seconds")
    if port_in_use(PORT):
        raise SystemExit(f"port {PORT} is taken: this script needs it for its own cluster")
    directory = Path(tempfile.mkdtemp(prefix="shelfcast-restart-postgres-"))
    directory.chmod(0o755)  # the postgres user reaches its data directory inside
    cluster = Cluster(directory)
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": BROKER,
        "REDIS_URL": CACHE,
        "MEDIA_ROOT": str(directory / "media"),  # the uploads, shared with the worker
        **database.urls(DATABASE),
    }
    worker = None
    try:
        cluster.create()
        say(f"PostgreSQL {cluster.bin.parent.name} cluster on port {PORT} in {directory}")
        database.create(DATABASE, environment)
        say("database created and migrated (owner role); the stack uses the application role")
        database.django_setup(environment)
        import redis
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.db import InterfaceError, OperationalError, connection
        from django.db.models import Sum

        from accounts.models import User
        from accounts.tenancy import tenant_context
        from bench.ingest.run import make_merchant
        from inventory.ingest import import_uploads, imports
        from inventory.models import ImportJob, SalesDay

        for url in (BROKER, CACHE):
            redis.Redis.from_url(url).flushdb()

        def scoped(merchant, query):
            """``query()`` as ``merchant``; None while the database is away (the
            connection is dropped, the next call opens a fresh one)."""
            try:
                with tenant_context(merchant):
                    return query()
            except (OperationalError, InterfaceError):
                connection.close()
                return None

        def job_of(merchant, pk):
            return scoped(merchant, lambda: ImportJob.objects.for_merchant(merchant).get(pk=pk))

        def sales_of(merchant) -> dict:
            def query():
                sales = SalesDay.objects.for_merchant(merchant)
                return {
                    "rows": sales.count(),
                    "keys": sales.values("sku_id", "location_id", "date").distinct().count(),
                    "units": sales.aggregate(units=Sum("units"))["units"],
                }

            return scoped(merchant, query)

        def submit(merchant) -> ImportJob:
            owner = User.objects.get(email=f"{merchant.slug}@bench.test")
            job = import_uploads.import_create(
                merchant=merchant, resource_name="sales", actor=owner,
                upload=SimpleUploadedFile("sales.csv", content),
            )  # fmt: skip
            # Queued, and its task sent to the broker once this commits.
            return import_uploads.import_confirm(
                merchant=merchant, job=job, mapping=job.mapping, options={}
            )

        def halfway(merchant, job):
            """The job running with half its rows loaded (its transaction still open)."""
            current = job_of(merchant, job.pk)
            if current is None or current.status != ImportJob.Status.RUNNING:
                return None
            done, total = imports.import_progress(current)
            return (done, total) if total and done >= total // 2 else None

        def finished(merchant, job):
            current = job_of(merchant, job.pk)
            return current if current is not None and current.is_finished else None

        def attempts(job) -> int:
            """Runs of the job's task: the first, and one after each lost connection."""
            log = Path(f"/tmp/{WORKER}.log").read_text()
            pattern = rf"import {job.pk} of merchant {job.merchant_id} lost the database"
            return 1 + len(re.findall(pattern, log))

        content = sales_csv(args.rows)
        stores = {}
        for slug in ("clean", "restart", "crash"):
            stores[slug], _ = make_merchant(slug)
        say(f"3 stores with 1,000 SKUs; the file: {args.rows:,} daily sales rows, "
            f"{len(content) / 1e6:.1f} MB")  # fmt: skip
        worker = start_worker(environment, "ingest", WORKER)
        say(f"celery worker started on the ingest queue (log /tmp/{WORKER}.log)")

        results = {}
        for case in ("clean", "restart", "crash"):
            merchant = stores[case]
            job = submit(merchant)
            submitted = time.monotonic()
            say(f"{case}: import job {job.pk} submitted")
            if case != "clean":
                progress = wait_for(lambda: halfway(merchant, job), 300, every=0.1)  # noqa: B023
                if progress is None:
                    raise SystemExit(f"{case}: the import never got halfway")
                say(f"{case}: job running, {progress[0]:,} of {progress[1]:,} rows loaded "
                    "in its open transaction")  # fmt: skip
                if case == "restart":
                    say(f"{case}: pg_ctl restart -m fast")
                    cluster.pg_ctl("restart", "-m", "fast")
                    say(f"{case}: PostgreSQL is back")
                else:
                    say(f"{case}: pg_ctl stop -m immediate")
                    cluster.pg_ctl("stop", "-m", "immediate")
                    time.sleep(args.down)
                    say(f"{case}: {args.down:.0f} s down; pg_ctl start (crash recovery)")
                    cluster.pg_ctl("start")
                    say(f"{case}: PostgreSQL is back")
            done = wait_for(lambda: finished(merchant, job), args.wait, every=0.5)  # noqa: B023
            seconds = time.monotonic() - submitted
            if done is None:  # reported as it stands
                done = wait_for(lambda: job_of(merchant, job.pk), 60)  # noqa: B023
                say(f"{case}: job still {done.status} {seconds:.0f} s after it was submitted")
            else:
                say(f"{case}: job {done.status} {seconds:.1f} s after it was submitted, "
                    f"{attempts(done)} attempt(s): {done.message}")  # fmt: skip
            results[case] = (done, sales_of(merchant), attempts(done))

        clean_job, clean_sales, _ = results["clean"]

        def counts(job):
            return job.rows_total, job.created_count, job.updated_count, job.unchanged_count

        print("\nstore    status     attempts  sales rows  distinct keys  duplicates  "
              "units sold  job rows total/created/updated/unchanged  same as clean")  # fmt: skip
        for case, (job, sales, tries) in results.items():
            same = sales == clean_sales and counts(job) == counts(clean_job)
            print(f"{case:<8} {job.status:<10} {tries:>8}  {sales['rows']:>10,}  "
                  f"{sales['keys']:>13,}  {sales['rows'] - sales['keys']:>10}  "
                  f"{sales['units'] or 0:>10,.0f}  {'/'.join(f'{n:,}' for n in counts(job)):<39} "
                  f"{'yes' if same else 'NO'}")  # fmt: skip
        running = sum(
            scoped(merchant, lambda: ImportJob.objects.for_merchant(merchant)  # noqa: B023
                   .filter(status=ImportJob.Status.RUNNING).count())
            for merchant in stores.values()
        )  # fmt: skip
        print(f"jobs left running: {running}")
    finally:
        if worker is not None and worker.poll() is None:
            kill(worker)
        cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)
        say(f"cluster stopped, {directory} removed")


if __name__ == "__main__":
    main()

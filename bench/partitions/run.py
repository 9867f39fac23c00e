"""The daily sales table partitioned by month, against the same table unpartitioned: what the
migration costs on a table of ``--rows`` rows, and a store's 28-day window read before and
after (time, and the partitions the plan touches).

    .venv/bin/python bench/partitions/run.py [--stores 10] [--skus 1000] [--days 365]

A fresh database migrated to just before the partitioning (inventory 0008); the sales of
``--stores`` stores x ``--skus`` SKUs x ``--days`` days are written straight into the table
as its owner; the window (one store, the last 28 days, units per SKU: what the SKU summaries
read) is timed on the plain table; then `manage.py migrate inventory 0009` is timed, and the
window is timed again on the partitioned table.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench import database  # noqa: E402

DATABASE = "shelfcast_bench_partitions"
FIRST_DAY = "2025-01-01"
WINDOW = """
    SELECT sku_id, sum(units) FROM inventory_salesday
    WHERE merchant_id = 1 AND date > %(last)s::date - 28 AND date <= %(last)s::date
    GROUP BY sku_id
"""


def window_read(connection, last: str, repeats: int = 7) -> tuple[float, list[str]]:
    """The median time of the window (ms), and the tables its plan scans."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + WINDOW, {"last": last})
        plan = cursor.fetchone()[0][0]["Plan"]
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            cursor.execute(WINDOW, {"last": last})
            cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    scanned: list[str] = []

    def walk(node: dict) -> None:
        if "Relation Name" in node:
            scanned.append(node["Relation Name"])
        for child in node.get("Plans", []):
            walk(child)

    walk(plan)
    return statistics.median(timings), sorted(set(scanned))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stores", type=int, default=10)
    parser.add_argument("--skus", type=int, default=1000)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    rows = args.stores * args.skus * args.days
    environment = {
        **__import__("os").environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        **database.urls(DATABASE),
    }
    database.create(DATABASE, environment, commands=(("migrate", "inventory", "0008", "-v0"),))
    try:
        import psycopg

        owner = environment["DATABASE_OWNER_URL"].replace("postgres://", "postgresql://")
        with psycopg.connect(owner, autocommit=True) as connection:
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO inventory_salesday (created_at, updated_at, date, units, "
                    "units_returned, revenue, on_promotion, stock_out, location_id, merchant_id, "
                    "sku_id) SELECT now(), now(), %(first)s::date + g %% %(days)s::int, "
                    "g %% 13, 0, (g %% 13) * 2.5, false, false, 1, "
                    "1 + g / (%(skus)s::int * %(days)s::int), g / %(days)s::int "
                    "FROM generate_series(0, %(rows)s::int - 1) g",
                    {"first": FIRST_DAY, "days": args.days, "skus": args.skus, "rows": rows},
                )
                cursor.execute("ANALYZE inventory_salesday")
                cursor.execute("SELECT max(date)::text FROM inventory_salesday")
                last = cursor.fetchone()[0]
            print(f"{rows:,} daily sales rows written in {time.perf_counter() - started:.1f} s "
                  f"({args.stores} stores x {args.skus:,} SKUs x {args.days} days)")  # fmt: skip
            plain_ms, plain_scans = window_read(connection, last)

        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "inventory", "0009", "-v0"],
            cwd=ROOT, env=environment, check=True,
        )  # fmt: skip
        migration = time.perf_counter() - started

        with psycopg.connect(owner, autocommit=True) as connection:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE inventory_salesday")
                cursor.execute(
                    "SELECT count(*) FROM pg_inherits "
                    "WHERE inhparent = 'inventory_salesday'::regclass"
                )
                partitions = cursor.fetchone()[0]
            parted_ms, parted_scans = window_read(connection, last)

        print(f"migration to monthly partitions: {migration:.1f} s for {rows:,} rows "
              f"({rows / migration:,.0f} rows/s, the table locked meanwhile), "
              f"{partitions} partitions")  # fmt: skip
        print(f"\none store's 28-day window to {last} (median of 7)")
        print(f"{'table':<16}{'ms':>8}  scans")
        print(f"{'plain':<16}{plain_ms:>8.1f}  {', '.join(plain_scans)}")
        print(f"{'partitioned':<16}{parted_ms:>8.1f}  {', '.join(parted_scans)}")
    finally:
        database.drop(DATABASE)


if __name__ == "__main__":
    main()

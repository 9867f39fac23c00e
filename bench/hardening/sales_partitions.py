"""Sales dated 0001-01-01 to 9999-12-31 in one request: the sales table's partitions counted
before, after the request, after upkeep, and after the same rows are written around the API."""

from __future__ import annotations

import datetime as dt

from bench.hardening.stack import OWNER_URL, Results, Row, Stack, problem_fields, status_of
from bench.ingest.run import SKUS


def partition_months() -> list[dt.date]:
    import psycopg

    with psycopg.connect(OWNER_URL) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'inventory_salesday'::regclass"
            )
        ]
    return sorted(
        dt.datetime.strptime(name.removeprefix("inventory_salesday_p"), "%Y_%m").date()
        for name in names
        if name.startswith("inventory_salesday_p")
    )


def partitions_count() -> int:
    """All partitions, the default one included."""
    return len(partition_months()) + 1


def outside_window(months: list[dt.date]) -> list[dt.date]:
    """The months outside the sales window, but for the months ahead that upkeep always makes
    (`inventory.partitions.MONTHS_AHEAD`), which lie past the window by design."""
    from inventory import partitions
    from inventory.sales_window import any_store_sales_window

    window = any_store_sales_window()
    first, last = partitions.month_start(window.first), partitions.month_start(window.last)
    this_month = partitions.month_start(dt.date.today())
    ahead = {partitions.add_months(this_month, n) for n in range(partitions.MONTHS_AHEAD + 1)}
    return [month for month in months if not first <= month <= last and month not in ahead]


def months_from_year_one(count: int) -> list[dt.date]:
    """``count`` days, one per month, spread from 0001-01-01 to 9999-12-31."""
    total = 9999 * 12
    days = []
    for index in range(count):
        month = round(index * (total - 1) / (count - 1))
        days.append(dt.date(month // 12 + 1, month % 12 + 1, 1))
    days[-1] = dt.date(9999, 12, 31)
    return days


def sales_partitions(stack: Stack, results: Results, merchant) -> None:
    import orjson
    import psycopg
    from django.conf import settings

    from accounts.tenancy import tenant_context
    from inventory import partitions
    from inventory.models import SKU, Location, SalesDay
    from inventory.sales_window import any_store_sales_window

    days = months_from_year_one(1500)
    rows = [
        {"sku": f"SKU{i % SKUS:04d}", "location": "WH", "date": day.isoformat(), "units": "1"}
        for i, day in enumerate(days)
    ]
    before = partition_months()
    answer, seconds, peak = stack.api("POST", "/api/v1/sales/bulk/", orjson.dumps(rows))
    with tenant_context(merchant):
        stored = SalesDay.objects.for_merchant(merchant).count()
    results.add(
        Row(
            "dates",
            "1,500 sales, 0001-01-01 .. 9999-12-31, one request",
            status_of(answer),
            seconds,
            peak,
            "accepted; 19 -> 1,668 partitions",
            note=f"{problem_fields(answer[1])}; {stored} rows stored",
        )
    )
    after_request = partition_months()
    report = partitions.ensure_sales_partitions()
    after_upkeep = partition_months()

    # The same rows written around the API into the default partition, as the owner (rows
    # from before the window existed look like this), then upkeep again.
    with tenant_context(merchant):
        sku_ids = list(
            SKU.objects.for_merchant(merchant).order_by("code").values_list("id", flat=True)
        )
        location_id = Location.objects.for_merchant(merchant).get(code="WH").id
    now = dt.datetime.now(dt.UTC)
    written = [
        (merchant.pk, sku_ids[i % SKUS], location_id, day, 1, 0, 0, False, False, now, now)
        for i, day in enumerate(days)
    ]
    with psycopg.connect(OWNER_URL) as owner, owner.cursor() as cursor:
        with cursor.copy(
            "COPY inventory_salesday (merchant_id, sku_id, location_id, date, units, "
            "units_returned, revenue, on_promotion, stock_out, created_at, updated_at) FROM STDIN"
        ) as copy:
            for row in written:
                copy.write_row(row)
    second = partitions.ensure_sales_partitions()
    after_around = partition_months()
    made_around = sorted(set(after_around) - set(after_upkeep))
    outside = outside_window(after_around)
    results.add(
        Row(
            "dates",
            "partition upkeep after the request",
            "done",
            None,
            None,
            "1,649 partitions made",
            request=False,
            note=f"{len(report.created)} made, {len(outside_window(report.created))} outside "
            "the window",
        )
    )
    results.add(
        Row(
            "dates",
            "the same rows written around the API, then upkeep",
            "done",
            None,
            None,
            "-",
            request=False,
            note=f"{len(made_around)} made (inside the window: "
            f"{', '.join(f'{month:%Y-%m}' for month in made_around) or 'none'}), "
            f"{len(outside_window(made_around))} outside; {len(second.outside_window)} months "
            "left in the default partition",
        )
    )
    window = any_store_sales_window()
    print(
        f"\nSales partitions (pg_inherits, default included): {len(before) + 1} before, "
        f"{len(after_request) + 1} after the request, {len(after_upkeep) + 1} after upkeep, "
        f"{len(after_around) + 1} after the rows written around the API and upkeep again. "
        f"Sales window {window.first} .. {window.last} (SALES_HISTORY_MAX_YEARS "
        f"{settings.SALES_HISTORY_MAX_YEARS}, SALES_FUTURE_MAX_DAYS "
        f"{settings.SALES_FUTURE_MAX_DAYS}, a day either side for time zones); partitions "
        f"outside it, the {partitions.MONTHS_AHEAD} months ahead upkeep always keeps aside: "
        f"{len(outside)}\n"
    )
    results.checks["partitions"] = (
        not outside,
        f"{len(outside)} of {len(after_around) + 1} partitions outside the window",
    )

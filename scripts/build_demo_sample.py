#!/usr/bin/env python3
"""Build the demo merchant's sample of real sales from the UCI Online Retail data.

Reads ``products.csv.gz``, ``daily_sku_sales.csv.gz`` and ``calendar.csv`` from the source
folder (default ``../shared/data/online-retail-uci``, relative to the repository root) and
writes ``inventory/sample_data/online_retail/``: ``products.csv.gz``, ``daily_sales.csv.gz``
and ``calendar.csv``. The sample's README.md is written by hand and says what this does.

Standard library only, so it runs before the project is installed. Deterministic: the same
source gives byte-identical output (gzip headers carry no timestamp or file name).

    python3 scripts/build_demo_sample.py [--source DIR] [--output DIR]

Selection:
- about 240 regular products: the most days with sales (ties broken by stock code);
- about 60 sparse products: among products with 10 to 40 days with sales, sorted by stock
  code, every k-th one, so that forecasting work sees intermittent series too.

Changes to the values:
- the two orders that were entered and cancelled within minutes (23843 on 2011-12-09 and
  23166 on 2011-01-18, see the source README) are netted out: their units leave both
  ``units_sold`` and ``units_cancelled``, their revenue leaves ``revenue_gbp``, and a row left
  with nothing sold or cancelled is dropped;
- money is written with at most 4 decimal places (the source has float artefacts such as
  ``8.379999999999999``);
- per-product statistics (days with sales, units, first and last sale date) are recomputed
  from the sample's own rows, so they agree with ``daily_sales.csv.gz``.
No customer identifier is read or written: only the per-day count of distinct customers.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import sys
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPOSITORY_ROOT.parent / "shared" / "data" / "online-retail-uci"
DEFAULT_OUTPUT = REPOSITORY_ROOT / "inventory" / "sample_data" / "online_retail"

REGULAR_COUNT = 240
SPARSE_COUNT = 60
SPARSE_MIN_DAYS = 10
SPARSE_MAX_DAYS = 40

# (date, stock_code) -> (units, unit price in GBP) of an order entered and cancelled at once.
NETTED_ORDERS = {
    ("2011-12-09", "23843"): (80995, Decimal("2.08")),  # invoice 581483 / C581484
    ("2011-01-18", "23166"): (74215, Decimal("1.04")),  # invoice 541431 / C541433
}

PRODUCT_COLUMNS = [
    "stock_code",
    "description",
    "series",
    "first_sale_date",
    "last_sale_date",
    "days_with_sales",
    "total_units_sold",
    "median_unit_price_gbp",
]
SALES_COLUMNS = [
    "date",
    "stock_code",
    "units_sold",
    "units_cancelled",
    "customers",
    "revenue_gbp",
    "avg_unit_price_gbp",
]
CALENDAR_COLUMNS = ["date", "is_trading_day"]

PENNY = Decimal("0.01")
PRICE_PLACES = Decimal("0.0001")


def money(value: str, places: Decimal) -> str:
    """A decimal string with at most ``places``, trailing zeros kept short ("51.00" -> "51")."""
    if value == "":
        return ""
    rounded = Decimal(value).quantize(places, rounding=ROUND_HALF_UP)
    text = format(rounded.normalize(), "f")
    return "0" if text in {"-0", ""} else text


def read_csv(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row[column] for column in columns})
    data = buffer.getvalue().encode("utf-8")
    if path.suffix == ".gz":
        # mtime=0 and no file name in the header: rebuilding gives the same bytes.
        with (
            open(path, "wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as handle,
        ):
            handle.write(data)
    else:
        path.write_bytes(data)


def select_products(products: list[dict[str, str]]) -> dict[str, str]:
    """stock_code -> series ("regular" or "sparse") of the chosen products."""
    candidates = [
        row
        for row in products
        if row["kind"] == "product"
        and row["description"].strip()
        and Decimal(row["median_unit_price_gbp"] or "0") > 0
    ]
    by_days = sorted(candidates, key=lambda row: (-int(row["days_with_sales"]), row["stock_code"]))
    chosen = {row["stock_code"]: "regular" for row in by_days[:REGULAR_COUNT]}
    sparse = sorted(
        (
            row
            for row in candidates
            if SPARSE_MIN_DAYS <= int(row["days_with_sales"]) <= SPARSE_MAX_DAYS
            and row["stock_code"] not in chosen
        ),
        key=lambda row: row["stock_code"],
    )
    step = len(sparse) / SPARSE_COUNT
    for index in range(min(SPARSE_COUNT, len(sparse))):
        chosen[sparse[int(index * step)]["stock_code"]] = "sparse"
    return chosen


def net_out(row: dict[str, str]) -> dict[str, str] | None:
    """The row without an order that was entered and cancelled at once; None if nothing is
    left of it."""
    netted = NETTED_ORDERS.get((row["date"], row["stock_code"]))
    if netted is None:
        return row
    units, unit_price = netted
    sold = int(row["units_sold"]) - units
    cancelled = int(row["units_cancelled"]) - units
    if sold < 0 or cancelled < 0:
        raise SystemExit(f"Unexpected row for the netted order {row['date']} {row['stock_code']}")
    if sold == 0 and cancelled == 0:
        return None
    revenue = Decimal(row["revenue_gbp"]) - units * unit_price
    return {
        **row,
        "units_sold": str(sold),
        "units_cancelled": str(cancelled),
        "revenue_gbp": str(revenue),
        "avg_unit_price_gbp": str(revenue / sold) if sold else "",
        # The count of customers cannot be corrected from daily totals; the order had one.
        "customers": str(max(int(row["customers"]) - 1, 0)),
    }


def build(source: Path, output: Path) -> dict[str, int]:
    products = read_csv(source / "products.csv.gz")
    calendar = read_csv(source / "calendar.csv")
    chosen = select_products(products)
    trading_days = {row["date"] for row in calendar if row["is_trading_day"] == "1"}

    sales: list[dict[str, str]] = []
    netted_rows = 0
    for row in read_csv(source / "daily_sku_sales.csv.gz"):
        if row["stock_code"] not in chosen:
            continue
        kept = net_out(row)
        netted_rows += kept is not row
        if kept is None:
            continue
        if kept["date"] not in trading_days:
            raise SystemExit(f"Sales on a day the calendar says was closed: {kept['date']}")
        sales.append(
            {
                "date": kept["date"],
                "stock_code": kept["stock_code"],
                "units_sold": kept["units_sold"],
                "units_cancelled": kept["units_cancelled"],
                "customers": kept["customers"],
                "revenue_gbp": money(kept["revenue_gbp"], PENNY),
                "avg_unit_price_gbp": money(kept["avg_unit_price_gbp"], PRICE_PLACES),
            }
        )
    sales.sort(key=lambda row: (row["stock_code"], row["date"]))

    sale_dates: dict[str, list[str]] = defaultdict(list)
    units: dict[str, int] = defaultdict(int)
    for row in sales:
        if int(row["units_sold"]) > 0:
            sale_dates[row["stock_code"]].append(row["date"])
            units[row["stock_code"]] += int(row["units_sold"])

    product_rows = []
    for row in sorted(products, key=lambda row: row["stock_code"]):
        code = row["stock_code"]
        if code not in chosen:
            continue
        dates = sale_dates[code]
        product_rows.append(
            {
                "stock_code": code,
                "description": row["description"],
                "series": chosen[code],
                "first_sale_date": dates[0] if dates else "",
                "last_sale_date": dates[-1] if dates else "",
                "days_with_sales": str(len(dates)),
                "total_units_sold": str(units[code]),
                "median_unit_price_gbp": money(row["median_unit_price_gbp"], PRICE_PLACES),
            }
        )

    output.mkdir(parents=True, exist_ok=True)
    write_csv(output / "products.csv.gz", PRODUCT_COLUMNS, product_rows)
    write_csv(output / "daily_sales.csv.gz", SALES_COLUMNS, sales)
    write_csv(output / "calendar.csv", CALENDAR_COLUMNS, calendar)
    return {
        "products": len(product_rows),
        "regular": sum(1 for series in chosen.values() if series == "regular"),
        "sparse": sum(1 for series in chosen.values() if series == "sparse"),
        "sales_rows": len(sales),
        "netted_rows": netted_rows,
        "calendar_days": len(calendar),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="the UCI data folder")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="the sample folder")
    arguments = parser.parse_args(argv)
    counts = build(arguments.source, arguments.output)
    sizes = {
        path.name: path.stat().st_size
        for path in sorted(arguments.output.iterdir())
        if path.is_file()
    }
    print(
        f"{counts['products']} products ({counts['regular']} regular, {counts['sparse']} sparse), "
        f"{counts['sales_rows']} daily sales rows ({counts['netted_rows']} netted), "
        f"{counts['calendar_days']} calendar days -> {arguments.output}"
    )
    for name, size in sizes.items():
        print(f"  {name}: {size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())

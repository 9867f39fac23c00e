"""The sample loaded into one merchant: its warehouse, suppliers, SKUs, supplier terms, daily
sales and one stock snapshot, for the demo stores (`inventory.demo`) and a store onboarded with
the sample (`inventory.demo.sample_data_load`).

What is real and what is made up:

- Real (from the data): product codes and names, unit prices (each product's median price),
  and every daily sales row: units sold, units cancelled (as returns), revenue, average price
  and the count of distinct customers. The shop is closed on the days the data has no
  invoices (Saturdays, Christmas, some bank holidays); no row is invented for them.
- Synthetic (seeded, so every load is the same): the suppliers, which supplier sells what,
  lead times, order minimums and pack sizes, unit costs, categories (from keywords in the
  product name) and the stock on hand at the end of the data.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from accounts.models import Merchant
from accounts.tenancy import tenant_context
from inventory.models import SKU, Location, SalesDay, StockLevel, Supplier, SupplierItem
from inventory.sample_catalogue import (
    SUPPLIERS,
    Sample,
    category_for,
    display_name,
    supplier_code_for,
)

BATCH_SIZE = 2000

# Stock on hand is taken at the close of the last day of the data.
STOCK_SNAPSHOT_TIME = dt.time(18, 0)
STOCK_MAX_DAYS_OF_COVER = 60
STOCK_OUT_SHARE = 0.08
RECENT_DEMAND_DAYS = 56

PACK_SIZES = (1, 6, 12, 24)
MOQ_PACKS = (1, 2, 4)

PENNY = Decimal("0.01")

# The one location the stock and sales are at: code, name, kind.
WAREHOUSE = ("UK-WH", "UK warehouse", Location.Kind.WAREHOUSE)


def sample_products_load(
    *, merchant: Merchant, sample: Sample, products: list[dict[str, str]]
) -> None:
    """The warehouse, suppliers, SKUs, supplier terms, daily sales and one stock snapshot of
    ``products`` for ``merchant``, in a few bulk inserts."""
    # Seeded by the merchant's slug: the same demo on every load, whatever the database ids.
    # Drawn in this order: costs, supplier terms, stock.
    rng = random.Random(f"shelfcast-demo:{merchant.slug}")  # noqa: S311 - not for security
    categories = {row["stock_code"]: category_for(row["description"]) for row in products}
    supplier_codes = {supplier_code_for(category) for category in categories.values()}

    with tenant_context(merchant):
        code, name, kind = WAREHOUSE
        warehouse = Location.objects.create(merchant=merchant, code=code, name=name, kind=kind)
        supplier_ids = _create_suppliers(merchant, supplier_codes)
        costs, sku_ids = _create_skus(merchant, products, categories, rng)
        _create_supplier_items(merchant, products, categories, supplier_ids, sku_ids, costs, rng)
        _create_sales_days(merchant, sample, products, sku_ids, warehouse)
        as_of = dt.datetime.combine(
            sample.last_date, STOCK_SNAPSHOT_TIME, tzinfo=ZoneInfo(merchant.timezone)
        )
        StockLevel.objects.bulk_create(
            [
                StockLevel(
                    merchant=merchant,
                    sku_id=sku_ids[stock_code],
                    location=warehouse,
                    on_hand=on_hand,
                    as_of=as_of,
                )
                for stock_code, on_hand in _stock_on_hand(sample, products, rng).items()
            ],
            batch_size=BATCH_SIZE,
        )


def _create_suppliers(merchant: Merchant, codes: set[str]) -> dict[str, int]:
    """The sample's suppliers with these codes; returns code -> id."""
    Supplier.objects.bulk_create(
        [
            Supplier(merchant=merchant, code=code, name=name, email=email)
            for code, name, email, _ in SUPPLIERS
            if code in codes
        ],
        batch_size=BATCH_SIZE,
    )
    return dict(Supplier.objects.for_merchant(merchant).values_list("code", "id"))


def _create_skus(
    merchant: Merchant,
    products: list[dict[str, str]],
    categories: dict[str, str],
    rng: random.Random,
) -> tuple[dict[str, Decimal], dict[str, int]]:
    """The products as SKUs, each costing 55 to 65% of its price; returns (code -> unit
    cost, code -> id)."""
    costs: dict[str, Decimal] = {}
    skus = []
    for row in products:
        price = Decimal(row["median_unit_price_gbp"])
        cost = (price * Decimal(str(rng.uniform(0.55, 0.65)))).quantize(
            PENNY, rounding=ROUND_HALF_UP
        )
        costs[row["stock_code"]] = max(cost, PENNY)
        skus.append(
            SKU(
                merchant=merchant,
                code=row["stock_code"],
                name=display_name(row["description"]),
                category=categories[row["stock_code"]],
                unit_price=price,
                unit_cost=costs[row["stock_code"]],
                active=True,
            )
        )
    SKU.objects.bulk_create(skus, batch_size=BATCH_SIZE)
    return costs, dict(SKU.objects.for_merchant(merchant).values_list("code", "id"))


def _create_supplier_items(
    merchant: Merchant,
    products: list[dict[str, str]],
    categories: dict[str, str],
    supplier_ids: dict[str, int],
    sku_ids: dict[str, int],
    costs: dict[str, Decimal],
    rng: random.Random,
) -> None:
    """Each SKU's one supplier (by its category), with lead time, pack size and minimum drawn."""
    items = []
    for row in products:
        stock_code = row["stock_code"]
        supplier_code = supplier_code_for(categories[stock_code])
        pack_size = rng.choice(PACK_SIZES)
        items.append(
            SupplierItem(
                merchant=merchant,
                supplier_id=supplier_ids[supplier_code],
                sku_id=sku_ids[stock_code],
                supplier_code=f"{supplier_code}-{stock_code}",
                lead_time_mean_days=Decimal(rng.randint(5, 21)),
                lead_time_std_days=Decimal(str(round(rng.uniform(1, 5), 1))),
                moq=Decimal(pack_size * rng.choice(MOQ_PACKS)),
                pack_size=Decimal(pack_size),
                unit_cost=costs[stock_code],
                is_primary=True,
            )
        )
    SupplierItem.objects.bulk_create(items, batch_size=BATCH_SIZE)


def _create_sales_days(
    merchant: Merchant,
    sample: Sample,
    products: list[dict[str, str]],
    sku_ids: dict[str, int],
    warehouse: Location,
) -> None:
    """Every day of the sample's sales of ``products``, as it is."""
    sales_days = [
        SalesDay(
            merchant=merchant,
            sku_id=sku_ids[row["stock_code"]],
            location=warehouse,
            date=dt.date.fromisoformat(sale["date"]),
            units=Decimal(sale["units_sold"]),
            units_returned=Decimal(sale["units_cancelled"]),
            revenue=Decimal(sale["revenue_gbp"]),
            average_price=Decimal(sale["avg_unit_price_gbp"])
            if sale["avg_unit_price_gbp"]
            else None,
            customers=int(sale["customers"]),
            on_promotion=False,
            stock_out=False,
        )
        for row in products
        for sale in sample.sales.get(row["stock_code"], ())
    ]
    SalesDay.objects.bulk_create(sales_days, batch_size=BATCH_SIZE)


def _stock_on_hand(
    sample: Sample, products: list[dict[str, str]], rng: random.Random
) -> dict[str, Decimal]:
    """Synthetic stock: 1 to 60 days of each SKU's recent average daily demand, and none at
    all for about 8% of SKUs, so the planning pages have stock-outs to show."""
    window_start = sample.last_date - dt.timedelta(days=RECENT_DEMAND_DAYS - 1)
    recent_trading_days = sum(1 for day in sample.trading_days if day >= window_start)
    codes = [row["stock_code"] for row in products]
    out_of_stock = set(rng.sample(codes, round(len(codes) * STOCK_OUT_SHARE)))
    on_hand = {}
    for stock_code in codes:
        sales = sample.sales.get(stock_code, ())
        recent = sum(
            int(sale["units_sold"]) for sale in sales if sale["date"] >= window_start.isoformat()
        )
        if recent:
            daily = recent / recent_trading_days
        else:  # nothing sold lately: fall back on the whole year's average
            daily = sum(int(sale["units_sold"]) for sale in sales) / len(sample.trading_days)
        days_of_cover = rng.uniform(1, STOCK_MAX_DAYS_OF_COVER)
        if stock_code in out_of_stock:
            on_hand[stock_code] = Decimal(0)
        else:
            on_hand[stock_code] = Decimal(max(1, round(daily * days_of_cover)))
    return on_hand

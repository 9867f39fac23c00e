"""The demo: a merchant built from a small sample of real sales, for a first look at the portal.

``demo_load`` creates "Demo Gift Shop" (slug ``demo``) from the bundled sample in
``inventory/sample_data/online_retail/`` (300 products of the UCI Online Retail data, a UK
online gift-ware shop, 2010-12-01 to 2011-12-09; origin, licence and selection in its
README.md), three members who sign in with email and ``DEMO_PASSWORD``, and "Second Shop"
(slug ``second-shop``, 20 of the same products) so that switching merchants can be shown.

What is real and what is made up:

- Real (from the data): product codes and names, unit prices (each product's median price),
  and every daily sales row: units sold, units cancelled (as returns), revenue, average price
  and the count of distinct customers. The shop is closed on the days the data has no
  invoices (Saturdays, Christmas, some bank holidays); no row is invented for them.
- Synthetic (seeded, so every load is the same): the suppliers, which supplier sells what,
  lead times, order minimums and pack sizes, unit costs, categories (from keywords in the
  product name) and the stock on hand at the end of the data.

Side effects: creates users, merchants, memberships with their object permissions and the
merchants' catalogue, all in one transaction. With ``reset=True`` it first deletes the demo
merchants (every row of theirs cascades) and the demo users.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import random
import re
import time
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from django.db import transaction

from accounts.models import Membership, Merchant, User
from accounts.roles import Role
from accounts.services import membership_set_role, merchant_create
from accounts.tenancy import all_merchants_context, tenant_context
from inventory import partitions
from inventory.models import SKU, Location, SalesDay, StockLevel, Supplier, SupplierItem

SAMPLE_DIR = Path(__file__).resolve().parent / "sample_data" / "online_retail"

DEMO_PASSWORD = "shelfcast-demo"  # a demo: printed by load_demo, never used for real data
DEMO_SLUG = "demo"
SECOND_SLUG = "second-shop"
DEMO_SLUGS = (DEMO_SLUG, SECOND_SLUG)
DEMO_TIMEZONE = "Europe/London"
DEMO_CURRENCY = "GBP"
OWNER_EMAIL = "owner@demo.shelfcast.local"
PLANNER_EMAIL = "planner@demo.shelfcast.local"
VIEWER_EMAIL = "viewer@demo.shelfcast.local"
DEMO_USERS = (
    (OWNER_EMAIL, "Demo Owner", Role.OWNER),
    (PLANNER_EMAIL, "Demo Planner", Role.PLANNER),
    (VIEWER_EMAIL, "Demo Viewer", Role.VIEWER),
)
DEMO_EMAILS = tuple(email for email, _, _ in DEMO_USERS)
SECOND_SHOP_SKU_COUNT = 20
BATCH_SIZE = 2000

# Stock on hand is taken at the close of the last day of the data.
STOCK_SNAPSHOT_TIME = dt.time(18, 0)
STOCK_MAX_DAYS_OF_COVER = 60
STOCK_OUT_SHARE = 0.08
RECENT_DEMAND_DAYS = 56

# Category by keyword in the product name: the first rule with a matching word wins, so the
# more specific rules come first ("PAPER CUPS" is tableware, "LUNCH BAG" a bag).
CATEGORY_RULES: tuple[tuple[str, frozenset[str]], ...] = tuple(
    (category, frozenset(keywords.split()))
    for category, keywords in (
        ("Christmas & seasonal", "CHRISTMAS XMAS ADVENT EASTER SANTA"),
        ("Bags", "BAG BAGS SHOPPER WASHBAG"),
        ("Candles & lighting", "CANDLE CANDLES CANDLEHOLDER LIGHT LIGHTS LANTERN MATCHES"),
        (
            "Kitchen & tableware",
            "MUG CUP CUPS TEA TEACUP SAUCER BOWL BOWLS PLATE PLATES NAPKIN NAPKINS CAKE "
            "CAKESTAND JUG JAM LUNCH CUTLERY BAKING COOKIE TIN TINS JAR JARS CADDY APRON "
            "KITCHEN TRAY BREAD OVEN MOULDS DOILIES SNACK BOTTLE",
        ),
        (
            "Cards, wrap & stationery",
            "CARD CARDS WRAP PAPER TISSUE TISSUES NOTEBOOK NOTEBOOKS STATIONERY CHALK CRAYONS "
            "PENCIL RIBBONS CONFETTI",
        ),
        (
            "Home decoration",
            "HEART HEARTS DECORATION DECORATIVE ORNAMENT FRAME SIGN BUNTING GARLAND CLOCK "
            "HANGING DOORMAT CUSHION KNOB CHALKBOARD WALL MIRROR WICKER TRINKET STORAGE HOOK "
            "RACK CABINET CHEST",
        ),
        (
            "Toys, games & crafts",
            "TOY TOYS DOLL GAME DOMINOES HARMONICA SPINNING SNAKES HELICOPTER WINDMILL "
            "FELTCRAFT PAINT COLOURING KNITTING SEWING",
        ),
        ("Jewellery", "EARRINGS NECKLACE RING BRACELET CHARM"),
    )
)
OTHER_CATEGORY = "Other"

# Made-up suppliers, each serving some categories; everything else goes to the last one.
SUPPLIERS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("SUP-BAGS", "Harbour Bags Ltd (illustrative)", "orders@harbour-bags.example", ("Bags",)),
    (
        "SUP-LIGHT",
        "Lantern Lane Lighting (illustrative)",
        "orders@lantern-lane.example",
        ("Candles & lighting",),
    ),
    (
        "SUP-KITCHEN",
        "Potter's Wharf Kitchenware (illustrative)",
        "orders@potters-wharf.example",
        ("Kitchen & tableware",),
    ),
    (
        "SUP-PAPER",
        "Folded Paper & Seasonal Co. (illustrative)",
        "orders@folded-paper.example",
        ("Cards, wrap & stationery", "Christmas & seasonal"),
    ),
    (
        "SUP-HOME",
        "Hearth Homeware Imports (illustrative)",
        "orders@hearth-homeware.example",
        ("Home decoration", "Toys, games & crafts", "Jewellery", OTHER_CATEGORY),
    ),
)
PACK_SIZES = (1, 6, 12, 24)
MOQ_PACKS = (1, 2, 4)

PENNY = Decimal("0.01")
SMALL_WORDS = frozenset(
    {"a", "an", "and", "at", "for", "in", "of", "on", "or", "the", "to", "w", "with"}
)
ACRONYMS = frozenset({"LED", "UK", "USA", "DIY", "CD", "DVD", "UFO"})


# -- the sample ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sample:
    products: list[dict[str, str]]  # sorted by stock_code
    sales: dict[str, list[dict[str, str]]]  # stock_code -> rows sorted by date
    trading_days: list[dt.date]  # sorted

    @property
    def last_date(self) -> dt.date:
        return self.trading_days[-1]


def _read_csv(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_sample(directory: Path = SAMPLE_DIR) -> Sample:
    products = sorted(_read_csv(directory / "products.csv.gz"), key=lambda row: row["stock_code"])
    sales: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in _read_csv(directory / "daily_sales.csv.gz"):
        sales[row["stock_code"]].append(row)
    for rows in sales.values():
        rows.sort(key=lambda row: row["date"])
    trading_days = sorted(
        dt.date.fromisoformat(row["date"])
        for row in _read_csv(directory / "calendar.csv")
        if row["is_trading_day"] == "1"
    )
    return Sample(products=products, sales=dict(sales), trading_days=trading_days)


# -- names and categories ----------------------------------------------------------------------
def display_name(description: str) -> str:
    """The source's upper-case name, title-cased: "SET/20 RED RETROSPOT PAPER NAPKINS" ->
    "Set/20 Red Retrospot Paper Napkins", "HEART OF WICKER SMALL" -> "Heart of Wicker Small"."""
    text = re.sub(r"\s+", " ", description).strip().rstrip(".,").strip()
    text = text.replace(" ,", ",")
    words = []
    for position, word in enumerate(text.split(" ")):
        if position > 0 and word.lower() in SMALL_WORDS:
            words.append(word.lower())
            continue
        parts = re.split(r"([-/+&,])", word)
        words.append("".join(_title_part(part) for part in parts))
    return " ".join(words)


def _title_part(part: str) -> str:
    lead = len(part) - len(part.lstrip("\"'("))
    prefix, rest = part[:lead], part[lead:]
    if not rest:
        return part
    if rest.upper().strip("\"')") in ACRONYMS:
        return prefix + rest.upper()
    if rest[0].isdigit():  # quantities and sizes: "18pc", "120cm", "3"
        return prefix + rest.lower()
    return prefix + rest.capitalize()


def category_for(description: str) -> str:
    words = set(re.findall(r"[A-Z0-9]+", description.upper()))
    for category, keywords in CATEGORY_RULES:
        if words & keywords:
            return category
    return OTHER_CATEGORY


def supplier_code_for(category: str) -> str:
    for code, _, _, categories in SUPPLIERS:
        if category in categories:
            return code
    return SUPPLIERS[-1][0]


# -- the result ----------------------------------------------------------------------------
@dataclass(frozen=True)
class MerchantCounts:
    slug: str
    name: str
    skus: int
    suppliers: int
    supplier_items: int
    sales_days: int
    stock_levels: int


@dataclass(frozen=True)
class DemoResult:
    created: bool  # False: the demo existed and was left as it was
    merchants: tuple[MerchantCounts, ...]
    emails: tuple[str, ...]
    password: str
    seconds: float


def _counts(merchant: Merchant) -> MerchantCounts:
    with tenant_context(merchant):
        return MerchantCounts(
            slug=merchant.slug,
            name=merchant.name,
            skus=SKU.objects.for_merchant(merchant).count(),
            suppliers=Supplier.objects.for_merchant(merchant).count(),
            supplier_items=SupplierItem.objects.for_merchant(merchant).count(),
            sales_days=SalesDay.objects.for_merchant(merchant).count(),
            stock_levels=StockLevel.objects.for_merchant(merchant).count(),
        )


# -- the service -----------------------------------------------------------------------------
def demo_load(*, reset: bool = False, stdout: TextIO | None = None) -> DemoResult:
    """Build the demo merchants and users, unless the demo exists already (then report it).

    ``reset=True`` deletes the demo merchants and users first and builds them again.
    """
    started = time.perf_counter()

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")

    with transaction.atomic():
        existing = Merchant.objects.filter(slug=DEMO_SLUG).first()
        if existing is not None and not reset:
            say(f"The demo merchant '{DEMO_SLUG}' exists already; use --reset to rebuild it.")
            merchants = Merchant.objects.filter(slug__in=DEMO_SLUGS).order_by("pk")
            return DemoResult(
                created=False,
                merchants=tuple(_counts(merchant) for merchant in merchants),
                emails=DEMO_EMAILS,
                password=DEMO_PASSWORD,
                seconds=time.perf_counter() - started,
            )
        deleted = _delete_demo()
        if deleted:
            say(f"Deleted the previous demo: {', '.join(deleted)}.")
        sample = read_sample()
        users = {
            email: User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)
            for email, name, _ in DEMO_USERS
        }
        owner = users[OWNER_EMAIL]

        demo = merchant_create(
            name="Demo Gift Shop",
            owner=owner,
            slug=DEMO_SLUG,
            timezone_name=DEMO_TIMEZONE,
            currency=DEMO_CURRENCY,
        )
        for email, _, role in DEMO_USERS:
            if role != Role.OWNER:
                membership_set_role(merchant=demo, user=users[email], role=role, actor=None)
        _load_merchant_data(
            merchant=demo,
            sample=sample,
            products=sample.products,
            location=("UK-WH", "UK warehouse", Location.Kind.WAREHOUSE),
        )
        say(f"Loaded {demo.name} ({len(sample.products)} SKUs).")

        second = merchant_create(
            name="Second Shop",
            owner=owner,
            slug=SECOND_SLUG,
            timezone_name=DEMO_TIMEZONE,
            currency=DEMO_CURRENCY,
        )
        second_products = _second_shop_products(sample)
        _load_merchant_data(
            merchant=second,
            sample=sample,
            products=second_products,
            location=("UK-WH", "UK warehouse", Location.Kind.WAREHOUSE),
        )
        say(f"Loaded {second.name} ({len(second_products)} SKUs).")
        merchants = (_counts(demo), _counts(second))

    # The sample's history is years old: its months get partitions of their own (PostgreSQL).
    report = partitions.ensure_sales_partitions()
    if report.created:
        say(f"Sales partitioned by month: {len(report.created)} months.")
    return DemoResult(
        created=True,
        merchants=merchants,
        emails=DEMO_EMAILS,
        password=DEMO_PASSWORD,
        seconds=time.perf_counter() - started,
    )


def sample_data_load(*, merchant: Merchant) -> bool:
    """Load the sample's catalogue, suppliers, sales and stock into a store onboarded with
    it (`accounts.services.merchant_onboard`); False, loading nothing, when the store has a
    catalogue already (the task ran before, or the store imported its own)."""
    with transaction.atomic(), tenant_context(merchant):
        if SKU.objects.for_merchant(merchant).exists():
            return False
        sample = read_sample()
        _load_merchant_data(
            merchant=merchant,
            sample=sample,
            products=sample.products,
            location=("UK-WH", "UK warehouse", Location.Kind.WAREHOUSE),
        )
    partitions.ensure_sales_partitions()  # the sample's months get partitions of their own
    return True


def _second_shop_products(sample: Sample) -> list[dict[str, str]]:
    """Every k-th regular product by code: a handful with steady sales."""
    regular = [row for row in sample.products if row["series"] == "regular"]
    step = max(len(regular) // SECOND_SHOP_SKU_COUNT, 1)
    return regular[::step][:SECOND_SHOP_SKU_COUNT]


def _delete_demo() -> list[str]:
    """Delete the demo merchants (their rows cascade) and the demo users; returns what went.

    A merchant holding a demo slug counts as the demo's only if a demo user is its member, so
    a real merchant that happens to be called "Second Shop" is never deleted (building the
    demo then stops at the taken slug instead).
    """
    # A sweep across merchants by design: the demo's merchants are found by slug and member.
    demo_merchant_ids = set(
        Membership.objects.unscoped()
        .filter(merchant__slug__in=DEMO_SLUGS, user__email__in=DEMO_EMAILS)
        .values_list("merchant_id", flat=True)
    )
    merchants = list(Merchant.objects.filter(pk__in=demo_merchant_ids).order_by("pk"))
    with all_merchants_context():
        for merchant in merchants:
            merchant.delete()
    # guardian's object permissions on a merchant have a real foreign key and cascade with it.
    users = list(User.objects.filter(email__in=DEMO_EMAILS).values_list("email", flat=True))
    User.objects.filter(email__in=DEMO_EMAILS).delete()
    return [merchant.slug for merchant in merchants] + sorted(users)


def _load_merchant_data(
    *,
    merchant: Merchant,
    sample: Sample,
    products: list[dict[str, str]],
    location: tuple[str, str, str],
) -> None:
    """The location, suppliers, SKUs, supplier terms, daily sales and one stock snapshot of
    ``products`` for ``merchant``, in a few bulk inserts."""
    # Seeded by the merchant's slug: the same demo on every load, whatever the database ids.
    rng = random.Random(f"shelfcast-demo:{merchant.slug}")  # noqa: S311 - not for security
    categories = {row["stock_code"]: category_for(row["description"]) for row in products}
    supplier_codes = {supplier_code_for(category) for category in categories.values()}

    with tenant_context(merchant):
        code, name, kind = location
        warehouse = Location.objects.create(merchant=merchant, code=code, name=name, kind=kind)
        Supplier.objects.bulk_create(
            [
                Supplier(merchant=merchant, code=supplier_code, name=supplier_name, email=email)
                for supplier_code, supplier_name, email, _ in SUPPLIERS
                if supplier_code in supplier_codes
            ],
            batch_size=BATCH_SIZE,
        )
        supplier_ids = dict(Supplier.objects.for_merchant(merchant).values_list("code", "id"))

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
        sku_ids = dict(SKU.objects.for_merchant(merchant).values_list("code", "id"))

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

"""The demo loader: what it builds from the bundled sample, that a second run changes nothing,
and that a reset rebuilds. Every query runs as its merchant, so these pass under PostgreSQL's
row-level security too."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import importlib.util
import io
import tempfile
from collections import Counter
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Sum
from django.test import SimpleTestCase, TestCase

from accounts.models import Membership, Merchant, User
from accounts.roles import Role
from accounts.tenancy import tenant_context
from inventory import demo, sample_catalogue
from inventory.models import SKU, Location, SalesDay, StockLevel, Supplier, SupplierItem

SAMPLE_DIR = sample_catalogue.SAMPLE_DIR
BUILD_SCRIPT = Path(settings.BASE_DIR) / "scripts" / "build_demo_sample.py"
SOURCE_DIR = Path(settings.BASE_DIR).parent / "shared" / "data" / "online-retail-uci"


def read_sample_csv(name: str) -> list[dict[str, str]]:
    path = SAMPLE_DIR / name
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class DemoLoadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.result = demo.demo_load()
        cls.merchant = Merchant.objects.get(slug="demo")
        cls.second = Merchant.objects.get(slug="second-shop")
        cls.products = read_sample_csv("products.csv.gz")
        cls.sales = read_sample_csv("daily_sales.csv.gz")
        cls.calendar = read_sample_csv("calendar.csv")

    def counts(self, merchant: Merchant) -> dict[str, int]:
        with tenant_context(merchant):
            return {
                model.__name__: model.objects.for_merchant(merchant).count()
                for model in (Location, Supplier, SKU, SupplierItem, SalesDay, StockLevel)
            }

    def test_the_merchant(self):
        self.assertTrue(self.result.created)
        self.assertEqual(self.merchant.name, "Demo Gift Shop")
        self.assertEqual(self.merchant.currency, "GBP")
        self.assertEqual(self.merchant.timezone, "Europe/London")
        with tenant_context(self.merchant):
            location = Location.objects.for_merchant(self.merchant).get()
        self.assertEqual(
            (location.code, location.name, location.kind),
            ("UK-WH", "UK warehouse", Location.Kind.WAREHOUSE),
        )

    def test_users_sign_in_with_the_demo_password_and_have_their_roles(self):
        roles = dict(
            Membership.objects.for_merchant(self.merchant).values_list("user__email", "role")
        )
        self.assertEqual(
            roles,
            {
                "owner@demo.shelfcast.local": Role.OWNER,
                "planner@demo.shelfcast.local": Role.PLANNER,
                "viewer@demo.shelfcast.local": Role.VIEWER,
            },
        )
        for email in roles:
            self.assertTrue(User.objects.get(email=email).check_password("shelfcast-demo"))
        owner = User.objects.get(email="owner@demo.shelfcast.local")
        planner = User.objects.get(email="planner@demo.shelfcast.local")
        viewer = User.objects.get(email="viewer@demo.shelfcast.local")
        self.assertTrue(owner.has_perm("accounts.manage_merchant", self.merchant))
        self.assertFalse(planner.has_perm("accounts.manage_merchant", self.merchant))
        self.assertTrue(planner.has_perm("accounts.plan_merchant", self.merchant))
        self.assertFalse(viewer.has_perm("accounts.plan_merchant", self.merchant))
        self.assertTrue(viewer.has_perm("accounts.view_merchant", self.merchant))

    def test_one_sku_per_sample_product_with_its_real_price(self):
        with tenant_context(self.merchant):
            skus = {sku.code: sku for sku in SKU.objects.for_merchant(self.merchant)}
        self.assertEqual(len(skus), len(self.products))
        self.assertEqual(set(skus), {row["stock_code"] for row in self.products})
        heart = skus["85123A"]
        self.assertEqual(heart.name, "White Hanging Heart T-Light Holder")
        self.assertEqual(heart.category, "Candles & lighting")
        for row in self.products:
            sku = skus[row["stock_code"]]
            self.assertEqual(sku.unit_price, Decimal(row["median_unit_price_gbp"]))
            self.assertTrue(sku.active)
            # 55-65% of the price, rounded to the penny
            margin = 0.05 + 0.01 / float(sku.unit_price)
            self.assertAlmostEqual(float(sku.unit_cost / sku.unit_price), 0.6, delta=margin)

    def test_sales_of_one_sku_equal_the_sample(self):
        code = "85123A"
        rows = [row for row in self.sales if row["stock_code"] == code]
        with tenant_context(self.merchant):
            totals = (
                SalesDay.objects.for_merchant(self.merchant)
                .filter(sku__code=code)
                .aggregate(
                    units=Sum("units"), returned=Sum("units_returned"), revenue=Sum("revenue")
                )
            )
            days = SalesDay.objects.for_merchant(self.merchant).filter(sku__code=code).count()
        self.assertEqual(days, len(rows))
        self.assertEqual(totals["units"], sum(Decimal(row["units_sold"]) for row in rows))
        self.assertEqual(totals["returned"], sum(Decimal(row["units_cancelled"]) for row in rows))
        self.assertEqual(totals["revenue"], sum(Decimal(row["revenue_gbp"]) for row in rows))

    def test_every_sample_row_is_a_sales_day_on_a_trading_day(self):
        trading_days = {
            dt.date.fromisoformat(row["date"])
            for row in self.calendar
            if row["is_trading_day"] == "1"
        }
        with tenant_context(self.merchant):
            sales = SalesDay.objects.for_merchant(self.merchant)
            self.assertEqual(sales.count(), len(self.sales))
            dates = set(sales.values_list("date", flat=True).distinct())
            flagged = sales.filter(on_promotion=True).count() + sales.filter(stock_out=True).count()
        self.assertLessEqual(dates, trading_days)
        self.assertEqual(flagged, 0)

    def test_synthetic_suppliers_and_stock(self):
        with tenant_context(self.merchant):
            suppliers = list(Supplier.objects.for_merchant(self.merchant))
            items = list(SupplierItem.objects.for_merchant(self.merchant))
            stock = list(StockLevel.objects.for_merchant(self.merchant))
        self.assertTrue(4 <= len(suppliers) <= 6)
        self.assertTrue(all("(illustrative)" in supplier.name for supplier in suppliers))
        self.assertEqual(Counter(item.sku_id for item in items).most_common(1)[0][1], 1)
        self.assertEqual(len(items), len(self.products))
        for item in items:
            self.assertTrue(item.is_primary)
            self.assertTrue(5 <= item.lead_time_mean_days <= 21)
            self.assertTrue(1 <= item.lead_time_std_days <= 5)
            self.assertIn(item.pack_size, {1, 6, 12, 24})
            self.assertEqual(item.moq % item.pack_size, 0)
        self.assertEqual(len(stock), len(self.products))
        close = dt.datetime(2011, 12, 9, 18, 0, tzinfo=ZoneInfo("Europe/London"))
        self.assertEqual({level.as_of for level in stock}, {close})
        out_of_stock = sum(1 for level in stock if level.on_hand == 0)
        self.assertEqual(out_of_stock, round(len(self.products) * 0.08))

    def test_second_shop_holds_only_its_own_skus_and_sales(self):
        second_counts = self.counts(self.second)
        self.assertEqual(second_counts["SKU"], 20)
        self.assertEqual(
            dict(Membership.objects.for_merchant(self.second).values_list("user__email", "role")),
            {"owner@demo.shelfcast.local": Role.OWNER},
        )
        with tenant_context(self.second):
            second_skus = dict(SKU.objects.for_merchant(self.second).values_list("id", "code"))
            sales_skus = set(
                SalesDay.objects.for_merchant(self.second).values_list("sku_id", flat=True)
            )
        with tenant_context(self.merchant):
            demo_sku_ids = set(SKU.objects.for_merchant(self.merchant).values_list("id", flat=True))
        self.assertLessEqual(
            set(second_skus.values()), {row["stock_code"] for row in self.products}
        )
        self.assertEqual(sales_skus, set(second_skus))
        self.assertFalse(demo_sku_ids & set(second_skus))
        codes = set(second_skus.values())
        self.assertEqual(
            second_counts["SalesDay"], sum(1 for row in self.sales if row["stock_code"] in codes)
        )

    def test_a_second_load_changes_nothing(self):
        before = (self.counts(self.merchant), self.counts(self.second))
        result = demo.demo_load()
        self.assertFalse(result.created)
        self.assertEqual(Merchant.objects.filter(slug__in=demo.DEMO_SLUGS).count(), 2)
        self.assertEqual(User.objects.filter(email__in=demo.DEMO_EMAILS).count(), 3)
        self.assertEqual((self.counts(self.merchant), self.counts(self.second)), before)
        self.assertEqual([counts.skus for counts in result.merchants], [len(self.products), 20])

    def test_reset_rebuilds_the_demo(self):
        before = (self.counts(self.merchant), self.counts(self.second))
        old_ids = {self.merchant.pk, self.second.pk}
        output = io.StringIO()
        result = demo.demo_load(reset=True, stdout=output)
        self.assertTrue(result.created)
        self.assertIn("Deleted the previous demo", output.getvalue())
        self.assertFalse(Merchant.objects.filter(pk__in=old_ids).exists())
        merchant = Merchant.objects.get(slug="demo")
        second = Merchant.objects.get(slug="second-shop")
        self.assertEqual((self.counts(merchant), self.counts(second)), before)
        with tenant_context(self.merchant.pk):
            self.assertEqual(SalesDay.objects.for_merchant(self.merchant.pk).count(), 0)
        self.assertEqual(User.objects.filter(email__in=demo.DEMO_EMAILS).count(), 3)
        owner = User.objects.get(email=demo.OWNER_EMAIL)
        self.assertTrue(owner.has_perm("accounts.manage_merchant", merchant))


class DemoNamesTests(SimpleTestCase):
    def test_display_names(self):
        cases = {
            "SET/20 RED RETROSPOT PAPER NAPKINS": "Set/20 Red Retrospot Paper Napkins",
            "LUNCH BAG  BLACK SKULL.": "Lunch Bag Black Skull",
            "HEART OF WICKER SMALL": "Heart of Wicker Small",
            "RED TOADSTOOL LED NIGHT LIGHT": "Red Toadstool LED Night Light",
            "PINK AND WHITE CHRISTMAS TREE 120CM": "Pink and White Christmas Tree 120cm",
            "POPPY'S PLAYHOUSE KITCHEN": "Poppy's Playhouse Kitchen",
            "PAPER CRAFT , LITTLE BIRDIE": "Paper Craft, Little Birdie",
        }
        for description, name in cases.items():
            with self.subTest(description):
                self.assertEqual(sample_catalogue.display_name(description), name)

    def test_categories_take_the_first_matching_rule(self):
        cases = {
            "LUNCH BAG RED RETROSPOT": "Bags",
            "SET/6 RED SPOTTY PAPER CUPS": "Kitchen & tableware",
            "WHITE HANGING HEART T-LIGHT HOLDER": "Candles & lighting",
            "PACK OF 12 CHRISTMAS FUN CARDS": "Christmas & seasonal",
            "BOTANICAL LAVENDER GIFT WRAP": "Cards, wrap & stationery",
            "ZINC METAL HEART DECORATION": "Home decoration",
            "GROOVY CACTUS INFLATABLE": "Other",
        }
        for description, category in cases.items():
            with self.subTest(description):
                self.assertEqual(sample_catalogue.category_for(description), category)


class DemoSampleTests(SimpleTestCase):
    def test_no_customer_identifier_in_the_sample(self):
        for name in ("products.csv.gz", "daily_sales.csv.gz", "calendar.csv"):
            with self.subTest(name):
                columns = set(read_sample_csv(name)[0])
                self.assertFalse({"customer_id", "CustomerID", "customer"} & columns)

    def test_small_enough_to_ship(self):
        size = sum(path.stat().st_size for path in SAMPLE_DIR.iterdir())
        self.assertLess(size, 2_000_000)

    def test_the_script_rebuilds_the_same_files(self):
        if not (SOURCE_DIR / "daily_sku_sales.csv.gz").exists():
            self.skipTest(f"the source data is not at {SOURCE_DIR}")
        spec = importlib.util.spec_from_file_location("build_demo_sample", BUILD_SCRIPT)
        script = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(script)
        with tempfile.TemporaryDirectory() as output:
            counts = script.build(SOURCE_DIR, Path(output))
            for name in ("products.csv.gz", "daily_sales.csv.gz", "calendar.csv"):
                with self.subTest(name):
                    rebuilt = (Path(output) / name).read_bytes()
                    self.assertEqual(rebuilt, (SAMPLE_DIR / name).read_bytes())
        self.assertEqual((counts["regular"], counts["sparse"]), (240, 60))

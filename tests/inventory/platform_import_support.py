"""The platform import tests' stores, the platforms' sample exports and the steps of an upload."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from accounts.roles import Role
from accounts.tenancy import tenant_context
from inventory.models import ImportJob, SalesDay
from tests.factories import LocationFactory, MerchantFactory, SKUFactory, member

FIXTURES = Path(__file__).parent / "fixtures" / "platforms"
SHOPIFY = "shopify_orders_export.csv"
WOOCOMMERCE = "woocommerce_orders.csv"
AMAZON = "amazon_all_orders.txt"
EMAILS = ["alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com"]

# The same orders as each export, written as Shelfcast's own order-lines CSV by the rules of
# inventory.ingest.platforms: a cancelled, unpaid or fully refunded line is quantity 0, a
# refund takes whole units off, a line without a SKU is not there.
SHELFCAST_EQUIVALENT = {
    SHOPIFY: (
        "order_id,ordered_at,sku,quantity,unit_price,customer_id\n"
        "#1001,2024-05-01T10:15:32+01:00,MUG-BLUE,2,12.50,alice@example.com\n"
        "#1001,2024-05-01T10:15:32+01:00,CUP-QH,1,18.00,alice@example.com\n"
        "#1002,2024-05-01T16:40:00+01:00,MUG-BLUE,2,12.50,bob@example.com\n"
        "#1003,2024-05-02T09:05:11+01:00,TEA-EARL,0,6.00,carol@example.com\n"
        "#1004,2024-05-02T12:00:00+01:00,TEA-EARL,0,6.00,dave@example.com\n"
        "#1005,2024-05-02T23:30:00+00:00,TEA-EARL,2,6.00,alice@example.com\n"
    ),
    WOOCOMMERCE: (
        "order_id,ordered_at,sku,quantity,unit_price,customer_id\n"
        "2101,2024-05-01 10:15,MUG-BLUE,2,12.50,alice@example.com\n"
        "2101,2024-05-01 10:15,CUP-QH,1,18.00,alice@example.com\n"
        "2102,2024-05-01 16:40,MUG-BLUE,0,12.50,bob@example.com\n"
        "2103,2024-05-02 09:05,TEA-EARL,0,6.00,carol@example.com\n"
        "2104,2024-05-03 00:30,TEA-EARL,2,6.00,dave@example.com\n"
        "2104,2024-05-03 00:30,MUG-BLUE,2,12.50,dave@example.com\n"
    ),
    AMAZON: (
        "order_id,ordered_at,sku,quantity,unit_price\n"
        "202-1111111-1111111,2024-05-01T09:15:32+00:00,MUG-BLUE,2,12.50\n"
        "202-1111111-1111111,2024-05-01T09:15:32+00:00,CUP-QH,1,18.00\n"
        "202-2222222-2222222,2024-05-01T15:40:00+00:00,MUG-BLUE,0,0\n"
        "202-3333333-3333333,2024-05-02T08:05:11+00:00,TEA-EARL,0,0\n"
        "202-5555555-5555555,2024-05-02T23:30:00+00:00,TEA-EARL,3,6.00\n"
    ),
}


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


class PlatformImportCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="shop", timezone="Europe/London", currency="GBP")
        cls.other = MerchantFactory(slug="mirror", timezone="Europe/London", currency="GBP")
        for merchant in (cls.merchant, cls.other):
            LocationFactory(merchant=merchant, code="WH")
            for code in ("MUG-BLUE", "CUP-QH", "TEA-EARL"):
                SKUFactory(merchant=merchant, code=code)
        cls.planner = member(cls.merchant, Role.PLANNER)
        cls.other_planner = member(cls.other, Role.PLANNER)

    def upload(self, content: bytes | str, name: str, *, slug="shop", resource="") -> ImportJob:
        data = content.encode() if isinstance(content, str) else content
        response = self.client.post(
            reverse("inventory:data", args=[slug]),
            {"resource": resource, "file": SimpleUploadedFile(name, data)},
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        return self.job(slug)

    def merchant_of(self, slug: str):
        return self.merchant if slug == "shop" else self.other

    def job(self, slug="shop") -> ImportJob:
        merchant = self.merchant_of(slug)
        with tenant_context(merchant):
            return ImportJob.objects.for_merchant(merchant).latest("created_at")

    def confirm(self, job: ImportJob, *, slug="shop", **data) -> ImportJob:
        if not job.platform:
            data.update(
                {f"map-{i}": job.mapping.get(column, "") for i, column in enumerate(job.header)}
            )
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("inventory:import_detail", args=[slug, job.pk]), data)
        return self.job(slug)

    def load(self, content: bytes | str, name: str, *, slug="shop", resource="", **data):
        job = self.confirm(
            self.upload(content, name, slug=slug, resource=resource), slug=slug, **data
        )
        self.assertEqual(job.status, ImportJob.Status.SUCCEEDED, (job.message, job.errors))
        return job

    def sales(self, slug="shop") -> list[tuple]:
        merchant = self.merchant_of(slug)
        with tenant_context(merchant):
            return list(
                SalesDay.objects.for_merchant(merchant)
                .order_by("sku__code", "date")
                .values_list(
                    "sku__code",
                    "location__code",
                    "date",
                    "units",
                    "units_returned",
                    "revenue",
                    "average_price",
                    "customers",
                    "on_promotion",
                    "stock_out",
                )
            )

    def units(self, slug="shop") -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
        return {
            (sku, str(day)): (units, revenue)
            for sku, _, day, units, _, revenue, *_ in self.sales(slug)
        }

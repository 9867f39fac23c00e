"""A supplier's terms (minimum order value, free-shipping threshold) through the API and the
portal's CSV import: read, written, validated, and kept by an upsert that does not carry them."""

from __future__ import annotations

from decimal import Decimal

from django.test import TestCase

from accounts.roles import Role
from accounts.tenancy import tenant_context
from inventory.models import ImportJob, Supplier
from tests.factories import merchant_with
from tests.inventory.api_support import ApiTestCase
from tests.stores import PortalImportMixin

TERMS = ("minimum_order_value", "free_shipping_threshold")


def _terms(merchant, code: str) -> tuple:
    with tenant_context(merchant):
        return tuple(
            Supplier.objects.for_merchant(merchant).filter(code=code).values_list(*TERMS).get()
        )


class SupplierTermsApiTests(ApiTestCase):
    def terms(self, code: str = "ACME") -> tuple:
        return _terms(self.merchant, code)

    def store_terms(self) -> None:
        row = {
            "code": "ACME",
            "name": "Acme",
            "minimum_order_value": "250.00",
            "free_shipping_threshold": 400,
        }
        self.assertEqual(self.bulk("supplier", [row]).status_code, 200)
        self.assertEqual(self.terms(), (Decimal("250"), Decimal("400")))

    def test_terms_are_written_and_read_back(self):
        response = self.call(
            "post",
            "supplier-list",
            {"code": "ACME", "name": "Acme", "minimum_order_value": "99.5"},
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["minimum_order_value"], "99.5000")
        self.assertIsNone(response.json()["free_shipping_threshold"])
        listed = self.call("get", "supplier-list").json()["results"][0]
        self.assertEqual(
            (listed["minimum_order_value"], listed["free_shipping_threshold"]), ("99.5000", None)
        )

    def test_an_upsert_without_the_terms_keeps_them(self):
        self.store_terms()
        response = self.bulk("supplier", [{"code": "ACME", "name": "Acme Ltd"}])
        self.assertEqual(response.json()["updated"], 1)
        self.assertEqual(self.terms(), (Decimal("250"), Decimal("400")))
        # a single-object write too
        self.call("post", "supplier-list", {"code": "ACME", "name": "Acme plc"})
        self.assertEqual(self.terms(), (Decimal("250"), Decimal("400")))

    def test_a_csv_body_whose_term_columns_are_absent_or_empty_keeps_them(self):
        self.store_terms()
        for body in (
            "code,name\nACME,Acme CSV\n",
            "code,name,minimum_order_value,free_shipping_threshold\nACME,Acme CSV 2,,\n",
        ):
            response = self.call("post", "supplier-bulk", body, content_type="text/csv")
            self.assertEqual(response.status_code, 200, response.content)
            self.assertEqual(self.terms(), (Decimal("250"), Decimal("400")), body)

    def test_a_csv_body_sets_the_terms_and_an_empty_cell_clears_where_the_column_is_used(self):
        self.store_terms()
        body = (
            "code,name,min_order_value,free_shipping_threshold\nACME,Acme,,150\nBOLT,Bolt,1000,\n"
        )
        response = self.call("post", "supplier-bulk", body, content_type="text/csv")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(self.terms("ACME"), (None, Decimal("150")))
        self.assertEqual(self.terms("BOLT"), (Decimal("1000"), None))

    def test_null_clears_a_term(self):
        self.store_terms()
        self.bulk("supplier", [{"code": "ACME", "name": "Acme", "minimum_order_value": None}])
        self.assertEqual(self.terms(), (None, Decimal("400")))

    def test_negative_too_large_and_non_numeric_terms_are_refused(self):
        self.store_terms()
        rows = [
            {"code": "A1", "name": "A", "minimum_order_value": "-1"},
            {"code": "A2", "name": "A", "free_shipping_threshold": "10000000000"},
            {"code": "A3", "name": "A", "free_shipping_threshold": "lots"},
            {"code": "ACME", "name": "Acme", "minimum_order_value": "1"},
        ]
        response = self.bulk("supplier", rows)
        errors = {(e["row"], e["field"]): e["detail"] for e in response.json()["errors"]}
        self.assertEqual(
            set(errors),
            {
                (0, "minimum_order_value"),
                (1, "free_shipping_threshold"),
                (2, "free_shipping_threshold"),
            },
        )
        self.assertIn("must not be negative", errors[0, "minimum_order_value"])
        self.assertIn("too large", errors[1, "free_shipping_threshold"])
        self.assertIn("must be a number", errors[2, "free_shipping_threshold"])
        # all or nothing: the valid row was not written either
        self.assertEqual(self.terms(), (Decimal("250"), Decimal("400")))


class SupplierTermsImportTests(PortalImportMixin, TestCase):
    """The portal's CSV import of suppliers takes the terms and keeps them when left out."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.planner = merchant_with(Role.PLANNER, slug="shop")

    def setUp(self):
        self.client.force_login(self.planner)

    def load(self, content: str) -> ImportJob:
        job = self.portal_import(content, "suppliers")
        self.assertEqual(job.status, ImportJob.Status.SUCCEEDED, job.message)
        return job

    def test_a_file_with_the_terms_then_one_without_them(self):
        job = self.load("code,Name,Min Order Value,Free Shipping From\nACME,Acme,50,75.5\n")
        self.assertEqual(job.mapping.get("Min Order Value"), "minimum_order_value", job.mapping)
        self.assertEqual(_terms(self.merchant, "ACME"), (Decimal("50"), Decimal("75.5")))
        self.load("code,name\nACME,Acme renamed\n")
        self.assertEqual(_terms(self.merchant, "ACME"), (Decimal("50"), Decimal("75.5")))

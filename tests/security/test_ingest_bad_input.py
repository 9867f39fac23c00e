"""Input that used to end in a server error: NUL characters (PostgreSQL refuses them in text
and JSON), numbers that fit a row but not the totals built from it, impossible or
unrepresentable dates, and control characters in the list endpoints' query parameters. Each
is a 400 naming the field (API) or a row error naming it (imports)."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tenancy import tenant_context
from inventory.models import SKU, ImportJob, OrderLine, SalesDay
from tests.inventory.api_support import ApiTestCase, purchase_order
from tests.stores import PlannerUploadsTestCase

LIST_ENDPOINTS = [
    "sku-list",
    "location-list",
    "supplier-list",
    "supplier-item-list",
    "stock-level-list",
    "sales-day-list",
    "order-line-list",
    "promotion-list",
    "calendar-event-list",
    "purchase-order-list",
]


class ApiNulTests(ApiTestCase):
    def setUp(self):
        self.seed_catalogue()

    def assertFieldError(self, response, field: str, words: str) -> None:
        self.assertEqual(response.status_code, 400, response.content)
        errors = [e for e in response.json()["errors"] if e["field"] == field]
        self.assertTrue(errors, response.json())
        self.assertIn(words, errors[0]["detail"])

    def test_a_nul_in_a_code_is_a_400_naming_the_field(self):
        rows = [{"sku": "S0\x00", "location": "WH", "date": "2024-05-01", "units": 1}]
        self.assertFieldError(self.bulk("sales-day", rows), "sku", "NUL")
        rows = [{"code": "P\x00", "name": "Promo", "sku": "S0", "start_date": "2024-05-01",
                 "end_date": "2024-05-02"}]  # fmt: skip
        self.assertFieldError(self.bulk("promotion", rows), "code", "NUL")
        self.assertEqual(self.in_db(SalesDay), [])

    def test_a_nul_in_text_of_a_purchase_order_line_is_named(self):
        order = purchase_order(
            "PO1\x00", [{"sku": "S\x00", "quantity_ordered": 1}], supplier="NOPE"
        )
        response = self.bulk("purchase-order", [order])
        self.assertEqual(response.status_code, 400)
        fields = {e["field"] for e in response.json()["errors"]}
        self.assertTrue({"number", "lines[0].sku"} <= fields, fields)


class ApiOverflowTests(ApiTestCase):
    def setUp(self):
        self.seed_catalogue()

    def test_order_lines_whose_day_totals_overflow_are_refused_by_row(self):
        line = {"sku": "S0", "ordered_at": "2024-05-01T10:00", "unit_price": "9999999999"}
        rows = [
            {**line, "order_id": "1", "quantity": "99999999999"},
            {**line, "order_id": "2", "quantity": "99999999999"},
            {**line, "order_id": "3", "sku": "S1", "quantity": "1"},
        ]
        response = self.bulk("order-line", rows)
        self.assertEqual(response.status_code, 400, response.content)
        errors = {(e["row"], e["field"]) for e in response.json()["errors"]}
        self.assertEqual(errors, {(0, "quantity"), (1, "quantity")})
        self.assertIn("day", response.json()["errors"][0]["detail"])
        self.assertEqual((self.in_db(OrderLine), self.in_db(SalesDay)), ([], []))

    def test_catalogue_figures_survive_days_of_the_largest_sales(self):
        """The 28-day totals of days each at the column's limit do not fit the summary's
        column: the figures are capped, the pages still answer."""
        self.client.force_login(self.owner)
        rows = [
            {"sku": "S0", "location": "WH", "date": f"2024-05-{day:02d}",
             "units": "99999999999.999", "revenue": "9999999999.9999"}
            for day in range(1, 4)
        ]  # fmt: skip
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(self.bulk("sales-day", rows).status_code, 200)
        page = self.client.get(reverse("inventory:sku_list", args=["shop"]))
        self.assertEqual(page.status_code, 200)
        figures = {sku.code: sku.units_28d for sku in page.context["page"]}
        self.assertEqual(figures["S0"], Decimal("99999999999.999"))


class ApiQueryParameterTests(ApiTestCase):
    def setUp(self):
        self.seed_catalogue()

    def get(self, name: str, params: dict):
        return self.call("get", name, params)

    def test_control_characters_in_any_parameter_are_a_400_naming_it(self):
        for name in LIST_ENDPOINTS:
            for value in ("S0\x00", "S0\r\nX-Injected: 1", "S0\n"):
                for parameter in ("code", "sku", "number", "updated_since", "ordering", "cursor"):
                    with self.subTest(endpoint=name, parameter=parameter, value=value):
                        response = self.get(name, {parameter: value})
                        self.assertIn(parameter, self.invalid_fields(response))

    def test_impossible_and_unrepresentable_dates_are_a_400(self):
        cases = [
            ("sales-day-list", "date_from", "2024-02-30"),
            ("sales-day-list", "date_to", "0000-01-01"),
            ("promotion-list", "active_on", "2024-13-01"),
            ("sku-list", "updated_since", "2024-05-01T25:00:00Z"),
            ("sku-list", "updated_since", "0001-01-01T00:00:00+05:00"),
            ("sku-list", "updated_since", "9999-12-31T23:59:59-05:00"),
            ("stock-level-list", "as_of_from", "2024-05-01T10:00:00+99:00"),
        ]
        for name, parameter, value in cases:
            with self.subTest(parameter=parameter, value=value):
                response = self.get(name, {parameter: value})
                self.assertIn(parameter, self.invalid_fields(response))

    def test_ordinary_parameters_still_filter(self):
        response = self.get("sku-list", {"code": "S1", "updated_since": "2000-01-01T00:00:00Z"})
        self.assertEqual([row["code"] for row in response.json()["results"]], ["S1"])


class ImportBadInputTests(PlannerUploadsTestCase):
    def setUp(self):
        self.client.force_login(self.planner)

    def upload(self, content: bytes, resource: str, name: str = "f.csv"):
        return self.client.post(
            reverse("inventory:data", args=["shop"]),
            {"resource": resource, "file": SimpleUploadedFile(name, content)},
        )

    def test_a_nul_in_a_cell_is_a_row_error_and_the_report_keeps_it_readable(self):
        content = b"sku,location,date,units\nA1\x00,WH,2024-05-01,1\nA1,WH,2024-05-02,x\x00\n"
        job = self.portal_import(content, "sales")
        self.assertEqual(job.status, ImportJob.Status.FAILED, job.message)
        self.assertEqual([(e["line"], e["field"]) for e in job.errors], [(2, "sku"), (3, "units")])
        self.assertIn("NUL", job.errors[0]["message"])
        values = [error["value"] for error in job.errors]
        self.assertEqual(values, ["A1\u2400", "x\u2400"])  # shown as the symbol for NUL
        report = self.client.get(reverse("inventory:import_errors", args=["shop", job.pk]))
        self.assertEqual(report.status_code, 200)
        self.assertNotIn(b"\x00", report.content)

    def test_a_nul_in_the_header_is_refused_at_upload(self):
        response = self.upload(b"sku,loc\x00ation,date,units\nA1,WH,2024-05-01,1\n", "sales")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "control character", status_code=400)
        with tenant_context(self.merchant):
            self.assertFalse(ImportJob.objects.for_merchant(self.merchant).exists())

    def test_a_sku_name_with_a_nul_is_a_row_error_not_a_crash(self):
        content = (
            b"order_id,ordered_at,sku,sku_name,location,quantity,unit_price\n"
            b"1,2024-05-01T10:00,NEW1,Bad\x00name,WH,1,2.00\n"
            b"2,2024-05-01T10:00,NEW2,Good name,WH,1,2.00\n"
            b"3,2024-05-01T10:00," + b"L" * 70 + b",Long code,WH,1,2.00\n"
        )
        job = self.portal_import(content, "order-lines", create_missing_skus="on")
        self.assertEqual(job.status, ImportJob.Status.FAILED, job.message)
        # the SKU a bad name would have made is not made, so its line is refused as well
        self.assertEqual(
            [(e["line"], e["field"]) for e in job.errors],
            [(2, "sku_name"), (2, "sku"), (4, "sku")],
        )
        self.assertIn("NUL", job.errors[0]["message"])
        with tenant_context(self.merchant):  # the import is all or nothing
            self.assertFalse(SKU.objects.for_merchant(self.merchant).filter(code="NEW2").exists())

    def test_day_totals_that_overflow_are_row_errors_in_an_import(self):
        content = (
            b"order_id,ordered_at,sku,location,quantity,unit_price\n"
            b"1,2024-05-01T10:00,A1,WH,99999999999,9999999999\n"
        )
        job = self.portal_import(content, "order-lines")
        self.assertEqual(job.status, ImportJob.Status.FAILED, job.message)
        self.assertEqual([(e["line"], e["field"]) for e in job.errors], [(2, "quantity")])

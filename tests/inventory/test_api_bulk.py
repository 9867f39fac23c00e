"""The ERP sync API's bulk upserts: counts, replays, CSV bodies, and all-or-nothing validation
that names every bad row."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from accounts.roles import Role
from accounts.tenancy import tenant_context
from inventory.models import SKU, SalesDay
from tests.factories import MerchantFactory, api_token_secret, member
from tests.inventory.api_support import (
    ApiTestCase,
)


class BulkUpsertTests(ApiTestCase):
    def test_counts_created_updated_unchanged(self):
        self.seed_catalogue()
        rows = [
            {"code": "S0", "name": "Item 0", "unit_price": "2.50"},
            {"code": "S1", "name": "Renamed", "unit_price": "2.50"},
            {"code": "S9", "name": "New"},
        ]
        response = self.bulk("sku", rows)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(),
            {"resource": "skus", "rows": 3, "created": 1, "updated": 1, "unchanged": 1},
        )
        self.assertEqual(self.in_db(SKU, code="S1")[0].name, "Renamed")

    def test_replaying_a_batch_gives_the_same_state(self):
        self.seed_catalogue()
        sales = [
            {"sku": f"S{i}", "location": "WH", "date": f"2024-05-0{d}", "units": i + d}
            for i in range(3)
            for d in range(1, 4)
        ]
        first = self.bulk("sales-day", sales).json()
        with tenant_context(self.merchant):
            before = list(
                SalesDay.objects.for_merchant(self.merchant)
                .order_by("pk")
                .values("pk", "sku_id", "date", "units", "updated_at")
            )
        second = self.bulk("sales-day", sales).json()
        with tenant_context(self.merchant):
            after = list(
                SalesDay.objects.for_merchant(self.merchant)
                .order_by("pk")
                .values("pk", "sku_id", "date", "units", "updated_at")
            )
        self.assertEqual(first["created"], 9)
        self.assertEqual((second["created"], second["updated"], second["unchanged"]), (0, 0, 9))
        self.assertEqual(before, after)

    def test_fields_absent_from_a_batch_are_left_alone(self):
        self.bulk("sku", [{"code": "A", "name": "A", "description": "Keep me", "unit_price": 1}])
        self.bulk("sku", [{"code": "A", "name": "A2"}])
        sku = self.in_db(SKU, code="A")[0]
        self.assertEqual((sku.name, sku.description, sku.unit_price), ("A2", "Keep me", 1))

    def test_rows_wrapper_and_csv_body(self):
        self.seed_catalogue()
        response = self.bulk("sku", {"rows": [{"code": "W", "name": "Wrapped"}]})
        self.assertEqual(response.json()["created"], 1)
        csv_body = 'code,name,unit_price\nC1,From CSV,1.20\nC2,"Comma, inside",3\n'
        response = self.call("post", "sku-bulk", csv_body, content_type="text/csv")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["created"], 2)
        self.assertEqual(self.in_db(SKU, code="C2")[0].name, "Comma, inside")

    def test_single_object_create_then_update(self):
        response = self.call("post", "sku-list", {"code": "ONE", "name": "First"})
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["name"], "First")
        response = self.call("post", "sku-list", {"code": "ONE", "name": "Second"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["name"], "Second")
        self.assertEqual(len(self.in_db(SKU, code="ONE")), 1)


class AllOrNothingTests(ApiTestCase):
    def setUp(self):
        self.seed_catalogue()
        self.other = MerchantFactory(slug="other")
        other_owner = member(self.other, Role.OWNER)
        other_token = api_token_secret(self.other, role=Role.OWNER, name="x", actor=other_owner)
        self.client.post(
            reverse("sku-bulk"),
            '[{"code": "OTHER-ONLY", "name": "Theirs"}]',
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {other_token}",
        )

    def assertRejected(self, response, *expected):
        """Each expected (row, field, words in message) is listed; nothing was written."""
        self.assertEqual(response.status_code, 400, response.content)
        body = response.json()
        self.assertIn("nothing was written", body["detail"])
        for row, field, words in expected:
            matches = [e for e in body["errors"] if e["row"] == row and e["field"] == field]
            self.assertTrue(matches, f"no error for row {row} field {field}: {body['errors']}")
            self.assertIn(words, matches[0]["detail"])
        return body

    def test_one_bad_row_writes_nothing(self):
        rows = [
            {"sku": "S0", "location": "WH", "date": "2024-05-01", "units": 3},
            {"sku": "S1", "location": "WH", "date": "2024-05-01", "units": -2},
        ]
        self.assertRejected(self.bulk("sales-day", rows), (1, "units", "negative"))
        self.assertEqual(self.in_db(SalesDay), [])

    def test_every_kind_of_bad_row_is_named(self):
        rows = [
            {"sku": "NOPE", "location": "WH", "date": "2024-05-01", "units": 1},
            {"sku": "OTHER-ONLY", "location": "WH", "date": "2024-05-01", "units": 1},
            {"sku": "S0", "location": "WH", "date": "2024-02-30", "units": 1},
            {"sku": "S0", "location": "WH", "date": "2024-05-02", "units": "three"},
            {"sku": "S0", "location": "MOON", "date": "2024-05-03", "units": 1},
            {"sku": "S1", "location": "WH", "date": "2024-05-04", "units": 1},
            {"sku": "S1", "location": "WH", "date": "2024-05-04", "units": 2},
            {"sku": "S2", "location": "WH", "date": "2024-05-05"},
            {"sku": "S2", "location": "WH", "date": "2024-05-06", "units": 1, "colour": "red"},
            "not an object",
            {"sku": "S2", "location": "WH", "date": "2024-05-07", "units": True},
        ]
        body = self.assertRejected(
            self.bulk("sales-day", rows),
            (0, "sku", "unknown SKU code"),
            (1, "sku", "unknown SKU code"),  # another merchant's code reads as unknown
            (2, "date", "real date"),
            (3, "units", "number"),
            (4, "location", "unknown location code"),
            (6, "sku,location,date", "duplicates row 5"),
            (7, "units", "required"),
            (8, "colour", "not a field"),
            (9, "", "object"),
            (10, "units", "number"),
        )
        self.assertEqual(body["error_count"], 10)
        self.assertEqual(body["errors"][0]["value"], "NOPE")
        self.assertEqual(self.in_db(SalesDay), [])

    def test_negative_stock_and_bad_datetime(self):
        rows = [
            {"sku": "S0", "location": "WH", "as_of": "2024-05-01T18:00", "on_hand": -1},
            {"sku": "S0", "location": "WH", "as_of": "yesterday", "on_hand": 1},
        ]
        self.assertRejected(
            self.bulk("stock-level", rows),
            (0, "on_hand", "negative"),
            (1, "as_of", "ISO 8601"),
        )

    def test_promotion_rules(self):
        rows = [
            {"code": "P1", "sku": "S0", "start_date": "2024-05-10", "end_date": "2024-05-01"},
            {
                "code": "P2",
                "sku": "S0",
                "category": "Mugs",
                "start_date": "2024-05-01",
                "end_date": "2024-05-02",
            },
            {
                "code": "P3",
                "start_date": "2024-05-01",
                "end_date": "2024-05-02",
                "discount_percent": 120,
            },
        ]
        self.assertRejected(
            self.bulk("promotion", rows),
            (0, "end_date", "before start_date"),
            (1, "sku", "either a sku or a category"),
            (2, "discount_percent", "at most 100"),
        )

    def test_calendar_event_rules_and_upsert(self):
        rows = [
            {"code": "XMAS", "start_date": "2024-12-26", "end_date": "2024-12-24"},
            {"code": "FAIR", "location": "NOWHERE", "start_date": "2024-05-01", "end_date": "x"},
        ]
        self.assertRejected(
            self.bulk("calendar-event", rows),
            (0, "end_date", "before start_date"),
            (1, "location", "unknown location"),
            (1, "end_date", "date"),
        )
        good = {
            "code": "XMAS",
            "location": "WH",
            "start_date": "2024-12-24",
            "end_date": "2024-12-26",
        }
        for _attempt in range(2):  # a retried request does not duplicate the event
            response = self.bulk("calendar-event", [good])
            self.assertEqual(response.status_code, 200, response.content)
        listed = self.call("get", "calendar-event-list").json()["results"]
        self.assertEqual([(e["code"], e["location"]) for e in listed], [("XMAS", "WH")])

    def test_malformed_json_and_csv(self):
        response = self.call("post", "sku-bulk", '[{"code": "A", ')
        self.assertEqual(response.status_code, 400)
        self.assertIn("Malformed JSON", response.json()["detail"])
        response = self.call("post", "sku-bulk", "code,name\nA,B,C\n", content_type="text/csv")
        self.assertEqual(response.status_code, 400)
        self.assertIn("line 2 has 3 cells", response.json()["detail"])
        response = self.call("post", "sku-bulk", b"\xff\xfe", content_type="text/csv")
        self.assertIn("not UTF-8", response.json()["detail"])
        response = self.call("post", "sku-bulk", {"not": "a list"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("list of rows", response.json()["errors"][0]["detail"])

    @override_settings(API_MAX_BODY_BYTES=1000)
    def test_too_large_a_body_is_413(self):
        rows = [{"code": f"BIG{i}", "name": "x" * 50} for i in range(40)]
        response = self.bulk("sku", rows)
        self.assertEqual(response.status_code, 413)
        self.assertIn("fewer rows", response.json()["detail"])
        self.assertEqual(self.in_db(SKU, code__startswith="BIG"), [])

    def test_viewer_tokens_cannot_write(self):
        reader = api_token_secret(self.merchant, role=Role.VIEWER, name="reader", actor=self.owner)
        response = self.client.post(
            reverse("sku-bulk"),
            '[{"code": "R", "name": "R"}]',
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {reader}",
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.in_db(SKU, code="R"), [])


class NumberEdgeTests(ApiTestCase):
    def test_numbers_that_would_overflow_the_column_are_refused(self):
        self.seed_catalogue()
        for units in ("99999999999.9999", "1e400", "100000000000"):
            response = self.bulk(
                "sales-day", [{"sku": "S0", "location": "WH", "date": "2024-05-01", "units": units}]
            )
            self.assertEqual(response.status_code, 400, units)
            self.assertIn("too large", response.json()["errors"][0]["detail"])

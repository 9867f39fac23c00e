"""The ERP sync API: bulk upserts, all-or-nothing validation, idempotency, order lines and
their pseudonymised customers, stock-out days, filters and cursor pages."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from unittest import mock

from django.db import connection
from django.test import TestCase, override_settings
from django.urls import reverse

from accounts.roles import Role
from accounts.services import api_token_create
from accounts.tenancy import tenant_context
from inventory.models import SKU, OrderLine, PurchaseOrderLine, SalesDay
from tests.factories import MerchantFactory, member


class ApiTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="shop", timezone="Europe/London")
        cls.owner = member(cls.merchant, Role.OWNER)
        cls.token = api_token_create(
            merchant=cls.merchant, name="ERP", role=Role.PLANNER, actor=cls.owner
        ).secret

    def call(self, method, name, data=None, *, content_type="application/json", **headers):
        extra = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}
        extra.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
        url = name if name.startswith("/") else reverse(name)
        if method == "get":
            return self.client.get(url, data or {}, **extra)
        body = data if isinstance(data, str | bytes) else __import__("json").dumps(data)
        return getattr(self.client, method)(url, body, content_type=content_type, **extra)

    def invalid_fields(self, response) -> list[str]:
        """The fields (body fields, query parameters, headers) a 400 problem names."""
        self.assertEqual(response.status_code, 400, response.content)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        return [error["field"] for error in response.json()["errors"]]

    def bulk(self, resource, rows, **headers):
        return self.call("post", f"{resource}-bulk", rows, **headers)

    def seed_catalogue(self):
        self.assertEqual(
            self.bulk("location", [{"code": "WH", "name": "Warehouse"}]).status_code, 200
        )
        skus = [{"code": f"S{i}", "name": f"Item {i}", "unit_price": "2.50"} for i in range(3)]
        self.assertEqual(self.bulk("sku", skus).status_code, 200)

    def in_db(self, model, **filters):
        with tenant_context(self.merchant):
            return list(model.objects.for_merchant(self.merchant).filter(**filters))

    def values(self, model, *fields, **filters):
        with tenant_context(self.merchant):
            return list(
                model.objects.for_merchant(self.merchant)
                .filter(**filters)
                .order_by("pk")
                .values_list(*fields)
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
        other_token = api_token_create(
            merchant=self.other, name="x", role=Role.OWNER, actor=other_owner
        ).secret
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
        reader = api_token_create(
            merchant=self.merchant, name="reader", role=Role.VIEWER, actor=self.owner
        ).secret
        response = self.client.post(
            reverse("sku-bulk"),
            '[{"code": "R", "name": "R"}]',
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {reader}",
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.in_db(SKU, code="R"), [])


class IdempotencyTests(ApiTestCase):
    def test_retry_replays_and_writes_nothing(self):
        key = str(uuid.uuid4())
        rows = [{"code": "I1", "name": "Once"}]
        first = self.bulk("sku", rows, **{"Idempotency-Key": key})
        self.bulk("sku", [{"code": "I1", "name": "Changed meanwhile"}])  # another write
        retry = self.bulk("sku", rows, **{"Idempotency-Key": key})
        self.assertEqual(retry.status_code, 200)
        self.assertEqual(retry.json(), first.json())
        self.assertEqual(retry["Idempotent-Replayed"], "true")
        self.assertEqual(self.in_db(SKU, code="I1")[0].name, "Changed meanwhile")

    def test_same_key_other_payload_is_422(self):
        key = "order-sync-42"
        self.bulk("sku", [{"code": "K", "name": "One"}], **{"Idempotency-Key": key})
        response = self.bulk("sku", [{"code": "K", "name": "Two"}], **{"Idempotency-Key": key})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(self.in_db(SKU, code="K")[0].name, "One")

    def test_a_refused_batch_is_not_remembered(self):
        key = "fix-and-retry"
        bad = self.bulk("sku", [{"code": "", "name": "x"}], **{"Idempotency-Key": key})
        self.assertEqual(bad.status_code, 400)
        again = self.bulk("sku", [{"code": "", "name": "x"}], **{"Idempotency-Key": key})
        self.assertEqual(again.status_code, 400)
        self.assertNotIn("Idempotent-Replayed", again)

    def test_keys_belong_to_one_merchant(self):
        other = MerchantFactory(slug="elsewhere")
        other_token = api_token_create(
            merchant=other, name="t", role=Role.OWNER, actor=member(other, Role.OWNER)
        ).secret
        self.bulk("sku", [{"code": "M", "name": "Mine"}], **{"Idempotency-Key": "shared"})
        response = self.client.post(
            reverse("sku-bulk"),
            '[{"code": "T", "name": "Theirs"}]',
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {other_token}",
            HTTP_IDEMPOTENCY_KEY="shared",
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["created"], 1)


class OrderLineTests(ApiTestCase):
    def setUp(self):
        self.seed_catalogue()

    def test_lines_become_daily_sales_with_distinct_customers(self):
        lines = [
            {
                "order_id": "536365",
                "ordered_at": "2024-05-01T09:00",
                "sku": "S0",
                "quantity": 6,
                "unit_price": "2.55",
                "customer_id": "17850",
                "country": "UK",
            },
            {
                "order_id": "536366",
                "ordered_at": "2024-05-01T23:30:00+00:00",
                "sku": "S0",
                "quantity": 4,
                "unit_price": "2.55",
                "customer_id": "17850",
            },
            {
                "order_id": "536367",
                "ordered_at": "2024-05-01T12:00",
                "sku": "S0",
                "quantity": 2,
                "unit_price": "2.55",
                "customer_id": "13047",
            },
            {
                "order_id": "C536368",
                "ordered_at": "2024-05-01T15:00",
                "sku": "S0",
                "quantity": -1,
                "unit_price": "2.55",
                "customer_id": "13047",
            },
        ]
        response = self.bulk("order-line", lines)
        self.assertEqual(response.status_code, 200, response.content)
        day = self.in_db(SalesDay, sku__code="S0")
        # 23:30 UTC is 00:30 on 2 May in London: that line is another day.
        self.assertEqual([d.date.isoformat() for d in day], ["2024-05-01", "2024-05-02"])
        first = day[0]
        self.assertEqual(
            (first.units, first.units_returned, first.customers),
            (Decimal("8"), Decimal("1"), 2),
        )
        self.assertEqual(first.revenue, Decimal("20.4000"))
        # Sending the same lines again changes nothing.
        again = self.bulk("order-line", lines).json()
        self.assertEqual(again["unchanged"], 4)
        self.assertEqual(self.in_db(SalesDay, sku__code="S0")[0].units, Decimal("8"))

    def test_raw_customer_ids_are_stored_nowhere(self):
        self.bulk(
            "order-line",
            [
                {
                    "order_id": "1",
                    "ordered_at": "2024-05-01T09:00",
                    "sku": "S1",
                    "quantity": 1,
                    "unit_price": "1",
                    "customer_id": "CUSTOMER-9911-SECRET",
                }
            ],
        )
        line = self.in_db(OrderLine)[0]
        self.assertEqual(len(line.customer_hash), 64)
        self.assertNotIn("9911", line.customer_hash)
        with tenant_context(self.merchant), connection.cursor() as cursor:
            for model in (OrderLine, SalesDay):
                table = model._meta.db_table
                cursor.execute(f"SELECT * FROM {table}")
                self.assertNotIn("CUSTOMER-9911-SECRET", repr(cursor.fetchall()))
        listed = self.call("get", "order-line-list").content.decode()
        self.assertNotIn("CUSTOMER-9911", listed)
        self.assertNotIn(line.customer_hash, listed)

    def test_pseudonyms_differ_between_merchants(self):
        from inventory.ingest.pseudonyms import pseudonymise

        other = MerchantFactory()
        self.assertNotEqual(
            pseudonymise(key=self.merchant.customer_key, customer_id="17850"),
            pseudonymise(key=other.customer_key, customer_id="17850"),
        )

    def test_location_required_when_the_store_has_several(self):
        self.bulk("location", [{"code": "SHOP", "name": "Shop"}])
        response = self.bulk(
            "order-line",
            [
                {
                    "order_id": "1",
                    "ordered_at": "2024-05-01T09:00",
                    "sku": "S1",
                    "quantity": 1,
                    "unit_price": "1",
                }
            ],
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("several", response.json()["errors"][0]["detail"])


class StockOutTests(ApiTestCase):
    def test_zero_stock_days_are_flagged_before_and_after_sales_arrive(self):
        self.seed_catalogue()
        self.bulk(
            "stock-level",
            [
                {"sku": "S0", "location": "WH", "as_of": "2024-05-03T20:00", "on_hand": 0},
                {"sku": "S1", "location": "WH", "as_of": "2024-05-03T20:00", "on_hand": 5},
            ],
        )
        flagged = self.values(SalesDay, "sku__code", "date", "units", stock_out=True)
        self.assertEqual(flagged, [("S0", dt.date(2024, 5, 3), Decimal("0"))])
        self.bulk("sales-day", [{"sku": "S0", "location": "WH", "date": "2024-05-03", "units": 2}])
        day = self.in_db(SalesDay, sku__code="S0")[0]
        self.assertEqual((day.units, day.stock_out), (Decimal("2"), True))


class PurchaseOrderTests(ApiTestCase):
    def test_order_with_lines_then_resent_with_fewer_lines(self):
        self.seed_catalogue()
        self.bulk("supplier", [{"code": "SUP", "name": "Supplier"}])
        order = {
            "number": "PO-1",
            "supplier": "SUP",
            "location": "WH",
            "order_date": "2024-05-01",
            "expected_arrival": "2024-05-15",
            "lines": [{"sku": "S0", "quantity_ordered": 24}, {"sku": "S1", "quantity_ordered": 12}],
        }
        self.assertEqual(self.bulk("purchase-order", [order]).status_code, 200)
        order["lines"] = [{"sku": "S0", "quantity_ordered": 36}]
        response = self.bulk("purchase-order", [order]).json()
        self.assertEqual(response["lines"]["removed"], 1)
        lines = self.values(PurchaseOrderLine, "sku__code", "quantity_ordered")
        self.assertEqual(lines, [("S0", Decimal("36"))])
        listed = self.call("get", "purchase-order-list").json()["results"]
        self.assertEqual(
            listed[0]["lines"],
            [
                {
                    "sku": "S0",
                    "quantity_ordered": "36.000",
                    "quantity_received": "0.000",
                    "unit_cost": None,
                }
            ],
        )

    def test_bad_line_is_named_with_its_order(self):
        self.seed_catalogue()
        self.bulk("supplier", [{"code": "SUP", "name": "Supplier"}])
        order = {
            "number": "PO-2",
            "supplier": "SUP",
            "location": "WH",
            "order_date": "2024-05-01",
            "lines": [{"sku": "NOPE", "quantity_ordered": 1}],
        }
        response = self.bulk("purchase-order", [order])
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["errors"][0]["field"], "lines[0].sku")


class ReadTests(ApiTestCase):
    def test_filters_and_cursor_pages(self):
        self.seed_catalogue()
        sales = [
            {"sku": "S0", "location": "WH", "date": f"2024-05-{d:02d}", "units": d}
            for d in range(1, 31)
        ]
        self.bulk("sales-day", sales)
        response = self.call(
            "get",
            "sales-day-list",
            {"sku": "S0", "date_from": "2024-05-10", "date_to": "2024-05-19", "page_size": 4},
        )
        body = response.json()
        self.assertEqual(
            [row["date"] for row in body["results"]],
            ["2024-05-10", "2024-05-11", "2024-05-12", "2024-05-13"],
        )
        dates = [row["date"] for row in body["results"]]
        while body["next"]:
            body = self.client.get(body["next"], HTTP_AUTHORIZATION=f"Bearer {self.token}").json()
            dates += [row["date"] for row in body["results"]]
        self.assertEqual(len(dates), 10)
        response = self.call("get", "sales-day-list", {"date_from": "not-a-date"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("date_from", self.invalid_fields(response))

    def test_updated_since(self):
        self.seed_catalogue()
        self.assertEqual(
            len(
                self.call("get", "sku-list", {"updated_since": "2999-01-01T00:00:00Z"}).json()[
                    "results"
                ]
            ),
            0,
        )
        self.assertEqual(
            len(
                self.call("get", "sku-list", {"updated_since": "2000-01-01T00:00:00Z"}).json()[
                    "results"
                ]
            ),
            3,
        )

    def test_list_query_count_does_not_grow(self):
        self.seed_catalogue()
        from django.test.utils import CaptureQueriesContext

        self.bulk("sales-day", [{"sku": "S0", "location": "WH", "date": "2024-05-01", "units": 1}])
        with CaptureQueriesContext(connection) as few:
            self.call("get", "sales-day-list")
        self.bulk(
            "sales-day",
            [
                {"sku": f"S{i}", "location": "WH", "date": f"2024-05-0{d}", "units": 1}
                for i in range(3)
                for d in range(2, 9)
            ],
        )
        with CaptureQueriesContext(connection) as many:
            self.call("get", "sales-day-list")
        self.assertEqual(len(few), len(many))

    def test_schema_and_docs_are_served_without_a_cdn(self):
        schema = self.client.get(reverse("api_schema"))
        self.assertEqual(schema.status_code, 200)
        self.assertIn(b"/api/v1/sales/bulk/", schema.content)
        docs = self.client.get(reverse("api_docs"))
        self.assertEqual(docs.status_code, 200)
        self.assertNotIn(b"cdn.", docs.content)
        self.assertIn(b"/static/drf_spectacular_sidecar/", docs.content)


class ThrottleTests(ApiTestCase):
    def test_a_token_is_limited_per_minute(self):
        from accounts.api.throttling import CallerRateThrottle

        with (
            mock.patch.object(CallerRateThrottle, "THROTTLE_RATES", {"api": "3/minute"}),
            # one instant: the requests cannot straddle two windows
            mock.patch.object(CallerRateThrottle, "timer", return_value=1_800_000_000.0),
        ):
            codes = [self.call("get", "sku-list").status_code for _ in range(5)]
        self.assertEqual(codes, [200, 200, 200, 429, 429])


class NumberEdgeTests(ApiTestCase):
    def test_numbers_that_would_overflow_the_column_are_refused(self):
        self.seed_catalogue()
        for units in ("99999999999.9999", "1e400", "100000000000"):
            response = self.bulk(
                "sales-day", [{"sku": "S0", "location": "WH", "date": "2024-05-01", "units": units}]
            )
            self.assertEqual(response.status_code, 400, units)
            self.assertIn("too large", response.json()["errors"][0]["detail"])

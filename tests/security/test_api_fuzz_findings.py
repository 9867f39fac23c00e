"""What the API fuzzer (tests/fuzz/test_api_schema.py) found, each pinned by a test of its own
so a regression names itself without a fuzzing run.

- Date-times with an offset PostgreSQL refuses (past 15:59; Python reads up to 23:59) ended
  in a server error, in a list's filter and in an ingested row: both are now compared and
  stored in UTC.
- Forged cursors: a 404 when undecodable, a server error when their position is not a value
  of the ordering field; both a 400 naming ``cursor``.
- URLs under /api/ that match no route answered with the portal's HTML 404 page.
- A single-object create answered a list body with a bare list instead of an error object,
  and every write advertised and took ``text/csv`` although only bulk writes read CSV.
- A NUL in a planning list's filter (alerts, reorder suggestions, promotion plans) was a server
  error: the control-character check of the inventory's lists now runs in the base of every
  API view.
- An Idempotency-Key with a NUL was a server error (PostgreSQL refuses it in the key's
  column): a key with a control character is a 400 naming the header. (Found by trying the
  header once the schema documented it for the fuzzer.)
- A supplier's email was stored whatever it was, although the schema says ``format: email``:
  a row error names ``email``.
"""

from __future__ import annotations

import base64
import datetime as dt

from django.utils import timezone

from accounts.tenancy import tenant_context
from inventory.models import SKU, StockLevel, Supplier
from tests.inventory.api_support import ApiTestCase

# 23:43 behind UTC: a real ISO 8601 offset for Python, "out of range" for PostgreSQL.
FAR_OFFSET = "-23:43"


class FarOffsetTests(ApiTestCase):
    def setUp(self):
        self.seed_catalogue()

    def test_a_filter_with_a_far_offset_compares_the_same_moment(self):
        with tenant_context(self.merchant):
            SKU.objects.for_merchant(self.merchant).filter(code="S0").update(
                updated_at=dt.datetime(2024, 5, 2, 0, 0, tzinfo=dt.UTC)
            )
            SKU.objects.for_merchant(self.merchant).exclude(code="S0").update(
                updated_at=dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)
            )
        # 2024-05-01 00:17 at -23:43 is 2024-05-02 00:00 UTC: only S0 changed at or after it.
        response = self.call(
            "get", "sku-list", {"updated_since": f"2024-05-01T00:17:00{FAR_OFFSET}"}
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual([row["code"] for row in response.json()["results"]], ["S0"])

        response = self.call(
            "get", "stock-level-list", {"as_of_from": f"2024-05-01T00:00:00{FAR_OFFSET}"}
        )
        self.assertEqual(response.status_code, 200, response.content)

    def test_an_ingested_moment_with_a_far_offset_is_stored_as_that_moment(self):
        day = timezone.now().date() - dt.timedelta(days=3)
        row = {
            "sku": "S0",
            "location": "WH",
            "on_hand": "5",
            "as_of": f"{day}T00:17:00{FAR_OFFSET}",
        }
        response = self.bulk("stock-level", [row])
        self.assertEqual(response.status_code, 200, response.content)
        (stored,) = self.values(StockLevel, "as_of")
        expected = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=dt.UTC)
        self.assertEqual(stored[0], expected)


class ForgedCursorTests(ApiTestCase):
    """A cursor is opaque, but a client can send any text as one: an undecodable cursor was a
    404 ("Invalid cursor"), and a decodable one whose position is not a value of the ordering
    field a server error. Both are a 400 naming ``cursor``."""

    def setUp(self):
        self.seed_catalogue()

    def assertCursorRefused(self, name: str, params: dict) -> None:
        response = self.call("get", name, params)
        self.assertEqual(self.invalid_fields(response), ["cursor"])

    def test_a_cursor_that_is_not_one_is_a_400(self):
        for cursor in ("committed", base64.b64encode(b"o=-1").decode()):
            with self.subTest(cursor=cursor):
                self.assertCursorRefused("sku-list", {"cursor": cursor})

    def test_a_cursor_positioned_on_a_value_of_another_type_is_a_400(self):
        for ordering, position in [
            ("id", "abc"),
            ("-id", "1e999"),
            ("updated_at", "yesterday"),
            ("-updated_at", "2024-13-45 99:00"),
        ]:
            cursor = base64.b64encode(f"p={position}".encode()).decode()
            with self.subTest(ordering=ordering, position=position):
                self.assertCursorRefused("sku-list", {"cursor": cursor, "ordering": ordering})
        cursor = base64.b64encode(b"p=abc").decode()
        self.assertCursorRefused("alert-list", {"cursor": cursor})

    def test_a_cursor_past_the_largest_id_is_an_empty_page(self):
        cursor = base64.b64encode(b"p=99999999999999999999").decode()
        response = self.call("get", "sku-list", {"cursor": cursor})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["results"], [])

    def test_a_cursor_the_api_gave_still_pages(self):
        first = self.call("get", "sku-list", {"page_size": 2}).json()
        response = self.client.get(first["next"], HTTP_AUTHORIZATION=f"Bearer {self.token}")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual([row["code"] for row in response.json()["results"]], ["S2"])


class ApiNotFoundTests(ApiTestCase):
    """A URL under /api/ that matches no route (an id with a dot in it) was Django's HTML page,
    which the schema does not describe: it is a problem like every other API error."""

    def test_an_unmatched_api_url_is_a_problem_404(self):
        for path in ("/api/v1/skus/4.2e-179/", "/api/v1/no-such-resource/", "/api/v2/"):
            with self.subTest(path=path):
                response = self.call("get", path)
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response["Content-Type"], "application/problem+json")
                self.assertEqual(
                    response.json(),
                    {
                        "type": "http://testserver/api/v1/problems/not-found/",
                        "title": "Not found",
                        "status": 404,
                        "detail": "No operation of the API has this path.",
                        "instance": path,
                    },
                )

    def test_the_portal_keeps_its_page(self):
        response = self.client.get("/no-such-page/")
        self.assertEqual(response.status_code, 404)
        self.assertTrue(response["Content-Type"].startswith("text/html"))


class RequestBodyShapeTests(ApiTestCase):
    """What the schema promised for request bodies and error answers but the API did not do:
    a single-object create answered a list body with a bare list (not an error object), and
    every write took ``text/csv`` although only the bulk writes can read CSV."""

    def setUp(self):
        self.seed_catalogue()

    def test_a_create_given_many_objects_names_the_problem_in_an_object(self):
        response = self.call("post", "sku-list", [{"code": "A", "name": "B"}])
        self.assertEqual(self.invalid_fields(response), [""])
        self.assertEqual(response.json()["detail"], "Send one object; use /bulk/ for many.")

    def test_csv_is_refused_where_it_cannot_be_read(self):
        for name in ("sku-list", "alert-acknowledge", "reorder-suggestion-approve"):
            with self.subTest(name=name):
                response = self.call("post", name, "ids\n1\n", content_type="text/csv")
                self.assertEqual(response.status_code, 415, response.content)
                self.assertEqual(response["Content-Type"], "application/problem+json")
                self.assertTrue(response.json()["type"].endswith("/unsupported-media-type/"))

    def test_bulk_writes_still_read_csv(self):
        response = self.call("post", "sku-bulk", "code,name\nS9,Teapot\n", content_type="text/csv")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["created"], 1)


class SupplierEmailTests(ApiTestCase):
    def test_an_email_that_is_not_one_is_a_row_error_naming_it(self):
        for value in ("êä\U000d061fe", "no-at-sign", "two@@example.test"):
            with self.subTest(value=value):
                response = self.bulk("supplier", [{"code": "SUP", "name": "S", "email": value}])
                self.assertEqual(response.status_code, 400, response.content)
                self.assertEqual([e["field"] for e in response.json()["errors"]], ["email"])
        self.assertEqual(self.in_db(Supplier), [])

    def test_an_email_or_none_is_stored(self):
        rows = [
            {"code": "A", "name": "A", "email": " orders@example.test "},
            {"code": "B", "name": "B"},
        ]
        self.assertEqual(self.bulk("supplier", rows).status_code, 200)
        self.assertEqual(
            self.values(Supplier, "code", "email"), [("A", "orders@example.test"), ("B", "")]
        )


class PlanningQueryParameterTests(ApiTestCase):
    def test_control_characters_in_a_planning_filter_are_a_400_naming_it(self):
        cases = [
            ("alert-list", "state"),
            ("alert-list", "kind"),
            ("reorder-suggestion-list", "sku"),
            ("reorder-suggestion-list", "supplier"),
            ("promotion-plan-list", "status"),
        ]
        for name, parameter in cases:
            for value in ("open\x00", "open\r\nX-Injected: 1"):
                with self.subTest(endpoint=name, parameter=parameter, value=value):
                    response = self.call("get", name, {parameter: value})
                    self.assertEqual(self.invalid_fields(response), [parameter])


class IdempotencyKeyTests(ApiTestCase):
    def test_a_key_with_a_control_character_is_a_400_naming_the_header(self):
        for key in ("retry\x00one", "retry\r\none", "\x7f"):
            with self.subTest(key=key):
                response = self.bulk(
                    "location", [{"code": "WH", "name": "W"}], **{"Idempotency-Key": key}
                )
                self.assertEqual(self.invalid_fields(response), ["Idempotency-Key"])
                self.assertEqual(response.json()["errors"][0]["in"], "header")

    def test_a_printable_key_still_replays(self):
        rows = [{"code": "WH", "name": "W"}]
        first = self.bulk("location", rows, **{"Idempotency-Key": "clé-1"})
        again = self.bulk("location", rows, **{"Idempotency-Key": "clé-1"})
        self.assertEqual((first.status_code, again.status_code), (200, 200))
        self.assertEqual(again["Idempotent-Replayed"], "true")

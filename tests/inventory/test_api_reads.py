"""The ERP sync API's reads: filters, cursor pages, changes since a time, few queries, and the
schema."""

from __future__ import annotations

from django.db import connection
from django.urls import reverse

from tests.inventory.api_support import (
    ApiTestCase,
)


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

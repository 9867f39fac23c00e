"""The ERP sync API's test case: a store with a planner's token, and the calls its tests make."""

from __future__ import annotations

from django.test import TestCase
from django.urls import reverse

from accounts.roles import Role
from accounts.tenancy import tenant_context
from tests.factories import api_token_secret, merchant_with


def order_line(**fields) -> dict:
    """One order line as the ERP sends it: one unit of S1 at 1 on 1 May (``fields`` say
    otherwise)."""
    return {
        "order_id": "1",
        "ordered_at": "2024-05-01T09:00",
        "sku": "S1",
        "quantity": 1,
        "unit_price": "1",
        **fields,
    }


def purchase_order(number: str, lines: list[dict], **fields) -> dict:
    """A purchase order from SUP for WH, ordered on 1 May (``fields`` say otherwise)."""
    return {
        "number": number,
        "supplier": "SUP",
        "location": "WH",
        "order_date": "2024-05-01",
        "lines": lines,
        **fields,
    }


class ApiTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.owner = merchant_with(Role.OWNER, slug="shop", timezone="Europe/London")
        cls.token = api_token_secret(cls.merchant, role=Role.PLANNER, actor=cls.owner)

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

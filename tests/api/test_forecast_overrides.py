"""The forecast overrides API: an ERP or a planner sets, changes, lists and ends overrides by
SKU and location codes, audited as the caller; a viewer token reads only; another merchant's
override is not found and stays as it was; forecast value added is read as JSON."""

from __future__ import annotations

import datetime as dt

from django.test import TestCase

from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting import selectors
from forecasting.models import ForecastOverride
from tests import factories

URL = "/api/v1/forecast-overrides/"


class ForecastOverrideApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.owner = factories.merchant_with(Role.OWNER, slug="alpha")
        cls.planner_token = factories.issued_token(cls.merchant, role=Role.PLANNER, actor=cls.owner)
        cls.viewer_token = factories.api_token_secret(
            cls.merchant, role=Role.VIEWER, name="BI", actor=cls.owner
        )
        cls.location = factories.LocationFactory(merchant=cls.merchant, code="WH")
        cls.sku = factories.SKUFactory(merchant=cls.merchant, code="MUG")
        cls.other = factories.MerchantFactory(slug="beta")
        other_owner = factories.member(cls.other, Role.OWNER)
        cls.other_sku = factories.SKUFactory(merchant=cls.other, code="THEIRS")
        cls.today = selectors.merchant_today(cls.merchant)
        with tenant_context(cls.other):
            cls.theirs = ForecastOverride.objects.create(
                merchant=cls.other,
                sku=cls.other_sku,
                start_date=cls.today,
                end_date=cls.today,
                kind="percent",
                amount=10,
                reason="Theirs",
                expires_on=cls.today,
                created_by=other_owner,
            )

    def call(self, method: str, path: str, body=None, token: str | None = None, **params):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token or self.planner_token.secret}"}
        if method == "get":
            return self.client.get(path, params, **headers)
        return getattr(self.client, method)(
            path, body or {}, content_type="application/json", **headers
        )

    def body(self, **fields) -> dict:
        values = {
            "sku": "MUG",
            "location": "WH",
            "start_date": (self.today + dt.timedelta(days=1)).isoformat(),
            "end_date": (self.today + dt.timedelta(days=7)).isoformat(),
            "kind": "value",
            "amount": "12.5",
            "reason": "Trade fair",
            "expires_on": (self.today + dt.timedelta(days=7)).isoformat(),
        }
        return {**values, **fields}

    def test_create_read_change_end(self):
        created = self.call("post", URL, self.body())
        self.assertEqual(created.status_code, 201, created.content)
        data = created.json()
        self.assertEqual((data["sku"], data["location"], data["amount"]), ("MUG", "WH", "12.500"))
        self.assertEqual((data["state"], data["created_by"]), ("in_force", self.owner.email))
        (event,) = data["events"]
        self.assertEqual(event["action"], "created")
        self.assertEqual(event["via"], f"api-token:{self.planner_token.token.prefix}")
        detail = f"{URL}{data['id']}/"
        self.assertEqual(self.call("get", detail).json()["reason"], "Trade fair")
        changed = self.call("patch", detail, {"kind": "percent", "amount": "-20", "location": None})
        self.assertEqual(changed.status_code, 200, changed.content)
        self.assertEqual(changed.json()["location"], None)
        self.assertEqual(
            changed.json()["events"][0]["changes"],
            {"kind": ["value", "percent"], "amount": ["12.5", "-20"], "location": ["WH", None]},
        )
        self.assertEqual(self.call("delete", detail).status_code, 204)
        ended = self.call("get", detail).json()
        self.assertEqual(ended["state"], "ended")
        self.assertEqual([e["action"] for e in ended["events"]], ["ended", "changed", "created"])
        refused = self.call("patch", detail, {"amount": "5"})
        self.assertEqual(refused.status_code, 400)
        self.assertEqual(refused["Content-Type"], "application/problem+json")

    def test_the_list_filters_by_sku_and_day(self):
        self.call("post", URL, self.body())
        listed = self.call("get", URL, sku="MUG").json()["results"]
        self.assertEqual(len(listed), 1)
        self.assertEqual(self.call("get", URL, sku="JUG").json()["results"], [])
        before = self.today.isoformat()  # the override starts tomorrow
        self.assertEqual(self.call("get", URL, active_on=before).json()["results"], [])

    def test_what_is_refused_names_the_field(self):
        cases = [
            (self.body(reason=""), "reason"),
            (self.body(sku="THEIRS"), "sku"),  # another merchant's code is no code here
            (self.body(kind="guess"), "kind"),
        ]
        for body, field in cases:
            with self.subTest(field=field):
                response = self.call("post", URL, body)
                self.assertEqual(response.status_code, 400, response.content)
                self.assertIn(field, [error["field"] for error in response.json()["errors"]])
        past = (self.today - dt.timedelta(days=1)).isoformat()
        response = self.call("post", URL, self.body(expires_on=past))
        self.assertEqual(response.status_code, 400)
        self.assertIn("expiry", response.json()["detail"])
        with tenant_context(self.merchant):
            self.assertFalse(ForecastOverride.objects.for_merchant(self.merchant).exists())

    def test_a_viewer_token_reads_but_does_not_write(self):
        self.assertEqual(self.call("get", URL, token=self.viewer_token).status_code, 200)
        response = self.call("post", URL, self.body(), token=self.viewer_token)
        self.assertEqual(response.status_code, 403)

    def test_another_merchants_override_is_not_found_and_stays_as_it_was(self):
        detail = f"{URL}{self.theirs.pk}/"
        for method, body in (("get", None), ("patch", {"amount": "90"}), ("put", self.body()),
                             ("delete", None)):  # fmt: skip
            with self.subTest(method=method):
                self.assertEqual(self.call(method, detail, body).status_code, 404)
        with tenant_context(self.other):
            theirs = ForecastOverride.objects.for_merchant(self.other).get(pk=self.theirs.pk)
        self.assertEqual((theirs.amount, theirs.ended_at, theirs.reason), (10, None, "Theirs"))
        self.assertEqual(self.call("get", URL).json()["results"], [])

    def test_forecast_value_added_is_read_as_json(self):
        response = self.call("get", "/api/v1/forecast-value-added/", token=self.viewer_token)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["overall"]["sku_days"], 0)
        self.assertEqual(response.json()["planners"], [])
        bad = self.call(
            "get", "/api/v1/forecast-value-added/", date_from="2024-06-09", date_to="2024-06-01"
        )
        self.assertEqual(bad.status_code, 400)

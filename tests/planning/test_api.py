"""The planning API: an ERP reads the suggestions and decides on them; roles hold."""

from __future__ import annotations

import json

from django.test import TestCase
from django.urls import reverse

from accounts.roles import Role
from accounts.services import api_token_create
from accounts.tenancy import tenant_context
from forecasting.models import ForecastRun
from planning.models import Decision
from tests.factories import (
    LocationFactory,
    MerchantFactory,
    SKUFactory,
    SupplierFactory,
    member,
    reorder_suggestion,
)


class SuggestionApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory()
        cls.owner = member(cls.merchant, Role.OWNER)
        cls.planner_token = api_token_create(
            merchant=cls.merchant, name="ERP", role=Role.PLANNER, actor=cls.owner
        )
        cls.viewer_token = api_token_create(
            merchant=cls.merchant, name="BI", role=Role.VIEWER, actor=cls.owner
        ).secret
        location = LocationFactory(merchant=cls.merchant, code="WH")
        supplier = SupplierFactory(merchant=cls.merchant, code="ACME")
        with tenant_context(cls.merchant):
            run = ForecastRun.objects.create(
                merchant=cls.merchant, status=ForecastRun.Status.SUCCEEDED
            )
        cls.mugs, cls.jugs = (
            reorder_suggestion(
                cls.merchant, run, SKUFactory(merchant=cls.merchant, code=code), location, supplier
            )
            for code in ("MUG", "JUG")
        )

    def call(self, method, url, body=None, token=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token or self.planner_token.secret}"}
        if method == "get":
            return self.client.get(url, body or {}, **headers)
        return getattr(self.client, method)(
            url, json.dumps(body), content_type="application/json", **headers
        )

    def test_an_erp_reads_the_suggestions_with_codes(self):
        response = self.call("get", reverse("reorder-suggestion-list"), {"sku": "MUG"})
        self.assertEqual(response.status_code, 200)
        (row,) = response.json()["results"]
        self.assertEqual((row["sku"], row["location"], row["supplier"]), ("MUG", "WH", "ACME"))
        self.assertEqual((row["quantity"], row["cost"]), ("24.000", "48.0000"))

    def test_edit_then_approve_and_reject_in_bulk_are_audited_as_the_token(self):
        url = reverse("reorder-suggestion-detail", args=[self.mugs.pk])
        response = self.call("patch", url, {"quantity": "30"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["quantity"], "36.000")  # whole packs of 12
        response = self.call("post", reverse("reorder-suggestion-approve"), {"ids": [self.mugs.pk]})
        self.assertEqual(response.json(), {"approved": 1})
        response = self.call("post", reverse("reorder-suggestion-reject"), {"ids": [self.jugs.pk]})
        self.assertEqual(response.status_code, 400)
        self.assertIn("why", response.json()["detail"])
        response = self.call(
            "post",
            reverse("reorder-suggestion-reject"),
            {"ids": [self.jugs.pk, self.mugs.pk], "reason": "Discontinued"},
        )
        self.assertEqual(response.json(), {"rejected": 1})  # the approved one stays approved
        with tenant_context(self.merchant):
            log = list(
                Decision.objects.for_merchant(self.merchant)
                .order_by("id")
                .values_list("action", "actor", "changes__via")
            )
        via = f"api-token:{self.planner_token.token.prefix}"
        self.assertEqual(
            log,
            [("edited", self.owner.pk, via), ("approved", self.owner.pk, via),
             ("rejected", self.owner.pk, via)],
        )  # fmt: skip

    def test_a_viewer_reads_but_cannot_decide(self):
        self.assertEqual(
            self.call(
                "get", reverse("reorder-suggestion-list"), token=self.viewer_token
            ).status_code,
            200,
        )
        response = self.call(
            "post",
            reverse("reorder-suggestion-approve"),
            {"ids": [self.mugs.pk]},
            token=self.viewer_token,
        )
        self.assertEqual(response.status_code, 403)

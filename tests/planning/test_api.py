"""The planning API: an ERP reads the suggestions and decides on them; roles hold."""

from __future__ import annotations

import datetime as dt
import json

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tenancy import tenant_context
from inventory.services import merchant_today
from planning.models import Alert, Decision, ReorderSuggestion
from tests import factories
from tests.planning.alert_support import assert_still_open


class PlanningApiTestCase(TestCase):
    """A store with a warehouse (WH), its owner, and two tokens the owner issued: a planner's
    and a viewer's (BI)."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.owner = factories.merchant_with(Role.OWNER)
        cls.planner_token = factories.issued_token(cls.merchant, role=Role.PLANNER, actor=cls.owner)
        cls.viewer_token = factories.issued_token(
            cls.merchant, role=Role.VIEWER, name="BI", actor=cls.owner
        )
        cls.warehouse = factories.LocationFactory(merchant=cls.merchant, code="WH")

    def call(self, method, url, body=None, token=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token or self.planner_token.secret}"}
        if method == "get":
            return self.client.get(url, body or {}, **headers)
        return getattr(self.client, method)(
            url, json.dumps(body), content_type="application/json", **headers
        )


class SuggestionApiTestCase(PlanningApiTestCase):
    """Two proposed suggestions (MUG and JUG at WH, from ACME)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        supplier = factories.SupplierFactory(merchant=cls.merchant, code="ACME")
        run = factories.succeeded_run(cls.merchant)
        cls.mugs, cls.jugs = factories.suggestions_for_new_skus(
            cls.merchant, run, cls.warehouse, {"MUG": supplier, "JUG": supplier}
        )


class SuggestionApiTests(SuggestionApiTestCase):
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
        self.assertEqual(response.json(), {"approved": 1, "purchase_orders": ["SC-000001"]})
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
                "get", reverse("reorder-suggestion-list"), token=self.viewer_token.secret
            ).status_code,
            200,
        )
        response = self.call(
            "post",
            reverse("reorder-suggestion-approve"),
            {"ids": [self.mugs.pk]},
            token=self.viewer_token.secret,
        )
        self.assertEqual(response.status_code, 403)
        with tenant_context(self.merchant):
            self.assertEqual(
                ReorderSuggestion.objects.for_merchant(self.merchant).get(pk=self.mugs.pk).status,
                ReorderSuggestion.Status.PROPOSED,
            )
            self.assertFalse(Decision.objects.for_merchant(self.merchant).exists())


class SuggestionDeferApiTests(SuggestionApiTestCase):
    """Deferring through the API, as the orders page does: until a day, or back now."""

    def deferred_until(self) -> dict[str, str | None]:
        rows = self.call("get", reverse("reorder-suggestion-list")).json()["results"]
        return {row["sku"]: row["deferred_until"] for row in rows}

    def test_defer_until_a_day_then_bring_back_audited_as_the_token(self):
        self.assertEqual(self.deferred_until(), {"MUG": None, "JUG": None})
        day = merchant_today(self.merchant) + dt.timedelta(days=7)
        url = reverse("reorder-suggestion-defer")
        response = self.call("post", url, {"ids": [self.mugs.pk], "until": day.isoformat()})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json(), {"deferred": 1})
        self.assertEqual(self.deferred_until(), {"MUG": day.isoformat(), "JUG": None})
        response = self.call("post", url, {"ids": [self.mugs.pk, self.jugs.pk], "until": None})
        self.assertEqual(response.json(), {"deferred": 2})
        self.assertEqual(self.deferred_until(), {"MUG": None, "JUG": None})
        with tenant_context(self.merchant):
            log = list(
                Decision.objects.for_merchant(self.merchant)
                .order_by("id")
                .values_list("suggestion", "action", "actor", "changes")
            )
        via = f"api-token:{self.planner_token.token.prefix}"
        self.assertEqual(
            log,
            [
                (self.mugs.pk, "deferred", self.owner.pk, {"until": day.isoformat(), "via": via}),
                (self.mugs.pk, "deferred", self.owner.pk, {"until": None, "via": via}),
                (self.jugs.pk, "deferred", self.owner.pk, {"until": None, "via": via}),
            ],
        )

    def test_a_day_not_after_today_or_no_until_is_refused(self):
        url = reverse("reorder-suggestion-defer")
        today = merchant_today(self.merchant).isoformat()
        response = self.call("post", url, {"ids": [self.mugs.pk], "until": today})
        self.assertEqual(response.status_code, 400)
        self.assertIn("after today", response.json()["detail"])
        response = self.call("post", url, {"ids": [self.mugs.pk]})
        self.assertEqual(response.status_code, 400)
        self.assertEqual([error["field"] for error in response.json()["errors"]], ["until"])
        self.assertEqual(self.deferred_until(), {"MUG": None, "JUG": None})

    def test_only_proposed_lines_of_the_store_are_deferred_and_only_by_planners(self):
        other = factories.MerchantFactory()
        run = factories.succeeded_run(other)
        theirs = factories.reorder_suggestion(
            other,
            run,
            factories.SKUFactory(merchant=other, code="MUG"),
            factories.LocationFactory(merchant=other, code="WH"),
            factories.SupplierFactory(merchant=other, code="ACME"),
        )
        self.call("post", reverse("reorder-suggestion-approve"), {"ids": [self.jugs.pk]})
        day = (merchant_today(self.merchant) + dt.timedelta(days=3)).isoformat()
        url = reverse("reorder-suggestion-defer")
        body = {"ids": [self.mugs.pk, self.jugs.pk, theirs.pk], "until": day}
        self.assertEqual(
            self.call("post", url, body, token=self.viewer_token.secret).status_code, 403
        )
        self.assertEqual(self.deferred_until(), {"MUG": None, "JUG": None})
        self.assertEqual(self.call("post", url, body).json(), {"deferred": 1})
        self.assertEqual(self.deferred_until(), {"MUG": day, "JUG": None})
        with tenant_context(other):
            theirs.refresh_from_db()
        self.assertIsNone(theirs.deferred_until)


class AlertApiTests(PlanningApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        mug = factories.SKUFactory(merchant=cls.merchant, code="MUG")
        cls.mug = factories.created(
            Alert, cls.merchant, kind=Alert.Kind.STOCK_OUT, location=cls.warehouse, sku=mug,
            details={"lost_units": 3.0},
        )  # fmt: skip
        cls.stale = factories.created(
            Alert, cls.merchant, kind=Alert.Kind.STALE_DATA, details={"days": 5}
        )

    def test_alerts_are_listed_and_filtered(self):
        response = self.call("get", reverse("alert-list"), {"kind": "stock_out"})
        (row,) = response.json()["results"]
        self.assertEqual(
            {k: row[k] for k in ("id", "sku", "location", "state", "title")},
            {"id": self.mug.pk, "sku": "MUG", "location": "WH", "state": "open",
             "title": "Projected stock-out"},
        )  # fmt: skip
        response = self.call("get", reverse("alert-list"), {"kind": "stale_data"})
        (row,) = response.json()["results"]
        self.assertEqual((row["sku"], row["details"]), (None, {"days": 5}))

    def test_a_planner_acknowledges_snoozes_and_resolves(self):
        url = reverse("alert-acknowledge")
        self.assertEqual(self.call("post", url, {"ids": [self.mug.pk]}).json(), {"changed": 1})
        response = self.call("post", reverse("alert-snooze"), {"ids": [self.stale.pk]})
        self.assertEqual(response.status_code, 400)  # no day to snooze until
        until = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
        response = self.call(
            "post", reverse("alert-snooze"), {"ids": [self.stale.pk], "until": until}
        )
        self.assertEqual(response.json(), {"changed": 1})
        response = self.call("post", reverse("alert-resolve"), {"ids": [self.mug.pk]})
        self.assertEqual(response.json(), {"changed": 1})
        with tenant_context(self.merchant):
            states = dict(Alert.objects.for_merchant(self.merchant).values_list("pk", "state"))
            mug = Alert.objects.for_merchant(self.merchant).get(pk=self.mug.pk)
        self.assertEqual(states, {self.mug.pk: "resolved", self.stale.pk: "snoozed"})
        self.assertEqual(mug.handled_by_id, self.owner.pk)  # the token's creator

    def test_a_viewer_reads_but_cannot_act(self):
        token = self.viewer_token.secret
        self.assertEqual(self.call("get", reverse("alert-list"), token=token).status_code, 200)
        response = self.call("post", reverse("alert-resolve"), {"ids": [self.mug.pk]}, token)
        self.assertEqual(response.status_code, 403)
        assert_still_open(self, self.mug)


class WebhookApiTests(PlanningApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.owner_token = factories.issued_token(
            cls.merchant, role=Role.OWNER, name="Admin", actor=cls.owner
        )

    def test_the_secret_is_shown_once_and_only_managers_see_endpoints(self):
        url = reverse("webhook-endpoint-list")
        body = {"url": "http://127.0.0.1:9/hook", "description": "ops"}
        created = self.call("post", url, body, self.owner_token.secret)
        self.assertEqual(created.status_code, 201, created.content)
        self.assertEqual(len(created.json()["secret"]), 64)
        listed = self.call("get", url, token=self.owner_token.secret).json()["results"]
        self.assertEqual([row["url"] for row in listed], ["http://127.0.0.1:9/hook"])
        self.assertNotIn("secret", listed[0])
        again = self.call("post", url, body, self.owner_token.secret)
        self.assertEqual(again.status_code, 400)  # that URL already has an endpoint
        self.assertEqual(self.call("get", url, token=self.planner_token.secret).status_code, 403)
        bad = self.call("post", url, {"url": "ftp://example.com/x"}, self.owner_token.secret)
        self.assertEqual(bad.status_code, 400)

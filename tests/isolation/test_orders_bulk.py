"""The orders page's bulk actions name lines by id, or take every line of a filter: another
store's ids in such a request reach nothing, and "all" means all of the caller's own."""

from __future__ import annotations

from django.test import TestCase
from django.urls import reverse

from accounts.roles import Role
from accounts.tenancy import tenant_context
from inventory.models import PurchaseOrder
from planning.models import Decision, ReorderSuggestion
from tests import factories


def store(slug: str):
    merchant = factories.MerchantFactory(slug=slug)
    location = factories.LocationFactory(merchant=merchant, code="WH")
    supplier = factories.SupplierFactory(merchant=merchant, code="ACME")
    run = factories.succeeded_run(merchant)
    lines = [
        factories.reorder_suggestion(
            merchant,
            run,
            factories.SKUFactory(merchant=merchant, code=f"{slug}-{i}"),
            location,
            supplier,
        )
        for i in range(2)
    ]
    return merchant, lines


class OrdersBulkIsolationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant_a, cls.lines_a = store("alpha")
        cls.merchant_b, cls.lines_b = store("beta")
        cls.planner_a = factories.member(cls.merchant_a, Role.OWNER)

    def rows_of_b(self) -> list[tuple]:
        with tenant_context(self.merchant_b):
            return list(
                ReorderSuggestion.objects.for_merchant(self.merchant_b)
                .order_by("pk")
                .values_list("pk", "status", "quantity", "deferred_until", "purchase_order_id")
            )

    def test_another_stores_ids_in_a_bulk_request_change_nothing_of_it(self):
        self.client.force_login(self.planner_a)
        before = self.rows_of_b()
        url = reverse("planning:suggestions_decide", args=[self.merchant_a.slug])
        ids_b = [line.pk for line in self.lines_b]
        for data in (
            {"decision": "approve"},
            {"decision": "edit", "quantity": "99"},
            {"decision": "edit", "percent": "50"},
            {"decision": "defer", "until": "2999-01-01"},
            {"decision": "reject", "reason": "not yours"},
        ):
            with self.subTest(**data):
                self.client.post(url, {"status": "proposed", "ids": ids_b, **data})
                self.assertEqual(self.rows_of_b(), before)
        with tenant_context(self.merchant_b):
            self.assertFalse(Decision.objects.for_merchant(self.merchant_b).exists())
            self.assertFalse(PurchaseOrder.objects.for_merchant(self.merchant_b).exists())

    def test_select_all_takes_the_callers_own_lines_alone(self):
        self.client.force_login(self.planner_a)
        before = self.rows_of_b()
        url = reverse("planning:suggestions_decide", args=[self.merchant_a.slug])
        self.client.post(url, {"status": "proposed", "select": "all", "decision": "approve"})
        with tenant_context(self.merchant_a):
            statuses = set(
                ReorderSuggestion.objects.for_merchant(self.merchant_a).values_list(
                    "status", flat=True
                )
            )
        self.assertEqual(statuses, {"approved"})
        self.assertEqual(self.rows_of_b(), before)

    def test_the_other_stores_line_has_no_outcome_here(self):
        self.client.force_login(self.planner_a)
        for name in ("suggestion_outcome", "suggestion_quantity"):
            url = reverse(f"planning:{name}", args=[self.merchant_a.slug, self.lines_b[0].pk])
            method = self.client.get if name == "suggestion_outcome" else self.client.post
            self.assertEqual(method(url, {"quantity": "5"}).status_code, 404)
        self.assertEqual(self.rows_of_b()[0][2], self.lines_b[0].quantity)

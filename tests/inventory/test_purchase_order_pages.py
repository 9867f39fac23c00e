"""Purchase orders on the portal and in the CSV export, scoped to their store."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.core import mail
from django.urls import reverse

from inventory import services
from tests.factories import (
    reorder_suggestion,
    succeeded_run,
)
from tests.inventory.purchase_order_support import PurchaseOrderTestCase, Status
from tests.world import snapshot


class PortalTests(PurchaseOrderTestCase):
    def url(self, name, order=None, merchant=None, **kwargs):
        merchant = merchant or self.merchant
        if order is not None:
            kwargs["pk"] = order.pk
        return reverse(f"inventory:{name}", kwargs={"merchant_slug": merchant.slug, **kwargs})

    def test_list_detail_send_and_receive(self):
        self.client.force_login(self.owner)
        listed = self.client.get(self.url("purchase_orders"))
        self.assertContains(listed, "SC-000001")
        self.assertNotContains(listed, "BETAMARK")
        detail = self.client.get(self.url("purchase_order_detail", self.order))
        self.assertContains(detail, "茶壶 Teapot")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url("purchase_order_act", self.order), {"action": "send"})
        self.assertEqual((self.reload().status, len(mail.outbox)), (Status.SENT, 1))
        ids = self.line_ids()
        self.client.post(
            self.url("purchase_order_receive", self.order),
            {f"received-{ids['MUG']}": "4", f"received-{ids['TEAPOT']}": ""},
        )
        self.assertEqual(self.lines()["MUG"], (Decimal("12"), Decimal("4")))
        self.assertEqual(self.reload().status, Status.PARTLY_RECEIVED)
        refused = self.client.post(
            self.url("purchase_order_act", self.order), {"action": "cancel"}, follow=True
        )
        self.assertContains(refused, "cannot be cancelled")
        pdf = self.client.get(self.url("purchase_order_pdf", self.order))
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.assertTrue(pdf.content.startswith(b"%PDF"))

    def test_approving_on_the_orders_page_leads_to_the_drafts(self):
        run = succeeded_run(self.merchant)
        suggestion = reorder_suggestion(
            self.merchant, run, self.mug, self.warehouse, self.acme, quantity="6"
        )
        self.client.force_login(self.owner)
        orders_page = reverse("planning:suggestions", kwargs={"merchant_slug": "alpha"})
        self.assertContains(self.client.get(orders_page), self.url("purchase_orders"))
        response = self.client.post(
            reverse("planning:suggestions_decide", kwargs={"merchant_slug": "alpha"}),
            {"decision": "approve", "ids": [suggestion.pk]},
            follow=True,
        )
        self.assertEqual(
            response.redirect_chain, [(self.url("purchase_orders") + "?status=draft", 302)]
        )
        self.assertContains(response, "1 approved, on draft purchase order SC-000001 (Acme Ltd).")
        self.assertEqual(self.lines()["MUG"], (Decimal("18"), 0))  # 12 + 6, three packs of 6

    def test_a_draft_line_is_edited_with_the_rounding_said(self):
        self.client.force_login(self.owner)
        line = self.line_ids()["MUG"]
        response = self.client.post(
            self.url("purchase_order_line", self.order, line_pk=line),
            {"quantity": "13"},
            follow=True,
        )
        self.assertContains(response, "13 raised to 18 (whole packs of 6)")
        self.assertEqual(self.lines()["MUG"][0], Decimal("18"))

    def test_a_viewer_reads_but_cannot_act(self):
        self.client.force_login(self.viewer)
        self.assertEqual(
            self.client.get(self.url("purchase_order_detail", self.order)).status_code, 200
        )
        response = self.client.post(self.url("purchase_order_act", self.order), {"action": "send"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.reload().status, Status.DRAFT)

    def test_another_stores_order_is_not_found_and_left_alone(self):
        self.client.force_login(self.owner)
        before = snapshot(self.other)
        for name, data in (
            ("purchase_order_detail", None),
            ("purchase_order_pdf", None),
            ("purchase_order_act", {"action": "send"}),
            ("purchase_order_act", {"action": "cancel"}),
            ("purchase_order_receive", {"receive": "all"}),
        ):
            url = self.url(name, self.other_order)
            response = self.client.post(url, data) if data else self.client.get(url)
            self.assertEqual(response.status_code, 404, name)
        # nor through the other store's own slug
        url = self.url("purchase_order_detail", self.other_order, merchant=self.other)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(snapshot(self.other), before)
        self.assertEqual(mail.outbox, [])

    def test_csv_export_has_a_row_per_line(self):
        self.send()
        self.step(services.purchase_order_receive, quantities={self.line_ids()["MUG"]: 5})
        self.client.force_login(self.viewer)
        response = self.client.get(self.url("purchase_orders_export") + "?status=partly_received")
        self.assertEqual(
            response["Content-Disposition"],
            'attachment; filename="purchase-orders-partly_received.csv"',
        )
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        picked = [
            (r["number"], r["sku"], r["quantity_ordered"], r["quantity_received"],
             r["quantity_open"], r["line_total"])
            for r in rows
        ]  # fmt: skip
        self.assertEqual(
            picked,
            [("SC-000001", "MUG", "12.000", "5.000", "7.000", "30.0000000"),
             ("SC-000001", "TEAPOT", "12.000", "0.000", "12.000", "36.0000000")],
        )  # fmt: skip
        empty = self.client.get(self.url("purchase_orders_export") + "?status=received")
        self.assertEqual(empty.content.decode().strip().count("\n"), 0)  # the header only

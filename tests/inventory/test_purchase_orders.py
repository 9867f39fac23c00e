"""A purchase order's life: draft -> sent -> partly received -> received, or cancelled;
each step audited, refused when the status does not allow it; the supplier's PDF by email,
once; receipts into stock and out of what is on order; the portal, the API and the CSV
export, each scoped to its store."""

from __future__ import annotations

import csv
import io
import json
import smtplib
from decimal import Decimal
from unittest import mock

from django.core import mail
from django.test import TestCase
from django.urls import reverse

from accounts.errors import DomainError
from accounts.roles import Role
from accounts.services import api_token_create
from accounts.tenancy import tenant_context
from forecasting.models import ForecastRun
from inventory import services
from inventory.models import PurchaseOrder, PurchaseOrderEvent, StockLevel
from inventory.purchase_order_pdf import printable, purchase_order_pdf
from planning.positions.selectors import open_orders
from tests.factories import (
    LocationFactory,
    MerchantFactory,
    SKUFactory,
    StockLevelFactory,
    SupplierFactory,
    SupplierItemFactory,
    member,
    reorder_suggestion,
)
from tests.world import snapshot

Status = PurchaseOrder.Status


class PurchaseOrderTestCase(TestCase):
    """A store with a draft to ACME for its warehouse: 24 MUG at 2.50 (packs of 6, MOQ 12)
    and 12 TEAPOT at 3.00 (packs of 4), MUG with 10 on hand (2 promised) at the warehouse;
    and another store with a draft of its own."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(name="Alpha Goods", slug="alpha", currency="GBP")
        cls.owner = member(cls.merchant, Role.OWNER)
        cls.viewer = member(cls.merchant, Role.VIEWER)
        cls.warehouse = LocationFactory(merchant=cls.merchant, code="WH", name="Warehouse")
        cls.acme = SupplierFactory(
            merchant=cls.merchant, code="ACME", name="Acme Ltd", email="orders@acme.example"
        )
        cls.mug = SKUFactory(merchant=cls.merchant, code="MUG", name="Mug")
        cls.teapot = SKUFactory(merchant=cls.merchant, code="TEAPOT", name="茶壶 Teapot")
        for sku, pack, moq, cost in ((cls.mug, "6", "12", "2.50"), (cls.teapot, "4", "0", "3")):
            SupplierItemFactory(
                merchant=cls.merchant,
                supplier=cls.acme,
                sku=sku,
                pack_size=Decimal(pack),
                moq=Decimal(moq),
                unit_cost=Decimal(cost),
                supplier_code=f"A-{sku.code}",
            )
        StockLevelFactory(
            merchant=cls.merchant,
            sku=cls.mug,
            location=cls.warehouse,
            on_hand=Decimal("10"),
            committed=Decimal("2"),
        )
        cls.order = cls.draft(cls.merchant, cls.acme, cls.warehouse, [cls.mug, cls.teapot])
        cls.other = MerchantFactory(name="Beta Hidden Traders", slug="beta")
        cls.other_owner = member(cls.other, Role.OWNER)
        other_sku = SKUFactory(merchant=cls.other, code="MUG", name="BETAMARK mug")
        cls.other_order = cls.draft(
            cls.other,
            SupplierFactory(merchant=cls.other, email="beta@supplier.example"),
            LocationFactory(merchant=cls.other),
            [other_sku],
        )

    @classmethod
    def draft(cls, merchant, supplier, location, skus) -> PurchaseOrder:
        with tenant_context(merchant):
            return services.purchase_order_draft_add(
                merchant=merchant,
                supplier_id=supplier.pk,
                location_id=location.pk,
                lines=[services.DraftLine(sku_id=sku.pk, quantity=Decimal("10")) for sku in skus],
                actor=None,
                via="test",
            )

    def setUp(self):
        self.order = self.reload()

    def reload(self, order=None) -> PurchaseOrder:
        order = order or self.order
        merchant = order.merchant_id
        with tenant_context(merchant):
            return PurchaseOrder.objects.for_merchant(merchant).get(pk=order.pk)

    def step(self, function, order=None, **arguments):
        order = order or self.order
        with tenant_context(order.merchant_id):
            return function(
                merchant=order.merchant, pk=order.pk, actor=self.owner, via="test", **arguments
            )

    def send(self, **arguments):
        with self.captureOnCommitCallbacks(execute=True):
            return self.step(services.purchase_order_send, **arguments)

    def lines(self) -> dict[str, tuple[Decimal, Decimal]]:
        with tenant_context(self.merchant):
            return {
                code: (ordered, received)
                for code, ordered, received in self.order.lines.values_list(
                    "sku__code", "quantity_ordered", "quantity_received"
                )
            }

    def line_ids(self) -> dict[str, int]:
        with tenant_context(self.merchant):
            return dict(self.order.lines.values_list("sku__code", "pk"))

    def events(self) -> list[tuple]:
        with tenant_context(self.merchant):
            return list(
                PurchaseOrderEvent.objects.for_merchant(self.merchant)
                .filter(purchase_order=self.order)
                .order_by("pk")
                .values_list("action", "actor", "changes__status")
            )

    def on_hand(self, sku) -> tuple[Decimal, Decimal]:
        with tenant_context(self.merchant):
            level = (
                StockLevel.objects.for_merchant(self.merchant)
                .filter(sku=sku, location=self.warehouse)
                .order_by("-as_of")
                .first()
            )
        return (level.on_hand, level.committed) if level else (Decimal("0"), Decimal("0"))


class StateMachineTests(PurchaseOrderTestCase):
    def test_drafted_on_the_suppliers_terms(self):
        # 10 MUG -> 12 (the MOQ, two packs of 6); 10 TEAPOT -> 12 (three packs of 4)
        self.assertEqual(self.lines(), {"MUG": (Decimal("12"), 0), "TEAPOT": (Decimal("12"), 0)})
        self.assertEqual((self.order.number, self.order.status), ("SC-000001", Status.DRAFT))

    def test_send_emails_the_pdf_once_and_each_step_is_audited(self):
        order = self.send()
        self.assertEqual(order.status, Status.SENT)
        (email,) = mail.outbox
        self.assertEqual(email.to, ["orders@acme.example"])
        self.assertEqual(email.subject, "Purchase order SC-000001 from Alpha Goods")
        ((name, content, mimetype),) = email.attachments
        self.assertEqual((name, mimetype), ("SC-000001.pdf", "application/pdf"))
        self.assertTrue(content.startswith(b"%PDF"))
        self.assertIn(b"Purchase order SC-000001", content)  # the title in its metadata
        self.assertIsNotNone(self.reload().emailed_at)
        # a retried send is refused, and the task run again sends nothing
        with self.assertRaisesMessage(DomainError, "is sent: it cannot be sent"):
            self.send()
        with self.captureOnCommitCallbacks(execute=True):
            again = services.purchase_order_email(
                merchant=self.merchant, purchase_order_id=self.order.pk
            )
        self.assertIs(again, False)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(
            self.events(),
            [
                ("created", None, None),
                ("sent", self.owner.pk, ["draft", "sent"]),
                ("emailed", None, None),
            ],
        )

    def test_a_failed_email_is_recorded_and_sent_by_trying_again(self):
        with mock.patch.object(
            mail.EmailMessage, "send", side_effect=smtplib.SMTPRecipientsRefused({})
        ):
            self.send()
        order = self.reload()
        self.assertEqual((order.emailed_at, len(mail.outbox)), (None, 0))
        self.assertNotEqual(order.email_error, "")
        with self.captureOnCommitCallbacks(execute=True):
            self.step(services.purchase_order_email_again)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(self.reload().email_error, "")
        with self.assertRaisesMessage(DomainError, "was emailed to orders@acme.example"):
            self.step(services.purchase_order_email_again)
        self.assertEqual(
            [action for action, *_ in self.events()],
            ["created", "sent", "email_failed", "emailed"],
        )

    def test_a_supplier_without_email_needs_the_order_marked_sent(self):
        with tenant_context(self.merchant):
            type(self.acme).objects.for_merchant(self.merchant).filter(pk=self.acme.pk).update(
                email=""
            )
        with self.assertRaisesMessage(DomainError, "has no email address"):
            self.send()
        self.assertEqual(self.reload().status, Status.DRAFT)
        self.send(email=False)
        self.assertEqual((self.reload().status, len(mail.outbox)), (Status.SENT, 0))

    def test_partial_then_full_receipt_moves_stock_and_what_is_on_order(self):
        self.send()
        with tenant_context(self.merchant):
            self.assertEqual(
                open_orders(self.merchant),
                {(self.mug.pk, self.warehouse.pk): 12.0, (self.teapot.pk, self.warehouse.pk): 12.0},
            )
        ids = self.line_ids()
        with self.captureOnCommitCallbacks(execute=True):
            order = self.step(
                services.purchase_order_receive, quantities={ids["MUG"]: Decimal("5")}
            )
        self.assertEqual(order.status, Status.PARTLY_RECEIVED)
        self.assertEqual(self.on_hand(self.mug), (Decimal("15"), Decimal("2")))  # 10 + 5
        self.assertEqual(self.on_hand(self.teapot), (Decimal("0"), Decimal("0")))
        self.assertEqual(self.lines()["MUG"], (Decimal("12"), Decimal("5")))
        with tenant_context(self.merchant):
            self.assertEqual(
                open_orders(self.merchant),
                {(self.mug.pk, self.warehouse.pk): 7.0, (self.teapot.pk, self.warehouse.pk): 12.0},
            )
        # more than still expected is refused, naming the line, and changes nothing
        with self.assertRaisesMessage(DomainError, "MUG: 8 arrived but only 7 of 12"):
            self.step(services.purchase_order_receive, quantities={ids["MUG"]: Decimal("8")})
        self.assertEqual(self.on_hand(self.mug), (Decimal("15"), Decimal("2")))
        order = self.step(services.purchase_order_receive, quantities=None)  # the rest
        self.assertEqual(order.status, Status.RECEIVED)
        self.assertIsNotNone(order.received_at)
        self.assertEqual(self.on_hand(self.mug), (Decimal("22"), Decimal("2")))
        self.assertEqual(self.on_hand(self.teapot), (Decimal("12"), Decimal("0")))
        with tenant_context(self.merchant):
            self.assertEqual(open_orders(self.merchant), {})
        self.assertEqual(
            [status for action, _actor, status in self.events() if action == "received"],
            [["sent", "partly_received"], ["partly_received", "received"]],
        )

    def test_refused_transitions(self):
        with self.assertRaisesMessage(DomainError, "only a sent order can be received"):
            self.step(services.purchase_order_receive, quantities=None)
        self.send()
        self.step(services.purchase_order_receive, quantities={self.line_ids()["MUG"]: 1})
        with self.assertRaisesMessage(DomainError, "is partly received: it cannot be cancelled"):
            self.step(services.purchase_order_cancel)
        self.step(services.purchase_order_receive, quantities=None)
        for step, message in (
            (services.purchase_order_cancel, "is received: it cannot be cancelled"),
            (services.purchase_order_send, "is received: it cannot be sent"),
            (services.purchase_order_receive, "only a sent order can be received"),
        ):
            with self.subTest(step=step.__name__), self.assertRaisesMessage(DomainError, message):
                arguments = {"quantities": None} if step is services.purchase_order_receive else {}
                self.step(step, **arguments)
        self.assertEqual(self.reload().status, Status.RECEIVED)

    def test_cancel_a_draft_or_a_sent_order(self):
        cancelled = self.step(services.purchase_order_cancel, reason="Ordered by phone")
        self.assertEqual(cancelled.status, Status.CANCELLED)
        with self.assertRaisesMessage(DomainError, "is cancelled: it cannot be sent"):
            self.send()
        other = self.draft(self.merchant, self.acme, self.warehouse, [self.mug])
        self.send(order=other)
        self.assertEqual(self.step(services.purchase_order_cancel, order=other).status, "cancelled")
        with tenant_context(self.merchant):
            self.assertEqual(open_orders(self.merchant, arriving_by=None), {})
            reason = (
                PurchaseOrderEvent.objects.for_merchant(self.merchant)
                .get(purchase_order=self.order, action="cancelled")
                .changes
            )
        self.assertEqual(reason, {"status": ["draft", "cancelled"], "reason": "Ordered by phone"})

    def test_draft_lines_are_rounded_to_packs_and_the_moq(self):
        ids = self.line_ids()

        def set_quantity(code, quantity):
            return self.step(
                services.purchase_order_line_quantity_set,
                line_pk=ids[code],
                quantity=Decimal(quantity),
            )

        edit = set_quantity("MUG", "13")
        self.assertEqual(edit.quantity, Decimal("18"))  # three packs of 6
        self.assertIn("whole packs of 6", edit.note)
        edit = set_quantity("MUG", "5")
        self.assertEqual(edit.quantity, Decimal("12"))
        self.assertIn("minimum order of 12", edit.note)
        self.assertEqual(set_quantity("TEAPOT", "8").note, "")  # two packs of 4 as asked
        set_quantity("TEAPOT", "0")
        self.assertEqual(self.lines(), {"MUG": (Decimal("12"), 0)})
        self.send()
        with self.assertRaisesMessage(DomainError, "only a draft's lines can be changed"):
            set_quantity("MUG", "24")


class PdfTests(PurchaseOrderTestCase):
    def test_the_pdf_names_the_order_and_marks_what_its_fonts_cannot_show(self):
        with tenant_context(self.merchant):
            order = (
                PurchaseOrder.objects.for_merchant(self.merchant)
                .select_related("supplier", "location")
                .get(pk=self.order.pk)
            )
            lines = list(order.lines.select_related("sku"))
        document = purchase_order_pdf(
            merchant=self.merchant, order=order, lines=lines, compress=False
        )
        self.assertTrue(document.startswith(b"%PDF-"))
        self.assertIn(b"Purchase order SC-000001", document)

    def test_characters_no_font_has_are_transliterated_or_marked(self):
        dejavu_like = lambda character: ord(character) < 0x2E80  # noqa: E731  no CJK glyphs
        latin_1 = lambda character: ord(character) < 256  # noqa: E731  the PDF core fonts
        self.assertEqual(printable("茶壶 Teapot", dejavu_like), ("[?] Teapot", True))
        self.assertEqual(printable("Łódź Café", dejavu_like), ("Łódź Café", False))
        self.assertEqual(printable("Łódź Café", latin_1), ("Lódz Café", False))
        self.assertEqual(printable("Tee 茶", latin_1), ("Tee [?]", True))
        self.assertEqual(printable("Tea\nset", latin_1), ("Tea set", False))


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
        with tenant_context(self.merchant):
            run = ForecastRun.objects.create(
                merchant=self.merchant, status=ForecastRun.Status.SUCCEEDED
            )
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


class ApiTests(PurchaseOrderTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.planner_token = api_token_create(
            merchant=cls.merchant, name="ERP", role=Role.PLANNER, actor=cls.owner
        )
        cls.viewer_token = api_token_create(
            merchant=cls.merchant, name="BI", role=Role.VIEWER, actor=cls.owner
        )

    def call(self, method, url, body=None, token=None, **headers):
        headers["HTTP_AUTHORIZATION"] = f"Bearer {(token or self.planner_token).secret}"
        if method == "get":
            return self.client.get(url, body or {}, **headers)
        return self.client.post(
            url, json.dumps(body or {}), content_type="application/json", **headers
        )

    def action(self, name, order=None):
        return reverse(f"purchase-order-{name}", args=[(order or self.order).pk])

    def test_list_and_detail_with_filters(self):
        response = self.call("get", reverse("purchase-order-list"), {"status": "draft"})
        self.assertEqual(response.status_code, 200, response.content)
        (row,) = response.json()["results"]
        self.assertEqual(
            (row["number"], row["status"], row["source"], row["total"]),
            ("SC-000001", "draft", "suggested", "66.0000"),  # 12 x 2.50 + 12 x 3
        )
        later = self.call(
            "get", reverse("purchase-order-list"), {"updated_since": "2999-01-01T00:00:00Z"}
        )
        self.assertEqual(later.json()["results"], [])
        detail = self.call("get", self.action("detail"))
        self.assertEqual([line["sku"] for line in detail.json()["lines"]], ["MUG", "TEAPOT"])

    def test_send_is_idempotent_and_receive_is_by_sku(self):
        key = {"HTTP_IDEMPOTENCY_KEY": "send-sc-1"}
        with self.captureOnCommitCallbacks(execute=True):
            first = self.call("post", self.action("send"), {}, **key)
        with self.captureOnCommitCallbacks(execute=True):
            second = self.call("post", self.action("send"), {}, **key)
        self.assertEqual(first.status_code, 200, first.content)
        self.assertEqual(first.json()["status"], "sent")
        self.assertEqual(second["Idempotent-Replayed"], "true")
        self.assertEqual(len(mail.outbox), 1)
        again = self.call("post", self.action("send"), {})  # a new key: refused, not resent
        self.assertEqual(again.status_code, 400)
        self.assertIn("cannot be sent", again.json()["detail"])
        response = self.call(
            "post", self.action("receive"), {"lines": [{"sku": "TEAPOT", "quantity": "12"}]}
        )
        self.assertEqual(response.json()["status"], "partly_received", response.content)
        self.assertEqual(self.on_hand(self.teapot), (Decimal("12"), Decimal("0")))
        over = self.call(
            "post", self.action("receive"), {"lines": [{"sku": "MUG", "quantity": 13}]}
        )
        self.assertEqual(over.status_code, 400)
        unknown = self.call(
            "post", self.action("receive"), {"lines": [{"sku": "NOPE", "quantity": 1}]}
        )
        self.assertEqual(unknown.status_code, 400)
        self.assertEqual(self.call("post", self.action("receive"), {}).json()["status"], "received")
        with tenant_context(self.merchant):
            via = set(
                PurchaseOrderEvent.objects.for_merchant(self.merchant)
                .filter(action__in=["sent", "received"])
                .values_list("actor", "via")
            )
        self.assertEqual(via, {(self.owner.pk, f"api-token:{self.planner_token.token.prefix}")})

    def test_set_quantity_and_cancel(self):
        response = self.call("post", self.action("set-quantity"), {"sku": "MUG", "quantity": "20"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(self.lines()["MUG"][0], Decimal("24"))  # four packs of 6
        response = self.call("post", self.action("cancel"), {"reason": "Too early"})
        self.assertEqual(response.json()["status"], "cancelled")
        refused = self.call("post", self.action("cancel"), {})
        self.assertEqual(refused.status_code, 400)

    def test_a_viewer_token_reads_only(self):
        token = self.viewer_token
        self.assertEqual(self.call("get", self.action("detail"), token=token).status_code, 200)
        self.assertEqual(self.call("post", self.action("send"), token=token).status_code, 403)
        self.assertEqual(self.reload().status, Status.DRAFT)

    def test_another_stores_order_is_not_found(self):
        before = snapshot(self.other)
        for name, body in (("detail", None), ("send", {}), ("receive", {}), ("cancel", {})):
            method = "get" if body is None else "post"
            response = self.call(method, self.action(name, self.other_order), body)
            self.assertEqual(response.status_code, 404, name)
        self.assertEqual(snapshot(self.other), before)
        self.assertEqual(mail.outbox, [])

"""A purchase order's life: draft -> sent -> partly received -> received, or cancelled;
each step audited, refused when the status does not allow it; the supplier's PDF by email,
once; receipts into stock and out of what is on order."""

from __future__ import annotations

import smtplib
from decimal import Decimal
from unittest import mock

from django.core import mail

from accounts.errors import DomainError
from accounts.tenancy import tenant_context
from inventory import services
from inventory.models import PurchaseOrder, PurchaseOrderEvent
from inventory.purchase_order_pdf import printable, purchase_order_pdf
from planning.positions.selectors import open_orders
from tests.inventory.purchase_order_support import PurchaseOrderTestCase, Status


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

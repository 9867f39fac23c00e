"""A supplier's own language: its purchase orders (the email and the PDF) are written in it,
whoever drafted them; a supplier without one gets the drafter's language, as before."""

from __future__ import annotations

from decimal import Decimal
from unittest import mock

from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from accounts.tenancy import tenant_context
from inventory import purchase_order_pdf as pdf_module
from inventory import services
from inventory.models import PurchaseOrder
from tests.factories import (
    LocationFactory,
    MerchantFactory,
    SKUFactory,
    SupplierFactory,
    SupplierItemFactory,
    UserFactory,
    member,
)

ZH = "zh-hans"
CHINESE_TITLE = "采购订单 SC-000001".encode("utf-16-be").hex().encode()


class SupplierLanguageTests(TestCase):
    """An English-speaking owner of Alpha Goods drafts an order to Acme (which reads Chinese)
    and one to Bolt (no language of its own)."""

    def tearDown(self):
        # the portal's middleware activated the reader's language: the next test starts afresh
        translation.deactivate()

    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(name="Alpha Goods", slug="alpha", currency="GBP")
        cls.owner = member(cls.merchant, Role.OWNER, UserFactory(language="en"))
        cls.warehouse = LocationFactory(merchant=cls.merchant, code="WH", name="Warehouse")
        cls.acme = SupplierFactory(
            merchant=cls.merchant,
            code="ACME",
            name="Acme Ltd",
            email="orders@acme.example",
            language=ZH,
        )
        cls.bolt = SupplierFactory(
            merchant=cls.merchant, code="BOLT", name="Bolt Ltd", email="orders@bolt.example"
        )
        cls.mug = SKUFactory(merchant=cls.merchant, code="MUG", name="Mug")
        for supplier in (cls.acme, cls.bolt):
            SupplierItemFactory(
                merchant=cls.merchant, supplier=supplier, sku=cls.mug, unit_cost=Decimal("2.50")
            )

    def draft(self, supplier) -> PurchaseOrder:
        with tenant_context(self.merchant):
            return services.purchase_order_draft_add(
                merchant=self.merchant,
                supplier_id=supplier.pk,
                location_id=self.warehouse.pk,
                lines=[services.DraftLine(sku_id=self.mug.pk, quantity=Decimal("10"))],
                actor=self.owner,
                via="test",
            )

    def send(self, order: PurchaseOrder) -> mail.EmailMessage:
        with tenant_context(self.merchant), self.captureOnCommitCallbacks(execute=True):
            services.purchase_order_send(
                merchant=self.merchant, pk=order.pk, actor=self.owner, via="test"
            )
        (email,) = mail.outbox
        return email

    def test_an_order_to_a_chinese_supplier_drafted_in_english_is_emailed_in_chinese(self):
        email = self.send(self.draft(self.acme))
        self.assertEqual(email.subject, "来自 Alpha Goods 的采购订单 SC-000001")
        self.assertIn("Acme Ltd，您好", email.body)
        self.assertNotIn("Please find attached", email.body)

    def test_a_supplier_without_a_language_gets_the_drafters(self):
        email = self.send(self.draft(self.bolt))
        self.assertEqual(email.subject, "Purchase order SC-000001 from Alpha Goods")
        self.assertIn("Dear Bolt Ltd", email.body)

    def test_the_portals_pdf_is_in_the_suppliers_language_and_the_page_says_which(self):
        order = self.draft(self.acme)
        self.client.force_login(self.owner)
        kwargs = {"merchant_slug": self.merchant.slug, "pk": order.pk}
        page = self.client.get(reverse("inventory:purchase_order_detail", kwargs=kwargs))
        self.assertContains(page, "orders in 简体中文")
        with mock.patch.object(pdf_module._Fonts, "can_show", lambda self, character: True):
            response = self.client.get(reverse("inventory:purchase_order_pdf", kwargs=kwargs))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"%PDF"))
        # the title in its metadata (left uncompressed)
        self.assertIn(CHINESE_TITLE, response.content.lower())
        self.assertNotIn(b"Purchase order SC-000001", response.content)

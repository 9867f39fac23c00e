"""The purchase order tests' two stores, each with a draft, and the steps their tests take."""

from __future__ import annotations

from decimal import Decimal

from django.test import TestCase

from accounts.roles import Role
from accounts.tenancy import tenant_context
from inventory import services
from inventory.models import PurchaseOrder, PurchaseOrderEvent, StockLevel
from tests.factories import (
    LocationFactory,
    MerchantFactory,
    SKUFactory,
    StockLevelFactory,
    SupplierFactory,
    SupplierItemFactory,
    member,
    merchant_with,
)

Status = PurchaseOrder.Status


class PurchaseOrderTestCase(TestCase):
    """A store with a draft to ACME for its warehouse: 24 MUG at 2.50 (packs of 6, MOQ 12)
    and 12 TEAPOT at 3.00 (packs of 4), MUG with 10 on hand (2 promised) at the warehouse;
    and another store with a draft of its own."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.owner = merchant_with(
            Role.OWNER, name="Alpha Goods", slug="alpha", currency="GBP"
        )
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

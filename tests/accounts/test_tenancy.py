"""The ORM lock: tenant-owned models refuse queries that are not pinned to one merchant."""

from __future__ import annotations

from django.db.models import Count

from accounts.tenancy import UnscopedQueryError, tenant_context, tenant_models
from inventory.models import SKU, SalesDay
from tests.world import TwoWorldsTestCase


class FailClosedManagerTests(TwoWorldsTestCase):
    def test_there_are_tenant_models_to_check(self):
        labels = {model._meta.label for model in tenant_models()}
        self.assertTrue({"inventory.SKU", "inventory.SalesDay", "accounts.Membership"} <= labels)

    def test_every_tenant_model_refuses_unscoped_reads_and_writes(self):
        for model in tenant_models():
            manager = model.objects
            attempts = {
                "list": lambda m=manager: list(m.all()),
                "filter": lambda m=manager: list(m.filter(pk__gt=0)),
                "count": lambda m=manager: m.count(),
                "exists": lambda m=manager: m.exists(),
                "first": lambda m=manager: m.first(),
                "get": lambda m=manager: m.get(pk=1),
                "values": lambda m=manager: list(m.values("pk")),
                "iterator": lambda m=manager: list(m.iterator()),
                "aggregate": lambda m=manager: m.aggregate(n=Count("pk")),
                "update": lambda m=manager: m.update(merchant_id=self.a.merchant.pk),
                "delete": lambda m=manager: m.all().delete(),
                "q_on_merchant": lambda m=manager: list(m.exclude(merchant_id=self.a.merchant.pk)),
            }
            for name, attempt in attempts.items():
                with self.subTest(model=model._meta.label, attempt=name):
                    with self.assertRaises(UnscopedQueryError):
                        attempt()

    def test_scoped_queries_return_only_that_merchants_rows(self):
        for model in tenant_models():
            with self.subTest(model=model._meta.label), tenant_context(self.a.merchant):
                rows = list(model.objects.for_merchant(self.a.merchant))
                self.assertTrue(rows)
                self.assertEqual({row.merchant_id for row in rows}, {self.a.merchant.pk})

    def test_filtering_on_merchant_is_scoping(self):
        with tenant_context(self.a.merchant):
            self.assertEqual(SKU.objects.filter(merchant=self.a.merchant).count(), 1)
            self.assertEqual(SKU.objects.filter(merchant_id=self.a.merchant.pk).count(), 1)

    def test_none_is_not_a_merchant(self):
        with self.assertRaises(UnscopedQueryError):
            SKU.objects.for_merchant(None)
        with self.assertRaises(UnscopedQueryError):
            list(SKU.objects.filter(merchant=None))

    def test_related_managers_of_a_scoped_object_work(self):
        with tenant_context(self.a.merchant):
            sku = SKU.objects.for_merchant(self.a.merchant).get()
            self.assertEqual(sku.sales_days.count(), 1)
            prefetched = SKU.objects.for_merchant(self.a.merchant).prefetch_related("sales_days")
            self.assertEqual(len(prefetched[0].sales_days.all()), 1)

    def test_unscoped_is_an_explicit_sweep(self):
        from accounts.tenancy import all_merchants_context

        with all_merchants_context():
            merchants = set(SalesDay.objects.unscoped().values_list("merchant_id", flat=True))
        self.assertEqual(merchants, {self.a.merchant.pk, self.b.merchant.pk})

    def test_model_validation_refuses_another_merchants_objects(self):
        from django.core.exceptions import ValidationError

        from inventory.models import StockLevel

        with tenant_context(self.a.merchant):
            level = StockLevel(
                merchant=self.a.merchant,
                sku_id=self.b.objects[SKU].pk,
                location=self.a.objects[type(self.a.objects[StockLevel].location)],
                on_hand=1,
                as_of=self.a.objects[StockLevel].as_of,
            )
            with self.assertRaises(ValidationError) as raised:
                level.full_clean()
        self.assertIn("sku", raised.exception.message_dict)

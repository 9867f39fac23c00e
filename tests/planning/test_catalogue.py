"""The catalogue's planning filters: a SKU's service class and its open alerts."""

from __future__ import annotations

from django.test import TestCase
from django.urls import reverse

from accounts.tenancy import tenant_context
from planning.models import Alert, SkuClass
from tests.factories import LocationFactory, MerchantFactory, SKUFactory, member


class CatalogueFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="shop")
        cls.other = MerchantFactory(slug="other")
        location = LocationFactory(merchant=cls.merchant)
        cls.skus = {code: SKUFactory(merchant=cls.merchant, code=code) for code in "ABC"}
        with tenant_context(cls.merchant):
            for code, service_class in (("A", "AX"), ("B", "CZ"), ("C", "CZ")):
                SkuClass.objects.create(
                    merchant=cls.merchant, sku=cls.skus[code], service_class=service_class
                )
            Alert.objects.create(merchant=cls.merchant, kind=Alert.Kind.STOCK_OUT,
                                 sku=cls.skus["A"], location=location)  # fmt: skip
            Alert.objects.create(merchant=cls.merchant, kind=Alert.Kind.OVERSTOCK,
                                 sku=cls.skus["B"], location=location,
                                 state=Alert.State.RESOLVED)  # fmt: skip

    def codes(self, **params) -> set[str]:
        self.client.force_login(member(self.merchant))
        page = self.client.get(reverse("inventory:sku_list", args=["shop"]), params)
        self.assertEqual(page.status_code, 200)
        return {sku.code for sku in page.context["page"]}

    def test_by_class(self):
        self.assertEqual(self.codes(**{"class": "CZ"}), {"B", "C"})
        self.assertEqual(self.codes(**{"class": "AX"}), {"A"})
        self.assertEqual(self.codes(**{"class": "QQ"}), {"A", "B", "C"})  # unknown: ignored

    def test_by_alert_state(self):
        self.assertEqual(self.codes(alert="any"), {"A"})
        self.assertEqual(self.codes(alert="stock_out"), {"A"})
        self.assertEqual(self.codes(alert="overstock"), set())  # resolved is not open
        self.assertEqual(self.codes(alert="none"), {"B", "C"})

    def test_the_filters_are_offered_on_the_page(self):
        self.client.force_login(member(self.merchant))
        page = self.client.get(reverse("inventory:sku_list", args=["shop"]))
        self.assertContains(page, '<select id="filter-class" name="class">')
        self.assertContains(page, '<option value="stock_out" >Stock-out expected</option>')

    def test_the_filters_speak_the_readers_language(self):
        self.client.force_login(member(self.merchant))
        url = reverse("inventory:sku_list", args=["shop"])
        page = self.client.get(url, HTTP_ACCEPT_LANGUAGE="zh-Hans").content.decode()
        for chinese in ("类别", "预警", "有任一未处理预警", "预计断货", "需求异常", "无未处理预警"):
            self.assertIn(chinese, page)
        for english in ("Any open alert", "Stock-out expected", "Demand anomaly", "No open alert"):
            self.assertNotIn(english, page)

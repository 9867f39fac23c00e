"""Staff access to a store's data in the console: read-only and audited unless the store
grants support access for a time (granted and withdrawn by its owner in the portal)."""

from __future__ import annotations

import datetime as dt

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from accounts import support_access
from accounts.models import Merchant, SecurityEvent, SupportAccess
from accounts.roles import Role
from accounts.tenancy import all_merchants_context, tenant_context
from inventory.models import SKU, PurchaseOrder, PurchaseOrderLine
from tests.accounts.console_forms import sku_form
from tests.factories import member
from tests.world import StaffAndTwoWorldsTestCase


class ConsoleSupportAccessTests(StaffAndTwoWorldsTestCase):
    def setUp(self):
        self.client.force_login(self.staff)
        self.sku = self.b.objects[SKU]
        self.url = reverse("admin:inventory_sku_change", args=[self.sku.pk])

    def sku_name(self) -> str:
        with tenant_context(self.b.merchant):
            return SKU.objects.for_merchant(self.b.merchant).get(pk=self.sku.pk).name

    def events(self, merchant: Merchant, kind: str) -> list[SecurityEvent]:
        with all_merchants_context():
            return list(SecurityEvent.objects.for_merchant(merchant).filter(kind=kind))

    def grant(self, days: int = 1) -> SupportAccess:
        return support_access.support_access_grant(
            merchant=self.b.merchant, days=days, actor=self.b.owner
        )

    def test_without_a_grant_staff_read_and_cannot_change(self):
        page = self.client.get(self.url)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "BETA teapot")
        self.assertFalse(page.context["has_change_permission"])
        self.assertNotContains(page, 'name="_save"')
        response = self.client.post(self.url, sku_form(self.sku, self.b.merchant, "Changed"))
        self.assertEqual(response.status_code, 403)
        self.assertNotEqual(self.sku_name(), "Changed")
        delete = reverse("admin:inventory_sku_delete", args=[self.sku.pk])
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
        add = self.client.post(
            reverse("admin:inventory_sku_add"),
            {**sku_form(self.sku, self.b.merchant, "New"), "code": "NEW-1"},
        )
        self.assertEqual(add.status_code, 200)  # the form again: the store is not offered
        with all_merchants_context():
            self.assertFalse(SKU.objects.unscoped().filter(code="NEW-1").exists())

    def test_with_an_active_grant_staff_change_the_stores_objects_and_the_change_is_audited(self):
        self.grant()
        response = self.client.post(self.url, sku_form(self.sku, self.b.merchant, "By support"))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.sku_name(), "By support")
        [changed] = self.events(self.b.merchant, SecurityEvent.Kind.STAFF_CHANGED)
        self.assertEqual(changed.actor, self.staff)
        self.assertEqual(changed.details["model"], "inventory.SKU")
        self.assertEqual(changed.details["object_id"], str(self.sku.pk))
        self.assertIn("Name", changed.details["fields"])
        self.assertEqual(self.events(self.a.merchant, SecurityEvent.Kind.STAFF_CHANGED), [])

    def test_a_grant_covers_its_own_store_only(self):
        self.grant()
        other = self.a.objects[SKU]
        url = reverse("admin:inventory_sku_change", args=[other.pk])
        response = self.client.post(url, sku_form(other, self.a.merchant, "Not allowed"))
        self.assertEqual(response.status_code, 403)

    def test_an_expired_or_withdrawn_grant_ends_the_access(self):
        grant = self.grant()
        with tenant_context(self.b.merchant):
            SupportAccess.objects.for_merchant(self.b.merchant).filter(pk=grant.pk).update(
                expires_at=timezone.now() - dt.timedelta(seconds=1)
            )
        response = self.client.post(self.url, sku_form(self.sku, self.b.merchant, "Late"))
        self.assertEqual(response.status_code, 403)
        self.grant()
        support_access.support_access_revoke(merchant=self.b.merchant, actor=self.b.owner)
        response = self.client.post(self.url, sku_form(self.sku, self.b.merchant, "Revoked"))
        self.assertEqual(response.status_code, 403)
        self.assertNotIn(self.sku_name(), {"Late", "Revoked"})

    def test_every_view_of_store_data_is_audited_per_store(self):
        self.client.get(self.url)
        [viewed] = self.events(self.b.merchant, SecurityEvent.Kind.STAFF_VIEWED)
        self.assertEqual(
            (viewed.actor, viewed.details["object_id"]), (self.staff, str(self.sku.pk))
        )
        self.client.get(reverse("admin:inventory_sku_changelist"))
        for world in (self.a, self.b):
            listed = [
                event
                for event in self.events(world.merchant, SecurityEvent.Kind.STAFF_VIEWED)
                if "rows" in event.details
            ]
            self.assertEqual(len(listed), 1, world.merchant.slug)
            self.assertEqual(listed[0].details["model"], "inventory.SKU")
            self.assertEqual(listed[0].details["rows"], 1)

    def test_the_merchants_settings_follow_the_grant_too(self):
        url = reverse("admin:accounts_merchant_change", args=[self.b.merchant.pk])
        data = {
            "name": "Renamed",
            "slug": self.b.merchant.slug,
            "timezone": "UTC",
            "currency": "GBP",
            "target_service_level": "0.95",
            "review_period_days": "7",
            "nightly_forecast_time": "02:00",
        }
        self.assertContains(self.client.get(url), "read-only here")
        self.assertEqual(self.client.post(url, data).status_code, 403)
        self.grant()
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.b.merchant.refresh_from_db()
        self.assertEqual(self.b.merchant.name, "Renamed")

    def test_purchase_order_lines_follow_their_orders_grant(self):
        order = self.b.objects[PurchaseOrder]
        url = reverse("admin:inventory_purchaseorder_change", args=[order.pk])
        self.assertFalse(
            self.client.get(url).context["inline_admin_formsets"][0].has_change_permission
        )
        self.grant()
        self.assertTrue(
            self.client.get(url).context["inline_admin_formsets"][0].has_change_permission
        )
        with tenant_context(self.b.merchant):
            lines = PurchaseOrderLine.objects.unscoped().filter(purchase_order=order)
            self.assertTrue(lines.exists())

    def test_purchase_order_events_are_listed_read_only(self):
        response = self.client.get(reverse("admin:inventory_purchaseorderevent_changelist"))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.context["has_add_permission"])


class PortalSupportAccessTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = Merchant.objects.create(name="Gamma", slug="gamma")
        cls.owner = member(cls.merchant, Role.OWNER)
        cls.planner = member(cls.merchant, Role.PLANNER)
        cls.other = Merchant.objects.create(name="Delta", slug="delta")
        cls.other_owner = member(cls.other, Role.OWNER)

    def url(self, merchant: Merchant) -> str:
        return reverse("merchant_support_access", kwargs={"merchant_slug": merchant.slug})

    def active(self, merchant: Merchant) -> SupportAccess | None:
        from accounts import selectors

        with tenant_context(merchant):
            return selectors.support_access_active(merchant=merchant)

    def test_the_owner_grants_and_withdraws_support_access_in_the_settings(self):
        self.client.force_login(self.owner)
        settings_url = reverse("merchant_settings", kwargs={"merchant_slug": "gamma"})
        self.assertContains(self.client.get(settings_url), "Grant support access")
        self.assertEqual(self.client.post(self.url(self.merchant), {"days": "3"}).status_code, 302)
        grant = self.active(self.merchant)
        self.assertEqual(grant.granted_by, self.owner)
        expected = timezone.now() + dt.timedelta(days=3)
        self.assertLess(abs((grant.expires_at - expected).total_seconds()), 60)
        self.assertContains(self.client.get(settings_url), "Withdraw support access now")
        self.client.post(self.url(self.merchant), {"revoke": "1"})
        self.assertIsNone(self.active(self.merchant))
        with tenant_context(self.merchant):
            kinds = list(
                SecurityEvent.objects.for_merchant(self.merchant)
                .order_by("created_at", "pk")
                .values_list("kind", "actor")
            )
        self.assertIn((SecurityEvent.Kind.SUPPORT_ACCESS_GRANTED, self.owner.pk), kinds)
        self.assertIn((SecurityEvent.Kind.SUPPORT_ACCESS_REVOKED, self.owner.pk), kinds)

    def test_only_owners_grant_and_another_stores_owner_gets_404(self):
        self.client.force_login(self.planner)
        self.assertEqual(self.client.post(self.url(self.merchant), {"days": "1"}).status_code, 403)
        self.client.force_login(self.other_owner)
        self.assertEqual(self.client.post(self.url(self.merchant), {"days": "1"}).status_code, 404)
        self.assertIsNone(self.active(self.merchant))

    def test_a_grant_is_limited_in_time(self):
        self.client.force_login(self.owner)
        self.client.post(self.url(self.merchant), {"days": "365"})
        self.assertIsNone(self.active(self.merchant))

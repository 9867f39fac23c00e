"""The store's planning settings: service levels per class, budgets (total and per
supplier), alert limits and the digest, in the portal and the API; webhooks in the portal."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.db.models import Q
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation

from accounts.errors import DomainError
from accounts.roles import Role
from accounts.tenancy import tenant_context
from planning import calibration, services
from planning.forms import CLASSES, PlanningSettingsForm
from planning.models import PlanningSettings, ShortfallRecord, WebhookEndpoint
from tests import factories


class UpdatesSettings:
    """The owner updates ``merchant``'s planning settings through the service."""

    def update(self, **values):
        with tenant_context(self.merchant):
            return services.planning_settings_update(
                merchant=self.merchant, actor=self.owner, **values
            )


class PlanningSettingsTests(UpdatesSettings, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.owner = factories.merchant_with(Role.OWNER, slug="shop")
        cls.planner = factories.member(cls.merchant, Role.PLANNER)
        cls.acme = factories.SupplierFactory(merchant=cls.merchant, code="ACME", name="Acme")
        cls.other = factories.SupplierFactory(merchant=factories.MerchantFactory(), code="FAR")

    def stored(self) -> PlanningSettings:
        with tenant_context(self.merchant):
            return PlanningSettings.objects.for_merchant(self.merchant).get()

    def test_the_service_checks_what_it_is_given(self):
        self.update(service_levels={"AX": 0.99}, supplier_budgets={self.acme.pk: "500"})
        stored = self.stored()
        self.assertEqual((stored.service_levels["AX"], stored.service_levels["CZ"]), (0.99, 0.9))
        self.assertEqual(stored.supplier_budgets, {str(self.acme.pk): "500"})
        for values, message in [
            ({"service_levels": {"AX": 1.2}}, "service_levels.AX: must be between"),
            ({"service_levels": {"QQ": 0.9}}, "unknown class QQ"),
            ({"supplier_budgets": {self.other.pk: 10}}, "no such supplier"),
            ({"supplier_budgets": {"x": 10}}, "are numbers"),
            ({"supplier_budgets": {self.acme.pk: -1}}, "must not be negative"),
        ]:
            with self.subTest(values=values), self.assertRaisesMessage(DomainError, message):
                self.update(**values)
        self.assertEqual(self.stored().supplier_budgets, {str(self.acme.pk): "500"})

    def test_an_owner_saves_the_page_and_errors_show_by_their_field(self):
        self.client.force_login(self.owner)
        url = reverse("planning:settings", args=["shop"])
        page = self.client.get(url)
        self.assertContains(page, "Acme (ACME)")
        data = {
            f"level_{code}": "95" for code in ("AX", "AY", "AZ", "BX", "BY", "BZ", "CX", "CY", "CZ")
        }
        data.update(budget="1000", overstock_days="90", stale_days="2", digest_enabled="on")
        data.update(service_policy="classes", minimum_fill_rate="60")
        data.update(default_lead_time_days="10", default_lead_time_std_days="2.5")
        data.update(alert_minimum_value="35.50")
        data[f"supplier_{self.acme.pk}"] = "250"
        response = self.client.post(url, data)
        self.assertRedirects(response, url, fetch_redirect_response=False)
        stored = self.stored()
        self.assertEqual(stored.alert_minimum_value, Decimal("35.50"))
        self.assertEqual(
            (stored.budget, stored.overstock_days, stored.stale_days, stored.digest_enabled),
            (Decimal("1000"), 90, 2, True),
        )
        self.assertEqual(
            (stored.service_policy, stored.minimum_fill_rate), ("classes", Decimal("0.6"))
        )
        self.assertEqual(
            (stored.default_lead_time_days, stored.default_lead_time_std_days),
            (Decimal("10"), Decimal("2.5")),
        )
        # a minimum above the store's own target (0.95) is refused, and nothing is saved
        response = self.client.post(
            url, {**data, "service_policy": "store", "minimum_fill_rate": "97"}
        )
        self.assertContains(
            response, "Not above the store&#x27;s target service level, 95%.", status_code=400
        )
        self.assertEqual(self.stored().service_policy, "classes")
        self.assertEqual(stored.supplier_budgets, {str(self.acme.pk): "250"})
        data.update(level_AX="150", budget="")
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Enter a percentage from 50% to 99.9%.", status_code=400)
        self.assertEqual(self.stored().budget, Decimal("1000"))  # nothing saved

    def test_planners_cannot_change_settings(self):
        self.client.force_login(self.planner)
        response = self.client.get(reverse("planning:settings", args=["shop"]))
        self.assertEqual(response.status_code, 403)
        response = self.client.post(
            reverse("planning:settings", args=["shop"]), {"budget": "1", "stale_days": "9"}
        )
        self.assertEqual(response.status_code, 403)
        with tenant_context(self.merchant):
            self.assertFalse(
                PlanningSettings.objects.for_merchant(self.merchant)
                .filter(Q(budget=Decimal("1")) | Q(stale_days=9))
                .exists()
            )

    def test_the_api_reads_and_patches(self):
        token = factories.api_token_secret(
            self.merchant, role=Role.OWNER, name="ops", actor=self.owner
        )
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        url = reverse("planning-settings")
        self.assertEqual(self.client.get(url, **headers).json()["service_levels"]["AX"], 0.98)
        patch = self.client.patch(
            url, json.dumps({"budget": "300", "service_levels": {"BZ": 0.9}}),
            content_type="application/json", **headers,
        )  # fmt: skip
        self.assertEqual(patch.status_code, 200, patch.content)
        self.assertEqual(
            (patch.json()["budget"], patch.json()["service_levels"]["BZ"]), ("300.0000", 0.9)
        )
        cleared = self.client.patch(
            url, json.dumps({"budget": None}), content_type="application/json", **headers
        )
        self.assertIsNone(cleared.json()["budget"])
        bad = self.client.patch(
            url, json.dumps({"service_levels": {"AX": 2}}), content_type="application/json",
            **headers,
        )  # fmt: skip
        self.assertEqual(bad.status_code, 400)
        self.assertIn("service_levels.AX", bad.json()["detail"])
        planner = factories.api_token_secret(
            self.merchant, role=Role.PLANNER, name="erp", actor=self.owner
        )
        forbidden = self.client.patch(
            url, json.dumps({"budget": "1"}), content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {planner}",
        )  # fmt: skip
        self.assertEqual(forbidden.status_code, 403)

    def test_webhooks_are_added_with_a_secret_shown_once_and_switched_off(self):
        self.client.force_login(self.owner)
        url = reverse("planning:webhooks", args=["shop"])
        self.client.post(url, {"url": "http://127.0.0.1:9/hook", "description": "ops"})
        with tenant_context(self.merchant):
            endpoint = WebhookEndpoint.objects.for_merchant(self.merchant).get()
        page = self.client.get(reverse("planning:settings", args=["shop"]))
        self.assertContains(page, endpoint.secret)
        again = self.client.get(reverse("planning:settings", args=["shop"]))
        self.assertNotContains(again, endpoint.secret)
        self.client.post(url, {"toggle": endpoint.pk})
        with tenant_context(self.merchant):
            self.assertFalse(WebhookEndpoint.objects.for_merchant(self.merchant).get().is_active)
        response = self.client.post(url, {"url": "not a url"})
        self.assertRedirects(
            response, reverse("planning:settings", args=["shop"]), fetch_redirect_response=False
        )
        with tenant_context(self.merchant):  # refused: still only the first endpoint
            self.assertEqual(
                list(
                    WebhookEndpoint.objects.for_merchant(self.merchant).values_list("pk", flat=True)
                ),
                [endpoint.pk],
            )


class PercentInputTests(UpdatesSettings, TestCase):
    """Fill rates and the target service level are typed and shown in percent, stored as
    fractions; out-of-range entries are refused with the range in percent."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.owner = factories.merchant_with(Role.OWNER, slug="shop")

    def data(self, **changes) -> dict:
        data = {f"level_{code}": "95" for code in CLASSES}
        data.update(service_policy="classes", minimum_fill_rate="60", overstock_days="120")
        data.update(stale_days="3", default_lead_time_days="7", default_lead_time_std_days="1")
        data.update(alert_minimum_value="0")
        data.update(changes)
        return data

    def test_the_form_turns_percent_into_the_stored_fraction(self):
        form = PlanningSettingsForm(
            self.data(level_AX="95", level_BY="97.5%", minimum_fill_rate="60"),
            target_service_level=Decimal("0.95"),
        )
        self.assertTrue(form.is_valid(), form.errors)
        values = form.values()
        self.assertEqual(values["service_levels"]["AX"], 0.95)
        self.assertEqual(values["service_levels"]["BY"], 0.975)
        self.assertEqual(values["minimum_fill_rate"], Decimal("0.6"))

    def test_out_of_range_percentages_are_refused_in_percent(self):
        with translation.override("en"):  # whatever an earlier test left active
            form = PlanningSettingsForm(
                self.data(level_AX="150", level_CZ="0.95", minimum_fill_rate="96"),
                target_service_level=Decimal("0.95"),
            )
            self.assertFalse(form.is_valid())
            self.assertEqual(form.errors["level_AX"], ["Enter a percentage from 50% to 99.9%."])
            # a fraction typed out of habit is refused too, not read as 0.95%
            self.assertEqual(form.errors["level_CZ"], ["Enter a percentage from 50% to 99.9%."])
            self.assertEqual(
                form.errors["minimum_fill_rate"],
                ["Not above the store's target service level, 95%."],
            )
        with translation.override("zh-hans"):
            form = PlanningSettingsForm(self.data(level_AX="150"))
            self.assertFalse(form.is_valid())
            self.assertNotEqual(form.errors["level_AX"], ["Enter a percentage from 50% to 99.9%."])
            self.assertIn("99.9%", form.errors["level_AX"][0])

    def test_the_page_shows_percent_and_saves_the_fraction(self):
        self.client.force_login(self.owner)
        url = reverse("planning:settings", args=["shop"])
        page = self.client.get(url).content.decode()
        self.assertIn('name="level_AX" value="98"', page)  # stored 0.98
        self.assertIn('name="minimum_fill_rate" value="50"', page)
        self.assertNotIn("0.9500", page)
        self.assertIn("(95%, set in the store", page)
        response = self.client.post(url, self.data(level_AX="96.5", minimum_fill_rate="70"))
        self.assertRedirects(response, url, fetch_redirect_response=False)
        with tenant_context(self.merchant):
            stored = PlanningSettings.objects.for_merchant(self.merchant).get()
        self.assertEqual(stored.service_levels["AX"], 0.965)
        self.assertEqual(stored.minimum_fill_rate, Decimal("0.7"))
        refused = self.client.post(url, self.data(level_AX="150"))
        self.assertContains(refused, "Enter a percentage from 50% to 99.9%.", status_code=400)
        self.assertContains(refused, 'name="level_AX" value="150"', status_code=400)

    def _settled(self, reviews, policy="", targets=None):
        """Settled records, a week apart: per review (units expected short, units short),
        each class's, or (units expected short, units short, units demanded); planned under
        ``policy`` for ``targets`` (one dict for every review, or a list of one per review)."""
        per_review = targets if isinstance(targets, list) else [targets or {}] * len(reviews)
        with tenant_context(self.merchant):
            for week, (shortfalls, aims) in enumerate(zip(reviews, per_review, strict=True)):
                expected, actual, demanded = (*shortfalls, {})[:3]
                made_on = dt.date(2024, 5, 1) + dt.timedelta(days=7 * week)
                ShortfallRecord.objects.create(
                    merchant=self.merchant, made_on=made_on, review_days=7,
                    settles_on=made_on + dt.timedelta(days=14), service_policy=policy,
                    targets=aims, expected=expected, actual=actual, demanded=demanded,
                    settled_at=timezone.now(),
                )  # fmt: skip

    def test_the_page_says_what_the_orders_planned_for_todays_target_served(self):
        self.client.force_login(self.owner)
        url = reverse("planning:settings", args=["shop"])
        self._settled(
            [({"AX": 2.0, "BZ": 2.0}, {"AX": 3.0, "BZ": 5.0}, {"AX": 100.0, "BZ": 100.0})] * 2
            # planned for 90%, not today's 95%: left out of what was served
            + [({"AX": 2.0}, {"AX": 60.0}, {"AX": 100.0})]
            # settled before the units demanded were kept: left out too
            + [({"AX": 2.0}, {"AX": 90.0})],
            policy="store",
            targets=[{"AX": 0.95, "BZ": 0.95}] * 2 + [{"AX": 0.9}, {"AX": 0.95}],
        )  # fmt: skip
        page = self.client.get(url)
        # 16 of 400 units short: 96% served
        self.assertContains(page, "served 96% of the units demanded in the review periods")
        self.assertContains(page, "where you ask for 95%.")
        self.assertNotContains(page, "Served in the review periods the orders protected")
        self.owner.language = "zh-hans"
        self.owner.save(update_fields=["language"])
        self.assertContains(self.client.get(url), "满足了 96% 的需求数量，您设定的是 95%")

    def test_with_a_fill_rate_per_class_the_page_says_what_each_class_served(self):
        self.client.force_login(self.owner)
        url = reverse("planning:settings", args=["shop"])
        self.update(service_policy="classes", service_levels={"AX": 0.98})
        # AX at 98% (set here), BZ at its default 93%; a first review planned AX at 90% and
        # BZ at 93%: it counts for BZ alone
        self._settled(
            [
                ({"AX": 1.0, "BZ": 1.0}, {"AX": 40.0, "BZ": 10.0}, {"AX": 100.0, "BZ": 100.0}),
                ({"AX": 1.0, "BZ": 1.0}, {"AX": 3.0, "BZ": 20.0}, {"AX": 100.0, "BZ": 100.0}),
            ],
            policy="classes",
            targets=[{"AX": 0.9, "BZ": 0.93}, {"AX": 0.98, "BZ": 0.93}],
        )  # fmt: skip
        page = self.client.get(url).content.decode()
        self.assertIn("Served in the review periods the orders protected", page)
        self.assertIn("AX 97% (98%), BZ 85% (93%).", page)  # BZ: 30 of 200 short
        self.assertNotIn("of the units demanded in the review periods they protected", page)

    def test_the_page_says_what_the_plan_learnt_from_its_past_orders(self):
        self.client.force_login(self.owner)
        url = reverse("planning:settings", args=["shop"])
        self.assertContains(self.client.get(url), "No review period has passed")
        self._settled([({"AX": 6.0}, {"AX": 20.0}), ({"BZ": 4.0}, {"BZ": 10.0})])
        page = self.client.get(url)
        self.assertNotContains(page, "No review period has passed")
        # two reviews, 10 units expected short and 30 left: (30 + 10) / (10 + 10) = 2; per
        # class, one review each: AX (20 + 12) / (6 + 12), BZ (10 + 8) / (4 + 8)
        self.assertContains(page, "Review periods learnt from: 2.")
        self.assertContains(page, "left 2.00 times the units short")
        self.assertContains(page, "AX 1.78, BZ 1.50.")
        self.assertNotContains(page, "calibration-capped")  # corrected in full: no warning
        self.owner.language = "zh-hans"
        self.owner.save(update_fields=["language"])
        self.assertContains(self.client.get(url), "缺货数量是预测预期的 2.00 倍")

    def test_the_page_warns_when_the_shortfalls_pass_what_the_plan_corrects_for(self):
        self.client.force_login(self.owner)
        url = reverse("planning:settings", args=["shop"])
        # three reviews, 6 units expected short and 60 left: (60 + 4) / (6 + 4) = 6.4, held
        # at the bound of 4
        self._settled([({"AX": 2.0}, {"AX": 20.0})] * 3)
        page = self.client.get(url)
        self.assertContains(page, "left 4.00 times the units short")
        self.assertContains(page, "That is at least 4 times, the most the plan corrects for")
        self.owner.language = "zh-hans"
        self.owner.save(update_fields=["language"])
        self.assertContains(self.client.get(url), "计划最多只按这个倍数修正")

    def test_with_a_fill_rate_per_class_the_warning_names_the_classes_held_at_the_bound(self):
        self.client.force_login(self.owner)
        url = reverse("planning:settings", args=["shop"])
        self.update(service_policy="classes")
        # AX (60 + 4) / (6 + 4) = 6.4, held at 4; BZ (6 + 4) / (6 + 4) = 1; all together
        # (66 + 8) / (12 + 8) = 3.7, under the bound: only AX is named
        self._settled(
            [({"AX": 2.0, "BZ": 2.0}, {"AX": 20.0, "BZ": 2.0})] * 3,
            policy="classes", targets={"AX": 0.95, "BZ": 0.95},
        )  # fmt: skip
        page = self.client.get(url).content.decode()
        self.assertIn("AX 4.00, BZ 1.00.", page)
        self.assertIn("In AX, the orders left at least 4 times the units short", page)
        self.assertNotIn("That is at least 4 times", page)

    def test_classes_held_to_one_fill_rate_are_said_to_learn_together(self):
        self.client.force_login(self.owner)
        url = reverse("planning:settings", args=["shop"])
        self.update(service_policy="classes", service_levels={"AX": 0.95, "BZ": 0.95})
        # AX's orders left three times what they expected short, BZ's as much
        self._settled(
            [({"AX": 2.0, "BZ": 2.0}, {"AX": 6.0, "BZ": 2.0})] * 3,
            policy="classes", targets={"AX": 0.95, "BZ": 0.95},
        )  # fmt: skip
        # together (24 + 8) / (12 + 8) = 1.6; each class shrunk towards it
        prior = calibration.CLASS_PRIOR_REVIEWS * 2.0
        ax, bz = ((short + prior * 1.6) / (6 + prior) for short in (18.0, 6.0))
        page = self.client.get(url).content.decode()
        self.assertIn(f"Per class: AX {ax:.2f}, BZ {bz:.2f}.", page)
        self.assertIn("AX, BZ: each is held to a fill rate it shares with another class", page)
        # held to fill rates of their own, each learns alone and nothing is said
        self.update(service_levels={"AX": 0.95, "BZ": 0.9})
        page = self.client.get(url).content.decode()
        self.assertIn("Per class: AX 2.20", page)  # alone: (18 + 2 x 2) / (6 + 2 x 2)
        self.assertNotIn("shares with another class", page)
        self.owner.language = "zh-hans"
        self.owner.save(update_fields=["language"])
        self.update(service_levels={"AX": 0.95, "BZ": 0.95})
        page = self.client.get(url).content.decode()
        self.assertIn("AX、BZ：", page)  # the classes listed with Chinese punctuation
        self.assertIn(f"AX {ax:.2f}、BZ {bz:.2f}。", page)

    def test_the_page_says_how_many_reviews_were_planned_for_other_fill_rates(self):
        self.client.force_login(self.owner)
        url = reverse("planning:settings", args=["shop"])
        self._settled(
            [({"AX": 6.0}, {"AX": 6.0})] * 3,
            policy="store", targets=[{"AX": target} for target in (0.95, 0.9, 0.9)],
        )  # fmt: skip
        page = self.client.get(url)  # the store's target is 95%
        self.assertContains(page, "Review periods learnt from: 3.")
        self.assertContains(page, "2 of them were planned for other fill rates than today's")
        self.merchant.target_service_level = Decimal("0.9")
        self.merchant.save(update_fields=["target_service_level"])
        page = self.client.get(url)
        self.assertContains(page, "1 of them was planned for other fill rates than today's")
        self.owner.language = "zh-hans"
        self.owner.save(update_fields=["language"])
        self.assertContains(self.client.get(url), "其中 1 个周期是按与现在不同的现货率计划的")

    def test_the_store_settings_take_the_target_service_level_in_percent(self):
        self.client.force_login(self.owner)
        url = reverse("merchant_settings", args=["shop"])
        self.assertContains(self.client.get(url), 'name="target_service_level" value="95"')
        data = {
            "name": "Shop", "timezone": "UTC", "currency": "GBP", "review_period_days": "7",
            "nightly_forecast_time": "02:00", "target_service_level": "97.5",
        }  # fmt: skip
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.merchant.refresh_from_db()
        self.assertEqual(self.merchant.target_service_level, Decimal("0.975"))
        refused = self.client.post(url, {**data, "target_service_level": "150"})
        self.assertContains(refused, "Enter a percentage from 50% to 99.9%.", status_code=400)

"""Forecast overrides: the rule that changes a forecast (forecasting/overrides.py), the
services that set, change and end one (audited, validated), the selectors every reader goes
through (only overrides in force apply; the stored forecast is never rewritten), and the SKU
forecast page (the override beside the model's median, the form, the permissions)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import numpy as np
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from django.utils import timezone

from accounts.errors import DomainError
from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting import selectors, services
from forecasting.models import ForecastOverride, ForecastOverrideEvent
from forecasting.overrides import Adjustment, Adjustments, adjust_values
from forecasting.quantiles import LEVELS, MEDIAN_INDEX
from tests.factories import (
    LocationFactory,
    MerchantFactory,
    SKUFactory,
    forecast_override,
    member,
    merchant_with,
    series_forecast,
    succeeded_run,
)

DAY = dt.date(2024, 7, 1)
# level i of a day is (i + 1) units: the median (level 8 of 15) is 8
LADDER = np.arange(1, len(LEVELS) + 1, dtype=float)


def adjustment(**fields) -> Adjustment:
    values = {
        "override_id": 1,
        "sku_id": 1,
        "location_id": None,
        "start_date": DAY,
        "end_date": DAY + dt.timedelta(days=1),
        "kind": "percent",
        "amount": 50.0,
        "set_on": DAY - dt.timedelta(days=10),
        "expires_on": DAY + dt.timedelta(days=30),
    }
    return Adjustment(**{**values, **fields})


def flat(days: int, per_day: float = 1.0) -> np.ndarray:
    return np.repeat(LADDER[:, None] * per_day, days, axis=1).astype(np.float32)


class RuleTests(SimpleTestCase):
    def test_a_percent_scales_every_quantile(self):
        np.testing.assert_allclose(adjust_values(LADDER, 8.0, "percent", 25.0), LADDER * 1.25)
        np.testing.assert_allclose(adjust_values(LADDER, 8.0, "percent", -100.0), LADDER * 0)

    def test_a_value_sets_the_median_and_scales_the_rest_with_it(self):
        adjusted = adjust_values(LADDER, 8.0, "value", 2.0)
        self.assertEqual(adjusted[MEDIAN_INDEX], 2.0)
        np.testing.assert_allclose(adjusted, LADDER / 4)  # 2 / 8 of every level

    def test_a_value_over_a_median_of_zero_raises_every_quantile_by_it(self):
        values = np.concatenate([np.zeros(8), np.arange(1, 8)])  # intermittent: median 0
        adjusted = adjust_values(values, 0.0, "value", 3.0)
        self.assertEqual(adjusted[MEDIAN_INDEX], 3.0)
        np.testing.assert_allclose(adjusted, values + 3)

    def test_only_the_days_of_the_period_change_and_the_stored_array_is_left_alone(self):
        stored = flat(4)
        adjusted = Adjustments.of(
            [adjustment(start_date=DAY + dt.timedelta(days=1), end_date=DAY + dt.timedelta(days=2))]
        ).apply(1, 7, DAY, stored)
        np.testing.assert_allclose(adjusted[:, 0], LADDER)
        np.testing.assert_allclose(adjusted[:, 1:3], LADDER[:, None] * 1.5 * np.ones((1, 2)))
        np.testing.assert_allclose(adjusted[:, 3], LADDER)  # the period ended the day before
        np.testing.assert_allclose(stored, flat(4))

    def test_a_series_no_override_reaches_is_returned_as_it_is(self):
        stored = flat(2)
        found = Adjustments.of([adjustment(location_id=3)])
        self.assertIs(found.apply(1, 7, DAY, stored), stored)  # another location's
        self.assertIs(found.apply(2, 3, DAY, stored), stored)  # another SKU's

    def test_the_locations_own_override_wins_over_every_locations_then_the_newest(self):
        everywhere = adjustment(override_id=1, amount=100.0)
        here = adjustment(override_id=2, location_id=7, amount=-50.0)
        newer = adjustment(override_id=3, amount=10.0, set_on=DAY - dt.timedelta(days=1))
        found = Adjustments.of([here, newer, everywhere])
        self.assertEqual(found.on_day(1, 7, DAY).override_id, 2)
        self.assertEqual(found.on_day(1, 8, DAY).override_id, 3)
        np.testing.assert_allclose(found.apply(1, 7, DAY, flat(1))[:, 0], LADDER * 0.5)

    def test_in_force_from_the_day_it_is_set_to_its_expiry_unless_ended(self):
        override = adjustment(set_on=DAY, expires_on=DAY + dt.timedelta(days=2))
        self.assertFalse(override.in_force(DAY - dt.timedelta(days=1)))
        self.assertTrue(override.in_force(DAY))
        self.assertTrue(override.in_force(DAY + dt.timedelta(days=2)))
        self.assertFalse(override.in_force(DAY + dt.timedelta(days=3)))
        ended = adjustment(set_on=DAY, ended_on=DAY + dt.timedelta(days=1))
        self.assertTrue(ended.in_force(DAY))
        self.assertFalse(ended.in_force(DAY + dt.timedelta(days=1)))


class OverrideServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.planner = merchant_with(Role.PLANNER)
        cls.location = LocationFactory(merchant=cls.merchant, code="WH")
        cls.sku = SKUFactory(merchant=cls.merchant, code="MUG")
        cls.other = MerchantFactory()
        cls.foreign_sku = SKUFactory(merchant=cls.other, code="THEIRS")
        cls.today = selectors.merchant_today(cls.merchant)

    def create(self, **fields) -> ForecastOverride:
        fields = {"location_id": self.location.pk, "reason": "  Trade fair in town  ", **fields}
        return forecast_override(
            self.merchant, actor=self.planner, sku=self.sku, via="portal", **fields
        )

    def events(self, override) -> list[ForecastOverrideEvent]:
        with tenant_context(self.merchant):
            return list(
                ForecastOverrideEvent.objects.for_merchant(self.merchant)
                .filter(override=override)
                .order_by("pk")
            )

    def test_setting_one_is_audited_with_who_when_and_what(self):
        override = self.create()
        self.assertEqual(override.reason, "Trade fair in town")
        self.assertEqual(override.created_by, self.planner)
        (event,) = self.events(override)
        self.assertEqual(
            (event.action, event.actor, event.via), ("created", self.planner, "portal")
        )
        self.assertEqual(event.changes["amount"], [None, "25"])
        self.assertEqual(event.changes["location"], [None, "WH"])
        self.assertEqual(event.changes["start_date"], [None, self.today.isoformat()])

    def test_a_change_keeps_each_field_before_and_after(self):
        override = self.create()
        services.forecast_override_update(
            merchant=self.merchant,
            pk=override.pk,
            actor=self.planner,
            via="api",
            amount=Decimal("-40"),
            location=None,
        )
        _created, changed = self.events(override)
        self.assertEqual(changed.action, "changed")
        self.assertEqual(changed.changes, {"amount": ["25", "-40"], "location": ["WH", None]})

    def test_ending_one_is_audited_once_and_an_ended_one_cannot_change(self):
        override = self.create()
        ended = services.forecast_override_end(
            merchant=self.merchant, pk=override.pk, actor=self.planner
        )
        self.assertIsNotNone(ended.ended_at)
        services.forecast_override_end(merchant=self.merchant, pk=override.pk, actor=self.planner)
        self.assertEqual([event.action for event in self.events(override)], ["created", "ended"])
        with self.assertRaises(DomainError):
            services.forecast_override_update(
                merchant=self.merchant, pk=override.pk, actor=self.planner, amount=Decimal("5")
            )

    def test_what_the_rules_refuse(self):
        yesterday = self.today - dt.timedelta(days=1)
        refused = [
            {"reason": "   "},
            {"end_date": yesterday, "start_date": yesterday - dt.timedelta(days=3)},
            {"start_date": self.today + dt.timedelta(days=3), "end_date": self.today},
            {"expires_on": yesterday},
            {"kind": "value", "amount": Decimal("-1")},
            {"kind": "percent", "amount": Decimal("-101")},
            {"sku_id": self.foreign_sku.pk},
        ]
        for fields in refused:
            with self.subTest(fields=fields), self.assertRaises(DomainError):
                self.create(**fields)
        with tenant_context(self.merchant):
            self.assertFalse(ForecastOverride.objects.for_merchant(self.merchant).exists())


class OverrideSelectorTests(TestCase):
    """Readers get the overrides in force, the stored forecast stays as the model made it."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.planner = merchant_with(Role.PLANNER)
        cls.location = LocationFactory(merchant=cls.merchant)
        cls.sku = SKUFactory(merchant=cls.merchant)
        cls.today = selectors.merchant_today(cls.merchant)
        cls.night = succeeded_run(
            cls.merchant, history_end=cls.today - dt.timedelta(days=1), horizon=7
        )
        cls.forecast = series_forecast(
            cls.merchant,
            cls.night,
            cls.sku,
            cls.location,
            flat(7),
            first_date=cls.today,
            model="ets",
        )

    def override(self, **fields) -> ForecastOverride:
        """Four a day on the day after tomorrow and the next, unless ``fields`` say otherwise."""
        days = {
            "start_date": self.today + dt.timedelta(days=2),
            "end_date": self.today + dt.timedelta(days=3),
        }
        fields = {**days, "kind": "value", "amount": Decimal("4"), **fields}
        return forecast_override(self.merchant, actor=self.planner, sku=self.sku, **fields)

    def read(self) -> np.ndarray:
        with tenant_context(self.merchant):
            (stored,) = selectors.run_forecasts(merchant=self.merchant, run=self.night)
        self.assertEqual((stored.sku, stored.location), (self.sku.pk, self.location.pk))
        return stored.quantiles

    def test_a_value_override_changes_its_days_and_the_stored_forecast_stays(self):
        self.override()
        quantiles = self.read()
        np.testing.assert_allclose(quantiles[:, 2], LADDER / 2)  # median 8 set to 4
        np.testing.assert_allclose(quantiles[:, [0, 1, 4, 5, 6]], flat(5))
        with tenant_context(self.merchant):
            self.forecast.refresh_from_db()
        np.testing.assert_allclose(self.forecast.array(), flat(7))

    def test_an_expired_or_ended_override_changes_nothing(self):
        expired = self.override()
        with tenant_context(self.merchant):
            ForecastOverride.objects.for_merchant(self.merchant).filter(pk=expired.pk).update(
                expires_on=self.today - dt.timedelta(days=1)
            )
        np.testing.assert_allclose(self.read(), flat(7))
        ended = self.override(kind="percent", amount=Decimal("50"))
        np.testing.assert_allclose(self.read()[:, 2], LADDER * 1.5)
        services.forecast_override_end(merchant=self.merchant, pk=ended.pk, actor=self.planner)
        np.testing.assert_allclose(self.read(), flat(7))

    def test_a_planned_lines_forecast_is_read_again_with_the_same_overrides(self):
        self.override(kind="percent", amount=Decimal("50"))
        key = (self.night.pk, self.sku.pk, self.location.pk)
        with tenant_context(self.merchant):
            found = selectors.forecasts_of_series(merchant=self.merchant, keys=[key, key])
        np.testing.assert_allclose(found[key].quantiles, self.read())
        np.testing.assert_allclose(found[key].quantiles[:, 2], LADDER * 1.5)

    def test_quantiles_on_a_past_day_get_the_override_in_force_that_day(self):
        day = self.today + dt.timedelta(days=2)
        override = self.override(kind="percent", amount=Decimal("-50"))
        with tenant_context(self.merchant):
            levels = [0, 3, 11]  # the median is not asked for: the value rule still has it
            found = selectors.quantiles_on_day(
                merchant=self.merchant, run=self.night, day=day, levels=levels
            )
            np.testing.assert_allclose(found[(self.sku.pk, self.location.pk)], LADDER[levels] / 2)
            # set after the day: the forecast of that day stays the model's
            ForecastOverride.objects.for_merchant(self.merchant).filter(pk=override.pk).update(
                created_at=timezone.now() + dt.timedelta(days=5)
            )
            found = selectors.quantiles_on_day(
                merchant=self.merchant, run=self.night, day=day, levels=levels
            )
        np.testing.assert_allclose(found[(self.sku.pk, self.location.pk)], LADDER[levels])


class SkuForecastPageOverrideTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.planner = merchant_with(Role.PLANNER, slug="shop")
        cls.viewer = member(cls.merchant, Role.VIEWER)
        cls.location = LocationFactory(merchant=cls.merchant, code="WH")
        cls.sku = SKUFactory(merchant=cls.merchant, code="MUG")
        cls.today = selectors.merchant_today(cls.merchant)
        run = succeeded_run(
            cls.merchant,
            history_end=cls.today - dt.timedelta(days=1),
            horizon=7,
            finished_at=timezone.now(),
        )
        series_forecast(
            cls.merchant, run, cls.sku, cls.location, flat(7), first_date=cls.today, model="ets",
            explanation={"days": 7, "model": "ets", "base_value": 1, "forecast": 1, "groups": []},
        )  # fmt: skip
        cls.url = reverse("forecasting:sku_forecast", args=["shop", cls.sku.pk])

    def form(self, **fields) -> dict:
        values = {
            "location": str(self.location.pk),
            "start_date": (self.today + dt.timedelta(days=1)).isoformat(),
            "end_date": (self.today + dt.timedelta(days=2)).isoformat(),
            "kind": "percent",
            "amount": "100",
            "reason": "Featured in a newsletter",
            "expires_on": (self.today + dt.timedelta(days=5)).isoformat(),
        }
        return {**values, **fields}

    def chart_data(self, response) -> dict:
        html = response.content.decode()
        start = html.index('<script id="forecast-data-')
        body = html[html.index(">", start) + 1 : html.index("</script>", start)]
        return json.loads(body)

    def test_a_planner_sets_one_and_the_chart_shows_it_beside_the_model(self):
        self.client.force_login(self.planner)
        response = self.client.post(self.url, self.form())
        self.assertRedirects(response, self.url)
        page = self.client.get(self.url)
        data = self.chart_data(page)
        self.assertEqual(data["median"], [8.0] * 7)  # the model's, unchanged
        self.assertEqual(data["override"], [None, 16.0, 16.0, None, None, None, None])
        self.assertContains(page, "Featured in a newsletter")
        self.assertContains(page, "median with overrides")
        with tenant_context(self.merchant):
            override = ForecastOverride.objects.for_merchant(self.merchant).get()
            self.assertEqual(
                (override.created_by, override.location), (self.planner, self.location)
            )

    def test_no_override_no_series(self):
        self.client.force_login(self.viewer)
        page = self.client.get(self.url)
        self.assertNotIn("override", self.chart_data(page))
        self.assertNotContains(page, "Set an override")  # no form without the plan permission

    def test_a_refused_override_shows_the_form_again_with_why(self):
        self.client.force_login(self.planner)
        response = self.client.post(self.url, self.form(reason=" ", kind="value"))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "This field is required", status_code=400)
        past = (self.today - dt.timedelta(days=1)).isoformat()
        response = self.client.post(self.url, self.form(expires_on=past))
        self.assertContains(response, "The expiry is in the past.", status_code=400)

    def test_a_viewer_may_neither_set_nor_end_one(self):
        self.client.force_login(self.planner)
        self.client.post(self.url, self.form())
        with tenant_context(self.merchant):
            override = ForecastOverride.objects.for_merchant(self.merchant).get()
        self.client.force_login(self.viewer)
        self.assertEqual(self.client.post(self.url, self.form()).status_code, 403)
        end = reverse("forecasting:forecast_override_end", args=["shop", override.pk])
        self.assertEqual(self.client.post(end).status_code, 403)
        self.client.force_login(self.planner)
        self.assertRedirects(self.client.post(end), self.url)
        with tenant_context(self.merchant):
            self.assertEqual(ForecastOverride.objects.for_merchant(self.merchant).count(), 1)
            override.refresh_from_db()
        self.assertEqual(override.ended_by, self.planner)
        self.assertNotIn("override", self.chart_data(self.client.get(self.url)))

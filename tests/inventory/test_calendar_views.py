"""Calendars on the portal and the API, scoped to their store."""

from __future__ import annotations

import datetime as dt
import json

from django.urls import reverse

from accounts.roles import Role
from accounts.tenancy import tenant_context
from inventory import calendar_dates, calendars
from inventory.models import CalendarEvent, CalendarPreset
from tests.factories import (
    CalendarPresetFactory,
    LocationFactory,
    MerchantFactory,
    api_token_secret,
    member,
    merchant_with,
)
from tests.inventory.calendar_support import (
    AsOfToday,
    Source,
)


class CalendarPageTests(AsOfToday):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.owner = merchant_with(
            Role.OWNER, slug="shop", name="Shop", timezone="Asia/Shanghai"
        )
        cls.viewer = member(cls.merchant, Role.VIEWER)
        cls.location = LocationFactory(merchant=cls.merchant, code="SH1")
        cls.other = MerchantFactory(slug="other", name="Other Traders")
        cls.other_location = LocationFactory(merchant=cls.other, code="OTHERLOC")
        cls.other_preset = CalendarPresetFactory(
            merchant=cls.other, location=cls.other_location, country="FR"
        )

    def url(self, name="inventory:calendars", *args) -> str:
        return reverse(name, args=["shop", *args])

    def presets(self, merchant=None) -> list[CalendarPreset]:
        merchant = merchant or self.merchant
        with tenant_context(merchant):
            return list(CalendarPreset.objects.for_merchant(merchant).select_related("location"))

    def test_page_offers_the_country_of_the_stores_time_zone(self):
        self.client.force_login(self.owner)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["defaults_form"].initial["country"], "CN")
        self.assertContains(response, "Use my country's holidays and festivals")
        self.assertNotContains(response, "OTHERLOC")

    def test_countries_are_named_in_the_readers_language(self):
        self.client.force_login(self.owner)
        english = self.client.get(self.url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        self.assertIn('<option value="IM">Isle of Man</option>', english)
        self.assertIn('<option value="GB">United Kingdom</option>', english)
        self.assertNotIn("Isle Of Man", english)  # not the holiday package's class names
        chinese = self.client.get(self.url(), HTTP_ACCEPT_LANGUAGE="zh-Hans").content.decode()
        self.assertIn('<option value="GB">英国</option>', chinese)
        self.assertIn('value="CN" selected>中国</option>', chinese)
        self.assertNotIn("United Kingdom", chinese)

    def test_one_box_switches_on_a_countrys_holidays_and_festivals(self):
        self.client.force_login(self.owner)
        response = self.client.post(self.url(), {"action": "defaults", "country": "CN"})
        self.assertRedirects(response, self.url())
        (preset,) = self.presets()
        self.assertEqual((preset.location, preset.country), (None, "CN"))
        self.assertEqual(sorted(preset.festivals), sorted(calendar_dates.default_festivals("CN")))
        with tenant_context(self.merchant):
            new_year = CalendarEvent.objects.for_merchant(self.merchant).filter(
                source=Source.CHINESE_NEW_YEAR, start_date=dt.date(2025, 1, 15)
            )
            self.assertTrue(new_year.exists())
        page = self.client.get(self.url())
        self.assertContains(page, "Chinese New Year period")

    def test_per_location_form_saves_and_shows_errors(self):
        self.client.force_login(self.owner)
        response = self.client.post(
            self.url(),
            {
                "action": "save",
                "location": str(self.location.pk),
                "country": "DE",
                "subdivision": "XX",
                "public_holidays": "on",
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "has no region", status_code=400)
        self.assertEqual(self.presets(), [])
        response = self.client.post(
            self.url(),
            {
                "action": "save",
                "location": str(self.location.pk),
                "country": "DE",
                "subdivision": "BY",
                "public_holidays": "on",
                "festivals": [Source.BLACK_FRIDAY],
                "prime_day_dates": "2025-07-08 2025-07-11",
            },
        )
        self.assertRedirects(response, self.url())
        (preset,) = self.presets()
        self.assertEqual(
            (preset.location, preset.subdivision, preset.festivals, preset.prime_day_dates),
            (self.location, "BY", [Source.BLACK_FRIDAY], [["2025-07-08", "2025-07-11"]]),
        )
        # another merchant's location is not a choice
        response = self.client.post(
            self.url(),
            {"action": "save", "location": str(self.other_location.pk), "country": "GB"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(len(self.presets(self.other)), 1)

    def test_viewers_see_but_do_not_change(self):
        self.client.force_login(self.viewer)
        self.assertEqual(self.client.get(self.url()).status_code, 200)
        response = self.client.post(self.url(), {"action": "defaults", "country": "CN"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.presets(), [])

    def test_switching_off_another_merchants_preset_is_not_found(self):
        self.client.force_login(self.owner)
        response = self.client.post(
            self.url("inventory:calendar_preset_delete", self.other_preset.pk)
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.presets(self.other), [self.other_preset])

    def test_switching_off_removes_the_preset(self):
        self.client.force_login(self.owner)
        with tenant_context(self.merchant):
            preset = calendars.calendar_preset_use_defaults(merchant=self.merchant, country="CN")
        response = self.client.post(self.url("inventory:calendar_preset_delete", preset.pk))
        self.assertRedirects(response, self.url())
        self.assertEqual(self.presets(), [])
        with tenant_context(self.merchant):
            self.assertFalse(CalendarEvent.objects.for_merchant(self.merchant).exists())


class CalendarPresetApiTests(AsOfToday):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="shop")
        cls.token = api_token_secret(cls.merchant, role=Role.PLANNER)
        cls.location = LocationFactory(merchant=cls.merchant, code="BERLIN")
        cls.other = MerchantFactory(slug="other")
        cls.other_location = LocationFactory(merchant=cls.other, code="PARIS")
        cls.other_preset = CalendarPresetFactory(
            merchant=cls.other, location=cls.other_location, country="FR"
        )

    def call(self, method, url, data=None):
        auth = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}
        if method == "get":
            return self.client.get(url, **auth)
        return getattr(self.client, method)(
            url, json.dumps(data or {}), content_type="application/json", **auth
        )

    def test_create_writes_the_events_and_lists_only_own_presets(self):
        body = {"location": "BERLIN", "country": "DE", "subdivision": "BE", "festivals": []}
        created = self.call("post", reverse("calendar-preset-list"), body)
        self.assertEqual(created.status_code, 201, created.content)
        self.assertEqual(created.json()["location"], "BERLIN")
        again = self.call("post", reverse("calendar-preset-list"), body)
        self.assertEqual(again.status_code, 200, again.content)
        listed = self.call("get", reverse("calendar-preset-list")).json()["results"]
        self.assertEqual([(p["location"], p["subdivision"]) for p in listed], [("BERLIN", "BE")])
        events = self.call("get", reverse("calendar-event-list")).json()["results"]
        # Berlin's International Women's Day, 8 March, is a holiday of that state alone
        women = [e for e in events if e["start_date"] == "2025-03-08"]
        self.assertEqual(
            [(e["source"], e["location"]) for e in women], [("public_holidays", "BERLIN")]
        )

    def test_refusals(self):
        for body, field in (
            ({"location": "PARIS", "country": "FR"}, "location"),  # another merchant's
            ({"location": None, "country": "QQ"}, "country"),
            ({"location": None, "country": "GB", "festivals": ["easter"]}, "festivals"),
        ):
            with self.subTest(body=body):
                response = self.call("post", reverse("calendar-preset-list"), body)
                self.assertEqual(response.status_code, 400, response.content)
                self.assertIn(field, response.content.decode())
        with tenant_context(self.merchant):
            self.assertFalse(CalendarPreset.objects.for_merchant(self.merchant).exists())

    def test_delete_removes_own_preset_and_never_another_merchants(self):
        other = reverse("calendar-preset-detail", args=[self.other_preset.pk])
        self.assertEqual(self.call("delete", other).status_code, 404)
        self.assertEqual(self.call("get", other).status_code, 404)
        with tenant_context(self.other):
            self.assertTrue(CalendarPreset.objects.for_merchant(self.other).exists())
        created = self.call("post", reverse("calendar-preset-list"), {"country": "GB"}).json()
        mine = reverse("calendar-preset-detail", args=[created["id"]])
        self.assertEqual(self.call("delete", mine).status_code, 204)
        with tenant_context(self.merchant):
            self.assertFalse(CalendarEvent.objects.for_merchant(self.merchant).exists())

"""Built-in calendars: festival dates and public holidays checked against the published dates,
events written once however often the refresh runs, switched-off calendars removing only
their own events, presets kept to their merchant, and the forecast covariates carrying the
event flag on those days."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from unittest import mock

import numpy as np
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from accounts.roles import Role
from accounts.services import api_token_create
from accounts.tenancy import tenant_context
from forecasting import history as history_reads
from inventory import calendar_dates, calendars
from inventory.models import CalendarEvent, CalendarPreset, SalesDay
from tests.factories import (
    CalendarEventFactory,
    CalendarPresetFactory,
    LocationFactory,
    MerchantFactory,
    SKUFactory,
    member,
)

Source = CalendarEvent.Source
# The stores' "today" in these tests: events are written for 2025 (or the first year of sales)
# to 2026, a year ahead.
TODAY = dt.date(2025, 12, 1)


class AsOfToday(TestCase):
    def setUp(self):
        patcher = mock.patch.object(calendars, "merchant_today", return_value=TODAY)
        patcher.start()
        self.addCleanup(patcher.stop)


def spans(festival: str, year: int) -> list[tuple[dt.date, dt.date]]:
    return [(span.start, span.end) for span in calendar_dates.FESTIVAL_SPANS[festival](year)]


class FestivalDateTests(TestCase):
    """Each date below is the published one for that year."""

    def test_chinese_new_year_comes_from_the_china_calendar(self):
        self.assertEqual(calendar_dates.chinese_new_year(2024), dt.date(2024, 2, 10))
        self.assertEqual(calendar_dates.chinese_new_year(2025), dt.date(2025, 1, 29))
        self.assertEqual(calendar_dates.chinese_new_year(2026), dt.date(2026, 2, 17))
        # 14 days before New Year's Day through the sixth day after it
        self.assertEqual(
            spans(Source.CHINESE_NEW_YEAR, 2025), [(dt.date(2025, 1, 15), dt.date(2025, 2, 4))]
        )

    def test_black_friday_and_cyber_monday_follow_us_thanksgiving(self):
        self.assertEqual(spans(Source.BLACK_FRIDAY, 2025), [(dt.date(2025, 11, 28),) * 2])
        self.assertEqual(spans(Source.BLACK_FRIDAY, 2024), [(dt.date(2024, 11, 29),) * 2])
        self.assertEqual(spans(Source.BLACK_FRIDAY, 2026), [(dt.date(2026, 11, 27),) * 2])
        self.assertEqual(spans(Source.CYBER_MONDAY, 2025), [(dt.date(2025, 12, 1),) * 2])
        self.assertEqual(spans(Source.CYBER_MONDAY, 2024), [(dt.date(2024, 12, 2),) * 2])

    def test_fixed_day_festivals(self):
        self.assertEqual(spans(Source.SINGLES_DAY, 2025), [(dt.date(2025, 11, 11),) * 2])
        self.assertEqual(spans(Source.DOUBLE_TWELVE, 2025), [(dt.date(2025, 12, 12),) * 2])
        self.assertEqual(spans(Source.BOXING_DAY, 2025), [(dt.date(2025, 12, 26),) * 2])
        self.assertEqual(
            spans(Source.SHOPPING_618, 2025), [(dt.date(2025, 6, 1), dt.date(2025, 6, 18))]
        )

    def test_end_of_season_sales_follow_the_french_legal_calendar(self):
        # 2025: winter 8 Jan - 4 Feb, summer 25 Jun - 22 Jul
        self.assertEqual(
            spans(Source.END_OF_SEASON_SALES, 2025),
            [
                (dt.date(2025, 1, 8), dt.date(2025, 2, 4)),
                (dt.date(2025, 6, 25), dt.date(2025, 7, 22)),
            ],
        )
        # 2026: the second Wednesday of January is the 14th, after the 12th: the first instead
        self.assertEqual(calendar_dates.winter_sales_start(2026), dt.date(2026, 1, 7))
        self.assertEqual(calendar_dates.winter_sales_start(2024), dt.date(2024, 1, 10))
        self.assertEqual(calendar_dates.summer_sales_start(2024), dt.date(2024, 6, 26))
        # June 2022's last Wednesday is the 29th, after the 28th: the one before
        self.assertEqual(calendar_dates.summer_sales_start(2022), dt.date(2022, 6, 22))

    def test_country_of_a_time_zone(self):
        self.assertEqual(calendar_dates.guess_country("Asia/Shanghai"), "CN")
        self.assertEqual(calendar_dates.guess_country("Europe/Berlin"), "DE")
        self.assertEqual(calendar_dates.guess_country("UTC"), "")

    def test_default_festivals_by_country(self):
        self.assertIn(Source.CHINESE_NEW_YEAR, calendar_dates.default_festivals("CN"))
        self.assertIn(Source.SINGLES_DAY, calendar_dates.default_festivals("cn"))
        self.assertIn(Source.BOXING_DAY, calendar_dates.default_festivals("GB"))
        self.assertNotIn(Source.BOXING_DAY, calendar_dates.default_festivals("US"))


class CalendarServiceTests(AsOfToday):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="alpha")
        cls.shop = LocationFactory(merchant=cls.merchant, code="SHOP")
        cls.depot = LocationFactory(merchant=cls.merchant, code="DEPOT")
        cls.sku = SKUFactory(merchant=cls.merchant, code="MUG")
        with tenant_context(cls.merchant):
            SalesDay.objects.create(
                merchant=cls.merchant,
                sku=cls.sku,
                location=cls.shop,
                date=dt.date(2025, 1, 2),
                units=Decimal("1"),
            )
        cls.other = MerchantFactory(slug="beta")
        cls.other_location = LocationFactory(merchant=cls.other, code="SHOP")

    def events(self, merchant=None, **filters) -> list[CalendarEvent]:
        merchant = merchant or self.merchant
        with tenant_context(merchant):
            return list(
                CalendarEvent.objects.for_merchant(merchant).filter(**filters).order_by("pk")
            )

    def days(self, **filters) -> dict[dt.date, str]:
        return {event.start_date: event.name for event in self.events(**filters)}

    def save(self, merchant=None, **values) -> CalendarPreset:
        merchant = merchant or self.merchant
        with tenant_context(merchant):
            return calendars.calendar_preset_save(merchant=merchant, **values)

    def test_uk_public_holidays_include_boxing_day_and_its_substitute(self):
        self.save(location=self.shop, country="GB", subdivision="ENG")
        days = self.days(source=Source.PUBLIC_HOLIDAYS)
        self.assertEqual(days[dt.date(2025, 12, 26)], "Boxing Day")
        self.assertIn(dt.date(2025, 8, 25), days)  # England's summer bank holiday
        self.assertNotIn(dt.date(2025, 8, 4), days)  # Scotland's
        # 26 December 2026 is a Saturday: the Monday after is the bank holiday
        self.assertEqual(days[dt.date(2026, 12, 28)], "Boxing Day (observed)")
        # Scotland's 2 January is not England's
        self.assertNotIn(dt.date(2025, 1, 2), days)
        self.assertEqual({e.location_id for e in self.events()}, {self.shop.pk})

    def test_a_german_states_holidays_come_with_its_region(self):
        self.save(location=self.shop, country="DE", subdivision="by")  # case-insensitive
        self.save(location=self.depot, country="DE")
        bavaria = self.days(location=self.shop)
        national = self.days(location=self.depot)
        self.assertEqual(bavaria[dt.date(2025, 1, 6)], "Epiphany")
        self.assertEqual(bavaria[dt.date(2025, 6, 19)], "Corpus Christi")
        self.assertEqual(national[dt.date(2025, 10, 3)], "German Unity Day")
        self.assertNotIn(dt.date(2025, 1, 6), national)
        with tenant_context(self.merchant):
            preset = CalendarPreset.objects.for_merchant(self.merchant).get(location=self.shop)
        self.assertEqual(preset.subdivision, "BY")

    def test_one_click_for_china_writes_its_holidays_and_festivals_everywhere(self):
        with tenant_context(self.merchant):
            calendars.calendar_preset_use_defaults(merchant=self.merchant, country="CN")
        events = self.events()
        self.assertEqual({event.location_id for event in events}, {None})  # every location
        spans_by_source = {(e.source, e.start_date, e.end_date) for e in events}
        self.assertIn(
            (Source.CHINESE_NEW_YEAR, dt.date(2025, 1, 15), dt.date(2025, 2, 4)), spans_by_source
        )
        self.assertIn(
            (Source.SHOPPING_618, dt.date(2025, 6, 1), dt.date(2025, 6, 18)), spans_by_source
        )
        self.assertIn(
            (Source.SINGLES_DAY, dt.date(2025, 11, 11), dt.date(2025, 11, 11)), spans_by_source
        )
        holidays = self.days(source=Source.PUBLIC_HOLIDAYS)
        self.assertEqual(holidays[dt.date(2025, 1, 29)], "Chinese New Year (Spring Festival)")
        self.assertEqual(holidays[dt.date(2025, 10, 1)], "National Day")

    def test_years_run_from_the_first_sale_to_a_year_ahead(self):
        today = dt.date(2026, 3, 1)
        with tenant_context(self.merchant):
            years = calendars.calendar_years(self.merchant, today=today)
        self.assertEqual(years, range(2025, 2028))

    def test_refreshing_again_changes_nothing(self):
        self.save(location=self.shop, country="GB", festivals=[Source.BLACK_FRIDAY])
        before = [(e.pk, e.code, e.start_date, e.updated_at) for e in self.events()]
        with tenant_context(self.merchant):
            report = calendars.calendar_events_refresh(merchant=self.merchant)
        self.save(location=self.shop, country="GB", festivals=[Source.BLACK_FRIDAY])
        after = [(e.pk, e.code, e.start_date, e.updated_at) for e in self.events()]
        self.assertEqual((report.created, report.updated, report.deleted), (0, 0, 0))
        self.assertEqual(after, before)
        self.assertEqual(len({code for _pk, code, _start, _at in after}), len(after))
        fridays = [e.start_date for e in self.events(source=Source.BLACK_FRIDAY)]
        self.assertIn(dt.date(2025, 11, 28), fridays)
        self.assertEqual(len(fridays), len(set(fridays)))

    def test_switching_a_calendar_off_removes_only_its_own_events(self):
        with tenant_context(self.merchant):
            by_hand = CalendarEventFactory(
                merchant=self.merchant,
                code="OUR-BLACK-FRIDAY",
                location=self.shop,
                start_date=dt.date(2025, 11, 28),
                end_date=dt.date(2025, 11, 28),
            )
        self.save(
            location=self.shop,
            country="GB",
            festivals=[Source.BLACK_FRIDAY, Source.CYBER_MONDAY],
        )
        self.assertTrue(self.events(source=Source.BLACK_FRIDAY))
        holidays_before = len(self.events(source=Source.PUBLIC_HOLIDAYS))
        self.save(location=self.shop, country="GB", festivals=[Source.CYBER_MONDAY])
        self.assertEqual(self.events(source=Source.BLACK_FRIDAY), [])
        self.assertTrue(self.events(source=Source.CYBER_MONDAY))
        self.assertEqual(len(self.events(source=Source.PUBLIC_HOLIDAYS)), holidays_before)
        self.assertEqual(self.events(source=Source.MANUAL), [by_hand])
        self.save(location=self.shop, country="GB", public_holidays=False, festivals=[])
        self.assertEqual(self.events(), [by_hand])

    def test_removing_a_preset_removes_its_events_and_keeps_hand_entered_ones(self):
        with tenant_context(self.merchant):
            by_hand = CalendarEventFactory(merchant=self.merchant, location=self.shop)
        preset = self.save(location=self.shop, country="GB")
        kept = self.save(location=None, country="", public_holidays=False, festivals=["618"])
        with tenant_context(self.merchant):
            removed = calendars.calendar_preset_delete(merchant=self.merchant, preset=preset)
        self.assertGreater(removed, 0)
        self.assertEqual(self.events(preset=preset), [])
        self.assertTrue(self.events(preset=kept))
        self.assertEqual(self.events(source=Source.MANUAL), [by_hand])

    def test_a_hand_entered_event_holding_a_generated_code_is_left_alone(self):
        preset = self.save(location=self.shop, country="", public_holidays=False, festivals=[])
        code = calendars.event_code(preset, Source.SINGLES_DAY, dt.date(2025, 11, 11))
        with tenant_context(self.merchant):
            by_hand = CalendarEventFactory(merchant=self.merchant, code=code, name="Ours")
        self.save(location=self.shop, country="", public_holidays=False, festivals=["singles_day"])
        by_hand_now = self.events(code=code)[0]
        self.assertEqual(
            (by_hand_now.pk, by_hand_now.name, by_hand_now.preset), (by_hand.pk, "Ours", None)
        )

    def test_prime_day_only_on_the_merchants_dates(self):
        self.save(
            location=None,
            country="",
            public_holidays=False,
            prime_day_dates=[["2025-07-08", "2025-07-11"]],
        )
        prime = [(e.start_date, e.end_date) for e in self.events(source=Source.PRIME_DAY)]
        self.assertEqual(prime, [(dt.date(2025, 7, 8), dt.date(2025, 7, 11))])
        with self.assertRaises(ValidationError):
            self.save(
                location=None,
                country="",
                public_holidays=False,
                prime_day_dates=[["2025-07-11", "2025-07-08"]],
            )

    def test_unknown_country_region_or_festival_is_refused(self):
        for values in (
            {"country": "XX"},
            {"country": "DE", "subdivision": "ZZ"},
            {"country": "GB", "festivals": ["easter_sale"]},
            {"country": "", "public_holidays": True},
        ):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self.save(location=self.shop, **values)
        self.assertEqual(self.events(), [])

    def test_presets_and_events_stay_with_their_merchant(self):
        with tenant_context(self.other):
            other_event = CalendarEventFactory(merchant=self.other, location=self.other_location)
        other_preset = self.save(merchant=self.other, location=self.other_location, country="FR")
        other_before = [(e.pk, e.code, e.updated_at) for e in self.events(self.other)]
        # another merchant's location is not one of ours
        with self.assertRaises(ValidationError):
            self.save(location=self.other_location, country="GB")
        preset = self.save(location=self.shop, country="GB", festivals=[Source.BOXING_DAY])
        with tenant_context(self.merchant):
            calendars.calendar_events_refresh(merchant=self.merchant)
            calendars.calendar_preset_delete(merchant=self.merchant, preset=preset)
            self.assertEqual(list(calendars.calendar_presets(merchant=self.merchant)), [])
            with self.assertRaises(ValidationError):
                calendars.calendar_preset_delete(merchant=self.merchant, preset=other_preset)
        self.assertEqual(
            [(e.pk, e.code, e.updated_at) for e in self.events(self.other)], other_before
        )
        self.assertIn(other_event, self.events(self.other))
        with tenant_context(self.other):
            self.assertEqual(list(calendars.calendar_presets(merchant=self.other)), [other_preset])

    def test_the_nightly_sweep_extends_each_merchants_events(self):
        self.save(location=self.shop, country="GB")
        with tenant_context(self.merchant):
            # as if written last year: the years ahead are missing
            CalendarEvent.objects.for_merchant(self.merchant).filter(
                start_date__year__gte=2026
            ).delete()
        self.assertEqual(calendars.calendar_events_refresh_all(), 1)
        self.assertIn(dt.date(2026, 12, 25), self.days())


class CalendarCovariateTests(AsOfToday):
    """What the forecasts read: the event flag of a series is 1 on its calendars' days."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory()
        cls.shop = LocationFactory(merchant=cls.merchant, code="SHOP")
        cls.depot = LocationFactory(merchant=cls.merchant, code="DEPOT")
        cls.sku = SKUFactory(merchant=cls.merchant, code="MUG")
        first = dt.date(2025, 11, 1)
        with tenant_context(cls.merchant):
            SalesDay.objects.bulk_create(
                SalesDay(
                    merchant=cls.merchant,
                    sku=cls.sku,
                    location=location,
                    date=first + dt.timedelta(days=day),
                    units=Decimal("3"),
                )
                for day in range(30)
                for location in (cls.shop, cls.depot)
            )

    def test_history_carries_the_event_flag_on_holiday_and_festival_days(self):
        with tenant_context(self.merchant):
            calendars.calendar_preset_save(
                merchant=self.merchant,
                location=self.shop,
                country="GB",
                subdivision="ENG",
                festivals=[Source.BLACK_FRIDAY, Source.CYBER_MONDAY],
            )
            history = history_reads.load_history(self.merchant)
            known = history_reads.covariates(self.merchant, history, 28).known
        self.assertEqual(history.days[0], dt.date(2025, 11, 1))
        self.assertEqual(history.days[-1], dt.date(2025, 11, 30))
        shop = history.keys.index((self.sku.pk, self.shop.pk))
        depot = history.keys.index((self.sku.pk, self.depot.pk))
        self.assertNotIn(depot, known)  # the depot follows no calendar
        flagged = [
            history.days[0] + dt.timedelta(days=int(i)) for i in np.flatnonzero(known[shop][2])
        ]
        self.assertEqual(
            flagged,
            [
                dt.date(2025, 11, 28),  # Black Friday, in history
                dt.date(2025, 12, 1),  # Cyber Monday, the first day ahead
                dt.date(2025, 12, 25),  # Christmas Day
                dt.date(2025, 12, 26),  # Boxing Day
            ],
        )


class CalendarPageTests(AsOfToday):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="shop", name="Shop", timezone="Asia/Shanghai")
        cls.owner = member(cls.merchant, Role.OWNER)
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
        owner = member(cls.merchant, Role.OWNER)
        cls.token = api_token_create(
            merchant=cls.merchant, name="ERP", role=Role.PLANNER, actor=owner
        ).secret
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

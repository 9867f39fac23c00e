"""The Christmas shopping period is among the one-click festivals of the countries whose
season it is (the UK, the US and the other western defaults), not China's nor those of a
country without its own list; the backtest's ``,festivals`` and the one-click calendar take
it from the same list."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.test import SimpleTestCase, TestCase

from accounts.tenancy import tenant_context
from forecasting.panels import parse_calendar
from inventory import calendar_dates, calendars
from inventory.models import CalendarEvent
from tests.factories import LocationFactory, MerchantFactory

Source = CalendarEvent.Source


class DefaultListsTests(SimpleTestCase):
    def test_the_western_defaults_include_christmas(self):
        for country in ("GB", "gb", "US", "IE", "CA", "AU", "NZ", "FR"):
            with self.subTest(country):
                self.assertIn(Source.CHRISTMAS, calendar_dates.default_festivals(country))
        self.assertEqual(
            calendar_dates.default_festivals("GB"),
            [Source.BLACK_FRIDAY, Source.CYBER_MONDAY, Source.CHRISTMAS, Source.BOXING_DAY],
        )

    def test_china_and_the_countries_without_a_list_do_not_get_it(self):
        for country in ("CN", "HK", "ID", "JP"):
            with self.subTest(country):
                self.assertNotIn(Source.CHRISTMAS, calendar_dates.default_festivals(country))

    def test_the_backtests_festivals_of_the_uk_include_christmas(self):
        _country, _region, festivals = parse_calendar("gb-eng,festivals")
        self.assertIn("christmas", festivals)
        self.assertNotIn("christmas", parse_calendar("cn,festivals")[2])


class OneClickCalendarTests(TestCase):
    def test_a_uk_store_that_ticks_the_box_gets_the_christmas_period(self):
        merchant, other = MerchantFactory(), MerchantFactory()
        shop = LocationFactory(merchant=merchant)
        with (
            mock.patch.object(calendars, "merchant_today", return_value=dt.date(2025, 6, 1)),
            tenant_context(merchant),
        ):
            preset = calendars.calendar_preset_use_defaults(
                merchant=merchant, country="GB", location=shop
            )
            periods = list(
                CalendarEvent.objects.for_merchant(merchant)
                .filter(source=Source.CHRISTMAS)
                .order_by("start_date")
                .values_list("start_date", "end_date")
            )
        self.assertIn(Source.CHRISTMAS, preset.festivals)
        self.assertIn((dt.date(2025, 12, 1), dt.date(2025, 12, 24)), periods)
        with tenant_context(other):
            self.assertFalse(CalendarEvent.objects.for_merchant(other).exists())

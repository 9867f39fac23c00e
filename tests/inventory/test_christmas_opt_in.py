"""The Christmas shopping period is a festival a store ticks for itself, never one of the
one-click defaults (whether December lifts or lowers a store's sales is its own; the default
lists and the backtest's ``,festivals`` leave it out), and a store that ticks it gets its
December weeks as calendar events."""

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
    def test_no_default_list_holds_christmas(self):
        for country in ("GB", "gb", "US", "IE", "CA", "AU", "NZ", "FR", "CN", "HK", "JP"):
            with self.subTest(country):
                self.assertNotIn(Source.CHRISTMAS, calendar_dates.default_festivals(country))
        self.assertEqual(
            calendar_dates.default_festivals("GB"),
            [Source.BLACK_FRIDAY, Source.CYBER_MONDAY, Source.BOXING_DAY],
        )

    def test_the_backtest_takes_christmas_only_when_named(self):
        self.assertNotIn("christmas", parse_calendar("gb-eng,festivals")[2])
        self.assertEqual(parse_calendar("gb-eng,christmas")[2], ["christmas"])


class OneClickCalendarTests(TestCase):
    def christmas_periods(self, merchant) -> list[tuple[dt.date, dt.date]]:
        return list(
            CalendarEvent.objects.for_merchant(merchant)
            .filter(source=Source.CHRISTMAS)
            .order_by("start_date")
            .values_list("start_date", "end_date")
        )

    def test_one_click_leaves_it_out_and_ticking_it_adds_the_december_weeks(self):
        merchant, other = MerchantFactory(), MerchantFactory()
        shop = LocationFactory(merchant=merchant)
        with (
            mock.patch.object(calendars, "merchant_today", return_value=dt.date(2025, 6, 1)),
            tenant_context(merchant),
        ):
            preset = calendars.calendar_preset_use_defaults(
                merchant=merchant, country="GB", location=shop
            )
            self.assertNotIn(Source.CHRISTMAS, preset.festivals)
            self.assertEqual(self.christmas_periods(merchant), [])
            preset = calendars.calendar_preset_save(
                merchant=merchant,
                location=shop,
                country="GB",
                festivals=[*preset.festivals, Source.CHRISTMAS],
            )
            self.assertIn(Source.CHRISTMAS, preset.festivals)
            self.assertIn((dt.date(2025, 12, 1), dt.date(2025, 12, 24)),
                          self.christmas_periods(merchant))  # fmt: skip
        with tenant_context(other):
            self.assertFalse(CalendarEvent.objects.for_merchant(other).exists())

"""The Christmas shopping period among the built-in festivals: 1 to 24 December each year,
written as one event per year for a store whose calendars include it, beside Boxing Day's
sales (which stay a day of their own), named in the reader's language."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from accounts.tenancy import tenant_context
from inventory import calendar_dates, calendars
from inventory.models import CalendarEvent
from tests.factories import LocationFactory, member, merchants

Source = CalendarEvent.Source
TODAY = dt.date(2025, 12, 1)  # events are written for 2025 and 2026


class ChristmasShoppingTests(TestCase):
    def tearDown(self):
        # the portal's middleware activated the reader's language: the next test starts afresh
        translation.deactivate()

    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.other = merchants("alpha", "beta")
        cls.owner = member(cls.merchant, Role.OWNER)
        cls.shop = LocationFactory(merchant=cls.merchant, code="SHOP")

    def setUp(self):
        patcher = mock.patch.object(calendars, "merchant_today", return_value=TODAY)
        patcher.start()
        self.addCleanup(patcher.stop)

    def events(self, merchant) -> list[tuple]:
        with tenant_context(merchant):
            return list(
                CalendarEvent.objects.for_merchant(merchant)
                .order_by("start_date")
                .values_list("source", "name", "start_date", "end_date")
            )

    def test_it_is_a_festival_of_its_own_beside_boxing_day(self):
        self.assertIn(Source.CHRISTMAS, dict(calendar_dates.FESTIVALS))
        self.assertIn(Source.BOXING_DAY, dict(calendar_dates.FESTIVALS))
        christmas = calendar_dates.FESTIVAL_SPANS[Source.CHRISTMAS](2026)
        self.assertEqual(
            [(span.start, span.end) for span in christmas],
            [(dt.date(2026, 12, 1), dt.date(2026, 12, 24))],
        )
        with translation.override("zh-hans"):
            self.assertEqual(str(dict(calendar_dates.FESTIVALS)[Source.CHRISTMAS]), "圣诞购物季")

    def test_a_store_with_the_preset_gets_the_events_and_only_it(self):
        with tenant_context(self.merchant):
            calendars.calendar_preset_save(
                merchant=self.merchant,
                location=self.shop,
                country="GB",
                public_holidays=False,
                festivals=[Source.CHRISTMAS, Source.BOXING_DAY],
            )
            # written once, however often the refresh runs
            again = calendars.calendar_events_refresh(merchant=self.merchant)
        self.assertEqual((again.created, again.updated, again.deleted), (0, 0, 0))
        period, boxing = "Christmas shopping period", "Boxing Day sales"
        self.assertEqual(
            self.events(self.merchant),
            [
                (Source.CHRISTMAS, period, dt.date(2025, 12, 1), dt.date(2025, 12, 24)),
                (Source.BOXING_DAY, boxing, dt.date(2025, 12, 26), dt.date(2025, 12, 26)),
                (Source.CHRISTMAS, period, dt.date(2026, 12, 1), dt.date(2026, 12, 24)),
                (Source.BOXING_DAY, boxing, dt.date(2026, 12, 26), dt.date(2026, 12, 26)),
            ],
        )
        self.assertEqual(self.events(self.other), [])

    def test_the_calendars_page_names_it_in_chinese(self):
        with tenant_context(self.merchant):
            calendars.calendar_preset_save(
                merchant=self.merchant,
                location=None,
                country="",
                public_holidays=False,
                festivals=[Source.CHRISTMAS],
            )
        self.client.force_login(self.owner)
        page = self.client.get(
            reverse("inventory:calendars", args=[self.merchant.slug]),
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
        self.assertContains(page, "圣诞购物季")

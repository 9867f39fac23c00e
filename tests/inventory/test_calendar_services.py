"""Built-in calendars: events written once however often the refresh runs, switched-off
calendars removing only their own events, presets kept to their merchant."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError

from accounts.tenancy import tenant_context
from inventory import calendars
from inventory.models import CalendarEvent, CalendarPreset, SalesDay
from tests.factories import (
    CalendarEventFactory,
    LocationFactory,
    MerchantFactory,
    SKUFactory,
)
from tests.inventory.calendar_support import (
    AsOfToday,
    Source,
)


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

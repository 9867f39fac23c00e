"""Festival dates and public holidays checked against the published dates."""

from __future__ import annotations

import datetime as dt

from django.test import TestCase

from inventory import calendar_dates
from tests.inventory.calendar_support import (
    Source,
    spans,
)


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

"""What the calendar tests share: the stores' today, and festival spans."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.test import TestCase

from inventory import calendar_dates, calendars
from inventory.models import CalendarEvent

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

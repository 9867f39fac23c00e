"""The sales window: the days a fact that becomes daily sales may fall on.

From ``settings.SALES_HISTORY_MAX_YEARS`` years before today to
``settings.SALES_FUTURE_MAX_DAYS`` days after it. Ingestion refuses a sale, an order line or a
stock snapshot dated outside it (`inventory.ingest.columns`), with today being the store's
own; partition upkeep makes months of the sales table only inside it (`inventory.partitions`),
so neither a hostile batch nor rows that predate the rule can make it create a partition for
every month between year 1 and 9999.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from inventory.ingest.row_messages import RowMessage


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier; a 29 February falls back to the 28th."""
    year = max(day.year - years, dt.MINYEAR)
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


@dataclass(frozen=True)
class SalesWindow:
    first: dt.date
    last: dt.date

    def __contains__(self, day: dt.date) -> bool:
        return self.first <= day <= self.last

    def problem(self, day: dt.date) -> RowMessage | None:
        """Why ``day`` is refused, in words a person can act on; None inside the window."""
        if day < self.first:
            return RowMessage(
                gettext_noop("is before %(date)s: sales go back at most %(count)s year"),
                {"date": f"{self.first:%Y-%m-%d}", "count": settings.SALES_HISTORY_MAX_YEARS},
                plural=gettext_noop("is before %(date)s: sales go back at most %(count)s years"),
            )
        if day > self.last:
            days = settings.SALES_FUTURE_MAX_DAYS
            if days <= 0:
                return RowMessage(
                    gettext_noop("is after today (%(date)s, in the store's time zone)"),
                    {"date": f"{self.last:%Y-%m-%d}"},
                )
            return RowMessage(
                gettext_noop("is after %(date)s: sales go at most %(count)s day ahead of today"),
                {"date": f"{self.last:%Y-%m-%d}", "count": days},
                plural=gettext_noop(
                    "is after %(date)s: sales go at most %(count)s days ahead of today"
                ),
            )
        return None


def sales_window(*, today: dt.date) -> SalesWindow:
    """The window around ``today``, as the settings say now."""
    first = years_before(today, settings.SALES_HISTORY_MAX_YEARS)
    last = today + dt.timedelta(days=max(settings.SALES_FUTURE_MAX_DAYS, 0))
    return SalesWindow(first=first, last=last)


def store_sales_window(zone: ZoneInfo) -> SalesWindow:
    """The window of a store whose time zone is ``zone``: today is the store's date now."""
    return sales_window(today=timezone.now().astimezone(zone).date())


def any_store_sales_window(*, today: dt.date | None = None) -> SalesWindow:
    """The days inside some store's window, ``today`` being the date in UTC (now by
    default): time zones run from UTC-12 to UTC+14, so one day either side of it covers
    every store's today."""
    window = sales_window(today=today or timezone.now().date())
    return SalesWindow(
        first=window.first - dt.timedelta(days=1), last=window.last + dt.timedelta(days=1)
    )

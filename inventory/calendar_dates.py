"""The days of the built-in calendars, computed for any years without the database: public
holidays per country and region, and shopping festivals (`inventory.calendars` writes them
as calendar events; the backtest reads them too).

Public holidays come from the maintained `holidays` package (observed days included: shops
keep the day off, not the date). Festival dates are computed, never tabled:

* Chinese New Year period: the 14 days before New Year's Day (the gift-buying rush, and
  factories and couriers winding down) through the sixth day after it (the official holiday
  ends on the seventh day of the first month); New Year's Day is the holidays package's
  China calendar's.
* 618: JD.com's mid-year festival, 1 to 18 June.
* Singles' Day: 11 November. 12.12: 12 December.
* Black Friday: the Friday after the fourth Thursday of November (US Thanksgiving).
  Cyber Monday: the Monday after it.
* Christmas shopping period: 1 to 24 December, the weeks of gift buying up to Christmas Eve
  (one span, so that forecasts learn the whole run-up, not a single day).
* Boxing Day sales: 26 December.
* End-of-season sales: France's legal sale periods (Code de commerce, art. L310-3 and
  D310-15-2), four weeks each since 2020: winter sales from the second Wednesday of January
  (the first when the second falls after the 12th), summer sales from the last Wednesday of
  June (the one before when the last falls after the 28th). The departments with dates of
  their own (border and overseas ones) are not modelled.
* Prime Day: only on the dates the merchant gives; Amazon announces them weeks ahead.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import re
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import holidays

from inventory.models import CalendarEvent

Source = CalendarEvent.Source
CHINESE_NEW_YEAR_BEFORE = 14
CHINESE_NEW_YEAR_AFTER = 6
SEASON_SALE_WEEKS = 4
PRIME_DAY_LONGEST = 14  # days; Amazon's have run two to four
CHRISTMAS_SHOPPING = ((12, 1), (12, 24))  # (month, day) of its first and last day


@dataclass(frozen=True)
class Span:
    start: dt.date
    end: dt.date
    name: str


# -- festival dates ----------------------------------------------------------------------------
def chinese_new_year(year: int) -> dt.date | None:
    """New Year's Day of the Chinese calendar in ``year``, from the holidays package's China
    calendar; None outside the years it covers."""
    china = holidays.China(years=year, language="en_US")
    days = china.get_named("Chinese New Year (Spring Festival)", lookup="exact")
    return min(days, default=None)


def black_friday(year: int) -> dt.date:
    """The day after US Thanksgiving, the fourth Thursday of November."""
    first = dt.date(year, 11, 1)
    first_thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + dt.timedelta(days=21 + 1)


def _wednesdays(year: int, month: int) -> list[dt.date]:
    first = dt.date(year, month, 1)
    day = first + dt.timedelta(days=(2 - first.weekday()) % 7)
    found = []
    while day.month == month:
        found.append(day)
        day += dt.timedelta(days=7)
    return found


def winter_sales_start(year: int) -> dt.date:
    """France's winter sales: the second Wednesday of January, or the first when the second
    falls after the 12th."""
    first, second = _wednesdays(year, 1)[:2]
    return first if second.day > 12 else second


def summer_sales_start(year: int) -> dt.date:
    """France's summer sales: the last Wednesday of June, or the one before when the last
    falls after the 28th."""
    wednesdays = _wednesdays(year, 6)
    return wednesdays[-2] if wednesdays[-1].day > 28 else wednesdays[-1]


def _day(name: str, month: int, day: int) -> Callable[[int], list[Span]]:
    def spans(year: int) -> list[Span]:
        date = dt.date(year, month, day)
        return [Span(date, date, name)]

    return spans


def _chinese_new_year_period(year: int) -> list[Span]:
    new_year = chinese_new_year(year)
    if new_year is None:
        return []
    return [
        Span(
            new_year - dt.timedelta(days=CHINESE_NEW_YEAR_BEFORE),
            new_year + dt.timedelta(days=CHINESE_NEW_YEAR_AFTER),
            "Chinese New Year period",
        )
    ]


def _black_friday(year: int) -> list[Span]:
    day = black_friday(year)
    return [Span(day, day, "Black Friday")]


def _cyber_monday(year: int) -> list[Span]:
    day = black_friday(year) + dt.timedelta(days=3)
    return [Span(day, day, "Cyber Monday")]


def _christmas_shopping(year: int) -> list[Span]:
    (first_month, first_day), (last_month, last_day) = CHRISTMAS_SHOPPING
    return [
        Span(
            dt.date(year, first_month, first_day),
            dt.date(year, last_month, last_day),
            "Christmas shopping period",
        )
    ]


def _season_sales(year: int) -> list[Span]:
    length = dt.timedelta(weeks=SEASON_SALE_WEEKS, days=-1)
    winter, summer = winter_sales_start(year), summer_sales_start(year)
    return [
        Span(winter, winter + length, "Winter sales"),
        Span(summer, summer + length, "Summer sales"),
    ]


# Each festival's spans in a year; Prime Day has none of its own (the merchant gives them).
FESTIVAL_SPANS: dict[str, Callable[[int], list[Span]]] = {
    Source.CHINESE_NEW_YEAR: _chinese_new_year_period,
    Source.SHOPPING_618: lambda year: [Span(dt.date(year, 6, 1), dt.date(year, 6, 18), "618")],
    Source.SINGLES_DAY: _day("Singles' Day", 11, 11),
    Source.DOUBLE_TWELVE: _day("12.12", 12, 12),
    Source.BLACK_FRIDAY: _black_friday,
    Source.CYBER_MONDAY: _cyber_monday,
    Source.CHRISTMAS: _christmas_shopping,
    Source.BOXING_DAY: _day("Boxing Day sales", 12, 26),
    Source.END_OF_SEASON_SALES: _season_sales,
}
FESTIVALS: list[tuple[str, str]] = [
    (source.value, source.label) for source in Source if source.value in FESTIVAL_SPANS
]

_WESTERN = [Source.BLACK_FRIDAY, Source.CYBER_MONDAY]
_COMMONWEALTH = [*_WESTERN, Source.BOXING_DAY]
_SOUTHEAST_ASIA = [Source.SINGLES_DAY, Source.DOUBLE_TWELVE]
# The festivals a store of each country usually sees (the one-click default); others get
# Black Friday and Cyber Monday, which retailers now run almost everywhere. The Christmas
# shopping period is a festival a store ticks for itself, never a default: whether December's
# weeks lift a store's sales or (a wholesaler's, whose customers bought in the autumn) lower
# them is the store's own, and a 24-day flag learned from one December made the forecasts of
# Online Retail's December much worse (bench/forecast, the calendar comparison).
DEFAULT_FESTIVALS: dict[str, list[str]] = {
    "CN": [Source.CHINESE_NEW_YEAR, Source.SHOPPING_618, *_SOUTHEAST_ASIA],
    "HK": [Source.CHINESE_NEW_YEAR, *_SOUTHEAST_ASIA],
    "TW": [Source.CHINESE_NEW_YEAR, *_SOUTHEAST_ASIA],
    "SG": [Source.CHINESE_NEW_YEAR, *_SOUTHEAST_ASIA, *_WESTERN],
    "MY": [Source.CHINESE_NEW_YEAR, *_SOUTHEAST_ASIA, *_WESTERN],
    "ID": [*_SOUTHEAST_ASIA],
    "TH": [*_SOUTHEAST_ASIA],
    "VN": [*_SOUTHEAST_ASIA],
    "PH": [*_SOUTHEAST_ASIA],
    "US": _WESTERN,
    "GB": _COMMONWEALTH,
    "IE": _COMMONWEALTH,
    "CA": _COMMONWEALTH,
    "AU": _COMMONWEALTH,
    "NZ": _COMMONWEALTH,
    "FR": [*_WESTERN, Source.END_OF_SEASON_SALES],
}


def default_festivals(country: str) -> list[str]:
    return [str(key) for key in DEFAULT_FESTIVALS.get(country.upper(), _WESTERN)]


# -- countries and regions ---------------------------------------------------------------------
@functools.cache
def countries() -> list[tuple[str, str]]:
    """(ISO code, name) of every country the holidays package has public holidays of."""
    supported = holidays.list_supported_countries()
    found = {}
    for class_name, code, *_aliases in holidays.registry.COUNTRIES.values():
        if len(code) == 2 and code in supported:
            found[code] = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", class_name)
    return sorted(found.items(), key=lambda item: item[1])


@functools.cache
def subdivisions(country: str) -> list[tuple[str, str]]:
    """(code, name) of the country's regions with holidays of their own."""
    codes = holidays.list_supported_countries().get(country, [])
    if not codes:
        return []
    aliases = getattr(holidays.country_holidays(country), "subdivisions_aliases", {})
    names: dict[str, str] = {}
    for name, code in aliases.items():
        names.setdefault(code, name)
    return [(code, names.get(code, code)) for code in codes]


def guess_country(timezone_name: str) -> str:
    """The country of a time zone (``Asia/Shanghai``: CN), from the time zone database's
    zone.tab; empty when it names none (UTC) or the table is not installed."""
    for folder in (*zoneinfo.TZPATH, _tzdata_folder()):
        table = Path(folder, "zone.tab") if folder else None
        if table is None or not table.is_file():
            continue
        for line in table.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if len(fields) >= 3 and not line.startswith("#") and fields[2] == timezone_name:
                return fields[0]
        return ""
    return ""


def _tzdata_folder() -> str:
    """The tzdata wheel's copy of the database (which zoneinfo falls back on), if installed."""
    spec = importlib.util.find_spec("tzdata")
    if spec is None or not spec.submodule_search_locations:
        return ""
    return str(Path(spec.submodule_search_locations[0], "zoneinfo"))


# -- the spans of calendars --------------------------------------------------------------------
def public_holiday_spans(country: str, subdivision: str, years: Iterable[int]) -> list[Span]:
    """One span per public holiday (observed days too) of the country, or of its region."""
    table = holidays.country_holidays(
        country, subdiv=subdivision or None, years=list(years), language="en_US"
    )
    return [Span(day, day, "; ".join(table.get_list(day))[:200]) for day in sorted(table.keys())]


def calendar_spans(
    *,
    country: str,
    subdivision: str = "",
    public_holidays: bool = True,
    festivals: Iterable[str] = (),
    years: Iterable[int],
) -> list[tuple[str, Span]]:
    """(source, span) of every public holiday (with a country) and festival day or period in
    those years: dates only, no database (the backtest's ``--calendar`` reads them too)."""
    years = list(years)
    found: list[tuple[str, Span]] = []
    if public_holidays and country:
        for span in public_holiday_spans(country, subdivision, years):
            found.append((Source.PUBLIC_HOLIDAYS, span))
    for key in festivals:
        if key in FESTIVAL_SPANS:
            for year in years:
                found.extend((key, span) for span in FESTIVAL_SPANS[key](year))
    return found

"""Built-in calendars: public holidays per country and region, and shopping festivals, written
as calendar events so that forecasts take them as a known covariate without anyone typing
them in.

A merchant switches calendars on per location, or for every location at once, in a
`CalendarPreset`. `calendar_events_refresh` then writes each preset's days as `CalendarEvent`
rows marked with the preset and the calendar (`source`), from the first year of the store's
sales to the end of the year a year from now (longer than any forecast horizon). It is
idempotent: a rerun finds every row by its code and changes only what differs. A calendar
switched off loses the rows it wrote; events entered by hand are never touched. The nightly
beat (`inventory.extend_calendars_task`) reruns it so that the years ahead keep coming.

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
import logging
import re
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import holidays
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Merchant
from accounts.tenancy import all_merchants_context, tenant_context
from inventory.models import CalendarEvent, CalendarPreset, Location, SalesDay

logger = logging.getLogger(__name__)

Source = CalendarEvent.Source
# Written this far ahead (then to the end of that year): past any forecast horizon.
DAYS_AHEAD = 366
CHINESE_NEW_YEAR_BEFORE = 14
CHINESE_NEW_YEAR_AFTER = 6
SEASON_SALE_WEEKS = 4
PRIME_DAY_LONGEST = 14  # days; Amazon's have run two to four


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
# Black Friday and Cyber Monday, which retailers now run almost everywhere.
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


# -- what a preset writes ---------------------------------------------------------------------
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


def preset_spans(preset: CalendarPreset, years: range) -> list[tuple[str, Span]]:
    """(source, span) of every day or period the preset's calendars hold in those years;
    Prime Day on the merchant's dates, whichever year."""
    found = calendar_spans(
        country=preset.country,
        subdivision=preset.subdivision,
        public_holidays=preset.public_holidays,
        festivals=preset.festivals,
        years=years,
    )
    for start, end in preset.prime_day_dates:
        found.append(
            (
                Source.PRIME_DAY,
                Span(dt.date.fromisoformat(start), dt.date.fromisoformat(end), "Prime Day"),
            )
        )
    return found


def event_code(preset: CalendarPreset, source: str, start: dt.date) -> str:
    """Generated events' natural key: one event per preset, calendar and first day."""
    return f"cal{preset.pk}-{source}-{start:%Y%m%d}"


def merchant_today(merchant: Merchant) -> dt.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(merchant.timezone)).date()


def calendar_years(merchant: Merchant, *, today: dt.date | None = None) -> range:
    """The years events are written for: from the first year of the store's sales (or this
    year, before any) to the year `DAYS_AHEAD` from today."""
    today = today or merchant_today(merchant)
    first_sale = SalesDay.objects.for_merchant(merchant).aggregate(first=Min("date"))["first"]
    first = min(first_sale or today, today)
    last = today + dt.timedelta(days=DAYS_AHEAD)
    return range(first.year, last.year + 1)


# -- services ---------------------------------------------------------------------------------
@dataclass
class RefreshReport:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    # codes a hand-entered event already holds: that event is kept, nothing is written
    skipped: int = 0


@transaction.atomic
def calendar_events_refresh(*, merchant: Merchant, today: dt.date | None = None) -> RefreshReport:
    """Make the merchant's generated events exactly its presets' days (`calendar_years`):
    creates the missing, rewrites the changed, deletes those of calendars switched off or
    presets removed. Set-based: three queries and three bulk writes, whatever the count."""
    years = calendar_years(merchant, today=today)
    presets = list(CalendarPreset.objects.for_merchant(merchant))
    wanted: dict[str, CalendarEvent] = {}
    for preset in presets:
        for source, span in preset_spans(preset, years):
            code = event_code(preset, source, span.start)
            wanted[code] = CalendarEvent(
                merchant=merchant,
                code=code,
                name=span.name,
                location_id=preset.location_id,
                start_date=span.start,
                end_date=span.end,
                source=source,
                preset=preset,
            )
    events = CalendarEvent.objects.for_merchant(merchant)
    generated = {event.code: event for event in events.filter(preset__isnull=False)}
    taken_by_hand = set(
        events.filter(preset__isnull=True, code__startswith="cal").values_list("code", flat=True)
    )
    report = RefreshReport()
    stale = [event.pk for code, event in generated.items() if code not in wanted]
    if stale:
        report.deleted, _ = events.filter(pk__in=stale).delete()
    fields = ["name", "location_id", "start_date", "end_date", "source", "preset_id"]
    changed, new = [], []
    now = timezone.now()
    for code, event in wanted.items():
        stored = generated.get(code)
        if code in taken_by_hand:
            report.skipped += 1
        elif stored is None:
            new.append(event)
        elif any(getattr(stored, field) != getattr(event, field) for field in fields):
            for field in fields:
                setattr(stored, field, getattr(event, field))
            stored.updated_at = now
            changed.append(stored)
    CalendarEvent.objects.bulk_create(new, batch_size=1000)
    CalendarEvent.objects.bulk_update(
        changed,
        ["name", "location", "start_date", "end_date", "source", "preset", "updated_at"],
        batch_size=1000,
    )
    report.created, report.updated = len(new), len(changed)
    return report


def _check_location(merchant: Merchant, location: Location | None) -> None:
    if location is not None and location.merchant_id != merchant.pk:
        raise ValidationError({"location": gettext("Not found.")})


def _clean_prime_days(spans: Iterable) -> list[list[str]]:
    cleaned = []
    for span in spans:
        try:
            start, end = (
                value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
                for value in span
            )
        except (TypeError, ValueError) as error:
            raise ValidationError(
                {"prime_day_dates": "Give each Prime Day as a start and an end date."}
            ) from error
        if end < start:
            raise ValidationError(
                {
                    "prime_day_dates": gettext("%(end)s is before %(start)s.")
                    % {"end": end, "start": start}
                }
            )
        if (end - start).days >= PRIME_DAY_LONGEST:
            raise ValidationError(
                {"prime_day_dates": f"A Prime Day lasts at most {PRIME_DAY_LONGEST} days."}
            )
        cleaned.append([start.isoformat(), end.isoformat()])
    return sorted(cleaned)


def calendar_preset_save(
    *,
    merchant: Merchant,
    location: Location | None,
    country: str,
    subdivision: str = "",
    public_holidays: bool = True,
    festivals: Iterable[str] = (),
    prime_day_dates: Iterable = (),
    actor=None,
) -> CalendarPreset:
    """Switch the built-in calendars of one location (None: every location) to exactly these,
    and rewrite the merchant's generated events to match (`calendar_events_refresh`): a
    calendar switched off loses its events at once. Raises ValidationError on an unknown
    country, region or festival."""
    _check_location(merchant, location)
    country = country.strip().upper()
    subdivision = subdivision.strip()
    if country and country not in dict(countries()):
        raise ValidationError(
            {
                "country": gettext("No public holidays are known for “%(country)s”.")
                % {"country": country}
            }
        )
    if subdivision:
        known = dict(subdivisions(country)) if country else {}
        matches = [code for code in known if code.upper() == subdivision.upper()]
        if not matches:
            raise ValidationError(
                {"subdivision": f"{country or 'No country'} has no region {subdivision!r}."}
            )
        subdivision = matches[0]
    if public_holidays and not country:
        raise ValidationError({"country": gettext("Public holidays need a country.")})
    festivals = sorted(set(festivals))
    unknown = [key for key in festivals if key not in FESTIVAL_SPANS]
    if unknown:
        raise ValidationError(
            {
                "festivals": gettext("Unknown festivals: %(festivals)s.")
                % {"festivals": ", ".join(map(str, unknown))}
            }
        )
    values = {
        "country": country,
        "subdivision": subdivision,
        "public_holidays": public_holidays,
        "festivals": festivals,
        "prime_day_dates": _clean_prime_days(prime_day_dates),
    }
    with transaction.atomic():
        preset, _created = CalendarPreset.objects.for_merchant(merchant).update_or_create(
            merchant=merchant, location=location, defaults=values
        )
        calendar_events_refresh(merchant=merchant)
    return preset


def calendar_preset_use_defaults(
    *, merchant: Merchant, country: str, location: Location | None = None, actor=None
) -> CalendarPreset:
    """One click: the country's public holidays and its usual festivals (`DEFAULT_FESTIVALS`)."""
    return calendar_preset_save(
        merchant=merchant,
        location=location,
        country=country,
        public_holidays=True,
        festivals=default_festivals(country),
        actor=actor,
    )


@transaction.atomic
def calendar_preset_delete(*, merchant: Merchant, preset: CalendarPreset, actor=None) -> int:
    """Switch off every built-in calendar of the preset's location: the preset goes, and with
    it every event it wrote (hand-entered events stay). Returns how many events went."""
    if preset.merchant_id != merchant.pk:
        raise ValidationError(gettext("Not found."))
    removed, _ = CalendarEvent.objects.for_merchant(merchant).filter(preset=preset).delete()
    CalendarPreset.objects.for_merchant(merchant).filter(pk=preset.pk).delete()
    return removed


def calendar_events_refresh_all() -> int:
    """Nightly: each merchant with presets gets its events rewritten (the years ahead roll
    in, and years of sales imported since). One merchant's failure does not stop the rest.
    Returns how many merchants were refreshed."""
    # a sweep across merchants: which ones have presets at all
    with all_merchants_context():
        merchant_ids = sorted(
            set(CalendarPreset.objects.unscoped().values_list("merchant_id", flat=True))
        )
    done = 0
    for merchant in Merchant.objects.filter(pk__in=merchant_ids).order_by("pk"):
        try:
            with tenant_context(merchant):
                calendar_events_refresh(merchant=merchant)
        except Exception:
            logger.exception("calendar events of merchant %s were not refreshed", merchant.pk)
            continue
        done += 1
    return done


# -- reads ------------------------------------------------------------------------------------
def calendar_presets(*, merchant: Merchant) -> QuerySet[CalendarPreset]:
    """The merchant's presets, the store-wide one first, each with how many events it wrote."""
    return (
        CalendarPreset.objects.for_merchant(merchant)
        .select_related("location")
        .annotate(event_count=Count("events"))
        .order_by(F("location__code").asc(nulls_first=True))
    )


def calendar_preset_for(*, merchant: Merchant, location: Location | None) -> CalendarPreset | None:
    return CalendarPreset.objects.for_merchant(merchant).filter(location=location).first()

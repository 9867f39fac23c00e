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

The dates themselves are computed, without the database, in `inventory.calendar_dates`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Merchant
from accounts.tenancy import all_merchants_context, tenant_context

# FESTIVAL_SPANS, countries and subdivisions are also read from here (forecasting's backtest).
from inventory.calendar_dates import FESTIVAL_SPANS as FESTIVAL_SPANS
from inventory.calendar_dates import PRIME_DAY_LONGEST, Span, calendar_spans, default_festivals
from inventory.calendar_dates import countries as countries
from inventory.calendar_dates import subdivisions as subdivisions
from inventory.models import CalendarEvent, CalendarPreset, Location, SalesDay
from inventory.selectors import merchant_today

logger = logging.getLogger(__name__)

Source = CalendarEvent.Source
# Written this far ahead (then to the end of that year): past any forecast horizon.
DAYS_AHEAD = 366


# -- what a preset writes ---------------------------------------------------------------------
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


# A preset's settings, named as `calendar_preset_save` takes them and as the portal's form and
# the API's serializer clean them.
PRESET_SETTINGS = ("country", "subdivision", "public_holidays", "festivals", "prime_day_dates")


def preset_settings(data: Mapping[str, Any]) -> dict[str, Any]:
    """The preset's settings out of a form's or a serializer's cleaned data."""
    return {name: data[name] for name in PRESET_SETTINGS}


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

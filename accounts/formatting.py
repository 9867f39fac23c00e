"""Numbers, dates and money for the reader: Babel's CLDR data in the active language (the
portal's, or the API caller's), money in the store's currency. Templates use them through
``{% load formatting %}`` (accounts/templatetags/formatting.py)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import lists as babel_lists
from babel import numbers as babel_numbers
from django.utils import timezone, translation
from django.utils.translation import pgettext

# Django's language codes that Babel should read as a more specific locale: the portal's
# English is British (day before month, as it has always been shown).
BABEL_LOCALES = {"en": "en_GB"}

Number = int | float | Decimal


def current_locale(language: str | None = None) -> Locale:
    """The Babel locale of ``language`` (a Django language code), else the active language."""
    return _locale(language or translation.get_language() or "en")


def locale_tag(language: str | None = None) -> str:
    """`current_locale` as a BCP 47 tag ("en-GB", "zh-Hans"), as a browser's Intl reads it."""
    locale = current_locale(language)
    return "-".join(part for part in (locale.language, locale.script, locale.territory) if part)


@functools.lru_cache(maxsize=64)
def _locale(code: str) -> Locale:
    """Parsed once per language: a page of 500 alerts formats a thousand figures."""
    name = BABEL_LOCALES.get(code, translation.to_locale(code))
    try:
        return Locale.parse(name)
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en_GB")


@functools.lru_cache(maxsize=256)
def _pattern(text: str) -> babel_numbers.NumberPattern:
    """A number pattern parsed once, not once per figure formatted (a page formats hundreds)."""
    return babel_numbers.parse_pattern(text)


def _number(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_money(amount, currency: str, *, whole: bool = False, language: str | None = None) -> str:
    """``amount`` of ``currency`` (ISO 4217) as the reader writes money: £1,234.50 in
    English, the currency's own digits and sign in every locale. ``whole``: rounded to whole
    units (£1,235), for summary figures."""
    number = _number(amount)
    if number is None:
        return ""
    locale = current_locale(language)
    if not whole:
        return babel_numbers.format_currency(number, currency, locale=locale)
    pattern = re.sub(r"\.0+", "", locale.currency_formats["standard"].pattern)
    return babel_numbers.format_currency(
        number.quantize(Decimal(1), ROUND_HALF_UP),
        currency,
        format=_pattern(pattern),
        locale=locale,
        currency_digits=False,
    )


def format_number(value, *, decimals: int | None = None, language: str | None = None) -> str:
    """A number with the locale's grouping and decimal sign; ``decimals`` fixes the places
    (negative: up to that many, as Django's floatformat), else up to three are shown."""
    number = _number(value)
    if number is None:
        return ""
    if decimals is None:
        decimals = -3
    places = "0" * decimals if decimals > 0 else "#" * -decimals
    pattern = "#,##0" + ("." + places if places else "")
    return babel_numbers.format_decimal(
        number, format=_pattern(pattern), locale=current_locale(language)
    )


def format_list(items, *, language: str | None = None) -> str:
    """Items joined as the locale joins a list ("a, b and c"; "a、b和c")."""
    return babel_lists.format_list([str(item) for item in items], locale=current_locale(language))


# Punctuation that joins the separately translated parts of one sentence: each language has
# its own (Chinese writes full-width marks, and 、 between the items of a list).
PUNCTUATION = {
    "list": lambda: pgettext("punctuation between the items of a list", ", "),
    "comma": lambda: pgettext("punctuation between the clauses of a sentence", ", "),
    "semicolon": lambda: pgettext("punctuation between the clauses of a sentence", "; "),
    "colon": lambda: pgettext("punctuation before what a label introduces", ": "),
    "stop": lambda: pgettext("punctuation at the end of a sentence", "."),
    "open": lambda: pgettext("punctuation opening an aside", " ("),
    "close": lambda: pgettext("punctuation closing an aside", ")"),
}


def punctuation(kind: str) -> str:
    """The reader's language's mark for ``kind`` (`PUNCTUATION`): "list" between a list's
    items, "comma" and "semicolon" between clauses, "colon" after a label, "stop" at the end
    of a sentence, "open" and "close" around an aside."""
    return PUNCTUATION[kind]()


def channel_label(via: str) -> str:
    """The way an audited step was taken (`accounts.tenancy.AuditEvent.via`: "portal",
    "api", "email") in the reader's words; anything else as it was stored."""
    words = {
        "portal": pgettext("the way a step was taken", "portal"),
        "api": pgettext("the way a step was taken", "API"),
        "email": pgettext("the way a step was taken", "email"),
    }
    return words.get(via, via)


def format_percent(value, *, decimals: int = 0, language: str | None = None) -> str:
    """A fraction (0.95) as a percentage (95%); ``decimals`` fixes the places (negative: up to
    that many, so 0.955 is 95.5% and 0.95 is 95%)."""
    number = _number(value)
    if number is None:
        return ""
    places = "0" * decimals if decimals > 0 else "#" * -decimals
    pattern = "#,##0" + ("." + places if places else "") + "%"
    return babel_numbers.format_percent(
        number, format=_pattern(pattern), locale=current_locale(language)
    )


# Shorter dates by CLDR skeleton, for tables: "weekday" is Fri 29 Nov / 11月29日周五, "day_month"
# 29 Nov / 11月29日.
SKELETONS = {"weekday": "MMMEd", "day_month": "MMMd"}


def format_day(value, *, length: str = "medium", language: str | None = None) -> str:
    """A date (or the local date of a datetime): 4 Dec 2026, 2026年12月4日; ``length`` is a
    Babel format (short, medium, long, full) or one of `SKELETONS`."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):  # an ISO date kept in a JSON field
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if length in SKELETONS:
        return babel_dates.format_skeleton(
            SKELETONS[length], value, locale=current_locale(language)
        )
    return babel_dates.format_date(value, format=length, locale=current_locale(language))


def format_moment(value, *, length: str = "medium", language: str | None = None) -> str:
    """A date and time in the current timezone."""
    if value is None or value == "":
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return babel_dates.format_datetime(value, format=length, locale=current_locale(language))

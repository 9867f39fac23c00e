"""Readers for one field of an incoming row. Each takes the raw value (from JSON or CSV) and
returns the typed value or raises `FieldError` with a message a person can act on.

Readers are the one check every door shares (API writes, CSV imports), so what the database
or the arithmetic after them cannot take is refused here: numbers are bounded in length and
exponent before any Decimal or int is made of them, text carries no NUL (PostgreSQL refuses
it), dates that become daily sales lie inside the sales window (`inventory.sales_window`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_noop

from inventory.ingest.row_messages import RowMessage
from inventory.sales_window import SalesWindow, store_sales_window

MISSING = object()

# A number's text is at most this long (the widest column takes 14 digits, so this leaves
# room for signs, a point, thousands separators and an exponent)...
MAX_NUMBER_CHARACTERS = 50
# ...and its exponent at most this large either way: "1e999999999" is a few characters, but
# turning it into an integer takes minutes of CPU and gigabytes.
MAX_EXPONENT = 50
# ASCII digits only: Decimal() would also take "1_000" and other scripts' digits.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE]([+-]?[0-9]+))?")
_NOT_FINITE = re.compile(r"[+-]?(?:inf(?:inity)?|s?nan)", re.IGNORECASE)


class FieldError(ValueError):
    """A value refused, with what to say about it (``message``: English as ``str(error)``,
    in the reader's language when an import's page shows it)."""

    def __init__(self, text: str | RowMessage, **params):
        self.message = text if isinstance(text, RowMessage) else RowMessage(text, params)
        super().__init__(str(self.message))


@dataclass(frozen=True)
class ReadContext:
    """What a reader may need besides the value: the merchant's time zone for naive times,
    and the store's sales window for dates that become daily sales."""

    timezone: ZoneInfo
    sales_window: SalesWindow

    @classmethod
    def for_timezone(cls, zone: ZoneInfo) -> ReadContext:
        """The context of a store in ``zone``, its sales window as of now."""
        return cls(timezone=zone, sales_window=store_sales_window(zone))


Reader = Callable[[Any, ReadContext], Any]


@dataclass(frozen=True)
class Column:
    name: str  # the field name in JSON and the default CSV header
    attribute: str  # the model attribute (or reference name) it fills
    read: Reader
    required: bool = False
    default: Any = None
    help: str = ""
    aliases: tuple[str, ...] = field(default=())
    # Personal data (a customer id): an error on it never echoes the value, so no report,
    # stored or sent back, carries it.
    personal: bool = False


def column(name: str, read: Reader, **options: Any) -> Column:
    """A column whose field name is the attribute it fills, as all but a few are."""
    return Column(name, name, read, **options)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _below(minimum) -> FieldError:
    if minimum == 0:
        return FieldError(gettext_noop("must not be negative"))
    return FieldError(gettext_noop("must be ≥ %(minimum)s"), minimum=minimum)


def _number_text(value: Any, *, message: str, thousands: bool = False) -> str:
    """The text of a number, checked for length and exponent before anything computes with
    it; ``thousands`` drops "," separators ("1,234.5")."""
    if isinstance(value, bool):
        raise FieldError(message)
    if isinstance(value, int):
        if value.bit_length() > 3 * MAX_NUMBER_CHARACTERS:  # 3 bits < 1 digit
            raise FieldError(gettext_noop("is too large"))
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise FieldError(gettext_noop("must be a finite number"))
        text = repr(value)
    elif isinstance(value, Decimal):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise FieldError(message)
    if thousands:
        text = text.replace(",", "")
    if len(text) > MAX_NUMBER_CHARACTERS:
        raise FieldError(
            gettext_noop("is too long for a number (at most %(count)s characters)"),
            count=MAX_NUMBER_CHARACTERS,
        )
    match = _NUMBER.fullmatch(text)
    if match is None:
        if _NOT_FINITE.fullmatch(text):
            raise FieldError(gettext_noop("must be a finite number"))
        raise FieldError(message)
    exponent = int(match.group(1) or 0)
    if exponent > MAX_EXPONENT:
        raise FieldError(gettext_noop("is too large"))
    if exponent < -MAX_EXPONENT:
        raise FieldError(
            gettext_noop("is too small a number (its exponent is below -%(limit)s)"),
            limit=MAX_EXPONENT,
        )
    return text


def _as_text(value: Any) -> str:
    try:
        return str(value)
    except ValueError as error:  # an int past Python's 4,300 digits for str()
        raise FieldError(gettext_noop("is too long")) from error


def text(max_length: int, *, blank: bool = True) -> Reader:
    def read(value: Any, context: ReadContext) -> str:
        if _is_blank(value):
            if not blank:
                raise FieldError(gettext_noop("must not be empty"))
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
            raise FieldError(gettext_noop("must be text"))
        result = _as_text(value).strip()
        if len(result) > max_length:
            raise FieldError(gettext_noop("is longer than %(count)s characters"), count=max_length)
        if "\x00" in result:
            raise FieldError(gettext_noop("contains a NUL character"))
        return result

    return read


def decimal(
    *,
    max_digits: int = 14,
    decimal_places: int = 3,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
    minimum_exclusive: bool = False,
) -> Reader:
    """A number of a model's DecimalField: its shape as the model declares it
    (``**inventory.models.QUANTITY``, ``**MONEY``)."""
    limit = Decimal(10) ** (max_digits - decimal_places)

    def read(value: Any, context: ReadContext) -> Decimal | None:
        if _is_blank(value):
            return None
        text = _number_text(value, message=gettext_noop("must be a number"), thousands=True)
        number = Decimal(text)  # bounded: short, with a small exponent
        if abs(number) >= limit:
            raise FieldError(
                gettext_noop("is too large (at most %(count)s digits before the point)"),
                count=max_digits - decimal_places,
            )
        number = number.quantize(Decimal(1).scaleb(-decimal_places))
        if abs(number) >= limit:  # rounding can carry 99.9995 over the limit
            raise FieldError(
                gettext_noop("is too large (at most %(count)s digits before the point)"),
                count=max_digits - decimal_places,
            )
        if minimum is not None:
            if minimum_exclusive and number <= minimum:
                raise FieldError(gettext_noop("must be greater than %(minimum)s"), minimum=minimum)
            if number < minimum:
                raise _below(minimum)
        if maximum is not None and number > maximum:
            raise FieldError(gettext_noop("must be at most %(maximum)s"), maximum=maximum)
        return number

    return read


def integer(*, minimum: int | None = None) -> Reader:
    def read(value: Any, context: ReadContext) -> int | None:
        if _is_blank(value):
            return None
        text = _number_text(value, message=gettext_noop("must be a whole number"))
        number = Decimal(text)  # bounded: short, with a small exponent
        if number != number.to_integral_value():
            raise FieldError(gettext_noop("must be a whole number"))
        if minimum is not None and number < minimum:
            raise _below(minimum)
        if abs(number) > 2**31 - 1:  # the column's range, checked before int() is made
            raise FieldError(gettext_noop("is too large"))
        return int(number)

    return read


_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


def boolean(value: Any, context: ReadContext) -> bool | None:
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    lowered = _as_text(value).strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise FieldError(gettext_noop("must be true or false"))


def date(value: Any, context: ReadContext) -> dt.date | None:
    if _is_blank(value):
        return None
    if not isinstance(value, str):
        raise FieldError(gettext_noop("must be a date written YYYY-MM-DD"))
    raw = value.strip()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(raw).date()
    except ValueError as error:
        raise FieldError(gettext_noop("must be a real date written YYYY-MM-DD")) from error


def datetime(value: Any, context: ReadContext) -> dt.datetime | None:
    """ISO 8601; a time without offset is in the merchant's time zone; a bare date is
    midnight there."""
    if _is_blank(value):
        return None
    if not isinstance(value, str):
        raise FieldError(
            gettext_noop("must be a date-time in ISO 8601, e.g. 2024-05-01T18:00:00+01:00")
        )
    raw = value.strip()
    try:
        parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as error:
        raise FieldError(
            gettext_noop("must be a real date-time in ISO 8601, e.g. 2024-05-01T18:00:00+01:00")
        ) from error
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=context.timezone)
    try:
        # In UTC, as the database stores it: PostgreSQL refuses an offset past 15:59 that
        # Python reads (up to 23:59), and year 1 at +05:00 has no UTC at all.
        return parsed.astimezone(dt.UTC)
    except OverflowError as error:
        raise FieldError(gettext_noop("is out of range")) from error


def _check_sales_window(day: dt.date, context: ReadContext) -> None:
    problem = context.sales_window.problem(day)
    if problem is not None:  # a RowMessage
        raise FieldError(problem)


def sales_date(value: Any, context: ReadContext) -> dt.date | None:
    """`date`, for a date that becomes daily sales: inside the store's sales window."""
    day = date(value, context)
    if day is not None:
        _check_sales_window(day, context)
    return day


def sales_datetime(value: Any, context: ReadContext) -> dt.datetime | None:
    """`datetime`, for a moment that becomes daily sales (an order line, a stock snapshot
    that flags a stock-out day): its date in the store's time zone inside the sales
    window."""
    moment = datetime(value, context)
    if moment is not None:
        try:
            day = moment.astimezone(context.timezone).date()
        except OverflowError as error:
            raise FieldError(gettext_noop("is out of range")) from error
        _check_sales_window(day, context)
    return moment


_email_text = text(254)


def email(value: Any, context: ReadContext) -> str:
    """An email address, or blank: checked as the model's EmailField checks it, so what the API
    stores is what its schema says (``format: email``)."""
    result = _email_text(value, context)
    if result:
        try:
            validate_email(result)
        except ValidationError as error:
            raise FieldError(gettext_noop("must be an email address")) from error
    return result


def choice(values: dict[str, str]) -> Reader:
    """``values`` maps accepted spellings (lower case) to stored values."""
    readable = ", ".join(sorted(set(values.values())))

    def read(value: Any, context: ReadContext) -> str | None:
        if _is_blank(value):
            return None
        key = _as_text(value).strip().lower()
        if key not in values:
            raise FieldError(gettext_noop("must be one of: %(values)s"), values=readable)
        return values[key]

    return read


def code(value: Any, context: ReadContext) -> str | None:
    """A reference to another object by its code; resolved to an id for the whole batch."""
    if _is_blank(value):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise FieldError(gettext_noop("must be a code (text)"))
    result = _as_text(value).strip()
    if len(result) > 64:
        raise FieldError(gettext_noop("is longer than 64 characters"))
    if "\x00" in result:
        raise FieldError(gettext_noop("contains a NUL character"))
    return result

"""Readers for one field of an incoming row. Each takes the raw value (from JSON or CSV) and
returns the typed value or raises `FieldError` with a message a person can act on."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

MISSING = object()


class FieldError(ValueError):
    pass


@dataclass(frozen=True)
class ReadContext:
    """What a reader may need besides the value: the merchant's time zone for naive times."""

    timezone: ZoneInfo


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


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(max_length: int, *, blank: bool = True) -> Reader:
    def read(value: Any, context: ReadContext) -> str:
        if _is_blank(value):
            if not blank:
                raise FieldError("must not be empty")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
            raise FieldError("must be text")
        result = str(value).strip()
        if len(result) > max_length:
            raise FieldError(f"is longer than {max_length} characters")
        if "\x00" in result:
            raise FieldError("contains a NUL character")
        return result

    return read


def decimal(
    *,
    max_digits: int = 14,
    places: int = 3,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
    minimum_exclusive: bool = False,
) -> Reader:
    limit = Decimal(10) ** (max_digits - places)

    def read(value: Any, context: ReadContext) -> Decimal | None:
        if _is_blank(value):
            return None
        if isinstance(value, bool):
            raise FieldError("must be a number")
        if isinstance(value, float):
            if not math.isfinite(value):
                raise FieldError("must be a finite number")
            value = repr(value)
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except (InvalidOperation, ValueError) as error:
            raise FieldError("must be a number") from error
        if not number.is_finite():
            raise FieldError("must be a finite number")
        if abs(number) >= limit:
            raise FieldError(
                f"is too large (at most {max_digits - places} digits before the point)"
            )
        number = number.quantize(Decimal(1).scaleb(-places))
        if abs(number) >= limit:  # rounding can carry 99.9995 over the limit
            raise FieldError(
                f"is too large (at most {max_digits - places} digits before the point)"
            )
        if minimum is not None:
            if minimum_exclusive and number <= minimum:
                raise FieldError(f"must be greater than {minimum}")
            if number < minimum:
                raise FieldError("must not be negative" if minimum == 0 else f"must be ≥ {minimum}")
        if maximum is not None and number > maximum:
            raise FieldError(f"must be at most {maximum}")
        return number

    return read


def integer(*, minimum: int | None = None) -> Reader:
    def read(value: Any, context: ReadContext) -> int | None:
        if _is_blank(value):
            return None
        if isinstance(value, bool):
            raise FieldError("must be a whole number")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation as error:
            raise FieldError("must be a whole number") from error
        if not number.is_finite() or number != number.to_integral_value():
            raise FieldError("must be a whole number")
        result = int(number)
        if minimum is not None and result < minimum:
            raise FieldError("must not be negative" if minimum == 0 else f"must be ≥ {minimum}")
        if abs(result) > 2**31 - 1:
            raise FieldError("is too large")
        return result

    return read


_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


def boolean(value: Any, context: ReadContext) -> bool | None:
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise FieldError("must be true or false")


def date(value: Any, context: ReadContext) -> dt.date | None:
    if _is_blank(value):
        return None
    if not isinstance(value, str):
        raise FieldError("must be a date written YYYY-MM-DD")
    raw = value.strip()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(raw).date()
    except ValueError as error:
        raise FieldError("must be a real date written YYYY-MM-DD") from error


def datetime(value: Any, context: ReadContext) -> dt.datetime | None:
    """ISO 8601; a time without offset is in the merchant's time zone; a bare date is
    midnight there."""
    if _is_blank(value):
        return None
    if not isinstance(value, str):
        raise FieldError("must be a date-time in ISO 8601, e.g. 2024-05-01T18:00:00+01:00")
    raw = value.strip()
    try:
        parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as error:
        raise FieldError(
            "must be a real date-time in ISO 8601, e.g. 2024-05-01T18:00:00+01:00"
        ) from error
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=context.timezone)
    return parsed


def choice(values: dict[str, str]) -> Reader:
    """``values`` maps accepted spellings (lower case) to stored values."""
    readable = ", ".join(sorted(set(values.values())))

    def read(value: Any, context: ReadContext) -> str | None:
        if _is_blank(value):
            return None
        key = str(value).strip().lower()
        if key not in values:
            raise FieldError(f"must be one of: {readable}")
        return values[key]

    return read


def code(value: Any, context: ReadContext) -> str | None:
    """A reference to another object by its code; resolved to an id for the whole batch."""
    if _is_blank(value):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise FieldError("must be a code (text)")
    result = str(value).strip()
    if len(result) > 64:
        raise FieldError("is longer than 64 characters")
    return result

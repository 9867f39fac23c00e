"""From the floats of the maths to the Decimal columns they are stored in."""

from __future__ import annotations

from decimal import Decimal

QUANTITY_PLACES = Decimal("0.001")


def to_decimal(value: float | None, places: Decimal = QUANTITY_PLACES) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(round(float(value), 6))).quantize(places)

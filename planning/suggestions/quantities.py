"""Writes of many lines' quantities at once (the Orders page's bulk edit and the API's): a
quantity or a percentage, rounded up to each line's pack and MOQ, cover and expected fill
recomputed set-based, each line's change audited (`Decision`)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Ceil, Coalesce, Greatest, NullIf
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext

from accounts.errors import DomainError
from accounts.models import Merchant, User
from planning import outcomes, policy
from planning.models import Decision, ReorderSuggestion
from planning.suggestions.services import chunks, decisions_record

Status = ReorderSuggestion.Status


QUANTITY_FIELD = DecimalField(max_digits=14, decimal_places=3)
ROUNDING_SLACK = Decimal("0.000001")  # packs: 1.1 / 0.1 may come out as 11.000000000000002


def _quantity_asked(quantity: Decimal | None, percent: Decimal | None):
    """``quantity`` for every line, or each line's own scaled by ``percent``, refused where
    it would order nothing."""
    if (quantity is None) == (percent is None):
        raise DomainError(gettext("Give a quantity or a percentage."))
    if quantity is not None and quantity <= 0:
        raise DomainError(gettext("The quantity must be above zero; reject the lines instead."))
    if percent is not None and percent <= -100:
        raise DomainError(
            gettext("A cut of 100 percent or more leaves nothing; reject the lines instead.")
        )
    if quantity is not None:
        return Value(quantity, output_field=QUANTITY_FIELD)
    factor = (Decimal("100") + percent) / Decimal("100")
    return F("quantity") * Value(factor, output_field=QUANTITY_FIELD)


def _rounded_to_terms(asked):
    """``asked`` rounded up to whole packs and at least the MOQ, as a database expression."""
    pack = Case(
        When(pack_size__gt=0, then=F("pack_size")),
        default=Value(Decimal("1"), output_field=QUANTITY_FIELD),
        output_field=QUANTITY_FIELD,
    )
    # in floating point: SQLite divides the integers its NUMERIC columns hold as integers
    packs = Cast(Greatest(asked, F("moq"), output_field=QUANTITY_FIELD), FloatField()) / Cast(
        pack, FloatField()
    )
    return ExpressionWrapper(
        Ceil(packs - float(ROUNDING_SLACK)) * pack, output_field=QUANTITY_FIELD
    )


def _days_of_cover(merchant: Merchant):
    """Days of cover after the order arrives, as `planning.outcomes.days_of_cover` works them
    out for one line: what is left of the position after the lead time's demand, plus the
    order, over the mean daily demand after the lead time (as stored, else the review
    period's demand over its days, for lines planned before it was kept); none without
    demand."""
    zero = Value(Decimal("0"), output_field=QUANTITY_FIELD)
    left = Greatest(
        F("on_hand") + F("on_order") - F("committed") - F("lead_demand"),
        zero,
        output_field=QUANTITY_FIELD,
    )
    review = Case(
        When(review_days__gt=0, then=F("review_days")),
        default=Value(merchant.review_period_days),
        output_field=IntegerField(),
    )
    per_day = Coalesce(
        Cast("daily_demand", FloatField()),
        Cast(Greatest(F("cycle_demand") - F("lead_demand"), zero), FloatField())
        / Cast(NullIf(review, Value(0)), FloatField()),
    )
    return Case(
        When(
            GreaterThan(per_day, Value(0.0)),
            then=Cast(left + F("quantity"), FloatField()) / per_day,
        ),
        default=None,
        output_field=DecimalField(max_digits=8, decimal_places=1),
    )


def _fill_rates_refresh(merchant: Merchant, pks: list[int]) -> list[ReorderSuggestion]:
    """Work out again the expected fill rate of each line from its forecast
    (`planning.outcomes`); the lines as edited."""
    scoped = ReorderSuggestion.objects.for_merchant(merchant)
    edited = list(
        scoped.filter(pk__in=pks)
        .select_related("merchant")
        .only(
            "pk", "merchant", "forecast_run_id", "sku_id", "location_id", "quantity",
            "on_hand", "on_order", "committed", "lead_time_days", "lead_time_std_days",
            "review_days", "shortfall_scale",
        )
    )  # fmt: skip
    rates = outcomes.fill_rates(merchant, edited, paths=policy.PLAN_PATHS)
    changed = [line for line in edited if rates[line.pk] is not None]
    for line in changed:
        line.expected_fill_rate = rates[line.pk]
    scoped.bulk_update(changed, ["expected_fill_rate"], batch_size=1000)
    return edited


@transaction.atomic
def suggestion_lines_quantity_change(
    *,
    merchant: Merchant,
    lines: QuerySet,
    actor: User | None,
    quantity: Decimal | None = None,
    percent: Decimal | None = None,
    via: str = "",
) -> int:
    """Set the proposed lines of ``lines`` to ``quantity``, or scale each by ``percent``
    (+10 orders a tenth more, -25 a quarter less); each is rounded up to its packs and at
    least its MOQ, in the database. Days of cover follow in the same pass (as
    `planning.outcomes.days_of_cover` gives them, also on lines planned before their daily
    demand was stored), the expected fill rates from each line's forecast
    (`planning.outcomes.fill_rates`): each line then shows what an edit of it alone gives."""
    rounded = _rounded_to_terms(_quantity_asked(quantity, percent))
    before = dict(lines.filter(status=Status.PROPOSED).values_list("pk", "quantity"))
    if not before:
        return 0
    pks = list(before)
    scoped = ReorderSuggestion.objects.for_merchant(merchant)
    now = timezone.now()
    for chunk in chunks(pks):
        scoped.filter(pk__in=chunk).update(quantity=rounded, updated_at=now)
        scoped.filter(pk__in=chunk).update(days_of_cover=_days_of_cover(merchant))
    edited = _fill_rates_refresh(merchant, pks)
    asked_text = str(quantity) if quantity is not None else f"{percent:+}%"
    decisions_record(
        merchant,
        [
            (line.pk, {"quantity": [str(before[line.pk]), str(line.quantity)], "asked": asked_text})
            for line in edited
        ],
        Decision.Action.EDITED,
        actor,
        via,
    )
    return len(edited)

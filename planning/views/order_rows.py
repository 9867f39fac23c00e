"""The lines of the orders page as they are shown: each line's arithmetic (its why) rendered
once per figures and language, and its links reversed once a page."""

from __future__ import annotations

import functools
from decimal import Decimal

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from planning import outcomes
from planning.models import ReorderSuggestion


def _exact(value: Decimal | None) -> str | None:
    """A figure as a cache key: its digits, so that equal values written differently
    (-0 and 0, 1.0 and 1) are told apart as their formatting tells them apart."""
    return None if value is None else str(value)


def _figure(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


@functools.lru_cache(maxsize=4096)
def _why_rendered(language: str, steps: tuple, figures: tuple, reason: str) -> str:
    order_up_to, needed, suggested, edited = (_figure(text) for text in figures)
    why = {
        "steps": [outcomes.Step(label, Decimal(quantity), Decimal(total))
                  for label, quantity, total in steps],
        "order_up_to": order_up_to,
        "needed": needed,
        "suggested": suggested,
        "edited": edited,
    }  # fmt: skip
    return render_to_string("planning/_why.html", {"why": why, "reason": reason})


def why_shown(why: outcomes.Why, reason: str) -> str:
    """A line's arithmetic (`outcomes.why`) as the orders page shows it. It took a third of
    the page's rendering, so each process keeps the latest few thousand, by what they show
    (the figures, the words and the language): a line changed by the planner or by a new
    plan is rendered anew; pages looked at again and again are not."""
    return _why_rendered(
        translation.get_language() or "",
        tuple((step.label, _exact(step.quantity), _exact(step.total)) for step in why.steps),
        tuple(_exact(value) for value in (why.order_up_to, why.needed, why.suggested, why.edited)),
        reason,
    )


class LineLinks:
    """The links of each line on the orders page: each address reversed once a page, not
    four times a line (a tenth of the page's rendering went to reversing them)."""

    PLACEHOLDER = 987654321  # stands for the line's own id, the last part of each address

    def __init__(self, merchant):
        self.patterns = {
            key: reverse(name, args=[merchant.slug, self.PLACEHOLDER]).rsplit(
                str(self.PLACEHOLDER), 1
            )
            for key, name in (
                ("forecast", "forecasting:sku_forecast"),
                ("outcome", "planning:suggestion_outcome"),
                ("quantity", "planning:suggestion_quantity"),
                ("purchase_order", "inventory:purchase_order_detail"),
            )
        }

    def link(self, key: str, pk: int) -> str:
        before, after = self.patterns[key]
        return f"{before}{pk}{after}"

    def of(self, line: ReorderSuggestion) -> dict[str, str]:
        return {
            "forecast": self.link("forecast", line.sku_id),
            "outcome": self.link("outcome", line.pk),
            "quantity": self.link("quantity", line.pk),
            "purchase_order": self.link("purchase_order", line.purchase_order_id)
            if line.purchase_order_id
            else "",
        }


def lines_shown(merchant, rows: list[ReorderSuggestion]) -> None:
    """Give each row of a page its why, the why as shown and its links."""
    links = LineLinks(merchant)
    for row in rows:
        row.merchant = merchant
        row.why = outcomes.why(row)
        row.why_shown = why_shown(row.why, row.reason)
        row.urls = links.of(row)

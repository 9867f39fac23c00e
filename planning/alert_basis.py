"""How an alert's money at risk was worked out, in words: so many units, valued at so much
each (the margin lost, or the capital tied up). The figures are stored with the alert
(`Alert.money_basis_parameters`) and put into words when the alert is read, in the reader's
language with the reader's numbers, in the store's currency. The English words are stored
too (`Alert.money_basis`): what an alert stored before its figures were shows instead."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext, ngettext

from accounts.formatting import format_money, format_number

# What a unit is valued at: the margin (price - cost), the cost, or the price where no cost
# is known (an upper bound, said so).
MARGIN, COST, PRICE = "margin", "cost", "price"
STORED_LANGUAGE = "en"  # the language of the words stored with the alert
TIMES = "\N{MULTIPLICATION SIGN}"


def _each(parameters: dict) -> str:
    amount = format_money(parameters["each"], parameters["currency"])
    basis = parameters["each_basis"]
    if basis == MARGIN:
        return gettext("%(amount)s margin") % {"amount": amount}
    if basis == COST:
        return gettext("%(amount)s cost") % {"amount": amount}
    return gettext("%(amount)s price, no cost known") % {"amount": amount}


def _words(parameters: dict) -> str:
    kind = parameters["kind"]
    values = {"units": format_number(parameters["units"], decimals=-1), "each": _each(parameters)}
    days = int(parameters.get("days", 0))
    values.update(days=days, times=TIMES)
    if kind == "stock_out":
        return (
            ngettext(
                "%(units)s units short over %(days)s day %(times)s %(each)s",
                "%(units)s units short over %(days)s days %(times)s %(each)s",
                days,
            )
            % values
        )
    if kind == "overstock":
        return gettext("%(units)s units over the limit %(times)s %(each)s") % values
    if kind == "bias" and parameters.get("direction") == "low":
        return (
            ngettext(
                "forecast %(units)s units a day too low %(times)s %(days)s day %(times)s %(each)s",
                "forecast %(units)s units a day too low %(times)s %(days)s days %(times)s %(each)s",
                days,
            )
            % values
        )
    if kind == "bias":
        return (
            ngettext(
                "forecast %(units)s units a day too high %(times)s %(days)s day %(times)s %(each)s",
                "forecast %(units)s units a day too high %(times)s %(days)s days "
                "%(times)s %(each)s",
                days,
            )
            % values
        )
    raise ValueError(kind)


def money_basis_text(parameters: dict, stored: str = "") -> str:
    """The basis in the active language; ``stored`` (the English words kept with the alert)
    where the figures are missing or of an older shape."""
    if not parameters:
        return stored
    try:
        return _words(parameters)
    except (KeyError, TypeError, ValueError):
        return stored


def stored_money_basis(parameters: dict) -> str:
    """The words stored with the alert, whatever the language of the run that found it."""
    with translation.override(STORED_LANGUAGE):
        return money_basis_text(parameters)

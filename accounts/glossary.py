"""The glossary: the planning and forecasting words a merchant meets in the portal, each in plain
words under a fixed anchor (``/help/glossary/#safety-stock``). Pages point at an entry with the
help mark (``{% help_mark "safety-stock" %}``, accounts/templatetags/help_marks.py), which
refuses an anchor that is not here, so a mark never leads to a missing entry."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Term:
    #: the entry's anchor id on the glossary page; never changes once shipped (pages link it)
    anchor: str
    term: str | Promise
    #: one sentence: the help mark's tooltip and the entry's first line
    summary: str | Promise
    #: the rest, for the glossary page only
    detail: str | Promise = ""


TERMS: tuple[Term, ...] = (
    Term(
        "service-level",
        _("Service level and fill rate"),
        _("The share of demand you aim to serve straight from the shelf, e.g. 95%."),
        _(
            "Fill rate counts units: at 95%, 95 of every 100 units customers ask for are in "
            "stock. A higher target needs more safety stock, and each extra point costs more "
            "than the last. After each review period the plan compares the units its orders "
            "were expected to leave short with those they did, and corrects the next orders, "
            "so that the fill rate you set is the one you get."
        ),
    ),
    Term(
        "safety-stock",
        _("Safety stock"),
        _("Extra stock held in case demand runs high or a delivery runs late."),
        _(
            "It grows with how uncertain the forecast is, how long and how variable the lead "
            "time is, and the service level you ask for."
        ),
    ),
    Term(
        "lead-time",
        _("Lead time"),
        _("The days from placing an order with a supplier to having the goods on the shelf."),
        _(
            "A supplier's own lead time comes first; the store's default is used for SKUs "
            "without supplier terms. Its spread says how much it varies from one order to the "
            "next."
        ),
    ),
    Term(
        "review-period",
        _("Review period"),
        _("How often you place orders, in days: 7 means you order once a week."),
        _(
            "An order must last until the next review plus the lead time, so a longer review "
            "period means larger orders."
        ),
    ),
    Term(
        "moq",
        _("Minimum order quantity (MOQ)"),
        _("The fewest units, or the smallest order value, a supplier accepts."),
        _("Suggested quantities are raised to the minimum when an order is placed at all."),
    ),
    Term(
        "pack-size",
        _("Pack size"),
        _("The number of units in the case a supplier sells: you order whole packs."),
        _("Suggested quantities are rounded up to whole packs."),
    ),
    Term(
        "cover",
        _("Days of cover"),
        _("How many days the stock would last at the expected daily sales."),
        _("For example, 60 units selling 4 a day are 15 days of cover."),
    ),
    Term(
        "overstock-limit",
        _("Overstock limit"),
        _("The days of cover above which stock counts as too much and raises an alert."),
        _(
            "Suggestions never order past it, and the money tied up beyond it is the overstock "
            "alert's money at risk. Set it in the planning settings."
        ),
    ),
    Term(
        "forecast-range",
        # xgettext:no-python-format
        _("Median forecast, quantiles and the 80% range"),
        _("The median is the middle guess: sales are as likely to be above it as below."),
        _(
            "A forecast gives a range, not one number. Quantiles are points of it: the 90% "
            "quantile is a value sales stay under nine times in ten. The 80% range runs from "
            "the 10% to the 90% quantile, so sales should fall inside it about four days in "
            "five."
        ),
    ),
    Term(
        "wql",
        _("WQL (weighted quantile loss)"),
        _("How far the whole forecast range was from what sold: lower is better, 0 is perfect."),
        _(
            "It scores the median and the range together, weighted by how much each SKU sells, "
            "so that big sellers count more. Read it beside seasonal naive's score: below it, "
            "the forecast beat repeating last week."
        ),
    ),
    Term(
        "mase",
        _("MASE"),
        _("Forecast error compared with repeating last week: below 1 beats it, above 1 does not."),
        _(
            "The mean absolute scaled error divides the forecast's error by the error of simply "
            "repeating the sales of a week before. 0.8 means a fifth less error than that."
        ),
    ),
    Term(
        "seasonal-naive",
        _("Seasonal naive"),
        _("The simplest forecast: each day sells what the same weekday sold a week before."),
        _("Every forecast is judged against it: a model worth using must beat it."),
    ),
    Term(
        "intermittent-demand",
        _("Intermittent demand and TSB"),
        _("Demand with many days of no sales between the sales, as for slow movers."),
        _(
            "TSB (Teunter-Syntetos-Babai) forecasts such SKUs by two things: how often a sale "
            "happens and how large it is when it does, and it lets the chance of a sale fade "
            "when sales stop."
        ),
    ),
    Term(
        "forecast-models",
        _("Forecasting models"),
        _(
            "Each SKU's forecast comes from the model that forecast the SKUs that sell like it "
            "best on recent weeks: seasonal naive, exponential smoothing, TSB, the transformer, "
            "or an average of two or three of them."
        ),
        _(
            "Exponential smoothing follows a level that adapts to recent sales, with the "
            "SKU's weekly pattern on top. The transformer is Shelfcast's own neural network, "
            "trained on many series and, where that does better for your store, fine-tuned on "
            "its history. An average is the mean of its models' "
            "forecasts at every point of the range, often steadier than any one of them. The "
            "models are judged together for each group of SKUs that sell alike (steadily, "
            "erratically, with many days of no sales, in rare large amounts, or with a short "
            "history), on recent weeks they forecast without seeing them: a single SKU's few "
            "weeks are a poor judge. A group too small to judge takes the choice made for the "
            "whole store. The choice is made again at every forecast."
        ),
    ),
    Term(
        "backtest",
        _("Backtest"),
        _("A test on the past: forecast weeks you already know, as if they had not happened."),
        _(
            "Comparing those forecasts with what really sold shows how well a model would have "
            "done, before it is trusted with the future."
        ),
    ),
    Term(
        "fine-tuning",
        _("Fine-tuning"),
        _("Training the shared forecasting model a little further on your own sales history."),
        _(
            "Each week's new version is backtested first and serves your forecasts only if it "
            "beats the base model; you can roll it back."
        ),
    ),
    Term(
        "shap",
        _("SHAP explanation"),
        _("How much each factor (recent sales, weekday, promotions, prices) moved a forecast."),
        _(
            "Starting from the series' average level, each factor adds or takes away units; "
            "together they add up to the forecast."
        ),
    ),
    Term(
        "forecast-value-added",
        _("Forecast value added"),
        _("Whether changing the forecast by hand made it better or worse."),
        _(
            "It compares the error of the model's forecast with the error after the overrides, "
            "on the days they changed. Above zero, the overrides helped."
        ),
    ),
    Term(
        "override",
        _("Forecast override"),
        _("A change you make to a forecast for a time, with a reason: a new listing, an event."),
        _(
            "It is set as a number of units a day or a percentage up or down, flows into "
            "suggestions and alerts until it ends, and its effect shows as forecast value "
            "added."
        ),
    ),
    Term(
        "money-at-risk",
        _("Money at risk"),
        _("What an alert could cost you if nothing is done, in your store's currency."),
        _(
            "For a stock-out, the margin lost over the days without stock; for overstock, the "
            "capital tied up beyond the overstock limit; for a biased forecast, what the error "
            "costs over the next two weeks. Alerts are sorted by it."
        ),
    ),
)

TERMS_BY_ANCHOR: dict[str, Term] = {term.anchor: term for term in TERMS}


def term_for(anchor: str) -> Term:
    """The entry under ``anchor``; a KeyError names an anchor the glossary lacks."""
    try:
        return TERMS_BY_ANCHOR[anchor]
    except KeyError:
        raise KeyError(f"the glossary has no entry {anchor!r}") from None

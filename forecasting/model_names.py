"""The forecasting models by the names a merchant reads. The night stores each series' choice
by its candidates' names joined by '+' (`forecasting.selection.strategies`: "tsb", or
"exponential_smoothing+transformer+tsb" for the mean of three); the portal says it as words in
the reader's language ("average of exponential smoothing, transformer and TSB"). A light
module, with no model code: the portal reads it. The API and the exports keep the stored
names, which are stable."""

from __future__ import annotations

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.formatting import format_list, format_number, punctuation

NAMES = {
    "seasonal_naive": _("seasonal naive"),
    "exponential_smoothing": _("exponential smoothing"),
    "tsb": _("TSB"),
    "transformer": _("transformer"),
}


def model_label(strategy: str) -> str:
    """One candidate by its name, a mean of several as "average of ..."; a name this release
    does not know (a model since retired) as it was stored."""
    names = [str(NAMES.get(part, part)) for part in str(strategy).split("+") if part]
    if len(names) <= 1:
        return names[0] if names else ""
    return gettext("average of %(models)s") % {"models": format_list(names)}


def model_counts(counts: dict[str, int]) -> str:
    """A run's choices, the most served first: "average of transformer and TSB: 155 series;
    TSB: 3 series" in the reader's words."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return punctuation("semicolon").join(
        [
            ngettext("%(model)s: %(count)s series", "%(model)s: %(count)s series", count)
            % {"model": model_label(name), "count": format_number(count)}
            for name, count in ranked
        ]
    )

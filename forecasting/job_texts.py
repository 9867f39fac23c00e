"""The texts with values that forecasting's runs store as their message (`core.runs`: stored
as English words, said again in the reader's language where they are read). A light module,
with no model code: the portal reads it to match the stored words, and the workers write
from it (`forecasting.engine`, `forecasting.fine_tuning`)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

# A store with more series than one forecast covers (`engine.forecast_run_execute`).
TOO_MANY_SERIES = gettext_noop(
    "This store has more than %(limit)s series (SKU and location pairs with sales in the "
    "last %(days)s days), the most one forecast covers: nothing was forecast. Mark the SKUs "
    "no longer sold inactive, or have the limit (FORECAST_MAX_SERIES) raised."
)
# A store with too short a history to fine-tune on (`fine_tuning.training_run_execute`).
HISTORY_TOO_SHORT = gettext_noop("Fine-tuning needs at least %(count)s days of sales history.")

# A fine-tuned version's verdict (`fine_tuning.verdict`, kept as its reason too), in the
# periods of its history: a unit that is itself said in the reader's language.
DAYS, PERIODS = gettext_noop("days"), gettext_noop("periods")
TOO_LITTLE_TO_JUDGE = gettext_noop(
    "Too little history to judge it: the last %(span)s %(unit)s do not make two windows with "
    "%(history)s %(unit)s of history before them, so the base model stays."
)
NOT_BETTER = gettext_noop(
    "Not better than the base model on the last %(span)s %(unit)s: the forecasts it would have "
    "served gained %(gain)s (WQL and MASE), within the %(noise)s they vary between windows."
)
FORGOT_TOO_MUCH = gettext_noop(
    "It forgot too much: pretraining-corpus loss %(after)s against %(before)s (bound %(bound)s)."
)
ACCEPTED = gettext_noop(
    "On the last %(span)s %(unit)s, which it was not trained on, the forecasts it serves gained "
    "%(gain)s on the base model's (WQL and MASE; %(noise)s between windows)."
)
# A training run that ended: its version's verdict and how long training took.
TRAINED = gettext_noop("%(reason)s (%(seconds)d s)")

# A run whose chunk failed names the chunk's reason (`chunks.chunk_fail` writes these words).
CHUNK_FAILED = gettext_noop("A chunk failed: %(reason)s")

STORED_TEXTS = (
    TOO_MANY_SERIES,
    HISTORY_TOO_SHORT,
    TOO_LITTLE_TO_JUDGE,
    NOT_BETTER,
    FORGOT_TOO_MUCH,
    ACCEPTED,
    TRAINED,
    CHUNK_FAILED,
)

"""Forecasting's door for worker processes: what the apps above use of the model itself (the
store's sales history with its known covariates, the candidates a policy replay forecasts
with, the model's uplift of a planned promotion, and the SHAP explanations of a run's
forecasts).

They load torch, which no web process may hold, so they cannot come through
`forecasting.services` and `forecasting.selectors` (which every web process imports). Only
worker modules import this one (`planning.tasks`, `planning.replays.execute`,
`planning.promotion_checks`); nothing a view or the API imports reaches it
(`tests/architecture/test_web_tier`)."""

from __future__ import annotations

from forecasting import registry
from forecasting.engine import explain_forecasts as explain_forecasts
from forecasting.history import History as History
from forecasting.history import covariates as covariates
from forecasting.history import load_history as load_history
from forecasting.neural.inference import Covariates as Covariates
from forecasting.neural.inference import TransformerCandidate
from forecasting.scenarios import PlannedPromotion as PlannedPromotion
from forecasting.scenarios import promotion_uplift as promotion_uplift
from forecasting.selectors import BASELINES, TRANSFORMER


def configure_threads() -> None:
    """Set torch's threads as the worker is configured to use."""
    registry.configure_threads()


def replay_candidates(known: Covariates) -> dict:
    """The candidates a policy replay forecasts with: the statistical baselines and the
    shipped base model with the store's ``known`` covariates; not the store's fine-tuned
    model, which has learned from the very weeks being replayed."""
    return {**BASELINES, TRANSFORMER: TransformerCandidate(registry.base_model(), known)}

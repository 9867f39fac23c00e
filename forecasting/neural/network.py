"""The network: the Chronos-2 encoder architecture (from `chronos-forecasting`, built on
`transformers`), sized for a CPU and built from our own config, never from downloaded weights.

Why this architecture: it reads NaN as "not observed" (stock-out days and closed days are
masked, not zeros), predicts all our quantile levels directly in one pass (no sampling), and
takes covariates as extra rows of a group: known future ones (price, promotion, calendar
events) carry their future values, past-only ones (similar products' demand) carry history.

A forecasting task is one target series with its covariate rows; `predict` batches many.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from chronos.chronos2.config import Chronos2CoreConfig
from chronos.chronos2.model import Chronos2Model

from forecasting.quantiles import LEVELS

BASE_DIRECTORY = Path(__file__).resolve().parent.parent / "weights" / "base"
PATCH = 16
CONTEXT = 512
MAX_HORIZON = 64

ARCHITECTURE = {
    "d_model": 128,
    "d_kv": 32,
    "d_ff": 512,
    "num_layers": 4,
    "num_heads": 4,
    "dropout_rate": 0.05,
    "feed_forward_proj": "relu",
    "attn_implementation": "sdpa",
    "chronos_config": {
        "context_length": CONTEXT,
        "input_patch_size": PATCH,
        "input_patch_stride": PATCH,
        "output_patch_size": PATCH,
        "quantiles": [float(level) for level in LEVELS],
        "use_reg_token": True,
        "use_arcsinh": True,
        "max_output_patches": MAX_HORIZON // PATCH,
    },
}


@dataclass
class Task:
    """One series to forecast (or to learn from).

    ``history``: (T,) units per period, NaN where not observed. ``known``: (k, T + H) known
    covariates over history and horizon. ``past``: (m, T) covariates known only in the past.
    ``future``: (H,) the actual future, for training and scoring only."""

    history: np.ndarray
    known: np.ndarray | None = None
    past: np.ndarray | None = None
    future: np.ndarray | None = None


def build(architecture: dict | None = None, *, seed: int = 0) -> Chronos2Model:
    torch.manual_seed(seed)
    config = Chronos2CoreConfig(**copy.deepcopy(architecture or ARCHITECTURE))
    return Chronos2Model(config)


def load(directory: Path | str = BASE_DIRECTORY) -> Chronos2Model:
    model = Chronos2Model.from_pretrained(str(directory))
    return model.eval()


def save(model: Chronos2Model, directory: Path | str) -> None:
    model.save_pretrained(str(directory), safe_serialization=True)


def parameter_count(model: torch.nn.Module) -> int:
    return sum(parameter.numel() for parameter in model.parameters())


def collate(tasks: list[Task], horizon: int, device: str | torch.device = "cpu") -> dict:
    """Stack tasks into the model's inputs: each task is a group (target row first, then its
    known rows, then its past rows), histories left-padded with NaN to a common length."""
    length = min(max(len(task.history) for task in tasks), CONTEXT)
    rows, futures, targets, groups, target_rows = [], [], [], [], []
    for group, task in enumerate(tasks):
        history = np.asarray(task.history, dtype=np.float32)[-length:]
        pad = length - len(history)
        known = np.zeros((0, len(task.history) + horizon)) if task.known is None else task.known
        past = np.zeros((0, len(task.history))) if task.past is None else task.past
        target_rows.append(len(rows))
        series = [(history, np.full(horizon, np.nan), task.future)]
        for row in known:
            series.append((row[: len(task.history)][-length:], row[len(task.history) :], None))
        for row in past:
            series.append((row[-length:], np.full(horizon, np.nan), None))
        for past_values, future_values, actual in series:
            rows.append(np.concatenate([np.full(pad, np.nan), past_values]))
            futures.append(np.asarray(future_values, dtype=np.float32)[:horizon])
            targets.append(
                np.full(horizon, np.nan)
                if actual is None
                else np.asarray(actual, dtype=np.float32)[:horizon]
            )
            groups.append(group)
    as_tensor = lambda values: torch.tensor(np.stack(values), dtype=torch.float32, device=device)  # noqa: E731
    inputs = {
        "context": as_tensor(rows),
        "group_ids": torch.tensor(groups, dtype=torch.long, device=device),
        "num_output_patches": -(-horizon // PATCH),
    }
    future_covariates = as_tensor(futures)
    if not torch.isnan(future_covariates).all():
        inputs["future_covariates"] = future_covariates
    if any(task.future is not None for task in tasks):
        inputs["future_target"] = as_tensor(targets)
        if "future_covariates" not in inputs:
            inputs["future_covariates"] = future_covariates
    return {"inputs": inputs, "target_rows": target_rows}


@torch.inference_mode()
def predict(
    model: Chronos2Model,
    tasks: list[Task],
    horizon: int,
    *,
    batch_rows: int = 512,
    device: str | torch.device = "cpu",
) -> np.ndarray:
    """Quantiles (tasks, len(LEVELS), horizon): never negative, non-decreasing over levels."""
    if horizon > MAX_HORIZON:
        raise ValueError(f"The transformer forecasts at most {MAX_HORIZON} periods ahead.")
    model.eval()
    output = np.zeros((len(tasks), len(LEVELS), horizon), dtype=np.float32)
    start = 0
    while start < len(tasks):
        stop, rows = start, 0
        while stop < len(tasks) and (stop == start or rows < batch_rows):
            task = tasks[stop]
            rows += 1 + (0 if task.known is None else len(task.known))
            rows += 0 if task.past is None else len(task.past)
            stop += 1
        batch = collate(
            [Task(t.history, t.known, t.past) for t in tasks[start:stop]], horizon, device
        )
        predictions = model(**batch["inputs"]).quantile_preds
        quantiles = predictions[batch["target_rows"], :, :horizon].float().cpu().numpy()
        output[start:stop] = quantiles
        start = stop
    output = np.maximum(np.nan_to_num(output, nan=0.0), 0.0)
    return np.sort(output, axis=1)

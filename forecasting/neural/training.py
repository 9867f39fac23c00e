"""Training the transformer: pretraining on the corpus, fine-tuning on one merchant's history
(full or LoRA), with replay of the corpus so that what the base model learned is kept.

Loss: the model's own quantile (pinball) loss over all levels, on observed future periods
only (censored and closed periods carry no loss)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import torch

from forecasting.gaps import window_rows
from forecasting.neural.corpus import SHIPPED_PRICE_EPISODES, Corpus
from forecasting.neural.network import CONTEXT, MAX_HORIZON, Task, collate

Progress = Callable[[int, int, float], None]


@dataclass
class TrainingLog:
    steps: int = 0
    seconds: float = 0.0
    losses: list[float] = field(default_factory=list)  # mean loss per logging interval
    device: str = "cpu"


def pick_device(preferred: str = "auto") -> torch.device:
    if preferred == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(preferred)


class Trainer:
    """AdamW with warm-up and cosine decay over ``steps``, whose whole state (weights,
    optimiser, schedule, step, log) can be saved and loaded, so a long run resumes where it
    stopped."""

    def __init__(
        self,
        model: torch.nn.Module,
        *,
        steps: int,
        learning_rate: float,
        device: torch.device,
        warmup: int = 50,
        log_every: int = 25,
    ) -> None:
        self.model = model.to(device)
        self.device = device
        self.steps = steps
        self.log_every = log_every
        self.parameters = [p for p in model.parameters() if p.requires_grad]
        self.optimiser = torch.optim.AdamW(self.parameters, lr=learning_rate, weight_decay=0.01)

        def schedule(step: int) -> float:
            if step < warmup:
                return (step + 1) / warmup
            done = (step - warmup) / max(1, steps - warmup)
            return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(done, 1.0)))

        self.scheduler = torch.optim.lr_scheduler.LambdaLR(self.optimiser, schedule)
        self.step = 0
        self.log = TrainingLog(device=str(device))
        self._window: list[float] = []

    def run(
        self,
        batches: Iterator[tuple[list[Task], int]],
        *,
        until: int | None = None,
        progress: Progress | None = None,
    ) -> TrainingLog:
        """Train from the current step up to ``until`` (all ``steps`` by default)."""
        until = self.steps if until is None else min(until, self.steps)
        self.model.train()
        started = time.perf_counter()
        while self.step < until:
            tasks, horizon = next(batches)
            batch = collate(tasks, horizon, self.device)
            loss = self.model(**batch["inputs"]).loss
            self.optimiser.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.parameters, 1.0)
            self.optimiser.step()
            self.scheduler.step()
            self.step += 1
            self._window.append(float(loss.detach()))
            if self.step % self.log_every == 0 or self.step == self.steps:
                self.log.losses.append(round(float(np.mean(self._window)), 5))
                self._window = []
                if progress is not None:
                    progress(self.step, self.steps, self.log.losses[-1])
        self.log.steps = self.step
        self.log.seconds += time.perf_counter() - started
        self.model.eval()
        return self.log

    def state_dict(self) -> dict:
        return {
            "model": self.model.state_dict(),
            "optimiser": self.optimiser.state_dict(),
            "scheduler": self.scheduler.state_dict(),
            "step": self.step,
            "log": self.log,
            "window": self._window,
            "torch_rng": torch.get_rng_state(),
        }

    def load_state_dict(self, state: dict) -> None:
        self.model.load_state_dict(state["model"])
        self.optimiser.load_state_dict(state["optimiser"])
        self.scheduler.load_state_dict(state["scheduler"])
        self.step = state["step"]
        self.log = state["log"]
        self._window = state["window"]
        torch.set_rng_state(state["torch_rng"])


def train(
    model: torch.nn.Module,
    batches: Iterator[tuple[list[Task], int]],
    *,
    steps: int,
    learning_rate: float,
    device: torch.device,
    warmup: int = 50,
    log_every: int = 25,
    progress: Progress | None = None,
) -> TrainingLog:
    """Run ``steps`` optimiser steps over ``batches`` (tasks, horizon); cosine schedule."""
    trainer = Trainer(
        model,
        steps=steps,
        learning_rate=learning_rate,
        device=device,
        warmup=warmup,
        log_every=log_every,
    )
    return trainer.run(batches, progress=progress)


@torch.inference_mode()
def corpus_loss(model: torch.nn.Module, *, seed: int = 20_261_129, batches: int = 8) -> float:
    """The mean loss on a fixed sample of the synthetic corpus: how well the model still does
    what the base model learned (checked before and after fine-tuning)."""
    model.eval()
    device = next(model.parameters()).device
    corpus = Corpus(seed=seed, price_episodes=SHIPPED_PRICE_EPISODES)
    losses = []
    for _ in range(batches):
        tasks, horizon = corpus.batch(32)
        losses.append(float(model(**collate(tasks, horizon, device)["inputs"]).loss))
    return float(np.mean(losses))


def corpus_batches(corpus: Corpus, size: int) -> Iterator[tuple[list[Task], int]]:
    while True:
        yield corpus.batch(size)


def history_tasks(
    values: np.ndarray,
    *,
    rng: np.random.Generator,
    size: int,
    horizon: int,
    known: dict[int, np.ndarray] | None = None,
) -> tuple[list[Task], int]:
    """Training windows cut at random points of a merchant's panel (series, periods): the
    context before the cut, the next ``horizon`` periods as the target. ``known``: per series
    row, its known covariates over the same periods (k, periods), prices as recorded."""
    series, periods = values.shape
    tasks: list[Task] = []
    attempts = 0
    while len(tasks) < size and attempts < size * 20:
        attempts += 1
        row = int(rng.integers(series))
        cut = int(rng.integers(min(28, periods // 2), periods))
        start = max(0, cut - CONTEXT)
        history, future = values[row, start:cut], values[row, cut : cut + horizon]
        if np.all(np.isnan(history)) or np.all(np.isnan(future)) or len(future) == 0:
            continue
        future = np.concatenate([future, np.full(horizon - len(future), np.nan)])
        covariates = None
        if known is not None and row in known:
            covariates = window_rows(known[row], start=start, cut=cut, end=cut + horizon)
        tasks.append(Task(history=history, known=covariates, future=future))
    return tasks, horizon


def merchant_batches(
    values: np.ndarray,
    *,
    seed: int,
    size: int,
    replay_share: float,
    known: dict[int, np.ndarray] | None = None,
    horizons: tuple[int, ...] = (16, 32, MAX_HORIZON),
) -> Iterator[tuple[list[Task], int]]:
    """Batches of a merchant's windows with a share of the pretraining corpus replayed."""
    rng = np.random.default_rng(seed)
    corpus = Corpus(seed=seed + 1, price_episodes=SHIPPED_PRICE_EPISODES)
    replayed = round(size * replay_share)
    while True:
        horizon = int(rng.choice(horizons))
        tasks, _ = history_tasks(
            values, rng=rng, size=size - replayed, horizon=horizon, known=known
        )
        if replayed:
            extra, _ = corpus.batch_with_horizon(replayed, horizon)
            tasks += extra
        yield tasks, horizon

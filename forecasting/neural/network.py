"""The network: the Chronos-2 encoder architecture (from `chronos-forecasting`, built on
`transformers`), sized for a CPU and built from our own config, never from downloaded weights.

Why this architecture: it reads NaN as "not observed" (stock-out days and closed days are
masked, not zeros), predicts all our quantile levels directly in one pass (no sampling), and
takes covariates as extra rows of a group: known future ones (price, promotion, calendar
events) carry their future values, past-only ones (similar products' demand) carry history.

Every target is anchored on a plain statistical forecast (`forecasting.neural.anchor`:
exponential smoothing with a seasonal profile for the season the caller gives, 7 for daily
data, a trend and promotion and event effects where its history supports them). The anchor is
a skip connection (`AnchoredChronos2Model`): the network adds its corrections to it (shifts,
the shape of intermittent demand, the spread, what the anchor gets wrong). Over the horizon
the anchor is the target's own future input; over history and horizon alike it is also a
known covariate row, where the model sees how well it fitted the past.

A forecasting task is one target series with its covariate rows; `predict` batches many.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from chronos.chronos2.config import Chronos2CoreConfig
from chronos.chronos2.layers import MLP, AttentionOutput, GroupSelfAttention, ResidualBlock
from chronos.chronos2.model import Chronos2Encoder, Chronos2Model, Chronos2Output
from chronos.chronos_bolt import InstanceNorm

from forecasting.neural.anchor import EVENT_ROW, anchor_with_effects
from forecasting.quantiles import LEVELS

BASE_DIRECTORY = Path(__file__).resolve().parent.parent / "weights" / "base"
SHORT_BATCH = 8  # the fewest tasks a batch is forecast in (`predict`)
PATCH = 16
CONTEXT = 512
MAX_HORIZON = 64
# with ``covariate_scale_floor`` in an architecture (`pretrain_base_model
# --covariate-scale-floor`), a covariate row is scaled by at least that share of its level
# (`_CovariateNorm`); the shipped weights were trained with this one (their config says so)
COVARIATE_SCALE_FLOOR = 0.1

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
    ``future``: (H,) the actual future, for training and scoring only. ``season``: the
    periods in a season (7 for daily data, 12 monthly, 52 weekly), for the anchor."""

    history: np.ndarray
    known: np.ndarray | None = None
    past: np.ndarray | None = None
    future: np.ndarray | None = None
    season: int = 7


def anchor_paths(tasks: list[Task], horizon: int) -> list[np.ndarray]:
    """Per task, (T + H,): its anchor (`forecasting.neural.anchor`) over history and horizon.
    Tasks of one season are computed together, left-padded with NaN (which the anchor
    skips) to their longest history."""
    return anchored(tasks, horizon)[0]


def anchored(
    tasks: list[Task], horizon: int, effects: dict[int, dict[str, float]] | None = None
) -> tuple[list[np.ndarray], dict[int, dict[str, float]]]:
    """`anchor_paths`, and per season the effect of each flag on its tasks together that a
    task's own effect was shrunk towards (`forecasting.neural.anchor.anchor_with_effects`);
    ``effects``: those to shrink towards instead, per season (the store's, for tasks
    anchored apart from it)."""
    paths: list[np.ndarray] = [np.empty(0)] * len(tasks)
    pooled: dict[int, dict[str, float]] = {}
    for season in {task.season for task in tasks}:
        members = [i for i, task in enumerate(tasks) if task.season == season]
        longest = max(len(tasks[i].history) for i in members)
        rows = max((len(tasks[i].known) for i in members if tasks[i].known is not None), default=0)
        panel = np.full((len(members), longest), np.nan)
        known = np.zeros((len(members), rows, longest + horizon)) if rows else None
        for position, i in enumerate(members):
            task = tasks[i]
            pad = longest - len(task.history)
            panel[position, pad:] = task.history
            if task.known is not None:
                known[position, : len(task.known), pad:] = task.known[
                    :, : len(task.history) + horizon
                ]
        anchors, pooled[season] = anchor_with_effects(
            panel, horizon, season, known, (effects or {}).get(season)
        )
        for position, i in enumerate(members):
            paths[i] = anchors[position, longest - len(tasks[i].history) :]
    return paths, pooled


@dataclass(frozen=True)
class _Blocks:
    """Group attention's mask where a batch is groups of ``size`` consecutive rows each:
    ``observed`` (rows, time) marks the periods at which a row may be attended to."""

    size: int
    observed: torch.Tensor


class _BlockEncoder(Chronos2Encoder):
    """Chronos-2's encoder, whose group attention, for a batch of equal consecutive groups,
    attends within each group instead of across the whole batch under a mask: the same
    result, in time linear in the batch instead of quadratic."""

    @staticmethod
    def _construct_and_invert_group_time_mask(group_ids, attention_mask, floating_type):
        rows = group_ids.shape[0]
        counts = torch.bincount(group_ids)
        size = int(counts[0]) if len(counts) else 0
        if (
            size > 0
            and rows % size == 0
            and bool((counts == size).all())
            and bool((group_ids == torch.arange(rows, device=group_ids.device) // size).all())
        ):
            return _Blocks(size, attention_mask)
        return Chronos2Encoder._construct_and_invert_group_time_mask(
            group_ids, attention_mask, floating_type
        )


class _BlockGroupAttention(GroupSelfAttention):
    """Group attention that, given `_Blocks`, attends within each group of rows."""

    def forward(self, hidden_states, attention_mask, output_attentions: bool = False):
        if not isinstance(attention_mask, _Blocks) or output_attentions:
            return super().forward(hidden_states, attention_mask, output_attentions)
        rows, time, _ = hidden_states.shape
        size, groups = attention_mask.size, rows // attention_mask.size
        # a group's rows are consecutive, so (rows, time) reads as (groups, size, time): each
        # period attends across its group's rows where they lie, with nothing transposed
        observed = attention_mask.observed.view(groups, 1, size, time, 1)
        attended = self._attend(self.layer_norm(hidden_states), groups, size, observed)
        return AttentionOutput(
            hidden_states=hidden_states + self.dropout(attended), attn_weights=None
        )

    def _attend(
        self, states: torch.Tensor, groups: int, size: int, observed: torch.Tensor
    ) -> torch.Tensor:
        """Chronos-2's attention (unscaled scores, softmax in float32) over a group's few rows,
        by broadcasting: kernels made for long sequences spend more on setup than on so few.
        ``states`` (rows, time, d); ``observed`` (groups, 1, size, time, 1) marks the rows a
        period may attend to."""
        attention = self.self_attention
        heads, width = attention.n_heads, attention.kv_proj_dim
        rows, time, _ = states.shape

        def split(values: torch.Tensor) -> torch.Tensor:  # (groups, size, time, heads, width)
            return values.view(groups, size, time, heads, width)

        query, key = split(attention.q(states)), split(attention.k(states))
        value = split(attention.v(states))
        # (groups, attending row, attended row, time, heads)
        scores = (query[:, :, None] * key[:, None, :]).sum(-1).float()
        scores = scores.masked_fill(observed == 0, torch.finfo(torch.float32).min)
        weights = torch.softmax(scores, dim=2).to(value.dtype)
        mixed = (weights[..., None] * value[:, None, :]).sum(2)
        return attention.o(mixed.reshape(rows, time, heads * width))


class _CovariateNorm(InstanceNorm):
    """Chronos-2's instance normalisation, but a covariate row (``floored``, set for one
    forward pass) is scaled by at least ``floor`` times its level. Plain standardisation
    divides a row that never moved in the context (a price held for months) by 1e-5, so any
    change ahead, a 10% cut as a 60% one, arrives as the same huge value and the model can
    only read its sign; on the floor, a price's change ahead is read as a share of the price.
    Rows without a level (a promotion flag never set yet) keep Chronos-2's scaling."""

    floor: float = 0.0
    floored: torch.Tensor | None = None

    def forward(self, x, loc_scale=None):
        if loc_scale is None and self.floor > 0 and self.floored is not None:
            values = x.to(torch.float32)
            loc = torch.nan_to_num(torch.nanmean(values, dim=-1, keepdim=True), nan=0.0)
            spread = (values - loc).square().nanmean(dim=-1, keepdim=True).sqrt()
            scale = torch.where(torch.nan_to_num(spread, nan=1.0) == 0, self.eps, spread)
            scale = torch.nan_to_num(scale, nan=1.0)
            lowest = torch.where(self.floored[:, None], self.floor * loc.abs(), 0.0)
            loc_scale = (loc, torch.maximum(scale, lowest))
        return super().forward(x, loc_scale)


# Set for one forecast (`predict`) that takes bfloat16 other than by autocast (a CPU whose
# vector units multiply bfloat16 but which has no AMX): the encoder's linear layers and the
# input embedding take their products in bfloat16 (`_LowLinear`, `_LowFeedForward`,
# `_LowEmbedding`); everything else, and all of training, stays in float32.
_PRODUCTS_IN_BFLOAT16 = contextvars.ContextVar("products_in_bfloat16", default=False)


def _lowered(module: torch.nn.Module, *layers: torch.nn.Module) -> bool:
    """Whether ``module`` takes its products in bfloat16 now: products are lowered, it is not
    training, and each of its ``layers`` can (a layer wrapped for LoRA cannot)."""
    return (
        _PRODUCTS_IN_BFLOAT16.get()
        and not module.training
        and all(isinstance(layer, _LowLinear) for layer in layers)
    )


@contextlib.contextmanager
def _products_in_bfloat16(lowered: bool):
    """Products lowered (or not) for the forward passes within."""
    token = _PRODUCTS_IN_BFLOAT16.set(lowered)
    try:
        yield
    finally:
        _PRODUCTS_IN_BFLOAT16.reset(token)


class _LowLinear(torch.nn.Linear):
    """A linear layer that, while products are lowered (`_PRODUCTS_IN_BFLOAT16`), multiplies
    its input and weights rounded to bfloat16 and gives the result back in float32."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not _lowered(self):
            return super().forward(x)
        return self.low(x.to(torch.bfloat16)).to(x.dtype)

    def low(self, x: torch.Tensor) -> torch.Tensor:
        """The product of a bfloat16 ``x``, in bfloat16."""
        bias = None if self.bias is None else self.bias.to(torch.bfloat16)
        return torch.nn.functional.linear(x, self.weight.to(torch.bfloat16), bias)


def _activate(module: torch.nn.Module, x: torch.Tensor) -> torch.Tensor:
    """``module``'s activation of ``x``, in place where it is a ReLU (a fresh tensor of the
    hidden layer's size costs more than the ReLU)."""
    return x.relu_() if isinstance(module.act, torch.nn.ReLU) else module.act(x)


class _LowFeedForward(MLP):
    """The feed-forward layer, whose hidden layer stays in bfloat16 between its two products
    while products are lowered."""

    def forward(self, hidden_states: torch.Tensor) -> torch.Tensor:
        if not _lowered(self, self.wi, self.wo):
            return super().forward(hidden_states)
        inner = _activate(self, self.wi.low(hidden_states.to(torch.bfloat16)))
        return self.wo.low(inner).to(hidden_states.dtype)


class _LowEmbedding(ResidualBlock):
    """The input patches' embedding, its hidden layer in bfloat16 while products are lowered;
    its two branches are added in float32."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        layers = (self.hidden_layer, self.output_layer, self.residual_layer)
        if self.use_layer_norm or not _lowered(self, *layers):
            return super().forward(x)
        low = x.to(torch.bfloat16)
        hidden = _activate(self, self.hidden_layer.low(low))
        return self.output_layer.low(hidden).to(x.dtype) + self.residual_layer.low(low).to(x.dtype)


class AnchoredChronos2Model(Chronos2Model):
    """The Chronos-2 encoder with an anchor as a skip connection: every quantile it predicts
    (in its normalised space) is the network's output plus the anchor, normalised the same
    way. An untrained network forecasts the anchor, and training learns what to add to it.

    A target's future patches carry its anchor as their input values; Chronos-2 leaves out of
    the loss every period whose future value is an input (a known covariate's), so here the
    loss counts every observed future period of every row that has a target (covariate rows
    have none)."""

    def __init__(self, config: Chronos2CoreConfig) -> None:
        super().__init__(config)
        norm = _CovariateNorm(use_arcsinh=self.chronos_config.use_arcsinh)
        # weights trained before the floor existed have none in their config: no floor
        norm.floor = float(getattr(config, "covariate_scale_floor", 0.0) or 0.0)
        self.instance_norm = norm
        # the same modules and weights, with group attention done group by group
        self.encoder.__class__ = _BlockEncoder
        for block in self.encoder.block:
            block.layer[1].__class__ = _BlockGroupAttention
        # the same modules and weights, able to take their products in bfloat16 (`predict`);
        # the quantile head is left in float32
        self.input_patch_embedding.__class__ = _LowEmbedding
        for module in [*self.encoder.modules(), *self.input_patch_embedding.modules()]:
            if type(module) is torch.nn.Linear:
                module.__class__ = _LowLinear
            elif type(module) is MLP:
                module.__class__ = _LowFeedForward

    def forward(
        self,
        context: torch.Tensor,
        context_mask: torch.Tensor | None = None,
        group_ids: torch.Tensor | None = None,
        future_covariates: torch.Tensor | None = None,
        future_covariates_mask: torch.Tensor | None = None,
        num_output_patches: int = 1,
        future_target: torch.Tensor | None = None,
        future_target_mask: torch.Tensor | None = None,
        output_attentions: bool = False,
        covariate_rows: torch.Tensor | None = None,
    ) -> Chronos2Output:
        """Chronos-2's forward pass with the anchor added to the output; ``covariate_rows``
        (rows,) marks the known and past covariate rows other than the anchor's, which are
        scaled on the floor (`_CovariateNorm`)."""
        # the floor is read where the context is scaled, in `encode`; later scalings are
        # given the context's loc and scale
        self.instance_norm.floored = covariate_rows
        try:
            encoded, loc_scale, covariates_mask, _patches = self.encode(
                context=context,
                context_mask=context_mask,
                group_ids=group_ids,
                future_covariates=future_covariates,
                future_covariates_mask=future_covariates_mask,
                num_output_patches=num_output_patches,
                future_target=future_target,
                future_target_mask=future_target_mask,
            )
        finally:
            self.instance_norm.floored = None
        rows, patch = context.shape[0], self.chronos_config.output_patch_size
        length = num_output_patches * patch
        # the quantile head in float32 even where the encoder ran in bfloat16 (`predict`): the
        # inverse of the arcsinh scaling magnifies its rounding on large values
        with torch.autocast(context.device.type, enabled=False):
            output = self.output_patch_embedding(encoded[0][:, -num_output_patches:].float())
        output = output.view(rows, num_output_patches, self.num_quantiles, patch)
        output = output.permute(0, 2, 1, 3).reshape(rows, self.num_quantiles, length)
        anchor = torch.zeros(rows, length, device=output.device, dtype=output.dtype)
        if future_covariates is not None:
            scaled, _ = self.instance_norm(future_covariates, loc_scale)
            width = min(scaled.shape[-1], length)
            anchor[:, :width] = torch.nan_to_num(scaled[:, :width].to(output.dtype), nan=0.0)
        output = output + anchor[:, None, :]
        loss = None
        if future_target is not None:
            loss = self._compute_loss(
                output,
                future_target,
                future_target_mask,
                torch.zeros_like(covariates_mask),
                loc_scale,
                num_output_patches,
            )
        quantiles = self.instance_norm.inverse(output.reshape(rows, -1), loc_scale)
        return Chronos2Output(
            loss=loss, quantile_preds=quantiles.view(rows, self.num_quantiles, -1)
        )


def build(architecture: dict | None = None, *, seed: int = 0) -> AnchoredChronos2Model:
    torch.manual_seed(seed)
    config = Chronos2CoreConfig(**copy.deepcopy(architecture or ARCHITECTURE))
    return AnchoredChronos2Model(config)


def load(directory: Path | str = BASE_DIRECTORY) -> AnchoredChronos2Model:
    model = AnchoredChronos2Model.from_pretrained(str(directory))
    return model.eval()


def save(model: Chronos2Model, directory: Path | str) -> None:
    model.save_pretrained(str(directory), safe_serialization=True)


def parameter_count(model: torch.nn.Module) -> int:
    return sum(parameter.numel() for parameter in model.parameters())


def collate(
    tasks: list[Task],
    horizon: int,
    device: str | torch.device = "cpu",
    anchors: list[np.ndarray] | None = None,
) -> dict:
    """Stack tasks into the model's inputs: each task is a group (target row first, its future
    patches holding its anchor; then the anchor as a known row, the task's known rows, then
    its past rows), histories left-padded with NaN to a common length. ``anchors``: the
    tasks' `anchor_paths`, where the caller has them already."""
    length = min(max(len(task.history) for task in tasks), CONTEXT)
    rows, futures, targets, groups, target_rows, covariate = [], [], [], [], [], []
    anchors = anchor_paths(tasks, horizon) if anchors is None else anchors
    for group, task in enumerate(tasks):
        history = np.asarray(task.history, dtype=np.float32)[-length:]
        pad = length - len(history)
        known = np.zeros((0, len(task.history) + horizon)) if task.known is None else task.known
        if len(known) > EVENT_ROW:  # the network reads an event of either kind as a flag
            known = known.copy()
            known[EVENT_ROW] = np.ceil(np.clip(known[EVENT_ROW], 0.0, 1.0))
        hint = anchors[group]
        known = np.concatenate([hint[None, :], known], axis=0)
        past = np.zeros((0, len(task.history))) if task.past is None else task.past
        target_rows.append(len(rows))
        series = [(history, hint[len(task.history) :], task.future)]
        # the target and its anchor's row, then the task's own covariate rows
        covariate += [False, False] + [True] * (len(known) - 1 + len(past))
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
        "covariate_rows": torch.tensor(covariate, dtype=torch.bool, device=device),
    }
    future_covariates = as_tensor(futures)
    if not torch.isnan(future_covariates).all():
        inputs["future_covariates"] = future_covariates
    if any(task.future is not None for task in tasks):
        inputs["future_target"] = as_tensor(targets)
        if "future_covariates" not in inputs:
            inputs["future_covariates"] = future_covariates
    return {"inputs": inputs, "target_rows": target_rows}


def _cpu_bfloat16() -> str | None:
    """How this CPU multiplies bfloat16 matrices: "tiles" (AMX), "vectors" (AVX-512 BF16 and
    no AMX), or None (float32 only, or no /proc/cpuinfo to say)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return None
    if "amx_bf16" in flags:
        return "tiles"
    return "vectors" if "avx512_bf16" in flags else None


# Forecasts on a CPU that multiplies bfloat16 take the encoder's products in bfloat16; layer
# norms, scaling, the quantile head and the anchor stay in float32. With AMX, by autocast
# (attention too): 600 to 2,000 daily series took 35-48% less time than in float32. With
# AVX-512 BF16 alone, autocast took 4.2-5.1 s for 2,000 daily series on one such CPU against
# 2.9-3.8 s in float32 (its casts around every operation); there the linear layers and the
# input embedding alone take bfloat16 (`_LowLinear`), each result cast back once and the
# feed-forward's hidden layer kept in bfloat16 between its two products: on another such CPU
# (2 cores) 1.5-2.2 s against 2.3-3.1 s in float32 (autocast did as well there, 1.4-2.0 s),
# and the nightly forecast of 10,000 SKUs 56 s against 74-81 s. On an AMX CPU (2 cores),
# 2,000 daily series after a first pass: autocast 1.30-1.44 s, the linear layers alone
# 1.39-1.55 s, float32 2.08-2.22 s (two runs, interleaved): autocast stays there.
# Quantiles are 0.1% from float32's on average per series (tests/forecasting/test_network.py
# bounds it at 1%).
# Elsewhere, and in all of training, float32.
CPU_BFLOAT16 = _cpu_bfloat16()
BFLOAT16_ON_CPU = CPU_BFLOAT16 is not None


def _rows_of(task: Task) -> int:
    """The rows a task takes in a batch: its target, its anchor, its known and past rows."""
    known = 0 if task.known is None else len(task.known)
    return 2 + known + (0 if task.past is None else len(task.past))


@torch.inference_mode()
def predict(
    model: Chronos2Model,
    tasks: list[Task],
    horizon: int,
    *,
    batch_rows: int = 512,
    device: str | torch.device = "cpu",
    with_anchors: bool = False,
    bfloat16: bool | None = None,
    paths: list[np.ndarray] | None = None,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Quantiles (tasks, len(LEVELS), horizon): never negative, non-decreasing over levels;
    ``with_anchors`` adds each task's anchor over the horizon, (tasks, horizon).
    ``bfloat16``: products in bfloat16 on a CPU (default `BFLOAT16_ON_CPU`), as this CPU does
    them best (`CPU_BFLOAT16`; the linear layers alone where it is not known). ``paths``: the
    tasks' `anchor_paths` where the caller has them (anchored with a larger panel)."""
    if horizon > MAX_HORIZON:
        raise ValueError(f"The transformer forecasts at most {MAX_HORIZON} periods ahead.")
    model.eval()
    output = np.zeros((len(tasks), len(LEVELS), horizon), dtype=np.float32)
    # the anchors of all tasks at once: its smoothing steps through time once, not per batch
    paths = anchor_paths(tasks, horizon) if paths is None else paths
    on_cpu = torch.device(device).type == "cpu"
    lower = on_cpu and (BFLOAT16_ON_CPU if bfloat16 is None else bfloat16)
    by_autocast = lower and CPU_BFLOAT16 == "tiles"
    anchors = np.zeros((len(tasks), horizon))
    # a batch holds tasks of one size (rows per group), so that group attention runs group by
    # group (`_BlockGroupAttention`): one task with a covariate row more in a batch would send
    # the whole batch through attention across all its rows under a mask
    sizes = np.array([_rows_of(task) for task in tasks], dtype=int)
    order = np.argsort(sizes, kind="stable")
    start = 0
    while start < len(tasks):
        stop, rows = start, 0
        while stop < len(tasks) and (
            stop == start or (rows < batch_rows and sizes[order[stop]] == sizes[order[start]])
        ):
            rows += sizes[order[stop]]
            stop += 1
        picked = order[start:stop]
        # a short batch (the last of a size, or a call of a task or two) is filled to at
        # least `SHORT_BATCH` tasks (or a full batch, if smaller) with its last task again:
        # the products' kernels are chosen by the batch's shape, and in bfloat16 a task
        # forecast in a batch of its own came out up to 0.015 units away from the same task
        # in a full batch (an AMX CPU), so a series' forecast would depend on what else was
        # forecast with it (an explanation's re-run of one series against the night's)
        least = min(-(-batch_rows // sizes[order[start]]), SHORT_BATCH)
        filled = np.concatenate([picked, np.repeat(picked[-1:], max(least - len(picked), 0))])
        batch = collate(
            [Task(tasks[i].history, tasks[i].known, tasks[i].past, season=tasks[i].season)
             for i in filled],
            horizon,
            device,
            [paths[i] for i in filled],
        )  # fmt: skip
        lowering = _products_in_bfloat16(lower and not by_autocast)
        with lowering, torch.autocast("cpu", dtype=torch.bfloat16, enabled=by_autocast):
            predictions = model(**batch["inputs"]).quantile_preds
        target_rows = batch["target_rows"][: len(picked)]
        quantiles = predictions[target_rows, :, :horizon].float().cpu().numpy()
        output[picked] = quantiles
        anchors[picked] = [paths[i][-horizon:] for i in picked]
        start = stop
    output = np.sort(np.maximum(np.nan_to_num(output, nan=0.0), 0.0), axis=1)
    return (output, anchors) if with_anchors else output

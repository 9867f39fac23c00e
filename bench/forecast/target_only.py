"""The target-only architectures of `bench/forecast/architectures.py`: Chronos-Bolt and
PatchTST, sized like the project's network and fitted to its training loop, and their backtest
callable. They read target histories only (no covariates). Needs Django set up first, as the
bench does, for the project modules' imports."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import numpy as np
import torch
from chronos.chronos_bolt import ChronosBoltModelForForecasting, InstanceNorm
from transformers import PatchTSTConfig, PatchTSTModel, T5Config

from forecasting.neural import network
from forecasting.neural.network import CONTEXT, MAX_HORIZON, PATCH
from forecasting.quantiles import LEVELS

SIZE = network.ARCHITECTURE  # d_model, d_kv, d_ff, layers, heads, dropout: shared by all
FORECAST_BATCH = 128  # series per forward pass for the target-only models (as TransformerCandidate)
BOLT_DECODER_LAYERS = 1


class TargetOnly(torch.nn.Module):
    """A model that reads target histories only, fitted to the project's training loop.

    The loop's batches come from `network.collate`: one group of rows per task, the target row
    first, then its covariate rows. Only the first row of each group reaches the model, so it
    trains on exactly the target series Chronos-2 sees, without their covariates."""

    def forward(
        self,
        context: torch.Tensor,
        group_ids: torch.Tensor,
        num_output_patches: int,
        future_covariates: torch.Tensor | None = None,
        future_target: torch.Tensor | None = None,
    ) -> SimpleNamespace:
        first = torch.ones_like(group_ids, dtype=torch.bool)
        first[1:] = group_ids[1:] != group_ids[:-1]
        target = None if future_target is None else future_target[first]
        return SimpleNamespace(loss=self.loss(context[first], target))

    def loss(self, context: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def quantiles(self, context: torch.Tensor, horizon: int) -> torch.Tensor:
        """(series, len(LEVELS), horizon) in the data's units."""
        raise NotImplementedError


class Bolt(TargetOnly):
    """Chronos-Bolt built from a config the size of ours: the same width, heads, feed-forward
    and layers in the encoder, patches of PATCH periods, our quantile levels, MAX_HORIZON
    ahead in one pass. The published Bolt models have as many decoder layers as encoder
    layers; here the decoder (which reads one token) has BOLT_DECODER_LAYERS, because four
    would add 0.8M parameters and make Bolt twice our size (2.6M against 1.4M)."""

    def __init__(self) -> None:
        super().__init__()
        config = T5Config(
            d_model=SIZE["d_model"],
            d_kv=SIZE["d_kv"],
            d_ff=SIZE["d_ff"],
            num_layers=SIZE["num_layers"],
            num_decoder_layers=BOLT_DECODER_LAYERS,
            num_heads=SIZE["num_heads"],
            dropout_rate=SIZE["dropout_rate"],
            feed_forward_proj=SIZE["feed_forward_proj"],
            initializer_factor=0.05,  # Chronos2CoreConfig's default, so both start alike
            is_encoder_decoder=True,
            decoder_start_token_id=0,
            pad_token_id=0,
            chronos_config={
                "context_length": CONTEXT,
                "prediction_length": MAX_HORIZON,
                "input_patch_size": PATCH,
                "input_patch_stride": PATCH,
                "quantiles": [float(level) for level in LEVELS],
                "use_reg_token": True,
            },
        )
        self.network = ChronosBoltModelForForecasting(config)

    def loss(self, context: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        # Bolt's own loss: targets shorter than MAX_HORIZON are padded and masked inside.
        return self.network(context=context, target=target).loss

    def quantiles(self, context: torch.Tensor, horizon: int) -> torch.Tensor:
        return self.network(context=context).quantile_preds[:, :, :horizon]


class PatchTSTQuantiles(TargetOnly):
    """PatchTST's encoder with a quantile head: the flattened patch embeddings through a
    bottleneck to (levels x MAX_HORIZON) values. PatchTST's own linear flatten head would need
    4,096 x 960 weights (3.9M, more than the rest of all three models); the bottleneck keeps it
    near the others' size. Each history is standardised as Bolt does it; PatchTST has no input
    for "not observed", so its NaN periods (left padding, closed days) become the series' mean
    (0 after standardisation), and it always reads CONTEXT periods (its positions are fixed)."""

    def __init__(self) -> None:
        super().__init__()
        config = PatchTSTConfig(
            num_input_channels=1,
            context_length=CONTEXT,
            patch_length=PATCH,
            patch_stride=PATCH,
            num_hidden_layers=SIZE["num_layers"],
            d_model=SIZE["d_model"],
            num_attention_heads=SIZE["num_heads"],
            ffn_dim=SIZE["d_ff"],
            dropout=SIZE["dropout_rate"],
            ff_dropout=SIZE["dropout_rate"],
            activation_function=SIZE["feed_forward_proj"],
            norm_type="layernorm",  # BatchNorm's running statistics misbehave (ML-NOTES.md)
            scaling=None,  # standardised here, NaN-aware, before the model
            prediction_length=MAX_HORIZON,
        )
        self.encoder = PatchTSTModel(config)
        patches = self.encoder.patchifier.num_patches
        self.head = torch.nn.Sequential(
            torch.nn.Flatten(start_dim=1),
            torch.nn.Dropout(SIZE["dropout_rate"]),
            torch.nn.Linear(patches * SIZE["d_model"], SIZE["d_model"]),
            torch.nn.GELU(),
            torch.nn.Linear(SIZE["d_model"], len(LEVELS) * MAX_HORIZON),
        )
        self.norm = InstanceNorm()
        self.register_buffer("levels", torch.tensor(LEVELS, dtype=torch.float32), persistent=False)

    def _scaled_quantiles(self, context: torch.Tensor):
        context = context[:, -CONTEXT:]
        pad = CONTEXT - context.shape[1]
        context = torch.nn.functional.pad(context, (pad, 0), value=float("nan"))
        scaled, loc_scale = self.norm(context)
        scaled = torch.nan_to_num(scaled, nan=0.0)
        hidden = self.encoder(past_values=scaled.unsqueeze(-1)).last_hidden_state[:, 0]
        output = self.head(hidden).view(-1, len(LEVELS), MAX_HORIZON)
        return output, loc_scale

    def loss(self, context: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        output, loc_scale = self._scaled_quantiles(context)
        target, _ = self.norm(target, loc_scale)
        observed = ~torch.isnan(target)
        padding = (0, MAX_HORIZON - target.shape[1])
        target = torch.nn.functional.pad(torch.nan_to_num(target), padding)
        observed = torch.nn.functional.pad(observed, padding)
        target, observed = target.unsqueeze(1), observed.unsqueeze(1).float()
        levels = self.levels.view(1, -1, 1)
        pinball = 2 * torch.abs((target - output) * ((target <= output).float() - levels))
        # Reduced as Chronos-2 and Bolt reduce theirs: mean over the horizon, sum over levels,
        # mean over series; unobserved and padded periods carry no loss.
        return (pinball * observed).mean(dim=-1).sum(dim=-1).mean()

    def quantiles(self, context: torch.Tensor, horizon: int) -> torch.Tensor:
        output, (loc, scale) = self._scaled_quantiles(context)
        return output[:, :, :horizon] * scale.unsqueeze(1) + loc.unsqueeze(1)


def target_only_candidate(model: TargetOnly) -> Callable[[np.ndarray, int, int], np.ndarray]:
    """The model as a backtest callable, post-processed as `network.predict` does its output
    (never negative, sorted across levels)."""

    @torch.inference_mode()
    def forecast(panel: np.ndarray, horizon: int, season: int) -> np.ndarray:
        model.eval()
        output = np.zeros((panel.shape[0], len(LEVELS), horizon), dtype=np.float32)
        for start in range(0, panel.shape[0], FORECAST_BATCH):
            rows = panel[start : start + FORECAST_BATCH, -CONTEXT:]
            context = torch.tensor(rows, dtype=torch.float32)
            output[start : start + len(rows)] = model.quantiles(context, horizon).numpy()
        output = np.maximum(np.nan_to_num(output, nan=0.0), 0.0)
        return np.sort(output, axis=1).astype(float)

    return forecast

"""Forecasting architectures at an equal, small training budget: accuracy, size and speed.

The base model's architecture was picked on speed alone; this measures accuracy too. Each
architecture is pretrained from random initialisation on the same corpus batches (the same
`Corpus` sampler and seed, batch size, number of optimiser steps, AdamW and learning-rate
schedule: all go through `forecasting.neural.training.train`), then scored zero-shot on the
held-out windows of `bench/forecast/run.py`, with `forecasting.backtest.run_backtest`:

- chronos2: the project's network (`forecasting.neural.network.build`), covariate rows included;
- chronos_bolt: Chronos-Bolt (`chronos.chronos_bolt`, T5 encoder-decoder with direct quantile
  outputs), sized like ours; it takes no covariates, so it learns from target histories only;
- patchtst: PatchTST (`transformers`, layer norm) with a quantile head trained on the pinball
  loss over our levels; target histories only, with a fixed context of CONTEXT periods.

Data: carparts monthly (H=12, M=12, never in the corpus) and the Online Retail products sold
on at least 100 days (daily, H=28, M=7; the corpus holds out their last 56 days). One table
prints parameters, training seconds, ms per step, forecast series/s and MASE/WQL per data set
(ratio to seasonal naive in brackets) beside the baselines; `--out` writes the figures as JSON.

Chronos-2 is also scored without its covariate rows ("chronos2 (no covariates)"). The Online
Retail price row is the average price on days with sales, carried forward; inside the
held-out window it is held at its value at the origin (forecasting.gaps.window_rows), since
its changes there would mark the days something sold.

    .venv/bin/python bench/forecast/architectures.py --steps 400 [--batch-size 64] [--seed 7]
        [--architectures chronos2,chronos_bolt,patchtst] [--out var/architectures.json]

On an idle 2-core CPU a step of 64 series took about 1.0 s (chronos2), 0.3 s (chronos_bolt) and
0.6 s (patchtst) in a 15-step probe: --steps 400 is about 7 minutes for chronos2 and 15 for the
whole run. Run it alone: beside other CPU work, torch's two threads slow down several-fold (a
run next to other benchmarks took 51 minutes) and the time columns mean little.

It needs no database: Django is set up with the local settings for the modules' imports only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402  (settings and path first)

django.setup()

import numpy as np  # noqa: E402
import torch  # noqa: E402
from chronos.chronos_bolt import ChronosBoltModelForForecasting, InstanceNorm  # noqa: E402
from transformers import PatchTSTConfig, PatchTSTModel, T5Config  # noqa: E402

from bench.forecast.run import DATA, retail_subset  # noqa: E402
from forecasting.backtest import run_backtest  # noqa: E402
from forecasting.neural import network, training  # noqa: E402
from forecasting.neural.corpus import Corpus, RetailSeries  # noqa: E402
from forecasting.neural.inference import Covariates, TransformerCandidate  # noqa: E402
from forecasting.neural.network import CONTEXT, MAX_HORIZON, PATCH, Task  # noqa: E402
from forecasting.panels import Panel, load_long_csv  # noqa: E402
from forecasting.quantiles import LEVELS  # noqa: E402

SIZE = network.ARCHITECTURE  # d_model, d_kv, d_ff, layers, heads, dropout: shared by all
FORECAST_BATCH = 128  # series per forward pass for the target-only models (as TransformerCandidate)
DATASETS = {"carparts": (12, 12), "retail": (28, 7)}  # name: (horizon, season)
BOLT_DECODER_LAYERS = 1
BASELINE_ROWS = ("seasonal_naive", "exponential_smoothing", "tsb", "shelfcast")


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


def build(name: str, seed: int) -> torch.nn.Module:
    torch.manual_seed(seed)  # network.build seeds the same way
    if name == "chronos2":
        return network.build(seed=seed)
    if name == "chronos_bolt":
        return Bolt()
    if name == "patchtst":
        return PatchTSTQuantiles()
    raise SystemExit(f"unknown architecture {name!r}: chronos2, chronos_bolt or patchtst")


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


class RecordedBatches:
    """The corpus batches, with a digest of every batch handed out (so equal digests show the
    architectures saw the same data) and the time spent drawing them."""

    def __init__(self, corpus: Corpus, size: int) -> None:
        self.source = training.corpus_batches(corpus, size)
        self.digest = hashlib.blake2b(digest_size=8)
        self.seconds = 0.0

    def __iter__(self) -> Iterator[tuple[list[Task], int]]:
        return self

    def __next__(self) -> tuple[list[Task], int]:
        started = time.perf_counter()
        tasks, horizon = next(self.source)
        self.seconds += time.perf_counter() - started
        self.digest.update(str(horizon).encode())
        for task in tasks:
            self.digest.update(np.nan_to_num(task.history).tobytes())
        return tasks, horizon


def pretrain(name: str, args, retail: RetailSeries) -> tuple[torch.nn.Module, dict]:
    model = build(name, args.seed)
    corpus = Corpus(seed=args.seed, retail=retail)
    batches = RecordedBatches(corpus, args.batch_size)
    print(
        f"\n{name}: {network.parameter_count(model):,} parameters, {args.steps} steps of "
        f"{args.batch_size} series",
        flush=True,
    )

    def progress(step: int, total: int, loss: float) -> None:
        if step % 100 == 0 or step == total:
            print(f"  step {step}/{total} loss {loss:.4f}", flush=True)

    torch.manual_seed(args.seed)  # dropout draws, alike for each architecture
    log = training.train(
        model,
        batches,
        steps=args.steps,
        learning_rate=args.learning_rate,
        device=torch.device("cpu"),
        progress=progress,
    )
    record = {
        "parameters": network.parameter_count(model),
        "train_seconds": round(log.seconds, 1),
        "ms_per_step": round(1000 * log.seconds / max(log.steps, 1), 1),
        "batch_seconds": round(batches.seconds, 1),
        "batch_digest": batches.digest.hexdigest(),
        "final_loss": log.losses[-1] if log.losses else None,
        "losses": log.losses,
    }
    print(
        f"  trained in {log.seconds:.0f} s ({record['ms_per_step']} ms/step, of which drawing "
        f"batches {batches.seconds:.0f} s); batches digest {record['batch_digest']}",
        flush=True,
    )
    return model, record


def load_panels() -> dict[str, Panel]:
    carparts = load_long_csv(
        DATA / "carparts-expsmooth" / "carparts_monthly.csv.gz",
        freq="M",
        id_col="part_id",
        date_col="month",
        target_col="units",
    )
    subset, _ = retail_subset()
    retail = load_long_csv(
        subset, freq="D", id_col="series_id", date_col="date", target_col="units"
    )
    subset.unlink()
    return {"carparts": carparts, "retail": retail}


def candidates(models: dict[str, torch.nn.Module], panel: Panel) -> dict[str, Callable]:
    extra = {}
    for name, model in models.items():
        if name == "chronos2":
            extra[name] = TransformerCandidate(model, Covariates(known=panel.known))
            # The same model without its covariates: separates the architecture from what the
            # covariates give it (the others cannot read them).
            extra["chronos2 (no covariates)"] = TransformerCandidate(model)
        else:
            extra[name] = target_only_candidate(model)
    return extra


def cell(figures: dict, reference: dict, metric: str) -> str:
    return f"{figures[metric]:.3f} ({figures[metric] / reference[metric]:.2f})"


def print_table(results: dict) -> None:
    print("\nZero-shot accuracy at an equal training budget; in brackets: ratio to seasonal naive")
    for name, (horizon, season) in DATASETS.items():
        print(f"  {name}: {results['datasets'][name]['n_series']} series, H={horizon}, M={season}")
    header = (
        f"{'architecture':<26}{'params':>10}{'train s':>9}{'ms/step':>9}{'series/s':>10}"
        f"{'carparts MASE':>16}{'carparts WQL':>16}{'retail MASE':>16}{'retail WQL':>16}"
    )
    print(header)
    print("-" * len(header))
    rows = [*results["models"], *BASELINE_ROWS]
    for row in rows:
        training_record = results["training"].get(row.split(" ")[0], {})
        scored = [results["datasets"][name]["models"][row] for name in DATASETS]
        series = sum(results["datasets"][name]["n_series"] for name in DATASETS)
        seconds = sum(figures["seconds"] for figures in scored)
        parameters = training_record.get("parameters")
        line = (
            f"{row:<26}{f'{parameters:,}' if parameters else '-':>10}"
            f"{training_record.get('train_seconds', '-'):>9}"
            f"{training_record.get('ms_per_step', '-'):>9}"
            f"{f'{series / seconds:,.0f}' if seconds else '-':>10}"
        )
        for name in DATASETS:
            figures = results["datasets"][name]["models"][row]
            reference = results["datasets"][name]["models"]["seasonal_naive"]
            line += f"{cell(figures, reference, 'MASE'):>16}{cell(figures, reference, 'WQL'):>16}"
        print(line)
    print(
        "series/s: both data sets' series over both forecast passes (for shelfcast: its "
        "per-series choice among the baselines, backtest included). chronos2 (no covariates) "
        "is the chronos2 model, forecasting without its covariate rows."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--architectures", default="chronos2,chronos_bolt,patchtst")
    parser.add_argument("--retail", type=Path, default=DATA / "online-retail-uci")
    parser.add_argument("--out", type=Path, help="Write the figures as JSON here.")
    args = parser.parse_args()
    names = [name.strip() for name in args.architectures.split(",") if name.strip()]
    for name in names:
        build(name, args.seed)  # an unknown name fails now, not after an hour of training
    started = time.perf_counter()
    retail = RetailSeries(args.retail)
    panels = load_panels()
    print(
        f"corpus: synthetic + {len(retail.units):,} Online Retail series; torch threads "
        f"{torch.get_num_threads()}, {platform.machine()}, {os.cpu_count()} cores",
        flush=True,
    )
    models, records = {}, {}
    for name in names:
        models[name], records[name] = pretrain(name, args, retail)
    results = {
        "arguments": {key: str(value) for key, value in vars(args).items()},
        "torch_threads": torch.get_num_threads(),
        "models": list(candidates(models, panels["carparts"])),
        "training": records,
        "datasets": {},
    }
    for name, (horizon, season) in DATASETS.items():
        panel = panels[name]
        print(f"\nscoring on {name} …", flush=True)
        backtest = run_backtest(
            panel, horizon=horizon, season=season, extra=candidates(models, panel)
        )
        results["datasets"][name] = backtest.as_dict()
        for model, seconds in backtest.seconds.items():  # as_dict rounds to 10 ms: too coarse
            results["datasets"][name]["models"][model]["seconds"] = round(seconds, 4)
    print_table(results)
    results["seconds"] = round(time.perf_counter() - started, 1)
    print(f"\nwhole run: {results['seconds']:.0f} s")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

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

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402  (settings and path first)

django.setup()

import numpy as np  # noqa: E402
import torch  # noqa: E402

from bench.forecast.run import DATA, carparts_panel, retail_panel  # noqa: E402
from bench.forecast.target_only import Bolt, PatchTSTQuantiles, target_only_candidate  # noqa: E402
from forecasting.backtest import run_backtest  # noqa: E402
from forecasting.neural import network, training  # noqa: E402
from forecasting.neural.corpus import Corpus, RetailSeries  # noqa: E402
from forecasting.neural.inference import Covariates, TransformerCandidate  # noqa: E402
from forecasting.neural.network import Task  # noqa: E402
from forecasting.panels import Panel  # noqa: E402

DATASETS = {"carparts": (12, 12), "retail": (28, 7)}  # name: (horizon, season)
BASELINE_ROWS = ("seasonal_naive", "exponential_smoothing", "tsb", "shelfcast")


def build(name: str, seed: int) -> torch.nn.Module:
    torch.manual_seed(seed)  # network.build seeds the same way
    if name == "chronos2":
        return network.build(seed=seed)
    if name == "chronos_bolt":
        return Bolt()
    if name == "patchtst":
        return PatchTSTQuantiles()
    raise SystemExit(f"unknown architecture {name!r}: chronos2, chronos_bolt or patchtst")


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
    carparts = carparts_panel()
    return {"carparts": carparts, "retail": retail_panel()[0]}


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

"""`manage.py pretrain_base_model`: train the base forecasting transformer from scratch on the
synthetic corpus and the Online Retail series, seeded, and write its weights and model card.

    python manage.py pretrain_base_model --steps 4000 --seed 7 \
        --retail ../shared/data/online-retail-uci --out forecasting/weights/base
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import time
from pathlib import Path

import torch
from django.core.management.base import BaseCommand, CommandError

from forecasting.neural import network, training
from forecasting.neural.corpus import RETAIL_HELD_OUT_DAYS, Corpus, RetailSeries


class Command(BaseCommand):
    help = "Pretrain the base forecasting model (reproducible: seeded)."

    def add_arguments(self, parser):
        parser.add_argument("--steps", type=int, default=4000)
        parser.add_argument("--batch-size", type=int, default=64)
        parser.add_argument("--learning-rate", type=float, default=1e-3)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--retail", type=Path, help="The online-retail-uci data folder.")
        parser.add_argument("--out", type=Path, default=network.BASE_DIRECTORY)
        parser.add_argument("--device", default="auto", help="auto, cpu or cuda")
        parser.add_argument("--threads", type=int, default=0, help="CPU threads (0: all)")

    def handle(
        self, *args, steps, batch_size, learning_rate, seed, retail, out, device, threads, **options
    ):
        if threads:
            torch.set_num_threads(threads)
        retail_series = None
        if retail is not None:
            if not (retail / "daily_sku_sales.csv.gz").exists():
                raise CommandError(f"{retail} holds no daily_sku_sales.csv.gz")
            retail_series = RetailSeries(retail)
        corpus = Corpus(seed=seed, retail=retail_series)
        model = network.build(seed=seed)
        target = training.pick_device(device)
        self.stdout.write(
            f"training {network.parameter_count(model):,} parameters on {target} for {steps} "
            f"steps of {batch_size} series"
        )

        def progress(step: int, total: int, loss: float) -> None:
            if step % 250 == 0 or step == total:
                self.stdout.write(f"  step {step}/{total} loss {loss:.4f}")
            if step % 1000 == 0 and step < total:  # to look at while it trains, or after a crash
                network.save(model, out / "checkpoint")

        log = training.train(
            model,
            training.corpus_batches(corpus, batch_size),
            steps=steps,
            learning_rate=learning_rate,
            device=target,
            progress=progress,
        )
        model.to("cpu")
        out.mkdir(parents=True, exist_ok=True)
        network.save(model, out)
        shutil.rmtree(out / "checkpoint", ignore_errors=True)  # the final weights replace it
        record = {
            "architecture": "Chronos-2 encoder (chronos-forecasting) built from config",
            "parameters": network.parameter_count(model),
            "config": network.ARCHITECTURE,
            "corpus": {
                "synthetic": "forecasting/neural/corpus.py generators",
                "retail_series": 0 if retail_series is None else len(retail_series.units),
                "real_share": corpus.real_share,
                "retail_days_held_out": RETAIL_HELD_OUT_DAYS,
            },
            "steps": steps,
            "batch_size": batch_size,
            "learning_rate": learning_rate,
            "seed": seed,
            "device": log.device,
            "hardware": f"{platform.machine()} {platform.processor() or ''} "
            f"{os.cpu_count()} cores, torch threads {torch.get_num_threads()}",
            "seconds": round(log.seconds, 1),
            "final_loss": log.losses[-1] if log.losses else None,
            "corpus_loss": round(training.corpus_loss(model), 5),
            "losses": log.losses,
            "created": time.strftime("%Y-%m-%d %H:%M:%S"),
        }
        (out / "training.json").write_text(json.dumps(record, indent=2) + "\n")
        (out / "MODEL_CARD.md").write_text(model_card(record))
        self.stdout.write(
            f"wrote {out} in {log.seconds:.0f} s (final loss {record['final_loss']}, "
            f"corpus loss {record['corpus_loss']})"
        )


def model_card(record: dict) -> str:
    config = record["config"]
    chronos = config["chronos_config"]
    corpus = record["corpus"]
    return f"""# Shelfcast base forecasting model

## Architecture
{record["architecture"]}: an encoder of {config["num_layers"]} layers (model width
{config["d_model"]}, {config["num_heads"]} heads, feed-forward {config["d_ff"]}), attention over
time and across a group (a target series with its covariate rows), patches of
{chronos["input_patch_size"]} periods, context up to {chronos["context_length"]} periods, up to
{chronos["max_output_patches"] * chronos["output_patch_size"]} periods ahead in one pass,
{len(chronos["quantiles"])} quantile levels from {chronos["quantiles"][0]} to
{chronos["quantiles"][-1]}. {record["parameters"]:,} parameters, float32 safetensors.
Inputs: the history (NaN where demand was not observed: stock-outs, closed days), known future
covariates (price, promotion, calendar events) and past-only covariates (the demand of similar
products). Built from `forecasting/neural/network.py`; no downloaded weights.

## Corpus
Synthetic series from `forecasting/neural/corpus.py` (smooth, weekly and yearly seasonal,
monthly and weekly data, trends and changes of trend, intermittent and lumpy demand, price
response and promotion uplift with their covariates, calendar events, launches and
phase-outs, large one-off orders, stock-outs and closed days as censored values, new products
with similar products' demand) and {corpus["retail_series"]:,} real daily series of the Online
Retail (UCI) data set, {corpus["real_share"]:.0%} of each batch, with their last
{corpus["retail_days_held_out"]} days held out (the benchmark's test window lies in them).
The carparts data set is never used: it is kept for zero-shot evaluation.

## Training
{record["steps"]:,} steps of {record["batch_size"]} series, AdamW at {record["learning_rate"]}
with warm-up and cosine decay, seed {record["seed"]}, on {record["device"]}
({record["hardware"]}), {record["seconds"]:,.0f} s. Final training loss
{record["final_loss"]}; loss on the fixed corpus sample {record["corpus_loss"]}.
Rebuild: `python manage.py pretrain_base_model --steps {record["steps"]} --seed {record["seed"]}
--batch-size {record["batch_size"]} --retail ../shared/data/online-retail-uci` (bit-for-bit
on the same hardware and thread count; CPU kernels may differ elsewhere).

## Backtest scores
`bench/forecast/run.py` measures them (carparts zero-shot, Online Retail) beside seasonal
naive and AutoETS; see the section below when filled in for this build.
"""

"""`manage.py pretrain_base_model`: train the base forecasting transformer from scratch on the
synthetic corpus and the Online Retail series, seeded, and write its weights and model card.

    python manage.py pretrain_base_model --steps 8000 --seed 7 --batch-size 64 \
        --retail ../shared/data/online-retail-uci --covariate-scale-floor 0.1 \
        --price-episodes --out forecasting/weights/base

A long run keeps a checkpoint (weights, optimiser, schedule, the corpus's random state) in
``--checkpoint`` every ``--checkpoint-every`` steps and, started again with the same
arguments, resumes from it: a restart costs at most that many steps, and the result is the
same as an uninterrupted run's. ``--finish-now`` writes the weights as the checkpoint holds them
(the card says how many of the planned steps ran, with the learning rate not yet decayed to
its end), for when the time for a full run is not there; running on resumes from the same
checkpoint. At the end the capability gates (`forecasting.capabilities`)
run on the new weights and go into the model card with everything else it says.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

import torch
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from forecasting import capabilities
from forecasting.neural import network, training
from forecasting.neural.corpus import RETAIL_HELD_OUT_DAYS, Corpus, RetailSeries


class Command(BaseCommand):
    help = "Pretrain the base forecasting model (reproducible: seeded, resumable)."
    requires_system_checks = []  # a training job: it needs no URLs, admin or database

    def add_arguments(self, parser):
        parser.add_argument("--steps", type=int, default=4000)
        parser.add_argument("--batch-size", type=int, default=64)
        parser.add_argument("--learning-rate", type=float, default=1e-3)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--retail", type=Path, help="The online-retail-uci data folder.")
        parser.add_argument("--out", type=Path, default=network.BASE_DIRECTORY)
        parser.add_argument("--device", default="auto", help="auto, cpu or cuda")
        parser.add_argument("--threads", type=int, default=0, help="CPU threads (0: all)")
        parser.add_argument(
            "--checkpoint",
            type=Path,
            default=Path(settings.BASE_DIR) / "var" / "pretraining" / "checkpoint.pt",
        )
        parser.add_argument("--checkpoint-every", type=int, default=250)
        parser.add_argument(
            "--covariate-scale-floor",
            type=float,
            default=0.0,
            help="Scale each covariate row by at least this share of its level (0: plain "
            f"standardisation; {network.COVARIATE_SCALE_FLOOR} reads a cut to a price that "
            "never moved as a share of the price).",
        )
        parser.add_argument(
            "--price-episodes",
            action="store_true",
            help="Synthetic prices in episodes of their own depth, some without the promotion "
            "flag (forecasting.neural.corpus._add_price_episodes).",
        )
        parser.add_argument(
            "--finish-now",
            action="store_true",
            help="Write the weights and card from the checkpoint without training further.",
        )

    def handle(self, *args, **options):
        if options["threads"]:
            torch.set_num_threads(options["threads"])
        retail_series = load_retail(options["retail"])
        steps, seed, out = options["steps"], options["seed"], options["out"]
        corpus = Corpus(seed=seed, retail=retail_series, price_episodes=options["price_episodes"])
        architecture = dict(network.ARCHITECTURE)
        if options["covariate_scale_floor"] > 0:
            architecture["covariate_scale_floor"] = options["covariate_scale_floor"]
        model = network.build(architecture, seed=seed)
        trainer = training.Trainer(
            model,
            steps=steps,
            learning_rate=options["learning_rate"],
            device=training.pick_device(options["device"]),
        )
        recipe = {
            "steps": steps,
            "seed": seed,
            "batch_size": options["batch_size"],
            "learning_rate": options["learning_rate"],
            "retail_series": 0 if retail_series is None else len(retail_series.units),
            "architecture": architecture,
        }
        if options["price_episodes"]:  # absent otherwise: earlier checkpoints still resume
            recipe["price_episodes"] = True
        checkpoint: Path = options["checkpoint"]
        if checkpoint.exists():
            self.resume(checkpoint, recipe, trainer, corpus)
        self.stdout.write(
            f"training {network.parameter_count(model):,} parameters on {trainer.device} for "
            f"{steps} steps of {options['batch_size']} series"
        )
        self.train(trainer, corpus, recipe, checkpoint, options)
        model.to("cpu")
        out.mkdir(parents=True, exist_ok=True)
        network.save(model, out)
        results = capabilities.gates(capabilities.transformer_forecaster(model))
        record = training_record(model, trainer, corpus, recipe, options, results)
        (out / "training.json").write_text(json.dumps(record, indent=2) + "\n")
        (out / "MODEL_CARD.md").write_text(model_card(record, capabilities.table(results)))
        if trainer.step >= steps:
            checkpoint.unlink(missing_ok=True)  # the final weights replace it
        self.stdout.write(capabilities.table(results))
        self.stdout.write(
            f"wrote {out} in {trainer.log.seconds:.0f} s (final loss {record['final_loss']}, "
            f"corpus loss {record['corpus_loss']}, "
            f"{sum(gate.passed for gate in results)}/{len(results)} gates passed)"
        )

    def resume(
        self, checkpoint: Path, recipe: dict, trainer: training.Trainer, corpus: Corpus
    ) -> None:
        """Loads the trainer's state and the corpus's random state from ``checkpoint``, which
        must belong to a run with the same ``recipe``."""
        state = torch.load(checkpoint, map_location=trainer.device, weights_only=False)
        if state["recipe"] != recipe:
            raise CommandError(
                f"{checkpoint} belongs to another run ({state['recipe']}); remove it or "
                f"give another --checkpoint."
            )
        trainer.load_state_dict(state["trainer"])
        corpus.rng.bit_generator.state = state["corpus_rng"]
        self.stdout.write(f"resuming from step {trainer.step} ({checkpoint})")

    def train(
        self,
        trainer: training.Trainer,
        corpus: Corpus,
        recipe: dict,
        checkpoint: Path,
        options: dict,
    ) -> None:
        """Trains to the planned steps (none with ``--finish-now``), saving a checkpoint every
        ``--checkpoint-every`` steps until the last."""
        batches = training.corpus_batches(corpus, options["batch_size"])
        every = max(1, options["checkpoint_every"])
        if options["finish_now"] and not checkpoint.exists():
            raise CommandError(f"--finish-now needs a checkpoint; {checkpoint} does not exist.")
        while trainer.step < recipe["steps"] and not options["finish_now"]:
            trainer.run(
                batches, until=(trainer.step // every + 1) * every, progress=self.report_progress
            )
            if trainer.step < recipe["steps"]:
                save_checkpoint(checkpoint, recipe, trainer, corpus)

    def report_progress(self, step: int, total: int, loss: float) -> None:
        if step % 250 == 0 or step == total:
            self.stdout.write(f"  step {step}/{total} loss {loss:.4f}", ending="\n")
            self.stdout.flush()


def load_retail(directory: Path | None) -> RetailSeries | None:
    """The Online Retail series from ``directory``, or none when no folder is given."""
    if directory is None:
        return None
    if not (directory / "daily_sku_sales.csv.gz").exists():
        raise CommandError(f"{directory} holds no daily_sku_sales.csv.gz")
    return RetailSeries(directory)


def training_record(
    model: torch.nn.Module,
    trainer: training.Trainer,
    corpus: Corpus,
    recipe: dict,
    options: dict,
    results: list[capabilities.Gate],
) -> dict:
    """What `training.json` holds and the model card is written from."""
    log = trainer.log
    return {
        "architecture": "Chronos-2 encoder (chronos-forecasting) built from config",
        "parameters": network.parameter_count(model),
        "config": recipe["architecture"],
        "price_episodes": bool(recipe.get("price_episodes")),
        "inputs": "target anchored on exponential smoothing (a skip connection and a "
        "known row: forecasting.neural.network.anchor_paths), known covariates, "
        "past-only covariates",
        "corpus": {
            "synthetic": "forecasting/neural/corpus.py generators",
            "retail_series": recipe["retail_series"],
            "real_share": corpus.real_share,
            "retail_days_held_out": RETAIL_HELD_OUT_DAYS,
        },
        "steps": trainer.step,
        "planned_steps": recipe["steps"],
        "batch_size": options["batch_size"],
        "learning_rate": options["learning_rate"],
        "seed": recipe["seed"],
        "device": log.device,
        "hardware": f"{platform.machine()} {platform.processor() or ''} "
        f"{os.cpu_count()} cores, torch threads {torch.get_num_threads()}",
        "seconds": round(log.seconds, 1),
        "final_loss": log.losses[-1] if log.losses else None,
        "corpus_loss": round(training.corpus_loss(model), 5),
        "gates": [
            {
                "case": gate.case,
                "measure": gate.measure,
                "value": round(gate.value, 4),
                "threshold": round(gate.threshold, 4),
                "passed": gate.passed,
            }
            for gate in results
        ],
        "losses": log.losses,
        "created": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def save_checkpoint(path: Path, recipe: dict, trainer: training.Trainer, corpus: Corpus) -> None:
    """Written beside and renamed over the last one: a crash while writing keeps the old."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    torch.save(
        {
            "recipe": recipe,
            "trainer": trainer.state_dict(),
            "corpus_rng": corpus.rng.bit_generator.state,
        },
        partial,
    )
    os.replace(partial, path)


def model_card(record: dict, gates: str) -> str:
    """The model card (Markdown) for a training ``record``, with the gates' ``table``."""
    return (
        "# Shelfcast base forecasting model\n\n"
        + _architecture_section(record)
        + _corpus_section(record)
        + _training_section(record)
        + _gates_section(record, gates)
    )


def _architecture_section(record: dict) -> str:
    config = record["config"]
    chronos = config["chronos_config"]
    return f"""## Architecture
{record["architecture"]}: an encoder of {config["num_layers"]} layers (model width
{config["d_model"]}, {config["num_heads"]} heads, feed-forward {config["d_ff"]}), attention over
time and across a group (a target series with its covariate rows), patches of
{chronos["input_patch_size"]} periods, context up to {chronos["context_length"]} periods, up to
{chronos["max_output_patches"] * chronos["output_patch_size"]} periods ahead in one pass,
{len(chronos["quantiles"])} quantile levels from {chronos["quantiles"][0]} to
{chronos["quantiles"][-1]}. {record["parameters"]:,} parameters, float32 safetensors.
Inputs: the history (NaN where demand was not observed: stock-outs, closed days); an anchor,
exponential smoothing with a seasonal profile for the season the caller gives (7 for daily
data; read from up to a year of seasons where the recent ones agree with them), whose
forecast is a skip connection that the network's output corrects, and whose
one-step fit over history and forecast over the horizon are a known covariate row; known
future covariates (price, promotion, calendar events) and past-only covariates (the demand of
similar products){_floor_text(config)}.
Built from `forecasting/neural/network.py`; no downloaded weights.
As served (`forecasting/neural/inference.py`), each series keeps the share of the network's
correction to its anchor that served it best one horizon (at most 28 periods) before the
origin, and no quantile above four times the largest demand in its context; on CPUs that
multiply bfloat16 in hardware the encoder's products run in bfloat16 (with AMX by autocast,
with AVX-512 BF16 alone in its linear layers and the input embedding), the quantile head in
float32.

"""


def _floor_text(config: dict) -> str:
    floor = config.get("covariate_scale_floor")
    if not floor:
        return ""
    return (
        f",\neach scaled by at least {floor} of its level, so that a price held still before a cut"
        "\nreads the cut as the share of the price it is"
    )


def _corpus_section(record: dict) -> str:
    corpus = record["corpus"]
    episodes = (
        " (every cut at its\nown depth, none to 60% off, some quiet markdowns without the flag)"
        if record.get("price_episodes")
        else ""
    )
    return f"""## Corpus
Synthetic series from `forecasting/neural/corpus.py`: demand (smooth, weekly and yearly
seasonal, monthly and weekly data, trends and changes of trend, level shifts, intermittent and
lumpy demand, price response and promotion uplift with their covariates{episodes}, calendar events,
launches and phase-outs, large one-off orders, stock-outs and closed days as censored values,
new products with similar products' demand) and generic shapes composed from kernels in the
manner of KernelSynth (linear, periodic of calendar and random periods, smooth, noise; sums
and products), 20% of each batch; and {corpus["retail_series"]:,} real daily series of the
Online Retail (UCI) data set, alone or mixed two or three at a time (TSMixup),
{corpus["real_share"]:.0%} of each batch, with their last {corpus["retail_days_held_out"]} days
held out (the benchmark's test window and the selection windows before it lie in them).
The carparts data set is never used: it is kept for zero-shot evaluation.

"""


def _training_section(record: dict) -> str:
    stopped = (
        f" (stopped early, of {record['planned_steps']:,} planned: the learning rate had not "
        "decayed to its end)"
        if record["steps"] < record["planned_steps"]
        else ""
    )
    return f"""## Training
{record["steps"]:,} steps{stopped} of {record["batch_size"]} series, AdamW at
{record["learning_rate"]} with warm-up and cosine decay, seed {record["seed"]}, on
{record["device"]} ({record["hardware"]}), {record["seconds"]:,.0f} s of training. Final
training loss {record["final_loss"]}; loss on the fixed corpus sample {record["corpus_loss"]}.
Rebuild: `python manage.py pretrain_base_model --steps {record["planned_steps"]}
--seed {record["seed"]} --batch-size {record["batch_size"]}
--retail ../shared/data/online-retail-uci{_rebuild_options(record)}` (bit-for-bit on
the same hardware and thread count; CPU kernels may differ elsewhere). It keeps a checkpoint
every 250 steps and resumes from it when started again.

"""


def _rebuild_options(record: dict) -> str:
    floor = record["config"].get("covariate_scale_floor")
    options = f" --covariate-scale-floor {floor}" if floor else ""
    options += " --price-episodes" if record.get("price_episodes") else ""
    return f"\n{options.strip()}" if options else ""


def _gates_section(record: dict, gates: str) -> str:
    passed = sum(gate["passed"] for gate in record["gates"])
    return f"""## Capability gates
`forecasting/capabilities.py`: generated daily series with a known answer (24 per case, the
last 28 days held out); the test suite runs them on these weights. {passed} of
{len(record["gates"])} passed:

```
{gates}
```

## Backtest scores
`bench/forecast/run.py` measures them (carparts zero-shot, Online Retail) beside every
baseline and the served choice. A new build has none until that bench is run on it; its
figures are then added here with the date and the code they were measured on.
"""

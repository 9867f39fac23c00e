"""The transformer: batching tasks with covariates, quantiles in the right shape and order,
censored days read as missing, weights that round-trip, and the pretraining command."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import tempfile
from pathlib import Path
from unittest import mock

import numpy as np
import torch
from chronos.chronos2.layers import GroupSelfAttention
from chronos.chronos2.model import Chronos2Encoder
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase

from forecasting import capabilities, registry
from forecasting.neural import network, training
from forecasting.neural.anchor import anchor_panel
from forecasting.neural.corpus import Corpus, family_task, synthetic_task
from forecasting.neural.inference import Covariates, TransformerCandidate
from forecasting.quantiles import LEVELS, MEDIAN_INDEX


class NetworkTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.model = registry.base_model()

    def test_collate_groups_each_target_with_its_anchor_and_covariates(self):
        tasks = [
            network.Task(np.arange(20.0), known=np.ones((2, 27))),
            network.Task(np.arange(30.0), past=np.ones((1, 30))),
            network.Task(np.arange(10.0)),
        ]
        batch = network.collate(tasks, 7)
        inputs = batch["inputs"]
        # each group: target, its anchor row, its known rows, its past rows
        self.assertEqual(batch["target_rows"], [0, 4, 7])
        self.assertEqual(inputs["group_ids"].tolist(), [0, 0, 0, 0, 1, 1, 1, 2, 2])
        self.assertEqual(tuple(inputs["context"].shape), (9, 30))
        future = inputs["future_covariates"]
        self.assertTrue(torch.isnan(future[6]).all())  # a past-only row has no future
        self.assertTrue((future[[2, 3]] == 1).all())  # known rows carry their future
        self.assertTrue(torch.isnan(inputs["context"][0, :10]).all())  # left padding
        anchors = network.anchor_paths(tasks, 7)
        for group, target in enumerate(batch["target_rows"]):
            ahead = torch.tensor(anchors[group][-7:], dtype=torch.float32)
            # the target's own future input and its anchor row both carry smoothing's forecast
            torch.testing.assert_close(future[target], ahead)
            torch.testing.assert_close(future[target + 1], ahead)
            fitted = torch.tensor(anchors[group][:-7], dtype=torch.float32)
            torch.testing.assert_close(inputs["context"][target + 1, -len(fitted) :], fitted)

    def test_a_covariate_row_that_never_moved_reads_a_change_ahead_as_a_share_of_its_level(self):
        # a price held at 10 for 40 days, then cut by 20% or 50%; a promotion flag never set
        # before, set ahead; the target itself held at 5
        history = np.full(40, 5.0)
        price = np.full(47, 10.0)
        flag = np.zeros(47)
        flag[40:] = 1.0
        tasks = []
        for cut in (0.2, 0.5):
            cut_price = price.copy()
            cut_price[40:] *= 1 - cut
            tasks.append(network.Task(history, known=np.stack([cut_price, flag])))
        batch = network.collate(tasks, 7)
        inputs = batch["inputs"]
        # rows per group: target, anchor, price, flag; the task's own covariates are floored
        self.assertEqual(inputs["covariate_rows"].tolist(), [False, False, True, True] * 2)

        def scaled_ahead(model) -> tuple[np.ndarray, np.ndarray]:
            norm = model.instance_norm
            norm.floored = inputs["covariate_rows"]
            try:
                _, loc_scale = norm(inputs["context"])
                scaled, _ = norm(inputs["future_covariates"], loc_scale)
            finally:
                norm.floored = None
            # the first period ahead, the arcsinh undone; and each row's scale
            return torch.sinh(scaled[:, 0]).numpy(), loc_scale[1][:, 0].numpy()

        architecture = {**network.ARCHITECTURE, "covariate_scale_floor": 0.1}
        floored, scales = scaled_ahead(network.build(architecture, seed=0))
        # the price's cut as a share of its level over the floor: -0.2 / 0.1 and -0.5 / 0.1
        np.testing.assert_allclose(floored[[2, 6]], [-2.0, -5.0], rtol=1e-4)
        np.testing.assert_allclose(scales[[2, 6]], [1.0, 1.0], rtol=1e-6)
        # a flag with no level, the flat target and its anchor keep Chronos-2's scaling
        np.testing.assert_allclose(scales[[0, 1, 3, 4, 5, 7]], 1e-5, rtol=1e-6)
        np.testing.assert_allclose(floored[[3, 7]], [1e5, 1e5], rtol=1e-3)
        # an architecture without a floor (the shipped weights') keeps plain standardisation:
        # a 20% and a 50% cut arrive as huge values that the arcsinh all but flattens
        plain, _ = scaled_ahead(network.build(seed=0))
        np.testing.assert_allclose(plain[[2, 6]], [-2e5, -5e5], rtol=1e-3)

    def test_anchors_do_not_depend_on_the_batch(self):
        rng = np.random.default_rng(3)
        week = np.tile([1.0, 1, 1, 1, 2, 3, 0.5], 10)
        short = network.Task(rng.poisson(5 * week[:35]).astype(float))
        promoted = np.zeros((2, 77))
        promoted[1, [10, 11, 40, 41, 72]] = 1
        long = network.Task(rng.poisson(5 * week).astype(float), known=promoted)
        monthly = network.Task(rng.poisson(5, 40).astype(float), season=12)
        together = network.anchor_paths([short, long, monthly], 7)
        for task, path in zip([short, long, monthly], together, strict=True):
            known = None if task.known is None else task.known[None]
            alone = anchor_panel(task.history[None, :], 7, task.season, known)[0]
            np.testing.assert_allclose(path, alone)

    def test_an_untrained_network_forecasts_its_anchor(self):
        # the skip connection: with the network's output near zero, the median is the anchor
        history = np.tile([10.0, 12, 11, 13, 30, 40, 5], 12)
        untrained = network.build(seed=0)
        median = network.predict(untrained, [network.Task(history)], 14)[0, MEDIAN_INDEX]
        np.testing.assert_allclose(median, np.tile([10.0, 12, 11, 13, 30, 40, 5], 2), rtol=0.05)

    def test_quantiles_are_ordered_non_negative_and_of_the_asked_horizon(self):
        rng = np.random.default_rng(0)
        tasks = [network.Task(rng.poisson(4, 100).astype(float)) for _ in range(5)]
        tasks[0].history[50:60] = np.nan  # a stock-out: censored, not zero
        quantiles = network.predict(self.model, tasks, 20, batch_rows=2)
        self.assertEqual(quantiles.shape, (5, len(LEVELS), 20))
        self.assertTrue((quantiles >= 0).all())
        self.assertTrue((np.diff(quantiles, axis=1) >= 0).all())
        self.assertFalse(np.isnan(quantiles).any())

    def test_batching_does_not_change_the_forecast(self):
        rng = np.random.default_rng(1)
        tasks = [network.Task(rng.poisson(3, 80).astype(float)) for _ in range(4)]
        one = network.predict(self.model, tasks, 14, batch_rows=1)
        all_at_once = network.predict(self.model, tasks, 14, batch_rows=100)
        np.testing.assert_allclose(one, all_at_once, rtol=1e-4, atol=1e-4)

    def test_known_covariates_reach_the_model(self):
        history = np.random.default_rng(2).poisson(10, 120).astype(float)
        price = np.full((2, 134), 5.0)
        price[1] = 0
        price[0, 30:40], price[1, 30:40] = 4.0, 1  # a past promotion
        promoted = price.copy()
        promoted[0, 120:] = 2.5
        promoted[1, 120:] = 1
        plain = TransformerCandidate(self.model, Covariates(known={0: price}, recorded=120))
        promo = TransformerCandidate(self.model, Covariates(known={0: promoted}, recorded=120))
        self.assertFalse(
            np.allclose(plain(history[None], 14, 7), promo(history[None], 14, 7), atol=1e-6)
        )

    def test_weights_round_trip(self):
        with tempfile.TemporaryDirectory() as directory:
            network.save(self.model, directory)
            again = network.load(directory)
        tasks = [network.Task(np.arange(40.0) % 7)]
        np.testing.assert_allclose(
            network.predict(self.model, tasks, 7), network.predict(again, tasks, 7), rtol=1e-6
        )

    def test_group_attention_by_blocks_equals_chronos2s_masked_attention(self):
        plain = copy.deepcopy(self.model)
        plain.encoder.__class__ = Chronos2Encoder
        for block in plain.encoder.block:
            block.layer[1].__class__ = GroupSelfAttention
        rng = np.random.default_rng(7)
        history = rng.poisson(5, (6, 90)).astype(float)
        history[0, :30] = np.nan  # a shorter series: padded periods are masked
        price = np.full((1, 104), 4.0)
        price[0, 95:] = 3.0
        equal = [network.Task(row) for row in history]  # equal groups: attended by blocks
        mixed = [*equal[:3], network.Task(history[3], known=price)]  # a batch per size
        for tasks in (equal, mixed):
            np.testing.assert_allclose(
                network.predict(self.model, tasks, 14, bfloat16=False),
                network.predict(plain, tasks, 14, bfloat16=False),
                rtol=1e-4,
                atol=1e-4,
            )

    def test_a_batch_holds_tasks_of_one_size_so_that_groups_are_attended_by_blocks(self):
        # every third series has a similar product's sales as a past row (three rows to its
        # group, two to the others'): batched in their order, every batch would mix the sizes
        # and go through attention across the batch under a mask
        rng = np.random.default_rng(8)
        history = rng.poisson(5, (12, 90)).astype(float)
        tasks = [
            network.Task(row, past=history[(i + 1) % 12][None] if i % 3 == 0 else None)
            for i, row in enumerate(history)
        ]
        masked = mock.patch.object(
            Chronos2Encoder,
            "_construct_and_invert_group_time_mask",
            side_effect=AssertionError("a batch mixed groups of different sizes"),
        )
        with masked:
            together = network.predict(self.model, tasks, 14, batch_rows=64, bfloat16=False)
        alone = [network.predict(self.model, [task], 14, bfloat16=False) for task in tasks]
        np.testing.assert_allclose(together, np.concatenate(alone), rtol=1e-4, atol=1e-4)

    def test_bfloat16_products_stay_within_a_percent_of_float32_either_way(self):
        rng = np.random.default_rng(5)
        tasks = [network.Task(rng.poisson(rate, 200).astype(float)) for rate in (0.5, 4, 40, 400)]
        exact = network.predict(self.model, tasks, 28, bfloat16=False)
        scale = np.abs(exact).mean(axis=(1, 2), keepdims=True)
        lowered = {}
        for way in ("tiles", "vectors"):  # by autocast, by the linear layers alone
            with self.subTest(way=way), mock.patch.object(network, "CPU_BFLOAT16", way):
                lower = network.predict(self.model, tasks, 28, bfloat16=True)
                self.assertFalse(np.array_equal(exact, lower))  # the products did run in bfloat16
                self.assertLess((np.abs(lower - exact) / scale).mean(axis=(1, 2)).max(), 0.01)
                lowered[way] = lower
        # two different ways: autocast also takes attention's products in bfloat16
        self.assertFalse(np.array_equal(lowered["tiles"], lowered["vectors"]))

    def test_a_tasks_forecast_does_not_depend_on_what_is_forecast_with_it(self):
        # on an AMX CPU a batch of one or two tasks took other kernels than a full one, and
        # its quantiles came out up to 0.015 units away in bfloat16: a series' forecast
        # moved with the size of its group of series, and its explanation's re-run with it
        rng = np.random.default_rng(9)
        tasks = [network.Task(rng.poisson(rate, 200).astype(float)) for rate in range(3, 43)]
        with mock.patch.object(network, "CPU_BFLOAT16", "tiles"):
            together = network.predict(self.model, tasks, 28, batch_rows=128, bfloat16=True)
            for position in (0, 39):
                alone = network.predict(
                    self.model, [tasks[position]], 28, batch_rows=128, bfloat16=True
                )
                np.testing.assert_array_equal(alone[0], together[position])

    def test_products_are_lowered_only_within_a_forecast_that_asks(self):
        rng = np.random.default_rng(6)
        tasks = [network.Task(rng.poisson(rate, 120).astype(float)) for rate in (1, 9)]
        inputs = network.collate(tasks, 14)["inputs"]
        with torch.no_grad():
            before = self.model(**inputs).quantile_preds
        with mock.patch.object(network, "CPU_BFLOAT16", "vectors"):
            network.predict(self.model, tasks, 14, bfloat16=True)
            with torch.no_grad():
                after = self.model(**inputs).quantile_preds  # outside `predict`: float32
        torch.testing.assert_close(after, before, rtol=0, atol=0)
        training_copy = copy.deepcopy(self.model).train()  # dropout: the same seed each pass

        def trained() -> torch.Tensor:
            torch.manual_seed(0)
            with torch.no_grad():
                return training_copy(**inputs).quantile_preds

        plain = trained()
        token = network._PRODUCTS_IN_BFLOAT16.set(True)
        try:
            flagged = trained()  # training is never lowered
            with torch.no_grad():
                lowered = self.model(**inputs).quantile_preds
        finally:
            network._PRODUCTS_IN_BFLOAT16.reset(token)
        torch.testing.assert_close(flagged, plain, rtol=0, atol=0)
        self.assertFalse(torch.equal(lowered, before))

    def test_the_way_to_bfloat16_follows_the_cpu(self):
        # AVX-512 BF16 alone: the linear layers (autocast was slower than float32 on one such
        # CPU); AMX multiplies bfloat16 tiles natively: autocast
        cases = {
            "flags : fpu avx512f avx512_bf16 avx512_fp16": "vectors",
            "flags : fpu avx512f avx512_bf16 amx_bf16 amx_tile amx_int8": "tiles",
            "flags : fpu sse4_2 avx2": None,
        }
        for flags, expected in cases.items():
            reading = mock.patch.object(Path, "read_text", return_value=flags)
            with self.subTest(flags=flags), reading:
                self.assertEqual(network._cpu_bfloat16(), expected)
        with mock.patch.object(Path, "read_text", side_effect=OSError):
            self.assertIsNone(network._cpu_bfloat16())  # no /proc/cpuinfo: float32

    def test_the_horizon_is_bounded(self):
        with self.assertRaisesMessage(ValueError, "at most 64"):
            network.predict(self.model, [network.Task(np.ones(10))], 65)


class CorpusTests(SimpleTestCase):
    def test_the_corpus_is_reproducible_from_its_seed(self):
        first, horizon = Corpus(seed=3).batch(8)
        second, again = Corpus(seed=3).batch(8)
        self.assertEqual(horizon, again)
        for a, b in zip(first, second, strict=True):
            np.testing.assert_array_equal(a.history, b.history)

    def test_generated_series_have_censored_days_covariates_and_new_products(self):
        rng = np.random.default_rng(5)
        tasks = [synthetic_task(rng, 200, 28) for _ in range(200)]
        self.assertTrue(any(np.isnan(task.history).any() for task in tasks))
        self.assertTrue(any(task.known is not None for task in tasks))
        for task in tasks:
            self.assertEqual(len(task.history), 200)
            self.assertEqual(len(task.future), 28)
            if task.known is not None:
                self.assertEqual(task.known.shape[1], 228)
        family = family_task(rng, 200, 28)
        self.assertEqual(family.past.shape, (1, 200))
        self.assertTrue(np.isnan(family.history[:50]).all())  # launched late

    def test_each_price_episode_has_its_own_depth_and_some_are_not_flagged(self):
        rng = np.random.default_rng(11)
        depths, flagged, unflagged, held, varied = set(), 0, 0, 0, 0
        for _ in range(400):
            task = synthetic_task(rng, 200, 28, price_episodes=True)
            if task.known is None:
                continue
            price, promo = task.known[0], task.known[1]
            regular = np.median(price)
            off = np.round(1 - price / regular, 3)
            depths |= {value for value in np.unique(off[promo > 0]) if value > 0.01}
            flagged += int((promo > 0).any())
            unflagged += int(((off > 0.01) & (promo == 0)).any())
            steady = bool(np.all(np.isclose(price, regular) | (off > 0.01)))
            held += int(steady)
            # a steady price's flagged episodes at two depths or more: one series, many depths
            varied += int(steady and len({v for v in np.unique(off[promo > 0]) if v > 0.01}) > 1)
        self.assertGreater(len(depths), 40)  # not one depth per series
        self.assertGreater(max(depths), 0.5)
        self.assertGreater(unflagged, 10)  # quiet markdowns
        self.assertGreater(held, 20)  # a price that only moves in its episodes
        self.assertGreater(varied, 10)
        self.assertGreater(flagged, 50)


def pretrain(directory: str, steps: int, **options) -> str:
    out = io.StringIO()
    arguments = ["--steps", str(steps), "--batch-size", "4", "--seed", "2", "--out", directory]
    arguments += ["--checkpoint", str(Path(directory) / "checkpoint.pt")]
    arguments += ["--checkpoint-every", "2"]
    call_command("pretrain_base_model", *arguments, stdout=out, **options)
    return out.getvalue()


def interrupted(directory: str, steps: int) -> None:
    """A pretraining run stopped after its first checkpoint (step 2)."""
    real = training.Trainer.run

    def crash(self, batches, *, until=None, progress=None):
        if self.step >= 2:
            raise KeyboardInterrupt
        return real(self, batches, until=until, progress=progress)

    with mock.patch.object(training.Trainer, "run", crash), contextlib.suppress(KeyboardInterrupt):
        pretrain(directory, steps)
    if not (Path(directory) / "checkpoint.pt").exists():
        raise AssertionError("the interrupted run left no checkpoint")


class PretrainCommandTests(SimpleTestCase):
    def test_the_command_trains_and_writes_weights_a_record_and_the_gates(self):
        with tempfile.TemporaryDirectory() as directory:
            printed = pretrain(directory, 3)
            record = json.loads((Path(directory) / "training.json").read_text())
            model = network.load(directory)
            card = (Path(directory) / "MODEL_CARD.md").read_text()
            self.assertFalse((Path(directory) / "checkpoint.pt").exists())  # replaced
        self.assertEqual((record["steps"], record["seed"]), (3, 2))
        self.assertEqual(record["parameters"], network.parameter_count(model))
        self.assertEqual(len(record["losses"]), 1)
        self.assertIn("wrote", printed)
        cases = {gate["case"] for gate in record["gates"]}
        self.assertEqual(cases, {case.name for case in capabilities.cases()})
        self.assertIn("## Capability gates", card)
        self.assertIn("weekly_pattern", card)

    def test_the_floor_and_the_price_episodes_are_built_recorded_and_in_the_rebuild(self):
        with tempfile.TemporaryDirectory() as directory:
            pretrain(directory, 2, covariate_scale_floor=0.1, price_episodes=True)
            record = json.loads((Path(directory) / "training.json").read_text())
            model = network.load(directory)
            card = (Path(directory) / "MODEL_CARD.md").read_text()
        self.assertEqual(model.instance_norm.floor, 0.1)
        self.assertEqual(record["config"]["covariate_scale_floor"], 0.1)
        self.assertTrue(record["price_episodes"])
        self.assertIn("--covariate-scale-floor 0.1 --price-episodes`", card)
        self.assertIn("some quiet markdowns without the flag", card)
        self.assertIn("at least 0.1 of its level", card)
        with tempfile.TemporaryDirectory() as directory:  # without them: neither
            pretrain(directory, 2)
            record = json.loads((Path(directory) / "training.json").read_text())
            card = (Path(directory) / "MODEL_CARD.md").read_text()
            self.assertEqual(network.load(directory).instance_norm.floor, 0.0)
        self.assertNotIn("covariate_scale_floor", record["config"])
        self.assertFalse(record["price_episodes"])
        self.assertIn("--retail ../shared/data/online-retail-uci` (bit-for-bit", card)

    def test_an_interrupted_run_resumes_and_ends_where_an_uninterrupted_one_does(self):
        with tempfile.TemporaryDirectory() as straight, tempfile.TemporaryDirectory() as broken:
            pretrain(straight, 4)
            real = training.Trainer.run

            def crash_after_the_first_checkpoint(self, batches, *, until=None, progress=None):
                if self.step >= 2:
                    raise KeyboardInterrupt
                return real(self, batches, until=until, progress=progress)

            with (
                mock.patch.object(training.Trainer, "run", crash_after_the_first_checkpoint),
                self.assertRaises(KeyboardInterrupt),
            ):
                pretrain(broken, 4)
            self.assertTrue((Path(broken) / "checkpoint.pt").exists())
            printed = pretrain(broken, 4)
            self.assertIn("resuming from step 2", printed)
            first, second = network.load(straight), network.load(broken)
        for (name, a), (_, b) in zip(
            first.state_dict().items(), second.state_dict().items(), strict=True
        ):
            torch.testing.assert_close(a, b, msg=name)

    def test_finish_now_writes_the_checkpoints_weights_and_says_the_run_stopped_early(self):
        with tempfile.TemporaryDirectory() as directory:
            interrupted(directory, 6)
            saved = torch.load(Path(directory) / "checkpoint.pt", weights_only=False)
            pretrain(directory, 6, finish_now=True)
            record = json.loads((Path(directory) / "training.json").read_text())
            card = (Path(directory) / "MODEL_CARD.md").read_text()
            model = network.load(directory)
            kept = (Path(directory) / "checkpoint.pt").exists()
        self.assertEqual((record["steps"], record["planned_steps"]), (2, 6))
        self.assertIn("2 steps (stopped early, of 6 planned", card)
        self.assertTrue(kept)  # running on resumes from it
        for name, weights in model.state_dict().items():
            torch.testing.assert_close(weights, saved["trainer"]["model"][name], msg=name)

    def test_finish_now_without_a_checkpoint_is_refused(self):
        with (
            tempfile.TemporaryDirectory() as directory,
            self.assertRaisesMessage(CommandError, "--finish-now needs a checkpoint"),
        ):
            pretrain(directory, 6, finish_now=True)

    def test_a_checkpoint_of_another_run_is_refused(self):
        with tempfile.TemporaryDirectory() as directory:
            interrupted(directory, 4)
            with self.assertRaisesMessage(CommandError, "belongs to another run"):
                pretrain(directory, 6)

    def test_training_lowers_the_loss_on_what_it_sees(self):
        model = network.build(seed=0)
        corpus = Corpus(seed=11)
        tasks, horizon = corpus.batch(16)
        fixed = iter(lambda: (tasks, horizon), None)
        before = training.train(
            model, fixed, steps=1, learning_rate=0.0, device=torch.device("cpu")
        )
        after = training.train(
            model, fixed, steps=30, learning_rate=3e-3, device=torch.device("cpu")
        )
        self.assertLess(after.losses[-1], before.losses[-1])

"""The transformer: batching tasks with covariates, quantiles in the right shape and order,
censored days read as missing, weights that round-trip, and the pretraining command."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import numpy as np
import torch
from django.core.management import call_command
from django.test import SimpleTestCase

from forecasting import registry
from forecasting.neural import network, training
from forecasting.neural.corpus import Corpus, family_task, synthetic_task
from forecasting.neural.inference import Covariates, TransformerCandidate
from forecasting.quantiles import LEVELS


class NetworkTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.model = registry.base_model()

    def test_collate_groups_each_target_with_its_covariates(self):
        tasks = [
            network.Task(np.arange(20.0), known=np.ones((2, 27))),
            network.Task(np.arange(30.0), past=np.ones((1, 30))),
            network.Task(np.arange(10.0)),
        ]
        batch = network.collate(tasks, 7)
        inputs = batch["inputs"]
        self.assertEqual(batch["target_rows"], [0, 3, 5])
        self.assertEqual(inputs["group_ids"].tolist(), [0, 0, 0, 1, 1, 2])
        self.assertEqual(tuple(inputs["context"].shape), (6, 30))
        future = inputs["future_covariates"]
        self.assertTrue(torch.isnan(future[[0, 3, 4, 5]]).all())  # targets and past-only rows
        self.assertTrue((future[[1, 2]] == 1).all())  # known rows carry their future
        self.assertTrue(torch.isnan(inputs["context"][0, :10]).all())  # left padding

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


class PretrainCommandTests(SimpleTestCase):
    def test_the_command_trains_and_writes_weights_and_a_record(self):
        with tempfile.TemporaryDirectory() as directory:
            out = io.StringIO()
            call_command(
                "pretrain_base_model",
                "--steps",
                "3",
                "--batch-size",
                "4",
                "--seed",
                "2",
                "--out",
                directory,
                stdout=out,
            )
            record = json.loads((Path(directory) / "training.json").read_text())
            model = network.load(directory)
        self.assertEqual((record["steps"], record["seed"]), (3, 2))
        self.assertEqual(record["parameters"], network.parameter_count(model))
        self.assertEqual(len(record["losses"]), 1)
        self.assertIn("wrote", out.getvalue())

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

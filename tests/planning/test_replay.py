"""Replaying history under the ordering policies: the pure replay on a synthetic panel, and
the store's replay as a job with its page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import numpy as np
from django.test import TestCase
from django.urls import reverse

from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting.baselines import BASELINES
from inventory.models import SalesDay
from planning import services
from planning.models import PolicyReplay
from planning.replays import frontier, replay, simulation
from planning.selectors import planning_settings
from planning.views.replays import shown
from tests.factories import (
    LocationFactory,
    SKUFactory,
    SupplierItemFactory,
    member,
    merchant_with,
)


def steady_panel(series=6, days=200, seed=3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rates = rng.uniform(2, 20, series)[:, None]
    weekly = 1 + 0.3 * np.sin(2 * np.pi * np.arange(days) / 7)
    return rng.poisson(rates * weekly).astype(float)


def plain_terms(series: int, lead: float = 5.0) -> replay.Terms:
    return replay.Terms(
        lead_mean=np.full(series, lead), lead_std=np.full(series, 1.0), pack=np.ones(series),
        moq=np.zeros(series), unit_cost=np.full(series, 3.0), unit_price=np.full(series, 5.0),
    )  # fmt: skip


def replayed(values, level: float = 0.9, candidates=None, **options) -> replay.Replay:
    """The last 84 days of ``values`` replayed at one target (28 days' warm-up, weekly
    reviews, 200 paths), on six-day lead times and the baselines' forecasts unless
    ``candidates`` are given."""
    return replay.replay_policies(
        values, plain_terms(6), dict(BASELINES) if candidates is None else candidates,
        days=84, warm_up=28, review=7, levels=(level,), paths=200, **options,
    )  # fmt: skip


class ReplayPoliciesTests(TestCase):
    def test_higher_targets_hold_more_and_serve_more(self):
        values = steady_panel()
        result = replay.replay_policies(
            values, plain_terms(6), dict(BASELINES), days=84, warm_up=28, review=7,
            levels=(0.8, 0.98), paths=300,
        )  # fmt: skip
        low, high = result.outcomes["shelfcast 0.80"], result.outcomes["shelfcast 0.98"]
        self.assertEqual(result.reviews, 12)
        self.assertGreater(high.fill_rate, low.fill_rate)
        self.assertGreater(high.average_inventory_value, low.average_inventory_value)
        # steady demand, forecasts that see it: the 98% target is nearly met
        self.assertGreater(high.fill_rate, 0.95)
        self.assertIn("min_max", result.outcomes)
        self.assertIn("seasonal_naive 0.98", result.outcomes)

    def test_as_planned_per_sku_learns_its_scale_without_the_fill_accounts(self):
        values = steady_panel()
        both = replayed(values, as_planned=True)
        plain = replayed(values, calibrate=False)
        calibrated = replayed(values)
        for source in ("shelfcast", replay.PER_SKU, "seasonal_naive"):
            with self.subTest(source):  # the calibrated policies are the same either way
                self.assertEqual(
                    both.outcomes[f"{source} 0.90"].figures(),
                    calibrated.outcomes[f"{source} 0.90"].figures(),
                )
        planned = both.outcomes[f"{replay.PER_SKU} {replay.AS_PLANNED} 0.90"].figures()
        # as planned, the per-SKU policy is neither the calibrated one (with fill accounts)
        # nor the one without calibration
        self.assertNotEqual(planned, calibrated.outcomes[f"{replay.PER_SKU} 0.90"].figures())
        self.assertNotEqual(planned, plain.outcomes[f"{replay.PER_SKU} 0.90"].figures())
        # the calibration moves what is ordered store-wide too
        self.assertNotEqual(
            calibrated.outcomes["shelfcast 0.90"].figures(),
            plain.outcomes["shelfcast 0.90"].figures(),
        )
        # the store-wide policy is the plan's as it stands: no second replay of it
        self.assertNotIn(f"shelfcast {replay.AS_PLANNED} 0.90", both.outcomes)
        self.assertNotIn(f"seasonal_naive {replay.AS_PLANNED} 0.90", both.outcomes)
        self.assertNotIn(f"{replay.PER_SKU} {replay.AS_PLANNED} 0.90", calibrated.outcomes)

    def test_days_beyond_the_history_are_those_above_its_largest_day(self):
        nan = np.nan
        values = np.array([
            [1, 3, nan, 2, 3, 4, 0],
            [nan, nan, nan, nan, 0, 1, 0],  # nothing sold before: any sale is beyond it
            [2, 5, 1, 0, 5, 6, 7],
        ])  # fmt: skip
        self.assertEqual(
            replay.beyond_history(values, 4).tolist(),
            [[False, True, False], [False, True, False], [False, True, True]],
        )

    def test_every_policy_counts_what_it_lost_beyond_the_history(self):
        values = steady_panel()
        surged = values.copy()
        surged[:, -7:] *= 50  # a week far above anything sold before
        steady, result = replayed(values), replayed(surged)
        for name, outcome in result.outcomes.items():
            with self.subTest(name):
                lost = outcome.demanded.sum() - outcome.served.sum()
                self.assertGreaterEqual(outcome.demanded_beyond, surged[:, -7:].sum())
                self.assertGreater(outcome.lost_beyond, 0)
                self.assertLessEqual(outcome.lost_beyond, lost + 1e-9)
                self.assertLess(steady.outcomes[name].demanded_beyond, values[:, -7:].sum())

    def test_the_future_is_not_seen(self):
        values = steady_panel()
        spiked = values.copy()
        spiked[:, -7:] *= 50  # a surge after the last review changes nothing ordered
        seen = []

        class Spy:
            def __call__(self, panel, horizon, season):
                seen.append(panel.shape[1])
                return BASELINES["seasonal_naive"](panel, horizon, season)

        # min/max reads its history through a function of the day: note what each day gets
        asked = []
        min_max_policy = simulation.min_max_policy  # the real one, wrapped, not replaced

        def min_max_spied(history, lead_time_mean, *args, **kwargs):
            def seen_by_min_max(day):
                known = history(day)
                asked.append((day, known.shape[1]))
                return known

            return min_max_policy(seen_by_min_max, lead_time_mean, *args, **kwargs)

        with mock.patch.object(replay.simulation, "min_max_policy", min_max_spied):
            replayed(values, candidates={"seasonal_naive": Spy()})
        # 200 days, the last 84 replayed: the reviews fall on days 116, 123, ..., 193, and the
        # last one forecasts from the 193 days before it, never from the 7 after
        self.assertTrue(seen)
        self.assertEqual(max(seen), values.shape[1] - 84 + 11 * 7)
        # min/max is asked on each of the 12 reviews, knowing only the days before it
        self.assertEqual([day for day, _ in asked], list(range(0, 84, 7)))
        for day, known in asked:
            self.assertEqual(known, values.shape[1] - 84 + day)
        before, after = replayed(values), replayed(spiked)
        self.assertEqual(before.outcomes["min_max"].orders, after.outcomes["min_max"].orders)


class OverstockLimitTests(TestCase):
    """The replayed orders keep within the store's overstock limit, as the plan's lines do."""

    def setUp(self):
        # two series of about 10 a day, lead time and review a week each: a 99% order from
        # nothing asks for well over the 50 units that 5 days of cover allow
        rng = np.random.default_rng(5)
        over_lead = rng.poisson(70, (2, 400)).astype(float)
        over_cycle = over_lead + rng.poisson(70, (2, 400))
        self.sums = [(over_lead.astype(np.float32), over_cycle.astype(np.float32))]
        self.terms = replay.Terms(
            lead_mean=np.full(2, 7.0), lead_std=np.zeros(2), pack=np.array([1.0, 100.0]),
            moq=np.zeros(2), unit_cost=np.ones(2), unit_price=np.full(2, 2.0),
        )  # fmt: skip
        self.position = np.zeros(2)

    def ordered(self, overstock_days, store_wide=False):
        ordering = replay._ordering(
            self.sums, self.terms, 7, 0.99, store_wide=store_wide, floor=0.5, learnt=None,
            overstock_days=overstock_days,
        )  # fmt: skip
        return ordering(0, self.position)

    def test_an_order_is_cut_back_to_the_limit_unless_a_pack_forces_more(self):
        for store_wide in (False, True):
            with self.subTest(store_wide=store_wide):
                free = self.ordered(None, store_wide)
                limited = self.ordered(5, store_wide)
                # 5 days of the mean daily demand after arrival (nothing is left of a
                # position of 0 by then): about 50 units
                room = 5 * float((self.sums[0][1][0] - self.sums[0][0][0]).mean()) / 7
                self.assertGreater(free[0], room + 10)  # past the limit without it
                self.assertEqual(limited[0], np.floor(room))  # cut back to whole units
                self.assertEqual((free[1], limited[1]), (100, 100))  # one pack: forced

    def test_stock_already_held_leaves_less_room(self):
        self.position = np.array([100.0, 0.0])  # about 30 of it left when an order arrives
        limited = self.ordered(5)
        left = 100 - float(self.sums[0][0][0].mean())
        room = 5 * float((self.sums[0][1][0] - self.sums[0][0][0]).mean()) / 7 - left
        self.assertGreater(room, 10)
        self.assertEqual(limited[0], np.floor(room))
        self.position = np.array([200.0, 0.0])  # more than the limit left on arrival
        self.assertEqual(self.ordered(5)[0], 0)

    def test_the_limit_holds_stock_down_in_the_replay(self):
        values = steady_panel()
        free = replayed(values, 0.98, overstock_days=None)
        tight = replayed(values, 0.98, overstock_days=7)
        for name in ("shelfcast 0.98", f"{replay.PER_SKU} 0.98", "seasonal_naive 0.98"):
            with self.subTest(name):
                self.assertLess(
                    tight.outcomes[name].average_inventory_value,
                    free.outcomes[name].average_inventory_value,
                )
        # the baselines order as their rules say, whatever the store's limit
        self.assertEqual(tight.outcomes["min_max"].figures(), free.outcomes["min_max"].figures())


class StoreReplayTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.planner = merchant_with(Role.PLANNER, slug="shop")
        cls.viewer = member(cls.merchant, Role.VIEWER)
        location = LocationFactory(merchant=cls.merchant)
        values = steady_panel(series=3, days=150)
        first = dt.date(2024, 1, 1)
        rows = []
        for number, series in enumerate(values):
            sku = SKUFactory(merchant=cls.merchant, code=f"S{number}", unit_price=Decimal("5"))
            SupplierItemFactory(merchant=cls.merchant, sku=sku, unit_cost=Decimal("3"),
                                lead_time_mean_days=Decimal("5"), pack_size=Decimal("6"),
                                moq=Decimal("6"))  # fmt: skip
            rows += [
                SalesDay(merchant=cls.merchant, sku=sku, location=location,
                         date=first + dt.timedelta(days=day), units=units, revenue=units * 5)
                for day, units in enumerate(series)
            ]  # fmt: skip
        with tenant_context(cls.merchant):
            SalesDay.objects.bulk_create(rows)

    def start(self) -> PolicyReplay:
        with self.captureOnCommitCallbacks(execute=True), tenant_context(self.merchant):
            job = services.policy_replay_create(merchant=self.merchant, actor=self.planner)
        with tenant_context(self.merchant):
            return PolicyReplay.objects.for_merchant(self.merchant).get(pk=job.pk)

    def test_a_replay_runs_as_a_job_and_its_page_shows_the_policies(self):
        job = self.start()
        self.assertEqual(job.status, "succeeded", job.message)
        self.assertEqual((job.series_count, job.reviews_done, job.reviews_total), (3, 12, 12))
        self.assertEqual(
            set(job.figures),
            {f"{source} {level:.2f}" for source in (*replay.SOURCES, replay.PER_SKU)
             for level in services.REPLAY_LEVELS} | {"min_max"}
            | {frontier.fair_name(safety) for safety in frontier.FAIR_SAFETY},
        )  # fmt: skip
        self.assertGreater(job.figures["shelfcast 0.95"]["fill_rate"], 0.5)
        self.client.force_login(self.viewer)
        response = self.client.get(reverse("planning:replay", args=["shop"]))
        self.assertContains(response, "Min/max as ERPs do it")
        self.assertContains(response, "policy with seasonal-naive forecasts</td>", count=3)
        self.assertContains(response, "the same fill rate for every SKU</td>", count=3)
        # fill rates in percent, as people read them (0.9512 -> 95.1%)
        self.assertContains(response, f"{job.figures['min_max']['fill_rate'] * 100:.1f}%")
        self.assertNotContains(response, "Replay now")  # viewers read only
        # each policy's lost units and those lost on record days are kept with its figures
        for name, figures in job.figures.items():
            with self.subTest(name):
                self.assertGreaterEqual(figures["lost_units"], figures["lost_beyond"])
                self.assertGreaterEqual(figures["lost_beyond"], 0)
        self.assertContains(response, "Lost on record days</th>")
        self.assertContains(response, "Min/max set properly, same fill rate</th>")

    def test_a_replay_keeps_the_stores_own_limits(self):
        with tenant_context(self.merchant):
            settings = planning_settings(merchant=self.merchant)
            settings.overstock_days = 9
            settings.minimum_fill_rate = Decimal("0.6")
            settings.save()
        asked = {}
        real = replay.replay_policies

        def noted(*args, **kwargs):
            asked.update(kwargs)
            return real(*args, **kwargs)

        with mock.patch.object(replay, "replay_policies", noted):
            job = self.start()
        self.assertEqual(job.status, "succeeded", job.message)
        self.assertEqual((asked["overstock_days"], asked["floor"]), (9.0, 0.6))

    def test_the_share_lost_on_record_days_is_of_the_units_lost(self):
        def outcome(served, demanded, lost_beyond):
            return simulation.Outcome(
                fill_rate=0.0, cycle_service_level=0.0, stock_out_days=0.0,
                average_inventory_value=0.0, holding_cost=0.0, lost_sales_cost=0.0, orders=0,
                served=np.array(served), demanded=np.array(demanded), lost_beyond=lost_beyond,
            )  # fmt: skip

        self.assertEqual(outcome([80.0], [100.0], 5.0).figures()["beyond_share"], 0.25)
        # nothing lost, or the days not counted: no share
        self.assertIsNone(outcome([100.0], [100.0], 0.0).figures()["beyond_share"])
        self.assertIsNone(outcome([80.0], [100.0], None).figures()["beyond_share"])
        # a replay stored before the days were counted shows none
        self.assertIsNone(shown({"fill_rate": 0.9})["beyond_share"])

    def test_too_short_a_history_fails_with_the_reason(self):
        with tenant_context(self.merchant):
            SalesDay.objects.for_merchant(self.merchant).filter(
                date__lt=dt.date(2024, 3, 1)
            ).delete()
        job = self.start()
        self.assertEqual(job.status, "failed")
        self.assertIn("at least 140 days", job.message)

    def test_a_planner_starts_one_at_a_time(self):
        self.client.force_login(self.planner)
        with tenant_context(self.merchant):
            pending = PolicyReplay.objects.create(merchant=self.merchant)
        response = self.client.post(reverse("planning:replay_start", args=["shop"]))
        self.assertRedirects(
            response, reverse("planning:replay", args=["shop"]), fetch_redirect_response=False
        )
        with tenant_context(self.merchant):
            self.assertEqual(
                list(PolicyReplay.objects.for_merchant(self.merchant).values_list("pk", flat=True)),
                [pending.pk],
            )
        self.client.force_login(self.viewer)
        response = self.client.post(reverse("planning:replay_start", args=["shop"]))
        self.assertEqual(response.status_code, 403)


def outcome_figures(fill: float, inventory: float) -> dict:
    return {"fill_rate": fill, "average_inventory_value": inventory, "cycle_service_level": fill,
            "stock_out_days": 1.0, "total_cost": 10.0, "orders": 3, "lost_units": 1.0,
            "lost_beyond": 0.0, "beyond_share": 0.0}  # fmt: skip


class FairBaselineTests(TestCase):
    """The replay page reads min/max set properly at the fill rate each policy served."""

    def test_the_baseline_is_read_between_the_safety_factors_that_bracket_a_fill(self):
        curve = [(0.85, 100.0), (0.95, 200.0), (0.99, 400.0)]
        self.assertAlmostEqual(frontier.at_fill(curve, 0.90), 150.0)
        self.assertAlmostEqual(frontier.at_fill(list(reversed(curve)), 0.97), 300.0)
        self.assertIsNone(frontier.at_fill(curve, 0.80))
        self.assertIsNone(frontier.at_fill(curve, 0.995))
        self.assertIsNone(frontier.at_fill([], 0.9))
        baseline, saving = frontier.saving_against(curve, 0.90, 120.0)
        self.assertAlmostEqual(baseline, 150.0)
        self.assertAlmostEqual(saving, 0.2)
        self.assertEqual(frontier.saving_against(curve, 0.5, 120.0), (None, None))

    def test_the_page_shows_the_stock_min_max_needs_at_each_policys_fill_rate(self):
        merchant, viewer = merchant_with(Role.VIEWER, slug="shop")
        figures = {
            "shelfcast 0.90": outcome_figures(0.90, 120.0),  # 20% below 150
            "shelfcast 0.95": outcome_figures(0.97, 330.0),  # 10% above 300
            "shelfcast 0.98": outcome_figures(0.995, 500.0),  # beyond the curve
            frontier.fair_name(1.0): outcome_figures(0.85, 100.0),
            frontier.fair_name(2.0): outcome_figures(0.95, 200.0),
            frontier.fair_name(3.0): outcome_figures(0.99, 400.0),
            "min_max": outcome_figures(0.93, 900.0),
        }
        with tenant_context(merchant):
            PolicyReplay.objects.create(
                merchant=merchant, status=PolicyReplay.Status.SUCCEEDED, figures=figures,
                series_count=3,
            )  # fmt: skip
        self.client.force_login(viewer)
        page = self.client.get(reverse("planning:replay", args=["shop"])).content.decode()
        self.assertIn('£150<br><span class="sub">20.0% less stock</span>', page)
        self.assertIn('£300<br><span class="sub">10.0% more stock</span>', page)
        self.assertIn("from 85.0% to 99.0% fill rate", page)
        rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
        self.assertEqual(len(rows), 4)  # three targets and the ERPs' min/max
        self.assertIn('<td class="num">—</td>', rows[2])  # 99.5% lies beyond the curve
        self.assertIn('<td class="num">—</td>', rows[3])  # the ERPs' rule is not compared

    def test_the_policies_are_named_in_the_readers_language(self):
        merchant, viewer = merchant_with(Role.VIEWER, slug="shop")
        with tenant_context(merchant):
            PolicyReplay.objects.create(
                merchant=merchant, status=PolicyReplay.Status.SUCCEEDED, series_count=1,
                figures={"shelfcast 0.90": outcome_figures(0.9, 1.0),
                         "min_max": outcome_figures(0.9, 1.0)},
            )  # fmt: skip
        viewer.language = "zh-hans"
        viewer.save(update_fields=["language"])
        self.client.force_login(viewer)
        page = self.client.get(reverse("planning:replay", args=["shop"])).content.decode()
        self.assertNotIn("Shelfcast, one fill rate for the store", page)
        self.assertNotIn("Min/max as ERPs do it", page)

    def test_the_settings_page_says_what_the_last_replay_found_for_this_store(self):
        merchant, owner = merchant_with(Role.OWNER, slug="shop")
        merchant.target_service_level = Decimal("0.96")  # nearest replayed target: 95%
        merchant.save(update_fields=["target_service_level"])
        self.client.force_login(owner)
        url = reverse("planning:settings", args=["shop"])
        # no replay yet: the page points to it and claims nothing for this store
        self.assertContains(self.client.get(url), "shows what this policy would have done")
        self.assertNotContains(self.client.get(url), "less stock")
        dashboard = reverse("inventory:dashboard", args=["shop"])
        self.assertNotContains(self.client.get(dashboard), "last replay of this store")
        figures = {
            "shelfcast 0.90": outcome_figures(0.80, 90.0),
            "shelfcast 0.95": outcome_figures(0.90, 120.0),  # 20% below 150
            frontier.fair_name(1.0): outcome_figures(0.85, 100.0),
            frontier.fair_name(2.0): outcome_figures(0.95, 200.0),
        }
        with tenant_context(merchant):
            PolicyReplay.objects.create(
                merchant=merchant, status=PolicyReplay.Status.SUCCEEDED, figures=figures,
                series_count=3, finished_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
            )  # fmt: skip
            # a replay still running is not what the page reads
            PolicyReplay.objects.create(merchant=merchant, status=PolicyReplay.Status.RUNNING)
        page = self.client.get(url).content.decode()
        self.assertIn("the store-wide policy at 95% served 90.0% of the units demanded", page)
        self.assertIn("with 20.0% less stock than min/max set properly", page)
        # the dashboard says the same of the same replay
        page = self.client.get(dashboard).content.decode()
        self.assertIn("the store-wide policy at 95% served 90.0% of the units demanded", page)

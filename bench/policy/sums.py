"""How well the drawn lead-time sums cover the demand that came, as the orders read them.

At each review of the replay, each series' sums are drawn as the plan draws them (over a drawn
lead time plus the review period, a share of them from its own history:
`planning.replays.replay._path_sums`) from that review's forecast, and set against the units
that came over the lead time the order did take plus the review period. Two spreads side by
side: the paths drawn with the common share fitted with the forecast on its selection windows
(`forecasting.paths.fit_common_share`, what the plan and the replay use), and with the share
set for all (`forecasting.paths.COMMON_SHARE`). For each, per demand class: how often what
came lay above the drawn 80th, 90th, 95th and 98th percentiles (20, 10, 5 and 2% if the
spread is right), and the units that came beyond the drawn 90th and 95th percentiles against
the units the draws expected there (1.00 if right: these are the units an order set at that
level leaves short).
"""

from __future__ import annotations

import numpy as np

LEVELS = (0.8, 0.9, 0.95, 0.98)
BEYOND = (0.9, 0.95)
PATHS = 200  # per series and review: enough for percentiles up to the 98th


def sum_coverage(values, terms, forecasts, *, start: int, review: int, seed: int, classes, judged):
    """{spread: {group: {"above": {level: share}, "beyond": {level: came / expected},
    "sums": count}}} for the spreads "fitted" and "fixed", the groups "all" and each demand
    class named in ``judged`` (the report's classes judged on their own, of each series'
    ``classes``); ``forecasts`` is each review's (quantiles, common share), the history
    before review ``n`` being ``values[:, : start + n * review]``."""
    from forecasting.selectors import shock_correlation
    from planning.replays import replay

    series, length = values.shape
    setup = replay._setup(terms, series, len(forecasts), review, seed)
    demand = np.concatenate([np.zeros((series, 1)), np.cumsum(np.nan_to_num(values), 1)], 1)
    groups = {"all": np.ones(series, dtype=bool)}
    for name in judged:
        groups[str(name)] = classes == name
    tally = {
        spread: {group: _Tally() for group in groups} for spread in ("fitted", "fixed")
    }  # fmt: skip
    for number, (quantiles, common) in enumerate(forecasts):
        day = start + number * review
        history = values[:, :day]
        quantiles = np.array(quantiles, dtype=float)
        quantiles[:, :, replay.closed_ahead(history, replay.HORIZON)] = 0.0
        correlation = shock_correlation(history)
        ends = day + setup.lead_days[:, number] + review
        passed = ends <= length  # a span cut short by the end of the data is not judged
        came = demand[np.arange(series), np.minimum(ends, length)] - demand[:, day]
        for spread, share in (("fitted", np.asarray(common, dtype=float)), ("fixed", None)):
            _lead, drawn = replay._path_sums(
                quantiles, correlation, terms, review, PATHS, history, share
            )
            for group, rows in groups.items():
                tally[spread][group].add(drawn[rows & passed], came[rows & passed])
    return {
        spread: {group: counts.figures() for group, counts in by_group.items()}
        for spread, by_group in tally.items()
    }


class _Tally:
    """One spread's counts over one group of series, summed over the reviews."""

    def __init__(self) -> None:
        self.sums = 0
        self.above = dict.fromkeys(LEVELS, 0)
        self.came_beyond = dict.fromkeys(BEYOND, 0.0)
        self.expected_beyond = dict.fromkeys(BEYOND, 0.0)

    def add(self, drawn: np.ndarray, came: np.ndarray) -> None:
        if not len(came):
            return
        self.sums += len(came)
        for level in sorted(set(LEVELS) | set(BEYOND)):
            at = np.quantile(drawn, level, axis=1)
            if level in self.above:
                self.above[level] += int((came > at).sum())
            if level in self.came_beyond:
                self.came_beyond[level] += float(np.maximum(came - at, 0.0).sum())
                expected = np.maximum(drawn - at[:, None], 0.0).mean(axis=1)
                self.expected_beyond[level] += float(expected.sum())

    def figures(self) -> dict:
        count = max(self.sums, 1)
        return {
            "sums": self.sums,
            "above": {level: self.above[level] / count for level in LEVELS},
            "beyond": {
                level: (
                    self.came_beyond[level] / self.expected_beyond[level]
                    if self.expected_beyond[level] > 0
                    else None
                )
                for level in BEYOND
            },
        }


def print_coverage(coverage: dict, fixed_share: float) -> None:
    print(
        "\nDrawn lead-time sums against the demand that came (lead time taken + review, "
        "every review): share of sums above the drawn percentile (right: 20 / 10 / 5 / 2%), "
        "and units beyond the drawn 90th / 95th percentile, came / expected (right: 1.00):"
    )
    print(
        f"{'spread':<24}{'group':<14}{'sums':>7}"
        + "".join(f"{f'>p{round(level * 100)}':>8}" for level in LEVELS)
        + "".join(f"{f'beyond p{round(level * 100)}':>13}" for level in BEYOND)
    )
    names = {"fitted": "share fitted", "fixed": f"share {fixed_share:g} for all"}
    for spread, by_group in coverage.items():
        for group, figures in by_group.items():
            beyond = [figures["beyond"][level] for level in BEYOND]
            print(
                f"{names[spread]:<24}{group:<14}{figures['sums']:>7}"
                + "".join(f"{figures['above'][level]:>8.1%}" for level in LEVELS)
                + "".join(f"{'-' if b is None else f'{b:.2f}':>13}" for b in beyond)
            )

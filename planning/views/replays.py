"""Portal pages of the policy replay: its figures, its progress, and starting one."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.portal import MerchantViewMixin, RunStatusView
from accounts.roles import Permission
from planning import selectors, services
from planning.models import PolicyReplay
from planning.replays import frontier

REPLAY_ROWS = [
    ("shelfcast", gettext_lazy("Shelfcast, one fill rate for the store")),
    ("shelfcast per-SKU", gettext_lazy("Shelfcast, the same fill rate for every SKU")),
    ("seasonal_naive", gettext_lazy("Shelfcast's store-wide policy with seasonal-naive forecasts")),
]


def shown(figures: dict) -> dict:
    """A policy's stored figures as the page reads them: a replay stored before the share
    lost on record days was counted has none (`simulation.Outcome.beyond_share`)."""
    return {"beyond_share": None, **figures}


class PolicyReplayView(MerchantViewMixin, TemplateView):
    """The latest replay of the store's history under our policy and the alternatives."""

    template_name = "planning/replay.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = selectors.latest_policy_replay(merchant=self.merchant)
        rows = []
        fair = []
        if job is not None and job.figures:
            fair = frontier.fair_curve(job.figures)
            for level in services.REPLAY_LEVELS:
                for source, label in REPLAY_ROWS:
                    figures = job.figures.get(f"{source} {level:.2f}")
                    if figures:
                        baseline, saving = frontier.saving_against(
                            fair, figures["fill_rate"], figures["average_inventory_value"]
                        )
                        rows.append(
                            {
                                "label": label,
                                "level": level,
                                **shown(figures),
                                "fair_inventory": baseline,
                                "fair_saving": saving,
                            }
                        )
            if "min_max" in job.figures:
                rows.append(
                    {
                        "label": gettext_lazy("Min/max as ERPs do it"),
                        "level": None,
                        **shown(job.figures["min_max"]),
                    }
                )
        fills = [fill for fill, _stock in fair]
        context.update(
            job=job,
            rows=rows,
            levels=services.REPLAY_LEVELS,
            fair_range=(min(fills), max(fills)) if fills else None,
        )
        return context


class PolicyReplayStatusView(RunStatusView):
    """The replay's progress bar: weekly reviews forecast of all."""

    model = PolicyReplay

    def progress(self, run: PolicyReplay) -> tuple[int, int, str]:
        total = run.reviews_total or 0
        label = _("Replaying: review %(done)s of %(total)s forecast.") % {
            "done": run.reviews_done,
            "total": total or "…",
        }
        return run.reviews_done, total, label


class PolicyReplayStartView(MerchantViewMixin, View):
    """Queues the replay (a job: `planning.policy_replay_task`) and answers at once; the
    replay's page follows it."""

    required_permission = Permission.PLAN

    def post(self, request, *args, **kwargs):
        services.policy_replay_create(merchant=self.merchant, actor=request.user)
        messages.success(request, _("The replay is queued; this page follows it."))
        return redirect("planning:replay", merchant_slug=self.merchant.slug)

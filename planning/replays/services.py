"""Writes of policy replays that a web process makes: queue one, find those the broker lost.
The replay itself runs in a worker (`planning.replays.execute`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import Merchant, User
from core import dispatch
from planning.models import PolicyReplay

REPLAY_TASK = "planning.policy_replay_task"
REPLAY_LEVELS = (0.90, 0.95, 0.98)  # the fill-rate targets a replay tries


@transaction.atomic
def policy_replay_create(*, merchant: Merchant, actor: User | None) -> PolicyReplay:
    """Queue a replay of the store's last weeks (one at a time: a queued or running one is
    returned instead of a second)."""

    pending = (
        PolicyReplay.objects.for_merchant(merchant)
        .filter(status__in=[PolicyReplay.Status.QUEUED, PolicyReplay.Status.RUNNING])
        .first()
    )
    if pending is not None:
        return pending
    job = PolicyReplay.objects.create(merchant=merchant, requested_by=actor)
    dispatch.send_on_commit(REPLAY_TASK, merchant_id=merchant.pk, replay_id=job.pk)
    return job


def policy_replays_stranded(*, queued_before: dt.datetime) -> list[tuple]:
    """The task of each replay queued before ``queued_before`` and still waiting: the broker
    was away or lost it (`core.dispatch`)."""

    return dispatch.stranded(PolicyReplay, REPLAY_TASK, "replay_id", queued_before=queued_before)

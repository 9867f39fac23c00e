"""The console's service health across merchants: queue lengths on the broker, the sales
table's monthly partitions, long jobs by state, and per merchant (pseudonymised, as in
`planning.statistics`) its last nightly run, its failed jobs and its open alerts. Counts and
ages only: nothing of a store's catalogue or figures."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from celery import current_app as app
from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from accounts.tenancy import all_merchants_context
from forecasting.models import ForecastRun, TrainingRun
from inventory.models import REFUSED_IMPORTS, ImportJob
from inventory.partitions import partition_state
from planning.models import Alert, PolicyReplay
from planning.statistics import pseudonym

WINDOW_DAYS = 7
JOBS = (
    ("Imports", ImportJob),
    ("Forecast runs", ForecastRun),
    ("Training runs", TrainingRun),
    ("Policy replays", PolicyReplay),
)
# Failed on their input, not on the platform: counted apart, never as failures.
REFUSED = {ImportJob: REFUSED_IMPORTS}
NOTHING = Q(pk__isnull=True)  # a primary key is never null: no row


@dataclass(frozen=True)
class QueueLength:
    name: str
    waiting: int | None  # None: the broker could not be asked


def queue_lengths() -> tuple[list[QueueLength], str]:
    """Tasks waiting per queue, and a note on where they were read (or why not)."""
    names = [queue.name for queue in app.conf.task_queues]
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return [QueueLength(name, 0) for name in names], "no broker: tasks run in-process"
    try:
        with app.connection_for_read() as connection:
            client = connection.default_channel.client  # Redis: a queue is a list
            return [QueueLength(name, int(client.llen(name))) for name in names], "broker"
    except Exception as error:  # the page still shows the rest
        return [
            QueueLength(name, None) for name in names
        ], f"broker unavailable ({type(error).__name__})"


@dataclass(frozen=True)
class JobStates:
    label: str
    queued: int
    running: int
    failed: int
    succeeded: int
    oldest_queued: dt.datetime | None
    refused: int = 0


@dataclass
class MerchantHealth:
    pseudonym: str
    last_night: str = "none yet"
    last_night_at: dt.datetime | None = None
    failed_jobs: int = 0
    open_alerts: int = 0
    job_failures: dict[str, int] = field(default_factory=dict)


def service_health(now: dt.datetime | None = None) -> dict:
    """What the console's service health page shows: the broker's queues, the sales table's
    partitions, the long jobs of the last `WINDOW_DAYS` (and any still waiting or running) by
    state, and the merchants, the most failed jobs and open alerts first."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=WINDOW_DAYS)
    merchants: dict[int, MerchantHealth] = {}
    # platform staff's view across merchants: only counts, states and times leave these queries
    with all_merchants_context():
        jobs = [_job_states(label, model, since, merchants) for label, model in JOBS]
        _last_nights(merchants)
        _open_alerts(merchants)
    queues, source = queue_lengths()
    return {
        "sales_table": partition_state(),
        "queues": queues,
        "queue_source": source,
        "jobs": jobs,
        "merchants": sorted(
            merchants.values(), key=lambda m: (-m.failed_jobs, -m.open_alerts, m.pseudonym)
        ),
        "window_days": WINDOW_DAYS,
        "now": now,
    }


def _merchant(merchants: dict[int, MerchantHealth], merchant_id: int) -> MerchantHealth:
    return merchants.setdefault(merchant_id, MerchantHealth(pseudonym(merchant_id)))


def _job_states(
    label: str, model, since: dt.datetime, merchants: dict[int, MerchantHealth]
) -> JobStates:
    """One kind of job by state, created since ``since`` or still waiting or running; each
    merchant's failures of it are added to its row in ``merchants``."""
    recent = model.objects.unscoped().filter(
        Q(created_at__gte=since) | Q(status__in=["queued", "running"])
    )
    refused = REFUSED.get(model, NOTHING)
    failed = Q(status="failed") & ~refused
    states = recent.aggregate(
        queued=Count("pk", filter=Q(status="queued")),
        running=Count("pk", filter=Q(status="running")),
        failed=Count("pk", filter=failed),
        refused=Count("pk", filter=refused),
        succeeded=Count("pk", filter=Q(status="succeeded")),
        oldest=Min("created_at", filter=Q(status="queued")),
    )
    for entry in recent.filter(failed).values("merchant_id").annotate(count=Count("pk")):
        health = _merchant(merchants, entry["merchant_id"])
        health.failed_jobs += entry["count"]
        health.job_failures[label] = entry["count"]
    return JobStates(label, states["queued"], states["running"], states["failed"],
                     states["succeeded"], states["oldest"], refused=states["refused"])  # fmt: skip


def _last_nights(merchants: dict[int, MerchantHealth]) -> None:
    """Each merchant's latest nightly run: its state and when it finished, on its row."""
    last_runs = (
        ForecastRun.objects.unscoped()
        .filter(local_date__isnull=False)
        .values("merchant_id")
        .annotate(latest=Max("created_at"))
    )
    latest = {entry["merchant_id"]: entry["latest"] for entry in last_runs}
    for merchant_id, status, finished in (
        ForecastRun.objects.unscoped()
        .filter(local_date__isnull=False, created_at__in=list(latest.values()))
        .values_list("merchant_id", "status", "finished_at")
    ):
        if latest.get(merchant_id) is not None:
            health = _merchant(merchants, merchant_id)
            health.last_night = status
            health.last_night_at = finished


def _open_alerts(merchants: dict[int, MerchantHealth]) -> None:
    """Each merchant's count of open alerts, on its row."""
    open_alerts: dict[int, int] = defaultdict(int)
    for merchant_id, count in (
        Alert.objects.unscoped()
        .filter(state=Alert.State.OPEN)
        .values("merchant_id")
        .annotate(count=Count("pk"))
        .values_list("merchant_id", "count")
    ):
        open_alerts[merchant_id] = count
    for merchant_id, count in open_alerts.items():
        _merchant(merchants, merchant_id).open_alerts = count

"""The Celery app: queues, routing and the schedule, all in one place."""

import os

from celery import Celery
from celery.schedules import crontab
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("shelfcast")
app.config_from_object("django.conf:settings", namespace="CELERY")

app.conf.task_queues = (
    # Short, user-facing work: emails, small updates.
    Queue("default"),
    # CSV and API bulk imports; I/O bound, may run several at once.
    Queue("ingest"),
    # Nightly forecasts and backtests on CPU workers.
    Queue("forecast"),
    # Fine-tuning on GPU workers: run with concurrency 1 and prefetch 1.
    Queue("gpu"),
)
app.conf.task_default_queue = "default"
app.conf.task_routes = {
    # A purchase order's email is short, user-facing work (named routes win over patterns).
    "inventory.send_purchase_order_task": {"queue": "default"},
    "inventory.*": {"queue": "ingest"},
    "forecasting.fine_tune*": {"queue": "gpu"},
    "forecasting.*": {"queue": "forecast"},
    "planning.policy_replay_task": {"queue": "forecast"},
    # A decision on every line of a large store's orders page: bulk writes, as imports are.
    "planning.suggestion_bulk_task": {"queue": "ingest"},
}
# The schedule lives in code (times in UTC).
app.conf.beat_schedule = {
    # Queues each merchant's nightly run once its own local nightly time has passed.
    "nightly-forecasts": {
        "task": "forecasting.nightly_forecasts_task",
        "schedule": crontab(minute="*/15"),
    },
    # Retrain every merchant's model on its new data (kept only if its backtest is better).
    "weekly-fine-tune": {
        "task": "forecasting.weekly_fine_tune_task",
        "schedule": crontab(day_of_week="sun", hour=4, minute=0),
    },
    # Embeds new and renamed SKUs' names between nightly runs (the runs then find them).
    "embed-catalogues": {
        "task": "forecasting.embed_catalogues_task",
        "schedule": crontab(minute=40),
    },
    # Stale-data and failed-job alerts, morning alert digests, due webhook retries.
    "merchant-checks": {
        "task": "planning.merchant_checks_task",
        "schedule": crontab(minute="5-59/15"),
    },
    # Creates the sales table's months ahead; history imported into the default partition
    # moves into partitions of its own months (inventory/partitions.py).
    "sales-partitions": {
        "task": "inventory.maintain_sales_partitions_task",
        "schedule": crontab(hour=1, minute=45),
    },
    # Writes each merchant's built-in calendars (public holidays, shopping festivals) as
    # calendar events a year ahead, before the earliest nightly forecasts read them.
    "extend-calendars": {
        "task": "inventory.extend_calendars_task",
        "schedule": crontab(hour=0, minute=30),
    },
    # Sends again the task of each long job still queued after CELERY_REDISPATCH_AFTER_SECONDS:
    # its sending failed while the broker was away, or a Redis restart lost it.
    "redispatch-stranded-jobs": {
        "task": "core.redispatch_stranded_task",
        "schedule": crontab(minute="*/5"),
    },
    "purge-idempotency-records": {
        "task": "accounts.purge_idempotency_records_task",
        "schedule": crontab(hour=3, minute=15),
    },
}

app.autodiscover_tasks()

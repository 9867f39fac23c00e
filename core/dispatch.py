"""Sending a long job's task without making the request that queued it depend on the broker.

A job's run row (an import, a forecast or training run, a replay) is committed before its
task is sent, and the row is the job: the broker only carries a reminder of it. So when the
broker cannot be reached (Redis stopped, restarting, unreachable), sending gives up after one
quick retry, with a warning, and the row stays queued; the request answers as usual. A sweep
every few minutes (`redispatch_stranded`) sends again the task of every row still queued some
minutes after it was queued: those whose sending failed, and those the broker lost (Redis
keeps nothing on disk here, so a restart empties its queues). Sending twice is safe: a task
claims its row queued -> running (`core.runs.claim`), and a duplicate finds it taken and
does nothing.

Each app says which of its rows are stranded (settings.CELERY_REDISPATCH_SOURCES), so that
core imports none of the apps above it.

A task is sent by its name ("forecasting.run_forecast_task"), so the sender never imports the
module that defines it: a web process queues a forecast without loading the model code the
task runs. Only where tasks run in this process (no broker: the embedded default, and tests)
is the task itself looked up and run.

Long work never holds a page. Without a broker (the embedded default) there is no worker,
so a task of the long queues (imports, forecasts, fine-tunes, replays: `LONG_QUEUES`) runs
on one thread of this process kept for them (settings.LONG_JOBS_IN_BACKGROUND_THREAD), one
job at a time as a worker with concurrency 1 would; the request that queued it answers at
once and its page follows the job's run row. A job that thread was running when the process
stopped (a deploy, a crash) would stay running for ever, as no worker will ever take it up
again: its run row names the thread's process as its claimant (`thread_claimant`), and when
a process starts its thread, the thread first marks failed, with a message saying so, each
running job whose claiming process is gone (`interrupted_sweep`), so that its page offers
to run it again. Jobs claimed by Celery workers are never touched there: their claimant is
a task id, and the broker redelivers such a job (`core.runs.claim`). Tests run every task
in the request (the setting is off), so what a job did is there to assert when the view
returns.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from celery import Task, current_app
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connections, models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_noop
from kombu.exceptions import OperationalError

from core import runs
from core.database_tenant import all_merchants_context
from core.runs import QUEUED, RUNNING

logger = logging.getLogger(__name__)

SWEEP_LIMIT = 500  # rows per source and sweep, the longest queued first
# A job sent again waits twice as long as the previous time before the next send, up to this
# many times CELERY_REDISPATCH_AFTER_SECONDS.
BACKOFF_LIMIT = 16
MARK_SECONDS = 24 * 3600  # how long a job's sends are remembered


def _ids(kwargs: dict) -> dict:
    """The ids among a task's arguments, for the log (others may be secrets)."""
    return {name: value for name, value in kwargs.items() if name.endswith("_id")}


TaskRef = Task | str  # a task, or its registered name


def _name(task: TaskRef) -> str:
    return task if isinstance(task, str) else task.name


def _task(task: TaskRef) -> Task:
    """The task itself, imported on demand: only to run it in this process."""
    if not isinstance(task, str):
        return task
    current_app.loader.import_default_modules()  # the apps' tasks modules (autodiscovery)
    return current_app.tasks[task]


# The queues of long work (config/celery.py): in the embedded setup their tasks run on the
# background thread, never in the request that queued them.
LONG_QUEUES = frozenset({"ingest", "forecast", "gpu"})


def queue_of(name: str) -> str:
    """The queue config/celery.py routes the task ``name`` to: its own route, else the first
    pattern that matches, else the default queue (Celery's order)."""
    routes = current_app.conf.task_routes or {}
    route = routes.get(name) or next(
        (route for pattern, route in routes.items() if fnmatch.fnmatchcase(name, pattern)), None
    )
    return (route or {}).get("queue") or current_app.conf.task_default_queue


_background: ThreadPoolExecutor | None = None
_background_pid: int | None = None
_background_lock = threading.Lock()
_held: set[str] = set()  # the claimants of the jobs this process's thread is running


def _background_executor() -> ThreadPoolExecutor:
    """This process's job thread, started on first use; its first job is the sweep of the
    jobs an earlier process left running (`interrupted_sweep`). A process forked from one
    that had started it (gunicorn's preloading) starts its own: threads do not survive a
    fork."""
    global _background, _background_pid
    with _background_lock:
        if _background is None or _background_pid != os.getpid():
            _background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shelfcast-job")
            _background_pid = os.getpid()
            _held.clear()
            _background.submit(_sweep_in_background)
        return _background


def background_start(**_signal_arguments) -> None:
    """Start this process's job thread now, and with it the sweep of interrupted jobs: once
    a process serves its first request (core.apps connects it), so that a job stranded by
    a restart fails at once, not when the next job is queued. Every later request of the
    process finds its thread running and returns without taking the lock."""
    if _background is None or _background_pid != os.getpid():
        _background_executor()


def _run_in_background(task: TaskRef, kwargs: dict) -> None:
    claimant = thread_claimant()
    _held.add(claimant)
    try:
        # the task id is the claimant its run row records (`core.runs.claim`)
        _task(task).apply(kwargs=kwargs, task_id=claimant, throw=True)
    except Exception:  # the job's own row says it failed (its task marks it)
        logger.exception("%s %s failed in the background", _name(task), _ids(kwargs))
    finally:
        _held.discard(claimant)
        connections.close_all()  # this thread's own connections, not the requests'


def _sweep_in_background() -> None:
    try:
        interrupted_sweep()
    except Exception:  # a database not migrated yet, or away: the next process tries again
        logger.exception("the jobs interrupted by a stopped process could not be swept")
    finally:
        connections.close_all()


# -- jobs left running by a stopped process ----------------------------------------------------
THREAD_PREFIX = "thread:"
INTERRUPTED_MESSAGE = gettext_noop(
    "Interrupted: the server restarted while this job ran. Start it again."
)
# A job claimed by a thread of another machine's process cannot be checked from here: it is
# taken for interrupted once it has run this long, longer than any long job's time limit.
OTHER_MACHINE_AFTER = dt.timedelta(hours=24)


def _process_start(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks after boot, from /proc on Linux), so that a
    later process given the same pid is told apart; None when there is no such process, ""
    where this cannot be read (then the pid alone says whether it runs)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except FileNotFoundError:
        if os.path.isdir("/proc/self"):
            return None
    except OSError:
        return ""
    else:
        # the command name (field 2) may hold spaces: the fields after its ")" from field 3
        return stat.rsplit(b")", 1)[1].split()[19].decode()
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except OSError:
        pass  # it runs, as another user
    return ""


def _host() -> str:
    return socket.gethostname().replace(":", "")[:20]


_process_marks: dict[int, str] = {}


def _process_mark() -> str:
    """This process: machine, pid and start (a random token where /proc is not there)."""
    pid = os.getpid()
    if pid not in _process_marks:
        start = _process_start(pid) or uuid.uuid4().hex[:12]
        _process_marks[pid] = f"{_host()}:{pid}:{start}"
    return _process_marks[pid]


def thread_claimant() -> str:
    """A job's claimant on this process's job thread (Celery's task ids are bare uuids)."""
    return f"{THREAD_PREFIX}{_process_mark()}:{uuid.uuid4().hex[:8]}"


def _claimant_alive(claimant: str, started_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether the job thread that claimed a run may still be running it."""
    try:
        host, pid, start, _job = claimant.removeprefix(THREAD_PREFIX).split(":")
        pid = int(pid)
    except ValueError:
        return True  # not a claimant of ours: leave it
    if host != _host():
        return started_at is not None and now - started_at < OTHER_MACHINE_AFTER
    if f"{host}:{pid}:{start}" == _process_mark():
        return claimant in _held
    running = _process_start(pid)
    return running is not None and running in ("", start)


def _run_models() -> list[type[models.Model]]:
    """The models of long jobs' run rows (`core.runs`), from the app registry: core imports
    none of the apps above it."""
    needed = {"status", "claimed_by", "message", "started_at", "finished_at", "merchant"}
    return [
        model
        for model in apps.get_models()
        if needed <= {field.name for field in model._meta.get_fields()}
        and hasattr(model.objects, "unscoped")
    ]


def interrupted_sweep(*, now: dt.datetime | None = None) -> int:
    """Mark failed (`INTERRUPTED_MESSAGE`) every run still running on the job thread of a
    process that has stopped: its claimant names a process of this machine that no longer
    runs (or a later one under the same pid), or one of another machine and it has run for
    longer than `OTHER_MACHINE_AFTER`. Runs claimed by Celery workers (a task id, no
    `THREAD_PREFIX`) are left to the broker, which redelivers them. How many were marked."""
    now = now or timezone.now()
    ended = 0
    for model in _run_models():
        # across merchants on purpose: the sweep lists ids; each row is marked scoped
        with all_merchants_context():
            rows = list(
                model.objects.unscoped()
                .filter(status=RUNNING, claimed_by__startswith=THREAD_PREFIX)
                .values_list("merchant_id", "pk", "claimed_by", "started_at")
            )
        for merchant_id, pk, claimant, started_at in rows:
            if _claimant_alive(claimant, started_at, now):
                continue
            if runs.interrupt(
                model, merchant=merchant_id, pk=pk, claimant=claimant, message=INTERRUPTED_MESSAGE
            ):
                logger.warning("%s %s was interrupted: its process stopped (%s)",
                               model._meta.label, pk, claimant)  # fmt: skip
                ended += 1
    return ended


def _queue(task: TaskRef, kwargs: dict, *, in_this_request: bool = False) -> None:
    if isinstance(task, str) and not current_app.conf.task_always_eager:
        current_app.send_task(task, kwargs=kwargs)  # by name: routed by config/celery.py
    elif (
        settings.LONG_JOBS_IN_BACKGROUND_THREAD
        and not in_this_request
        and queue_of(_name(task)) in LONG_QUEUES
    ):
        _background_executor().submit(_run_in_background, task, kwargs)
    else:
        _task(task).delay(**kwargs)


def send(
    task: TaskRef,
    *,
    run_here_if_unavailable: bool = False,
    in_this_request: bool = False,
    **kwargs,
) -> bool:
    """Send ``task`` with ``kwargs`` now. False, with a warning, when the broker could not be
    reached: the job's row stays queued and the sweep sends it again. A short task with no
    row to sweep (an invitation email) says ``run_here_if_unavailable``: it then runs in this
    process instead, its errors logged. Without a broker, ``in_this_request`` keeps a task of
    a long queue in the request, for a caller that reads its result next."""
    try:
        # gives up within about two seconds (settings.CELERY_TASK_PUBLISH_RETRY_POLICY)
        _queue(task, kwargs, in_this_request=in_this_request)
    except OperationalError as error:
        if not run_here_if_unavailable:
            logger.warning("broker unavailable (%s): %s %s not sent; a queued job waits for "
                           "the sweep", error, _name(task), _ids(kwargs))  # fmt: skip
            return False
        logger.warning("broker unavailable (%s): %s %s runs in this process",
                       error, _name(task), _ids(kwargs))  # fmt: skip
        try:
            _task(task).apply(kwargs=kwargs, throw=True)
        except Exception:
            logger.exception("%s %s failed in this process", _name(task), _ids(kwargs))
        return False
    return True


def send_on_commit(task: TaskRef, *, run_here_if_unavailable: bool = False, **kwargs) -> None:
    """`send` once the current transaction commits (at once outside one)."""
    transaction.on_commit(
        lambda: send(task, run_here_if_unavailable=run_here_if_unavailable, **kwargs)
    )


# -- the sweep ---------------------------------------------------------------------------------
def stranded(
    model: type[models.Model],
    task: TaskRef,
    row_argument: str,
    *,
    queued_before: dt.datetime,
    since: str = "created_at",
    status: str = QUEUED,
    **filters,
) -> list[tuple[TaskRef, dict]]:
    """The task to send again, with its arguments (the merchant's id and the row's, as
    ``row_argument``), for each of ``model``'s rows in ``status`` whose ``since`` is before
    ``queued_before``, the oldest first: what an app's source returns."""
    # across merchants on purpose: the sweep collects ids only; each task runs scoped
    with all_merchants_context():
        rows = list(
            model.objects.unscoped()
            .filter(status=status, **{f"{since}__lt": queued_before}, **filters)
            .order_by(since, "pk")
            .values_list("merchant_id", "pk")[:SWEEP_LIMIT]
        )
    return [(task, {"merchant_id": merchant_id, row_argument: pk}) for merchant_id, pk in rows]


def _sources() -> Iterable[tuple[str, object]]:
    for path in settings.CELERY_REDISPATCH_SOURCES:
        yield path, import_string(path)


def _mark_key(task: TaskRef, kwargs: dict) -> str:
    arguments = ":".join(f"{name}={value}" for name, value in sorted(kwargs.items()))
    return f"redispatch:{_name(task)}:{arguments}"


def redispatch_stranded(*, now: dt.datetime | None = None) -> int:
    """Send again the task of every job queued for longer than
    settings.CELERY_REDISPATCH_AFTER_SECONDS; returns how many were sent. Stops at the first
    send that fails: the broker is still away, and the next sweep tries again.

    A job that is only waiting its turn (the week's fine-tunes on the one GPU worker, the
    chunks of a large store) is sent again too; each send is remembered in the cache and the
    next waits twice as long (up to `BACKOFF_LIMIT` times the setting), so such a job does not
    gather a duplicate per sweep. The cache is the broker's Redis (REDIS_URL and
    CELERY_BROKER_URL name one server in production): a restart that lost the queued tasks
    loses these marks with them, and the next sweep sends every such job at once."""
    now = now or timezone.now()
    after = settings.CELERY_REDISPATCH_AFTER_SECONDS
    queued_before = now - dt.timedelta(seconds=after)
    sent = 0
    for path, source in _sources():
        try:
            jobs = list(source(queued_before=queued_before))
        except Exception:  # one app's trouble must not keep the others' jobs waiting
            logger.exception("stranded jobs of %s could not be listed", path)
            continue
        for task, kwargs in jobs:
            key = _mark_key(task, kwargs)
            mark = cache.get(key)  # (sends so far, not before this timestamp)
            if mark and now.timestamp() < mark[1]:
                continue
            if not send(task, **kwargs):
                return sent
            times = mark[0] + 1 if mark else 1
            wait = after * min(2**times, BACKOFF_LIMIT)
            cache.set(key, (times, now.timestamp() + wait), timeout=MARK_SECONDS)
            logger.info("%s %s sent again (queued for over %s s)", _name(task), _ids(kwargs), after)
            sent += 1
    return sent

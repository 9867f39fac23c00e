"""Forecasting's writes that a web process makes: queue a forecast run or a fine-tune, fail
one, activate or roll back a model version, set, change and end a planner's forecast
override (audited). None of them forecasts: the work runs in a worker
(`forecasting.engine` for forecasts and explanations, `forecasting.fine_tuning` for training),
queued by task name, so a portal or API process never loads the model code."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from accounts.errors import DomainError
from accounts.models import Merchant, User
from accounts.tenancy import tenant_context
from core import dispatch, runs, workflow_events
from forecasting import selectors
from forecasting.models import (
    ForecastOverride,
    ForecastOverrideEvent,
    ForecastRun,
    ModelVersion,
    TrainingRun,
)
from forecasting.selection import SELECTION_PERIODS, SELECTION_WINDOWS
from inventory.models import SKU, Location, SalesDay

WEEK = 7
FINE_TUNE_MODES = ("full", "lora")  # every weight, or low-rank adapters
SELECTION_DAYS = SELECTION_WINDOWS * SELECTION_PERIODS  # the days the versions are judged on
MIN_DAYS = SELECTION_DAYS + 4 * WEEK  # and at least four weeks to train the judged twin on
# The tasks of a run, sent by name (`core.dispatch`); each takes the run's id as ``run_id``.
FORECAST_TASK = "forecasting.run_forecast_task"
FINE_TUNE_TASK = "forecasting.fine_tune_task"


def forecast_run_create(
    *, merchant: Merchant, horizon: int = 56, local_date: dt.date | None = None
) -> ForecastRun | None:
    """Queue a run; the task is dispatched when the transaction commits. With a
    ``local_date`` (the nightly schedule) at most one run per merchant and date is queued:
    None when it exists already."""

    with transaction.atomic(), tenant_context(merchant):
        if local_date is not None:
            run, created = ForecastRun.objects.for_merchant(merchant).get_or_create(
                merchant=merchant, local_date=local_date, defaults={"horizon": horizon}
            )
            if not created:
                return None
        else:
            run = ForecastRun.objects.create(merchant=merchant, horizon=horizon)
        dispatch.send_on_commit(FORECAST_TASK, merchant_id=merchant.pk, run_id=run.pk)
    return run


def forecast_runs_stranded(*, queued_before: dt.datetime) -> list[tuple]:
    """The task of each forecast run queued before ``queued_before`` and still waiting: the
    broker was away or lost it (`core.dispatch`)."""

    return dispatch.stranded(ForecastRun, FORECAST_TASK, "run_id", queued_before=queued_before)


def forecast_run_fail(*, merchant: Merchant, run_id: int, message: str) -> None:
    """Mark the run failed (unless it succeeded) and, the first time, announce its end."""
    with transaction.atomic(), tenant_context(merchant):
        if runs.fail(ForecastRun, merchant=merchant, pk=run_id, message=message):
            run = ForecastRun.objects.for_merchant(merchant).get(pk=run_id)
            forecast_run_finished_emit(merchant=merchant, run=run)


def forecast_run_finished_emit(*, merchant: Merchant, run: ForecastRun) -> None:
    """``forecast_run.finished`` once the transaction that ended ``run`` commits: what the
    run did, not what it forecast (GET /api/v1/forecast-runs/<id>/export/ has that)."""
    workflow_events.emit(
        merchant_id=merchant.pk,
        event_type="forecast_run.finished",
        data={
            "forecast_run": run.pk,
            "status": run.status,
            "horizon": run.horizon,
            "history_end": run.history_end,
            "series_count": run.series_count,
            "model_counts": run.model_counts,
            "model_version": run.model_version_id,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "message": run.message[:300],
        },
    )


def merchants_due(now: dt.datetime | None = None) -> list[tuple[Merchant, dt.date]]:
    """Merchants whose local time has passed their nightly forecast time today, with that
    local date (a run per merchant and date is created at most once)."""
    now = now or timezone.now()
    due = []
    for merchant in Merchant.objects.order_by("pk"):
        local = now.astimezone(zoneinfo.ZoneInfo(merchant.timezone))
        if local.time() >= merchant.nightly_forecast_time:
            due.append((merchant, local.date()))
    return due


# -- fine-tuning runs and model versions ------------------------------------------------------
def training_run_create(
    *,
    merchant: Merchant,
    mode: str | None = None,
    steps: int | None = None,
    only_with_history: bool = False,
) -> TrainingRun | None:
    """Queue a fine-tune on the gpu queue (dispatched on commit). None when one is already
    queued or running for the merchant, or (``only_with_history``) it has too little data."""
    mode = mode or settings.FINE_TUNE_MODE
    if mode not in FINE_TUNE_MODES:
        raise DomainError(
            gettext("Unknown fine-tuning mode %(mode)s: use full or lora.") % {"mode": repr(mode)}
        )
    with transaction.atomic(), tenant_context(merchant):
        busy = TrainingRun.objects.for_merchant(merchant).filter(
            status__in=[TrainingRun.Status.QUEUED, TrainingRun.Status.RUNNING]
        )
        if busy.exists():
            return None
        if only_with_history:
            days = (
                SalesDay.objects.for_merchant(merchant).order_by().values("date").distinct().count()
            )
            if days < MIN_DAYS:
                return None
        run = TrainingRun.objects.create(
            merchant=merchant, mode=mode, steps=steps or settings.FINE_TUNE_STEPS
        )
        dispatch.send_on_commit(FINE_TUNE_TASK, merchant_id=merchant.pk, run_id=run.pk)
    return run


def training_runs_stranded(*, queued_before: dt.datetime) -> list[tuple]:
    """The task of each training run queued before ``queued_before`` and still waiting: the
    broker was away or lost it (`core.dispatch`)."""

    return dispatch.stranded(TrainingRun, FINE_TUNE_TASK, "run_id", queued_before=queued_before)


def model_version_make_active(merchant: Merchant, version: ModelVersion) -> None:
    ModelVersion.objects.for_merchant(merchant).filter(status=ModelVersion.Status.ACTIVE).exclude(
        pk=version.pk
    ).update(status=ModelVersion.Status.RETIRED)
    version.status = ModelVersion.Status.ACTIVE
    version.activated_at = timezone.now()
    version.save(update_fields=["status", "activated_at"])


def model_version_activate(*, merchant: Merchant, version_id: int) -> ModelVersion:
    """Make a version (an earlier one: a rollback) the merchant's active model."""
    with transaction.atomic(), tenant_context(merchant):
        version = ModelVersion.objects.for_merchant(merchant).filter(pk=version_id).first()
        if version is None:
            raise ModelVersion.DoesNotExist("No such model version.")
        model_version_make_active(merchant, version)
    return version


def model_version_rollback(*, merchant: Merchant) -> ModelVersion | None:
    """Back to the version the active one was trained from (None: back to the base model)."""
    with transaction.atomic(), tenant_context(merchant):
        active = selectors.active_version(merchant)
        if active is None:
            raise DomainError(
                gettext("The base model is in use already; there is nothing to roll back.")
            )
        if active.parent_id is None:
            active.status = ModelVersion.Status.RETIRED
            active.save(update_fields=["status"])
            return None
        return model_version_activate(merchant=merchant, version_id=active.parent_id)


def training_run_fail(*, merchant: Merchant, run_id: int, message: str) -> None:
    runs.fail(TrainingRun, merchant=merchant, pk=run_id, message=message)


# -- forecast overrides ------------------------------------------------------------------------
OVERRIDE_FIELDS = ("location", "start_date", "end_date", "kind", "amount", "reason", "expires_on")
REASON_MAX_LENGTH = 500
PERCENT_MAX = Decimal("1000")


def _override_state(override: ForecastOverride) -> dict:
    """The override's fields as the audit keeps them (codes, ISO dates, decimal strings)."""
    return {
        "sku": override.sku.code,
        "location": override.location.code if override.location_id else None,
        "start_date": override.start_date.isoformat(),
        "end_date": override.end_date.isoformat(),
        "kind": override.kind,
        "amount": f"{override.amount.normalize():f}",
        "reason": override.reason,
        "expires_on": override.expires_on.isoformat(),
    }


def _override_record(
    override: ForecastOverride, action: str, *, actor: User | None, via: str, changes: dict
) -> ForecastOverrideEvent:
    return ForecastOverrideEvent.record(override, action, actor=actor, via=via, changes=changes)


def _override_check(merchant: Merchant, override: ForecastOverride) -> None:
    """Refuse what the store's rules do not allow (a refused request, 400)."""
    today = selectors.merchant_today(merchant)
    override.reason = (override.reason or "").strip()
    if not override.reason:
        raise DomainError(_("Say why the forecast is wrong: a reason is required."))
    if len(override.reason) > REASON_MAX_LENGTH:
        raise DomainError(
            _("Keep the reason under %(count)s characters.") % {"count": REASON_MAX_LENGTH}
        )
    if override.end_date < override.start_date:
        raise DomainError(_("The end date is before the start date."))
    if override.end_date < today:
        raise DomainError(_("The period has ended already: an override changes days to come."))
    if override.expires_on < today:
        raise DomainError(_("The expiry is in the past."))
    if override.kind == ForecastOverride.Kind.VALUE:
        if override.amount < 0:
            raise DomainError(_("Units per day must not be negative."))
    elif override.kind == ForecastOverride.Kind.PERCENT:
        if not Decimal("-100") <= override.amount <= PERCENT_MAX:
            raise DomainError(
                _("A change in percent lies between -100 and %(most)s.") % {"most": PERCENT_MAX}
            )
    else:
        raise DomainError(_("An override is a value (units per day) or a percent change."))
    if not SKU.objects.for_merchant(merchant).filter(pk=override.sku_id).exists():
        raise DomainError(_("No such SKU."))
    location = override.location_id
    if location is not None and not (
        Location.objects.for_merchant(merchant).filter(pk=location).exists()
    ):
        raise DomainError(_("No such location."))


def forecast_override_create(
    *,
    merchant: Merchant,
    sku_id: int,
    location_id: int | None,
    start_date: dt.date,
    end_date: dt.date,
    kind: str,
    amount: Decimal,
    reason: str,
    expires_on: dt.date,
    actor: User | None,
    via: str = "",
) -> ForecastOverride:
    """Set an override (`forecasting.overrides` says how it changes the forecast); audited.
    Suggestions and alerts take it from their next computation on."""
    with transaction.atomic(), tenant_context(merchant):
        override = ForecastOverride(
            merchant=merchant,
            sku_id=sku_id,
            location_id=location_id,
            start_date=start_date,
            end_date=end_date,
            kind=kind,
            amount=Decimal(amount),
            reason=reason,
            expires_on=expires_on,
            created_by=actor,
        )
        _override_check(merchant, override)
        override.save()
        override = selectors.forecast_overrides(merchant=merchant).get(pk=override.pk)
        state = _override_state(override)
        _override_record(
            override,
            ForecastOverrideEvent.Action.CREATED,
            actor=actor,
            via=via,
            changes={name: [None, value] for name, value in state.items()},
        )
    return override


def _override_locked(merchant: Merchant, pk: int) -> ForecastOverride:
    override = (
        selectors.forecast_overrides(merchant=merchant)
        .select_for_update(of=("self",))
        .filter(pk=pk)
        .first()
    )
    if override is None:
        raise ForecastOverride.DoesNotExist("No such forecast override.")
    return override


def forecast_override_update(
    *, merchant: Merchant, pk: int, actor: User | None, via: str = "", **values
) -> ForecastOverride:
    """Change an override that is not ended (any of `OVERRIDE_FIELDS`; ``location`` a
    Location or None); the audit keeps each field before and after."""
    unknown = set(values) - set(OVERRIDE_FIELDS)
    if unknown:
        raise DomainError(_("Not a field of an override: %(names)s.") % {"names": sorted(unknown)})
    with transaction.atomic(), tenant_context(merchant):
        override = _override_locked(merchant, pk)
        if override.ended_at is not None:
            raise DomainError(_("This override has ended; set a new one instead."))
        before = _override_state(override)
        for name, value in values.items():
            setattr(override, name, Decimal(value) if name == "amount" else value)
        _override_check(merchant, override)
        override.save()
        override = selectors.forecast_overrides(merchant=merchant).get(pk=override.pk)
        after = _override_state(override)
        changes = {
            name: [before[name], after[name]] for name in before if before[name] != after[name]
        }
        if changes:
            _override_record(
                override,
                ForecastOverrideEvent.Action.CHANGED,
                actor=actor,
                via=via,
                changes=changes,
            )
    return override


def forecast_override_end(
    *, merchant: Merchant, pk: int, actor: User | None, via: str = ""
) -> ForecastOverride:
    """End an override now: from today on the model's forecast stands again. It stays, with
    its audit, for the accuracy report. Ending an ended one changes nothing."""
    with transaction.atomic(), tenant_context(merchant):
        override = _override_locked(merchant, pk)
        if override.ended_at is not None:
            return override
        override.ended_at, override.ended_by = timezone.now(), actor
        override.save(update_fields=["ended_at", "ended_by", "updated_at"])
        _override_record(
            override,
            ForecastOverrideEvent.Action.ENDED,
            actor=actor,
            via=via,
            changes={"ended_at": [None, override.ended_at.isoformat()]},
        )
    return override

"""A decision on many lines of the orders page at once: approve, reject, defer, bring back or
change quantities, with the services of `planning.suggestions.services` and
`planning.suggestions.quantities`.

A few lines are decided in the request. Every line matching a filter of a large store (ten
thousand lines take seconds) is decided by a job (`SuggestionBulkAction`, the task
`planning.suggestion_bulk_task`): the request stores the chosen lines' ids and answers at once,
the page follows the job's progress. The job works through the ids in chunks, each chunk's
writes and the job's progress in one transaction, so a job that is delivered again resumes
after its last chunk instead of deciding a line twice (a quantity scaled twice). The form's
``request_key`` makes a retried POST find the job it queued the first time."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from accounts.errors import DomainError
from accounts.models import Merchant, User
from accounts.tenancy import tenant_context
from core import dispatch, runs
from planning.models import ReorderSuggestion, SuggestionBulkAction
from planning.suggestions import quantities, services

BULK_TASK = "planning.suggestion_bulk_task"
IN_BACKGROUND_ABOVE = 200  # lines: a select-all over more is a job
CHUNK = 500  # lines per transaction of a job
VIA = "portal"

APPROVE, REJECT, DEFER, UNDEFER, EDIT = "approve", "reject", "defer", "undefer", "edit"
DECISIONS = (APPROVE, REJECT, DEFER, UNDEFER, EDIT)


def _decimal(text: str | None) -> Decimal | None:
    return Decimal(text) if text else None


@dataclass(frozen=True)
class Action:
    """What to do with the chosen lines, parsed from the page's form."""

    decision: str
    until: dt.date | None = None
    quantity: Decimal | None = None
    percent: Decimal | None = None
    reason: str = ""

    @property
    def scales(self) -> bool:
        """Whether it scales quantities by a percentage: sent twice, it would scale twice."""
        return self.decision == EDIT and self.percent is not None

    @classmethod
    def from_form(cls, data) -> Action | None:
        """The action the form asks for; None for no known decision. DomainError when its
        day or numbers cannot be read."""
        decision = data.get("decision", "")
        if decision not in DECISIONS:
            return None
        until = None
        if decision == DEFER:
            try:
                until = dt.date.fromisoformat(data.get("until", ""))
            except ValueError as error:
                raise DomainError(gettext("Pick the day to defer the lines to.")) from error
        try:
            quantity = _decimal(data.get("quantity", "").strip()) if decision == EDIT else None
            percent = _decimal(data.get("percent", "").strip()) if decision == EDIT else None
        except InvalidOperation as error:
            raise DomainError(gettext("Quantities and percentages are numbers.")) from error
        reason = data.get("reason", "") if decision == REJECT else ""
        return cls(decision, until, quantity, percent, reason)

    def as_parameters(self) -> dict:
        """The action as a job stores it (JSON)."""
        return {
            "until": self.until.isoformat() if self.until else None,
            "quantity": None if self.quantity is None else str(self.quantity),
            "percent": None if self.percent is None else str(self.percent),
            "reason": self.reason,
        }

    @classmethod
    def from_parameters(cls, decision: str, parameters: dict) -> Action:
        until = parameters.get("until")
        return cls(
            decision,
            dt.date.fromisoformat(until) if until else None,
            _decimal(parameters.get("quantity")),
            _decimal(parameters.get("percent")),
            parameters.get("reason", ""),
        )


@dataclass(frozen=True)
class Outcome:
    """What an action did: how many lines, and for approvals the draft orders they went on
    (number, supplier) and how many had no supplier."""

    count: int = 0
    purchase_orders: list[tuple[str, str]] = field(default_factory=list)
    without_supplier: int = 0

    def __add__(self, other: Outcome) -> Outcome:
        orders = list(dict.fromkeys([*self.purchase_orders, *other.purchase_orders]))
        return Outcome(
            self.count + other.count, orders, self.without_supplier + other.without_supplier
        )

    def as_json(self) -> dict:
        return {
            "count": self.count,
            "purchase_orders": [list(order) for order in self.purchase_orders],
            "without_supplier": self.without_supplier,
        }

    @classmethod
    def from_json(cls, data: dict) -> Outcome:
        return cls(
            data.get("count", 0),
            [tuple(order) for order in data.get("purchase_orders", [])],
            data.get("without_supplier", 0),
        )


def act(
    *, merchant: Merchant, lines: QuerySet, action: Action, actor: User | None, via: str = VIA
) -> Outcome:
    """Decide the proposed lines of ``lines`` (the others are left as they are)."""
    arguments = {"merchant": merchant, "actor": actor, "via": via}
    if action.decision == APPROVE:
        approval = services.suggestion_lines_order(lines=lines, **arguments)
        orders = [(order.number, order.supplier.name) for order in approval.purchase_orders]
        return Outcome(approval.approved, orders, approval.without_supplier)
    if action.decision == REJECT:
        pks = list(lines.values_list("pk", flat=True))
        return Outcome(services.suggestions_reject(pks=pks, reason=action.reason, **arguments))
    if action.decision in (DEFER, UNDEFER):
        return Outcome(
            services.suggestion_lines_defer(lines=lines, until=action.until, **arguments)
        )
    return Outcome(
        quantities.suggestion_lines_quantity_change(
            lines=lines, quantity=action.quantity, percent=action.percent, **arguments
        )
    )


def action_check(*, merchant: Merchant, action: Action) -> None:
    """Raise the DomainError the action would raise on its lines (no reason to reject, a day
    that has come, no quantity), before a job is queued for it: the services run on no line,
    so their own checks answer and nothing is written."""
    none = ReorderSuggestion.objects.for_merchant(merchant).none()
    act(merchant=merchant, lines=none, action=action, actor=None)


def chosen_ids(lines: QuerySet) -> list[int]:
    """The proposed lines' ids, those of one supplier and location together: a job's chunk
    then puts its lines on few draft orders."""
    return list(
        lines.filter(status=ReorderSuggestion.Status.PROPOSED)
        .order_by("supplier_id", "location_id", "pk")
        .values_list("pk", flat=True)
    )


def request_key(form_key: str, action: Action, line_filter: dict) -> str:
    """A job's ``request_key``: the token of the form it came from, with what it asks for. The
    same form sent again gives the same key; another decision sent from the same page (after
    going back) gives its own. Empty without a token."""
    if not form_key:
        return ""
    asked = [form_key, action.decision, action.as_parameters(), line_filter]
    return hashlib.sha256(json.dumps(asked, sort_keys=True).encode()).hexdigest()


def suggestion_bulk_queue(
    *,
    merchant: Merchant,
    action: Action,
    line_ids: list[int],
    line_filter: dict,
    request_key: str,
    actor: User | None,
    run_now: bool = False,
) -> SuggestionBulkAction:
    """Queue the job deciding ``line_ids`` (sent once the request commits), or with
    ``run_now`` decide them at once, in this process. The job of a form sent before under
    the same ``request_key`` is returned instead of a second: a quantity scaled by a
    percentage is scaled once, however often the form is sent."""
    action_check(merchant=merchant, action=action)
    request_key = request_key[:64]
    jobs = SuggestionBulkAction.objects.for_merchant(merchant)
    if request_key:
        earlier = jobs.filter(request_key=request_key).first()
        if earlier is not None:
            return earlier
    try:
        with transaction.atomic():
            job = jobs.create(
                merchant=merchant,
                decision=action.decision,
                parameters=action.as_parameters(),
                line_filter=line_filter,
                line_ids=line_ids,
                lines_total=len(line_ids),
                request_key=request_key,
                requested_by=actor,
            )
    except IntegrityError:  # the same form, sent at the same moment, queued it
        return jobs.get(request_key=request_key)
    if run_now:
        suggestion_bulk_execute(merchant=merchant, job_id=job.pk)
        return jobs.get(pk=job.pk)
    dispatch.send_on_commit(BULK_TASK, merchant_id=merchant.pk, job_id=job.pk)
    return job


def suggestion_bulk_execute(
    *, merchant: Merchant, job_id: int, claimant: str = ""
) -> SuggestionBulkAction | None:
    """Run a queued job, chunk by chunk from where it stopped; None when it was not queued
    (another task has it, or it has ended). A DomainError (a day that has come meanwhile)
    ends it failed with its message; the chunks done before stay done."""
    job = runs.claim(SuggestionBulkAction, merchant=merchant, pk=job_id, claimant=claimant)
    if job is None:
        return None
    action = Action.from_parameters(job.decision, job.parameters)
    outcome = Outcome.from_json(job.result)
    jobs = SuggestionBulkAction.objects.for_merchant(merchant).filter(pk=job.pk)
    try:
        for start in range(job.lines_done, len(job.line_ids), CHUNK):
            chunk = job.line_ids[start : start + CHUNK]
            with transaction.atomic(), tenant_context(merchant):
                lines = ReorderSuggestion.objects.for_merchant(merchant).filter(pk__in=chunk)
                outcome += act(
                    merchant=merchant, lines=lines, action=action, actor=job.requested_by
                )
                jobs.update(lines_done=start + len(chunk), result=outcome.as_json())
    except DomainError as error:
        runs.fail(SuggestionBulkAction, merchant=merchant, pk=job.pk, message=str(error))
        return None
    runs.record(
        SuggestionBulkAction,
        merchant=merchant,
        pk=job.pk,
        status=runs.SUCCEEDED,
        finished_at=timezone.now(),
    )
    return jobs.first()


def suggestion_bulk_actions_stranded(*, queued_before: dt.datetime) -> list[tuple]:
    """The task of each job queued before ``queued_before`` and still waiting: the broker was
    away or lost it (`core.dispatch`)."""
    return dispatch.stranded(SuggestionBulkAction, BULK_TASK, "job_id", queued_before=queued_before)

"""Console actions on long jobs (imports, training and forecast runs, replays): retry a failed
one, cancel a queued one. A job refused for its input (an import whose file was judged and
turned down) is not a failure of the platform: it is shown as refused and never retried, as
a retry would only reach the same verdict; the store fixes its file and uploads it again.

A retry puts the row back to queued and sends its task again once the change is committed;
the task claims the row as usual (`core.runs`), so a retry of a row already picked up is
a no-op. Cancelling marks a queued row failed with the reason; a worker that later receives
its task finds nothing queued and stops. A running job is not cancelled from here: its
worker holds it, and a redelivered task would resume it.

Both ask the staff member for a reason first (a page like Django's delete confirmation) and
write, in the same transaction as the change, one audit record per job changed in its store's
security log: who, which job, when, the action and the reason. The model admin writes them
(``audit_job_action(request, jobs, action=, reason=)``, `accounts.admin_site`'s
`StoreDataAdminMixin`, which every console page of store data is): this module sits below
accounts and cannot import its audit log."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

from core import dispatch
from core.runs import FAILED, QUEUED, RUNNING

# Stored on the job as its reason in English, not in the staff member's language; a page
# translates it as it shows it.
CANCELLED_MESSAGE = gettext_noop("Cancelled by platform staff.")


RETRY, CANCEL = "retry", "cancel"  # the actions' names, as the audit records them


class JobActionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Shown to the store in its security log."),
    )


def _reason(modeladmin, request, queryset, *, action: str, title) -> str | TemplateResponse:
    """The reason the staff member gave on the confirmation page, or that page (again, with
    the form's errors, when the reason was left empty)."""
    form = JobActionForm(request.POST if request.POST.get("post") else None)
    if form.is_valid():
        return form.cleaned_data["reason"]
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(
        request,
        "admin/core/job_action_reason.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "opts": modeladmin.model._meta,
            "queryset": queryset.select_related("merchant").order_by("pk"),
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "form": form,
            "media": modeladmin.media,
        },
    )


def task_sender(task: str, id_name: str) -> Callable[[object], None]:
    """The ``dispatch`` of `job_actions` for a job whose task takes its merchant's id and its
    own id as ``id_name``: sends ``task`` by name (`core.dispatch`)."""

    def send(row) -> None:
        dispatch.send(task, merchant_id=row.merchant_id, **{id_name: row.pk})

    return send


def job_actions(dispatch: Callable[[object], None], *, refused: Q | None = None) -> list:
    """The two admin actions for a job model whose rows have ``status``, ``message``,
    ``started_at`` and ``finished_at``; ``dispatch(row)`` sends the row's task. ``refused``
    picks the failed rows that were refused for their input: those are not retried."""

    @admin.action(description=_("Retry the selected failed jobs"))
    def retry(modeladmin, request, queryset):
        reason = _reason(modeladmin, request, queryset, action=RETRY, title=_("Retry jobs"))
        if isinstance(reason, TemplateResponse):
            return reason
        retryable = queryset.filter(status=FAILED)
        if refused is not None:
            retryable = retryable.exclude(refused)
        pks = list(retryable.values_list("pk", flat=True))
        fields = {"status": QUEUED, "message": "", "started_at": None, "finished_at": None}
        if hasattr(queryset.model, "claimed_by"):
            fields["claimed_by"] = ""
        with transaction.atomic():
            queryset.filter(pk__in=pks, status=FAILED).update(**fields)
            # what this statement queued: its task is sent only after the commit
            rows = list(queryset.filter(pk__in=pks, status=QUEUED))
            modeladmin.audit_job_action(request, rows, action=RETRY, reason=reason)
            for row in rows:
                transaction.on_commit(lambda row=row: dispatch(row))
        turned_down = queryset.filter(refused).count() if refused is not None else 0
        skipped = queryset.count() - len(rows) - turned_down
        parts = [
            ngettext("%(count)s job queued again", "%(count)s jobs queued again", len(rows))
            % {"count": len(rows)}
        ]
        # The counts of the rows left alone read the same for one row or many.
        if turned_down:
            parts.append(
                gettext("%(count)s refused for their input, not retried") % {"count": turned_down}
            )
        if skipped:
            parts.append(gettext("%(count)s not failed, left as they were") % {"count": skipped})
        modeladmin.message_user(
            request,
            gettext("%(parts)s.") % {"parts": gettext("; ").join(parts)},
            messages.SUCCESS if rows else messages.WARNING,
        )

    @admin.action(description=_("Cancel the selected queued jobs"))
    def cancel(modeladmin, request, queryset):
        reason = _reason(modeladmin, request, queryset, action=CANCEL, title=_("Cancel jobs"))
        if isinstance(reason, TemplateResponse):
            return reason
        now = timezone.now()
        with transaction.atomic():
            queryset.filter(status=QUEUED).update(
                status=FAILED, message=CANCELLED_MESSAGE, finished_at=now
            )
            # what this statement cancelled (a worker may have claimed a row meanwhile)
            rows = list(queryset.filter(status=FAILED, message=CANCELLED_MESSAGE, finished_at=now))
            modeladmin.audit_job_action(request, rows, action=CANCEL, reason=reason)
        count = len(rows)
        running = queryset.filter(status=RUNNING).count()
        parts = [
            ngettext("%(count)s job cancelled", "%(count)s jobs cancelled", count)
            % {"count": count}
        ]
        if running:
            parts.append(
                gettext("%(count)s running, not cancelled (their worker holds them)")
                % {"count": running}
            )
        modeladmin.message_user(
            request,
            gettext("%(parts)s.") % {"parts": gettext("; ").join(parts)},
            messages.SUCCESS if count else messages.WARNING,
        )

    return [retry, cancel]

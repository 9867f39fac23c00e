"""Console actions on long jobs (imports, training and forecast runs, replays): retry a failed
one, cancel a queued one. A job refused for its input (an import whose file was judged and
turned down) is not a failure of the platform: it is shown as refused and never retried, as
a retry would only reach the same verdict; the store fixes its file and uploads it again.

A retry puts the row back to queued and sends its task again once the change is committed;
the task claims the row as usual (`core.runs`), so a retry of a row already picked up is
a no-op. Cancelling marks a queued row failed with the reason; a worker that later receives
its task finds nothing queued and stops. A running job is not cancelled from here: its
worker holds it, and a redelivered task would resume it."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

from core.runs import FAILED, QUEUED, RUNNING

# Stored on the job as its reason in English, not in the staff member's language; a page
# translates it as it shows it.
CANCELLED_MESSAGE = gettext_noop("Cancelled by platform staff.")


def job_actions(dispatch: Callable[[object], None], *, refused: Q | None = None) -> list:
    """The two admin actions for a job model whose rows have ``status``, ``message``,
    ``started_at`` and ``finished_at``; ``dispatch(row)`` sends the row's task. ``refused``
    picks the failed rows that were refused for their input: those are not retried."""

    @admin.action(description=_("Retry the selected failed jobs"))
    def retry(modeladmin, request, queryset):
        retryable = queryset.filter(status=FAILED)
        if refused is not None:
            retryable = retryable.exclude(refused)
        rows = list(retryable)
        fields = {"status": QUEUED, "message": "", "started_at": None, "finished_at": None}
        if hasattr(queryset.model, "claimed_by"):
            fields["claimed_by"] = ""
        with transaction.atomic():
            queryset.filter(pk__in=[row.pk for row in rows], status=FAILED).update(**fields)
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
        count = queryset.filter(status=QUEUED).update(
            status=FAILED, message=CANCELLED_MESSAGE, finished_at=timezone.now()
        )
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

"""What a decision on the orders page's lines did, and what a bulk job is doing, in the
reader's words."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import formatting
from planning.suggestions import bulk


def approval_message(outcome: bulk.Outcome) -> str:
    """What approving did: how many lines, on which draft orders, and those on none."""
    message = ngettext("%(count)s approved", "%(count)s approved", outcome.count) % {
        "count": outcome.count
    }
    if outcome.purchase_orders:
        orders = outcome.purchase_orders
        orders_text = formatting.punctuation("list").join(
            _("%(number)s (%(supplier)s)") % {"number": number, "supplier": supplier}
            for number, supplier in orders
        )
        message += ngettext(
            ", on draft purchase order %(orders)s",
            ", on draft purchase orders %(orders)s",
            len(outcome.purchase_orders),
        ) % {"orders": orders_text}
    if outcome.without_supplier:
        message += _(
            "; %(count)s without a supplier, so on no order (give their SKUs supplier terms)"
        ) % {"count": outcome.without_supplier}
    return message + formatting.punctuation("stop")


def outcome_message(action: bulk.Action, outcome: bulk.Outcome) -> str:
    """What a decision on lines did, in the reader's words."""
    count = {"count": outcome.count}
    if action.decision == bulk.APPROVE:
        return approval_message(outcome)
    if action.decision == bulk.REJECT:
        return _("%(count)s rejected.") % count
    if action.decision == bulk.UNDEFER:
        return _("%(count)s brought back.") % count
    if action.decision == bulk.DEFER:
        day = formatting.format_day(action.until)
        return _("%(count)s deferred until %(day)s.") % {**count, "day": day}
    return _("%(count)s quantities changed.") % count


def bulk_progress(job) -> tuple[int, int, str]:
    """A bulk job's steps done and in all, and what they are, for its progress bar."""
    labels = {
        bulk.APPROVE: _("Approving: %(done)s of %(total)s lines."),
        bulk.REJECT: _("Rejecting: %(done)s of %(total)s lines."),
        bulk.DEFER: _("Deferring: %(done)s of %(total)s lines."),
        bulk.UNDEFER: _("Bringing back: %(done)s of %(total)s lines."),
        bulk.EDIT: _("Changing quantities: %(done)s of %(total)s lines."),
    }
    label = labels.get(job.decision, labels[bulk.EDIT]) % {
        "done": formatting.format_number(job.lines_done),
        "total": formatting.format_number(job.lines_total),
    }
    return job.lines_done, job.lines_total, label

"""CSV imports: the jobs that load them and the column mappings merchants confirmed."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from accounts.formatting import format_number
from core import runs
from inventory.ingest.row_messages import shown_entries
from inventory.models.base import InventoryModel

FILE_GONE_MESSAGE = gettext_noop(
    "The file of this import is no longer kept (an import's file is deleted once it has run, "
    "as it may hold customer ids): upload it again."
)


def loaded_message(rows: int, skipped: int) -> str:
    """What a loaded import says, in the active language."""
    message = ngettext("Loaded %(count)s row.", "Loaded %(count)s rows.", rows) % {
        "count": format_number(rows)
    }
    if skipped:
        message += " " + ngettext(
            "%(count)s line without a SKU left out (listed below).",
            "%(count)s lines without a SKU left out (listed below).",
            skipped,
        ) % {"count": format_number(skipped)}
    return message


def refused_message(problems: int) -> str:
    """What an import refused for its rows says, in the active language."""
    return ngettext(
        "%(count)s problem in the file; nothing was loaded. Download the error report, fix "
        "the rows and upload again.",
        "%(count)s problems in the file; nothing was loaded. Download the error report, fix "
        "the rows and upload again.",
        problems,
    ) % {"count": format_number(problems)}


class ImportJob(InventoryModel):
    """A CSV file being validated and loaded by a worker, with its progress and error report."""

    class Status(models.TextChoices):
        MAPPING = "mapping", _("Waiting for the column mapping")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Loaded")
        FAILED = "failed", _("Failed")

    resource = models.CharField(max_length=32)
    platform = models.CharField(
        max_length=32,
        blank=True,
        help_text="The shop platform whose order export the file is (inventory.ingest.platforms); "
        "blank for a file mapped column by column.",
    )
    header = models.JSONField(default=list, help_text="The file's column names, in order.")
    options = models.JSONField(default=dict, blank=True)
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    mapping = models.JSONField(default=dict, help_text="CSV header -> resource field.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.MAPPING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(
        default=0, help_text="Lines left out of a loaded file (a platform's lines without a SKU)."
    )
    errors = models.JSONField(default=list, blank=True)
    claimed_by = models.CharField(
        max_length=64, blank=True, help_text="The task that runs it; its redelivery may resume."
    )
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["merchant", "status"], name="importjob_status_idx")]

    def __str__(self) -> str:
        return f"{self.resource} import {self.original_name} ({self.status})"

    def percent(self, done: int, total: int) -> int:
        """How far the load is, from rows done of rows total (100 only once it succeeded)."""
        if self.status == self.Status.SUCCEEDED:
            return 100
        return min(99, int(100 * done / total)) if total else 0

    @property
    def message_text(self) -> str:
        """``message`` in the active language: said again from the counts where they say
        it all, else its stored English words translated where they are a known text (a
        file no longer kept, a cancel), else as stored."""
        if self.status == self.Status.SUCCEEDED:
            return loaded_message(self.rows_done, self.skipped_count)
        if self.status == self.Status.FAILED and self.error_count:
            return refused_message(self.error_count)
        return runs.message_text(self.message)

    @property
    def errors_shown(self) -> list[dict]:
        """The reported rows with their messages in the active language."""
        return shown_entries(self.errors if isinstance(self.errors, list) else [])

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}

    @property
    def is_refused(self) -> bool:
        """Failed on its input (`REFUSED_IMPORTS`), not on the platform."""
        return self.status == self.Status.FAILED and not self.file.name

    @property
    def outcome(self) -> str:
        """The job's state as the console shows it: refused apart from failed."""
        return "refused" if self.is_refused else self.status


# An import failed on its input: its file was read and judged (bad rows, unreadable, too
# large) and the verdict dropped the file with it (`inventory.ingest.imports`). A retry would
# reach the same verdict, or find no file. A failure of the platform (a worker lost, the
# database away, an unexpected error, a cancel) keeps the file for the retry that loads it.
REFUSED_IMPORTS = models.Q(status=ImportJob.Status.FAILED, file="")


class ImportMapping(InventoryModel):
    """The column mapping a merchant last confirmed for a file of one resource with one header:
    offered again when a file with the same header is uploaded."""

    resource = models.CharField(max_length=32)
    header_key = models.CharField(
        max_length=64, help_text="SHA-256 of the header's column names, in order."
    )
    header = models.JSONField(default=list)
    mapping = models.JSONField(default=dict, help_text="CSV header -> resource field.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "resource", "header_key"], name="importmapping_unique_header"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource} mapping of {len(self.header)} columns"

"""A batch's outcome: its refusal (`IngestRejected`, every bad row listed), its result, and
the set-based write of its valid rows. Below `inventory.ingest.service`, which sends each
resource to its writer, so that the writers of order lines and purchase orders share these
without importing the service that calls them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import ngettext

from accounts.errors import DomainError
from accounts.models import Merchant
from inventory.ingest.resources import REFERENCES, Resource
from inventory.ingest.row_messages import shown
from inventory.ingest.upsert import UpsertCounts, lock_referenced, upsert
from inventory.ingest.validation import RowError, Validated


class IngestRejected(DomainError):
    """The batch was refused; nothing was written. Its API answer lists every problem in
    ``errors`` as invalid input does everywhere in the API, with the row (0-based; -1 for
    the batch as a whole) and the value refused, in the caller's language."""

    problem_type = "validation-error"

    def __init__(self, errors: list[RowError], error_count: int | None = None):
        self.errors = errors
        self.error_count = error_count if error_count is not None else len(errors)
        super().__init__(f"{self.error_count} invalid rows")

    def response_data(self) -> dict[str, Any]:
        count = self.error_count
        return {
            "detail": ngettext(
                "%(count)s problem in the batch; nothing was written. Fix the rows listed and "
                "send it again.",
                "%(count)s problems in the batch; nothing was written. Fix the rows listed and "
                "send it again.",
                count,
            )
            % {"count": count},
            "error_count": count,
            "errors": [_problem_entry(error) for error in self.errors],
        }


def _problem_entry(error: RowError) -> dict[str, Any]:
    row = error.as_dict()
    return {
        "in": "body",
        "row": row["row"],
        "field": row["field"],
        "value": row["value"],
        "detail": shown(row),  # in the caller's language (Accept-Language)
        "code": "invalid",
    }


@dataclass(frozen=True)
class IngestResult:
    resource: str
    rows: int
    counts: UpsertCounts
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "rows": self.rows,
            **self.counts.as_dict(),
            **self.details,
        }


def write_rows(*, resource: Resource, merchant: Merchant, validated: Validated) -> UpsertCounts:
    attributes = resource.attributes
    for reference in resource.reference_columns:
        lock_referenced(
            REFERENCES[reference.attribute].model,
            {row[f"{reference.attribute}_id"] for row in validated.rows},
        )
    return upsert(
        model=resource.model,
        merchant_id=merchant.pk,
        key=resource.key,
        attributes=attributes,
        update=[attribute for attribute in attributes if attribute in validated.present],
        rows=[tuple(row[attribute] for attribute in attributes) for row in validated.rows],
    )

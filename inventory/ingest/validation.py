"""A batch of raw rows in; typed rows, or every error with its row, field, value and message,
out. Nothing here writes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_noop

from accounts.models import Merchant
from inventory.ingest import columns as c
from inventory.ingest.resources import REFERENCES, Resource
from inventory.ingest.row_messages import RowMessage

MAX_ERRORS = 1000  # a report longer than this helps nobody; the count is still exact
NUL_SYMBOL = "\u2400"  # ␀


@dataclass(frozen=True)
class RowError:
    row: int  # 0-based index in the batch (CSV imports add the header and 1-based offset)
    field: str
    value: Any
    # English text marked for translation, or one with values (`row_messages`).
    message: str | RowMessage

    @property
    def row_message(self) -> RowMessage:
        return self.message if isinstance(self.message, RowMessage) else RowMessage(self.message)

    def as_dict(self) -> dict[str, Any]:
        """As an import stores it: the English words, and what says them in the reader's
        language (`row_messages.shown`)."""
        value = self.value
        if value is not None and not isinstance(value, str | int | float | bool):
            value = str(value)
        if isinstance(value, str):
            if len(value) > 200:
                value = value[:200] + "…"
            # An import's errors are stored as JSON, which PostgreSQL refuses with a NUL in
            # it: shown as the symbol for one instead.
            value = value.replace("\x00", NUL_SYMBOL)
        message = self.row_message
        return {
            "row": self.row,
            "field": self.field,
            "value": value,
            "message": str(message),
            **message.as_dict(),
        }


@dataclass
class Validated:
    rows: list[dict[str, Any]] = field(default_factory=list)
    present: set[str] = field(default_factory=set)  # attributes the batch carries
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)


def resolve_codes(
    *, merchant: Merchant, reference: str, codes: Iterable[str], chunk: int = 5000
) -> dict[str, int]:
    """Code -> id for the merchant's objects among ``codes``, a query per ``chunk`` codes."""
    model = REFERENCES[reference].model
    wanted = sorted(set(codes))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), chunk):
        found.update(
            model.objects.for_merchant(merchant)
            .filter(code__in=wanted[start : start + chunk])
            .values_list("code", "id")
        )
    return found


def validate(
    resource: Resource,
    merchant: Merchant,
    raw_rows: Any,
    *,
    row_offset: int = 0,
) -> Validated:
    result = Validated()
    if not isinstance(raw_rows, list):
        result.add_error(RowError(-1, "", None, gettext_noop("expected a list of rows")))
        return result
    context = c.ReadContext.for_timezone(ZoneInfo(merchant.timezone))
    known = {column.name for column in resource.columns}
    lookup = {alias: column.name for column in resource.columns for alias in column.aliases}
    columns = resource.columns
    for index, raw in enumerate(raw_rows):
        number = index + row_offset
        if not isinstance(raw, dict):
            result.add_error(RowError(number, "", raw, gettext_noop("each row must be an object")))
            result.rows.append(None)  # keeps indexes aligned; the batch is refused anyway
            continue
        row: dict[str, Any] = {}
        for name in raw:
            canonical = lookup.get(name, name)
            if canonical not in known and name not in resource.read_only:
                result.add_error(
                    RowError(
                        number,
                        str(name),
                        raw[name],
                        RowMessage(
                            gettext_noop("is not a field of %(label)s"), {"label": resource.label}
                        ),
                    )
                )
        for column in columns:
            value = raw.get(column.name, c.MISSING)
            if value is c.MISSING:
                for alias in column.aliases:
                    value = raw.get(alias, c.MISSING)
                    if value is not c.MISSING:
                        break
            if value is c.MISSING:
                if column.required:
                    result.add_error(
                        RowError(number, column.name, None, gettext_noop("is required"))
                    )
                row[column.attribute] = column.default
                continue
            result.present.add(column.attribute)
            shown = None if column.personal else value  # what an error may echo
            try:
                parsed = column.read(value, context)
            except c.FieldError as error:
                result.add_error(RowError(number, column.name, shown, error.message))
                row[column.attribute] = None  # the row is refused; later checks see no value
                continue
            if parsed is None:
                if column.required:
                    result.add_error(
                        RowError(number, column.name, shown, gettext_noop("is required"))
                    )
                parsed = column.default
            row[column.attribute] = parsed
        result.rows.append(row)
    _check_duplicate_keys(resource, result, row_offset)
    _resolve_references(resource, merchant, result, row_offset)
    result.errors.sort(key=lambda error: error.row)  # stable: columns keep their order
    return result


def _resolve_references(
    resource: Resource, merchant: Merchant, result: Validated, row_offset: int
) -> None:
    for column in resource.reference_columns:
        name = column.attribute
        codes = {row[name] for row in result.rows if row and row.get(name)}
        ids = resolve_codes(merchant=merchant, reference=name, codes=codes) if codes else {}
        unknown = REFERENCES[name].unknown
        for index, row in enumerate(result.rows):
            if row is None:
                continue
            value = row.pop(name, None)
            if value is None or value == "":
                row[f"{name}_id"] = None
                continue
            object_id = ids.get(value)
            if object_id is None:
                result.add_error(RowError(index + row_offset, column.name, value, unknown))
            row[f"{name}_id"] = object_id
        if name in result.present:
            result.present.discard(name)
            result.present.add(f"{name}_id")


def _check_duplicate_keys(resource: Resource, result: Validated, row_offset: int) -> None:
    """Runs before references are resolved, so messages show codes, not ids."""
    seen: dict[tuple, int] = {}
    key = [
        name.removesuffix("_id") if name.removesuffix("_id") in REFERENCES else name
        for name in resource.key
    ]
    for index, row in enumerate(result.rows):
        if row is None:
            continue
        values = tuple(row.get(attribute) for attribute in key)
        if any(value is None for value in values):
            continue
        first = seen.setdefault(values, index)
        if first != index:
            result.add_error(
                RowError(
                    index + row_offset,
                    ",".join(key),
                    ", ".join(str(value) for value in values),
                    RowMessage(
                        gettext_noop("duplicates row %(row)s: each key may appear once per batch"),
                        {"row": first + row_offset},
                    ),
                )
            )

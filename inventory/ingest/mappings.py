"""Column mappings a merchant confirmed, kept per store, resource and header: a file uploaded
again with the same header (the next month's export of the same system) gets the mapping
confirmed last time instead of one suggested from the column names."""

from __future__ import annotations

import hashlib
import json

from accounts.models import Merchant
from inventory.models import ImportMapping


def header_key(header: list[str]) -> str:
    """The same columns in the same order give the same key; any other header another."""
    names = json.dumps([name.strip() for name in header], ensure_ascii=False)
    return hashlib.sha256(names.encode()).hexdigest()


def saved_mapping(
    *, merchant: Merchant, resource_name: str, header: list[str]
) -> dict[str, str] | None:
    """The mapping confirmed last for this header, or None. Called in the merchant's tenant
    context."""
    saved = (
        ImportMapping.objects.for_merchant(merchant)
        .filter(resource=resource_name, header_key=header_key(header))
        .values_list("mapping", flat=True)
        .first()
    )
    return dict(saved) if saved is not None else None


def mapping_save(
    *, merchant: Merchant, resource_name: str, header: list[str], mapping: dict[str, str]
) -> ImportMapping:
    """Keep ``mapping`` for the next file with this header (replacing the one kept before).
    Called in the merchant's tenant context, inside the confirming transaction."""
    saved, _created = ImportMapping.objects.for_merchant(merchant).update_or_create(
        merchant=merchant,
        resource=resource_name,
        header_key=header_key(header),
        defaults={"header": list(header), "mapping": dict(mapping)},
    )
    return saved

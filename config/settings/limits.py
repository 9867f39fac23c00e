"""Limits of what one request or one import may carry, and of the sales window; imported
into the shared settings (`config.settings.base`). Each may be set from the environment."""

import os

# The largest CSV file the portal accepts for an import (gzip counts compressed); the only
# file upload, so also the largest file any request may carry (core/uploads.py).
IMPORT_MAX_FILE_BYTES = int(os.environ.get("IMPORT_MAX_FILE_BYTES", str(200 * 1024 * 1024)))

# The largest API request body accepted (413 beyond): about 50,000 rows of daily sales.
API_MAX_BODY_BYTES = int(os.environ.get("API_MAX_BODY_BYTES", str(16 * 1024 * 1024)))
# The most rows one batch holds (a request to /bulk/; 400 beyond, counted while a CSV body is
# read): one transaction's validation and upsert. Imports write their files in chunks no
# larger (inventory/ingest/imports.py).
API_MAX_ROWS_PER_REQUEST = int(os.environ.get("API_MAX_ROWS_PER_REQUEST", "50000"))
# The most series one forecast export streams (400 beyond: export the run one location at a
# time); rows are read and written a batch at a time, so memory does not grow with it.
API_FORECAST_EXPORT_MAX_SERIES = int(os.environ.get("API_FORECAST_EXPORT_MAX_SERIES", "200000"))

# --- Ingestion limits (inventory/ingest/) ----------------------------------------------------
# The sales window: every dated fact that becomes daily sales (a sale's date, an order line's
# ordered_at, a stock snapshot's as_of, which flags stock-out days) must fall on a day from
# SALES_HISTORY_MAX_YEARS years before today to SALES_FUTURE_MAX_DAYS days after it, today
# being the store's own (its time zone); outside it a row is refused, naming its field.
# Partition upkeep makes monthly partitions of the sales table only inside the same window
# (inventory/partitions.py), so no batch can make it create a partition per month between
# year 1 and 9999. 20 years keep the bundled Online Retail sample (2010-2011) and other long
# histories importable; forecasting reads at most FORECAST_HISTORY_DAYS of them. 1 day ahead
# covers a till whose clock runs ahead; sales are facts, never plans.
SALES_HISTORY_MAX_YEARS = int(os.environ.get("SALES_HISTORY_MAX_YEARS", "20"))
SALES_FUTURE_MAX_DAYS = int(os.environ.get("SALES_FUTURE_MAX_DAYS", "1"))
# A CSV import stops reading (and fails, nothing loaded) past this much text, counted after
# gzip decompression, so a small gzip cannot expand into hours of work: 1 GB is about 20
# million rows of daily sales, five times the largest file IMPORT_MAX_FILE_BYTES lets through
# uncompressed...
IMPORT_MAX_DECOMPRESSED_BYTES = int(
    os.environ.get("IMPORT_MAX_DECOMPRESSED_BYTES", str(1024 * 1024 * 1024))
)
# ...or past this many rows: ten times the Online Retail transactions file, what a worker loads
# well within the import task's 30 minutes. API bodies have their own, lower row limit
# (API_MAX_ROWS_PER_REQUEST), also counted while the body is read.
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "5000000"))
IMPORT_MAX_BLANK_LINES = int(os.environ.get("IMPORT_MAX_BLANK_LINES", "10000"))
# The most imports one store may have open at once: uploaded and waiting for their column
# mapping (for a day; older uploads no longer count), queued or running. A store's imports
# run one at a time, each holding its store's write lock, so a queue of them would only hold
# workers of the ingest queue waiting while other stores' imports wait behind them.
IMPORT_MAX_OPEN_JOBS = int(os.environ.get("IMPORT_MAX_OPEN_JOBS", "3"))

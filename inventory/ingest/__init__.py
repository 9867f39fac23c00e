"""Ingestion: validating and loading catalogue, stock, sales, promotions, purchase orders and
order lines, in bulk, for the API and for CSV imports alike.

- ``csv_files``: CSV text (imported files, API bodies) read with limits that hold while
  it is read.
- ``columns``: how one field of one row is read and checked.
- ``resources``: what each resource is made of (columns, natural key, references by code).
- ``validation``: a batch in, typed rows or every error (row, field, value, message) out.
- ``upsert``: the set-based write (COPY into a staging table and one upsert on PostgreSQL).
- ``service``: the all-or-nothing entry point the API and CSV jobs call.
"""

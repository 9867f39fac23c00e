"""A whole forecast run as Parquet: the CSV export's rows, typed, streamed a row group per
batch of series, under the same bound and tenant scoping, and in the schema."""

from __future__ import annotations

import csv
import datetime as dt
import io
from unittest import mock

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from django.test import override_settings
from django.urls import reverse

from accounts.tenancy import tenant_context
from forecasting.models import ForecastRun
from forecasting.quantiles import LEVELS
from tests.api import test_forecasts as forecasts
from tests.api.endpoints import api_schema
from tests.factories import SKUFactory

PARQUET = "application/vnd.apache.parquet"


class ForecastParquetTests(forecasts.ForecastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # values that only agree with the CSV if both round them the same way
        with tenant_context(cls.merchant):
            cls.made.series_count = 4
            cls.made.save(update_fields=["series_count"])
        rng = np.random.default_rng(7)
        uneven = np.sort(rng.gamma(2.0, 3.3, size=(len(LEVELS), forecasts.HORIZON)), axis=0)
        with mock.patch.object(forecasts, "quantiles_of", lambda scale: uneven):
            forecasts.store_forecast(
                cls.merchant, cls.made, SKUFactory(merchant=cls.merchant, code="VASE"),
                cls.warehouse, 0.0, model="croston",
            )  # fmt: skip

    def parquet(self, params=None, run=None) -> pa.Table:
        url = reverse("forecast-run-export-parquet", args=[(run or self.made).pk])
        response = self.get(url, params)
        self.assertEqual(response.status_code, 200, getattr(response, "content", b""))
        self.assertTrue(response.streaming)
        self.assertEqual(response["Content-Type"], PARQUET)
        self.assertIn(".parquet", response["Content-Disposition"])
        return pq.read_table(io.BytesIO(b"".join(response.streaming_content)))

    def csv_rows(self, params=None) -> list[list[str]]:
        response = self.get(reverse("forecast-run-export", args=[self.made.pk]), params)
        self.assertEqual(response.status_code, 200)
        text = b"".join(response.streaming_content).decode()
        return list(csv.reader(io.StringIO(text)))

    def test_the_parquet_file_holds_the_csv_rows(self):
        table = self.parquet()
        header, *rows = self.csv_rows()
        self.assertEqual(table.column_names, header)
        self.assertEqual(table.schema.field("run").type, pa.int64())
        self.assertEqual(table.schema.field("date").type, pa.date32())
        self.assertEqual(table.schema.field("q0.5").type, pa.float64())
        self.assertEqual(table.num_rows, 4 * forecasts.HORIZON)
        as_csv = [
            [
                str(row["run"]), row["sku"], row["location"], row["date"].isoformat(),
                row["model"], *(repr(row[name]) for name in header[5:]),
            ]
            for row in table.to_pylist()
        ]  # fmt: skip
        self.assertEqual(
            [row[:5] for row in as_csv], [row[:5] for row in rows]
        )  # same series, days and order
        parquet_values = np.array([[float(v) for v in row[5:]] for row in as_csv])
        csv_values = np.array([[float(v) for v in row[5:]] for row in rows])
        np.testing.assert_array_equal(parquet_values, csv_values)  # bit for bit
        vase = [row for row in rows if row[1] == "VASE"]
        self.assertTrue(any(len(value) > 5 for row in vase for value in row[5:]))  # rounded
        self.assertEqual(table.column("date")[0].as_py(), dt.date(2024, 6, 3))

    def test_a_row_group_per_batch_of_series_and_nothing_lost(self):
        with mock.patch("forecasting.api.exports.EXPORT_BATCH_SERIES", 2):
            url = reverse("forecast-run-export-parquet", args=[self.made.pk])
            response = self.get(url)
            parts = [part for part in response.streaming_content if part]
        self.assertGreater(len(parts), 2)  # streamed: a part per batch, then the footer
        parquet = pq.ParquetFile(io.BytesIO(b"".join(parts)))
        self.assertEqual(parquet.metadata.num_row_groups, 2)
        table = parquet.read()
        self.assertEqual(
            list(dict.fromkeys(zip(table.column("sku").to_pylist(),
                                   table.column("location").to_pylist(), strict=True))),
            [("MUG", "WH"), ("MUG", "SHOP"), ("JUG", "WH"), ("VASE", "WH")],
        )  # fmt: skip

    def test_one_location_and_the_bound(self):
        table = self.parquet({"location": "SHOP"})
        self.assertEqual(set(table.column("location").to_pylist()), {"SHOP"})
        with override_settings(API_FORECAST_EXPORT_MAX_SERIES=3):
            url = reverse("forecast-run-export-parquet", args=[self.made.pk])
            response = self.get(url)
            self.assertEqual(response.status_code, 400)
            self.assertEqual(response["Content-Type"], "application/problem+json")
            self.assertIn("one location at a time", response.json()["detail"])

    def test_an_empty_run_is_a_file_with_the_columns_and_no_rows(self):
        with tenant_context(self.merchant):
            empty = ForecastRun.objects.create(
                merchant=self.merchant, status=ForecastRun.Status.SUCCEEDED, horizon=1
            )
        table = self.parquet(run=empty)
        self.assertEqual(table.num_rows, 0)
        self.assertEqual(table.column_names[:5], ["run", "sku", "location", "date", "model"])

    def test_another_merchants_run_and_an_unfinished_one_are_not_found(self):
        for run in (self.other_run, self.running):
            with self.subTest(run=run.pk):
                url = reverse("forecast-run-export-parquet", args=[run.pk])
                self.assertEqual(self.get(url).status_code, 404)

    def test_the_schema_documents_it(self):
        paths = api_schema()["paths"]
        (path,) = [path for path in paths if path.endswith("/export/parquet/")]
        operation = paths[path]["get"]
        content = operation["responses"]["200"]["content"]
        self.assertEqual(content[PARQUET]["schema"], {"type": "string", "format": "binary"})
        self.assertIn("API_FORECAST_EXPORT_MAX_SERIES", operation["description"])
        self.assertIn("location", [parameter["name"] for parameter in operation["parameters"]])

"""The generated Python client (clients/python/shelfcast_client/, scripts/generate-client)
against a running server: an ERP syncs a store's SKUs incrementally with ``updated_since``
and reads a forecast, through the package as committed. And the committed client is what
the generator makes of the schema today."""

from __future__ import annotations

import csv
import datetime as dt
import filecmp
import io
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
from django.test import LiveServerTestCase, SimpleTestCase
from django.utils import timezone

from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting.models import ForecastRun, SeriesForecast
from forecasting.paths import lead_time_demand
from forecasting.quantiles import LEVELS
from inventory.models import SKU as StoredSKU
from tests.factories import LocationFactory, MerchantFactory, api_token_secret, member

REPO = Path(__file__).resolve().parents[2]
CLIENTS = REPO / "clients" / "python"
PACKAGE = CLIENTS / "shelfcast_client"

# The package as committed, imported from its place in the repository.
if str(CLIENTS) not in sys.path:
    sys.path.insert(0, str(CLIENTS))

from shelfcast_client import AuthenticatedClient  # noqa: E402
from shelfcast_client.api.v1 import (  # noqa: E402
    v1_forecast_runs_export_retrieve,
    v1_forecast_runs_list,
    v1_forecasts_list,
    v1_forecasts_retrieve,
    v1_skus_create,
    v1_skus_list,
)
from shelfcast_client.models import SKU, Forecast, ProblemDetails, SKURequest  # noqa: E402


class ClientAgainstALiveServerTests(LiveServerTestCase):
    def setUp(self):
        self.merchant = MerchantFactory(slug="alpha")
        owner = member(self.merchant, Role.OWNER)
        self.location = LocationFactory(merchant=self.merchant, code="WH")
        planner = api_token_secret(self.merchant, role=Role.PLANNER, actor=owner)
        viewer = api_token_secret(self.merchant, role=Role.VIEWER, name="BI", actor=owner)
        self.erp = AuthenticatedClient(
            base_url=self.live_server_url, token=planner, raise_on_unexpected_status=True
        )
        self.reader = AuthenticatedClient(
            base_url=self.live_server_url, token=viewer, raise_on_unexpected_status=True
        )

    def create_skus(self, *codes: str) -> None:
        for code in codes:
            created = v1_skus_create.sync_detailed(
                client=self.erp, body=SKURequest(code=code, name=f"{code} mug")
            )
            self.assertEqual(created.status_code, 201, created.content)
            self.assertIsInstance(created.parsed, SKU)
            self.assertEqual(created.parsed.code, code)

    def sync_skus(self, **filters) -> list[str]:
        """Every SKU the filters match, page by page (two per page) following the cursor."""
        codes, cursor = [], None
        while True:
            page = v1_skus_list.sync(
                client=self.erp, page_size=2, **filters, **({"cursor": cursor} if cursor else {})
            )
            self.assertNotIsInstance(page, ProblemDetails)
            codes += [sku.code for sku in page.results]
            if not page.next_:
                return codes
            (cursor,) = parse_qs(urlsplit(page.next_).query)["cursor"]

    def test_an_erp_syncs_skus_incrementally_with_updated_since(self):
        self.create_skus("MUG-1", "MUG-2", "MUG-3")
        self.assertEqual(self.sync_skus(), ["MUG-1", "MUG-2", "MUG-3"])
        synced_at = timezone.now()
        self.create_skus("JUG-1", "JUG-2")
        self.assertEqual(self.sync_skus(updated_since=synced_at), ["JUG-1", "JUG-2"])
        self.assertEqual(self.sync_skus(updated_since=timezone.now()), [])
        self.assertEqual(len(self.sync_skus()), 5)

    def test_a_reader_gets_a_forecast_its_run_and_the_runs_csv(self):
        self.create_skus("MUG-1", "JUG-1")
        with tenant_context(self.merchant):
            run = ForecastRun.objects.create(
                merchant=self.merchant,
                status=ForecastRun.Status.SUCCEEDED,
                horizon=3,
                series_count=1,
                finished_at=timezone.now(),
            )
            quantiles = np.arange(len(LEVELS))[:, None] + np.array([[0.0, 0.5, 1.0]])
            stored = SeriesForecast.objects.create(
                merchant=self.merchant,
                run=run,
                sku=StoredSKU.objects.for_merchant(self.merchant).get(code="JUG-1"),
                location=self.location,
                first_date=dt.date(2024, 6, 3),
                model="transformer",
                quantiles=SeriesForecast.pack(quantiles),
                backtest_wql=0.3,
                naive_wql=0.6,
            )

        page = v1_forecasts_list.sync(client=self.reader, sku="JUG-1", run=run.pk)
        (forecast,) = page.results
        self.assertIsInstance(forecast, Forecast)
        self.assertEqual((forecast.id, forecast.sku, forecast.location), (stored.pk, "JUG-1", "WH"))
        self.assertEqual(forecast.levels, LEVELS.tolist())
        self.assertEqual([day.date for day in forecast.days], [
            dt.date(2024, 6, 3), dt.date(2024, 6, 4), dt.date(2024, 6, 5),
        ])  # fmt: skip
        self.assertEqual(forecast.days[1].quantiles[7], 7.5)  # the median of the second day
        self.assertEqual(forecast.improvement, 0.5)
        self.assertIsNone(forecast.model_version)
        self.assertIsNone(forecast.explanation)
        self.assertEqual(v1_forecasts_list.sync(client=self.reader, sku="MUG-1").results, [])

        detailed = v1_forecasts_retrieve.sync(client=self.reader, id=stored.pk, lead_time_days=3)
        self.assertEqual(detailed.lead_time_demand.days, 3)
        expected = lead_time_demand(quantiles, 0.0, 3, seed=stored.sku_id)
        np.testing.assert_allclose(detailed.lead_time_demand.quantiles, expected, atol=1e-4)

        (listed_run,) = v1_forecast_runs_list.sync(client=self.reader).results
        self.assertEqual((listed_run.id, listed_run.horizon), (run.pk, 3))

        text = v1_forecast_runs_export_retrieve.sync(client=self.reader, id=run.pk)
        header, *rows = csv.reader(io.StringIO(text))
        self.assertEqual(header[:5], ["run", "sku", "location", "date", "model"])
        self.assertEqual(len(rows), 3)
        self.assertEqual(rows[2][:4], [str(run.pk), "JUG-1", "WH", "2024-06-05"])
        self.assertEqual(float(rows[2][header.index("q0.5")]), 8.0)

    def test_a_problem_comes_back_typed(self):
        answer = v1_forecasts_retrieve.sync(client=self.reader, id=999_999)
        self.assertIsInstance(answer, ProblemDetails)
        self.assertEqual(answer.status, 404)
        self.assertTrue(answer.type_.endswith("/not-found/"))


class CommittedClientTests(SimpleTestCase):
    def test_the_committed_client_is_what_the_schema_generates_today(self):
        with tempfile.TemporaryDirectory() as work:
            fresh = Path(work) / "shelfcast_client"
            done = subprocess.run(
                [str(REPO / "scripts" / "generate-client"), str(fresh)],
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertEqual(
                _differences(fresh, PACKAGE),
                [],
                "The committed client is stale: run scripts/generate-client and commit it.",
            )


def _differences(fresh: Path, committed: Path) -> list[str]:
    """Files added, missing or changed in ``committed`` against ``fresh`` (bytecode aside)."""

    def files(root: Path) -> set[str]:
        return {
            str(path.relative_to(root))
            for path in root.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
        }

    made, kept = files(fresh), files(committed)
    changed = [
        name
        for name in sorted(made & kept)
        if not filecmp.cmp(fresh / name, committed / name, shallow=False)
    ]
    return (
        [f"missing: {name}" for name in sorted(made - kept)]
        + [f"not generated: {name}" for name in sorted(kept - made)]
        + [f"changed: {name}" for name in changed]
    )

"""Mixed load on the real stack: merchants browsing the portal (bench/portal's users) and an
ERP on the API: reading SKUs, sales and suggestions page by page, and syncing the day's
stock and sales in bulk batches, each retried safely with an Idempotency-Key."""

import datetime as dt
import os
import random
import uuid

from locust import HttpUser, between, task

from bench.portal import locustfile as portal

TOKEN = os.environ["BENCH_API_TOKEN"]
SKU_CODES = os.environ["BENCH_SKU_CODES"].split(",")
TODAY = dt.date.fromisoformat(os.environ["BENCH_TODAY"])


class PortalUser(portal.Merchant):
    weight = 2  # two merchants in the portal for each ERP on the API


class Erp(HttpUser):
    weight = 1
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {TOKEN}"

    def get(self, path: str, name: str) -> None:
        with self.client.get(f"/api/v1/{path}", name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    @task(4)
    def skus(self):
        self.get(f"skus/?page_size=200&code={random.choice(SKU_CODES)}", "api skus by code")

    @task(3)
    def sales(self):
        self.get(f"sales/?sku={random.choice(SKU_CODES)}&page_size=200", "api sales of a sku")

    @task(2)
    def suggestions(self):
        self.get("reorder-suggestions/?page_size=100", "api suggestions")

    @task(1)
    def sync(self):
        codes = random.sample(SKU_CODES, 200)
        body = [{"sku": code, "location": "WH", "date": TODAY.isoformat(),
                 "units": random.randint(0, 9)} for code in codes]  # fmt: skip
        with self.client.post(
            "/api/v1/sales/bulk/", json=body, name="api sales sync (200 rows)",
            headers={"Idempotency-Key": str(uuid.uuid4())}, catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

"""The portal's list pages under load: one signed-in member per simulated user (the session
cookie comes from bench/portal/run.py), browsing as a merchant would in the morning, and
opening SKUs' forecast pages (their SHAP breakdown is queued for a worker on first view, as
in production)."""

import os
import random
import re

from locust import HttpUser, between, task

SLUG = os.environ["BENCH_SLUG"]
COOKIE = os.environ["BENCH_SESSION_COOKIE"]
SKU_IDS = [int(pk) for pk in os.environ["BENCH_SKU_IDS"].split(",")]
# bench/portal reports the server's own times beside the clients' as a second series;
# bench/load writes them to a file instead, so that its overall figures stay the clients'
SERVER_TIMES = os.environ.get("BENCH_SERVER_TIMES", "1") == "1"
SERVER_TIMES_FILE = os.environ.get("BENCH_SERVER_TIMES_FILE", "")


class Merchant(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.client.headers["Cookie"] = COOKIE  # a secure cookie, sent by hand over loopback

    def page(self, path: str, name: str) -> None:
        with self.client.get(f"/m/{SLUG}/{path}", name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            self.server_time(response, name)

    def server_time(self, response, name: str) -> None:
        """The server's own time (its Server-Timing header), recorded as a second series."""
        match = re.search(r"app;dur=([\d.]+)", response.headers.get("Server-Timing", ""))
        if match and SERVER_TIMES_FILE:
            with open(SERVER_TIMES_FILE, "a") as times:
                times.write(f"{name},{match.group(1)}\n")
        elif match and SERVER_TIMES:
            self.environment.events.request.fire(
                request_type="SERVER", name=name, response_time=float(match.group(1)),
                response_length=0, exception=None, context={},
            )  # fmt: skip

    @task(3)
    def dashboard(self):
        self.page("", "dashboard")

    @task(3)
    def skus(self):
        self.page(f"skus/?page={random.randint(1, 200)}", "skus list")

    @task(2)
    def skus_search(self):
        self.page(f"skus/?q=Product+{random.randint(0, 96)}&sort=-units_28d", "skus search+sort")

    @task(2)
    def orders(self):
        self.page("planning/orders/", "orders")

    @task(1)
    def orders_deep_page(self):
        # a late page: the database pages, the subtotals still sum every matching line
        self.page(f"planning/orders/?page={random.randint(2, 40)}", "orders page n")

    @task(1)
    def orders_search(self):
        self.page(f"planning/orders/?q=Product+{random.randint(0, 96)}", "orders search")

    @task(1)
    def orders_select_all(self):
        """Every line of the page's filter changed by 0 percent, as a planner selects all and
        edits: a job (no worker runs here, so the lines stay as they are); the POST answers
        once it is queued."""
        with self.client.get(
            f"/m/{SLUG}/planning/orders/", name="orders", catch_response=True
        ) as form:
            self.server_time(form, "orders")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
            key = re.search(r'name="request_key" value="([^"]+)"', form.text)
            # the page set a CSRF cookie (the request had none): the form's token goes with it
            csrf = re.search(r"csrftoken=([^;]+)", form.headers.get("Set-Cookie", ""))
            if not (form.status_code == 200 and token and key and csrf):
                form.failure("no form to select all on")
                return
        with self.client.post(
            f"/m/{SLUG}/planning/orders/decide/",
            data={"csrfmiddlewaretoken": token.group(1), "request_key": key.group(1),
                  "status": "proposed", "select": "all", "decision": "edit", "percent": "0"},
            headers={"Cookie": f"{COOKIE}; csrftoken={csrf.group(1)}"},
            name="orders select-all", allow_redirects=False, catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code != 302:
                response.failure(f"HTTP {response.status_code}")
            self.server_time(response, "orders select-all")

    @task(2)
    def alerts(self):
        self.page("planning/alerts/", "alerts")

    @task(1)
    def promotions(self):
        self.page("planning/promotions/", "promotions")

    @task(2)
    def sku_forecast(self):
        self.page(f"forecasts/skus/{random.choice(SKU_IDS)}/", "sku forecast")

"""The API fuzzed from its own OpenAPI schema (schemathesis), in-process through Django's WSGI
handler: no server runs, and on PostgreSQL the requests meet row-level security as the
application role, like production's.

Every operation of /api/schema/ gets generated requests, sent with an owner's API token of a
merchant that holds one object of every tenant-owned model (tests/world/): requests that fit
the schema (positive), requests that break it (negative), and, for an operation on one object,
requests on an object that exists. Every answer must be no server error, with a status code,
content type, headers and body that the schema documents. The test prints how many operations,
examples and answers of each status it saw, and fails with every distinct failure (each with a
curl command and, for a server error, its traceback), not only the first.

It runs in one test transaction: what the generated writes create (at most one batch per
example) is rolled back, and work queued on commit (forecasts, summaries) never starts. A
second merchant must be exactly as it was. The examples are derandomized, so a CI run is
repeatable; FUZZ_EXAMPLES (per operation and pass) makes a longer run by hand, e.g. 200.
"""

from __future__ import annotations

import contextlib
import os
import time
import traceback
from collections import Counter
from dataclasses import dataclass

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections
from django.test import TestCase
from django.urls import resolve
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.world import snapshot, two_worlds

SCHEMA_PATH = "/api/schema/"
# 20 per operation and pass: about 3,000 requests, a minute or two on two cores.
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "20"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@dataclass
class Finding:
    operation: str
    title: str
    message: str
    curl: str
    server_traceback: str

    def __str__(self) -> str:
        text = f"{self.operation}: {self.title}\n{self.message}\n{self.curl}"
        if self.server_traceback:
            text += f"\n{self.server_traceback}"
        return text


class ApiSchemaFuzzTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world, cls.other = two_worlds("Alpha Goods", "Beta Goods")

    def setUp(self):
        self.headers = {"Authorization": f"Bearer {self.world.token_secret}"}
        self.findings: dict[tuple[str, str, int], Finding] = {}
        self.examples: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        self.server_traceback = ""
        got_request_exception.connect(self._remember_traceback)
        self.addCleanup(got_request_exception.disconnect, self._remember_traceback)
        # As Django's test client does: the handler must not close the test's connection (it
        # closes one that is inside a transaction at the start and end of every request).
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)

    def _remember_traceback(self, sender, request=None, **kwargs):
        self.server_traceback = traceback.format_exc()

    def test_every_answer_is_documented_and_none_is_a_server_error(self):
        other_before = snapshot(self.other.merchant)
        schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, WSGIHandler(), headers=self.headers)
        operations = [result.ok() for result in schema.get_all_operations()]
        started = time.monotonic()
        for operation in operations:
            for label, mode, path_parameters in self._passes(operation):
                self._fuzz(operation, label, mode, path_parameters)
        elapsed = time.monotonic() - started

        passes = ", ".join(f"{count} {label}" for label, count in sorted(self.examples.items()))
        statuses = ", ".join(f"{code}: {count}" for code, count in sorted(self.statuses.items()))
        print(
            f"\nAPI fuzz: {len(operations)} operations, {self.examples.total()} examples "
            f"({passes}; at most {EXAMPLES_PER_OPERATION} per operation and pass) in "
            f"{elapsed:.0f} s; answers {statuses}; {len(self.findings)} distinct failures"
        )
        self.assertGreater(len(operations), 60)  # the schema did not lose its operations
        if self.findings:
            self.fail("\n\n".join(str(finding) for finding in self.findings.values()))
        self.assertEqual(snapshot(self.other.merchant), other_before)

    def _passes(self, operation):
        yield "positive", GenerationMode.POSITIVE, None
        yield "negative", GenerationMode.NEGATIVE, None
        if "{id}" in operation.path:
            yield "existing", GenerationMode.POSITIVE, {"id": self._existing_id(operation.path)}

    def _existing_id(self, path: str) -> int:
        """The id of the world's object of the model that the operation's viewset serves."""
        view = resolve(path.replace("{id}", "1")).func
        return self.world.objects[view.cls.queryset.model].pk

    def _fuzz(self, operation, label, mode, path_parameters):
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            # Failures are collected, not raised: nothing to shrink, and every operation runs.
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
        def send(case):
            self.examples[label] += 1
            self.server_traceback = ""
            response = case.call(headers=self.headers)
            self.statuses[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS, headers=self.headers)
            except FailureGroup as group:
                for failure in group.exceptions:
                    key = (operation.label, failure.title, response.status_code)
                    self.findings.setdefault(
                        key,
                        Finding(
                            operation=operation.label,
                            title=f"{failure.title} ({label})",
                            message=failure.message,
                            curl=case.as_curl_command(headers=self.headers),
                            server_traceback=self.server_traceback,
                        ),
                    )

        # Unsatisfiable: nothing of this operation can be made invalid (e.g. no parameters).
        with contextlib.suppress(Unsatisfiable):
            send()

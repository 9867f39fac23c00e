"""A stand-in for the embedded background thread (`core.dispatch._background_executor`):
it keeps what a request hands it and runs nothing until a test says so."""

from __future__ import annotations

from unittest import mock

from core import dispatch


class Submissions:
    """Stands in for the background thread: keeps what was handed to it, runs nothing."""

    def __init__(self):
        self.calls = []

    def submit(self, function, *args):
        self.calls.append((function, args))

    def run_all(self):
        # the thread closes its own connections after a job: here they are the test's
        with mock.patch.object(dispatch.connections, "close_all"):
            for function, args in self.calls:
                function(*args)

"""Workflow event receivers for the tests (settings.WORKFLOW_EVENT_RECEIVERS names them)."""

from __future__ import annotations

from core.workflow_events import Event

HEARD: list[Event] = []  # what `hear` heard


def hear(events: list[Event]) -> None:
    """A receiver for the tests (settings.WORKFLOW_EVENT_RECEIVERS)."""
    HEARD.extend(events)


def deaf(events: list[Event]) -> None:
    """A receiver that is down."""
    raise RuntimeError("receiver down")


class Rollback(Exception):
    pass

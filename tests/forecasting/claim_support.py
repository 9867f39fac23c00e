"""A long job's run whose worker died while it held the run: the broker hands the task out
again (same task id), and only that task may take the run up."""

from __future__ import annotations

from tests import factories


def assert_resumed_by_its_claimant(test, execute, model_class, merchant, **fields):
    """A run of ``model_class`` (``fields`` as its rows take) left RUNNING by the task
    "task-1": another task gets nothing from ``execute``, the redelivered one runs it to
    success. The finished run is returned."""
    run = factories.created(model_class, merchant, status="running", claimed_by="task-1", **fields)
    test.assertIsNone(execute(merchant=merchant, run_id=run.pk, claimant="another-task"))
    done = execute(merchant=merchant, run_id=run.pk, claimant="task-1")
    test.assertEqual(done.status, "succeeded")
    return done

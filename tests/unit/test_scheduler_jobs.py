"""The scheduler runs the periodic jobs it is given, and one that fails runs again."""

from datetime import timedelta

import pytest

from warroom.app.scheduler import Scheduler
from warroom.sandbox.waiting import eventually


@pytest.mark.expect_error_logs  # the failure is logged, with its traceback
def test_a_periodic_job_runs_on_its_interval_and_survives_failing(core, caplog):
    runs = []

    def flaky() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            raise RuntimeError("the tracker is down")

    scheduler = Scheduler(core, tick_seconds=3600)
    scheduler.every(timedelta(seconds=0.05), flaky)
    scheduler.start()
    try:
        eventually(lambda: len(runs) >= 3)
    finally:
        scheduler.stop()
    assert runs[:3] == [0, 1, 2]
    assert "flaky failed; its next run tries again" in caplog.text

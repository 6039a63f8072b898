"""The worker helper: calls run off the GUI thread, results and errors come back on it."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread

from vicman.gui.workers import Runner

pytestmark = pytest.mark.gui


def test_result_is_delivered_on_the_gui_thread(qtbot, runner: Runner) -> None:
    seen: dict[str, object] = {}

    def work(a: int, b: int = 0) -> int:
        seen["worker_thread"] = threading.get_ident()
        return a + b

    job = runner.read(work, 2, b=3)
    job.on_success(lambda value: seen.update(value=value, gui=QThread.currentThread() is qtbot_thread()))
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert seen["value"] == 5
    assert seen["gui"] is True
    assert seen["worker_thread"] != threading.get_ident()


def qtbot_thread() -> QThread:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    assert app is not None
    return app.thread()


def test_failure_is_delivered_not_raised(qtbot, runner: Runner) -> None:
    def boom() -> None:
        raise ValueError("bad")

    errors: list[BaseException] = []
    job = runner.write(boom).on_failure(errors.append)
    with qtbot.waitSignal(job.failed, timeout=5000):
        pass
    assert isinstance(errors[0], ValueError)


def test_busy_changes_around_jobs(qtbot, runner: Runner) -> None:
    gate = threading.Event()
    states: list[bool] = []
    runner.busy_changed.connect(states.append)
    job = runner.write(gate.wait, 5)
    assert runner.busy and states == [True]
    gate.set()
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert states == [True, False]
    assert job.done and job.result is True


def test_writes_run_one_at_a_time_in_order(qtbot, runner: Runner) -> None:
    order: list[int] = []
    jobs = [runner.write(order.append, i) for i in range(5)]
    qtbot.waitUntil(lambda: all(j.done for j in jobs), timeout=5000)
    assert order == [0, 1, 2, 3, 4]

"""Slow work off the GUI thread: run a service call on a thread pool, get the result back on the GUI thread.

Usage::

    runner.read(queries.search, ctx, "smith").on_success(self._on_hits_loaded).on_failure(self._on_failed)

The call runs on a pool thread and must not touch any widget. Its result (or exception) is
posted back to the GUI thread through a queued signal, and only there are the callbacks run.
Reads share a small pool; writes go through a one-thread pool so that SQLite writes never
queue behind each other on the database lock. Both pools can be injected (tests).

Signals of `Job`:
    succeeded(object): the call returned; the argument is its return value.
    failed(object): the call raised; the argument is the exception.
    finished(): after either of the above.

Signals of `Runner`:
    busy_changed(bool): True when the first job starts, False when the last one is delivered.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class Job(QObject):
    """One call on a pool thread. Lives on the GUI thread; its callbacks run there."""

    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()
    _completed = Signal(bool, object)  # emitted on the pool thread, delivered queued

    def __init__(
        self,
        fn: Callable[..., Any],
        args: tuple,
        kwargs: dict,
        parent: QObject | None = None,
        owner: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._owner = owner
        self._fn = fn
        self._args = args
        self._kwargs = kwargs
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None
        self._failure_handled = False
        self._completed.connect(self._on_completed, Qt.ConnectionType.QueuedConnection)

    def on_success(self, callback: Callable[[Any], Any]) -> Job:
        self.succeeded.connect(callback)
        return self

    def on_failure(self, callback: Callable[[BaseException], Any]) -> Job:
        self._failure_handled = True
        self.failed.connect(callback)
        return self

    def on_finished(self, callback: Callable[[], Any]) -> Job:
        self.finished.connect(callback)
        return self

    def _run(self) -> None:
        """Pool thread: call and post the outcome. Never touches widgets."""
        try:
            result = self._fn(*self._args, **self._kwargs)
        except BaseException as exc:  # delivered to the GUI thread, which decides what to show
            self._completed.emit(False, exc)
        else:
            self._completed.emit(True, result)

    @Slot(bool, object)
    def _on_completed(self, ok: bool, value: Any) -> None:
        self.done = True
        if self._owner is not None and not shiboken6.isValid(self._owner):
            # The window that asked has gone: its widgets and models no longer exist.
            return
        if ok:
            self.result = value
            self.succeeded.emit(value)
        else:
            self.error = value
            if not self._failure_handled:
                log.error("unhandled failure in background job %r", self._fn, exc_info=value)
            self.failed.emit(value)
        self.finished.emit()


class _Task(QRunnable):
    def __init__(self, job: Job) -> None:
        super().__init__()
        self._job = job

    def run(self) -> None:
        self._job._run()


class Runner(QObject):
    """Starts jobs on the read or write pool and keeps them alive until delivered."""

    busy_changed = Signal(bool)

    def __init__(
        self,
        parent: QObject | None = None,
        read_pool: QThreadPool | None = None,
        write_pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent)
        self._read_pool = read_pool or _pool(self, 4)
        self._write_pool = write_pool or _pool(self, 1)
        self._pending: set[Job] = set()

    def read(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Job:
        """Run a read-only call (queries) on the shared pool."""
        return self._start(self._read_pool, fn, args, kwargs)

    def write(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Job:
        """Run a call that writes, one at a time, in the order they were asked for."""
        return self._start(self._write_pool, fn, args, kwargs)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def wait_for_done(self, msecs: int = 30_000) -> bool:
        """Block until both pools are idle (shutdown and tests). Results are still delivered later."""
        ok_read = self._read_pool.waitForDone(msecs)
        ok_write = self._write_pool.waitForDone(msecs)
        return ok_read and ok_write

    def _start(self, pool: QThreadPool, fn: Callable[..., Any], args: tuple, kwargs: dict) -> Job:
        job = Job(fn, args, kwargs, owner=self)
        was_busy = self.busy
        self._pending.add(job)
        job.finished.connect(
            lambda job=job, runner=self: runner._on_job_finished(job) if shiboken6.isValid(runner) else None
        )
        pool.start(_Task(job))
        if not was_busy:
            self.busy_changed.emit(True)
        return job

    def _on_job_finished(self, job: Job) -> None:
        self._pending.discard(job)
        job.deleteLater()
        if not self._pending:
            self.busy_changed.emit(False)


def _deliver_finished(runner: Runner, job: Job) -> None:
    if shiboken6.isValid(runner):  # the runner's window may have closed while the job ran
        runner._on_job_finished(job)


def _pool(parent: QObject, threads: int) -> QThreadPool:
    pool = QThreadPool(parent)
    pool.setMaxThreadCount(threads)
    return pool

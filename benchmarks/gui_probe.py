"""The measuring side of `bench_gui.py`: runs inside its subprocesses, never on its own.

Two entry points, each in a fresh process with ``QT_QPA_PLATFORM=offscreen``:

* `startup_main` — the app started the way `vicman.gui.app.run` starts it (QApplication, open the
  database, `build_main_window`, show, `start`), signed in through the sign-in dialog with the officer
  already chosen in QSettings (``sign_in/last_officer``, written by the parent), and stopped as soon as
  My work's model has its rows. Prints one ``BENCH_RESULT {json}`` line: seconds since the parent's
  ``time.time()`` taken just before it started the interpreter (``VICMAN_BENCH_T0``), for each phase.
* `session_main` — one long session on the same window: switching to the Bureau queue, opening victim
  records, loading every page of the queue and scrolling it, then the process's peak RSS. Writes JSON
  to the file named in its configuration (``VICMAN_BENCH_SESSION``, JSON).

The clock is the benchmark data's "now" (2026-07-01 09:00 UTC, as `bench_core.py` uses) unless
``VICMAN_BENCH_CLOCK=real``: the app itself uses the wall clock, which is months after the data ends.
"""

from __future__ import annotations

import os
import sys
import time

T0_ENV = "VICMAN_BENCH_T0"
DB_ENV = "VICMAN_BENCH_DB"
CLOCK_ENV = "VICMAN_BENCH_CLOCK"
SESSION_ENV = "VICMAN_BENCH_SESSION"
RESULT_PREFIX = "BENCH_RESULT "


def _bench_clock():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    if os.environ.get(CLOCK_ENV, "data") == "real":
        return lambda: datetime.now(UTC)
    fixed = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)  # = bench_core.NOW (forcegen.END + 9 hours)
    return lambda: fixed


def keep_singletons_alive() -> None:
    """Work around a reference-count bug of PySide6 6.12 on CPython 3.11, for the harness only.

    Every call of a Qt method returning void (``processEvents``, ``setValue``, ``QTimer.start``, ...) drops
    one reference to None, and every signal emitted to a Python slot one to True: after some thousands of
    calls the interpreter aborts ("Fatal Python error: none_dealloc: deallocating None", or bool_dealloc
    at exit). CPython 3.12 and later make None, True and False immortal, so there the bug is harmless.
    The measuring loops here make far more such calls than an officer would, so their counts are raised
    by 2**40 (no memory is used; these objects are static and never freed).
    """
    if sys.version_info >= (3, 12):
        return
    import ctypes

    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40


def peak_rss_mb() -> dict[str, float]:
    """VmHWM (peak resident set) and VmRSS (now) of this process, in MB (1,000,000 bytes)."""
    out: dict[str, float] = {}
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(("VmHWM:", "VmRSS:")):
                    key, value = line.split(":", 1)
                    out[key] = int(value.split()[0]) * 1024 / 1e6
    except OSError:
        import resource

        out["VmHWM"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
    return {"peak_rss_mb": round(out.get("VmHWM", 0.0), 1), "rss_mb": round(out.get("VmRSS", 0.0), 1)}


# --- start-up -------------------------------------------------------------------------------------


def startup_main() -> int:
    t0 = float(os.environ[T0_ENV])
    marks: dict[str, float] = {"interpreter_ready": time.time() - t0}
    keep_singletons_alive()

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from vicman.gui.app import APP_NAME, ORGANISATION, build_main_window
    from vicman.services.context import open_context

    marks["imports_done"] = time.time() - t0
    db = os.environ[DB_ENV]
    # As vicman.gui.app.run does, step by step (run() cannot be given a clock or hooked for timing).
    app = QApplication([sys.argv[0] or "vicman"])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION)
    ctx = open_context(db, clock=_bench_clock())
    marks["database_open"] = time.time() - t0
    window = build_main_window(ctx, db)  # QSettings(ORGANISATION, APP_NAME): under $XDG_CONFIG_HOME
    window.show()
    window.start()
    marks["window_shown"] = time.time() - t0
    result: dict = {"marks": marks}

    def accept_sign_in() -> None:
        dialog = window.sign_in_dialog
        if dialog is None:
            result["error"] = "no sign-in dialog after the officers were read"
            app.quit()
            return
        chosen = dialog.chosen()
        result["signed_in_as"] = chosen.staff_no if chosen else None
        marks["sign_in_accepted"] = time.time() - t0
        dialog.accept()  # the officer remembered in QSettings is already selected: just "Sign in"

    def on_people_loaded() -> None:
        marks["officers_read"] = time.time() - t0
        # people_loaded is emitted just before the dialog is opened: accept it once it is there.
        QTimer.singleShot(0, accept_sign_in)

    def on_my_work_loaded() -> None:
        rows = window.my_work.model.rowCount()
        if not rows and window.officer is None:
            return
        marks["my_work_rows"] = time.time() - t0
        result["cpu_s"] = time.process_time()  # every thread's CPU time so far: the rest was waiting
        result["my_work_rows"] = rows
        result["counts"] = list(window.my_work.counts())
        app.processEvents()  # the rows painted
        marks["my_work_painted"] = time.time() - t0
        QTimer.singleShot(0, app.quit)

    window.people_loaded.connect(on_people_loaded)
    window.my_work.rows_loaded.connect(on_my_work_loaded)
    QTimer.singleShot(120_000, lambda: (result.setdefault("error", "timed out after 120 s"), app.quit()))
    app.exec()
    result.update(peak_rss_mb())
    result["bureau_loading_at_end"] = window.bureau.loading
    print(RESULT_PREFIX + _json(result), flush=True)
    window.close()
    window.runner.wait_for_done(120_000)
    ctx.close()
    return 0 if "error" not in result else 1


# --- the session ------------------------------------------------------------------------------------


def session_main() -> int:
    import gc
    import json
    import statistics

    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from vicman.gui.app import APP_NAME, ORGANISATION, build_main_window
    from vicman.services.context import open_context

    keep_singletons_alive()
    cfg = json.loads(os.environ[SESSION_ENV])
    app = QApplication([sys.argv[0] or "vicman"])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION)
    ctx = open_context(cfg["db"], clock=_bench_clock())
    window = build_main_window(ctx, cfg["db"])
    out: dict = {"officer": cfg["staff_no"], "division": cfg["division"]}

    class PaintWatch(QObject):
        """Counts paint events on a widget (a table's viewport) and when the last one began."""

        def __init__(self, widget) -> None:  # type: ignore[no-untyped-def]
            super().__init__(widget)
            self.count = 0
            self.last = 0.0
            widget.installEventFilter(self)

        def eventFilter(self, _obj, event) -> bool:  # type: ignore[no-untyped-def]
            if event.type() == QEvent.Type.Paint:
                self.count += 1
                self.last = time.perf_counter()
            return False

    class StallWatch(QObject):
        """The longest the GUI thread went without running a 5 ms timer (a frozen window, in effect)."""

        def __init__(self) -> None:
            super().__init__()
            self.timer = QTimer(self)
            self.timer.setInterval(5)
            self.timer.timeout.connect(self._tick)
            self.worst = 0.0
            self._last = 0.0

        def start(self) -> None:
            self.worst, self._last = 0.0, time.perf_counter()
            self.timer.start()

        def _tick(self) -> None:
            now = time.perf_counter()
            self.worst = max(self.worst, now - self._last)
            self._last = now

        def stop(self) -> float:
            self._tick()
            self.timer.stop()
            return self.worst * 1000

    stalls = StallWatch()

    # Python's cyclic garbage collector runs on the GUI thread too: note each collection's span.
    gc_spans: list[tuple[int, float, float]] = []
    gc_started = [0.0]

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            gc_started[0] = time.perf_counter()
        else:
            gc_spans.append((info["generation"], gc_started[0], time.perf_counter()))

    gc.callbacks.append(on_gc)

    def wait(signal, timeout_s: float = 120.0, condition=None) -> bool:  # type: ignore[no-untyped-def]
        """Run the event loop until `signal` fires (and `condition()` holds, if given)."""
        loop = QEventLoop()
        state = {"ok": False}

        def fired(*_args) -> None:  # type: ignore[no-untyped-def]
            if condition is None or condition():
                state["ok"] = True
                loop.quit()

        signal.connect(fired)
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        timer.start(int(timeout_s * 1000))
        loop.exec()
        timer.stop()
        signal.disconnect(fired)
        return state["ok"]

    def idle(timeout_s: float = 300.0) -> None:
        """Until every background job has been delivered, then the events they posted."""
        deadline = time.perf_counter() + timeout_s
        while window.runner.busy and time.perf_counter() < deadline:
            wait(window.runner.busy_changed, max(deadline - time.perf_counter(), 0.1), lambda: not window.runner.busy)
        for _ in range(5):
            app.processEvents()

    def painted_since(watch: PaintWatch, since: float, timeout_s: float = 10.0) -> float:
        """When a paint of the watched widget that began after `since` has finished (events processed)."""
        deadline = time.perf_counter() + timeout_s
        while time.perf_counter() < deadline:
            if watch.last >= since:
                return time.perf_counter()
            app.processEvents()
        return float("nan")

    # Start and sign in (through the dialog, with the officer remembered in QSettings).
    window.show()
    window.start()  # its result is delivered through the event loop, which only `wait` runs
    if not wait(window.people_loaded, 120):
        raise SystemExit("the officers were never read")
    dialog = window.sign_in_dialog
    assert dialog is not None, "no sign-in dialog"
    dialog.filter_edit.setText(cfg["staff_no"])
    dialog.accept()
    if window.officer is None or window.officer.staff_no != cfg["staff_no"]:
        raise SystemExit(f"could not sign in as {cfg['staff_no']}")
    idle()
    out["my_work_rows"] = window.my_work.model.rowCount()

    bureau = window.bureau
    bureau_paint = PaintWatch(bureau.table.viewport())
    if bureau.current_division() != cfg["division"]:
        bureau.set_current_division(cfg["division"])  # reloads; remembered as the bureau division
    idle()
    out["bureau_total"] = bureau.page.total if bureau.page else None
    out["bureau_first_page_rows"] = bureau.model.rowCount()
    reps = cfg["reps"]
    warm = cfg["warmup"]

    # 2a. Switch to the Bureau queue tab, its first page already loaded (it loads at sign-in).
    samples = []
    for i in range(reps + warm):
        window.tabs.setCurrentWidget(window.my_work)
        idle()
        t0 = time.perf_counter()
        window.tabs.setCurrentWidget(bureau)
        t1 = painted_since(bureau_paint, t0)
        if i >= warm:
            samples.append((t1 - t0) * 1000)
    out["bureau_switch_loaded_ms"] = samples

    # 2b. Switch to it and read the first page afresh (a division chosen, F5, or a switch before the
    # start-up read has finished): the rows are shown when the page has been read and painted.
    samples, rows_ms, stall_ms = [], [], []
    for i in range(reps + warm):
        window.tabs.setCurrentWidget(window.my_work)
        idle()
        stalls.start()
        t0 = time.perf_counter()
        window.tabs.setCurrentWidget(bureau)
        bureau.reload()
        ok = wait(bureau.rows_loaded, 120)
        t_rows = time.perf_counter()
        t1 = painted_since(bureau_paint, t_rows)
        worst = stalls.stop()
        if not ok:
            raise SystemExit("the bureau queue did not load within 120 s")
        if i >= warm:
            samples.append((t1 - t0) * 1000)
            rows_ms.append((t_rows - t0) * 1000)
            stall_ms.append(worst)
    out["bureau_switch_fresh_ms"] = samples
    out["bureau_switch_fresh_rows_ms"] = rows_ms
    out["bureau_switch_fresh_stall_ms"] = stall_ms
    idle()

    # 3. Open a victim's record (as Search and the worklists do: MainWindow.open_record) until its
    # tabs are filled (record_loaded is emitted after every pane has been filled) and painted.
    samples, loaded_ms, info = [], [], []
    for i, (person_ref, crime_ref) in enumerate(cfg["victims"]):
        window.tabs.setCurrentWidget(window.my_work)
        idle()
        t0 = time.perf_counter()
        view = window.open_record(person_ref, crime_ref)
        watch = PaintWatch(view.duties.table.viewport())
        ok = wait(view.record_loaded, 60)
        t_loaded = time.perf_counter()
        t1 = painted_since(watch, t_loaded)
        if not ok or view.record is None:
            raise SystemExit(f"the record of {person_ref} did not open")
        if i >= warm:
            samples.append((t1 - t0) * 1000)
            loaded_ms.append((t_loaded - t0) * 1000)
            info.append(
                {
                    "person": person_ref,
                    "crimes": len(view.record.cases),
                    "timeline": len(view.record.timeline),
                    "duties": sum(len(c.duties) for c in view.record.cases),
                    "ms": round((t1 - t0) * 1000, 1),
                }
            )
        window.close_current_record()
        idle()
    out["record_open_ms"] = samples
    out["record_open_loaded_ms"] = loaded_ms
    out["record_open_victims"] = info

    # 4. Load every page of the queue with Load more, then scroll it from top to bottom.
    window.tabs.setCurrentWidget(bureau)
    bureau.reload()
    wait(bureau.rows_loaded, 120)
    idle()
    pages, page_stalls = [], []
    t_all = time.perf_counter()
    max_pages = cfg.get("max_pages") or 10**9
    while bureau.has_more() and len(pages) < max_pages:
        stalls.start()
        t0 = time.perf_counter()
        bureau.load_more()
        if not wait(bureau.rows_loaded, 300):
            raise SystemExit("a page of the bureau queue did not load within 300 s")
        t_rows = time.perf_counter()
        painted_since(bureau_paint, t_rows, 2.0)
        pages.append((time.perf_counter() - t0) * 1000)
        page_stalls.append(stalls.stop())
    out["load_more_ms"] = pages
    out["load_more_stall_ms"] = page_stalls
    out["load_all_s"] = time.perf_counter() - t_all
    out["loaded_rows"] = bureau.model.rowCount()
    out["all_loaded"] = not bureau.has_more()
    idle()

    table = bureau.table
    bar = table.verticalScrollBar()
    bar.setValue(0)
    idle()
    step = max(bar.pageStep(), 1)
    steps, paints, step_gc, cpu = [], [], [], []
    value = 0
    gc_spans.clear()
    while value < bar.maximum():
        value = min(value + step, bar.maximum())
        before, collected = bureau_paint.count, len(gc_spans)
        t0, c0 = time.perf_counter(), time.thread_time()
        bar.setValue(value)
        app.processEvents()
        steps.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
        paints.append(bureau_paint.count - before)
        spans = gc_spans[collected:]
        step_gc.append((sum(e - b for _g, b, e in spans) * 1000, max((g for g, _b, _e in spans), default=-1)))
    out["scroll_step_ms"] = steps
    worst_at = max(range(len(steps)), key=steps.__getitem__) if steps else None
    out["scroll_cpu"] = {
        "worst_step_cpu_ms": round(cpu[worst_at], 1) if worst_at is not None else None,
        "max_cpu_ms": round(max(cpu), 1) if cpu else None,
        "median_cpu_ms": round(statistics.median(cpu), 1) if cpu else None,
    }
    out["scroll_gc"] = {
        "collections": len(gc_spans),
        "full_collections": sum(1 for g, _b, _e in gc_spans if g == 2),
        "gc_ms_total": round(sum(e - b for _g, b, e in gc_spans) * 1000, 1),
        "worst_step_gc_ms": round(step_gc[worst_at][0], 1) if worst_at is not None else None,
        "worst_step_gc_generation": step_gc[worst_at][1] if worst_at is not None else None,
        "worst_step_without_gc_ms": round(max(t - g for t, (g, _gen) in zip(steps, step_gc, strict=True)), 1)
        if steps
        else None,
        "tracked_objects": len(gc.get_objects()),
    }
    out["scroll"] = {
        "rows": bureau.proxy.rowCount(),
        "page_step_rows": step,
        "maximum": bar.maximum(),
        "steps": len(steps),
        "steps_without_paint": sum(1 for p in paints if p == 0),
        "median_ms": round(statistics.median(steps), 2) if steps else None,
    }

    # 5. Memory after all of the above.
    idle()
    out.update(peak_rss_mb())
    with open(cfg["out"], "w", encoding="utf-8") as handle:
        json.dump(out, handle, indent=1)
    window.close()
    window.runner.wait_for_done(120_000)
    ctx.close()
    return 0


def _json(value) -> str:  # type: ignore[no-untyped-def]
    import json

    return json.dumps(value)

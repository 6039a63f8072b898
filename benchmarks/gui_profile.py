"""Where the GUI benchmark's time goes: the service calls behind each screen, profiled, with their query plans.

    .venv/bin/python benchmarks/gui_profile.py --db benchmarks/.cache/force-1.0.sqlite3

Works on a copy made with the backup API (as bench_gui.py does), with the clock at the data's "now".
Prints, for the officer with the most pending duties and the division with the largest bureau queue:
the timings of My work's three reads, of the bureau queue's count and page (at several offsets, as
Load more asks for them), of opening victims' records, with cProfile's top functions and
EXPLAIN QUERY PLAN of the SQL; then, in an offscreen window, a profile of scrolling the loaded queue.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_gui  # noqa: E402
import gui_probe  # noqa: E402


def log(message: str = "") -> None:
    print(message, flush=True)


def timed(fn, *args, reps: int = 5, **kwargs) -> tuple[float, Any]:  # type: ignore[no-untyped-def]
    """Median milliseconds over `reps` calls (after one untimed call), and the last result."""
    out = fn(*args, **kwargs)
    samples = []
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), out


def profile(fn, *args, top: int = 18, sort: str = "cumulative", **kwargs) -> Any:  # type: ignore[no-untyped-def]
    prof = cProfile.Profile()
    prof.enable()
    out = fn(*args, **kwargs)
    prof.disable()
    buffer = io.StringIO()
    pstats.Stats(prof, stream=buffer).strip_dirs().sort_stats(sort).print_stats(top)
    text = buffer.getvalue()
    start = text.find("   ncalls")
    log(text[start:] if start >= 0 else text)
    return out


def sql_of(statement, engine) -> str:  # type: ignore[no-untyped-def]
    return str(statement.compile(engine, compile_kwargs={"literal_binds": True}))


def explain(engine, sql: str) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"):
            log(f"    {row[0]:>3} {row[1]:>3}  {row[3]}")


def services(copy: Path, inputs: bench_gui.Inputs, victims: int) -> None:
    from sqlalchemy import case, func

    from vicman.gui.views.my_work import WORKLIST_LIMIT, _load_my_work
    from vicman.services import people, queries, records
    from vicman.services.context import open_context
    from vicman.store.tables import ObligationRow

    ctx = open_context(str(copy), clock=gui_probe._bench_clock())
    engine = ctx.db.engine
    as_of = ctx.today()
    try:
        log("== Start-up reads ==")
        ms, _ = timed(people.list_officers, ctx)
        log(f"  people.list_officers: {ms:.1f} ms")
        ms, _ = timed(people.list_divisions, ctx)
        log(f"  people.list_divisions: {ms:.1f} ms")
        ms, loaded = timed(_load_my_work, ctx, inputs.staff_no, as_of, WORKLIST_LIMIT)
        log(f"  My work (_load_my_work) for {inputs.officer_label}: {ms:.1f} ms, {len(loaded.rows)} rows")
        ms, _ = timed(queries.officer_worklist, ctx, inputs.staff_no, as_of=as_of, limit=WORKLIST_LIMIT)
        log(f"    officer_worklist: {ms:.1f} ms")
        ms, _ = timed(queries.count_pending, ctx, as_of, officer=inputs.staff_no)
        log(f"    count_pending: {ms:.1f} ms")
        ms, _ = timed(queries.bureau_queue, ctx, queries.DutyFilter(oic_staff_no=inputs.staff_no), as_of=as_of, limit=0)
        log(f"    bureau_queue(officer, limit=0) for the due-soon count: {ms:.1f} ms")

        log(f"\n== Bureau queue: {inputs.division} ({inputs.division_queue:,} due or overdue) ==")
        wanted = queries.DutyFilter(division=inputs.division)
        ms, page = timed(queries.bureau_queue, ctx, wanted, as_of=as_of, limit=500, offset=0)
        log(f"  bureau_queue(limit=500, offset=0): {ms:.1f} ms; total {page.total:,}")
        # The same two statements bureau_queue runs, timed apart (its own count query where it has one).
        until = ctx.calendar.next_working_day(as_of)
        where = [ObligationRow.division == inputs.division]
        query = queries._duty_query().where(ObligationRow.due <= until, *where)
        try:
            counted = queries._count_query(wanted, until, as_of, where)  # type: ignore[attr-defined]
        except (AttributeError, TypeError):  # older vicman: the count ran over the page query's joins
            counted = query.with_only_columns(
                func.count(), func.sum(case((ObligationRow.due < as_of, 1), else_=0)), maintain_column_froms=True
            )
        with ctx.db.read() as session:
            ms, _ = timed(lambda: session.execute(counted).one())
        log(f"    count and overdue over the whole queue: {ms:.1f} ms")
        for offset in sorted({0, 500, page.total // 4, page.total // 2, max(page.total - 500, 0)}):
            stmt = query.order_by(ObligationRow.due, ObligationRow.id).limit(500).offset(offset)
            with ctx.db.read() as session:
                ms_sql, _ = timed(lambda s=stmt: session.execute(s).all(), reps=3)
                ms_rows, _ = timed(lambda s=stmt: queries._duty_rows(ctx, session, s, as_of), reps=3)
            log(f"    page at offset {offset:>6,}: SQL alone {ms_sql:.1f} ms; SQL and DutyRows {ms_rows:.1f} ms")
        log("  plan of the page query:")
        explain(engine, sql_of(query.order_by(ObligationRow.due, ObligationRow.id).limit(500).offset(0), engine))
        log("  plan of the count query:")
        explain(engine, sql_of(counted, engine))
        log("  profile of one bureau_queue call (first page):")
        profile(queries.bureau_queue, ctx, wanted, as_of=as_of, limit=500, offset=0, top=14)

        log(f"\n== Victim records ({victims}) ==")
        samples = []
        worst: tuple[float, str] = (0.0, "")
        for person_ref, _crime in inputs.victims[:victims]:
            t0 = time.perf_counter()
            records.open_victim_record(ctx, person_ref)
            ms = (time.perf_counter() - t0) * 1000
            samples.append(ms)
            worst = max(worst, (ms, person_ref))
        log(
            f"  records.open_victim_record: median {statistics.median(samples):.1f} ms, worst {worst[0]:.1f} ms "
            f"({worst[1]})"
        )
        log(f"  profile of opening {worst[1]}:")
        profile(records.open_victim_record, ctx, worst[1], top=16)
    finally:
        ctx.close()


def scrolling(copy: Path, inputs: bench_gui.Inputs, config_home: Path) -> None:
    """An offscreen window signed in, the whole queue loaded, then one profiled pass of scrolling."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["XDG_CONFIG_HOME"] = str(config_home)
    gui_probe.keep_singletons_alive()
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from vicman.gui.app import APP_NAME, ORGANISATION, build_main_window
    from vicman.services.context import open_context

    bench_gui.write_settings(config_home, inputs.staff_no)
    app = QApplication(["vicman"])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION)
    ctx = open_context(str(copy), clock=gui_probe._bench_clock())
    window = build_main_window(ctx, str(copy))

    def until(condition, timeout_s: float = 300) -> None:  # type: ignore[no-untyped-def]
        deadline = time.perf_counter() + timeout_s
        loop = QEventLoop()
        timer = QTimer()
        timer.timeout.connect(lambda: loop.quit() if condition() or time.perf_counter() > deadline else None)
        timer.start(10)
        loop.exec()
        timer.stop()

    window.show()
    window.start()
    until(lambda: window.sign_in_dialog is not None)
    window.sign_in_dialog.accept()
    until(lambda: not window.runner.busy)
    bureau = window.bureau
    bureau.set_current_division(inputs.division)
    until(lambda: not window.runner.busy)
    window.tabs.setCurrentWidget(bureau)
    until(lambda: not window.runner.busy)

    def first_page() -> None:
        bureau.reload()
        until(lambda: not bureau.loading)
        app.processEvents()

    first_page()
    log(f"\n== The GUI thread while the first page of {inputs.division} is read afresh and shown ==")
    t0 = time.perf_counter()
    first_page()
    log(f"  unprofiled: {(time.perf_counter() - t0) * 1000:.0f} ms")
    log("  profiled (the GUI thread only; the read itself runs on a pool thread):")
    profile(first_page, top=22, sort="tottime")
    while bureau.has_more():
        bureau.load_more()
        until(lambda: not bureau.loading)
    until(lambda: not window.runner.busy)
    log(f"\n== Scrolling {bureau.proxy.rowCount():,} loaded rows, a screenful a step ==")
    bar = bureau.table.verticalScrollBar()
    bar.setValue(0)
    app.processEvents()

    def scroll() -> list[float]:
        steps = []
        value = 0
        while value < bar.maximum():
            value = min(value + bar.pageStep(), bar.maximum())
            t0 = time.perf_counter()
            bar.setValue(value)
            app.processEvents()
            steps.append((time.perf_counter() - t0) * 1000)
        return steps

    steps = scroll()
    bar.setValue(0)
    app.processEvents()
    log(f"  unprofiled: {len(steps)} steps, median {statistics.median(steps):.1f} ms, worst {max(steps):.1f} ms")
    log("  profiled (cProfile, sorted by own time; Qt's painting is inside processEvents):")
    bar.setValue(0)
    app.processEvents()
    steps = profile(scroll, top=16, sort="tottime")
    log(f"  {len(steps)} steps of {bar.pageStep()} rows, {bureau.table.horizontalHeader().count()} columns")
    window.close()
    window.runner.wait_for_done(120_000)
    ctx.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--victims", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2008)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/vicman-gui-profile"))
    parser.add_argument("--skip-gui", action="store_true", help="the service calls only, no scrolling profile")
    args = parser.parse_args(argv)
    source = (args.db or bench_gui.default_db()).resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)
    copy = args.workdir / source.name
    log(f"Copying {source} to {copy} ...")
    bench_gui.backup_copy(source, copy)
    try:
        inputs = bench_gui.choose_inputs(copy, args.victims + 2, args.seed, "data")
        log(
            f"Officer {inputs.officer_label} ({inputs.officer_pending:,} pending); division {inputs.division} "
            f"({inputs.division_queue:,} in the queue)"
        )
        services(copy, inputs, args.victims)
        if not args.skip_gui:
            scrolling(copy, inputs, args.workdir / "config")
    finally:
        bench_gui.remove_db(copy)
    return 0


if __name__ == "__main__":
    sys.exit(main())

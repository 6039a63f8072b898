"""Time the compliance report for one division over one year (issue 6's benchmark; H5's script calls
`time_compliance_report`).

    .venv/bin/python scripts/time_compliance_report.py DB [--division NAME] [--to YYYY-MM-DD] [--runs 5]

Opening the database migrates it if it is at an older schema: time a copy, not the benchmark's cache.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from vicman.services import reports
from vicman.services.context import ServiceContext, open_context
from vicman.services.report_types import ReportScope
from vicman.store.tables import ObligationRow


def busiest_division(ctx: ServiceContext) -> str:
    with ctx.db.read() as session:
        row = session.execute(
            select(ObligationRow.division, func.count()).group_by(ObligationRow.division).order_by(func.count().desc())
        ).first()
    assert row is not None, "no duties in this database"
    return str(row[0])


def time_compliance_report(
    ctx: ServiceContext, division: str, period_to: date, runs: int = 5
) -> tuple[list[float], reports.ComplianceReport]:
    """Seconds per run of `compliance_report` for `division` over the year ending `period_to`, and the last
    report (so a caller can check its numbers against a hand-written query)."""
    period_from = period_to.replace(year=period_to.year - 1) + timedelta(days=1)
    times = []
    report = None
    for _ in range(runs):
        start = time.perf_counter()
        report = reports.compliance_report(ctx, period_from, period_to, ReportScope(division=division))
        times.append(time.perf_counter() - start)
    assert report is not None
    return times, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--division")
    parser.add_argument("--to", type=date.fromisoformat, default=date(2026, 6, 30))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    as_of = datetime.combine(args.to, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    ctx = open_context(args.db, clock=lambda: as_of)
    try:
        division = args.division or busiest_division(ctx)
        times, report = time_compliance_report(ctx, division, args.to, args.runs)
    finally:
        ctx.close()
    print(
        f"compliance report, {division}, year to {args.to}: {report.total.due:,} duties; "
        f"median {statistics.median(times):.3f} s of {', '.join(f'{t:.3f}' for t in times)}"
    )


if __name__ == "__main__":
    main()

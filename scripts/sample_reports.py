"""Write the sample reports in docs/ from demo data: the compliance report and the satisfaction report for
the demo force's last twelve months, as PDFs (and a PNG of each first page, to look at).

    .venv/bin/python scripts/sample_reports.py [--out docs]

Builds a fresh demo database in a temporary folder (seed 2006, as of a fixed day so the samples do not
change from run to run) and exports through the same service the app and the command line use.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from vicman.gui.pdf import render_pdf_page
from vicman.gui.report_pdf import ensure_application, write_report_pdf
from vicman.services import report_export, reports, satisfaction
from vicman.services.context import open_context
from vicman.services.demo import make_demo
from vicman.services.report_types import ReportScope

AS_OF = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
PERIOD = (date(2025, 11, 27), date(2026, 11, 26))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "docs")
    args = parser.parse_args()
    ensure_application()
    with tempfile.TemporaryDirectory(prefix="vicman-samples-") as folder:
        ctx = open_context(str(Path(folder) / "demo.sqlite3"), clock=lambda: AS_OF)
        try:
            make_demo(ctx)
            samples = {
                "sample-compliance-report": reports.compliance_report(
                    ctx, *PERIOD, ReportScope(), trend_bucket="month"
                ),
                "sample-moj-report": reports.moj_report(ctx, *PERIOD, ReportScope()),
                "sample-satisfaction-report": satisfaction.satisfaction_report(ctx, *PERIOD, ReportScope()),
            }
            for name, report in samples.items():
                target = args.out / f"{name}.pdf"
                report_export.export_report(ctx, report, "pdf", target, write_pdf=write_report_pdf)
                render_pdf_page(target, 0).save(str(Path(folder) / f"{name}.png"))
                print(f"wrote {target}")
        finally:
            ctx.close()


if __name__ == "__main__":
    main()

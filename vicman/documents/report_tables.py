"""Reports as tables: titled sections of a header row and rows, written as CSV, XLSX, JSON or HTML.

Pure: no database, no Qt. The same sections feed every format, so a number reads the same in the CSV,
the spreadsheet and the PDF (whose HTML `report_html` builds; `vicman.gui.report_pdf` lays it out).
Percentages are numbers (87.5, not "87.5%"); a missing value is empty (None in JSON).
"""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from vicman.rules.localtime import LONDON

if TYPE_CHECKING:
    # Types only: documents sit below services (DESIGN.md section 3), so the report types are not imported
    # at run time; a report is told by its header's `kind`.
    from vicman.services.report_types import (
        ComplianceReport,
        GroupSatisfaction,
        MojReport,
        ReportHeader,
        SatisfactionReport,
    )

Report: TypeAlias = "ComplianceReport | MojReport | SatisfactionReport"
Cell = str | int | float | None

QUESTION_LABELS = {
    "overall": "Overall service",
    "kept_informed": "Being kept informed",
    "treatment": "Treatment by staff",
    "ease_of_contact": "Ease of contact",
}
GROUP_LEVELS = {"division": "division", "team": "team", "officer": "officer", "rule": "duty"}


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    notes: tuple[str, ...] = ()
    name: str = ""
    """A short name (a spreadsheet's sheet name: at most 31 characters)."""
    printed: tuple[int, ...] | None = None
    """The columns the PDF shows (None: all): on A4 portrait a rule id beside its title only cramps both."""
    printed_notes: tuple[str, ...] = ()
    """Paragraphs only the PDF shows under the table (what a left-out column said, in sentences)."""


def produced_text(header: ReportHeader) -> str:
    """ "Produced 26/11/2026 09:00 by jsmith" (local time)."""
    local = header.produced_at.astimezone(LONDON)
    return f"Produced {local:%d/%m/%Y %H:%M} by {header.produced_by}"


def period_text(header: ReportHeader) -> str:
    return f"{header.period_from:%d/%m/%Y} to {header.period_to:%d/%m/%Y}"


P_VALUE = "p-value"


def header_rows(header: ReportHeader) -> list[tuple[str, str]]:
    """What the report is: force, title, scope, period, and when and by whom it was produced."""
    local = header.produced_at.astimezone(LONDON)
    return [
        ("Force", header.force_name),
        ("Report", header.title),
        ("Scope", header.scope.label),
        ("Period", period_text(header)),
        *([("Overdue counted as of", f"{header.as_of:%d/%m/%Y}")] if header.kind != "satisfaction" else []),
        ("Produced", f"{local:%d/%m/%Y %H:%M} (UK time)"),
        ("Produced by", header.produced_by),
    ]


def sections(report: Report) -> list[Section]:
    kind = report.header.kind
    if kind == "compliance":
        return _compliance(report)  # type: ignore[arg-type]
    if kind == "moj":
        return _moj(report)  # type: ignore[arg-type]
    if kind == "satisfaction":
        return _satisfaction(report)  # type: ignore[arg-type]
    raise ValueError(f"not a report kind: {kind!r}")


def row_counts(report: Report) -> dict[str, int]:
    """Rows per section, for the audit record of an export."""
    return {section.name or section.title: len(section.rows) for section in sections(report)}


def _compliance(report: ComplianceReport) -> list[Section]:
    duty_header = ("Rule", "Duty", "Due", "Met on time", "Met late", "Overdue", "Open", "Waived", "On time %")
    duties = tuple(
        (d.rule, d.title, d.due, d.met_on_time, d.met_late, d.overdue, d.open, d.waived, d.on_time_pct)
        for d in (*report.duties, report.total)
    )
    reasons = tuple((d.rule, r.reason, r.count) for d in report.duties for r in d.waiver_reasons)
    trend = tuple((t.label, t.bucket_start.isoformat(), t.due, t.met_on_time, t.on_time_pct) for t in report.trend)
    level = GROUP_LEVELS.get(report.group_level, report.group_level)
    groups = tuple((g.group, g.due, g.met_on_time, g.overdue, g.on_time_pct) for g in report.by_group)
    return [
        Section(
            "Duties that fell due in the period",
            duty_header,
            duties,
            (
                "On time % = met on time / (due - waived - open) x 100: of the duties whose outcome is known.",
                "Overdue: still not met and past the due date; open: not yet due.",
            ),
            name="Duties",
            printed=(1, 2, 3, 4, 5, 6, 7, 8),
        ),
        Section("Waiver reasons", ("Rule", "Reason", "Waived"), reasons, name="Waiver reasons"),
        Section(
            f"Trend by {report.trend_bucket} of the due date",
            (report.trend_bucket.capitalize(), "Starting", "Due", "Met on time", "On time %"),
            trend,
            name="Trend",
        ),
        Section(
            f"By {level}",
            (level.capitalize(), "Due", "Met on time", "Overdue", "On time %"),
            groups,
            name=f"By {level}",
        ),
    ]


def _moj(report: MojReport) -> list[Section]:
    rows = tuple((m.label, m.applicable, m.met, m.met_on_time, m.pct) for m in report.measures)
    notes = tuple(f"{m.label}: {m.note}" for m in report.measures)
    return [
        Section(
            "Ministry of Justice measures",
            ("Measure", "Applicable", "Met", "Met on time", "%"),
            rows,
            notes,
            name="Measures",
        )
    ]


def _satisfaction_rows(groups: Sequence[GroupSatisfaction]) -> tuple[tuple[Cell, ...], ...]:
    return tuple(
        (g.group, QUESTION_LABELS.get(q, q), p.answered, p.satisfied, p.pct, p.ci_low, p.ci_high)
        for g in groups
        for q, p in g.questions.items()
    )


def _satisfaction(report: SatisfactionReport) -> list[Section]:
    header = ("Group", "Question", "Answered (n)", "Satisfied", "% satisfied", "95% CI low", "95% CI high")
    gaps = tuple(
        (
            QUESTION_LABELS.get(g.question, g.question),
            g.white.answered,
            g.white.pct,
            g.minority.answered,
            g.minority.pct,
            g.gap_points,
            g.ci_low,
            g.ci_high,
            g.p_value,
            {True: "Yes", False: "No", None: "Too few to test"}[g.significant],
            g.verdict,
        )
        for g in report.gaps
    )
    scale = "Satisfied: 4 or 5 on the five-point scale (fairly or very satisfied), of those who answered."
    return [
        Section(
            "White and minority ethnic victims: the gap",
            (
                "Question",
                "White n",
                "White % satisfied",
                "Minority ethnic n",
                "Minority ethnic % satisfied",
                "Gap (points)",
                "Gap 95% CI low",
                "Gap 95% CI high",
                P_VALUE,
                "p < 0.05",
                "Verdict",
            ),
            gaps,
            (
                "Gap = white % - minority ethnic %; 95% interval: Newcombe's hybrid score method; test: two-proportion "
                "z-test (pooled), not done when a group has fewer than 30 answers or fewer than 5 expected satisfied "
                "or dissatisfied.",
            ),
            name="Gap",
            printed=tuple(range(10)),
            printed_notes=tuple(f"{QUESTION_LABELS.get(g.question, g.question)}: {g.verdict}" for g in report.gaps),
        ),
        Section(
            "Aggregate groups",
            header,
            _satisfaction_rows(report.aggregates),
            (
                scale,
                "Minority ethnic: every recorded group other than White (the Home Office convention); ethnicity not "
                "recorded is shown separately, never guessed. 95% intervals: Wilson score.",
            ),
            name="Aggregates",
        ),
        Section("By ethnic group as recorded", header, _satisfaction_rows(report.groups), name="By ethnic group"),
    ]


# --- CSV --------------------------------------------------------------------------------------------


def to_csv(report: Report) -> bytes:
    """One CSV file: the report's header lines, then each section under its title, a blank line between.
    UTF-8 with a byte-order mark, so Excel reads it as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for label, value in header_rows(report.header):
        writer.writerow([label, value])
    for section in sections(report):
        writer.writerow([])
        writer.writerow([section.title])
        writer.writerow(section.header)
        for row in section.rows:
            writer.writerow(["" if cell is None else _inert(cell) for cell in row])
        for note in section.notes:
            writer.writerow([note])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- XLSX -------------------------------------------------------------------------------------------


def write_xlsx(report: Report, path: Path | str) -> None:
    """A workbook: a "Report" sheet with the header lines, then one sheet per section (header row bold
    and frozen, widths set to the contents, numbers stored as numbers)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    about = book.active
    assert about is not None
    about.title = "Report"
    bold = Font(bold=True)
    for label, value in header_rows(report.header):
        about.append([label, _inert(value)])
        about.cell(row=about.max_row, column=1).font = bold
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = max(40, *(len(v) + 2 for _, v in header_rows(report.header)))
    for section in sections(report):
        sheet = book.create_sheet(_sheet_name(section.name or section.title))
        sheet.append(list(section.header))
        for cell in sheet[1]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in section.rows:
            sheet.append([_inert(cell) for cell in row])
        for note in section.notes:
            sheet.append([])
            sheet.append([note])
        sheet.freeze_panes = "A2"
        for index, title in enumerate(section.header, start=1):
            widest = max([len(str(title))] + [len(_shown(row[index - 1])) for row in section.rows])
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(60, max(8, widest + 2))
    book.save(str(path))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(cell: Cell) -> Cell:
    """Text a spreadsheet will not run as a formula (free text such as a waiver reason could start with
    "="): a leading quote, as spreadsheets themselves write it. Numbers stay numbers."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def _shown(cell: Cell) -> str:
    return "" if cell is None else str(cell)


def _sheet_name(name: str) -> str:
    for bad in "[]:*?/\\":
        name = name.replace(bad, " ")
    return name[:31]


# --- JSON -------------------------------------------------------------------------------------------


def to_json(report: Report) -> str:
    """The report's dataclasses as JSON: dates and times ISO 8601 (times in UTC), missing values null."""
    return json.dumps(dataclasses.asdict(report), default=_json_value, ensure_ascii=False, indent=2) + "\n"


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


# --- HTML (for the PDF) -----------------------------------------------------------------------------


REPORT_CSS = """
body { font-size: 9pt; }
h1 { font-size: 15pt; color: #1d3a5f; margin-bottom: 2px; }
p.force { font-size: 10pt; color: #3c4b5a; margin-top: 0px; margin-bottom: 0px; }
table.about td { padding-right: 14px; }
h2 { font-size: 11pt; color: #1d3a5f; margin-top: 14px; margin-bottom: 4px; }
table.data { border-collapse: collapse; }
table.data th { background-color: #1d3a5f; color: white; font-weight: bold; padding: 3px; }
table.data td { padding: 3px; border-bottom: 1px solid #c8d2dc; }
td.num { text-align: right; }
tr.total td { font-weight: bold; background-color: #eef3f8; }
p.verdict { margin-top: 4px; margin-bottom: 0px; }
p.note { color: #3c4b5a; font-size: 8pt; margin-top: 2px; margin-bottom: 0px; }
"""


def report_html(report: Report) -> str:
    """The report as one HTML document (the subset QTextDocument reads): force name, title, scope,
    period, when produced and by whom, then each section as a table with its notes."""
    head = report.header
    parts = [
        "<html><body>",
        f'<p class="force">{_e(head.force_name)}</p>',
        f"<h1>{_e(head.title)}</h1>",
        '<table class="about">',
    ]
    for label, value in header_rows(head)[2:]:
        parts.append(f"<tr><td><b>{_e(label)}</b></td><td>{_e(value)}</td></tr>")
    parts.append("</table>")
    for section in sections(report):
        parts.append(f"<h2>{_e(section.title)}</h2>")
        if not section.rows:
            parts.append('<p class="note">None.</p>')
        else:
            parts.append('<table class="data" width="100%" cellspacing="0">')
            shown = section.printed if section.printed is not None else tuple(range(len(section.header)))
            parts.append("<tr>" + "".join(f"<th>{_e(section.header[i])}</th>" for i in shown) + "</tr>")
            for full in section.rows:
                total = ' class="total"' if full and full[0] in ("all", "All") else ""
                cells = "".join(
                    f'<td class="num">{_e(_html_cell(full[i], section.header[i]))}</td>'
                    if full[i] is None or isinstance(full[i], int | float)
                    else f"<td>{_e(_html_cell(full[i], section.header[i]))}</td>"
                    for i in shown
                )
                parts.append(f"<tr{total}>{cells}</tr>")
            parts.append("</table>")
        for note in section.printed_notes:
            parts.append(f'<p class="verdict">{_e(note)}</p>')
        for note in section.notes:
            parts.append(f'<p class="note">{_e(note)}</p>')
    parts.append("</body></html>")
    return "\n".join(parts)


def _html_cell(cell: Cell, column: str = "") -> str:
    if cell is None:
        return "—"
    if isinstance(cell, float) and column == P_VALUE:
        # As the verdicts word it: three decimal places, and "< 0.001" below that.
        return "< 0.001" if cell < 0.001 else f"{cell:.3f}"
    if isinstance(cell, float):
        return f"{cell:.1f}"
    return str(cell)


def _e(text: str) -> str:
    return html.escape(text, quote=True)

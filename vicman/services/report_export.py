"""Exporting a report to a file: a disclosure, audited in the same step as the file appears.

The file is written beside its target under a temporary name; then, in one transaction, the disclosure
is audited and the file renamed into place. If anything fails (writing, auditing, renaming) the temporary
file and any renamed file are removed and the audit record is rolled back: either the file exists and its
disclosure is recorded, or neither.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from vicman.documents import report_tables
from vicman.services import audit, auth, reports
from vicman.services.context import ServiceContext
from vicman.services.errors import InvalidInput, ServiceError
from vicman.services.report_types import ExportResult
from vicman.store.tables import AuditRow

FORMATS = ("csv", "xlsx", "pdf", "json")
PdfWriter = Callable[[Any, Path], Any]
"""Writes a report as a PDF at a path (`vicman.gui.report_pdf.write_report_pdf`: services may not import Qt)."""


def export_report(
    ctx: ServiceContext, report: Any, fmt: str, path: str | Path, *, write_pdf: PdfWriter | None = None
) -> ExportResult:
    """Write `report` (compliance, MoJ or satisfaction) as csv, xlsx, pdf or json at `path` (replacing a
    file there), and audit it as a disclosure (object `report`; detail: kind, period, scope, format, file,
    rows per section). Needs the right to see the report's scope and a password given within the last few
    minutes. For pdf, pass `write_pdf`; it runs Qt text layout, so call this on the GUI thread."""
    if fmt not in FORMATS:
        raise InvalidInput(f"must be one of {', '.join(FORMATS)}, not {fmt!r}", field="format")
    if fmt == "pdf" and write_pdf is None:
        raise InvalidInput("a PDF needs a PDF writer (the app and the command line pass one)", field="format")
    header = report.header
    reports._require(ctx, header.scope, f"export-{header.kind}")
    auth.require_fresh_authentication(ctx)
    target = Path(path)
    if target.is_dir():
        raise InvalidInput("is a folder: give a file name", file=str(target))
    if not target.parent.is_dir():
        raise InvalidInput(f"the folder {target.parent} does not exist; nothing was written", file=str(target))
    temporary = _temporary(target)
    placed = False
    try:
        _write(report, fmt, temporary, write_pdf)
        size = temporary.stat().st_size
        detail = {
            "kind": header.kind,
            "from": header.period_from.isoformat(),
            "to": header.period_to.isoformat(),
            "scope": header.scope.label,
            "format": fmt,
            "file": target.name,
            "path": str(target.resolve()),
            "bytes": size,
            "rows": report_tables.row_counts(report),
        }
        with ctx.db.transaction() as session:
            audit.record(
                ctx,
                session,
                audit.DISCLOSE,
                "report",
                f"{header.kind}:{header.scope.label}",
                detail,
                recipients=[f"file {target.resolve()}"],
            )
            seq = session.scalar(
                select(AuditRow.seq)
                .where(AuditRow.object_type == "report", AuditRow.action == audit.DISCLOSE)
                .order_by(AuditRow.seq.desc())
                .limit(1)
            )
            try:
                os.replace(temporary, target)
            except OSError as exc:
                raise ServiceError(f"cannot save {target} ({exc.strerror}); nothing was exported") from exc
            placed = True
    except BaseException:
        temporary.unlink(missing_ok=True)
        if placed:  # the audit record did not commit: the file must not stay either
            target.unlink(missing_ok=True)
        raise
    return ExportResult(path=str(target), format=fmt, bytes=size, audit_seq=seq)


def _temporary(target: Path) -> Path:
    try:
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise InvalidInput(f"cannot write here ({exc.strerror}); nothing was written", file=str(target)) from exc
    os.close(handle)
    return Path(name)


def _write(report: Any, fmt: str, temporary: Path, write_pdf: PdfWriter | None) -> None:
    try:
        if fmt == "csv":
            temporary.write_bytes(report_tables.to_csv(report))
        elif fmt == "json":
            temporary.write_text(report_tables.to_json(report), encoding="utf-8")
        elif fmt == "xlsx":
            report_tables.write_xlsx(report, temporary)
        else:
            assert write_pdf is not None
            write_pdf(report, temporary)
        with contextlib.suppress(OSError), open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
    except OSError as exc:
        raise ServiceError(f"cannot write the {fmt} file ({exc.strerror}); nothing was exported") from exc
    if not temporary.is_file() or temporary.stat().st_size == 0:
        raise ServiceError(f"the {fmt} file came out empty; nothing was exported")


def report_text(ctx: ServiceContext, report: Any, fmt: str) -> str:
    """`report` as csv or json text for the caller to print (the command line's standard output), audited
    as a disclosure like a file (recipient: standard output), after the same checks as `export_report`."""
    if fmt not in ("csv", "json"):
        raise InvalidInput(f"only csv and json can be printed, not {fmt!r}: give a file with --out", field="format")
    header = report.header
    reports._require(ctx, header.scope, f"export-{header.kind}")
    auth.require_fresh_authentication(ctx)
    text = report_tables.to_json(report) if fmt == "json" else report_tables.to_csv(report).decode("utf-8-sig")
    detail = {
        "kind": header.kind,
        "from": header.period_from.isoformat(),
        "to": header.period_to.isoformat(),
        "scope": header.scope.label,
        "format": fmt,
        "file": None,
        "rows": report_tables.row_counts(report),
    }
    with ctx.db.transaction() as session:
        audit.record(
            ctx,
            session,
            audit.DISCLOSE,
            "report",
            f"{header.kind}:{header.scope.label}",
            detail,
            recipients=["standard output"],
        )
    return text

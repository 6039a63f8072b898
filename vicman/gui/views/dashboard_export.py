"""Saving a report the dashboard shows as PDF, CSV or XLSX: the file is chosen here, written and audited as
a disclosure by `report_export.export_report` on the runner's write pool. Exporting is a bulk action: when
the password was given too long ago the user is asked for it again and the export is tried again.

The PDF is laid out here, on the GUI thread (QTextDocument is not thread-safe), into a temporary file; the
service then copies it into place as its PDF writer, so the file only appears once the disclosure is audited.

Signals of `ReportExporter`:
    exported(object): the file was saved and audited; the argument is the `ExportResult`.
    export_failed(str): nothing was saved; the argument says why in plain words.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from vicman.gui.dialogs.reauthenticate import ReauthenticateDialog
from vicman.gui.errors import describe_error
from vicman.gui.workers import Runner
from vicman.services import report_export
from vicman.services.auth import ReauthenticationRequired
from vicman.services.context import ServiceContext

FORMATS = {
    "pdf": ("PDF", "PDF files (*.pdf)"),
    "csv": ("CSV", "CSV files (*.csv)"),
    "xlsx": ("Excel", "Excel workbooks (*.xlsx)"),
}


def suggested_name(report: Any, fmt: str) -> str:
    """E.g. "compliance-North-2026-09-01-to-2026-11-26.pdf"."""
    header = report.header
    scope = header.scope.label.replace(" division", "").replace("Team ", "").replace("Officer ", "")
    stem = f"{header.kind}-{scope}-{header.period_from.isoformat()}-to-{header.period_to.isoformat()}"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem) + f".{fmt}"


def with_suffix(path: str, fmt: str) -> Path:
    target = Path(path)
    return target if target.suffix.lower() == f".{fmt}" else target.with_name(target.name + f".{fmt}")


class ReportExporter(QObject):
    exported = Signal(object)
    export_failed = Signal(str)

    def __init__(self, ctx: ServiceContext, runner: Runner, parent: QWidget) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._parent = parent
        self.busy = False
        self.reauth_dialog: ReauthenticateDialog | None = None
        self.folder = Path.home()

    def ask_and_export(self, report: Any, fmt: str) -> bool:
        """Ask where to save, then export; False if the user chose no file (or an export is under way)."""
        if self.busy:
            return False
        words, pattern = FORMATS[fmt]
        path, _filter = QFileDialog.getSaveFileName(
            self._parent, f"Save the report as {words}", str(self.folder / suggested_name(report, fmt)), pattern
        )
        if not path:
            return False
        return self.export(report, fmt, path)

    def export(self, report: Any, fmt: str, path: str | Path) -> bool:
        """Write `report` to `path` (its suffix added if missing) through the service; False if one is under way."""
        if self.busy:
            return False
        target = with_suffix(str(path), fmt)
        self.folder = target.parent
        write_pdf = None
        scratch: Path | None = None
        if fmt == "pdf":
            from vicman.gui.report_pdf import write_report_pdf  # Qt text layout: only when a PDF is wanted

            scratch = Path(tempfile.mkdtemp(prefix="vicman-report-"))
            rendered = scratch / "report.pdf"
            try:
                write_report_pdf(report, rendered)
            except Exception as exc:  # shown to the user; nothing was saved or audited
                shutil.rmtree(scratch, ignore_errors=True)
                self.export_failed.emit(f"The PDF could not be made, so nothing was saved. {describe_error(exc)}")
                return True

            def write_pdf(_report: Any, where: Path | str) -> Path:
                shutil.copyfile(rendered, where)
                return Path(where)

        self.busy = True
        self._runner.write(report_export.export_report, self._ctx, report, fmt, target, write_pdf=write_pdf).on_success(
            lambda result: self._on_exported(scratch, result)
        ).on_failure(lambda exc: self._on_failed(scratch, exc, report, fmt, target))
        return True

    def _on_exported(self, scratch: Path | None, result: Any) -> None:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
        self.busy = False
        if shiboken6.isValid(self._parent):
            self.exported.emit(result)

    def _on_failed(self, scratch: Path | None, exc: BaseException, report: Any, fmt: str, target: Path) -> None:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
        self.busy = False
        if not shiboken6.isValid(self._parent):
            return
        if isinstance(exc, ReauthenticationRequired):
            dialog = ReauthenticateDialog(
                self._ctx,
                self._runner,
                "Exporting a report",
                self._parent,
                intro="Exporting a report takes its figures out of vicman. Enter your password again to go ahead.",
            )
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.saved.connect(lambda _r: self.export(report, fmt, target))
            dialog.rejected.connect(
                lambda: self.export_failed.emit("Nothing was saved: the password was not given again.")
            )
            dialog.finished.connect(lambda _r, d=dialog: self._forget_reauth(d))
            self.reauth_dialog = dialog
            dialog.open()
            return
        self.export_failed.emit(f"Nothing was saved. {describe_error(exc)}")

    def _forget_reauth(self, dialog: ReauthenticateDialog) -> None:
        if self.reauth_dialog is dialog:
            self.reauth_dialog = None

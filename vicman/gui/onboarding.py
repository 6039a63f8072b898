"""Filling a database: the first-run offer on an empty one, importing a crime-system extract, demo data.

Signals of `Onboarding`:
    data_loaded(str): an import or the demo data finished; the argument says what was added.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from vicman.gui.errors import describe_error
from vicman.gui.workers import Runner
from vicman.services import importing
from vicman.services.context import ServiceContext
from vicman.services.demo import make_demo
from vicman.services.errors import ImportRejected

PROBLEMS_SHOWN = 12


class Onboarding(QObject):
    data_loaded = Signal(str)

    def __init__(self, ctx: ServiceContext, runner: Runner, window: QWidget) -> None:
        super().__init__(window)
        self._ctx = ctx
        self._runner = runner
        self._window = window
        self.first_run_box: QMessageBox | None = None
        self.result_box: QMessageBox | None = None

    def offer_first_run(self) -> QMessageBox:
        """Ask what to do with an empty database (window-modal; returns at once)."""
        box = QMessageBox(self._window)
        box.setWindowTitle("An empty database")
        box.setIcon(QMessageBox.Icon.Information)
        box.setText("This database has no crimes, victims or officers yet.")
        box.setInformativeText(
            "Import an extract from the crime system (a CSV file) to start work, or load demo data "
            "(made-up people, for training and trying vicman out)."
        )
        self.import_button = box.addButton("Import a crime-system extract…", QMessageBox.ButtonRole.AcceptRole)
        self.demo_button = box.addButton("Load demo data", QMessageBox.ButtonRole.ActionRole)
        box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
        box.setAccessibleName("Empty database: import or load demo data")
        box.buttonClicked.connect(self._on_first_run_choice)
        self.first_run_box = box
        box.open()
        return box

    def _on_first_run_choice(self, button: object) -> None:
        self.first_run_box = None
        if button is self.import_button:
            self.import_extract()
        elif button is self.demo_button:
            self.load_demo()

    def import_extract(self, path: str | None = None) -> bool:
        """Import a CSV extract (asking for the file when `path` is None). Returns whether it started."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self._window, "Import a crime-system extract", "", "CSV files (*.csv);;All files (*)"
            )
        if not path:
            return False
        self._status(f"Importing {path}…")
        self._runner.write(importing.import_crimes, self._ctx, path).on_success(self._on_imported).on_failure(
            self._on_import_failed
        )
        return True

    def load_demo(self) -> None:
        self._status("Making demo data (this takes a few seconds)…")
        self._runner.write(make_demo, self._ctx).on_success(
            lambda summary: self.data_loaded.emit(f"Demo data loaded: {summary}")
        ).on_failure(lambda exc: self._show_result("Demo data was not loaded", describe_error(exc), error=True))

    def _on_imported(self, result: importing.ImportResult) -> None:
        if result.unchanged:
            text = f"{result.rows} rows read; everything was already up to date."
        else:
            text = (
                f"{result.rows} rows imported: {result.crimes_created} new crimes ({result.crimes_updated} updated), "
                f"{result.people_created} new people ({result.people_updated} updated), "
                f"{result.officers_created} new officers; {result.obligations_rederived} duties worked out."
            )
        self.data_loaded.emit(text)

    def _on_import_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ImportRejected):
            lines = [p.located() for p in exc.problems]
            shown = "\n".join(lines[:PROBLEMS_SHOWN])
            more = f"\n… and {len(lines) - PROBLEMS_SHOWN} more (see Details)." if len(lines) > PROBLEMS_SHOWN else ""
            self._show_result(
                "Nothing was imported",
                f"The file has problems; fix them in the file and import it again.\n\n{shown}{more}",
                error=True,
                details="\n".join(lines),
            )
            return
        self._show_result("Nothing was imported", describe_error(exc), error=True)

    def _show_result(self, title: str, text: str, error: bool = False, details: str | None = None) -> None:
        self._status("")
        box = QMessageBox(self._window)
        box.setWindowTitle(title)
        box.setIcon(QMessageBox.Icon.Warning if error else QMessageBox.Icon.Information)
        box.setText(title)
        box.setInformativeText(text)
        if details:
            box.setDetailedText(details)
        self.result_box = box
        box.open()

    def _status(self, text: str) -> None:
        status_bar = getattr(self._window, "statusBar", None)
        if status_bar is not None:
            if text:
                status_bar().showMessage(text)
            else:
                status_bar().clearMessage()

"""Search: people by surname, crime or victim reference, or phone, with results as you type.
Enter or a double-click on a result opens the person's record (Down moves from the box to the results).

Signals:
    results_loaded(): the table shows the results for the text now in the box.
    record_requested(str, str): open the record of this person (person ref); the second argument is
        the crime reference searched for, when the search was by crime reference, else "".
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from vicman.gui.errors import describe_error
from vicman.gui.formatting import plural
from vicman.gui.models.search_hit_table_model import (
    COL_CRIMES,
    COL_DOB,
    COL_NAME,
    COL_PHONE,
    COL_REF,
    SearchHitTableModel,
)
from vicman.gui.widgets import make_filter_edit, make_table
from vicman.gui.workers import Runner
from vicman.services import queries
from vicman.services.context import ServiceContext

DEBOUNCE_MS = 250
MIN_CHARS = 2
LIMIT = 50
HINT = "Type at least two letters of a surname, or part of a crime reference, victim reference or phone number."


class SearchView(QWidget):
    results_loaded = Signal()
    record_requested = Signal(str, str)

    def __init__(self, ctx: ServiceContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchView")
        self._ctx = ctx
        self._runner = runner
        self._generation = 0
        self._searched = ""
        self.searching = False

        self.search_edit = make_filter_edit(
            "searchEdit", "Surname, crime reference, victim reference or phone number", "Search victims"
        )
        self.search_edit.textChanged.connect(self._on_text_changed)
        self.search_edit.returnPressed.connect(self.search_now)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.search_now)

        self.model = SearchHitTableModel(self)
        self.table = make_table("searchTable", "Search results")
        self.table.setSortingEnabled(False)  # the service's ranking is the order
        self.table.setModel(self.model)
        for column, width in {COL_NAME: 220, COL_REF: 110, COL_DOB: 110, COL_PHONE: 140, COL_CRIMES: 420}.items():
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionMode(self.table.SelectionMode.SingleSelection)
        self.table.doubleClicked.connect(lambda index: self.open_record(index.row()))
        enter = QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, context=Qt.ShortcutContext.WidgetShortcut)
        enter.activated.connect(self.open_selected)
        down = QShortcut(QKeySequence(Qt.Key.Key_Down), self.search_edit, context=Qt.ShortcutContext.WidgetShortcut)
        down.activated.connect(self._on_down_pressed)

        self.message = QLabel(HINT)
        self.message.setObjectName("searchMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setMargin(24)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.table)

        self.status = QLabel()
        self.status.setObjectName("searchStatus")
        self.status.setAccessibleName("Search status")
        self.open_hint = QLabel("Enter or double-click opens the person's record")
        self.open_hint.setObjectName("openHint")
        self.open_hint.setStyleSheet("color: palette(placeholder-text);")
        self.open_hint.hide()

        label = QLabel("&Find:")
        label.setBuddy(self.search_edit)
        top = QHBoxLayout()
        top.addWidget(label)
        top.addWidget(self.search_edit, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.open_hint)
        layout.addLayout(bottom)

    def open_selected(self) -> bool:
        """Open the record of the current result (or the only one); False when there is none."""
        index = self.table.selectionModel().currentIndex()
        if index.isValid():
            return self.open_record(index.row())
        if self.model.rowCount() == 1:
            return self.open_record(0)
        return False

    def open_record(self, row: int) -> bool:
        if not 0 <= row < self.model.rowCount():
            return False
        hit = self.model.hit_at(row)
        crime = ""
        if hit.matched_on == "crime reference":
            typed = self._searched.casefold()
            crime = next((c for c in hit.crime_refs if c.casefold().startswith(typed)), "")
        self.record_requested.emit(hit.person_ref, crime)
        return True

    def _on_down_pressed(self) -> None:
        if self.model.rowCount() and self.stack.currentWidget() is self.table:
            self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.table.selectRow(0)

    def clear(self) -> None:
        """Forget the search and its results (signing out)."""
        self.search_edit.clear()
        self._on_text_changed("")

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _on_text_changed(self, text: str) -> None:
        if len(text.strip()) < MIN_CHARS:
            self.timer.stop()
            self._generation += 1
            self.searching = False
            self.model.set_hits([])
            self.open_hint.hide()
            self.message.setText(HINT)
            self.stack.setCurrentWidget(self.message)
            self.status.setText("")
            return
        self.timer.start()

    def search_now(self) -> None:
        """Search for the text in the box at once (the debounce timer calls this too)."""
        self.timer.stop()
        text = self.search_edit.text().strip()
        if len(text) < MIN_CHARS:
            return
        self._generation += 1
        generation = self._generation
        self.searching = True
        self.status.setText("Searching…")
        self._runner.read(queries.search, self._ctx, text, limit=LIMIT).on_success(
            lambda hits, g=generation, t=text: self._on_hits(g, t, hits)
        ).on_failure(lambda exc, g=generation: self._on_failed(g, exc))

    def _on_hits(self, generation: int, text: str, hits: list) -> None:
        if generation != self._generation:
            return
        self.searching = False
        self._searched = text
        self.model.set_hits(hits)
        self.open_hint.setVisible(bool(hits))
        if hits:
            self.stack.setCurrentWidget(self.table)
            more = " (the first ones; type more to narrow it down)" if len(hits) >= LIMIT else ""
            self.status.setText(f"{plural(len(hits), 'person', 'people')} found for “{text}”{more}")
        else:
            self.message.setText(f"Nobody found for “{text}”.")
            self.stack.setCurrentWidget(self.message)
            self.status.setText("")
        self.results_loaded.emit()

    def _on_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.searching = False
        self.model.set_hits([])
        self.open_hint.hide()
        self.message.setText(describe_error(exc))
        self.stack.setCurrentWidget(self.message)
        self.status.setText("")
        self.results_loaded.emit()

"""Search: people by surname, crime or victim reference, or phone, with results as you type.

Signals:
    results_loaded(): the table shows the results for the text now in the box.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
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

    def __init__(self, ctx: ServiceContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchView")
        self._ctx = ctx
        self._runner = runner
        self._generation = 0
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

        label = QLabel("&Find:")
        label.setBuddy(self.search_edit)
        top = QHBoxLayout()
        top.addWidget(label)
        top.addWidget(self.search_edit, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.status)

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _on_text_changed(self, text: str) -> None:
        if len(text.strip()) < MIN_CHARS:
            self.timer.stop()
            self._generation += 1
            self.searching = False
            self.model.set_hits([])
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
        self.model.set_hits(hits)
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
        self.message.setText(describe_error(exc))
        self.stack.setCurrentWidget(self.message)
        self.status.setText("")
        self.results_loaded.emit()

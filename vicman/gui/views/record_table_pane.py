"""The shape the Duties and Timeline tabs of a victim's record share.

A single-selection table over a `DtoTableModel`, the selected row in full in a box under it (split
3:1), and a footer: a summary line, then the pane's buttons. Right-clicking the table offers the
buttons' actions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QPoint, Qt, SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QSplitter, QVBoxLayout, QWidget

from vicman.gui.models.dto_table_model import DtoTableModel
from vicman.gui.views.record_common import detail_label, single_row_table


class RecordTablePane(QWidget):
    """Base for a record tab built round one table.

    A subclass calls `_build()` with its model, then makes its own widgets and calls `_lay_out()`.
    It says what the detail box shows (`_show_detail`) and what the context menu offers (`_on_context_menu`,
    usually through `_popup_menu`).
    """

    model: DtoTableModel[Any]

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)

    def _build(
        self, model: DtoTableModel[Any], table: tuple[str, str], widths: Mapping[int, int], detail: tuple[str, str]
    ) -> None:
        """The model, the table over it (object name, accessible name; column widths) and the detail box."""
        self.model = model
        self.table = single_row_table(*table)
        self.table.setModel(self.model)
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        self.table.customContextMenuRequested.connect(self._on_context_menu)
        self.detail = detail_label(*detail)

    def _lay_out(self, summary: QLabel, *foot: QWidget | int) -> None:
        """The table over the detail box, then the footer: the summary, then widgets and (ints) spacing."""
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        footer = QHBoxLayout()
        footer.addWidget(summary, 1)
        for item in foot:
            if isinstance(item, int):
                footer.addSpacing(item)
            else:
                footer.addWidget(item)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(footer)

    def selected_row(self) -> Any:
        """The DTO of the current row; None when there is none."""
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.row_at(index.row())

    def _popup_menu(self, pos: QPoint, *actions: tuple[str, bool, Callable[[], Any] | SignalInstance]) -> None:
        """A context menu at `pos` on the table: (text, enabled, slot or signal) for each action."""
        menu = QMenu(self)
        for text, enabled, slot in actions:
            action = QAction(text, menu)
            action.setEnabled(enabled)
            action.triggered.connect(slot)
            menu.addAction(action)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _show_detail(self) -> None:
        raise NotImplementedError

    def _on_context_menu(self, pos: QPoint) -> None:
        raise NotImplementedError

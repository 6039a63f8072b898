"""What the panes of a victim's record share: buttons, the detail box under a table, row selection."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QPushButton,
)

from vicman.gui.widgets import make_table

DETAIL_STYLE = "QLabel { background: palette(alternate-base); padding: 8px; border-radius: 3px; }"


def make_button(text: str, name: str, accessible: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(accessible)
    button.setToolTip(tip)
    return button


def named_label(name: str, accessible: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setAccessibleName(accessible)
    return label


def detail_label(name: str, accessible: str) -> QLabel:
    label = named_label(name, accessible)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    label.setStyleSheet(DETAIL_STYLE)
    return label


def para(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def single_row_table(name: str, accessible: str):
    table = make_table(name, accessible)
    table.setSortingEnabled(False)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    return table


def select_row(table, row: int) -> None:
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    table.selectionModel().setCurrentIndex(table.model().index(row, 0), flags)
    table.scrollTo(table.model().index(row, 0))

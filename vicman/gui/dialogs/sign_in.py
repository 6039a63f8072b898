"""Which officer are you? A stand-in for signing in until users and passwords exist."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
)

from vicman.gui.widgets import make_filter_edit
from vicman.services.people import OfficerView


class SignInDialog(QDialog):
    """Pick yourself from the list of officers; type to narrow it. `chosen()` after it is accepted."""

    def __init__(self, officers: list[OfficerView], last_staff_no: str | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle("Which officer are you?")
        self.setAccessibleName("Which officer are you?")
        self.setMinimumSize(460, 420)
        self._officers = list(officers)

        intro = QLabel(
            "Choose yourself from the list. Everything you record is stamped with your staff number.\n"
            "(vicman will ask for a password once user accounts exist.)"
        )
        intro.setWordWrap(True)
        self.filter_edit = make_filter_edit("officerFilter", "Type a name, staff number or team", "Find officer")
        self.list = QListWidget()
        self.list.setObjectName("officerList")
        self.list.setAccessibleName("Officers")
        for officer in self._officers:
            where = ", ".join(x for x in (officer.division, officer.team) if x)
            item = QListWidgetItem(f"{officer.label}  —  {where}" if where else officer.label)
            item.setData(Qt.ItemDataRole.UserRole, officer.staff_no)
            self.list.addItem(item)
            if officer.staff_no == last_staff_no:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.filter_edit.textChanged.connect(self._on_filter_changed)
        self.filter_edit.returnPressed.connect(self.accept)
        self.list.itemActivated.connect(lambda _item: self.accept())

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Sign in")
        ok.setAccessibleName("Sign in")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.buttons)
        self.filter_edit.setFocus()

    def _on_filter_changed(self, text: str) -> None:
        words = text.casefold().split()
        first_visible = None
        for row in range(self.list.count()):
            item = self.list.item(row)
            hidden = not all(w in item.text().casefold() for w in words)
            item.setHidden(hidden)
            if not hidden and first_visible is None:
                first_visible = item
        current = self.list.currentItem()
        if (current is None or current.isHidden()) and first_visible is not None:
            self.list.setCurrentItem(first_visible)

    def chosen(self) -> OfficerView | None:
        item = self.list.currentItem()
        if item is None or item.isHidden():
            return None
        staff_no = item.data(Qt.ItemDataRole.UserRole)
        return next((o for o in self._officers if o.staff_no == staff_no), None)

    def accept(self) -> None:
        if self.chosen() is None:
            return
        super().accept()

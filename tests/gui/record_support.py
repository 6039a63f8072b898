"""Shared by the victim-record tests: open a record in the main window, find duties, save dialogs."""

from __future__ import annotations

from PySide6.QtCore import Qt

from vicman.gui.main_window import MainWindow
from vicman.gui.views.victim_record import VictimRecordView
from vicman.services.record_views import DutyDetail


def open_record(qtbot, window: MainWindow, person_ref: str, crime_ref: str | None = None) -> VictimRecordView:
    view = window.open_record(person_ref, crime_ref)
    qtbot.waitUntil(lambda: view.record is not None and not view.loading, timeout=10_000)
    return view


def duty(view: VictimRecordView, rule: str, key: str | None = None) -> DutyDetail:
    assert view.case is not None
    return next(d for d in view.case.duties if d.rule == rule and (key is None or d.key == key))


def duty_keys(view: VictimRecordView) -> list[str]:
    assert view.case is not None
    return [d.key for d in view.case.duties]


def save(qtbot, view: VictimRecordView, dialog) -> None:
    """Click the dialog's save button and wait until the record has been read again."""
    with qtbot.waitSignal(view.record_loaded, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert view.dialog is None  # closed (and deleted)


def model_texts(model, column: int) -> list[str]:
    return [model.index(row, column).data() for row in range(model.rowCount())]

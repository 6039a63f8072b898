"""Screenshots of the Bureau queue (server-side filters, assignment) and the Log contact dialog's duty list.

Run with ``VICMAN_SCREENSHOTS=1`` (skipped otherwise); saves ``docs/screenshots/bureau_queue.png`` and
``docs/screenshots/log_contact.png``, 1280x800, offscreen.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from gui_support import ANN, BOB, CRIMES, NOW, write_extract
from PySide6.QtCore import QItemSelectionModel, QSettings, Qt
from PySide6.QtWidgets import QApplication

from vicman.gui.main_window import MainWindow
from vicman.gui.workers import Runner
from vicman.services import assignment, entries, importing
from vicman.services.context import Actor, open_context

pytestmark = pytest.mark.gui

REPO = Path(__file__).resolve().parents[2]
SIZE = (1280, 800)

FIRST = ["Aisha", "Ben", "Chloe", "Dariusz", "Emma", "Farid", "Grace", "Harry", "Ines", "Jack", "Kasia", "Liam"]
LAST = ["Ahmed", "Baker", "Clarke", "Davies", "Evans", "Fisher", "Green", "Hall", "Iqbal", "Jackson", "Kowalski"]
OFFENCES = ["Burglary dwelling", "Theft of a pedal cycle", "Criminal damage", "Common assault", "Fraud"]
LANGUAGES = ["", "", "", "Polish", "Urdu", "Romanian", "Punjabi"]
METHODS = ["phone", "phone", "email", "sms", "letter", "visit"]
DAN = ("PC2210", "Dan Price", "dan.price@north.police.uk", "Neighbourhood")


def _more_crimes(count: int = 40) -> list[tuple]:
    rng = random.Random(2027)
    crimes = []
    for i in range(count):
        reported = NOW - timedelta(days=rng.randint(4, 45), hours=rng.randint(0, 8))
        crimes.append(
            (
                f"CR/{1200 + i}/26",
                reported.strftime("%Y-%m-%d %H:%M"),
                rng.choice(OFFENCES),
                "North",
                rng.choice([ANN, BOB, DAN, BOB]),
                f"V{1200 + i}",
                f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                f"{rng.randint(1940, 2008)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                f"07700 9{rng.randint(10000, 99999)}",
                rng.choice(["", "", "", "vulnerable", "intimidated"]),
                rng.choice(["no", "no", "yes"]),
                rng.choice(LANGUAGES),
                rng.choice(METHODS),
            )
        )
    return crimes


def _wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError("the screen did not settle in time")
        QApplication.processEvents()
        time.sleep(0.01)


def _settle(window: MainWindow) -> None:
    _wait_until(lambda: not window.runner.busy)
    QApplication.processEvents()


def _save(widget, path: Path) -> Path:
    QApplication.processEvents()
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path


def render_bureau_screens(out_dir: Path) -> list[Path]:
    """Save the Bureau queue (page of a bigger queue, some victims assigned) and a three-victim Log contact."""
    app = QApplication.instance() or QApplication(["vicman-screenshots"])
    assert isinstance(app, QApplication)
    out_dir.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ctx = open_context(str(folder / "demo.sqlite3"), actor=Actor("PC1234", "screenshots"), clock=lambda: NOW)
        importing.import_crimes(ctx, write_extract(folder / "extract.csv", [*CRIMES, *_more_crimes()]))
        entries.record_event(ctx, "CR/1004/26", "arrest", NOW - timedelta(days=1, hours=3))
        entries.record_contact(ctx, "CR/1205/26", "V1205", NOW - timedelta(days=6), "phone", "no_contact", note="-")
        window = MainWindow(
            ctx, Runner(), QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat), "demo.sqlite3"
        )
        window.runner.setParent(window)
        window.resize(*SIZE)
        window.show()
        window.start()
        _wait_until(lambda: window.sign_in_dialog is not None)
        window.sign_in_dialog.filter_edit.setText("PC1234")
        window.sign_in_dialog.accept()
        _settle(window)
        window.resize(*SIZE)

        bureau = window.bureau
        window.tabs.setCurrentWidget(bureau)
        # Some victims already taken on by the bureau: one by Ann (signed in), some by Bob.
        rows = bureau.model.rows()
        assignment.assign_duties(ctx, [r.obligation_id for r in rows[1:3]], "PC1234")
        assignment.assign_duties(ctx, [r.obligation_id for r in rows[5:7]], "PC2001")
        bureau.page_size = 25  # a page of a bigger queue, so "Load more" and the totals show
        bureau.reload()
        _settle(window)
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        chosen = {"CR/1004/26", "CR/1001/26"}
        for row in range(bureau.proxy.rowCount()):
            duty = bureau.proxy.duty_at(row)
            if duty.crime_ref in chosen or (duty.assigned_to is None and duty.language == "Polish"):
                bureau.table.selectionModel().select(bureau.proxy.index(row, 0), flags)
        QApplication.processEvents()
        saved.append(_save(window, out_dir / "bureau_queue.png"))

        contact = bureau.log_contact_for_selection()
        assert contact is not None
        _settle(window)
        contact.outcome_informed.setChecked(True)
        item = contact.duty_item("V1004", "update:1")
        if item is not None:
            item.setCheckState(0, Qt.CheckState.Unchecked)
        contact.note.setPlainText(
            "Told them the suspect has been arrested and interviewed; a charging decision is awaited. "
            "Agreed the next update by phone after 6pm."
        )
        contact.adjustSize()
        QApplication.processEvents()
        saved.append(_save(contact, out_dir / "log_contact.png"))
        contact.reject()

        window.close()
        window.runner.wait_for_done()
        window.deleteLater()
        QApplication.processEvents()
        ctx.close()
    return saved


@pytest.mark.skipif(os.environ.get("VICMAN_SCREENSHOTS") != "1", reason="set VICMAN_SCREENSHOTS=1 to render")
def test_render_bureau_screens(qapp) -> None:
    saved = render_bureau_screens(REPO / "docs" / "screenshots")
    assert [p.name for p in saved] == ["bureau_queue.png", "log_contact.png"]
    assert all(p.stat().st_size > 10_000 for p in saved)

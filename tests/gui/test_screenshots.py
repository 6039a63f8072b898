"""Screenshots of each screen, for the docs and for eyeballing layout.

Run with ``VICMAN_SCREENSHOTS=1`` (skipped otherwise); PNGs go to ``docs/screenshots/``, 1280x800, offscreen.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from gui_support import ANN, BOB, CRIMES, NOW, write_extract
from PySide6.QtCore import QItemSelectionModel, QSettings
from PySide6.QtWidgets import QApplication

from vicman.gui.main_window import MainWindow
from vicman.gui.workers import Runner
from vicman.services import entries, importing
from vicman.services.context import Actor, open_context

pytestmark = pytest.mark.gui

REPO = Path(__file__).resolve().parents[2]
SIZE = (1280, 800)

FIRST = ["Aisha", "Ben", "Chloe", "Dariusz", "Emma", "Farid", "Grace", "Harry", "Ines", "Jack", "Kasia", "Liam"]
LAST = ["Ahmed", "Baker", "Clarke", "Davies", "Evans", "Fisher", "Green", "Hall", "Iqbal", "Jackson", "Kowalski"]
OFFENCES = [
    "Burglary dwelling",
    "Theft of a pedal cycle",
    "Criminal damage",
    "Common assault",
    "Fraud by false representation",
]
LANGUAGES = ["", "", "", "Polish", "Urdu", "Romanian", "Punjabi"]
METHODS = ["phone", "phone", "email", "sms", "letter", "visit"]
DAN = ("PC2210", "Dan Price", "dan.price@north.police.uk", "Neighbourhood")


def _more_crimes(count: int = 26) -> list[tuple]:
    rng = random.Random(2026)
    crimes = []
    for i in range(count):
        reported = NOW - timedelta(days=rng.randint(4, 45), hours=rng.randint(0, 8))
        officer = rng.choice([ANN, BOB, DAN, ANN])
        enhanced = rng.choice(["", "", "", "vulnerable", "intimidated"])
        crimes.append(
            (
                f"CR/{1100 + i}/26",
                reported.strftime("%Y-%m-%d %H:%M"),
                rng.choice(OFFENCES),
                "North",
                officer,
                f"V{1100 + i}",
                f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                f"{rng.randint(1940, 2008)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                f"07700 9{rng.randint(10000, 99999)}",
                enhanced,
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


def render_screens(out_dir: Path) -> list[Path]:
    """Save PNGs of My work, Bureau queue, Search and the Log contact dialog to `out_dir`."""
    app = QApplication.instance() or QApplication(["vicman-screenshots"])
    assert isinstance(app, QApplication)
    out_dir.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ctx = open_context(str(folder / "demo.sqlite3"), actor=Actor("PC2001", "screenshots"), clock=lambda: NOW)
        importing.import_crimes(ctx, write_extract(folder / "extract.csv", [*CRIMES, *_more_crimes()]))
        # Some history, so the "Last contact" column has something in it.
        for crime, victim, days in (
            ("CR/1004/26", "V1004", 20),
            ("CR/1103/26", "V1103", 3),
            ("CR/1110/26", "V1110", 9),
        ):
            at = NOW - timedelta(days=days, hours=2)
            entries.record_contact(ctx, crime, victim, at, "phone", "no_contact", note="No answer.")
        window = MainWindow(
            ctx, Runner(), QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat), "demo.sqlite3"
        )
        window.runner.setParent(window)
        window.resize(*SIZE)
        window.show()
        window.start()
        _wait_until(lambda: window.sign_in_dialog is not None)
        dialog = window.sign_in_dialog
        saved.append(_save(dialog, out_dir / "sign_in.png"))
        dialog.filter_edit.setText("PC1234")
        dialog.accept()
        _settle(window)
        window.resize(*SIZE)

        window.tabs.setCurrentWidget(window.my_work)
        window.my_work.table.selectRow(2)
        _settle(window)
        saved.append(_save(window, out_dir / "my_work.png"))

        window.tabs.setCurrentWidget(window.bureau)
        bureau = window.bureau
        bureau.select_choice(bureau.language, "Polish")
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for row in range(min(3, bureau.proxy.rowCount())):
            bureau.table.selectionModel().select(bureau.proxy.index(row, 0), flags)
        QApplication.processEvents()
        saved.append(_save(window, out_dir / "bureau_queue.png"))

        contact = bureau.log_contact_for_selection()
        assert contact is not None
        contact.outcome_informed.setChecked(True)
        contact.note.setPlainText(
            "Told them the suspect has been identified and will be interviewed next week. "
            "Agreed the next update by phone after 6pm."
        )
        contact.adjustSize()
        QApplication.processEvents()
        saved.append(_save(contact, out_dir / "log_contact.png"))
        contact.reject()

        window.tabs.setCurrentWidget(window.search)
        window.search.search_edit.setText("jon")
        window.search.search_now()
        _settle(window)
        saved.append(_save(window, out_dir / "search.png"))

        window.close()
        window.runner.wait_for_done()
        window.deleteLater()
        QApplication.processEvents()
        ctx.close()
    return saved


def _save(widget, path: Path) -> Path:
    QApplication.processEvents()
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path


@pytest.mark.skipif(os.environ.get("VICMAN_SCREENSHOTS") != "1", reason="set VICMAN_SCREENSHOTS=1 to render")
def test_render_screens(qapp) -> None:
    saved = render_screens(REPO / "docs" / "screenshots")
    assert [p.name for p in saved] == [
        "sign_in.png",
        "my_work.png",
        "bureau_queue.png",
        "log_contact.png",
        "search.png",
    ]
    assert all(p.stat().st_size > 10_000 for p in saved)


def test_screenshot_data_is_valid(tmp_path) -> None:
    """The extra rows the screenshots use import cleanly (so a screenshot run never fails on data)."""
    ctx = open_context(
        str(tmp_path / "s.sqlite3"), actor=Actor("t", "h"), clock=lambda: datetime(2026, 11, 26, tzinfo=UTC)
    )
    try:
        result = importing.import_crimes(ctx, write_extract(tmp_path / "x.csv", [*CRIMES, *_more_crimes()]))
        assert result.rows == len(CRIMES) + 26
    finally:
        ctx.close()

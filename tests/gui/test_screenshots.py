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
from vicman.gui.views.victim_record import TAB_CERTIFICATION, TAB_DUTIES, TAB_NEEDS, TAB_TIMELINE
from vicman.gui.workers import Runner
from vicman.services import casework, entries, importing
from vicman.services.context import Actor, ServiceContext, open_context

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


def _lena_history(ctx: ServiceContext, folder: Path) -> None:
    """A victim with a full record: assessed, a contract, referred, updated, an arrest, a correction, bail."""
    bob = next(c for c in CRIMES if c[0] == "CR/1004/26")[4]
    second = (
        "CR/1200/26",
        "2026-11-10 16:00",
        "Criminal damage",
        "North",
        bob,
        "V1004",
        "Lena Novak",
        "1990-07-08",
        "07700 900321",
        "intimidated",
        "no",
        "Polish",
        "phone",
    )
    importing.import_crimes(ctx, write_extract(folder / "second.csv", [second]))

    def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
        return datetime(2026, month, day, hour, minute, tzinfo=UTC)

    crime, lena = "CR/1004/26", "V1004"
    casework.record_needs_assessment(
        ctx,
        crime,
        lena,
        fear_or_distress=True,
        at=at(10, 2, 10),
        needs="Speaks Polish; an interpreter for visits. Prefers a female officer.",
    )
    casework.agree_contract(
        ctx,
        crime,
        lena,
        every_days=14,
        method="phone",
        safe_times="Weekdays after 6pm",
        may_leave_messages=False,
        vps_offered=True,
        vps_answer="undecided",
        notes="If no answer, text to arrange a call.",
        at=at(10, 2, 10, 30),
    )
    entries.record_referral(ctx, crime, lena, at(10, 2, 11), note="Passed on with her agreement.")
    entries.record_contact(
        ctx,
        crime,
        lena,
        at(10, 14, 18, 30),
        "phone",
        "informed",
        note="Update: CCTV collected from the shop; the suspect not yet identified.",
    )
    entries.record_event(ctx, crime, "arrest", at(11, 19, 14), note="Arrested at home address.")
    officer = ctx.actor
    ctx.actor = Actor("BUR0042", "bureau-desk-3")  # the re-contact bureau, for the officer in the case
    entries.record_contact(
        ctx,
        crime,
        lena,
        at(11, 20, 18, 15),
        "phone",
        "informed",
        on_behalf_of="PC2001",
        note="Told Lena the suspect was arrested yesterday and is in custody.",
    )
    ctx.actor = officer
    wrong = entries.record_contact(
        ctx, crime, lena, at(11, 23, 19), "phone", "informed", note="Told her about the bail conditions."
    )
    entries.correct_entry(
        ctx,
        "contact",
        wrong.id,
        "The call went to voicemail; nothing was said.",
        outcome="no_contact",
        note="No answer; no message left (not safe to).",
    )
    entries.record_event(ctx, crime, "bail", at(11, 24, 16), note="Bail: not to contact the victim.")


def _record_screens(window: MainWindow, out_dir: Path) -> list[Path]:
    """The victim record (each tab), its dialogs, and the minimum standards panel."""
    saved: list[Path] = []
    view = window.open_record("V1004", "CR/1004/26")
    _settle(window)
    assert view.record is not None, "the record did not open"
    bail_key = next(d.key for d in view.case.duties if d.rule == "inform_bail")
    view.duties.select_key(bail_key)
    contacts = [e for e in view.timeline.model.rows() if e.kind == "contact"]
    corrected = next(e for e in contacts if e.corrected_by_id is not None)
    informed = next(e for e in contacts if e.corrected_by_id is None and e.corrects_id is None)
    for index, name in (
        (TAB_DUTIES, "record_duties"),
        (TAB_TIMELINE, "record_timeline"),
        (TAB_NEEDS, "record_needs_contract"),
        (TAB_CERTIFICATION, "record_certification"),
    ):
        view.tabs.setCurrentIndex(index)
        if index == TAB_TIMELINE:
            view.timeline.select_entry("contact", corrected.id)
        saved.append(_save(window, out_dir / f"{name}.png"))

    def dialog_shot(dialog, name: str, prepare: Callable[[], None] | None = None) -> None:
        assert dialog is not None
        if prepare:
            prepare()
        dialog.adjustSize()
        saved.append(_save(dialog, out_dir / f"{name}.png"))
        dialog.reject()
        QApplication.processEvents()

    view.tabs.setCurrentIndex(TAB_DUTIES)
    event = view.record_event()
    dialog_shot(event, "record_event", lambda: event.choose("charge"))
    view.select_crime("CR/1200/26")
    refer = view.refer()
    dialog_shot(refer, "refer", lambda: refer.note.setPlainText("Lena agreed on the phone to be referred."))
    view.select_crime("CR/1004/26")
    waive = view.waive(bail_key)
    dialog_shot(
        waive,
        "waive",
        lambda: waive.reason.setPlainText(
            "Lena was told about the bail conditions in person by the custody sergeant on 24/11; "
            "she asked not to be called again about it."
        ),
    )
    view.tabs.setCurrentIndex(TAB_TIMELINE)
    view.timeline.select_entry("contact", informed.id)
    correct = view.correct_entry()

    def prepare_correction() -> None:
        correct.choose(correct.outcome, "no_contact")
        correct.reason.setPlainText("Logged against the wrong date: the call was the day before.")

    dialog_shot(correct, "correct_entry", prepare_correction)
    details = view.edit_details()
    dialog_shot(details, "edit_details", lambda: details.safe_times.setText("Weekdays after 6pm; never at work"))
    dialog_shot(view.needs_assessment(), "needs_assessment")
    dialog_shot(view.agree_contract(), "contract")

    window.tabs.setCurrentWidget(window.standards)
    _settle(window)
    saved.append(_save(window, out_dir / "minimum_standards.png"))

    # A duty becomes overdue between two refreshes: the notice on My work and in the status bar.
    window.tabs.setCurrentWidget(window.my_work)
    ctx = window.ctx
    entries.record_event(ctx, "CR/1003/26", "arrest", NOW - timedelta(days=9), note="Arrested on a warrant.")
    window.refresh_overdue()
    _settle(window)
    saved.append(_save(window, out_dir / "overdue_notice.png"))
    return saved


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
        _lena_history(ctx, folder)
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
        _settle(window)  # the queue's filters are applied by the database
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

        saved.extend(_record_screens(window, out_dir))

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
        "record_duties.png",
        "record_timeline.png",
        "record_needs_contract.png",
        "record_certification.png",
        "record_event.png",
        "refer.png",
        "waive.png",
        "correct_entry.png",
        "edit_details.png",
        "needs_assessment.png",
        "contract.png",
        "minimum_standards.png",
        "overdue_notice.png",
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

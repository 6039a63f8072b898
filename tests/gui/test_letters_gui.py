"""Letters from the screens (issue 5, item 6): the letter dialog on a victim's record and the bureau's
letters for several victims in one PDF. Saving the PDF records each letter; the PDF's text is read back."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from gui_support import NOW, PASSWORD
from PySide6.QtWidgets import QWidget
from record_support import open_record
from sqlalchemy import select
from test_bureau_queue import select_where
from test_main_window import describe, needs_name

from vicman.gui.dialogs.letter_preview import PREVIEW_PLACEHOLDER, LetterPreviewDialog
from vicman.gui.pdf import pdf_page_texts, pdf_text
from vicman.store.tables import AuditRow, ContactEntryRow

pytestmark = pytest.mark.gui


def wait_loaded(qtbot, dialog: LetterPreviewDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.loading, timeout=10_000)


def letter_contacts(ctx) -> list[tuple[str, str, str]]:
    with ctx.db.read() as session:
        rows = session.execute(
            select(ContactEntryRow.method, ContactEntryRow.outcome, ContactEntryRow.note).order_by(ContactEntryRow.id)
        ).all()
    return [tuple(r) for r in rows]


def disclosures(ctx) -> list[tuple[str, dict]]:
    with ctx.db.read() as session:
        rows = session.execute(
            select(AuditRow.recipients, AuditRow.detail).where(AuditRow.action == "disclose").order_by(AuditRow.seq)
        ).all()
    return [(to, json.loads(detail)) for to, detail in rows]


def preview_text(dialog: LetterPreviewDialog) -> str:
    return " ".join(dialog.preview.document().toPlainText().split())


def test_a_letter_from_the_record_is_previewed_saved_as_pdf_and_recorded(qtbot, window, tmp_path) -> None:
    view = open_record(qtbot, window, "V1001", "CR/1001/26")
    assert view.buttons["letter"].isEnabled()
    assert window.record_actions["letter"].shortcut().toString() == "Ctrl+P"
    dialog = view.write_letter()
    assert isinstance(dialog, LetterPreviewDialog) and view.dialog is dialog
    wait_loaded(qtbot, dialog)
    assert dialog.template_id() == "acknowledgement" and not dialog.victim_combo.isVisibleTo(dialog)
    text = preview_text(dialog)
    assert "Dear Mary Jones," in text and "CR/1001/26" in text and "Ann Smith" in text
    assert "Victim Personal Statement" in text and not dialog.officer_text.isEnabled()
    unnamed = [describe(w) for w in dialog.findChildren(QWidget) if needs_name(w) and not w.accessibleName()]
    assert not unnamed, f"controls without an accessible name: {unnamed}"
    for widget in (dialog.template_combo, dialog.language_combo, dialog.officer_text, dialog.preview,
                   dialog.save_button, dialog.print_button, dialog.close_button):  # fmt: skip
        assert widget.objectName() and widget.accessibleName()

    # The outcome letter needs the officer's words: shown as a placeholder, refused until written.
    dialog.set_template("outcome")
    assert dialog.officer_text.isEnabled() and PREVIEW_PLACEHOLDER in preview_text(dialog)
    assert not dialog.save_pdf(tmp_path / "early.pdf")
    assert "needs your words" in dialog.error.text() and not (tmp_path / "early.pdf").exists()
    qtbot.keyClicks(dialog.officer_text, "A man was charged with the burglary on 24 November <and remanded>.")
    dialog.set_language("cy")
    assert "Annwyl Mary Jones," in preview_text(dialog)
    assert "<and remanded>" in preview_text(dialog)  # escaped, so shown as written

    path = tmp_path / "letter.pdf"
    with qtbot.waitSignal(view.record_loaded, timeout=10_000):
        assert dialog.save_pdf(path)
    text = " ".join(pdf_text(path).split())
    assert "Annwyl Mary Jones," in text and "Canlyniad yr ymchwiliad" in text
    assert "CR/1001/26" in text and "Ann Smith" in text and "<and remanded>" in text
    assert letter_contacts(window.ctx) == [
        ("letter", "informed", "Letter: Outcome of the investigation (Cymraeg, template outcome.cy)")
    ]
    ((to, detail),) = disclosures(window.ctx)
    assert to == "Mary Jones (no postal address recorded)"
    assert (detail["letter"], detail["language"], detail["person"]) == ("outcome", "cy", "V1001")
    assert window.statusBar().currentMessage() == "Letter recorded (contact entry: letter)."
    assert view.dialog is None


def test_the_bureau_makes_one_pdf_with_a_letter_for_each_selected_victim(qtbot, window, tmp_path) -> None:
    bureau = window.bureau
    window.tabs.setCurrentWidget(bureau)
    assert not bureau.letters_button.isEnabled()  # nothing selected
    assert select_where(bureau, lambda d: d.crime_ref in ("CR/1004/26", "CR/1005/26")) == 3  # two victims
    assert bureau.letters_button.isEnabled() and bureau.letters_button.accessibleName()
    dialog = bureau.letters_for_selection()
    assert dialog is not None and dialog.windowTitle() == "Letters to 2 victims"
    wait_loaded(qtbot, dialog)
    assert dialog.victim_combo.isVisibleTo(dialog) and dialog.victim_combo.count() == 2
    dialog.set_template("tried_to_reach_you")
    assert "Dear Lena Novak," in preview_text(dialog)
    dialog.victim_combo.setCurrentIndex(1)
    assert "Dear John Smith," in preview_text(dialog) and "We have tried to contact you" in preview_text(dialog)
    assert dialog.suggested_file_name() == "letters-tried_to_reach_you-2026-11-26.pdf"

    path = tmp_path / "bureau"  # ".pdf" is added
    with qtbot.waitSignal(bureau.rows_loaded, timeout=10_000):
        assert dialog.save_pdf(path)
    pages = pdf_page_texts(tmp_path / "bureau.pdf")
    assert [i for i, p in enumerate(pages) if "Dear Lena Novak," in p] == [0]
    assert [i for i, p in enumerate(pages) if "Dear John Smith," in p] == [1]
    assert len(pages) == 2 and all("Bob Evans" in p for p in pages)
    assert [c[:2] for c in letter_contacts(window.ctx)] == [("letter", "no_contact")] * 2
    assert [d["person"] for _to, d in disclosures(window.ctx)] == ["V1004", "V1005"]
    assert bureau.notice.text() == "Recorded 2 letters (contact entries: letter)."


def test_a_stale_password_keeps_no_pdf_until_it_is_given_again(qtbot, window, tmp_path) -> None:
    bureau = window.bureau
    window.tabs.setCurrentWidget(bureau)
    select_where(bureau, lambda d: d.crime_ref in ("CR/1004/26", "CR/1005/26"))
    dialog = bureau.letters_for_selection()
    assert dialog is not None
    wait_loaded(qtbot, dialog)
    window.ctx.authenticated_at = NOW - timedelta(hours=1)
    path = tmp_path / "letters.pdf"
    assert dialog.save_pdf(path)
    qtbot.waitUntil(lambda: dialog.reauth_dialog is not None, timeout=10_000)
    assert not path.exists() and letter_contacts(window.ctx) == []  # written, refused, deleted
    reauth = dialog.reauth_dialog
    reauth.password.setText(PASSWORD)
    with qtbot.waitSignal(bureau.rows_loaded, timeout=10_000):
        reauth.save_button.click()
    assert path.exists() and len(pdf_page_texts(path)) == 2
    assert len(letter_contacts(window.ctx)) == 2

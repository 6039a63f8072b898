"""Letters to one or more victims: choose the letter and language, add the officer's words, see the
letter as it will print, then save it as a PDF or print it. Either way the letters are recorded.

The letters' data is read on the runner; the letters are filled and laid out here, on the GUI thread
(QTextDocument is not thread-safe); recording goes through the runner's write pool. A PDF is written
first and recorded after (if recording fails, the PDF is deleted, so no unrecorded letter is left on
disk); printing is recorded first and printed after (a letter is never on paper without its record).

Signals:
    saved(object): the letters were recorded; the argument is the list of `Recorded` (GUI thread).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
)

from vicman.gui import pdf
from vicman.gui.dialogs.common import (
    ERROR_STYLE,
    NOTICE_STYLE,
    WARNING_STYLE,
    buddy,
    describe,
    make_form,
    message_label,
)
from vicman.gui.dialogs.reauthenticate import ReauthenticateDialog
from vicman.gui.workers import Runner
from vicman.services import letters
from vicman.services.auth import ReauthenticationRequired
from vicman.services.context import ServiceContext
from vicman.services.letters import LetterData, LetterItem, MissingLetterField

AUTOMATIC = "auto"
LANGUAGE_CHOICES = (
    ("As recorded for the victim", AUTOMATIC),
    ("English", "en"),
    ("Cymraeg (Welsh)", "cy"),
)
OFFICER_TEXT_HINTS = {
    "required": "Write what the victim needs to know, in plain words. It goes into the letter as you type it.",
    "optional": "Optional: anything to add (for example when and how you tried to reach them).",
    "none": "This letter has no part for the officer to write.",
}
PREVIEW_PLACEHOLDER = "[Your words will appear here.]"
PREVIEW_WIDTH = 640
"""Width of the letter's text in the preview, in pixels (the letterhead is drawn at exactly this width)."""


@dataclass(frozen=True)
class LetterTarget:
    """A victim in a crime to write to."""

    crime_ref: str
    person_ref: str
    name: str


class LetterPreviewDialog(QDialog):
    """Letters to `targets`: one letter each, in one PDF or one print run."""

    saved = Signal(object)

    def __init__(
        self,
        ctx: ServiceContext,
        runner: Runner,
        targets: list[LetterTarget],
        parent=None,
        template: str = "acknowledgement",
    ) -> None:
        super().__init__(parent)
        if not targets:
            raise ValueError("a letter needs at least one victim")
        self._ctx = ctx
        self._runner = runner
        self._targets = list(targets)
        self._loaded: list[LetterData] = []
        self._busy = False
        self.loading = True
        self.last_path: Path | None = None
        self.reauth_dialog: ReauthenticateDialog | None = None
        self._templates = {t.id: t for t in letters.templates()}
        many = len(targets) > 1
        title = f"Letters to {len(targets)} victims" if many else f"Letter to {targets[0].name}"
        self.setObjectName("letterPreviewDialog")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumSize(760, 640)  # the preview shows a readable part of an A4 page
        self.resize(820, 860)

        self.template_combo = QComboBox()
        self.template_combo.setObjectName("templateCombo")
        self.template_combo.setAccessibleName("Letter")
        for template in self._templates.values():
            self.template_combo.addItem(template.title, template.id)
        self.template_combo.setCurrentIndex(max(0, self.template_combo.findData(template)))
        self.language_combo = QComboBox()
        self.language_combo.setObjectName("languageCombo")
        self.language_combo.setAccessibleName("Language of the letter")
        self.language_combo.setToolTip("Welsh (Cymraeg) for a victim whose language is recorded as Welsh")
        for text, code in LANGUAGE_CHOICES:
            self.language_combo.addItem(text, code)
        self.officer_text = QPlainTextEdit()
        self.officer_text.setObjectName("officerTextEdit")
        self.officer_text.setAccessibleName("Officer's words in the letter")
        self.officer_text.setTabChangesFocus(True)
        self.officer_text.setMaximumHeight(110)
        self.victim_combo = QComboBox()
        self.victim_combo.setObjectName("previewVictimCombo")
        self.victim_combo.setAccessibleName("Letter to show")
        for target in targets:
            self.victim_combo.addItem(f"{target.name} ({target.crime_ref})", target.person_ref)
        self.preview = QTextBrowser()
        self.preview.setObjectName("previewBrowser")
        self.preview.setAccessibleName("Letter preview")
        self.preview.setOpenLinks(False)
        ratio = max(1.0, self.devicePixelRatioF())
        pdf.prepare_document(self.preview.document(), letters.letterhead_path(), round(PREVIEW_WIDTH * ratio))
        self.preview.document().setDocumentMargin(24)
        self.notice = message_label("letterNotice", WARNING_STYLE, accessible="Letters that will not be made")
        self.error = message_label("errorLabel", ERROR_STYLE, accessible="Problem")
        self.done_label = message_label("doneLabel", NOTICE_STYLE, accessible="Result")

        self.save_button = self._button("Save &PDF…", "savePdfButton", "Save the letters as a PDF")
        self.save_button.setToolTip("Write the letters to a PDF file and record them (contact entry: letter)")
        self.save_button.clicked.connect(self._on_save_clicked)
        self.print_button = self._button("P&rint…", "printButton", "Print the letters")
        self.print_button.setToolTip("Print the letters and record them (contact entry: letter)")
        self.print_button.clicked.connect(self._on_print_clicked)
        self.close_button = self._button("Close", "closeButton", "Close without making letters")
        self.close_button.clicked.connect(self.reject)

        form = self.form = make_form()
        form.addRow(buddy("&Letter:", self.template_combo), self.template_combo)
        form.addRow(buddy("Lan&guage:", self.language_combo), self.language_combo)
        form.addRow(buddy("&Your words:", self.officer_text), self.officer_text)
        if many:
            form.addRow(buddy("&Show:", self.victim_combo), self.victim_combo)
        else:
            self.victim_combo.hide()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.notice)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.done_label)
        layout.addLayout(buttons)

        self.template_combo.currentIndexChanged.connect(lambda _i: self._on_choice_changed())
        self.language_combo.currentIndexChanged.connect(lambda _i: self._on_choice_changed())
        self.officer_text.textChanged.connect(self._on_choice_changed)
        self.victim_combo.currentIndexChanged.connect(lambda _i: self._show_preview())
        self._show_officer_hint()
        self._set_busy(True)
        self.preview.setPlainText("Preparing the letter…")
        pairs = [(t.crime_ref, t.person_ref) for t in targets]
        self._runner.read(letters.letters_data, ctx, pairs, self.template_id()).on_success(self._on_loaded).on_failure(
            self._on_load_failed
        )

    def _button(self, text: str, name: str, accessible: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        return button

    # --- choices ------------------------------------------------------------------------------

    def template_id(self) -> str:
        return str(self.template_combo.currentData())

    def language_choice(self) -> str:
        return str(self.language_combo.currentData())

    def set_template(self, template_id: str) -> None:
        self.template_combo.setCurrentIndex(self.template_combo.findData(template_id))

    def set_language(self, code: str) -> None:
        self.language_combo.setCurrentIndex(self.language_combo.findData(code))

    def letters(self) -> list[LetterData]:
        """Every victim's letter as chosen on screen (those that must not be sent included)."""
        chosen = []
        extra = {"officer_text": self.officer_text.toPlainText()}
        for data in self._loaded:
            language = self.language_choice()
            if language == AUTOMATIC:
                language = letters.language_for(data.recorded_language)
            chosen.append(data.choose(template=self.template_id(), language=language, extra=extra))
        return chosen

    def sendable(self) -> list[LetterData]:
        return [d for d in self.letters() if d.warning is None]

    def _on_choice_changed(self) -> None:
        self.error.hide()
        self.done_label.hide()
        self._show_officer_hint()
        self._show_preview()

    def _show_officer_hint(self) -> None:
        template = self._templates[self.template_id()]
        wanted = template.officer_text != "none"
        self.officer_text.setEnabled(wanted and not self._busy)
        self.officer_text.setPlaceholderText(OFFICER_TEXT_HINTS[template.officer_text])
        self.officer_text.setToolTip(OFFICER_TEXT_HINTS[template.officer_text])
        if hasattr(self, "form"):
            self.form.setRowVisible(self.officer_text, wanted)

    # --- loading and preview ------------------------------------------------------------------

    def _on_loaded(self, loaded: list[LetterData]) -> None:
        if not shiboken6.isValid(self.preview):
            return
        self.loading = False
        self._loaded = list(loaded)
        self._set_busy(False)
        held = [d for d in self._loaded if d.warning]
        if held:
            lines = [f"{d.victim_name} ({d.crime_ref}): {d.warning}" for d in held]
            head = (
                "No letter will be made for this victim:"
                if len(self._loaded) == 1
                else f"{len(held)} of {len(self._loaded)} letters will not be made:"
            )
            self.notice.setText("\n".join([head, *lines]))
            self.notice.show()
        self._show_preview()

    def _on_load_failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self.preview):
            return
        self.loading = False
        self._busy = False
        self.preview.setPlainText("")
        self.show_error(f"The letter could not be prepared. {describe(exc)}")
        self.close_button.setEnabled(True)

    def current_letter(self) -> LetterData | None:
        chosen = self.letters()
        if not chosen:
            return None
        index = max(0, self.victim_combo.currentIndex())
        return chosen[min(index, len(chosen) - 1)]

    def preview_html(self) -> str:
        """The letter on show, as HTML (the officer's words shown as a placeholder until written)."""
        data = self.current_letter()
        if data is None:
            return ""
        try:
            body = data.html()
        except MissingLetterField as missing:
            if missing.field != "officer_text":
                raise
            body = data.choose(extra={"officer_text": PREVIEW_PLACEHOLDER}).html()
        return pdf.compose_html([body], text_width=PREVIEW_WIDTH)

    def _show_preview(self) -> None:
        if self.loading or not self._loaded:
            return
        try:
            html = self.preview_html()
        except MissingLetterField as missing:
            self.preview.setPlainText("")
            self.show_error(_sentence(str(missing)))
            return
        scroll = self.preview.verticalScrollBar().value()
        self.preview.document().setHtml(html)
        self.preview.verticalScrollBar().setValue(scroll)

    # --- saving and printing ------------------------------------------------------------------

    def problem(self) -> str | None:
        """Why the letters cannot be made now, in plain words; None when they can."""
        if self.loading:
            return "The letters are still being prepared."
        if self._busy:
            return "The letters are being recorded."
        ready = self.sendable()
        if not ready:
            return "There is no letter that can be sent: see the note above."
        try:
            for data in ready:
                data.html()
        except MissingLetterField as missing:
            if missing.field == "officer_text":
                return f"The {data.title.lower()} letter needs your words: write them in the box above."
            return _sentence(str(missing))
        return None

    def save_pdf(self, path: Path | str) -> bool:
        """Write the letters to `path`, then record them (the PDF is deleted if recording fails).
        False (with the reason shown) if nothing was started."""
        problem = self.problem()
        if problem:
            self.show_error(problem)
            return False
        ready = self.sendable()
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        try:
            pdf.render_pdf([d.html() for d in ready], target, letters.letterhead_path(), title=self.windowTitle())
        except pdf.PdfError as exc:
            self.show_error(_sentence(str(exc)))
            return False
        self.last_path = target
        self._record(ready, lambda recorded: self._on_pdf_recorded(target, recorded), pdf_path=target)
        return True

    def _on_save_clicked(self) -> None:
        if self.problem():
            self.show_error(self.problem() or "")
            return
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save the letters as a PDF", str(Path.home() / self.suggested_file_name()), "PDF files (*.pdf)"
        )
        if path:
            self.save_pdf(path)

    def suggested_file_name(self) -> str:
        ready = self.sendable()
        if len(ready) == 1:
            stem = f"letter-{ready[0].crime_ref}-{ready[0].person_ref}-{self.template_id()}"
        else:
            stem = f"letters-{self.template_id()}-{self._ctx.today().isoformat()}"
        return re.sub(r"[^A-Za-z0-9._-]+", "-", stem) + ".pdf"

    def _on_print_clicked(self) -> None:
        problem = self.problem()
        if problem:
            self.show_error(problem)
            return
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setObjectName("printDialog")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        ready = self.sendable()
        self._record(ready, lambda recorded: self._on_print_recorded(printer, ready, recorded))

    def _record(self, ready: list[LetterData], done, pdf_path: Path | None = None) -> None:
        items = [LetterItem(d.crime_ref, d.person_ref, d.template, d.language) for d in ready]
        self._set_busy(True)
        self.error.hide()
        self._runner.write(letters.record_letters, self._ctx, items, self._ctx.now()).on_success(done).on_failure(
            lambda exc: self._on_record_failed(exc, ready, done, pdf_path)
        )

    def _on_pdf_recorded(self, path: Path, recorded: list) -> None:
        if not shiboken6.isValid(self.preview):
            return
        self._set_busy(False)
        self._finish(recorded, f"Saved {path.name} and recorded {_letters(len(recorded))}.")

    def _on_print_recorded(self, printer: Any, ready: list[LetterData], recorded: list) -> None:
        if not shiboken6.isValid(self.preview):
            return
        self._set_busy(False)
        pdf.print_letters([d.html() for d in ready], printer, letters.letterhead_path())
        self._finish(recorded, f"Printed and recorded {_letters(len(recorded))}.")

    def _finish(self, recorded: list, text: str) -> None:
        self.done_label.setText(text)
        self.done_label.show()
        self.saved.emit(recorded)
        self.accept()

    def _on_record_failed(self, exc: BaseException, ready: list[LetterData], done, pdf_path: Path | None) -> None:
        if pdf_path is not None:
            pdf_path.unlink(missing_ok=True)  # no letter on disk without its record
        if not shiboken6.isValid(self.preview):
            return
        self._set_busy(False)
        if isinstance(exc, ReauthenticationRequired):
            dialog = ReauthenticateDialog(self._ctx, self._runner, "Making letters for several victims", self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            if pdf_path is not None:
                dialog.saved.connect(lambda _r: self.save_pdf(pdf_path))
            else:
                dialog.saved.connect(lambda _r: self._record(ready, done))
            dialog.rejected.connect(lambda: self.show_error("Nothing was made: the password was not given again."))
            self.reauth_dialog = dialog
            dialog.open()
            return
        kept = " The PDF was not kept." if pdf_path is not None else ""
        self.show_error(f"The letters were not recorded.{kept} {describe(exc)}")

    # --- state --------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._busy

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.template_combo, self.language_combo, self.victim_combo, self.save_button):
            widget.setEnabled(not busy)
        self.print_button.setEnabled(not busy)
        self.close_button.setEnabled(not busy or self.loading)
        self._show_officer_hint()

    def reject(self) -> None:
        if self._busy and not self.loading:
            return  # the letters are being recorded; closing now would hide whether it worked
        super().reject()


def _letters(n: int) -> str:
    return "1 letter" if n == 1 else f"{n} letters"


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."

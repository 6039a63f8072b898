"""A victim's record: the header and the Duties, Timeline, Needs and contract, and Certification tabs,
with every action on the record (each a service call, after which the record is read again).

One crime is shown at a time; a person who is a victim in several crimes gets a crime selector.
Opening (and re-reading) the record is logged as a consultation by the service.

Signals:
    record_loaded(): the record on screen is the latest read.
    load_failed(str): reading the record failed; the argument says why in plain words.
    record_changed(object): an action wrote something (its result: `Recorded`, a version number, or a
        list of `Recorded` for contacts); other screens may need to refresh.
    status_message(str): a short message for the status bar ("Event recorded.").
    close_requested(): the user chose not to give a reason to open the record; close its tab.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vicman.domain.enums import Status
from vicman.gui.dialogs.common import describe
from vicman.gui.dialogs.contract import ContractDialog
from vicman.gui.dialogs.correct_entry import CorrectEntryDialog
from vicman.gui.dialogs.edit_details import EditDetailsDialog
from vicman.gui.dialogs.letter_preview import LetterPreviewDialog, LetterTarget
from vicman.gui.dialogs.log_contact import ContactTarget, LogContactDialog
from vicman.gui.dialogs.needs_assessment import NeedsAssessmentDialog
from vicman.gui.dialogs.record_event import RecordEventDialog
from vicman.gui.dialogs.refer import ReferDialog
from vicman.gui.dialogs.waive import WaiveDialog
from vicman.gui.models.duty_table_model import Day
from vicman.gui.views.certification_pane import CertificationPane
from vicman.gui.views.duties_pane import DutiesPane
from vicman.gui.views.needs_contract_pane import NeedsContractPane
from vicman.gui.views.reason_panel import ReasonPanel
from vicman.gui.views.record_header import RecordHeader
from vicman.gui.views.survey_pane import SurveyPane
from vicman.gui.views.timeline_pane import TimelinePane
from vicman.gui.workers import Runner
from vicman.services import casework, records
from vicman.services.audit import Reason
from vicman.services.context import ServiceContext
from vicman.services.permissions import ReasonRequired
from vicman.services.record_views import CaseView, VictimRecord


@dataclass(frozen=True)
class RecordAction:
    """An action on the record, for the menu, the buttons and the keyboard alike."""

    name: str
    text: str
    shortcut: str
    method: str
    tip: str


ACTIONS = (
    RecordAction("logContact", "&Log contact…", "Ctrl+L", "log_contact", "Log a contact or attempt with this victim"),
    RecordAction(
        "recordEvent",
        "Record &event…",
        "Ctrl+E",
        "record_event",
        "Record an investigation event: arrest, interview, bail, charge, case closed…",
    ),
    RecordAction("refer", "&Refer to support…", "Ctrl+R", "refer", "Refer the victim to support services"),
    RecordAction("waive", "&Waive a duty…", "Ctrl+Shift+W", "waive", "Waive a pending duty, with a reason"),
    RecordAction(
        "correctEntry",
        "&Correct entry…",
        "Ctrl+Shift+E",
        "correct_entry",
        "Correct or retract the entry selected on the Timeline",
    ),
    RecordAction("editDetails", "Edit &details…", "Ctrl+D", "edit_details", "Edit the victim's own details"),
    RecordAction(
        "needsAssessment",
        "&Needs assessment…",
        "Ctrl+Shift+N",
        "needs_assessment",
        "Ask the questions that identify a vulnerable or intimidated victim",
    ),
    RecordAction(
        "contract",
        "Contact c&ontract…",
        "Ctrl+Shift+K",
        "agree_contract",
        "Agree how often and how the victim is updated, and offer the VPS",
    ),
    RecordAction(
        "certify", "Cer&tify duties done", "Ctrl+Shift+C", "certify", "Certify that every Code duty is met or waived"
    ),
    RecordAction(
        "letter",
        "Letter to the &victim…",
        "Ctrl+P",
        "write_letter",
        "Make a letter to the victim (acknowledgement, update, outcome, tried to reach you), in English or Welsh",
    ),
)
TOOLBAR = ("logContact", "recordEvent", "refer", "waive", "correctEntry", "editDetails", "letter")

TAB_DUTIES, TAB_TIMELINE, TAB_NEEDS, TAB_CERTIFICATION = range(4)

DONE_MESSAGES = {
    "contact": "Contact logged.",
    "event": "Event recorded.",
    "referral": "Referral recorded.",
    "waiver": "Duty waived.",
    "assessment": "Needs assessment recorded.",
    "contract": "Contact contract saved.",
    "certification": "Certified: every duty is met or waived.",
}


class VictimRecordView(QWidget):
    record_loaded = Signal()
    load_failed = Signal(str)
    record_changed = Signal(object)
    status_message = Signal(str)
    close_requested = Signal()

    def __init__(
        self,
        ctx: ServiceContext,
        runner: Runner,
        person_ref: str,
        crime_ref: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("victimRecordView")
        self.setAccessibleName(f"Victim record {person_ref}")
        self._ctx = ctx
        self._runner = runner
        self._generation = 0
        self.person_ref = person_ref
        self.crime_ref = crime_ref
        self.record: VictimRecord | None = None
        self.reason: Reason | None = None
        """Why the user opened a record outside their own cases (asked once, logged with the consultation)."""
        self.loading = False
        self._discarded = False
        self.dialog: QDialog | None = None

        self.header = RecordHeader()
        self.header.crime_chosen.connect(self.select_crime)
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        for action in ACTIONS:
            if action.name not in TOOLBAR:
                continue
            button = QPushButton(action.text.replace("&", ""))
            button.setObjectName(f"{action.name}Button")
            button.setAccessibleName(action.text.replace("&", "").rstrip("…"))
            button.setToolTip(f"{action.tip} ({action.shortcut})")
            button.clicked.connect(lambda _=False, m=action.method: getattr(self, m)())
            self.buttons[action.name] = button
            bar.addWidget(button)
        bar.addStretch(1)

        self.duties = DutiesPane(self._day())
        self.duties.waive_requested.connect(lambda key: self.waive(key))
        self.duties.log_requested.connect(self.log_contact)
        self.timeline = TimelinePane()
        self.timeline.correct_requested.connect(lambda entry: self.correct_entry(entry))
        self.needs = NeedsContractPane()
        self.needs.assessment_requested.connect(self.needs_assessment)
        self.needs.contract_requested.connect(self.agree_contract)
        self.certification = CertificationPane()
        self.certification.certify_requested.connect(self._on_certify_requested)
        self.surveys = SurveyPane(ctx, runner)
        self.surveys.status_message.connect(self.status_message)
        self.surveys.survey_saved.connect(self.record_changed)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("recordTabs")
        self.tabs.setAccessibleName("Parts of the record")
        self.tabs.addTab(self.duties, "&Duties")
        self.tabs.addTab(self.timeline, "&Timeline")
        self.tabs.addTab(self.needs, "Needs and &contract")
        self.tabs.addTab(self.certification, "Certificat&ion")
        self.tabs.addTab(self.surveys, "Sur&veys")

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.header)
        body.addLayout(bar)
        body.addWidget(self.tabs, 1)
        self.message = QLabel("Opening the record…")
        self.message.setObjectName("recordMessage")
        self.message.setAccessibleName("Record status")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setMargin(24)
        self.reason_panel = ReasonPanel(person_ref)
        self.reason_panel.chosen.connect(self._on_reason_given)
        self.reason_panel.cancelled.connect(self.close_requested)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.body)
        self.stack.addWidget(self.reason_panel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)

    # --- state --------------------------------------------------------------------------------

    def _day(self) -> Day:
        today = self._ctx.today()
        return Day(today, self._ctx.calendar.next_working_day(today))

    @property
    def case(self) -> CaseView | None:
        if self.record is None:
            return None
        return next((c for c in self.record.cases if c.crime_ref == self.crime_ref), None)

    @property
    def title(self) -> str:
        if self.record is None:
            return self.person_ref
        return f"{self.record.name} ({self.person_ref})"

    def crime_refs(self) -> set[str]:
        return {c.crime_ref for c in self.record.cases} if self.record else set()

    def discard(self) -> None:
        """The view is being closed: results still on their way are dropped."""
        self._discarded = True
        self._generation += 1

    # --- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the record again (off the GUI thread) and show it; keeps the crime, tab and selections."""
        if self._discarded:
            return
        self._generation += 1
        generation = self._generation
        self.loading = True
        # The first read is the viewing the audit trail records; re-reads after an action are not.
        consult = self.record is None
        self._runner.write(
            records.open_victim_record, self._ctx, self.person_ref, consult=consult, reason=self.reason
        ).on_success(
            lambda record, g=generation: self._on_record_read(g, record)
        ).on_failure(lambda exc, g=generation: self._on_read_failed(g, exc))

    def _on_record_read(self, generation: int, record: VictimRecord) -> None:
        if generation != self._generation:
            return
        self.loading = False
        self.record = record
        if self.case is None:
            self.crime_ref = record.cases[0].crime_ref if record.cases else None
        self.setAccessibleName(f"Victim record of {record.name}")
        self._show()
        self.stack.setCurrentWidget(self.body)
        self.record_loaded.emit()

    def _on_read_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.loading = False
        if isinstance(exc, ReasonRequired) and self.record is None:
            self.stack.setCurrentWidget(self.reason_panel)
            self.reason_panel.focus()
            self.status_message.emit("Say why you are opening this record.")
            return
        text = describe(exc)
        if self.record is None:
            self.message.setText(f"The record could not be opened.\n\n{text}\n\nPress F5 to try again.")
            self.stack.setCurrentWidget(self.message)
        self.status_message.emit(f"The record could not be read: {text}")
        self.load_failed.emit(text)

    def _on_reason_given(self, reason: Reason) -> None:
        self.reason = reason
        self.message.setText("Opening the record…")
        self.stack.setCurrentWidget(self.message)
        self.reload()

    def select_crime(self, crime_ref: str) -> None:
        if self.record is None or crime_ref not in self.crime_refs():
            return
        self.crime_ref = crime_ref
        self._show()

    def _show(self) -> None:
        record, case, day = self.record, self.case, self._day()
        if record is None:
            return
        self.header.show_record(record, case)
        self.duties.show_case(case, record.timeline, day)
        self.timeline.show_case(record, self.crime_ref)
        self.needs.show_case(record, case)
        self.certification.show_case(case, day)
        self.surveys.show_case(record, case, self.reason)
        has_case = case is not None
        for name in ("logContact", "recordEvent", "refer", "waive", "letter"):
            self.buttons[name].setEnabled(has_case)

    # --- actions ------------------------------------------------------------------------------

    def action_problem(self, method: str) -> str | None:
        """Why an action cannot be taken now, in plain words; None when it can."""
        if self.record is None:
            return "The record is still opening."
        if method == "edit_details":
            return None
        case = self.case
        if case is None:
            return "This person is not a victim in any crime yet."
        if method == "waive" and not case.open_duties:
            return "Every duty is already met or waived: there is nothing to waive."
        if method == "correct_entry":
            return self.timeline.correct_problem(self.timeline.selected_entry())
        if method == "certify" and case.open_duties:
            return self.certification.explanation.text()
        return None

    def _refuse(self, method: str) -> bool:
        problem = self.action_problem(method)
        if problem:
            self.status_message.emit(problem)
            return True
        return False

    def _open(self, dialog: QDialog, done: Callable[[Any], None] | None = None) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r, d=dialog: self.dialog is d and setattr(self, "dialog", None))
        if hasattr(dialog, "saved"):
            dialog.saved.connect(done or self._on_saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_saved(self, result: Any) -> None:
        kind = getattr(result, "kind", None)
        self.status_message.emit(DONE_MESSAGES.get(kind or "", "Saved."))
        self.record_changed.emit(result)
        self.reload()

    def log_contact(self) -> LogContactDialog | None:
        if self._refuse("log_contact"):
            return None
        record, case = self.record, self.case
        assert record is not None and case is not None
        signed_in = self._ctx.actor.user
        behalf = case.oic_staff_no if case.oic_staff_no and case.oic_staff_no != signed_in else None
        target = ContactTarget(
            case.crime_ref,
            record.person_ref,
            record.name,
            record.preferred_method,
            behalf,
            case.oic_name if behalf else None,
        )
        notice = None
        if any(d.rule == "vs_referral" for d in case.open_duties):
            notice = (
                "Logging a contact does not complete the referral to support services: record it with Refer (Ctrl+R)."
            )
        dialog = LogContactDialog(self._ctx, self._runner, [target], self, notice=notice)
        dialog.contacts_recorded.connect(self._on_contacts_recorded)
        self._open(dialog)
        return dialog

    def _on_contacts_recorded(self, recorded: list) -> None:
        self.status_message.emit("Contact logged.")
        self.record_changed.emit(recorded)
        self.reload()

    def record_event(self) -> RecordEventDialog | None:
        if self._refuse("record_event"):
            return None
        assert self.case is not None
        dialog = RecordEventDialog(self._ctx, self._runner, self.case.crime_ref, self)
        self._open(dialog)
        return dialog

    def refer(self) -> ReferDialog | None:
        if self._refuse("refer"):
            return None
        record, case = self.record, self.case
        assert record is not None and case is not None
        referral = next((d for d in case.duties if d.rule == "vs_referral"), None)
        dialog = ReferDialog(
            self._ctx,
            self._runner,
            case.crime_ref,
            record.person_ref,
            record.name,
            explicit_consent_needed=referral is not None and referral.consent == "explicit",
            opted_out=case.vs_opt_out,
            parent=self,
        )
        self._open(dialog)
        return dialog

    def waive(self, key: str | None = None) -> WaiveDialog | None:
        if self._refuse("waive"):
            return None
        record, case = self.record, self.case
        assert record is not None and case is not None
        if key is None:
            selected = self.duties.selected_duty()
            key = selected.key if selected and selected.status in (Status.OPEN, Status.OVERDUE) else None
        dialog = WaiveDialog(
            self._ctx, self._runner, case.crime_ref, record.person_ref, record.name, case.open_duties, key, self
        )
        self._open(dialog)
        return dialog

    def correct_entry(self, entry=None) -> CorrectEntryDialog | None:
        """Correct `entry`, or the one selected on the Timeline (shown first, if it is not on screen)."""
        if entry is not None:
            self.timeline.select_entry(entry.kind, entry.id)
        elif self.record is not None and self.tabs.currentWidget() is not self.timeline:
            self.tabs.setCurrentWidget(self.timeline)
            self.timeline.table.setFocus()
            self.status_message.emit("Choose the entry to correct on the Timeline, then press Ctrl+Shift+E again.")
            return None
        if self._refuse("correct_entry"):
            return None
        entry = self.timeline.selected_entry()
        dialog = CorrectEntryDialog(self._ctx, self._runner, entry, self)
        self._open(dialog, self._on_corrected)
        return dialog

    def _on_corrected(self, result: Any) -> None:
        self.status_message.emit("Correction saved; the original entry stays in the record, marked as corrected.")
        self.record_changed.emit(result)
        self.reload()

    def edit_details(self) -> EditDetailsDialog | None:
        if self._refuse("edit_details"):
            return None
        assert self.record is not None
        dialog = EditDetailsDialog(self._ctx, self._runner, self.record, self)
        dialog.reloaded.connect(lambda _record: self.reload())
        self._open(dialog, self._on_details_saved)
        return dialog

    def _on_details_saved(self, version: Any) -> None:
        self.status_message.emit("Details saved.")
        self.record_changed.emit(version)
        self.reload()

    def write_letter(self) -> LetterPreviewDialog | None:
        """The letter dialog for this victim in the crime on show (saving or printing records the letter)."""
        if self._refuse("write_letter"):
            return None
        record, case = self.record, self.case
        assert record is not None and case is not None
        dialog = LetterPreviewDialog(
            self._ctx, self._runner, [LetterTarget(case.crime_ref, record.person_ref, record.name)], self
        )
        self._open(dialog, self._on_letter_recorded)
        return dialog

    def _on_letter_recorded(self, recorded: Any) -> None:
        self.status_message.emit("Letter recorded (contact entry: letter).")
        self.record_changed.emit(recorded)
        self.reload()

    def needs_assessment(self) -> NeedsAssessmentDialog | None:
        if self._refuse("needs_assessment"):
            return None
        record, case = self.record, self.case
        assert record is not None and case is not None
        dialog = NeedsAssessmentDialog(
            self._ctx, self._runner, case.crime_ref, record.person_ref, record.name, case.assessment, self
        )
        self._open(dialog)
        return dialog

    def agree_contract(self) -> ContractDialog | None:
        if self._refuse("agree_contract"):
            return None
        record, case = self.record, self.case
        assert record is not None and case is not None
        dialog = ContractDialog(self._ctx, self._runner, case.crime_ref, record, case.contract, self)
        self._open(dialog)
        return dialog

    def certify(self) -> bool:
        """Certify from the keyboard or menu: shows the Certification tab and certifies if nothing is open."""
        self.tabs.setCurrentWidget(self.certification)
        if self._refuse("certify"):
            return False
        self._on_certify_requested(self.certification.note.text().strip())
        return True

    def _on_certify_requested(self, note: str) -> None:
        case, record = self.case, self.record
        if case is None or record is None:
            return
        self.certification.certify_button.setEnabled(False)
        self._runner.write(casework.certify, self._ctx, case.crime_ref, record.person_ref, note or None).on_success(
            self._on_certified
        ).on_failure(self._on_certify_failed)

    def _on_certified(self, result: Any) -> None:
        if self._discarded:
            return
        self.certification.note.clear()
        self._on_saved(result)

    def _on_certify_failed(self, exc: BaseException) -> None:
        if self._discarded:
            return
        text = describe(exc)
        self.certification.show_problem(text)
        self.status_message.emit(text)
        if isinstance(exc, casework.DutiesStillOpen):
            self.reload()  # someone else's change left a duty open: show it
        else:
            self.certification.certify_button.setEnabled(True)

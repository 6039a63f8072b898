"""Findings on My work: reviews of the signed-in officer's sampled entries that they have not yet
acknowledged, and an Acknowledge button. Hidden when there is nothing to acknowledge, when nobody with an
officer record is signed in, or when the user's roles do not let them read their findings.

Signals of `FindingsPanel`:
    findings_loaded(): the panel shows the latest read (it may now be hidden).
    acknowledged(object): a finding was acknowledged (`FindingView`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from vicman.gui.dialogs.common import EntryDialog, ServiceCall, buddy
from vicman.gui.errors import describe_error
from vicman.gui.formatting import plural, uk_datetime
from vicman.gui.models.finding_table_model import (
    COL_AT,
    COL_CONTACT,
    COL_CRIME,
    COL_REVIEWER,
    COL_VERDICT,
    COL_VICTIM,
    FindingTableModel,
    answers_tip,
)
from vicman.gui.models.sort_proxy import NativeSortProxyModel
from vicman.gui.views.record_common import make_button, select_row
from vicman.gui.widgets import make_table
from vicman.gui.workers import Runner
from vicman.services import dip_sampling, permissions
from vicman.services.context import ServiceContext
from vicman.services.dip_sample_views import FindingView
from vicman.services.people import OfficerView
from vicman.services.permissions import Target

ROWS_SHOWN = 4


class AcknowledgeDialog(EntryDialog):
    """Acknowledge one finding, with an optional comment for the reviewer."""

    def __init__(self, ctx: ServiceContext, runner: Runner, finding: FindingView, parent=None) -> None:
        super().__init__(ctx, runner, "Acknowledge a dip-sample finding", "&Acknowledge", parent)
        self.setObjectName("acknowledgeDialog")
        self.finding = finding
        summary = QLabel(
            f"<b>{finding.verdict_label}</b> — your contact with {finding.victim_name} ({finding.victim_ref}), "
            f"crime {finding.crime_ref}, on {uk_datetime(finding.entry_at)}; reviewed by {finding.reviewer} on "
            f"{uk_datetime(finding.at)}."
        )
        summary.setObjectName("acknowledgeSummary")
        summary.setWordWrap(True)
        detail = QLabel(answers_tip(finding))
        detail.setObjectName("acknowledgeAnswers")
        detail.setAccessibleName("The reviewer's answers and comments")
        detail.setWordWrap(True)
        detail.setTextFormat(Qt.TextFormat.PlainText)
        detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        detail.setStyleSheet("QLabel { background: palette(alternate-base); padding: 8px; border-radius: 3px; }")
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("acknowledgeComment")
        self.comment.setAccessibleName("Your comment (optional)")
        self.comment.setPlaceholderText("Optional: anything you want the reviewer to know")
        self.comment.setTabChangesFocus(True)
        self.comment.setMaximumHeight(90)
        note = QLabel("Acknowledging records that you have read the finding. It cannot be undone.")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(detail)
        layout.addWidget(buddy("Your &comment (optional)", self.comment))
        layout.addWidget(self.comment)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.error.hide()
        self.comment.setFocus()

    def service_call(self) -> ServiceCall:
        return dip_sampling.acknowledge, (self._ctx, self.finding.review_id, self.comment.toPlainText()), {}

    def inputs(self) -> list[QWidget]:
        return [self.comment]


class FindingsPanel(QFrame):
    findings_loaded = Signal()
    acknowledged = Signal(object)

    def __init__(self, ctx: ServiceContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findingsPanel")
        self.setAccessibleName("Dip-sample findings to acknowledge")
        self.setStyleSheet("#findingsPanel { background: #cfe2ff; border: 1px solid #9ec5fe; border-radius: 4px; }")
        self._ctx = ctx
        self._runner = runner
        self._officer: OfficerView | None = None
        self._generation = 0
        self.loading = False
        self.dialog: AcknowledgeDialog | None = None

        self.heading = QLabel()
        self.heading.setObjectName("findingsHeading")
        self.heading.setAccessibleName("Findings to acknowledge")
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("color: #052c65;")
        self.model = FindingTableModel(self)
        self.proxy = NativeSortProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = make_table("findingsTable", "Findings to acknowledge")
        self.table.setModel(self.proxy)
        self.table.setSelectionMode(self.table.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # newest first, as read
        for column, width in {
            COL_VERDICT: 130,
            COL_VICTIM: 170,
            COL_CRIME: 100,
            COL_CONTACT: 118,
            COL_REVIEWER: 100,
            COL_AT: 118,
        }.items():
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda _index: self.acknowledge_selected())
        enter = QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, context=Qt.ShortcutContext.WidgetShortcut)
        enter.activated.connect(self.acknowledge_selected)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_button())
        self.acknowledge_button = make_button(
            "Ac&knowledge…",
            "acknowledgeButton",
            "Acknowledge the selected finding",
            "Record that you have read the selected finding, with a comment if you like",
        )
        self.acknowledge_button.clicked.connect(self.acknowledge_selected)
        self.message = QLabel()
        self.message.setObjectName("findingsMessage")
        self.message.setAccessibleName("Findings status")
        self.message.setWordWrap(True)
        self.message.hide()

        head = QHBoxLayout()
        head.addWidget(self.heading, 1)
        head.addWidget(self.acknowledge_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.addLayout(head)
        layout.addWidget(self.table)
        layout.addWidget(self.message)
        self.hide()

    # --- who -----------------------------------------------------------------------------------

    def set_officer(self, officer: OfficerView | None) -> None:
        """The signed-in officer (None: nobody with an officer record): read their findings, or hide."""
        self._officer = officer
        if officer is None:
            self.clear()
        else:
            self.refresh()

    def _target(self) -> Target | None:
        actor = self._ctx.actor
        if self._officer is None or actor.staff_no != self._officer.staff_no:
            return None
        return Target(self._officer.division, self._officer.team, actor.officer_id)

    def may_read(self) -> bool:
        target = self._target()
        return target is not None and permissions.decide(self._ctx.actor, permissions.READ_FINDINGS, target).allowed

    def may_acknowledge(self) -> bool:
        target = self._target()
        return (
            target is not None and permissions.decide(self._ctx.actor, permissions.ACKNOWLEDGE_FINDINGS, target).allowed
        )

    # --- loading -------------------------------------------------------------------------------

    def clear(self) -> None:
        self._generation += 1
        self.loading = False
        self.model.set_rows([])
        if self.dialog is not None:
            self.dialog.reject()
        self.hide()

    def refresh(self) -> None:
        """Read the officer's findings again (off the GUI thread), if they may read them."""
        if self._officer is None or not self.may_read():
            self.clear()
            self.findings_loaded.emit()
            return
        self._generation += 1
        generation = self._generation
        self.loading = True
        self._runner.read(dip_sampling.findings_for_officer, self._ctx, self._officer.staff_no).on_success(
            lambda rows, g=generation: self._on_loaded(g, rows)
        ).on_failure(lambda exc, g=generation: self._on_failed(g, exc))

    def _on_loaded(self, generation: int, findings: list[FindingView]) -> None:
        if generation != self._generation:
            return
        self.loading = False
        waiting = [f for f in findings if f.acknowledged_at is None]
        self.model.set_rows(waiting)
        self.message.hide()
        if not waiting:
            self.hide()
            self.findings_loaded.emit()
            return
        self.heading.setText(
            f"<b>A supervisor has reviewed {len(waiting)} of your contact entries</b> in a dip sample. "
            "Read each finding (hover for the answers) and acknowledge it."
            if len(waiting) > 1
            else "<b>A supervisor has reviewed one of your contact entries</b> in a dip sample. "
            "Read the finding (hover for the answers) and acknowledge it."
        )
        self.heading.setAccessibleName(f"{plural(len(waiting), 'finding')} to acknowledge")
        rows = min(len(waiting), ROWS_SHOWN)
        header = self.table.horizontalHeader().sizeHint().height()
        self.table.setFixedHeight(header + rows * self.table.verticalHeader().defaultSectionSize() + 4)
        select_row(self.table, 0)
        self._update_button()
        self.show()
        self.findings_loaded.emit()

    def _on_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.loading = False
        self.model.set_rows([])
        self.heading.setText("<b>Dip-sample findings</b>")
        self.message.setText(
            f"Your dip-sample findings could not be read. {describe_error(exc)} Press F5 to try again."
        )
        self.message.show()
        self.show()
        self.findings_loaded.emit()

    # --- acknowledging -------------------------------------------------------------------------

    def findings(self) -> list[FindingView]:
        return self.model.rows()

    def selected_finding(self) -> FindingView | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.proxy.row_at(rows[0].row())

    def _update_button(self) -> None:
        self.acknowledge_button.setVisible(self.may_acknowledge())
        self.acknowledge_button.setEnabled(self.selected_finding() is not None and self.dialog is None)

    def acknowledge_selected(self) -> AcknowledgeDialog | None:
        """Open the acknowledgement for the selected finding (window-modal; returns at once)."""
        finding = self.selected_finding()
        if finding is None or self.dialog is not None or not self.may_acknowledge():
            return None
        dialog = AcknowledgeDialog(self._ctx, self._runner, finding, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._on_acknowledged)
        dialog.finished.connect(lambda _r: self._on_dialog_closed())
        self.dialog = dialog
        self._update_button()
        dialog.open()
        return dialog

    def _on_dialog_closed(self) -> None:
        self.dialog = None
        self._update_button()

    def _on_acknowledged(self, finding: FindingView) -> None:
        self.acknowledged.emit(finding)
        self.refresh()

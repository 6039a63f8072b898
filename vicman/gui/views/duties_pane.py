"""The Duties tab of a victim's record: each duty with the Code's words, its due date, status and what met it.

Signals:
    waive_requested(str): waive the duty with this key.
    log_requested(): log a contact with this victim.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from vicman.domain.enums import Status
from vicman.gui.formatting import plural, uk_date, uk_datetime
from vicman.gui.models.duty_table_model import Day
from vicman.gui.models.record_duty_table_model import (
    COL_DUE,
    COL_DUTY,
    COL_EDITION,
    COL_ENHANCED,
    COL_MET_BY,
    COL_STATUS,
    RecordDutyTableModel,
)
from vicman.gui.views.record_common import make_button, named_label, para, select_row
from vicman.gui.views.record_table_pane import RecordTablePane
from vicman.services.record_views import CaseView, DutyDetail, TimelineEntry


class DutiesPane(RecordTablePane):
    waive_requested = Signal(str)
    log_requested = Signal()

    model: RecordDutyTableModel

    def __init__(self, day: Day, parent: QWidget | None = None) -> None:
        super().__init__("dutiesPane", parent)
        self._build(
            RecordDutyTableModel(day, self),
            ("recordDutyTable", "Duties owed to this victim"),
            {COL_STATUS: 80, COL_DUE: 84, COL_DUTY: 250, COL_ENHANCED: 76, COL_EDITION: 50, COL_MET_BY: 330},
            ("dutyDetail", "The selected duty and what the Code requires"),
        )
        self.table.doubleClicked.connect(lambda _i: self.log_requested.emit())

        self.summary = named_label("dutySummary", "Duties summary")
        self.waive_button = make_button(
            "Waive this duty…",
            "waiveButton",
            "Waive the selected duty",
            "Waive the selected duty, with a reason (Ctrl+Shift+W)",
        )
        self.waive_button.clicked.connect(self._on_waive_clicked)
        self.log_button = make_button(
            "Log contact…",
            "dutiesLogButton",
            "Log a contact with this victim",
            "Log a contact or attempt with this victim (Ctrl+L)",
        )
        self.log_button.clicked.connect(self.log_requested)
        self._lay_out(self.summary, self.log_button, self.waive_button)

    def show_case(self, case: CaseView | None, timeline: tuple[TimelineEntry, ...], day: Day) -> None:
        keep = self.selected_duty()
        self.model.set_rows(case.duties if case else (), timeline, day)
        rows = self.model.rows()
        target = next((i for i, d in enumerate(rows) if keep and d.key == keep.key), None)
        if target is None:
            target = next((i for i, d in enumerate(rows) if d.status in (Status.OPEN, Status.OVERDUE)), 0)
        if rows:
            select_row(self.table, target)
        self._show_detail()
        pending = sum(d.status in (Status.OPEN, Status.OVERDUE) for d in rows)
        overdue = sum(self.model.status_text(d) == "Overdue" for d in rows)
        self.summary.setText(
            f"{plural(len(rows), 'duty', 'duties')}: {pending} still to do"
            + (f", {overdue} overdue" if overdue else "")
            + " · select a duty to see the Code's words"
        )

    def selected_duty(self) -> DutyDetail | None:
        return self.selected_row()

    def select_key(self, key: str) -> bool:
        for row, duty in enumerate(self.model.rows()):
            if duty.key == key:
                select_row(self.table, row)
                return True
        return False

    def _show_detail(self) -> None:
        duty = self.selected_duty()
        pending = duty is not None and duty.status in (Status.OPEN, Status.OVERDUE)
        self.waive_button.setEnabled(pending)
        if duty is None:
            self.detail.setText("No duties for this crime yet.")
            return
        rights = "enhanced rights" if duty.enhanced else "standard rights"
        state = self.model.status_text(duty)
        met_by = self.model.met_by_text(duty)
        lines = [
            f"<b>{escape(duty.title)}</b> — {escape(duty.edition_title)} ({escape(duty.edition)} edition)",
            f"<b>What the Code requires:</b> {para(duty.standard or 'not given')}",
            f"<b>Arose</b> {uk_datetime(duty.trigger_at)} · <b>due</b> {uk_date(duty.due)} ({rights}) · "
            f"<b>status</b> {escape(state.lower())}" + (f": {para(met_by)}" if met_by else ""),
        ]
        if duty.consent == "explicit":
            lines.append("The victim must give explicit consent before this referral is made.")
        self.detail.setText("<br>".join(lines))

    def _on_waive_clicked(self) -> None:
        duty = self.selected_duty()
        if duty is not None and duty.status in (Status.OPEN, Status.OVERDUE):
            self.waive_requested.emit(duty.key)

    def _on_context_menu(self, pos) -> None:
        self._popup_menu(
            pos,
            ("Waive this duty…\tCtrl+Shift+W", self.waive_button.isEnabled(), self._on_waive_clicked),
            ("Log contact…\tCtrl+L", True, self.log_requested),
        )

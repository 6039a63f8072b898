"""Whether email is getting through (bureau, supervisors, administrators): the last message the mail server
accepted, the messages waiting or failed with their errors and next attempt, and the officers whose reminders
cannot reach them, each with an "Away / deputy…" action.

Administrators (`mail.send`) also get "Send now" and "Retry failed now", and see what the app's own timer
did last (`show_backstop`). Everything is read and written through `vicman.services.mail` on the runner.
No victim data is shown: messages by recipient and subject only.

Signals:
    health_loaded(): the screen shows the latest read (or why it could not be read).
    changed(str): something was sent, retried or changed; the argument says what (for the status bar).
    load_failed(str): reading failed; the argument says why in plain words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from vicman.gui.dialogs.common import ERROR_STYLE, NOTICE_STYLE, WARNING_STYLE, message_label
from vicman.gui.dialogs.officer_away import OfficerAwayDialog
from vicman.gui.errors import describe_error
from vicman.gui.formatting import plural, uk_datetime
from vicman.gui.models.dto_table_model import Column, DtoTableModel, role_colour
from vicman.gui.models.sort_proxy import NativeSortProxyModel
from vicman.gui.views.record_common import make_button, select_row
from vicman.gui.widgets import make_table
from vicman.gui.workers import Runner
from vicman.services import mail, permissions
from vicman.services.context import ServiceContext
from vicman.services.people import OfficerView

RED = (QColor("#f8d7da"), QColor("#58151c"))
AMBER = (QColor("#fff3cd"), QColor("#4d3800"))

SCHEDULE_NOTE = (
    "The scheduled task (vicman remind --send, every morning and then as often as you like) queues and sends "
    "the reminders. While an administrator is signed in, this app does the same every 15 minutes as a "
    "backstop, so a missed task does not go unnoticed."
)
KIND_LABELS = {"digest": "Daily digest", "immediate": "Immediate", "escalation": "Escalation"}

COL_STATUS, COL_KIND, COL_TO, COL_SUBJECT, COL_TRIES, COL_NEXT, COL_ERROR = range(7)


class OutboxTableModel(DtoTableModel[mail.OutboxView]):
    """Pending and failed messages, as `mail.health` lists them (failed first)."""

    COLUMNS: ClassVar[Mapping[int, Column[mail.OutboxView]]] = {
        COL_STATUS: Column("Status", "Waiting (tried again later) or Failed (tried too often)",
                           lambda _, m: "Failed" if m.status == "failed" else "Waiting"),
        COL_KIND: Column("Kind", "Daily digest, immediate message or escalation",
                         lambda _, m: KIND_LABELS.get(m.kind, m.kind)),
        COL_TO: Column("To", "The recipient (and why them, in the tooltip)",
                       lambda _, m: f"{m.recipient_name} <{m.recipient}>" if m.recipient_name else m.recipient,
                       tip=lambda _, m: m.reason or None),
        COL_SUBJECT: Column("Subject", "The message's subject", lambda _, m: m.subject),
        COL_TRIES: Column("Tries", "Attempts so far", lambda _, m: str(m.attempts), sort=lambda _, m: m.attempts),
        COL_NEXT: Column("Next try", "When it is tried again (UK time)",
                         lambda _, m: uk_datetime(m.next_attempt_at) if m.status == "pending" else "",
                         sort=lambda _, m: m.next_attempt_at),
        COL_ERROR: Column("Last error", "Why the last attempt failed", lambda _, m: m.last_error or "",
                          tip=lambda _, m: m.last_error or None),
    }  # fmt: skip

    def cell_style(self, message: mail.OutboxView, column: int, role: int) -> Any:
        if column in (COL_STATUS, COL_ERROR) and message.status == "failed":
            return role_colour(RED, role)
        if column == COL_ERROR and message.last_error:
            return role_colour(AMBER, role)
        return None


A_STAFF, A_NAME, A_DIVISION, A_WHY = range(4)


class AddressTableModel(DtoTableModel[mail.AddressProblem]):
    """Officers whose reminders cannot reach them, and where they go instead."""

    COLUMNS: ClassVar[Mapping[int, Column[mail.AddressProblem]]] = {
        A_STAFF: Column("Staff no", "The officer's staff number", lambda _, p: p.staff_no),
        A_NAME: Column("Name", "The officer's name", lambda _, p: p.name),
        A_DIVISION: Column("Division", "The officer's division", lambda _, p: p.division),
        A_WHY: Column("Why, and where their reminders go", "No email address, away, or left; and the fallback",
                      lambda _, p: p.why, tip=lambda _, p: p.why),
    }  # fmt: skip

    def cell_style(self, problem: mail.AddressProblem, column: int, role: int) -> Any:
        return role_colour(RED, role) if problem.fallback is None else None


class MailHealthView(QWidget):
    health_loaded = Signal()
    changed = Signal(str)
    load_failed = Signal(str)

    def __init__(self, ctx: ServiceContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mailHealthView")
        self.setAccessibleName("Email health")
        self._ctx = ctx
        self._runner = runner
        self._generation = 0
        self._officers: list[OfficerView] = []
        self.loading = False
        self.working = False
        self.can_send = False
        self.can_manage_officers = False
        self.health: mail.MailHealth | None = None
        self.dialog: OfficerAwayDialog | None = None

        self.title = QLabel("Email")
        self.title.setObjectName("mailTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.summary = QLabel("")
        self.summary.setObjectName("mailSummaryLabel")
        self.summary.setAccessibleName("Last message sent, waiting and failed")
        self.summary.setWordWrap(True)
        self.problem = message_label("mailProblemLabel", WARNING_STYLE, accessible="Why email cannot go")
        self.backstop = message_label("mailBackstopLabel", NOTICE_STYLE, accessible="What the app's own check did")
        self.notice = message_label("mailNotice", ERROR_STYLE, accessible="What happened")
        self.note = QLabel(SCHEDULE_NOTE)
        self.note.setObjectName("mailScheduleNote")
        self.note.setAccessibleName("How reminders are sent")
        self.note.setWordWrap(True)

        self.model = OutboxTableModel(self)
        self.proxy = NativeSortProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = make_table("outboxTable", "Messages waiting or failed")
        self.table.setModel(self.proxy)
        for column, width in {COL_STATUS: 70, COL_KIND: 100, COL_TO: 260, COL_SUBJECT: 380, COL_TRIES: 50,
                              COL_NEXT: 120}.items():  # fmt: skip
            self.table.setColumnWidth(column, width)
        self.messages_count = QLabel("")
        self.messages_count.setObjectName("outboxCount")

        self.send_button = make_button("Sen&d now", "sendNowButton", "Send now", "Send the messages that are due now")
        self.retry_button = make_button(
            "Retr&y failed now", "retryFailedButton", "Retry failed now",
            "Put the failed messages back in the queue and send them now",
        )  # fmt: skip
        self.refresh_button = make_button(
            "Refresh", "refreshMailButton", "Refresh", "Read the state of email again (F5)"
        )
        self.send_button.clicked.connect(self.send_now)
        self.retry_button.clicked.connect(self.retry_failed)
        self.refresh_button.clicked.connect(lambda: self.refresh())

        self.address_model = AddressTableModel(self)
        self.address_proxy = NativeSortProxyModel(self)
        self.address_proxy.setSourceModel(self.address_model)
        self.address_table = make_table("addressProblemsTable", "Officers with no working address")
        self.address_table.setSelectionMode(self.address_table.SelectionMode.SingleSelection)
        self.address_table.setModel(self.address_proxy)
        for column, width in {A_STAFF: 80, A_NAME: 180, A_DIVISION: 110}.items():
            self.address_table.setColumnWidth(column, width)
        self.address_table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.address_table.doubleClicked.connect(lambda _index: self.open_away_dialog())
        self.away_button = make_button(
            "&Away / deputy…", "awayDeputyButton", "Away or deputy",
            "Mark the selected officer away with a deputy, back, or left",
        )  # fmt: skip
        self.away_button.clicked.connect(lambda: self.open_away_dialog())
        self.mailboxes = QLabel("")
        self.mailboxes.setObjectName("divisionsWithoutMailboxLabel")
        self.mailboxes.setAccessibleName("Divisions with no bureau mailbox")
        self.mailboxes.setWordWrap(True)

        buttons = QHBoxLayout()
        for button in (self.send_button, self.retry_button, self.refresh_button):
            buttons.addWidget(button)
        buttons.addWidget(self.messages_count)
        buttons.addStretch(1)
        messages = QGroupBox("Messages waiting or failed")
        messages.setObjectName("outboxBox")
        messages_layout = QVBoxLayout(messages)
        messages_layout.addWidget(self.table, 1)
        messages_layout.addLayout(buttons)
        people = QGroupBox("Officers with no working address")
        people.setObjectName("addressProblemsBox")
        people_layout = QVBoxLayout(people)
        people_layout.addWidget(self.address_table, 1)
        row = QHBoxLayout()
        row.addWidget(self.away_button)
        row.addStretch(1)
        people_layout.addLayout(row)
        people_layout.addWidget(self.mailboxes)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.problem)
        layout.addWidget(self.backstop)
        layout.addWidget(self.notice)
        layout.addWidget(messages, 3)
        layout.addWidget(people, 2)
        layout.addWidget(self.note)
        self._update_buttons()

    # --- who is signed in ------------------------------------------------------------------------

    def set_people(self, officers: Sequence[OfficerView]) -> None:
        self._officers = list(officers)

    def activate(self, can_send: bool, can_manage_officers: bool) -> None:
        """Someone allowed to see it signed in: read the state of email."""
        self.clear()
        self.can_send = can_send
        self.can_manage_officers = can_manage_officers
        self.send_button.setVisible(can_send)
        self.retry_button.setVisible(can_send)
        self.away_button.setVisible(can_manage_officers)
        self.refresh()

    def clear(self) -> None:
        """Forget everything shown (signing out): late answers are ignored, an open dialog closed."""
        self._generation += 1
        self.loading = self.working = False
        self.health = None
        self.model.set_rows([])
        self.address_model.set_rows([])
        for label in (self.summary, self.messages_count, self.mailboxes):
            label.setText("")
        for label in (self.problem, self.backstop, self.notice):
            label.hide()
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.done(0)
        self.dialog = None
        self._update_buttons()

    # --- reading ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        self._generation += 1
        generation = self._generation
        self.loading = True
        self._runner.read(mail.health, self._ctx).on_success(lambda h, g=generation: self._on_loaded(g, h)).on_failure(
            lambda exc, g=generation: self._on_load_failed(g, exc)
        )

    def _on_loaded(self, generation: int, health: mail.MailHealth) -> None:
        if generation != self._generation:
            return
        self.loading = False
        self.health = health
        last = uk_datetime(health.last_success_at) or "never"
        oldest = f" (the oldest since {uk_datetime(health.oldest_pending_at)})" if health.oldest_pending_at else ""
        self.summary.setText(
            f"Last message sent: {last}.  Waiting: {health.pending}{oldest}.  Failed: {health.failed}."
        )
        self._show(self.problem, health.smtp_problem and f"Email is not set up: {health.smtp_problem}")
        self.model.set_rows(health.messages)
        self.messages_count.setText(plural(len(health.messages), "message") if health.messages else "")
        self.address_model.set_rows(health.officers_without_address)
        if health.divisions_without_mailbox:
            self.mailboxes.setText(
                "Divisions with no bureau mailbox (their officers' reminders have nowhere to fall back to): "
                + ", ".join(health.divisions_without_mailbox)
            )
        else:
            self.mailboxes.setText("")
        self._update_buttons()
        self.health_loaded.emit()

    def _on_load_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.loading = False
        text = describe_error(exc)
        self._show(self.notice, f"The state of email could not be read. {text}")
        self.load_failed.emit(text)
        self.health_loaded.emit()

    # --- sending ---------------------------------------------------------------------------------

    def send_now(self) -> None:
        if self.working or not self.can_send:
            return
        self._write(mail.send_due, (self._ctx,), _sent_words)

    def retry_failed(self) -> None:
        if self.working or not self.can_send:
            return
        self._write(_retry_and_send, (self._ctx,), lambda r: f"{plural(r[0], 'failed message')} back in the queue. "
                    + _sent_words(r[1]))  # fmt: skip

    def _write(self, fn: Any, args: tuple, words: Any) -> None:
        self.working = True
        self._update_buttons()
        self.notice.hide()
        generation = self._generation
        self._runner.write(fn, *args).on_success(lambda r, g=generation: self._on_written(g, words(r))).on_failure(
            lambda exc, g=generation: self._on_write_failed(g, exc)
        )

    def _on_written(self, generation: int, text: str) -> None:
        if generation != self._generation:
            return
        self.working = False
        self.changed.emit(text)
        self._show(self.backstop, text)
        self.refresh()

    def _on_write_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.working = False
        self._show(self.notice, describe_error(exc))
        self._update_buttons()

    def show_backstop(self, when: datetime, text: str, ok: bool) -> None:
        """What the app's own 15-minute check did (called by `vicman.gui.mail_health`)."""
        self._show(self.backstop if ok else self.notice, f"The app's own check at {uk_datetime(when)}: {text}")
        if ok:
            self.notice.hide()
        self.refresh()

    # --- officers --------------------------------------------------------------------------------

    def selected_problem(self) -> mail.AddressProblem | None:
        rows = self.address_table.selectionModel().selectedRows()
        if not rows:
            return None
        problem: mail.AddressProblem = self.address_proxy.row_at(rows[0].row())
        return problem

    def select_officer(self, staff_no: str) -> bool:
        for row in range(self.address_proxy.rowCount()):
            if self.address_proxy.row_at(row).staff_no == staff_no:
                select_row(self.address_table, row)
                return True
        return False

    def open_away_dialog(self) -> OfficerAwayDialog | None:
        problem = self.selected_problem()
        if problem is None or not self.can_manage_officers:
            return None
        dialog = OfficerAwayDialog(self._ctx, self._runner, problem.staff_no, problem.name, self._officers, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        generation = self._generation
        dialog.saved.connect(lambda absence, g=generation: self._on_absence_saved(g, absence))
        dialog.finished.connect(lambda _r, d=dialog: self._forget_dialog(d))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _forget_dialog(self, dialog: OfficerAwayDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _on_absence_saved(self, generation: int, absence: Any) -> None:
        if generation != self._generation:
            return
        from vicman.gui.dialogs.officer_away import describe_absence

        self.changed.emit(f"{absence.staff_no} {absence.name}: {describe_absence(absence)}")
        self.refresh()

    # --- helpers ---------------------------------------------------------------------------------

    def _show(self, label: QLabel, text: str | None) -> None:
        label.setText(text or "")
        label.setVisible(bool(text))

    def _update_buttons(self) -> None:
        idle = not self.working
        health = self.health
        self.send_button.setEnabled(idle and self.can_send and health is not None)
        self.retry_button.setEnabled(idle and self.can_send and health is not None and health.failed > 0)
        problem = self.selected_problem()
        self.away_button.setEnabled(
            self.can_manage_officers
            and problem is not None
            and permissions.decide(
                self._ctx.actor, permissions.MANAGE_OFFICERS, permissions.Target(division=problem.division)
            ).allowed
        )


def _retry_and_send(ctx: ServiceContext) -> tuple[int, mail.SendReport]:
    """Put the failed messages back in the queue, then send what is due (on the write thread)."""
    retried = mail.retry_failed(ctx)
    return retried, mail.send_due(ctx)


def _sent_words(report: mail.SendReport) -> str:
    text = f"{plural(report.sent, 'message')} sent, {report.pending} waiting."
    if report.errors:
        text += " " + " ".join(report.errors)
    return text

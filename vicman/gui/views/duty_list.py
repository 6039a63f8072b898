"""What My work and the Bureau queue share: a duty table behind a filter proxy, loading off the GUI thread,
logging a contact for the selected rows, opening the victim's record, and a notice banner.

Signals:
    rows_loaded(): the table now shows the result of the latest load.
    load_failed(str): loading failed; the argument says why in plain words.
    contacts_recorded(list): contacts were logged from this screen (`Recorded` results).
    record_requested(str, str): open the record of this victim (person ref) at this crime (crime ref).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QByteArray, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from vicman.domain.enums import Status
from vicman.gui.dialogs.log_contact import ContactTarget, LogContactDialog
from vicman.gui.errors import describe_error
from vicman.gui.formatting import plural
from vicman.gui.models.duty_table_model import (
    COL_CRIME,
    COL_DUE,
    COL_DUTY,
    COL_ENHANCED,
    COL_LANGUAGE,
    COL_LAST_CONTACT,
    COL_METHOD,
    COL_OIC,
    COL_PHONE,
    COL_STATE,
    COL_VICTIM,
    Day,
    DutyFilterProxyModel,
    DutyTableModel,
)
from vicman.gui.widgets import make_table
from vicman.gui.workers import Runner
from vicman.services.context import ServiceContext
from vicman.services.people import OfficerView
from vicman.services.views import DutyRow

COLUMN_WIDTHS = {
    COL_STATE: 84,
    COL_DUE: 84,
    COL_DUTY: 236,
    COL_VICTIM: 128,
    COL_CRIME: 98,
    COL_ENHANCED: 76,
    COL_LANGUAGE: 84,
    COL_METHOD: 90,
    COL_PHONE: 108,
    COL_LAST_CONTACT: 118,
    COL_OIC: 150,
}


class DutyListView(QWidget):
    """Base for the duty worklists. Subclasses say what to load (`_load_call`) and build the top bar."""

    rows_loaded = Signal()
    load_failed = Signal(str)
    contacts_recorded = Signal(list)
    record_requested = Signal(str, str)

    hidden_columns: tuple[int, ...] = ()

    def __init__(self, ctx: ServiceContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._officer: OfficerView | None = None
        self._generation = 0
        self.loading = False
        self.dialog: LogContactDialog | None = None

        self.model = DutyTableModel(self._day(), self)
        self.proxy = DutyFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)

        self.table = make_table("dutyTable", "Duties")
        self.table.setModel(self.proxy)
        for column, width in COLUMN_WIDTHS.items():
            self.table.setColumnWidth(column, width)
        for column in self.hidden_columns:
            self.table.setColumnHidden(column, True)
        self.table.sortByColumn(COL_DUE, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(lambda _index: self.log_contact_for_selection())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_footer())
        enter = QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, context=Qt.ShortcutContext.WidgetShortcut)
        enter.activated.connect(self.log_contact_for_selection)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_context_menu)

        self.message = QLabel()
        self.message.setObjectName("emptyMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setMargin(24)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.message)

        self.footer = QLabel()
        self.footer.setObjectName("footerLabel")
        self.footer.setAccessibleName("Rows shown")
        self.footer.setWordWrap(True)

        self.log_button = QPushButton("&Log contact…")
        self.log_button.setObjectName("logContactButton")
        self.log_button.setAccessibleName("Log contact for the selected victims")
        self.log_button.setToolTip("Log a contact or attempt with the selected victims (Ctrl+L)")
        self.log_button.clicked.connect(self.log_contact_for_selection)

        # A notice across the top (e.g. "a duty has become overdue"); placed on first use, since the
        # subclasses build the layout.
        self.banner = QFrame()
        self.banner.setObjectName("noticeBanner")
        self.banner.setAccessibleName("Notice")
        self.banner.setStyleSheet(
            "#noticeBanner { background: #f8d7da; border: 1px solid #f1aeb5; border-radius: 4px; }"
            " QLabel { color: #58151c; font-weight: bold; }"
        )
        self.banner_text = QLabel()
        self.banner_text.setObjectName("noticeBannerText")
        self.banner_text.setWordWrap(True)
        self.banner_close = QPushButton("Dismiss")
        self.banner_close.setObjectName("dismissNoticeButton")
        self.banner_close.setAccessibleName("Dismiss the notice")
        self.banner_close.clicked.connect(self.hide_banner)
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(10, 6, 6, 6)
        banner_layout.addWidget(self.banner_text, 1)
        banner_layout.addWidget(self.banner_close)
        self.banner.hide()

        self.proxy.rowsInserted.connect(lambda *_: self._update_footer())
        self.proxy.rowsRemoved.connect(lambda *_: self._update_footer())
        self.proxy.modelReset.connect(self._update_footer)
        self.proxy.layoutChanged.connect(self._update_footer)

    # --- what to load (subclasses) ------------------------------------------------------------

    def _load_call(self) -> tuple[Callable[..., Any], tuple, dict] | None:
        raise NotImplementedError

    def _empty_text(self) -> str:
        return "Nothing is due."

    def _after_load(self) -> None:
        """Hook: the model has just been filled."""

    # --- state --------------------------------------------------------------------------------

    @property
    def officer(self) -> OfficerView | None:
        return self._officer

    def set_officer(self, officer: OfficerView | None) -> None:
        self._officer = officer

    def _day(self) -> Day:
        today = self._ctx.today()
        return Day(today, self._ctx.calendar.next_working_day(today))

    def visible_duties(self) -> list[DutyRow]:
        return [self.proxy.duty_at(r) for r in range(self.proxy.rowCount())]

    def selected_duties(self) -> list[DutyRow]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.proxy.duty_at(r) for r in rows]

    def header_state(self) -> QByteArray:
        return self.table.horizontalHeader().saveState()

    def restore_header_state(self, state: Any) -> None:
        if isinstance(state, QByteArray | bytes) and state:
            self.table.horizontalHeader().restoreState(QByteArray(state))
            for column in self.hidden_columns:
                self.table.setColumnHidden(column, True)

    # --- loading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        call = self._load_call()
        self._generation += 1
        generation = self._generation
        if call is None:
            self.model.set_rows([], self._day())
            self._show_message(self._empty_text())
            self.loading = False
            self.rows_loaded.emit()
            return
        self.loading = True
        self._update_footer()
        fn, args, kwargs = call
        day = self._day()
        self._runner.read(fn, *args, **kwargs).on_success(
            lambda rows, g=generation: self._on_rows_fetched(g, rows, day)
        ).on_failure(lambda exc, g=generation: self._on_fetch_failed(g, exc))

    def clear(self, text: str = "Sign in to see duties.") -> None:
        """Forget the rows on screen (signing out): results still on their way are dropped."""
        self._generation += 1
        self.loading = False
        self.model.set_rows([], self._day())
        self._show_message(text)

    def _on_rows_fetched(self, generation: int, rows: list[DutyRow], day: Day) -> None:
        if generation != self._generation:
            return  # a newer load has been asked for; this result is stale
        self.loading = False
        self.model.set_rows(rows, day)
        self._after_load()
        if rows:
            self.stack.setCurrentWidget(self.table)
        else:
            self._show_message(self._empty_text())
        self._update_footer()
        self.rows_loaded.emit()

    def _on_fetch_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.loading = False
        text = describe_error(exc)
        self._show_message(f"The list could not be loaded.\n\n{text}\n\nPress F5 to try again.")
        self._update_footer()
        self.load_failed.emit(text)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)

    def _update_footer(self) -> None:
        if self.loading:
            self.footer.setText("Loading…")
            return
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        selected = len(self.table.selectionModel().selectedRows())
        text = plural(total, "duty", "duties")
        if shown != total:
            text = f"Showing {shown} of {text}"
        if selected:
            text += f" · {selected} selected"
        elif shown:
            text += " · select one or more and press Enter (or double-click) to log a contact; Ctrl+O opens the record"
        self.footer.setText(text)
        self.log_button.setEnabled(selected > 0 or shown == 1)

    # --- logging contacts ---------------------------------------------------------------------

    def select_next_overdue(self) -> bool:
        """Move the selection to the next overdue row after the current one, wrapping round."""
        rows = self.proxy.rowCount()
        selected = self.table.selectionModel().selectedRows()
        current = self.table.currentIndex().row() if selected else -1
        for step in range(1, rows + 1):
            row = (current + step) % rows
            if self.proxy.duty_at(row).status is Status.OVERDUE:
                index = self.proxy.index(row, 0)
                self.table.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
                )
                self.table.scrollTo(index)
                self.table.setFocus()
                return True
        return False

    def targets_for_selection(self) -> list[ContactTarget]:
        duties = self.selected_duties()
        if not duties and self.proxy.rowCount() == 1:
            duties = [self.proxy.duty_at(0)]
        signed_in = self._officer.staff_no if self._officer else None
        return ContactTarget.from_duties(duties, signed_in)

    def log_contact_for_selection(self) -> LogContactDialog | None:
        """Open the contact dialog for the selected victims (window-modal; returns at once)."""
        targets = self.targets_for_selection()
        if not targets:
            return None
        notice = None
        if any(d.rule == "vs_referral" for d in self.selected_duties()):
            notice = (
                "Some of these duties are referrals to support services. Logging a contact does not "
                "complete a referral: the referral itself has to be recorded."
            )
        dialog = LogContactDialog(self._ctx, self._runner, targets, self, notice=notice)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.contacts_recorded.connect(self._on_contacts_recorded)
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_contacts_recorded(self, recorded: list) -> None:
        self.contacts_recorded.emit(recorded)
        self.refresh()

    # --- opening the victim's record ----------------------------------------------------------

    def open_record_for_selection(self) -> bool:
        """Ask for the record of the current (or only) row's victim; False when no row is chosen."""
        index = self.table.selectionModel().currentIndex()
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        if index.isValid() and (not rows or index.row() in rows):
            row = index.row()
        elif rows:
            row = rows[0]
        elif self.proxy.rowCount() == 1:
            row = 0
        else:
            return False
        duty = self.proxy.duty_at(row)
        self.record_requested.emit(duty.victim_ref, duty.crime_ref)
        return True

    def _on_context_menu(self, pos) -> None:
        menu = QMenu(self)
        log = QAction("&Log contact…\tCtrl+L", menu)
        log.triggered.connect(self.log_contact_for_selection)
        open_record = QAction("&Open record\tCtrl+O", menu)
        open_record.triggered.connect(self.open_record_for_selection)
        menu.addAction(log)
        menu.addAction(open_record)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    # --- notice banner ------------------------------------------------------------------------

    def show_banner(self, text: str) -> None:
        layout = self.layout()
        if layout is not None and layout.indexOf(self.banner) < 0:
            layout.insertWidget(0, self.banner)  # type: ignore[attr-defined]
        self.banner_text.setText(text)
        self.banner.setAccessibleName(f"Notice: {text}")
        self.banner.show()

    def hide_banner(self) -> None:
        self.banner.hide()

"""Bureau queue: a division's overdue and due-soon duties, filtered in the database, a page at a time.

Every filter (division, team, officer in the case, duty, language, preferred contact method,
enhanced only, overdue only, who the victim is assigned to) is sent to `queries.bureau_queue`,
which runs on the worker and returns one page of rows with the totals of everything that matches.
The header shows those totals, so it is right however many pages have been loaded. The text box
only narrows the rows already loaded.

Signals (besides those of `DutyListView`):
    division_changed(str): the officer chose another division (remembered between runs).
    assignment_changed(str): victims were assigned or released; the argument says what was done.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import shiboken6
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vicman.domain.enums import ContactMethod
from vicman.gui.dialogs.letter_preview import LetterPreviewDialog, LetterTarget
from vicman.gui.dialogs.reauthenticate import ReauthenticateDialog
from vicman.gui.errors import describe_error
from vicman.gui.formatting import METHOD_LABELS, plural
from vicman.gui.models.duty_table_model import COL_CRIME, COL_DIVISION, COL_OIC, HEADERS, Day, DutyTableModel
from vicman.gui.views.duty_list import COLUMN_WIDTHS, DutyListView
from vicman.gui.widgets import make_filter_edit
from vicman.gui.workers import Runner
from vicman.services import assignment, queries
from vicman.services.auth import ReauthenticationRequired
from vicman.services.context import ServiceContext
from vicman.services.people import OfficerView
from vicman.services.queries import DutyFilter, DutyPage
from vicman.services.views import DutyRow

PAGE = 500
ANY = "Any"
COL_ASSIGNED = len(HEADERS)

ASSIGNED_ANYONE = "anyone"
ASSIGNED_ME = "me"
ASSIGNED_NOBODY = "nobody"


class BureauDutyModel(DutyTableModel):
    """The duty table with one more column: who in the bureau has taken the victim on."""

    def __init__(self, day: Day, parent=None) -> None:
        super().__init__(day, parent)
        self._names: dict[str, str] = {}

    def set_names(self, names: dict[str, str]) -> None:
        """Staff number -> name, so an assignee reads "PC1234 Ann Smith" rather than a bare number."""
        self._names = dict(names)
        if self.rowCount():
            last = self.rowCount() - 1
            self.dataChanged.emit(self.index(0, COL_ASSIGNED), self.index(last, COL_ASSIGNED))

    def assignee_label(self, who: str | None) -> str:
        if not who:
            return ""
        name = self._names.get(who)
        return f"{who} {name}" if name else who

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS) + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and section == COL_ASSIGNED:
            if role == Qt.ItemDataRole.DisplayRole:
                return "Assigned to"
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Who in the bureau has taken this victim's contacts on (blank: nobody yet)"
            return None
        return super().headerData(section, orientation, role)

    def display_text(self, duty: DutyRow, column: int) -> str:
        if column == COL_ASSIGNED:
            return self.assignee_label(duty.assigned_to)
        return super().display_text(duty, column)


class BureauQueueView(DutyListView):
    """A division's due and overdue duties with server-side filters, paging, assignment and multi-select logging."""

    division_changed = Signal(str)
    assignment_changed = Signal(str)

    hidden_columns = (COL_DIVISION,)

    def __init__(self, ctx: ServiceContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(ctx, runner, parent)
        self.setObjectName("bureauQueueView")
        self.table.setAccessibleName("Bureau queue duties")
        self.page_size = PAGE
        self._officers: dict[str, OfficerView] = {}
        self._seen_oics: dict[str, str] = {}
        self._seen_teams: set[str] = set()
        self._seen_languages: set[str] = set()  # in this division's queue
        self._spellings: dict[str, str] = {}  # any language seen: casefolded -> as stored
        self._fetch_limit = PAGE
        self._appending = False
        self._updating_choices = False
        self.page: DutyPage | None = None
        self.assigning = False

        # The same table, with an "Assigned to" column added at the end.
        self.model = BureauDutyModel(self._day(), self)
        self.proxy.setSourceModel(self.model)
        for column, width in COLUMN_WIDTHS.items():
            self.table.setColumnWidth(column, width)
        self._arrange_columns()
        for column in self.hidden_columns:
            self.table.setColumnHidden(column, True)

        self.division = self._combo("divisionCombo", "Division")
        self.division.currentIndexChanged.connect(self._on_division_changed)
        self.team = self._combo("teamCombo", "Team")
        self.oic = self._combo("oicCombo", "Officer in the case")
        self.duty = self._combo("dutyCombo", "Duty")
        self.language = self._combo("languageCombo", "Language")
        self.method = self._combo("methodCombo", "Preferred contact method")
        self.assigned = self._combo("assignedCombo", "Assigned to")
        for combo in (self.team, self.oic, self.duty):
            combo.addItem(ANY, None)
        self.method.addItem(ANY, None)
        for m in ContactMethod:
            self.method.addItem(METHOD_LABELS.get(m.value, m.value), m.value)
        self.assigned.addItem("Anyone or nobody", ASSIGNED_ANYONE)
        self.assigned.addItem("Assigned to me", ASSIGNED_ME)
        self.assigned.addItem("Not assigned yet", ASSIGNED_NOBODY)
        titles = ctx.code.rule_titles()
        for rule, title in sorted(titles.items(), key=lambda p: p[1].casefold()):
            self.duty.addItem(title, rule)
        self.duty.setMaximumWidth(360)

        # Languages: any can be typed (the database is asked for exactly that one); those seen are offered.
        self.language.setEditable(True)
        self.language.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.language.addItem(ANY, None)
        self.language.lineEdit().setPlaceholderText(ANY)
        self.language.lineEdit().setClearButtonEnabled(True)
        self.language.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.language.completer().setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.language.setToolTip("Choose or type a language, then press Enter")
        self.language.activated.connect(self._on_filters_changed)
        self.language.lineEdit().editingFinished.connect(self._on_filters_changed)
        self._language_sent: str | None = None

        for combo in (self.team, self.oic, self.duty, self.method, self.assigned):
            combo.currentIndexChanged.connect(self._on_filters_changed)

        self.enhanced_only = QCheckBox("&Enhanced only")
        self.enhanced_only.setObjectName("enhancedOnly")
        self.enhanced_only.setAccessibleName("Enhanced victims only")
        self.overdue_only = QCheckBox("&Overdue only")
        self.overdue_only.setObjectName("overdueOnly")
        self.overdue_only.setAccessibleName("Overdue duties only")
        for box in (self.enhanced_only, self.overdue_only):
            box.toggled.connect(self._on_filters_changed)

        self.summary = QLabel()
        self.summary.setObjectName("queueSummary")
        self.summary.setAccessibleName("Duties in the queue")
        font = self.summary.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.summary.setFont(font)
        self.summary.setToolTip("Every duty that matches the filters, however many are loaded below")

        self.filter_edit = make_filter_edit(
            "bureauFilter", "Find in the loaded rows: name, crime ref, phone…", "Find in the loaded rows"
        )
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        self.filter_edit.setMinimumWidth(
            self.filter_edit.fontMetrics().horizontalAdvance(self.filter_edit.placeholderText()) + 48
        )

        self.notice = QLabel()
        self.notice.setObjectName("assignNotice")
        self.notice.setAccessibleName("Assignment result")
        self.notice.setWordWrap(True)

        self.more_button = QPushButton("Load &more")
        self.more_button.setObjectName("loadMoreButton")
        self.more_button.setAccessibleName("Load more duties")
        self.more_button.clicked.connect(self.load_more)
        self.more_button.hide()

        self.assign_button = QPushButton("Ass&ign to me")
        self.assign_button.setObjectName("assignButton")
        self.assign_button.setAccessibleName("Assign the selected victims to me")
        self.assign_button.setToolTip("Take on the selected victims' contacts (all their due duties in that crime)")
        self.assign_button.clicked.connect(self.assign_selected_to_me)
        self.release_button = QPushButton("&Release")
        self.release_button.setObjectName("releaseButton")
        self.release_button.setAccessibleName("Release the selected victims")
        self.release_button.setToolTip("Give the selected victims back to the queue, assigned to nobody")
        self.release_button.clicked.connect(self.release_selected)
        self.letters_button = QPushButton("Letter&s…")
        self.letters_button.setObjectName("lettersButton")
        self.letters_button.setAccessibleName("Letters for the selected victims")
        self.letters_button.setToolTip("One letter per selected victim, in one PDF or print run; each is recorded")
        self.letters_button.clicked.connect(self.letters_for_selection)
        self.letters_dialog: LetterPreviewDialog | None = None

        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        fields = [
            ("&Division:", self.division),
            ("&Team:", self.team),
            ("Officer in &case:", self.oic),
            ("D&uty:", self.duty),
            ("Lan&guage:", self.language),
            ("&Prefers:", self.method),
            ("&Assigned:", self.assigned),
        ]
        for i, (text, combo) in enumerate(fields):
            row, col = divmod(i, 3)
            label = QLabel(text)
            label.setBuddy(combo)
            grid.addWidget(label, row, col * 2)
            grid.addWidget(combo, row, col * 2 + 1)
        boxes = QHBoxLayout()
        boxes.addWidget(self.enhanced_only)
        boxes.addSpacing(8)
        boxes.addWidget(self.overdue_only)
        boxes.addStretch(1)
        grid.addLayout(boxes, 2, 2, 1, 4)
        for col in (1, 3, 5):
            grid.setColumnStretch(col, 2)
        grid.setColumnStretch(6, 1)

        head = QHBoxLayout()
        head.addWidget(self.summary)
        head.addSpacing(12)
        head.addWidget(self.notice, 1)
        head.addSpacing(12)
        head.addWidget(self.filter_edit)

        foot = QHBoxLayout()
        foot.addWidget(self.footer, 1)
        foot.addWidget(self.more_button)
        foot.addSpacing(12)
        foot.addWidget(self.assign_button)
        foot.addWidget(self.release_button)
        foot.addSpacing(12)
        foot.addWidget(self.letters_button)
        foot.addWidget(self.log_button)
        self.log_button.setText("&Log contact for selected…")

        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addLayout(head)
        layout.addWidget(self.stack, 1)
        layout.addLayout(foot)
        self._show_summary()
        self._update_footer()

    def _arrange_columns(self) -> None:
        """Whose case it is and who in the bureau has the victim, side by side after the crime reference,
        so both stay in view at 1280 pixels (the last contact is the column that scrolls off first)."""
        self.table.setColumnWidth(COL_ASSIGNED, 124)
        self.table.setColumnWidth(COL_OIC, 124)
        header = self.table.horizontalHeader()
        header.moveSection(header.visualIndex(COL_ASSIGNED), header.visualIndex(COL_CRIME) + 1)
        header.moveSection(header.visualIndex(COL_OIC), header.visualIndex(COL_ASSIGNED))

    def restore_header_state(self, state: Any) -> None:
        super().restore_header_state(state)
        header = self.table.horizontalHeader()
        if header.visualIndex(COL_ASSIGNED) == header.count() - 1:
            # Saved before there was an "Assigned to" column: put it (and the officer) where they belong.
            self.table.setColumnWidth(COL_ASSIGNED, 124)
            self._arrange_columns()

    def _combo(self, name: str, accessible: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        combo.setMaximumWidth(300)
        return combo

    # --- divisions and officers ---------------------------------------------------------------

    def set_divisions(self, divisions: Iterable[str], current: str | None = None) -> None:
        """Fill the division list and select `current` (or the first); loads that division's queue."""
        self.division.blockSignals(True)
        self.division.clear()
        for name in divisions:
            self.division.addItem(name, name)
        index = self.division.findData(current) if current else -1
        self.division.setCurrentIndex(index if index >= 0 else (0 if self.division.count() else -1))
        self.division.blockSignals(False)
        self._forget_seen()
        self._fill_choices()
        self.reload()

    def current_division(self) -> str | None:
        return self.division.currentData()

    def set_current_division(self, name: str) -> None:
        index = self.division.findData(name)
        if index >= 0:
            self.division.setCurrentIndex(index)

    def set_officers(self, officers: Iterable[OfficerView]) -> None:
        """Everyone who may be an officer in the case: gives the team and officer choices, and assignees' names."""
        self._officers = {o.staff_no: o for o in officers}
        self.model.set_names({o.staff_no: o.name for o in self._officers.values()})
        self._fill_choices()

    def set_officer(self, officer: OfficerView | None) -> None:
        super().set_officer(officer)
        self._update_footer()
        if self.assigned.currentData() == ASSIGNED_ME:
            self.reload()

    def _on_division_changed(self, _index: int) -> None:
        self._forget_seen()
        self._fill_choices()
        self.reload()
        name = self.current_division()
        if name:
            self.division_changed.emit(name)

    # --- what to ask the database for ---------------------------------------------------------

    def me(self) -> str:
        """Who "me" is for assignment: the signed-in officer's staff number (else the acting user)."""
        return self._officer.staff_no if self._officer else self._ctx.actor.user

    def _chosen_language(self) -> str | None:
        text = self.language.currentText().strip()
        if not text or text.casefold() == ANY.casefold():
            return None
        return self._spellings.get(text.casefold(), text)

    def wanted(self) -> DutyFilter:
        """The filters as chosen on screen."""
        who = self.assigned.currentData()
        return DutyFilter(
            division=self.current_division(),
            team=self.team.currentData(),
            oic_staff_no=self.oic.currentData(),
            rule=self.duty.currentData(),
            language=self._chosen_language(),
            preferred_method=self.method.currentData(),
            enhanced_only=self.enhanced_only.isChecked(),
            overdue_only=self.overdue_only.isChecked(),
            assigned_to=self.me() if who == ASSIGNED_ME else None,
            unassigned_only=who == ASSIGNED_NOBODY,
        )

    def filtered(self) -> bool:
        """Whether any filter beyond the division is on."""
        return self.wanted() != DutyFilter(division=self.current_division())

    def _load_call(self):
        if not self.current_division():
            return None
        if self._appending:
            limit, offset = self.page_size, self.model.rowCount()
        else:
            limit, offset = self._fetch_limit, 0
        return (
            queries.bureau_queue,
            (self._ctx, self.wanted()),
            {"as_of": self._ctx.today(), "limit": limit, "offset": offset},
        )

    # --- loading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Load again with the same filters, keeping as many rows as were loaded (F5, after logging)."""
        self._appending = False
        self._fetch_limit = max(self.page_size, self.model.rowCount())
        super().refresh()
        self._show_summary()

    def reload(self) -> None:
        """Load the first page afresh (the filters or division changed)."""
        self._show_notice("", error=False)
        self._appending = False
        self._fetch_limit = self.page_size
        super().refresh()
        self._show_summary()

    def _on_filters_changed(self, *_args: Any) -> None:
        if self._updating_choices:
            return
        language = self._chosen_language()
        if self.sender() in (self.language, self.language.lineEdit()) and language == self._language_sent:
            return  # Enter pressed or focus left with the language unchanged
        self._language_sent = language
        self.reload()

    def load_more(self) -> None:
        """Fetch the next page and add it below the rows already loaded."""
        if self.loading or not self.has_more():
            return
        self._appending = True
        super().refresh()

    def has_more(self) -> bool:
        return self.page is not None and self.model.rowCount() < self.page.total

    def _on_rows_fetched(self, generation: int, page: DutyPage, day: Day) -> None:  # type: ignore[override]
        if generation != self._generation or not shiboken6.isValid(self.model):
            return  # stale, or the screen has been closed while the page was read
        appending, self._appending = self._appending, False
        self.page = page
        self._remember_choices(page.rows)
        if appending:
            self.loading = False
            known = {r.obligation_id for r in self.model.rows()}
            self.model.append_rows(r for r in page.rows if r.obligation_id not in known)
            self._after_load()
            self._update_footer()
            self.rows_loaded.emit()
            return
        super()._on_rows_fetched(generation, page.rows, day)

    def _on_fetch_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._appending = False
        super()._on_fetch_failed(generation, exc)
        self._show_summary()

    def _empty_text(self) -> str:
        division = self.current_division()
        if not division:
            return "No divisions yet: import a crime extract first."
        if self.filtered():
            return f"No duties in {division} match these filters."
        return f"Nothing is due or overdue in {division}."

    def _after_load(self) -> None:
        self.more_button.setVisible(self.has_more())
        self.more_button.setToolTip(f"Add the next {self.page_size} duties below (oldest due first)")
        self._fill_choices()
        self._show_summary()

    def _show_summary(self) -> None:
        page = self.page
        if self.loading and not self._appending:
            self.summary.setText("Loading…")
        elif page is None or not self.current_division():
            self.summary.setText("")
        else:
            self.summary.setText(
                f"{_count(page.total, 'duty', 'duties')} ({page.overdue:,} overdue, {page.due_soon:,} due soon)"
            )
        self.summary.setAccessibleName(self.summary.text() or "Duties in the queue")

    def totals(self) -> tuple[int, int, int] | None:
        """(duties, overdue, due soon) as shown in the header, for everything that matches the filters."""
        return (self.page.total, self.page.overdue, self.page.due_soon) if self.page else None

    def _update_footer(self) -> None:
        super()._update_footer()
        selected = bool(self.selected_duties()) if hasattr(self, "assign_button") else False
        if hasattr(self, "assign_button"):
            self.assign_button.setEnabled(selected and not self.assigning)
            self.release_button.setEnabled(selected and not self.assigning)
        if hasattr(self, "letters_button"):
            self.letters_button.setEnabled(selected)
        if self.loading or self.page is None:
            return
        loaded, shown = self.model.rowCount(), self.proxy.rowCount()
        total = self.page.total
        if loaded == 0:
            return
        parts = []
        if shown != loaded:
            parts.append(f"Showing {shown:,} of the {loaded:,} loaded")
        elif loaded < total:
            parts.append(f"The {loaded:,} due first of {_count(total, 'duty', 'duties')} are loaded")
        else:
            parts.append(f"All {_count(loaded, 'duty', 'duties')} are loaded" if loaded > 1 else "1 duty")
        count = len(self.table.selectionModel().selectedRows())
        if count:
            parts.append(f"{count} selected")
        elif shown:
            parts.append("select rows to log a contact (Enter) or assign them; Ctrl+O opens the record")
        self.footer.setText(" · ".join(parts))

    # --- assignment ---------------------------------------------------------------------------

    def assign_selected_to_me(self) -> bool:
        """Assign the victims behind the selected duties to the signed-in officer. False if nothing is selected."""
        return self._assign(self.me(), "Assigned {n} to you.")

    def release_selected(self) -> bool:
        """Assign the victims behind the selected duties to nobody. False if nothing is selected."""
        return self._assign(None, "Released {n}: assigned to nobody now.")

    def _assign(self, who: str | None, done: str) -> bool:
        duties = self.selected_duties()
        if not duties or self.assigning:
            return False
        self.assigning = True
        self._update_footer()
        ids = [d.obligation_id for d in duties]
        self._runner.write(assignment.assign_duties, self._ctx, ids, who).on_success(
            lambda count: self._on_assigned(done.format(n=plural(count, "victim")))
        ).on_failure(lambda exc: self._on_assign_failed(exc, who, done))
        return True

    def _on_assigned(self, text: str) -> None:
        self.assigning = False
        if not shiboken6.isValid(self.notice):
            return
        self._show_notice(text, error=False)
        self.assignment_changed.emit(text)
        self.refresh()

    def _on_assign_failed(self, exc: BaseException, who: str | None = None, done: str = "") -> None:
        self.assigning = False
        if not shiboken6.isValid(self.notice):
            return
        if isinstance(exc, ReauthenticationRequired):
            # Assigning several victims at once is a bulk action: confirm the password, then try again.
            dialog = ReauthenticateDialog(self._ctx, self._runner, "Assigning several victims at once", self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.saved.connect(lambda _r: self._assign(who, done))
            dialog.rejected.connect(lambda: self._show_notice("Not assigned: the password was not given again.", True))
            self.reauth_dialog = dialog
            dialog.open()
            self._update_footer()
            return
        self._show_notice(f"The assignment was not saved. {describe_error(exc)}", error=True)
        self._update_footer()

    # --- letters ------------------------------------------------------------------------------

    def letters_for_selection(self) -> LetterPreviewDialog | None:
        """The letter dialog for the victims behind the selected duties (one letter each, one PDF)."""
        targets: dict[tuple[str, str], LetterTarget] = {}
        for duty in self.selected_duties():
            key = (duty.crime_ref, duty.victim_ref)
            targets.setdefault(key, LetterTarget(duty.crime_ref, duty.victim_ref, duty.victim_name))
        if not targets:
            return None
        dialog = LetterPreviewDialog(self._ctx, self._runner, list(targets.values()), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._on_letters_recorded)
        dialog.finished.connect(lambda _r, d=dialog: self.letters_dialog is d and setattr(self, "letters_dialog", None))
        self.letters_dialog = dialog
        dialog.open()
        return dialog

    def _on_letters_recorded(self, recorded: list) -> None:
        if not shiboken6.isValid(self.notice):
            return
        self._show_notice(f"Recorded {plural(len(recorded), 'letter')} (contact entries: letter).", error=False)
        self.contacts_recorded.emit(recorded)
        self.refresh()

    def _show_notice(self, text: str, error: bool) -> None:
        if not text:
            self.notice.setStyleSheet("")
            self.notice.clear()
            return
        colours = "color: #842029; background: #f8d7da;" if error else "color: #0a3622; background: #d1e7dd;"
        self.notice.setStyleSheet(f"QLabel {{ {colours} padding: 4px 8px; border-radius: 3px; }}")
        self.notice.setText(text)

    # --- filter choices -----------------------------------------------------------------------

    def _forget_seen(self) -> None:
        self._seen_oics.clear()
        self._seen_teams.clear()
        self._seen_languages.clear()

    def _remember_choices(self, rows: Iterable[DutyRow]) -> None:
        for r in rows:
            if r.oic_staff_no:
                self._seen_oics.setdefault(r.oic_staff_no, r.oic_name or "")
            if r.team:
                self._seen_teams.add(r.team)
            language = (r.language or "").strip()
            if language:
                self._seen_languages.add(language)
                self._spellings.setdefault(language.casefold(), language)

    def _fill_choices(self) -> None:
        """Officers and teams of the division (and any seen in its queue); languages seen so far."""
        division = self.current_division()
        oics = {s: o.name for s, o in self._officers.items() if o.division == division}
        oics.update(self._seen_oics)
        teams = {o.team for o in self._officers.values() if o.division == division and o.team}
        teams |= self._seen_teams
        self._updating_choices = True
        try:
            _refill(self.oic, sorted(((f"{s} {n}".strip(), s) for s, n in oics.items()), key=lambda p: p[0].casefold()))
            _refill(self.team, [(t, t) for t in sorted(teams, key=str.casefold)])
            self._refill_languages()
        finally:
            self._updating_choices = False

    def _refill_languages(self) -> None:
        if self.language.lineEdit().hasFocus():
            return  # the officer is typing a language: offer the new ones next time
        text = self.language.currentText()
        self.language.blockSignals(True)
        self.language.clear()
        self.language.addItem(ANY, None)
        for language in sorted(self._seen_languages, key=str.casefold):
            self.language.addItem(language, language)
        index = self.language.findText(text, Qt.MatchFlag.MatchFixedString) if text else 0
        if index >= 0:
            self.language.setCurrentIndex(index)
        else:
            self.language.setEditText(text)
        self.language.blockSignals(False)

    def select_choice(self, combo: QComboBox, value: str | None) -> None:
        """Choose the entry whose data is `value` (None: Any). A language not offered yet may be typed."""
        if combo is self.language:
            self.language.setEditText(value or ANY)
            self._on_filters_changed()
            return
        index = combo.findData(value) if value is not None else 0
        if index < 0:
            raise ValueError(f"{combo.accessibleName()} has no choice {value!r}")
        combo.setCurrentIndex(index)


def _count(n: int, noun: str, nouns: str) -> str:
    return f"{n:,} {noun if n == 1 else nouns}"


def _refill(combo: QComboBox, choices: list[tuple[str, str]]) -> None:
    """Replace a filter's choices, keeping the current one if it is still there (else back to Any)."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(ANY, None)
    for text, data in choices:
        combo.addItem(text, data)
    index = combo.findData(current) if current is not None else 0
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)

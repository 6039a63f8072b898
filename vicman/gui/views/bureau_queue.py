"""Bureau queue: every overdue and due-soon duty in a division, for re-contact bureau staff to work.

Signals (besides those of `DutyListView`):
    division_changed(str): another division was chosen.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from vicman.domain.enums import ContactMethod
from vicman.gui.formatting import METHOD_LABELS
from vicman.gui.models.duty_table_model import COL_DIVISION
from vicman.gui.views.duty_list import DutyListView
from vicman.gui.widgets import make_filter_edit
from vicman.gui.workers import Runner
from vicman.services import queries
from vicman.services.context import ServiceContext
from vicman.services.people import OfficerView
from vicman.services.views import DutyRow

PAGE = 500
ANY = "Any"


class BureauQueueView(DutyListView):
    """A division's due and overdue duties with filters and multi-select logging."""

    division_changed = Signal(str)

    hidden_columns = (COL_DIVISION,)

    def __init__(self, ctx: ServiceContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(ctx, runner, parent)
        self.setObjectName("bureauQueueView")
        self.table.setAccessibleName("Bureau queue duties")
        self._officers: dict[str, OfficerView] = {}
        self._fetched = 0
        self._more = False
        self._appending = False

        self.division = self._combo("divisionCombo", "Division")
        self.division.currentIndexChanged.connect(self._on_division_changed)
        self.team = self._combo("teamCombo", "Team")
        self.oic = self._combo("oicCombo", "Officer in the case")
        self.duty = self._combo("dutyCombo", "Duty")
        self.language = self._combo("languageCombo", "Language")
        self.method = self._combo("methodCombo", "Preferred contact method")
        self.method.addItem(ANY, None)
        for m in ContactMethod:
            self.method.addItem(METHOD_LABELS.get(m.value, m.value), m.value)
        for combo in (self.team, self.oic, self.duty, self.language):
            combo.addItem(ANY, None)
        for combo in (self.team, self.oic, self.duty, self.language, self.method):
            combo.currentIndexChanged.connect(self._apply_filters)

        self.enhanced_only = QCheckBox("&Enhanced only")
        self.enhanced_only.setObjectName("enhancedOnly")
        self.enhanced_only.setAccessibleName("Enhanced victims only")
        self.overdue_only = QCheckBox("&Overdue only")
        self.overdue_only.setObjectName("overdueOnly")
        self.overdue_only.setAccessibleName("Overdue duties only")
        for box in (self.enhanced_only, self.overdue_only):
            box.toggled.connect(self._apply_filters)

        self.filter_edit = make_filter_edit("bureauFilter", "Filter: name, crime ref, phone…", "Filter the queue")
        self.filter_edit.textChanged.connect(self.proxy.set_text)

        self.more_button = QPushButton("Load &more")
        self.more_button.setObjectName("loadMoreButton")
        self.more_button.setAccessibleName("Load more duties")
        self.more_button.setToolTip(f"The queue is fetched {PAGE} duties at a time, oldest due first")
        self.more_button.clicked.connect(self.load_more)
        self.more_button.hide()

        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        fields = [
            ("&Division:", self.division),
            ("&Team:", self.team),
            ("Officer in &case:", self.oic),
            ("D&uty:", self.duty),
            ("Lan&guage:", self.language),
            ("&Prefers:", self.method),
        ]
        for i, (text, combo) in enumerate(fields):
            row, col = divmod(i, 3)
            label = QLabel(text)
            label.setBuddy(combo)
            grid.addWidget(label, row, col * 2)
            grid.addWidget(combo, row, col * 2 + 1)
        for col in (1, 3, 5):
            grid.setColumnStretch(col, 2)
        grid.setColumnStretch(6, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.enhanced_only)
        bottom.addWidget(self.overdue_only)
        bottom.addSpacing(12)
        bottom.addWidget(self.filter_edit, 1)
        self.filter_edit.setMaximumWidth(420)
        bottom.addStretch(0)
        grid.addLayout(bottom, 2, 0, 1, 6)

        foot = QHBoxLayout()
        foot.addWidget(self.footer, 1)
        foot.addWidget(self.more_button)
        foot.addWidget(self.log_button)
        self.log_button.setText("&Log contact for selected…")

        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.stack, 1)
        layout.addLayout(foot)

    def _combo(self, name: str, accessible: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(6)
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
        self.refresh()

    def current_division(self) -> str | None:
        return self.division.currentData()

    def set_current_division(self, name: str) -> None:
        index = self.division.findData(name)
        if index >= 0:
            self.division.setCurrentIndex(index)

    def set_officers(self, officers: Iterable[OfficerView]) -> None:
        """Everyone who may be an officer in the case: gives teams for the team filter."""
        self._officers = {o.staff_no: o for o in officers}
        self.proxy.set_teams({o.staff_no: o.team for o in self._officers.values()})
        self._fill_choices()

    def _on_division_changed(self, _index: int) -> None:
        self.refresh()
        name = self.current_division()
        if name:
            self.division_changed.emit(name)

    # --- loading ------------------------------------------------------------------------------

    def _load_call(self):
        division = self.current_division()
        if not division:
            return None
        offset = self._fetched if self._appending else 0
        return (
            queries.overdue_worklist,
            (self._ctx, division),
            {
                "as_of": self._ctx.today(),
                "limit": PAGE,
                "offset": offset,
                "include_due_soon": True,
            },
        )

    def refresh(self) -> None:
        self._appending = False
        super().refresh()

    def load_more(self) -> None:
        self._appending = True
        super().refresh()

    def _on_rows_fetched(self, generation: int, rows: list[DutyRow], day) -> None:
        if generation != self._generation:
            return
        if self._appending:
            self._appending = False
            self.loading = False
            known = {r.obligation_id for r in self.model.rows()}
            self.model.append_rows(r for r in rows if r.obligation_id not in known)
            self._fetched += len(rows)
            self._more = len(rows) == PAGE
            self._after_load()
            self._update_footer()
            self.rows_loaded.emit()
            return
        self._fetched = len(rows)
        self._more = len(rows) == PAGE
        super()._on_rows_fetched(generation, rows, day)

    def _empty_text(self) -> str:
        if not self.current_division():
            return "No divisions yet: import a crime extract first."
        return f"Nothing is due or overdue in {self.current_division()}."

    def _after_load(self) -> None:
        self.more_button.setVisible(self._more)
        self._fill_choices()

    def _update_footer(self) -> None:
        super()._update_footer()
        if self._more and not self.loading:
            self.footer.setText(self.footer.text() + f" (the {self._fetched} due soonest; more to load)")

    # --- filters ------------------------------------------------------------------------------

    def _fill_choices(self) -> None:
        rows = self.model.rows()
        oics = {r.oic_staff_no: r.oic_name or "" for r in rows if r.oic_staff_no}
        teams = {self._officers[s].team for s in oics if s in self._officers and self._officers[s].team}
        duties = {r.rule: r.title for r in rows}
        languages = {(r.language or "").strip() for r in rows if r.language and r.language.strip()}
        _refill(self.oic, sorted(((f"{s} {n}".strip(), s) for s, n in oics.items()), key=lambda p: p[0].casefold()))
        _refill(self.team, [(t, t) for t in sorted(teams, key=str.casefold)])
        _refill(self.duty, sorted(((t, r) for r, t in duties.items()), key=lambda p: p[0].casefold()))
        _refill(self.language, [(lang, lang) for lang in sorted(languages, key=str.casefold)])
        self._apply_filters()

    def _apply_filters(self, *_args) -> None:
        self.proxy.set_filters(
            overdue_only=self.overdue_only.isChecked(),
            enhanced_only=self.enhanced_only.isChecked(),
            language=self.language.currentData(),
            method=self.method.currentData(),
            oic=self.oic.currentData(),
            rule=self.duty.currentData(),
            team=self.team.currentData(),
        )
        self._update_footer()

    def select_choice(self, combo: QComboBox, value: str | None) -> None:
        """Choose the entry whose data is `value` (None: Any)."""
        index = combo.findData(value) if value is not None else 0
        if index < 0:
            raise ValueError(f"{combo.accessibleName()} has no choice {value!r}")
        combo.setCurrentIndex(index)


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

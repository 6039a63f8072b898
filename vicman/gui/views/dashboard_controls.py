"""The dashboard's choices: whose work (the force, a division, a team or an officer: only what the user's
roles let them see), which period (last 4 weeks, 3 months, 12 months, or any dates) and how the trend is
bucketed (week or month). Built from the supervisors' scope and period pickers.

Signals of `DashboardControls`:
    changed(): any choice changed (the dashboard reads the reports again).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QGroupBox, QLabel, QSizePolicy, QWidget

from vicman.gui.dialogs.common import buddy
from vicman.gui.views.supervision_common import PeriodEdit, ScopeChooser
from vicman.services.context import Actor
from vicman.services.permissions import Scope
from vicman.services.report_types import ReportScope


def last_weeks(today: date, weeks: int = 4) -> tuple[date, date]:
    return today - timedelta(days=7 * weeks - 1), today


def last_months(today: date, months: int) -> tuple[date, date]:
    return today - relativedelta(months=months) + timedelta(days=1), today


PRESETS: tuple[tuple[str, str, Callable[[date], tuple[date, date]] | None], ...] = (
    ("weeks4", "Last 4 weeks", last_weeks),
    ("months3", "Last 3 months", lambda today: last_months(today, 3)),
    ("months12", "Last 12 months", lambda today: last_months(today, 12)),
    ("custom", "Dates of my choice", None),
)
DEFAULT_PRESET = "months3"
FORCE = "force"
FORCE_WORDS = "Whole force"


class ReportScopeChooser(ScopeChooser):
    """The supervisors' scope chooser with the whole force as a fourth kind, offering only the scopes the
    user may see: the role table's grant of `reports.view` (force, own division, own team, or oneself)."""

    def __init__(self, prefix: str, parent: QWidget | None = None) -> None:
        self._actor: Actor | None = None
        self._reach: Scope = Scope.FORCE
        super().__init__(prefix, parent)
        self._refill_kinds()

    def restrict(self, actor: Actor, reach: Scope) -> None:
        """Offer only what `actor` may see with a grant of `reach`; kinds with nothing to choose are left out."""
        self._actor, self._reach = actor, reach
        self._refill_kinds()

    def set_people(self, officers, divisions) -> None:
        super().set_people(officers, divisions)
        self._refill_kinds()

    def _refill_kinds(self) -> None:
        kind, value = self.scope()
        with QSignalBlocker(self.kind):
            self.kind.clear()
            for wanted, text in (
                (FORCE, FORCE_WORDS),
                ("division", "Division"),
                ("team", "Team"),
                ("officer", "Officer"),
            ):
                if self.choices(wanted):
                    self.kind.addItem(text, wanted)
        self._fill()
        if kind is not None and value is not None:
            self.set_scope(kind, value)

    def choices(self, kind: str) -> list[tuple[str, str]]:
        if kind == FORCE:
            return [(FORCE, "All divisions")] if self._reach >= Scope.FORCE else []
        found = super().choices(kind)
        actor, reach = self._actor, self._reach
        if actor is None or reach >= Scope.FORCE:
            return found
        officers = {o.staff_no: o for o in self._officers}
        if kind == "division":
            return [c for c in found if reach >= Scope.DIVISION and c[0] == actor.division]
        if kind == "team":
            if reach >= Scope.DIVISION:
                return [c for c in found if c[0].split("/", 1)[0] == actor.division]
            return [c for c in found if reach >= Scope.TEAM and c[0] == f"{actor.division}/{actor.team}"]
        if reach >= Scope.DIVISION:
            return [c for c in found if officers[c[0]].division == actor.division]
        if reach >= Scope.TEAM:
            return [c for c in found if (officers[c[0]].division, officers[c[0]].team) == (actor.division, actor.team)]
        return [c for c in found if c[0] == actor.staff_no]

    def has_choices(self) -> bool:
        return self.kind.count() > 0 and self.value.count() > 0

    def scope_label(self) -> str:
        kind, _value = self.scope()
        return FORCE_WORDS if kind == FORCE else super().scope_label()

    def report_scope(self) -> ReportScope | None:
        """The scope as the reports take it; None when nothing is chosen."""
        kind, value = self.scope()
        if not value:
            return None
        if kind == FORCE:
            return ReportScope()
        return ReportScope(**{kind: value})

    def choose_default_for(self, actor: Actor) -> None:
        """The widest useful default: the user's division (the force if they have none and may see it), else
        their team, else themselves."""
        if actor.division and self.set_scope("division", actor.division):
            return
        if self._reach >= Scope.FORCE and self.set_scope(FORCE, FORCE):
            return
        if actor.division and actor.team and self.set_scope("team", f"{actor.division}/{actor.team}"):
            return
        if actor.staff_no and self.set_scope("officer", actor.staff_no):
            return
        if self.kind.count():
            self.kind.setCurrentIndex(0)


class DashboardControls(QGroupBox):
    """Scope, period (with presets) and trend, in one box."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Whose work, and when", parent)
        self.setObjectName("dashboardControls")
        self._today = date.today()
        self.scope = ReportScopeChooser("dashboard")
        self.preset = QComboBox()
        self.preset.setObjectName("dashboardPeriodPreset")
        self.preset.setAccessibleName("Period")
        for key, text, _period in PRESETS:
            self.preset.addItem(text, key)
        self.period = PeriodEdit("dashboard")
        self.trend = QComboBox()
        self.trend.setObjectName("dashboardTrend")
        self.trend.setAccessibleName("Trend by week or month")
        self.trend.addItem("Month", "month")
        self.trend.addItem("Week", "week")
        self.trend.setToolTip("How the trend chart groups the duties: by the week or the month they fell due")

        grid = QGridLayout(self)
        grid.setHorizontalSpacing(8)
        grid.addWidget(buddy("S&cope", self.scope.kind), 0, 0)
        grid.addWidget(self.scope, 0, 1)
        grid.addWidget(buddy("T&rend by", self.trend), 0, 2, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.trend, 0, 3)
        grid.addWidget(buddy("&Period", self.preset), 1, 0)
        grid.addWidget(self.preset, 1, 1, Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(QLabel("Duties due from"), 1, 2, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.period, 1, 3)
        grid.setColumnStretch(1, 1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

        self.scope.changed.connect(self.changed)
        self.trend.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.preset.currentIndexChanged.connect(self._on_preset_chosen)
        self.period.changed.connect(self._on_dates_edited)

    def set_today(self, today: date) -> None:
        self._today = today
        self.period.set_today(today)

    def choose_preset(self, key: str) -> None:
        self.preset.setCurrentIndex(max(self.preset.findData(key), 0))
        self._on_preset_chosen()

    def _on_preset_chosen(self, _index: int = 0) -> None:
        key = self.preset.currentData()
        period = next((p for k, _t, p in PRESETS if k == key), None)
        if period is None:
            return  # dates of the user's choice: leave them as they are
        with QSignalBlocker(self.period):
            self.period.set_period(*period(self._today))
        with QSignalBlocker(self.trend):  # weeks for a short period, months for longer ones
            self.trend.setCurrentIndex(self.trend.findData("week" if key == "weeks4" else "month"))
        self.changed.emit()

    def _on_dates_edited(self) -> None:
        """Dates typed in: the preset that matches them, else "dates of my choice"."""
        chosen = self.period.period()
        matching = next((k for k, _t, p in PRESETS if p is not None and p(self._today) == chosen), "custom")
        with QSignalBlocker(self.preset):
            self.preset.setCurrentIndex(self.preset.findData(matching))
        self.changed.emit()

    def set_period(self, start: date, end: date) -> None:
        self.period.set_period(start, end)

    def trend_bucket(self) -> str:
        return str(self.trend.currentData())

    def set_trend(self, bucket: str) -> None:
        self.trend.setCurrentIndex(self.trend.findData(bucket))

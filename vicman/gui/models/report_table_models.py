"""The dashboard's tables over the reports' plain data (`vicman.services.report_types`): duties by type, the
Ministry of Justice measures, satisfaction by ethnic group and the white/minority gaps, and the duties behind
a number. Numbers read as people write them: "87.5%", "n = 42", "—" for none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from vicman.gui.formatting import local_datetime, uk_date, uk_datetime
from vicman.gui.models.compliance_table_model import BAND_COLOURS, band
from vicman.gui.models.dto_table_model import Column, DtoTableModel, role_colour
from vicman.gui.models.sample_table_model import AMBER, RED, status_style
from vicman.services.report_types import DutyCounts, GapTest, GroupSatisfaction, MojMeasure, Proportion

NONE = "—"

QUESTIONS = (
    ("overall", "Overall service"),
    ("kept_informed", "Being kept informed"),
    ("treatment", "Treatment by staff"),
    ("ease_of_contact", "Ease of contact"),
)
QUESTION_WORDS = dict(QUESTIONS)

STATUS_WORDS = {
    None: "all duties",
    "on_time": "met on time",
    "late": "met late",
    "overdue": "overdue now",
    "open": "open",
    "waived": "waived",
}
"""A duty's status as `reports.duties_behind` takes it (None: any), in words for captions."""


def percent(value: float | None) -> str:
    """87.5 -> "87.5%"; a whole number without its ".0"; None -> "—"."""
    if value is None:
        return NONE
    text = f"{value:.1f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"


def n_text(count: int | None) -> str:
    return NONE if count is None else f"n = {count:,}"


def ci_text(low: float | None, high: float | None) -> str:
    """A 95% interval of percentages: "80.1% to 91.3%"; "—" when there is none."""
    if low is None or high is None:
        return NONE
    return f"{percent(low)} to {percent(high)}"


def points_text(value: float | None) -> str:
    """A difference in percentage points, signed: "+6.2 points"."""
    if value is None:
        return NONE
    text = f"{abs(value):.1f}".removesuffix(".0")
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return f"{sign}{text} points"


def points_ci_text(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return NONE
    return f"{points_text(low)} to {points_text(high)}".replace(" points to", " to")


def p_text(value: float | None) -> str:
    if value is None:
        return NONE
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


def proportion_text(found: Proportion) -> str:
    """ "82% (n = 45)": the share satisfied and of how many who answered."""
    return f"{percent(found.pct)} ({n_text(found.answered)})"


def waiver_tip(row: DutyCounts) -> str | None:
    if not row.waiver_reasons:
        return None
    return "Waived because:\n" + "\n".join(f"{r.count} × {r.reason}" for r in row.waiver_reasons)


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


# --- duties by type -------------------------------------------------------------------------------

(
    COL_DUTY,
    COL_DUE,
    COL_ON_TIME,
    COL_LATE,
    COL_OVERDUE,
    COL_OPEN,
    COL_WAIVED,
    COL_PCT,
) = range(8)

COLUMN_STATUS: dict[int, str | None] = {
    COL_DUTY: None,
    COL_DUE: None,
    COL_ON_TIME: "on_time",
    COL_LATE: "late",
    COL_OVERDUE: "overdue",
    COL_OPEN: "open",
    COL_WAIVED: "waived",
    COL_PCT: None,
}
"""The status of the duties a cell counts, for the click-through (None: all of the row's duties)."""


def _count(header: str, tip: str, field: str) -> Column[DutyCounts]:
    return Column(header, tip, lambda _, r: f"{getattr(r, field):,}", sort=lambda _, r: getattr(r, field))


class DutyCountsTableModel(DtoTableModel[DutyCounts]):
    """One row per kind of duty that fell due in the period, and the total row last (in bold)."""

    COLUMNS: ClassVar[Mapping[int, Column[DutyCounts]]] = {
        COL_DUTY: Column(
            "Duty",
            "What the Code requires",
            lambda _, r: "All duties" if r.rule == "all" else r.title,
            tip=lambda _, r: None if r.rule == "all" else r.title,
        ),
        COL_DUE: _count("Due", "Duties that fell due in the period", "due"),
        COL_ON_TIME: _count("On time", "Met by their due date", "met_on_time"),
        COL_LATE: _count("Late", "Met, but after their due date", "met_late"),
        COL_OVERDUE: _count("Overdue", "Overdue now: not met and past their due date today", "overdue"),
        COL_OPEN: _count("Open", "Not met and not yet past their due date", "open"),
        COL_WAIVED: Column(
            "Waived",
            "Waived with a reason (point at the number for the reasons)",
            lambda _, r: f"{r.waived:,}",
            sort=lambda _, r: r.waived,
            tip=lambda _, r: waiver_tip(r),
        ),
        COL_PCT: Column(
            "% on time",
            "Met on time, as a share of the duties whose outcome is known (not waived, not still open)",
            lambda _, r: percent(r.on_time_pct),
            sort=lambda _, r: r.on_time_pct,
        ),
    }

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._bold = _bold()

    def cell_style(self, row: DutyCounts, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.FontRole and row.rule == "all":
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and column != COL_DUTY:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if column == COL_PCT:
            found = band(row.on_time_pct)
            return role_colour(BAND_COLOURS.get(found) if found else None, role)
        if column == COL_OVERDUE and row.overdue:
            return role_colour(RED, role)
        return None


# --- the Ministry of Justice measures -----------------------------------------------------------

COL_M_MEASURE, COL_M_APPLICABLE, COL_M_MET, COL_M_ON_TIME, COL_M_PCT, COL_M_NOTE = range(6)


class MojTableModel(DtoTableModel[MojMeasure]):
    """The five measures, each with how many it applies to, how many met it and how it is counted."""

    COLUMNS: ClassVar[Mapping[int, Column[MojMeasure]]] = {
        COL_M_MEASURE: Column("Measure", "The Ministry of Justice compliance measure", lambda _, m: m.label),
        COL_M_APPLICABLE: Column(
            "Applies to",
            "The victims or duties the measure counts",
            lambda _, m: f"{m.applicable:,}",
            sort=lambda _, m: m.applicable,
        ),
        COL_M_MET: Column("Met", "How many met it", lambda _, m: f"{m.met:,}", sort=lambda _, m: m.met),
        COL_M_ON_TIME: Column(
            "On time",
            "How many met it by the deadline (— for a measure with no deadline)",
            lambda _, m: NONE if m.met_on_time is None else f"{m.met_on_time:,}",
            sort=lambda _, m: m.met_on_time,
        ),
        COL_M_PCT: Column(
            "Share", "Met, as a share of those it applies to", lambda _, m: percent(m.pct), sort=lambda _, m: m.pct
        ),
        COL_M_NOTE: Column("How it is counted", None, lambda _, m: m.note, tip=lambda _, m: m.note),
    }

    def cell_style(self, row: MojMeasure, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            COL_M_APPLICABLE,
            COL_M_MET,
            COL_M_ON_TIME,
            COL_M_PCT,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if column == COL_M_PCT:
            found = band(row.pct)
            return role_colour(BAND_COLOURS.get(found) if found else None, role)
        return None


# --- satisfaction by ethnic group -------------------------------------------------------------------

COL_S_GROUP, COL_S_N, COL_S_SATISFIED, COL_S_PCT, COL_S_CI = range(5)


class SatisfactionTableModel(DtoTableModel[GroupSatisfaction]):
    """The aggregates (White, Minority ethnic, Not recorded, All) in bold, then each ethnic group as recorded:
    of those who answered one question (`question`), how many were satisfied (4 or 5 of 5)."""

    COLUMNS: ClassVar[Mapping[int, Column[GroupSatisfaction]]] = {
        COL_S_GROUP: Column(
            "Group", "The ethnic group as recorded for the victim", lambda _, g: g.group, tip=lambda _, g: g.group
        ),
        COL_S_N: Column(
            "Answered",
            "How many answered the question",
            lambda m, g: n_text(m.proportion(g).answered),
            sort=lambda m, g: m.proportion(g).answered,
        ),
        COL_S_SATISFIED: Column(
            "Satisfied",
            "Answered satisfied or very satisfied",
            lambda m, g: f"{m.proportion(g).satisfied:,}",
            sort=lambda m, g: m.proportion(g).satisfied,
        ),
        COL_S_PCT: Column(
            "% satisfied",
            "Satisfied, as a share of those who answered",
            lambda m, g: percent(m.proportion(g).pct),
            sort=lambda m, g: m.proportion(g).pct,
        ),
        COL_S_CI: Column(
            "95% confidence interval",
            "Where the true share most likely lies (Wilson score interval); wide when few answered",
            lambda m, g: ci_text(m.proportion(g).ci_low, m.proportion(g).ci_high),
            sort=lambda m, g: m.proportion(g).ci_low,
        ),
    }

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.question = "overall"
        self._aggregates: set[int] = set()
        """The ids of the aggregate rows (the rows hold dicts, so they cannot be hashed themselves)."""
        self._bold = _bold()

    def set_report(self, groups: tuple[GroupSatisfaction, ...], aggregates: tuple[GroupSatisfaction, ...]) -> None:
        with self._resetting():
            self._rows = [*aggregates, *groups]  # the summary first: it is what is compared
            self._aggregates = {id(a) for a in aggregates}

    def set_question(self, question: str) -> None:
        with self._resetting():
            self.question = question

    def proportion(self, group: GroupSatisfaction) -> Proportion:
        return group.questions.get(self.question) or Proportion(0, 0, None, None, None)

    def is_aggregate(self, group: GroupSatisfaction) -> bool:
        return id(group) in self._aggregates

    def cell_style(self, row: GroupSatisfaction, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.FontRole and self.is_aggregate(row):
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_S_N, COL_S_SATISFIED, COL_S_PCT):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


COL_G_QUESTION, COL_G_WHITE, COL_G_MINORITY, COL_G_GAP, COL_G_CI, COL_G_P, COL_G_VERDICT = range(7)


class GapTableModel(DtoTableModel[GapTest]):
    """The difference between white and minority ethnic victims on each question, with its interval and test."""

    COLUMNS: ClassVar[Mapping[int, Column[GapTest]]] = {
        COL_G_QUESTION: Column("Question", None, lambda _, g: QUESTION_WORDS.get(g.question, g.question)),
        COL_G_WHITE: Column(
            "White",
            "Satisfied, of the white victims who answered",
            lambda _, g: proportion_text(g.white),
            sort=lambda _, g: g.white.pct,
        ),
        COL_G_MINORITY: Column(
            "Minority ethnic",
            "Satisfied, of the minority ethnic victims who answered",
            lambda _, g: proportion_text(g.minority),
            sort=lambda _, g: g.minority.pct,
        ),
        COL_G_GAP: Column(
            "Gap",
            "White minus minority ethnic, in percentage points",
            lambda _, g: points_text(g.gap_points),
            sort=lambda _, g: g.gap_points,
        ),
        COL_G_CI: Column(
            "95% CI of the gap",
            "Newcombe's hybrid score interval of the difference",
            lambda _, g: points_ci_text(g.ci_low, g.ci_high),
            sort=lambda _, g: g.ci_low,
        ),
        COL_G_P: Column(
            "Test",
            "Two-proportion z-test, two-sided; “too few” when a group is too small to test",
            lambda _, g: p_text(g.p_value) if g.p_value is not None or g.gap_points is None else "too few",
            sort=lambda _, g: g.p_value,
        ),
        COL_G_VERDICT: Column("In plain words", None, lambda _, g: g.verdict, tip=lambda _, g: g.verdict),
    }

    def cell_style(self, row: GapTest, column: int, role: int) -> Any:
        if column == COL_G_VERDICT and row.significant:
            return role_colour(AMBER, role)
        return None


# --- the duties behind a number ---------------------------------------------------------------------

COL_B_VICTIM, COL_B_CRIME, COL_B_DUTY, COL_B_DUE, COL_B_STATUS, COL_B_MET, COL_B_OFFICER = range(7)


def _status_label(row: Any) -> str:
    label = getattr(row, "status_label", None)
    return label or STATUS_WORDS.get(row.status, row.status).capitalize()


class BehindTableModel(DtoTableModel[Any]):
    """The duties behind a number on the dashboard; Enter or a double-click opens the victim's record."""

    COLUMNS: ClassVar[Mapping[int, Column[Any]]] = {
        COL_B_VICTIM: Column(
            "Victim", "The victim the duty is owed to", lambda _, d: f"{d.victim_name} ({d.victim_ref})"
        ),
        COL_B_CRIME: Column("Crime", "The crime reference", lambda _, d: d.crime_ref),
        COL_B_DUTY: Column(
            "Duty",
            "What the Code requires",
            lambda _, d: d.title,
            tip=lambda _, d: d.title + (f"\nWaived: {d.waiver_reason}" if getattr(d, "waiver_reason", None) else ""),
        ),
        COL_B_DUE: Column("Due", "When it fell due", lambda _, d: uk_date(d.due), sort=lambda _, d: d.due),
        COL_B_STATUS: Column("Status", "Where it stands today", lambda _, d: _status_label(d)),
        COL_B_MET: Column(
            "Met",
            "When it was met (UK time)",
            lambda _, d: uk_datetime(getattr(d, "met_at", None)),
            sort=lambda _, d: getattr(d, "met_at", None),
        ),
        COL_B_OFFICER: Column("Officer", "The officer in the case", lambda _, d: str(getattr(d, "officer", "") or "")),
    }

    def cell_style(self, row: Any, column: int, role: int) -> Any:
        return status_style(row.status, role) if column == COL_B_STATUS else None


# --- a victim's surveys (the record's Surveys tab) ----------------------------------------------------

(
    COL_V_AT,
    COL_V_METHOD,
    COL_V_OVERALL,
    COL_V_INFORMED,
    COL_V_TREATMENT,
    COL_V_EASE,
    COL_V_STATE,
    COL_V_BY,
    COL_V_COMMENTS,
) = range(9)
SCALE_SHORT = {
    1: "Very dissatisfied",
    2: "Fairly dissatisfied",
    3: "Neither",
    4: "Fairly satisfied",
    5: "Very satisfied",
}
"""The survey's scale (`satisfaction.SCALE`), 3 shortened to fit a column."""


def score_text(score: int | None) -> str:
    return "Not answered" if score is None else f"{score} · {SCALE_SHORT.get(score, '')}"


def survey_state(survey: Any) -> str:
    """Whether the entry stands: "Retracted", "Corrected (by 12)", "Correction of 7" or "Stands"."""
    if survey.retracted:
        return f"Retraction of {survey.corrects_id}" if survey.corrects_id else "Retracted"
    if survey.corrected_by_id is not None:
        return f"Corrected (by {survey.corrected_by_id})"
    if survey.corrects_id is not None:
        return f"Correction of {survey.corrects_id}"
    return "Stands"


def _score(header: str, field: str) -> Column[Any]:
    return Column(
        header,
        f"{header}: 1 very dissatisfied to 5 very satisfied",
        lambda _, s: score_text(getattr(s, field)),
        sort=lambda _, s: getattr(s, field),
    )


class SurveyTableModel(DtoTableModel[Any]):
    """A victim's survey entries in one crime, newest first; corrected and retracted ones greyed, not hidden."""

    COLUMNS: ClassVar[Mapping[int, Column[Any]]] = {
        COL_V_AT: Column(
            "Answered",
            "When the victim answered",
            lambda _, s: uk_date(local_datetime(s.at).date()),
            sort=lambda _, s: s.at,
        ),
        COL_V_METHOD: Column("How", "How the victim answered", lambda _, s: s.method_label),
        COL_V_OVERALL: _score("Overall", "overall"),
        COL_V_INFORMED: _score("Kept informed", "kept_informed"),
        COL_V_TREATMENT: _score("Treatment", "treatment"),
        COL_V_EASE: _score("Ease of contact", "ease_of_contact"),
        COL_V_STATE: Column(
            "Entry",
            "Whether this entry stands, or was corrected or retracted (the reason is in the tooltip)",
            lambda _, s: f"{s.id}: {survey_state(s)}",
            tip=lambda _, s: f"Reason: {s.correction_reason}" if s.correction_reason else None,
        ),
        COL_V_BY: Column(
            "Recorded by",
            "Who recorded it, and when (UK time)",
            lambda _, s: s.recorded_by,
            tip=lambda _, s: f"Recorded {uk_datetime(s.recorded_at)}",
        ),
        COL_V_COMMENTS: Column(
            "Comments", "What the victim said", lambda _, s: s.comments or "", tip=lambda _, s: s.comments or None
        ),
    }

    def cell_style(self, row: Any, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and not row.standing:
            return QColor("#6c757d")
        if role == Qt.ItemDataRole.FontRole and not row.standing:
            font = QFont()
            font.setStrikeOut(column not in (COL_V_STATE,))
            return font
        return None

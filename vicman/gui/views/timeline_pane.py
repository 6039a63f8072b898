"""The Timeline tab of a victim's record: every time-stamped entry, newest first; corrections linked both ways;
and, on request, every time someone opened the record (from the audit trail), with their reason.

Signals:
    correct_requested(object): correct this `TimelineEntry`.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QWidget

from vicman.gui.formatting import plural, uk_datetime
from vicman.gui.models.timeline_table_model import (
    COL_BEHALF,
    COL_BY,
    COL_CRIME,
    COL_ENTRY,
    COL_KIND,
    COL_WHEN,
    CORRECTABLE,
    TimelineTableModel,
)
from vicman.gui.views.record_common import make_button, named_label, para, select_row
from vicman.gui.views.record_table_pane import RecordTablePane
from vicman.services.record_views import TimelineEntry, VictimRecord, ViewerView

VIEWED = "viewed"


def viewing_entry(number: int, viewer: ViewerView) -> TimelineEntry:
    """An opening of the record, shaped as a Timeline row (it is never correctable)."""
    roles = (viewer.role or "").replace(";", ", ")
    return TimelineEntry(
        kind=VIEWED,
        id=-number,
        at=viewer.at,
        recorded_at=viewer.at,
        author=viewer.user,
        on_behalf_of=None,
        crime_ref=None,
        summary=f"Opened by {viewer.user}" + (f": {viewer.reason}" if viewer.reason else ""),
        detail=f"Acting as {roles}." if roles else None,
        corrects_id=None,
        corrected_by_id=None,
        retracted=False,
        correction_reason=None,
    )


class TimelinePane(RecordTablePane):
    correct_requested = Signal(object)

    model: TimelineTableModel

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("timelinePane", parent)
        self._record: VictimRecord | None = None
        self._crime_ref: str | None = None
        self._build(
            TimelineTableModel(self),
            ("timelineTable", "Timeline of entries, newest first"),
            {COL_WHEN: 118, COL_KIND: 134, COL_ENTRY: 430, COL_CRIME: 90, COL_BY: 80, COL_BEHALF: 96},
            ("entryDetail", "The selected entry in full"),
        )
        self.table.doubleClicked.connect(lambda _i: self.go_to_linked())

        self.all_crimes = QCheckBox("Show entries for &all this person's crimes")
        self.all_crimes.setObjectName("allCrimesCheck")
        self.all_crimes.setAccessibleName("Show entries for all this person's crimes")
        self.all_crimes.toggled.connect(lambda _on: self._fill())
        self.viewings = QCheckBox("Show who &viewed it")
        self.viewings.setObjectName("viewingsCheck")
        self.viewings.setAccessibleName("Show who viewed the record")
        self.viewings.setToolTip("Every opening of this record is logged with who opened it and why")
        self.viewings.toggled.connect(lambda _on: self._fill())
        self.count = named_label("timelineCount", "Entries shown")
        self.correct_button = make_button(
            "Correct this entry…",
            "correctButton",
            "Correct the selected entry",
            "Correct or retract the selected entry (Ctrl+Shift+E)",
        )
        self.correct_button.clicked.connect(self._on_correct_clicked)
        self.link_button = make_button(
            "Go to linked entry",
            "linkButton",
            "Go to the linked entry",
            "Jump to the correction of this entry, or the entry it corrects",
        )
        self.link_button.clicked.connect(self.go_to_linked)
        self._lay_out(self.count, self.viewings, 12, self.all_crimes, 12, self.link_button, self.correct_button)

    def show_case(self, record: VictimRecord, crime_ref: str | None) -> None:
        self._record = record
        self._crime_ref = crime_ref
        self.all_crimes.setVisible(len(record.cases) > 1)
        self._fill()

    def _fill(self) -> None:
        keep = self.selected_entry()
        record = self._record
        entries = record.timeline if record else ()
        if record is not None and len(record.cases) > 1 and not self.all_crimes.isChecked():
            entries = tuple(e for e in entries if e.crime_ref in (None, self._crime_ref))
        if record is not None and self.viewings.isChecked():
            seen = tuple(viewing_entry(i, v) for i, v in enumerate(record.viewers, start=1))
            entries = tuple(sorted((*entries, *seen), key=lambda e: e.at, reverse=True))
        self.model.set_rows(entries)
        if keep is None or not self.select_entry(keep.kind, keep.id):
            if self.model.rowCount():
                select_row(self.table, 0)
        self._show_detail()
        corrected = sum(e.corrected_by_id is not None for e in entries)
        shown = sum(e.kind != VIEWED for e in entries)
        text = plural(shown, "entry", "entries") + ", newest first"
        if corrected:
            text += f" · {corrected} corrected (struck through; double-click to see the correction)"
        if record is not None and record.viewers_total:
            text += f" · record opened {plural(record.viewers_total, 'time', 'times')}"
            if self.viewings.isChecked() and record.viewers_total > len(record.viewers):
                text += f" (latest {len(record.viewers)} shown)"
        self.count.setText(text)

    def selected_entry(self) -> TimelineEntry | None:
        return self.selected_row()

    def select_entry(self, kind: str, entry_id: int) -> bool:
        row = self.model.row_of(kind, entry_id)
        if row is None:
            return False
        select_row(self.table, row)
        return True

    def go_to_linked(self) -> bool:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid():
            return False
        row = self.model.linked_row(index.row())
        if row is None:
            return False
        select_row(self.table, row)
        return True

    def correct_problem(self, entry: TimelineEntry | None) -> str | None:
        """Why the entry cannot be corrected, in plain words; None when it can."""
        if entry is None:
            return "Select an entry on the Timeline first."
        if entry.kind not in CORRECTABLE:
            return "Only contacts, events, referrals and waivers can be corrected here."
        if entry.corrected_by_id is not None:
            return f"This entry has already been corrected by entry {entry.corrected_by_id}; correct that one instead."
        if entry.retracted:
            return "This entry is a retraction; it cannot itself be corrected."
        return None

    def _show_detail(self) -> None:
        entry = self.selected_entry()
        problem = self.correct_problem(entry)
        self.correct_button.setEnabled(problem is None)
        self.correct_button.setToolTip(problem or "Correct or retract the selected entry (Ctrl+Shift+E)")
        self.link_button.setEnabled(entry is not None and (entry.corrected_by_id or entry.corrects_id) is not None)
        if entry is None:
            self.detail.setText("Nothing has been recorded yet.")
            return
        who = f"by {escape(entry.author)}"
        if entry.on_behalf_of:
            who += f" on behalf of {escape(entry.on_behalf_of)}"
        recorded = f"; recorded {uk_datetime(entry.recorded_at)}" if entry.recorded_at != entry.at else ""
        lines = [
            f"<b>{escape(entry.summary)}</b>",
            f"{uk_datetime(entry.at)} {who}{recorded}"
            + (f" · crime {escape(entry.crime_ref)}" if entry.crime_ref else ""),
        ]
        if entry.detail:
            lines.append(para(entry.detail))
        link = self.model.link_text(entry)
        if link:
            lines.append(f"<i>{escape(link)}</i>")
        self.detail.setText("<br>".join(lines))

    def _on_correct_clicked(self) -> None:
        entry = self.selected_entry()
        if self.correct_problem(entry) is None:
            self.correct_requested.emit(entry)

    def _on_context_menu(self, pos) -> None:
        self._popup_menu(
            pos,
            ("Correct this entry…\tCtrl+Shift+E", self.correct_button.isEnabled(), self._on_correct_clicked),
            ("Go to linked entry", self.link_button.isEnabled(), self.go_to_linked),
        )

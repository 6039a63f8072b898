"""Record an investigation event on a crime (arrest, interview, bail, charge, case closed …)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from vicman.domain.enums import EventType
from vicman.gui.dialogs.common import (
    NOTICE_STYLE,
    EntryDialog,
    ServiceCall,
    buddy,
    make_form,
    make_when_edit,
    message_label,
    moment_of,
    when_row,
)
from vicman.gui.workers import Runner
from vicman.services import entries
from vicman.services.context import ServiceContext
from vicman.services.records import EVENT_WORDS


class RecordEventDialog(EntryDialog):
    """What happened in the investigation, and when. Inherits the `saved` signal of `EntryDialog`."""

    def __init__(self, ctx: ServiceContext, runner: Runner, crime_ref: str, parent=None) -> None:
        super().__init__(ctx, runner, "Record investigation event", "Record event", parent)
        self.setObjectName("recordEventDialog")
        self.crime_ref = crime_ref

        intro = QLabel(
            f"Record what happened in the investigation of crime {crime_ref}. An event belongs to the crime, "
            "so every victim in it is owed what the Code requires."
        )
        intro.setWordWrap(True)
        self.event_type = QComboBox()
        self.event_type.setObjectName("eventTypeCombo")
        self.event_type.setAccessibleName("Event")
        for kind in EventType:
            self.event_type.addItem(EVENT_WORDS.get(kind.value, kind.value), kind.value)
        self.event_type.currentIndexChanged.connect(self._show_consequence)
        self.when = make_when_edit("whenEdit", "Date and time of the event (UK time)", ctx.now())
        self.note = QPlainTextEdit()
        self.note.setObjectName("noteEdit")
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("Optional: anything the officer or bureau should know (e.g. bail conditions).")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(90)
        self.consequence = message_label("consequenceLabel", NOTICE_STYLE, accessible="What this means")

        form = make_form()
        form.addRow(buddy("&Event:", self.event_type), self.event_type)
        form.addRow(buddy("&When:", self.when), when_row(self.when))
        form.addRow(buddy("&Note:", self.note), self.note)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.consequence)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._show_consequence()
        self.event_type.setFocus()

    def choose(self, event_type: str) -> None:
        index = self.event_type.findData(event_type)
        if index < 0:
            raise ValueError(f"no event type {event_type!r}")
        self.event_type.setCurrentIndex(index)

    def consequence_text(self) -> str:
        """What the Code requires after this event, from the edition in force today."""
        kind = self.event_type.currentData()
        edition = self._ctx.code.edition_for(self._ctx.today())
        if edition is None:
            return ""
        lines = []
        for rule in edition.rules:
            if kind in rule.events:
                days = f"within {rule.days_standard} working days" if rule.days_standard else "as agreed"
                if rule.days_enhanced and rule.days_enhanced != rule.days_standard:
                    days += f" ({rule.days_enhanced} for a victim with enhanced rights)"
                lines.append(f"New duty: {rule.title.lower()}, {days}.")
            if kind in rule.stop_events:
                lines.append(f"Stops: {rule.title.lower()}.")
        if kind == EventType.CASE_CLOSED.value:
            lines.append("No more updates fall due once the case is closed.")
        return "\n".join(dict.fromkeys(lines))

    def _show_consequence(self, *_args) -> None:
        text = self.consequence_text()
        self.consequence.setText(text)
        self.consequence.setVisible(bool(text))

    def inputs(self) -> list[QWidget]:
        return [self.event_type, self.when, self.note]

    def validate(self) -> str | None:
        return self.check_moment(moment_of(self.when), "The date and time of the event")

    def service_call(self) -> ServiceCall:
        note = self.note.toPlainText().strip() or None
        return (
            entries.record_event,
            (self._ctx, self.crime_ref, self.event_type.currentData(), moment_of(self.when)),
            {"note": note},
        )

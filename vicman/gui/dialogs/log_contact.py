"""Log a contact (or an attempt) with one victim, or the same contact with several.

For each victim the dialog lists the duties a contact at the chosen time would meet (read on the
worker with `entries.duties_a_contact_meets`, again whenever the time changes), ticked. The officer
unticks any the contact did not cover; those are passed to `record_contact` as `not_meeting`.
An attempt that did not reach the victim meets nothing, and the list says so.

Signals:
    contacts_recorded(list): the `Recorded` results of the contacts just written (GUI thread).
    duties_loaded(): the duty list now shows the duties for the time entered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimer, QTimeZone, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vicman.domain.enums import ContactMethod, Outcome
from vicman.gui.dialogs.reauthenticate import ReauthenticateDialog
from vicman.gui.errors import describe_error
from vicman.gui.formatting import (
    METHOD_LABELS,
    OUTCOME_LABELS,
    QT_DATETIME_FORMAT,
    local_datetime,
    plural,
    uk_date,
)
from vicman.gui.workers import Runner
from vicman.rules.localtime import to_utc
from vicman.services import entries
from vicman.services.auth import ReauthenticationRequired
from vicman.services.context import ServiceContext
from vicman.services.entries import DutyToMeet, Recorded
from vicman.services.views import DutyRow

FUTURE_TOLERANCE = timedelta(minutes=5)
RELOAD_DELAY_MS = 250  # after the time is changed, before the duties are read again

KeyRole = Qt.ItemDataRole.UserRole + 1

TICK_HINT = "Telling the victim meets the ticked duties. Untick any that this contact did not cover."
NOTHING_MET = "An attempt that does not reach the victim meets no duty: they all stay open."


@dataclass(frozen=True)
class ContactTarget:
    """A victim in a crime to log a contact with, and the officer it is logged for (if not oneself)."""

    crime_ref: str
    victim_ref: str
    victim_name: str
    preferred_method: str | None = None
    on_behalf_of: str | None = None
    on_behalf_of_name: str | None = None

    @property
    def label(self) -> str:
        return f"{self.victim_name} ({self.crime_ref})"

    @classmethod
    def from_duties(cls, duties: Iterable[DutyRow], signed_in: str | None) -> list[ContactTarget]:
        """One target per victim and crime, in the order given. `signed_in` is the logging officer's staff no."""
        targets: dict[tuple[str, str], ContactTarget] = {}
        for d in duties:
            behalf = d.oic_staff_no if d.oic_staff_no and d.oic_staff_no != signed_in else None
            behalf_name = d.oic_name if behalf else None
            target = cls(d.crime_ref, d.victim_ref, d.victim_name, d.preferred_method, behalf, behalf_name)
            targets.setdefault((d.crime_ref, d.victim_ref), target)
        return list(targets.values())


@dataclass(frozen=True)
class _Attempt:
    target: ContactTarget
    recorded: Recorded | None
    error: BaseException | None


@dataclass(frozen=True)
class _Meets:
    """What a contact at one time would meet for one victim, or why that could not be read."""

    duties: list[DutyToMeet] | None
    error: BaseException | None = None


def _duties_for_each(ctx: ServiceContext, targets: list[ContactTarget], at: datetime) -> list[_Meets]:
    """Worker thread: the duties a contact at `at` would meet, per target (one failure does not stop the rest)."""
    found = []
    for t in targets:
        try:
            found.append(_Meets(entries.duties_a_contact_meets(ctx, t.crime_ref, t.victim_ref, at)))
        except Exception as exc:  # shown under that victim on the GUI thread
            found.append(_Meets(None, exc))
    return found


def _record_each(
    ctx: ServiceContext,
    targets: list[tuple[ContactTarget, tuple[str, ...]]],
    at: datetime,
    method: str,
    outcome: str,
    note: str,
) -> list[_Attempt]:
    """Worker thread: `entries.record_contacts` (one transaction per victim; several victims at once is a bulk
    action, refused with ReauthenticationRequired when the password is stale); failures do not stop others."""
    wanted = [entries.ContactToLog(t.crime_ref, t.victim_ref, t.on_behalf_of, keys) for t, keys in targets]
    results = entries.record_contacts(ctx, wanted, at, method, outcome, note=note)
    return [
        _Attempt(t, None, result) if isinstance(result, Exception) else _Attempt(t, result, None)
        for (t, _keys), result in zip(targets, results, strict=True)
    ]


class LogContactDialog(QDialog):
    """Method, outcome, when and what was said; validated here, then written by `entries.record_contact`."""

    contacts_recorded = Signal(list)
    duties_loaded = Signal()

    def __init__(
        self,
        ctx: ServiceContext,
        runner: Runner,
        targets: list[ContactTarget],
        parent=None,
        notice: str | None = None,
    ) -> None:
        super().__init__(parent)
        if not targets:
            raise ValueError("a contact needs at least one victim")
        self._ctx = ctx
        self._runner = runner
        self._targets = list(targets)
        self._saving = False
        self._meets: list[_Meets | None] = [None] * len(self._targets)
        self._unticked: set[tuple[str, str, str]] = set()  # (crime, victim, duty key) the officer unticked
        self._generation = 0
        self._building = False
        self._closed = False
        self.loading_duties = False
        self.setObjectName("logContactDialog")
        self.setWindowTitle("Log contact")
        self.setAccessibleName("Log contact")
        self.setMinimumWidth(640)

        self._intro = QLabel()
        self._intro.setObjectName("introLabel")
        self._intro.setWordWrap(True)

        self.duties_caption = QLabel(TICK_HINT)
        self.duties_caption.setObjectName("dutiesCaption")
        self.duties_caption.setWordWrap(True)
        self.duties = QTreeWidget()
        self.duties.setObjectName("dutyTree")
        self.duties.setAccessibleName("Victims, and the duties this contact meets for each (tick or untick)")
        self.duties.setColumnCount(2)
        self.duties.setHeaderLabels(["Victim and the duties this contact meets", "Due"])
        self.duties.setRootIsDecorated(False)
        self.duties.setItemsExpandable(False)
        self.duties.setUniformRowHeights(True)
        self.duties.setSelectionMode(QTreeWidget.SelectionMode.SingleSelection)
        self.duties.header().setStretchLastSection(False)
        self.duties.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.duties.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.duties.setMinimumHeight(120)
        self.duties.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.duties.itemChanged.connect(self._on_item_changed)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self.load_duties)

        self.method = QComboBox()
        self.method.setObjectName("methodCombo")
        self.method.setAccessibleName("Contact method")
        for m in ContactMethod:
            self.method.addItem(METHOD_LABELS.get(m.value, m.value), m.value)
        preferred = self._targets[0].preferred_method or ContactMethod.PHONE.value
        self.method.setCurrentIndex(max(self.method.findData(preferred), 0))

        self.outcome_buttons = QButtonGroup(self)
        outcome_box = QWidget()
        outcome_layout = QVBoxLayout(outcome_box)
        outcome_layout.setContentsMargins(0, 0, 0, 0)
        self.outcome_informed = QRadioButton(OUTCOME_LABELS[Outcome.INFORMED.value])
        self.outcome_informed.setObjectName("outcomeInformed")
        self.outcome_informed.setAccessibleName("Outcome: spoke to the victim")
        self.outcome_no_contact = QRadioButton(OUTCOME_LABELS[Outcome.NO_CONTACT.value])
        self.outcome_no_contact.setObjectName("outcomeNoContact")
        self.outcome_no_contact.setAccessibleName("Outcome: could not reach the victim")
        for button in (self.outcome_informed, self.outcome_no_contact):
            self.outcome_buttons.addButton(button)
            outcome_layout.addWidget(button)
            button.toggled.connect(self._show_outcome)

        now = local_datetime(ctx.now())
        self.when = QDateTimeEdit()
        self.when.setObjectName("whenEdit")
        self.when.setAccessibleName("Date and time of the contact (UK time)")
        # Wall-clock UK time, kept free of this machine's own zone rules (no DST gaps or folds to trip on).
        if hasattr(self.when, "setTimeZone"):  # Qt 6.7 and later
            self.when.setTimeZone(QTimeZone.utc())
        else:
            self.when.setTimeSpec(Qt.TimeSpec.UTC)
        self.when.setDisplayFormat(QT_DATETIME_FORMAT)
        self.when.setCalendarPopup(True)
        self.when.setDateTime(_qdatetime(now))
        self.when.dateTimeChanged.connect(lambda _value: self._reload_timer.start())

        self.note = QPlainTextEdit()
        self.note.setObjectName("noteEdit")
        self.note.setAccessibleName("What was said")
        self.note.setPlaceholderText("What you told the victim, what they said, and anything agreed or to follow up.")
        self.note.setTabChangesFocus(True)
        self.note.setMinimumHeight(90)

        self.notice = QLabel(notice or "")
        self.notice.setObjectName("noticeLabel")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #052c65; background: #cfe2ff; padding: 6px; border-radius: 3px;")
        self.notice.setVisible(bool(notice))

        self.error = QLabel()
        self.error.setObjectName("errorLabel")
        self.error.setAccessibleName("Problem")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #842029; background: #f8d7da; padding: 6px; border-radius: 3px;")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.save_button.setText("Log contact")
        self.save_button.setObjectName("saveButton")
        self.save_button.setAccessibleName("Log contact")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(_buddy("&How:", self.method), self.method)
        form.addRow("Outcome:", outcome_box)
        when_row = QHBoxLayout()
        when_row.addWidget(self.when)
        when_row.addWidget(QLabel("UK time"))
        when_row.addStretch(1)
        form.addRow(_buddy("&When:", self.when), when_row)
        form.addRow(_buddy("What was &said:", self.note), self.note)

        layout = QVBoxLayout(self)
        layout.addWidget(self._intro)
        layout.addWidget(self.duties_caption)
        layout.addWidget(self.duties, 1)
        layout.addLayout(form, 1)
        layout.addWidget(self.notice)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._show_targets()
        self.load_duties()
        self.note.setFocus()

    # --- state --------------------------------------------------------------------------------

    @property
    def targets(self) -> list[ContactTarget]:
        return list(self._targets)

    def _show_targets(self) -> None:
        if len(self._targets) == 1:
            self._intro.setText("Log a contact or attempt with this victim:")
        else:
            self._intro.setText(
                f"Log the same contact with {plural(len(self._targets), 'victim')}. "
                "One entry is made for each victim, stamped with your staff number."
            )
        self._build_tree()

    # --- the duties a contact meets ------------------------------------------------------------

    def load_duties(self) -> None:
        """Read, on the worker, what a contact at the time entered would meet for each victim."""
        self._reload_timer.stop()
        self._generation += 1
        generation = self._generation
        self.loading_duties = True
        targets = list(self._targets)
        self._runner.read(_duties_for_each, self._ctx, targets, self.chosen_moment()).on_success(
            lambda found: self._on_duties_read(generation, targets, found)
        ).on_failure(lambda exc: self._on_duties_read(generation, targets, [_Meets(None, exc)] * len(targets)))

    def _on_duties_read(self, generation: int, targets: list[ContactTarget], found: list[_Meets]) -> None:
        if self._closed or generation != self._generation or targets != self._targets:
            return  # closed, or the time or the victims changed since (a newer read is on its way)
        self.loading_duties = False
        self._meets = list(found)
        self._build_tree()
        self.duties_loaded.emit()

    def _build_tree(self) -> None:
        if len(self._meets) != len(self._targets):
            self._meets = [None] * len(self._targets)
        today = self._ctx.today()
        self._building = True
        try:
            self.duties.clear()
            for target, meets in zip(self._targets, self._meets, strict=True):
                text = target.label
                if target.on_behalf_of:
                    text += f" — on behalf of {target.on_behalf_of} {target.on_behalf_of_name or ''}".rstrip()
                victim = QTreeWidgetItem(self.duties, [text])
                victim.setFlags(Qt.ItemFlag.ItemIsEnabled)
                font = victim.font(0)
                font.setBold(True)
                victim.setFont(0, font)
                victim.setData(0, KeyRole, None)
                if meets is None:
                    _note(victim, "Checking which duties this contact meets…")
                elif meets.error is not None:
                    _note(victim, f"Could not check the duties: {describe_error(meets.error)}")
                elif not meets.duties:
                    _note(victim, "No duty that a contact meets is waiting at this time.")
                else:
                    for duty in meets.duties:
                        item = QTreeWidgetItem(victim, [duty.title, _due_text(duty.due, today)])
                        item.setData(0, KeyRole, duty.key)
                        item.setToolTip(0, f"{duty.title} ({duty.key})")
                        item.setFlags(
                            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
                        )
                        item.setCheckState(0, Qt.CheckState.Checked)
                        item.setData(0, Qt.ItemDataRole.AccessibleDescriptionRole, f"Due {_due_text(duty.due, today)}")
            self.duties.expandAll()
            for i in range(self.duties.topLevelItemCount()):
                self.duties.topLevelItem(i).setFirstColumnSpanned(True)
        finally:
            self._building = False
        self._show_outcome()

    def _show_outcome(self, *_args: Any) -> None:
        """Ticks as the officer left them; none, and the list disabled, for an attempt that reached nobody."""
        attempt = self.chosen_outcome() == Outcome.NO_CONTACT.value
        self.duties_caption.setText(NOTHING_MET if attempt else TICK_HINT)
        font = self.duties_caption.font()
        font.setBold(attempt)
        self.duties_caption.setFont(font)
        self.duties.setEnabled(not attempt and not self._saving)
        self._building = True
        try:
            for target, item in self._duty_items():
                unticked = (target.crime_ref, target.victim_ref, item.data(0, KeyRole)) in self._unticked
                ticked = not attempt and not unticked
                item.setCheckState(0, Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        finally:
            self._building = False

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._building or column != 0 or item.data(0, KeyRole) is None:
            return
        parent = item.parent()
        target = self._targets[self.duties.indexOfTopLevelItem(parent)]
        mark = (target.crime_ref, target.victim_ref, item.data(0, KeyRole))
        if item.checkState(0) == Qt.CheckState.Checked:
            self._unticked.discard(mark)
        else:
            self._unticked.add(mark)

    def _duty_items(self) -> list[tuple[ContactTarget, QTreeWidgetItem]]:
        found = []
        for i, target in enumerate(self._targets):
            victim = self.duties.topLevelItem(i)
            if victim is None:
                continue
            for j in range(victim.childCount()):
                child = victim.child(j)
                if child.data(0, KeyRole) is not None:
                    found.append((target, child))
        return found

    def duty_item(self, victim_ref: str, key: str, crime_ref: str | None = None) -> QTreeWidgetItem | None:
        """The tick box for one duty of one victim, if it is listed."""
        for target, item in self._duty_items():
            if target.victim_ref == victim_ref and item.data(0, KeyRole) == key:
                if crime_ref is None or target.crime_ref == crime_ref:
                    return item
        return None

    def listed_duties(self) -> dict[tuple[str, str], list[tuple[str, bool]]]:
        """(crime, victim) -> [(duty key, ticked)] as listed."""
        listed: dict[tuple[str, str], list[tuple[str, bool]]] = {(t.crime_ref, t.victim_ref): [] for t in self._targets}
        for target, item in self._duty_items():
            ticked = item.checkState(0) == Qt.CheckState.Checked
            listed[(target.crime_ref, target.victim_ref)].append((item.data(0, KeyRole), ticked))
        return listed

    def not_meeting(self, target: ContactTarget) -> tuple[str, ...]:
        """The keys of this victim's duties the officer unticked (nothing for an attempt that reached nobody)."""
        if self.chosen_outcome() != Outcome.INFORMED.value:
            return ()
        wanted = (target.crime_ref, target.victim_ref)
        return tuple(sorted(key for crime, victim, key in self._unticked if (crime, victim) == wanted))

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        for w in (self.method, self.outcome_informed, self.outcome_no_contact, self.when, self.note):
            w.setEnabled(not saving)
        self.duties.setEnabled(not saving and self.chosen_outcome() != Outcome.NO_CONTACT.value)
        self.save_button.setEnabled(not saving)
        self.save_button.setText("Saving…" if saving else "Log contact")

    # --- input --------------------------------------------------------------------------------

    def chosen_outcome(self) -> str | None:
        if self.outcome_informed.isChecked():
            return Outcome.INFORMED.value
        if self.outcome_no_contact.isChecked():
            return Outcome.NO_CONTACT.value
        return None

    def chosen_moment(self) -> datetime:
        """The date and time entered, as UK wall-clock time, converted to a UTC instant."""
        qdt = self.when.dateTime()
        d, t = qdt.date(), qdt.time()
        return to_utc(datetime(d.year(), d.month(), d.day(), t.hour(), t.minute()))

    def validate(self) -> str | None:
        """The first problem with what was entered, in plain words; None when it can be saved."""
        if self.chosen_outcome() is None:
            return "Choose an outcome: did you speak to the victim, or could you not reach them?"
        if not self.note.toPlainText().strip():
            return "Write down what was said (or what you tried), so the record shows the quality of the contact."
        if self.chosen_moment() > self._ctx.now() + FUTURE_TOLERANCE:
            return "The date and time of the contact is in the future. Enter when it actually happened."
        return None

    def _on_save_clicked(self) -> None:
        if self._saving:
            return
        problem = self.validate()
        if problem:
            self._show_error(problem)
            return
        self.error.hide()
        self._set_saving(True)
        self._runner.write(
            _record_each,
            self._ctx,
            [(t, self.not_meeting(t)) for t in self._targets],
            self.chosen_moment(),
            self.method.currentData(),
            self.chosen_outcome(),
            self.note.toPlainText().strip(),
        ).on_success(self._on_attempts_done).on_failure(self._on_save_failed)

    def _on_attempts_done(self, attempts: list[_Attempt]) -> None:
        self._set_saving(False)
        recorded = [a.recorded for a in attempts if a.recorded is not None]
        failed = [a for a in attempts if a.error is not None]
        if recorded:
            self.contacts_recorded.emit(recorded)
        if not failed:
            self.accept()
            return
        kept = {(t.crime_ref, t.victim_ref): m for t, m in zip(self._targets, self._meets, strict=True)}
        self._targets = [a.target for a in failed]
        self._meets = [kept.get((t.crime_ref, t.victim_ref)) for t in self._targets]
        self._show_targets()
        lines = [f"{a.target.label}: {describe_error(a.error)}" for a in failed if a.error is not None]
        head = (
            f"Logged for {plural(len(recorded), 'victim')}, but not for these (they are still listed above):"
            if recorded
            else "The contact could not be logged:"
        )
        self._show_error("\n".join([head, *lines]))

    def _on_save_failed(self, exc: Any) -> None:
        self._set_saving(False)
        if isinstance(exc, ReauthenticationRequired):
            self.ask_password_again()
            return
        self._show_error(describe_error(exc))

    def ask_password_again(self) -> ReauthenticateDialog:
        """The password is stale for a bulk action: ask for it, then save again (window-modal)."""
        dialog = ReauthenticateDialog(
            self._ctx, self._runner, f"Logging one contact for {plural(len(self._targets), 'victim')}", self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _r: self._on_save_clicked())
        dialog.rejected.connect(lambda: self._show_error("Not saved: the password was not given again."))
        self.reauth_dialog = dialog
        dialog.open()
        return dialog

    def reject(self) -> None:
        if self._saving:
            return  # the write is under way; closing now would hide whether it worked
        super().reject()

    def done(self, result: int) -> None:
        self._closed = True  # a duty list still being read is no longer wanted (the dialog may be deleted)
        self._reload_timer.stop()
        super().done(result)


def _note(parent: QTreeWidgetItem, text: str) -> None:
    """A line of text under a victim where their duties would be."""
    item = QTreeWidgetItem(parent, [text])
    item.setFlags(Qt.ItemFlag.ItemIsEnabled)
    item.setFirstColumnSpanned(True)
    font = item.font(0)
    font.setItalic(True)
    item.setFont(0, font)
    item.setData(0, KeyRole, None)


def _due_text(due: date, today: date) -> str:
    if due < today:
        return f"{uk_date(due)} (overdue)"
    if due == today:
        return f"{uk_date(due)} (today)"
    return uk_date(due)


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label


def _qdatetime(moment: datetime) -> QDateTime:
    return QDateTime(QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute), QTimeZone.utc())

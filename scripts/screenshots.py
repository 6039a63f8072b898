#!/usr/bin/env python3
"""Render every main screen and dialog of vicman to PNG, from demo data, offscreen.

    python scripts/screenshots.py [--out docs/screenshots] [--crimes 1500] [--seed 2006] [--date YYYY-MM-DD]

A fresh temporary SQLite database is filled by `make_demo`, with the clock stopped at 09:00 UK time on
`--date` (default: today), so the same arguments give the same pictures all day. The script signs in
as an officer with a mix of overdue, due-today and open duties, and opens the record of a victim with
a rich history; both are chosen from the data (see `choose_cast`). Each picture is 1280x800: a
dialog is drawn over the window it opens from.

Dialogs are shown filled in, then cancelled. The two exceptions are the needs assessment and the
contact contract, which are saved (as an officer would) so that the Needs and contract tab has
something to show; and for the overdue notice the clock moves on to the morning after one of the
officer's duties falls due. Nothing else is written beyond what the app writes when it is used
(the audit trail of what was viewed).

`render_all` is the one renderer: tests/gui/test_screenshots.py runs it on a small demo.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QRect, QSettings, Qt, qInstallMessageHandler
from PySide6.QtGui import QColor, QImage, QPainter, QTextCursor
from PySide6.QtWidgets import QApplication, QDialog, QPlainTextEdit, QWidget
from sqlalchemy import func, select

from vicman.domain.enums import ObligationState, Outcome, Status
from vicman.gui.app import build_main_window
from vicman.gui.dialogs.common import set_moment
from vicman.gui.dialogs.sample_review import SampleReviewDialog
from vicman.gui.main_window import MainWindow
from vicman.gui.views.dashboard_view import DashboardView
from vicman.gui.views.dip_samples import DipSamplesView
from vicman.gui.views.team_compliance import TeamComplianceView
from vicman.gui.views.victim_record import TAB_CERTIFICATION, TAB_DUTIES, TAB_NEEDS, TAB_TIMELINE, VictimRecordView
from vicman.rules.localtime import LONDON
from vicman.services import casework, dip_sampling, users
from vicman.services.context import Actor, ServiceContext, open_context
from vicman.services.demo import make_demo
from vicman.services.demo.users import DEMO_PASSWORD
from vicman.services.dip_sample_views import QUESTIONS, SampleItemView
from vicman.services.parsing import surname_key
from vicman.services.people import OfficerView
from vicman.store.tables import (
    ContactEntryRow,
    CrimePersonRow,
    CrimeRow,
    EventRow,
    ObligationRow,
    OfficerRow,
    PersonRow,
    UserRow,
)

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "docs" / "screenshots"
SIZE = (1280, 800)
EXPECTED = (
    "sign_in.png",
    "my_work.png",
    "bureau_queue.png",
    "log_contact.png",
    "search.png",
    "minimum_standards.png",
    "needs_assessment.png",
    "contract.png",
    "record_duties.png",
    "record_timeline.png",
    "record_needs_contract.png",
    "record_certification.png",
    "record_event.png",
    "letter_preview.png",
    "refer.png",
    "waive.png",
    "correct_entry.png",
    "edit_details.png",
    "survey_dialog.png",
    "about.png",
    "overdue_notice.png",
    "sample_review.png",
    "dip_samples.png",
    "team_compliance.png",
    "dashboard.png",
    "dashboard_satisfaction.png",
    "my_work_findings.png",
    "reason_panel.png",
    "users.png",
)
# Where `make run` keeps its demo database: what About shows.
DB_LOCATION = "~/.local/share/vicman/demo.sqlite3"
WORKSTATION = "vicman-screenshots"
SETTLE_TIMEOUT = 30.0

# How a dialog is drawn over its window.
TITLE_HEIGHT = 30
MARGIN = 12


# --- the clock ---------------------------------------------------------------------------------


class Clock:
    """A stopped clock that the script can move on (for the overdue notice)."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def nine_am(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=LONDON)


# --- who and what the pictures show ----------------------------------------------------------


@dataclass(frozen=True)
class Cast:
    """The signed-in officer, the victim whose record is opened (at one crime), and what is searched for."""

    officer: OfficerView
    victim_ref: str
    victim_name: str
    crime_ref: str
    search_text: str

    def __str__(self) -> str:
        return (
            f"Signed in as {self.officer.label} ({self.officer.division}); record of {self.victim_name} "
            f"({self.victim_ref}) at {self.crime_ref}; search “{self.search_text}”"
        )


def choose_cast(ctx: ServiceContext) -> Cast:
    """Pick, from the data, an officer with a realistic mix of duties and a victim with a rich record."""
    officer, officer_id = _choose_officer(ctx)
    victim_ref, name, crime_ref = _choose_victim(ctx, officer_id)
    return Cast(officer, victim_ref, name, crime_ref, _search_text(ctx, name))


def _choose_officer(ctx: ServiceContext) -> tuple[OfficerView, int]:
    """Overdue duties, some due today or next (so one can become overdue), some open later; about a screenful."""
    today = ctx.today()
    next_day = ctx.calendar.next_working_day(today)
    tally: dict[int, Counter[str]] = defaultdict(Counter)
    with ctx.db.read() as session:
        officers = {o.id: o for o in session.scalars(select(OfficerRow).where(OfficerRow.active.is_(True)))}
        pending = select(ObligationRow.oic_id, ObligationRow.due).where(
            ObligationRow.state == ObligationState.PENDING.value, ObligationRow.oic_id.is_not(None)
        )
        for oic_id, due in session.execute(pending):
            when = "overdue" if due < today else "today" if due == today else "soon" if due <= next_day else "later"
            tally[oic_id][when] += 1

    def score(officer_id: int) -> tuple[float, str]:
        t = tally[officer_id]
        total = sum(t.values())
        mix = min(t["overdue"], 6) + 3 * min(t["today"], 2) + 2 * min(t["soon"], 2) + min(t["later"], 6)
        usable = t["overdue"] > 0 and t["today"] + t["soon"] > 0
        return (mix - abs(total - 18) / 6 + (100 if usable else 0), officers[officer_id].staff_no)

    candidates = [i for i in tally if i in officers]
    if not candidates:
        raise RuntimeError("the demo has no officer with pending duties")
    best = officers[max(candidates, key=score)]
    view = OfficerView(best.staff_no, best.name, best.division, best.team, best.email, bool(best.active))
    return view, best.id


def _choose_victim(ctx: ServiceContext, officer_id: int) -> tuple[str, str, str]:
    """A victim in an open case with a history and duties still to do (some overdue), a contact that can be
    corrected; the more of these the better: other crimes, a correction, enhanced rights, an interpreter."""
    today = ctx.today()
    with ctx.db.read() as session:
        links = session.execute(
            select(
                CrimePersonRow.id,
                CrimePersonRow.person_id,
                CrimePersonRow.crime_id,
                CrimePersonRow.role,
                CrimePersonRow.enhanced_reasons,
            )
        ).all()
        crimes = {c.id: c for c in session.scalars(select(CrimeRow))}
        people = {p.id: p for p in session.scalars(select(PersonRow))}
        officers = {o.id: o for o in session.scalars(select(OfficerRow))}
        duties: dict[int, list[tuple[str, date]]] = defaultdict(list)
        for link_id, state, due in session.execute(
            select(ObligationRow.link_id, ObligationRow.state, ObligationRow.due)
        ):
            duties[link_id].append((state, due))
        contacts = session.execute(
            select(ContactEntryRow.id, ContactEntryRow.link_id, ContactEntryRow.corrects_id, ContactEntryRow.outcome)
        ).all()
        corrected_crimes = set(session.scalars(select(EventRow.crime_id).where(EventRow.corrects_id.is_not(None))))
    corrected_ids = {c.corrects_id for c in contacts if c.corrects_id is not None}
    per_link = Counter(c.link_id for c in contacts)
    correctable = {
        c.link_id
        for c in contacts
        if c.corrects_id is None and c.id not in corrected_ids and c.outcome == Outcome.INFORMED.value
    }
    corrected_links = {c.link_id for c in contacts if c.corrects_id is not None}
    crimes_of = Counter(link.person_id for link in links)
    corrected_people = {link.person_id for link in links if link.id in corrected_links}
    corrected_people |= {link.person_id for link in links if link.crime_id in corrected_crimes}
    pending = ObligationState.PENDING.value

    def score(link) -> tuple[float, str]:
        person = people[link.person_id]
        dues = [due for state, due in duties[link.id] if state == pending]
        several = crimes_of[link.person_id] > 1
        corrected = link.person_id in corrected_people
        value = (
            5 * ((several or corrected) + bool(link.enhanced_reasons) + bool(person.interpreter_needed))
            + several
            + corrected
            + 2 * any(d < today for d in dues)
            + any(d >= today for d in dues)
            + min(len(duties[link.id]), 10) / 3
            + min(per_link[link.id], 10) / 5
            + 2 * (crimes[link.crime_id].oic_id == officer_id)
        )
        return value, person.ref

    officer = next(o for o in officers.values() if o.id == officer_id)
    team_ids = {o.id for o in officers.values() if o.division == officer.division and o.team == officer.team}
    usable = [
        link
        for link in links
        # The officer's team's cases: the officer opens the record without being asked why.
        if crimes[link.crime_id].oic_id in team_ids
        and link.role == "victim"
        and crimes[link.crime_id].closed_at is None
        and any(state == pending for state, _ in duties[link.id])
        and link.id in correctable
    ]
    if not usable:
        raise RuntimeError("the demo has no victim in an open case with duties to do and a contact to correct")
    best = max(usable, key=score)
    person = people[best.person_id]
    return person.ref, person.name, crimes[best.crime_id].ref


def _search_text(ctx: ServiceContext, name: str) -> str:
    """The victim's surname, or as much of it as an officer would type to find a few people."""
    surname = name.split()[-1]
    with ctx.db.read() as session:
        for length in range(len(surname), 2, -1):
            key = surname_key(surname[:length])
            hits = session.scalar(
                select(func.count()).where(PersonRow.surname_key >= key, PersonRow.surname_key < key + "\uffff")
            )
            if (hits or 0) >= 4:
                return surname[:length]
    return surname[:3]


# --- taking the pictures ---------------------------------------------------------------------


def _application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return QApplication(["vicman-screenshots"])


def wait_until(predicate: Callable[[], bool], timeout: float = SETTLE_TIMEOUT) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError("the screen did not settle in time")
        QApplication.processEvents()
        time.sleep(0.005)


def compose(background: QImage, panel: QImage, title: str) -> QImage:
    """`panel` (a dialog) drawn with a title bar and a shadow, centred over `background` (its window), dimmed."""
    image = background.convertToFormat(QImage.Format.Format_RGB32)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(image.rect(), QColor(0, 0, 0, 56))
    width, height = panel.width(), panel.height() + TITLE_HEIGHT
    frame = QRect((image.width() - width) // 2, max(MARGIN, (image.height() - height) // 2), width, height)
    painter.setPen(Qt.PenStyle.NoPen)
    for spread in range(1, 11):
        painter.setBrush(QColor(0, 0, 0, 9))
        painter.drawRoundedRect(frame.adjusted(-spread, -spread + 4, spread, spread + 4), 4 + spread, 4 + spread)
    bar = QRect(frame.x(), frame.y(), width, TITLE_HEIGHT)
    painter.fillRect(bar, QColor("#e4e4e4"))
    font = QApplication.font()
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#202020"))
    painter.drawText(bar, Qt.AlignmentFlag.AlignCenter, title)
    painter.drawImage(frame.x(), frame.y() + TITLE_HEIGHT, panel)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QColor("#8a8a8a"))
    painter.drawRect(frame.adjusted(0, 0, -1, -1))
    painter.drawLine(bar.bottomLeft(), bar.bottomRight())
    painter.end()
    return image


class Shooter:
    """Saves the main window, or a dialog over it, as `out_dir/<name>`."""

    def __init__(self, window: MainWindow, out_dir: Path) -> None:
        self.window = window
        self.out_dir = out_dir
        self.saved: list[Path] = []

    def settle(self, also: Callable[[], bool] = lambda: True) -> None:
        wait_until(lambda: not self.window.runner.busy and also())
        QApplication.processEvents()

    def screen(self, name: str, keep_message: bool = False) -> None:
        self.settle()
        if not keep_message:
            self.window.statusBar().clearMessage()  # "Contract saved." and the like have gone by now
        QApplication.processEvents()
        self._save(self.window.grab().toImage(), name)

    def dialog(self, dialog: QWidget | None, name: str) -> None:
        if dialog is None:
            raise RuntimeError(f"{name}: the dialog did not open")
        self.settle()
        self.window.statusBar().clearMessage()
        dialog.adjustSize()
        tallest = SIZE[1] - 2 * MARGIN - TITLE_HEIGHT
        if dialog.height() > tallest:
            dialog.resize(dialog.width(), tallest)
        QApplication.processEvents()
        background = self.window.grab().toImage()
        self._save(compose(background, dialog.grab().toImage(), dialog.windowTitle()), name)

    def _save(self, image: QImage, name: str) -> None:
        if (image.width(), image.height()) != SIZE:
            raise RuntimeError(f"{name} is {image.width()}x{image.height()}, not {SIZE[0]}x{SIZE[1]}")
        path = self.out_dir / name
        if not image.save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
        self.saved.append(path)


def _type(edit: QPlainTextEdit, text: str) -> None:
    """Fill in a text box as if typed: the cursor ends up after the text."""
    edit.setPlainText(text)
    edit.moveCursor(QTextCursor.MoveOperation.End)


def _cancel(dialog: QDialog) -> None:
    dialog.reject()
    QApplication.processEvents()


def _save_dialog(shooter: Shooter, dialog, view: VictimRecordView) -> None:
    """Press the dialog's save button and wait for the record to be read again."""
    dialog.save_button.click()
    shooter.settle(lambda: view.dialog is None and not view.loading)  # closed (and deleted) once saved


# --- the screens -----------------------------------------------------------------------------


def cast_account(ctx: ServiceContext, cast: Cast) -> str:
    """The cast officer's demo account (officer and bureau, to show both screens), made if the demo has none."""
    username = cast.officer.staff_no.lower()
    existing = {u.username: u for u in users.list_users(ctx)}
    if username not in existing:
        users.add_user(
            ctx, username, cast.officer.name, DEMO_PASSWORD, ["officer", "bureau"], staff_no=cast.officer.staff_no
        )
    elif set(existing[username].roles) != {"officer", "bureau"}:
        users.set_roles(ctx, username, ["officer", "bureau"])
    return username


def _sign_in(shooter: Shooter, username: str) -> None:
    window = shooter.window
    window.show()
    window.resize(*SIZE)
    window.start()
    wait_until(lambda: window.sign_in_dialog is not None)
    dialog = window.sign_in_dialog
    assert dialog is not None
    dialog.username.setText(username)
    dialog.password.setText(DEMO_PASSWORD)
    shooter.dialog(dialog, "sign_in.png")
    dialog.save_button.click()
    shooter.settle(lambda: window.officer is not None and not window.my_work.loading and not window.bureau.loading)
    window.resize(*SIZE)


def _my_work(shooter: Shooter) -> None:
    window = shooter.window
    window.tabs.setCurrentWidget(window.my_work)
    view = window.my_work
    today = window.ctx.today()
    rows = [r for r in range(view.proxy.rowCount()) if view.proxy.duty_at(r).due >= today]
    view.table.selectRow(rows[0] if rows else 0)
    shooter.screen("my_work.png")


ENOUGH_ROWS = 12  # a filtered queue should still fill most of the screen
ON_SCREEN = 20  # rows of the queue visible at 1280x800


def _filter_queue(shooter: Shooter) -> None:
    """One filter, the first that leaves a screenful: victims who prefer the phone, updates, or overdue only."""
    bureau = shooter.window.bureau

    def by_phone(on: bool) -> None:
        bureau.select_choice(bureau.method, "phone" if on else None)

    def updates(on: bool) -> None:
        bureau.select_choice(bureau.duty, "update" if on else None)

    def overdue(on: bool) -> None:
        bureau.overdue_only.setChecked(on)

    for choose in (by_phone, updates, overdue):
        choose(True)
        shooter.settle(lambda: not bureau.loading)
        if bureau.proxy.rowCount() >= ENOUGH_ROWS:
            return
        choose(False)
        shooter.settle(lambda: not bureau.loading)
    by_phone(True)
    shooter.settle(lambda: not bureau.loading)


def _bureau(shooter: Shooter) -> None:
    """The officer's division with one filter on; three victims chosen; the contact logged for all three."""
    window = shooter.window
    bureau = window.bureau
    window.tabs.setCurrentWidget(bureau)
    shooter.settle(lambda: not bureau.loading)
    _filter_queue(shooter)
    # Three victims on screen, not for referrals (a contact does not meet those), those with more than one
    # duty first, so that one of their duties can be left unticked in Log contact.
    rows = [(r, bureau.proxy.duty_at(r)) for r in range(min(bureau.proxy.rowCount(), ON_SCREEN))]
    duties_of = Counter((d.crime_ref, d.victim_ref) for d in bureau.model.rows() if d.rule != "vs_referral")
    first_row: dict[tuple[str, str], int] = {}
    for r, d in rows:
        if d.rule != "vs_referral":
            first_row.setdefault((d.crime_ref, d.victim_ref), r)
    chosen = sorted(first_row, key=lambda k: (duties_of[k] < 2, first_row[k]))[:3]
    if not chosen:  # only referrals on screen
        chosen = list(dict.fromkeys((d.crime_ref, d.victim_ref) for _, d in rows))[:3]
        first_row = {k: next(r for r, d in rows if (d.crime_ref, d.victim_ref) == k) for k in chosen}
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for key in chosen:
        bureau.table.selectionModel().select(bureau.proxy.index(first_row[key], 0), flags)
    QApplication.processEvents()
    shooter.screen("bureau_queue.png")

    contact = bureau.log_contact_for_selection()
    if contact is None:
        raise RuntimeError("log_contact.png: no rows to log a contact for")
    shooter.settle(lambda: not contact.loading_duties)
    contact.outcome_informed.setChecked(True)
    # One duty left unticked: the last of a victim with several, else the only one of the last victim.
    listed = {k: duties for k, duties in contact.listed_duties().items() if duties}
    several = [k for k, duties in listed.items() if len(duties) > 1]
    untick = several[0] if several else (list(listed)[-1] if len(listed) > 1 else None)
    if untick is not None:
        crime, victim = untick
        item = contact.duty_item(victim, listed[untick][-1][0], crime)
        if item is not None:
            item.setCheckState(0, Qt.CheckState.Unchecked)
    _type(
        contact.note,
        "Spoke to each of them with an update on the investigation and answered their questions. "
        "Agreed the next update in a month, the same way.",
    )
    shooter.dialog(contact, "log_contact.png")
    _cancel(contact)
    bureau.table.clearSelection()


def _search(shooter: Shooter, cast: Cast) -> None:
    window = shooter.window
    window.tabs.setCurrentWidget(window.search)
    window.search.search_edit.setText(cast.search_text)
    window.search.search_now()
    shooter.settle(lambda: not window.search.searching)
    hits = window.search.model.hits()
    row = next((i for i, h in enumerate(hits) if h.person_ref == cast.victim_ref), 0)
    window.search.table.selectRow(row)
    shooter.screen("search.png")


def _standards(shooter: Shooter) -> None:
    window = shooter.window
    window.tabs.setCurrentWidget(window.standards)
    shooter.settle(lambda: not window.standards.loading)
    shooter.screen("minimum_standards.png")


NEEDS_BY_LANGUAGE = {
    "BSL": "BSL interpreter for visits and interviews; contact by text or email, never a voice call.",
}


def _assess_and_agree(shooter: Shooter, view: VictimRecordView) -> None:
    """The needs assessment and the contact contract, filled in and saved (the Needs tab shows them)."""
    record, case = view.record, view.case
    assert record is not None and case is not None
    assessment = view.needs_assessment()
    if assessment is None:
        raise RuntimeError("needs_assessment.png: the dialog did not open")
    reasons = " ".join(case.enhanced_reasons).lower()
    deaf = (record.language or "").upper() == "BSL"
    assessment.answers["physical_disability" if deaf else "mental_disorder"].setChecked("vulnerable" in reasons)
    assessment.answers["fear_or_distress"].setChecked("intimidated" in reasons or not reasons)
    assessment.answers["repeatedly_targeted"].setChecked("targeted" in reasons)
    needs = []
    if record.language:
        needs.append(
            NEEDS_BY_LANGUAGE.get(record.language, f"Speaks {record.language}: an interpreter for calls and visits.")
        )
    needs.append("Would like a friend or relative present at any visit.")
    _type(assessment.needs, " ".join(needs))
    shooter.dialog(assessment, "needs_assessment.png")
    _save_dialog(shooter, assessment, view)

    contract = view.agree_contract()
    if contract is None:
        raise RuntimeError("contract.png: the dialog did not open")
    # The Code's monthly default: a different period would re-time the updates already made as well.
    contract.monthly.setChecked(True)
    contract.safe_times.setText("Weekdays after 5pm")
    contract.messages.setChecked(False)
    contract.vps_offered.setChecked(True)
    contract.vps_answer.setCurrentIndex(max(contract.vps_answer.findData("undecided"), 0))
    _type(contract.notes, "If there is no answer, send a text asking when to call back.")
    shooter.dialog(contract, "contract.png")
    _save_dialog(shooter, contract, view)


# What happens next in an investigation, after what has happened so far: (event, note).
NEXT_EVENTS = (
    ("arrest", "Suspect arrested at their home address and taken into custody."),
    ("interview", "Suspect interviewed under caution with a solicitor present."),
    ("charge", "Charged after interview; first appearance at the magistrates' court next month."),
    ("case_closed", "Investigation complete; the case is closed."),
)
OUTCOMES = {"charge", "out_of_court_disposal", "release_nfa", "no_investigation", "case_closed"}


def _next_event(ctx: ServiceContext, crime_ref: str) -> tuple[str, str]:
    """The event an officer would record next in this crime, given the events recorded so far."""
    with ctx.db.read() as session:
        done = set(
            session.scalars(
                select(EventRow.type).join(CrimeRow, CrimeRow.id == EventRow.crime_id).where(CrimeRow.ref == crime_ref)
            )
        )
    if done & OUTCOMES:
        return NEXT_EVENTS[-1]
    return next(((kind, note) for kind, note in NEXT_EVENTS if kind not in done), NEXT_EVENTS[-1])


WAIVER_REASONS = {
    "vs_referral": "Asked on the phone today about a referral to Victim Support; the victim declined, "
    "being already supported by their GP and family.",
    "update": "The victim asked today not to be updated again until the case reaches a decision; "
    "they have the officer's number if they want news before then.",
}
WAIVER_FALLBACK = (
    "The victim was told this in person by the custody sergeant the same day and asked not to be called again about it."
)


@contextmanager
def _unrestricted(ctx: ServiceContext) -> Iterator[None]:
    """Set-up for a picture, done as the database's loader (not as the user on screen)."""
    signed_in = ctx.actor
    ctx.actor = Actor("demo", WORKSTATION, unrestricted=True)
    try:
        yield
    finally:
        ctx.actor = signed_in


def _give_reason(view: VictimRecordView, code: str, details: str) -> None:
    panel = view.reason_panel
    panel.reason.setCurrentIndex(panel.reason.findData(code))
    panel.details.setText(details)


def _open_with_reason_if_asked(shooter: Shooter, view: VictimRecordView) -> None:
    shooter.settle(lambda: not view.loading)
    if view.record is None and view.stack.currentWidget() is view.reason_panel:
        _give_reason(view, "covering", "Covering the OIC's rest days")
        view.reason_panel.submit()
    shooter.settle(lambda: not view.loading)
    if view.record is None:
        raise RuntimeError(f"the record of {view.person_ref} did not open: {view.message.text()}")


def _reason_panel(shooter: Shooter) -> None:
    """The demo supervisor opens a victim of another team's case: the record asks why before it opens."""
    _switch_user(shooter, "supervisor")
    window = shooter.window
    ctx = window.ctx
    officer = ctx.actor
    with ctx.db.read() as session:
        places = session.execute(
            select(PersonRow.ref, CrimeRow.division, OfficerRow.team)
            .join(CrimePersonRow, CrimePersonRow.person_id == PersonRow.id)
            .join(CrimeRow, CrimeRow.id == CrimePersonRow.crime_id)
            .join(OfficerRow, OfficerRow.id == CrimeRow.oic_id)
        ).all()
    where: dict[str, set[tuple[str, str | None]]] = defaultdict(set)
    for person_ref, division, team in places:
        where[person_ref].add((division, team))
    # Every crime of the person in the supervisor's division, none in their team.
    ref = min(
        (p for p, seen in where.items() if all(d == officer.division and t != officer.team for d, t in seen)),
        default=None,
    )
    if ref is None:
        raise RuntimeError(f"the demo has no victim in {officer.division} outside {officer.team}")
    view = window.open_record(ref)
    shooter.settle(lambda: not view.loading)
    if view.stack.currentWidget() is not view.reason_panel:
        raise RuntimeError(f"opening {ref} did not ask for a reason: {view.message.text()} {view.record}")
    _give_reason(view, "victim_called", "The victim rang the front counter asking for the OIC")
    shooter.screen("reason_panel.png")
    window.close_current_record()


def _record(shooter: Shooter, cast: Cast) -> None:
    window = shooter.window
    view = window.open_record(cast.victim_ref, cast.crime_ref)
    _open_with_reason_if_asked(shooter, view)
    if view.case is None:
        raise RuntimeError(f"the record of {cast.victim_ref} has no crime {cast.crime_ref}")
    _assess_and_agree(shooter, view)
    case = view.case
    assert case is not None

    # Duties: an overdue one selected, so the Code's words show below.
    today = window.ctx.today()
    still_open = [d for d in case.duties if d.status in (Status.OPEN, Status.OVERDUE)]
    duty = next((d for d in still_open if d.due < today), still_open[0] if still_open else None)
    view.tabs.setCurrentIndex(TAB_DUTIES)
    if duty is not None:
        view.duties.select_key(duty.key)
    shooter.screen("record_duties.png")

    # Timeline: a corrected entry if there is one (struck through, linked to its correction).
    view.tabs.setCurrentIndex(TAB_TIMELINE)
    entries = view.timeline.model.rows()
    shown = next((e for e in entries if e.corrected_by_id is not None), None)
    shown = shown or next((e for e in entries if e.kind == "contact"), None)
    if shown is not None:
        view.timeline.select_entry(shown.kind, shown.id)
    shooter.screen("record_timeline.png")
    view.tabs.setCurrentIndex(TAB_NEEDS)
    shooter.screen("record_needs_contract.png")
    view.tabs.setCurrentIndex(TAB_CERTIFICATION)
    shooter.screen("record_certification.png")

    view.tabs.setCurrentIndex(TAB_DUTIES)
    event = view.record_event()
    if event is not None:
        kind, note = _next_event(shooter.window.ctx, case.crime_ref)
        event.choose(kind)
        _type(event.note, note)
    shooter.dialog(event, "record_event.png")
    _cancel(event)

    if view.record is not None and view.record.safe_channel is None:
        # The demo asks nobody about a safe channel; for the picture the victim has said letters are safe.
        window = shooter.window
        with _unrestricted(window.ctx):
            casework.update_person_details(window.ctx, view.person_ref, view.record.version, safe_channel="letter")
        view.reload()
        shooter.settle(lambda: not view.loading)
    letter = view.write_letter()
    if letter is not None:
        shooter.settle(lambda: not letter.loading)
    shooter.dialog(letter, "letter_preview.png")
    _cancel(letter)

    refer = view.refer()
    if refer is not None:
        refer.consent.setChecked(refer.explicit_consent_needed)
        first_name = cast.victim_name.split()[0]
        referred = any(d.rule == "vs_referral" and d.status == Status.MET for d in case.duties)
        _type(
            refer.note,
            f"Referred again at {first_name}'s request: they would now like to talk to someone about how they "
            "are coping."
            if referred
            else f"{first_name} agreed on the phone to be referred; passed on the contact preferences.",
        )
    shooter.dialog(refer, "refer.png")
    _cancel(refer)

    waive = view.waive(duty.key if duty is not None else None)
    if waive is not None and duty is not None:
        _type(waive.reason, WAIVER_REASONS.get(duty.rule, WAIVER_FALLBACK))
    shooter.dialog(waive, "waive.png")
    _cancel(waive)

    # Correct a contact: entered against the wrong date.
    view.tabs.setCurrentIndex(TAB_TIMELINE)
    target = next(
        (
            e
            for e in view.timeline.model.rows()
            if e.kind == "contact" and e.corrected_by_id is None and e.corrects_id is None and not e.retracted
        ),
        None,
    )
    if target is not None:
        view.timeline.select_entry(target.kind, target.id)
    correct = view.correct_entry()
    if correct is not None and target is not None:
        set_moment(correct.when, target.at - timedelta(days=1))
        _type(correct.reason, "Wrong date entered; this contact was made the day before.")
    shooter.dialog(correct, "correct_entry.png")
    _cancel(correct)

    details = view.edit_details()
    if details is not None:
        details.safe_times.setText("Weekdays after 5pm; not on Sundays")
        details.messages.setCurrentIndex(max(details.messages.findData(False), 0))
    shooter.dialog(details, "edit_details.png")
    _cancel(details)

    # A satisfaction survey being recorded, from the record's Surveys tab.
    view.tabs.setCurrentWidget(view.surveys)
    shooter.settle(lambda: not view.surveys.loading)
    survey = view.surveys.record_survey()
    if survey is not None:
        survey.set_method("phone")
        for question, score in (("overall", 4), ("kept_informed", 2), ("treatment", 5)):
            survey.set_answer(question, score)
        _type(survey.comments, "Happy with how they were treated; would like to hear more often how it is going.")
    shooter.dialog(survey, "survey_dialog.png")
    _cancel(survey)


def _about(shooter: Shooter) -> None:
    window = shooter.window
    window.tabs.setCurrentWidget(window.my_work)
    box = window.show_about()
    shooter.dialog(box, "about.png")
    box.close()
    QApplication.processEvents()


def _overdue_notice(shooter: Shooter, clock: Clock) -> None:
    """Left open overnight: at 09:00 on the working day after one of the officer's duties fell due, the
    periodic refresh finds it overdue."""
    window = shooter.window
    ctx = window.ctx
    window.tabs.setCurrentWidget(window.my_work)
    today = ctx.today()
    upcoming = [d.due for d in window.my_work.model.rows() if d.due >= today]
    if not upcoming:
        raise RuntimeError("overdue_notice.png: none of the officer's duties is still to fall due")
    clock.moment = nine_am(ctx.calendar.next_working_day(min(upcoming)))
    window.my_work.table.clearSelection()
    window.refresh_overdue()
    shooter.settle(lambda: not window.my_work.loading)
    if not window.my_work.banner.isVisible():
        raise RuntimeError("overdue_notice.png: the notice did not appear")
    shooter.screen("overdue_notice.png", keep_message=True)


# --- the supervisors' screens, and a finding on an officer's My work ---------------------------

SUPERVISOR_USER = "supervisor"  # the demo's supervisor account (vicman/services/demo/users.py)
SAMPLE_SIZE = 12
REVIEW_COMMENTS = (
    "The note does not say what the victim was told about the investigation, or when the next update is due. "
    "Record both, so that anyone picking up the case can carry on."
)


def _switch_user(shooter: Shooter, username: str) -> None:
    """Sign out whoever is signed in, then sign in as `username` (a demo account) through the dialog."""
    window = shooter.window
    if window.session is not None:
        window.sign_out()
    elif window.users_exist is None:
        window.start()
    wait_until(lambda: window.sign_in_dialog is not None)
    dialog = window.sign_in_dialog
    assert dialog is not None
    dialog.username.setText(username)
    dialog.password.setText(DEMO_PASSWORD)
    dialog.save_button.click()
    shooter.settle(
        lambda: (
            window.session is not None
            and window.session.user.username == username
            and not window.my_work.loading
            and not window.my_work.findings.loading
        )
    )
    window.resize(*SIZE)


def _sample_scope(window: MainWindow, period: tuple[date, date]) -> tuple[str, str]:
    """The supervisor's own team if it has entries enough for a sample to choose from, else their division."""
    actor = window.ctx.actor
    if actor.division and actor.team:
        team = f"{actor.division}/{actor.team}"
        if len(dip_sampling.population(window.ctx, "team", team, *period)) >= 3 * SAMPLE_SIZE:
            return "team", team
    if not actor.division:
        raise RuntimeError("the demo supervisor has no division")
    return "division", actor.division


def _officer_to_review(ctx: ServiceContext, items: list[SampleItemView]) -> tuple[str, str]:
    """(staff number, username) of the sampled officer with a demo account and the most entries drawn."""
    drawn = Counter(i.officer_staff_no for i in items if i.officer_staff_no)
    with ctx.db.read() as session:
        accounts = dict(
            session.execute(
                select(OfficerRow.staff_no, UserRow.username)
                .join(UserRow, UserRow.officer_id == OfficerRow.id)
                .where(OfficerRow.staff_no.in_(list(drawn)), UserRow.username != SUPERVISOR_USER)
            ).all()
        )
    if not accounts:
        raise RuntimeError("dip_samples.png: no officer in the sample has a demo account")
    staff_no = max(accounts, key=lambda s: (drawn[s], s))
    return staff_no, accounts[staff_no]


def _review(shooter: Shooter, view: DipSamplesView, item: SampleItemView) -> SampleReviewDialog:
    row = next(r for r in range(view.items_proxy.rowCount()) if view.items_proxy.row_at(r).id == item.id)
    view.items.selectRow(row)
    if not view.review_selected():
        raise RuntimeError(f"the review of entry {item.position} did not open")
    shooter.settle(lambda: view.review_dialog is not None)
    dialog = view.review_dialog
    assert dialog is not None
    return dialog


def _fill_review(dialog: SampleReviewDialog, answers: dict[str, str], verdict: str, comments: str = "") -> None:
    """The record's suggestions stand; the other questions take `answers` (else Yes)."""
    for field, _question in QUESTIONS:
        if field not in dialog.context.suggested:
            dialog.set_answer(field, answers.get(field, "yes"))
    dialog.set_verdict(verdict)
    _type(dialog.comments, comments)


def _save_review(shooter: Shooter, view: DipSamplesView, dialog: SampleReviewDialog) -> None:
    dialog.save_button.click()
    shooter.settle(lambda: view.review_dialog is None and not view.loading_samples and not view.loading_items)


def _supervision(shooter: Shooter, seed: int) -> None:
    """As the demo supervisor: a sample drawn and partly reviewed (the review form on the way), team
    compliance with one officer's duties; then that officer's My work with the findings to acknowledge."""
    window = shooter.window
    _switch_user(shooter, SUPERVISOR_USER)
    supervision = window.supervision  # type: ignore[attr-defined]
    view: DipSamplesView = supervision.dip_samples
    window.tabs.setCurrentWidget(view)
    shooter.settle(lambda: not view.loading_samples and not view.loading_items)
    period = view.period.period()
    kind, value = _sample_scope(window, period)
    view.scope.set_scope(kind, value)
    view.size.setValue(SAMPLE_SIZE)
    view.method.setCurrentIndex(max(view.method.findData("stratified"), 0))
    view.seed.setText(str(seed))
    view.draw()
    shooter.settle(lambda: not view.drawing and not view.loading_samples and not view.loading_items)
    if view.last_drawn is None:
        raise RuntimeError(f"dip_samples.png: no sample was drawn: {view.draw_error.text()}")
    items = sorted(view.items_model.rows(), key=lambda i: i.position)
    staff_no, username = _officer_to_review(window.ctx, items)
    theirs = sorted(
        (i for i in items if i.officer_staff_no == staff_no), key=lambda i: (-len(i.risk_flags), i.position)
    )
    others = [i for i in items if i.officer_staff_no != staff_no]

    dialog = _review(shooter, view, theirs[0])
    _fill_review(dialog, {"contact_clear": "yes", "contact_accurate": "no", "needs_addressed": "yes"}, "partly")
    _type(dialog.comments, REVIEW_COMMENTS)
    shooter.dialog(dialog, "sample_review.png")
    _save_review(shooter, view, dialog)
    for item, verdict, comments in (
        *((i, "compliant", "A clear, complete entry.") for i in theirs[1:2]),
        *((i, "not_compliant", "No note of what was said.") for i in others[:1]),
    ):
        dialog = _review(shooter, view, item)
        _fill_review(dialog, {"contact_accurate": "yes" if verdict == "compliant" else "no"}, verdict, comments)
        _save_review(shooter, view, dialog)
    view.items.selectRow(0)
    shooter.screen("dip_samples.png")

    compliance: TeamComplianceView = supervision.team_compliance
    window.tabs.setCurrentWidget(compliance)
    compliance.scope.set_scope(kind, value)
    compliance.refresh()
    shooter.settle(lambda: not compliance.loading)
    compliance.select_officer(staff_no)
    shooter.settle(lambda: not compliance.loading_duties)
    duties = compliance.duties_model.rows()
    first = next((r for r, d in enumerate(duties) if d.status == "overdue"), 0 if duties else None)
    if first is not None:
        compliance.duties.selectRow(compliance.duties_proxy.proxy_row_of(first))
    shooter.screen("team_compliance.png")
    _dashboard(shooter)

    _switch_user(shooter, username)
    window.tabs.setCurrentWidget(window.my_work)
    panel = window.my_work.findings
    shooter.settle(lambda: not panel.loading)
    if not panel.isVisible():
        raise RuntimeError("my_work_findings.png: the officer has no findings to acknowledge")
    window.my_work.table.clearSelection()
    shooter.screen("my_work_findings.png")


def _dashboard(shooter: Shooter) -> None:
    """As the demo supervisor: the dashboard for their division over the last 3 months, with the victims behind
    the tallest overdue bar listed; then satisfaction by ethnic group over the last 12 months."""
    window = shooter.window
    view: DashboardView = window.dashboard.view  # type: ignore[attr-defined]
    window.tabs.setCurrentWidget(view)
    shooter.settle(lambda: not view.loading and not view.reload_timer.isActive())
    report = view.reports.get("compliance")
    if report is None or not report.total.due:
        raise RuntimeError("dashboard.png: the supervisor's division has no duties in the last 3 months")
    page = view.compliance
    groups = page.overdue.groups
    if groups and page.overdue.bars is not None:
        tallest = max(range(len(groups)), key=lambda i: groups[i].overdue)
        page.overdue.group_clicked.emit(groups[tallest].key)
        shooter.settle(lambda: not view.loading_behind)
        page.behind.selectRow(0)
    shooter.screen("dashboard.png")

    view.controls.choose_preset("months12")
    shooter.settle(lambda: not view.loading and not view.reload_timer.isActive())
    view.tabs.setCurrentWidget(view.satisfaction)
    shooter.settle()
    if not view.reports.get("satisfaction") or not view.reports["satisfaction"].surveys:
        raise RuntimeError("dashboard_satisfaction.png: no satisfaction surveys in the demo's last 12 months")
    shooter.screen("dashboard_satisfaction.png")
    view.tabs.setCurrentWidget(view.compliance)


# --- the administrator's screen ----------------------------------------------------------------

ADMIN_USER = "admin"  # the demo's administrator account (vicman/services/demo/users.py)


def _users(shooter: Shooter) -> None:
    """As the demo administrator: the Users tab, with the first officer's account selected."""
    _switch_user(shooter, ADMIN_USER)
    window = shooter.window
    view = window.administration.users  # type: ignore[attr-defined]
    window.tabs.setCurrentWidget(view)
    shooter.settle(lambda: not view.loading and view.model.rowCount() > 0 and view.idle_spin.isEnabled())
    officers = [u.username for u in view.model.rows() if "officer" in u.roles]
    if not officers:
        raise RuntimeError("users.png: the demo has no officer accounts")
    view.select_user(officers[0])
    shooter.screen("users.png")


# --- the whole run ---------------------------------------------------------------------------


def render_all(
    out_dir: Path,
    crimes: int = 1500,
    seed: int = 2006,
    day: date | None = None,
    log: Callable[[str], None] = lambda _text: None,
) -> list[Path]:
    """Build a demo database of `crimes` crimes as of 09:00 on `day` (default today) and save every
    screen and dialog in `out_dir` as 1280x800 PNGs (the names in `EXPECTED`). Returns the files written."""
    _application()
    out_dir.mkdir(parents=True, exist_ok=True)
    clock = Clock(nine_am(day or datetime.now(LONDON).date()))
    with tempfile.TemporaryDirectory(prefix="vicman-screenshots-") as tmp:
        folder = Path(tmp)
        actor = Actor("demo", WORKSTATION, unrestricted=True)  # makes the demo: a fresh database's local admin
        ctx = open_context(str(folder / "demo.sqlite3"), actor=actor, clock=clock)
        try:
            log(str(make_demo(ctx, crimes=crimes, seed=seed)))
            cast = choose_cast(ctx)
            username = cast_account(ctx, cast)
            log(str(cast))
            settings = QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat)
            window = build_main_window(ctx, DB_LOCATION, settings)
            shooter = Shooter(window, out_dir)
            try:
                _sign_in(shooter, username)
                _my_work(shooter)
                _bureau(shooter)
                _search(shooter, cast)
                _standards(shooter)
                _record(shooter, cast)
                _about(shooter)
                _overdue_notice(shooter, clock)
                _supervision(shooter, seed)
                _reason_panel(shooter)
                _users(shooter)
            finally:
                window.close()
                window.runner.wait_for_done()
                window.deleteLater()
                QApplication.processEvents()
        finally:
            ctx.close()
    return shooter.saved


def _quiet_qt(_mode, _context, message: str) -> None:
    """Qt's messages, less the offscreen platform's notice that it ignores size hints (once per dialog)."""
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render vicman's screens and dialogs to PNG from demo data.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the PNGs (default: %(default)s)")
    parser.add_argument("--crimes", type=int, default=1500, help="crimes in the demo (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=2006, help="demo seed (default: %(default)s)")
    parser.add_argument(
        "--date", type=date.fromisoformat, default=None, help="the demo's today, YYYY-MM-DD (default: today)"
    )
    args = parser.parse_args(argv)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    qInstallMessageHandler(_quiet_qt)
    started = time.monotonic()
    saved = render_all(args.out, args.crimes, args.seed, args.date, log=print)
    for path in saved:
        print(path)
    print(f"{len(saved)} screenshots in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

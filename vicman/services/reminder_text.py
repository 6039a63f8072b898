"""The words of the reminders (`vicman.services.reminders`): plain-text subjects and bodies.

Bodies list duties grouped by status, one duty a line (victim's name and reference, crime reference, the
duty's title, its deadline: nothing more about the victim), and end with how to open vicman. Paragraphs
are wrapped at `WIDTH`; a duty's line is not, so that it stays one line. Subjects name no victim.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

OVERDUE = "overdue"
DUE_TODAY = "due_today"
DUE_NEXT = "due_next"

WIDTH = 100
MAX_LINES = 50
"""At most this many duties are listed under one heading; the rest are counted (they are all in vicman)."""
"""Paragraphs of a message are wrapped at this width (the duty lines are not: one duty, one line)."""

OPEN_VICMAN = (
    "To deal with these, open vicman (the vicman icon on your desktop, or run `vicman`), sign in and look at\n"
    "{screen}; Ctrl+F finds a victim by name or reference. A duty stays on this list until a contact, a\n"
    "referral or a recorded waiver meets it."
)
FOOTER = (
    "This message was sent automatically by vicman; replies are not read. It names victims of crime:\n"
    "keep it within the force and do not forward it."
)


@dataclass(frozen=True, slots=True)
class Duty:
    """A pending duty as a reminder shows it."""

    obligation_id: int
    link_id: int
    key: str
    """The duty's key within its victim's case (`report`, `event:12`, `update:2`): with `link_id`, what names
    the duty for good (obligation ids change when a case's duties are worked out again)."""
    crime_ref: str
    victim_ref: str
    victim_name: str
    rule: str
    title: str
    edition: str
    enhanced: bool
    trigger_date: date
    due: date
    division: str
    officer_id: int | None
    status: str
    """`overdue`, `due_today` or `due_next` (due on the next working day)."""
    working_days_overdue: int

    def line(self) -> str:
        when = f"due {uk(self.due)}"
        if self.working_days_overdue:
            days = self.working_days_overdue
            when += f", {days} working day{'s' if days != 1 else ''} overdue"
        return f"  - {self.victim_name} ({self.victim_ref}), crime {self.crime_ref}: {self.title} ({when})"


Section = tuple[str | None, Sequence[Duty]]
"""A heading (None: none) and the duties under it."""


def digest(name: str, as_of: date, next_day: date, sections: Sequence[Section]) -> tuple[str, str]:
    """The daily digest's subject and body: each section's duties grouped overdue, due today, due next."""
    every = [d for _, duties in sections for d in duties]
    counts = {status: sum(1 for d in every if d.status == status) for status in (OVERDUE, DUE_TODAY, DUE_NEXT)}
    need = "needs" if len(every) == 1 else "need"
    lines = [
        f"Dear {name},",
        "",
        *_wrap(
            f"vicman's daily reminder for {day(as_of)}: {count(len(every), DUTY, DUTIES)} {need} action "
            f"({_tally(counts)})."
        ),
    ]
    for heading, duties in sections:
        lines.append("")
        if heading:
            lines += [heading, ""]
        lines.extend(_by_status(duties, as_of, next_day))
    lines += ["", OPEN_VICMAN.format(screen="My work"), "", FOOTER]
    subject = (
        f"vicman reminders for {uk(as_of)}: {counts[OVERDUE]} overdue, {counts[DUE_TODAY]} due today, "
        f"{counts[DUE_NEXT]} due next working day"
    )
    return subject, "\n".join(lines) + "\n"


def immediate(name: str, duty: Duty, whose: str, reason: str | None) -> tuple[str, str]:
    """The message sent at once about a one-working-day duty; `whose`: "your case", "a case of P100 ..."."""
    lines = [
        f"Dear {name},",
        "",
        *_wrap(
            f"A Victims' Code duty with a deadline of one working day has arisen in {whose}: the victim has "
            "enhanced rights."
        ),
        "",
        f"  - {duty.victim_name} ({duty.victim_ref}), crime {duty.crime_ref}: {duty.title}",
        f"    Arose {uk(duty.trigger_date)}; due by the end of {day(duty.due)}.",
    ]
    if reason:
        lines += ["", *_wrap(f"You are receiving this because {clause(reason)}.")]
    lines += ["", OPEN_VICMAN.format(screen="My work"), "", FOOTER]
    subject = f"vicman: duty due by {uk(duty.due)} for a victim with enhanced rights (crime {duty.crime_ref})"
    return subject, "\n".join(lines) + "\n"


def escalation(name: str, as_of: date, days: int, groups: Sequence[Section], reasons: Sequence[str]) -> tuple[str, str]:
    """The escalation to a supervisor (or a bureau mailbox): the overdue duties, by officer in the case."""
    lines = [
        f"Dear {name},",
        "",
        *_wrap(
            f"These Victims' Code duties are overdue by {days} working day{'s' if days != 1 else ''} or more as of "
            f"{day(as_of)}. Please see that each is dealt with today, or reassign it."
        ),
    ]
    for heading, duties in groups:
        lines += ["", f"{heading} ({len(duties)}):"]
        lines.extend(_lines(sorted(duties, key=lambda d: (d.due, d.crime_ref, d.victim_ref))))
    if reasons:
        lines += ["", *_wrap(f"You are receiving this because {'; '.join(clause(r) for r in reasons)}.")]
    lines += ["", OPEN_VICMAN.format(screen="Team compliance"), "", FOOTER]
    total = sum(len(duties) for _, duties in groups)
    subject = f"vicman escalation for {uk(as_of)}: {count(total, 'duty', 'duties')} overdue by {days}+ working days"
    return subject, "\n".join(lines) + "\n"


def _by_status(duties: Sequence[Duty], as_of: date, next_day: date) -> list[str]:
    lines: list[str] = []
    groups = (
        (OVERDUE, "Overdue"),
        (DUE_TODAY, f"Due today, {day(as_of)}"),
        (DUE_NEXT, f"Due on the next working day, {day(next_day)}"),
    )
    for status, heading in groups:
        chosen = [d for d in duties if d.status == status]
        if not chosen:
            continue
        if lines:
            lines.append("")
        lines.append(f"{heading} ({len(chosen)}):")
        lines.extend(_lines(sorted(chosen, key=lambda d: (d.due, d.crime_ref, d.victim_ref, d.rule))))
    return lines


def _lines(duties: Sequence[Duty]) -> list[str]:
    """One line a duty, at most `MAX_LINES`; then how many more there are."""
    lines = [d.line() for d in duties[:MAX_LINES]]
    if len(duties) > MAX_LINES:
        lines.append(f"  … and {len(duties) - MAX_LINES} more: see them all in vicman.")
    return lines


DUTY = "Victims' Code duty"
DUTIES = "Victims' Code duties"


def _wrap(paragraph: str) -> list[str]:
    return textwrap.wrap(paragraph, WIDTH)


def _tally(counts: dict[str, int]) -> str:
    """ "3 overdue, 1 due on the next working day": the kinds there are, in order."""
    words = {OVERDUE: "overdue", DUE_TODAY: "due today", DUE_NEXT: "due on the next working day"}
    return ", ".join(f"{counts[status]} {words[status]}" for status in words if counts[status])


def clause(reason: str) -> str:
    """A reason to follow "because": "No officer in the case" -> "no officer in the case" (staff numbers stay)."""
    if len(reason) > 1 and reason[0].isupper() and reason[1].islower():
        return reason[0].lower() + reason[1:]
    return reason


def uk(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def day(value: date) -> str:
    return f"{value.strftime('%A')} {uk(value)}"


def count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"

"""A small force for the reminder tests: officers who are in, away (with a deputy), left, or without email.

As of Thursday 26/11/2026 (the tests' FIXED_NOW), the next working day being Friday 27/11/2026, each crime's
referral duty (`vs_referral`, 2 working days after the report) falls as the comment says. Updates fall a
month after the report, so none is due this week. The North division has a bureau mailbox (set by
`build_force` unless told not to); the South division has none. The crime system always gives an officer's
email address, so the two officers without one (P500, P600) have it removed after the import.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from tests.conftest import CSV_COLUMNS, crime_row, write_csv
from vicman.services import entries, importing, settings, users
from vicman.services.context import ServiceContext
from vicman.store.tables import CrimeRow, ObligationRow, OfficerRow, PersonRow

AS_OF = date(2026, 11, 26)
NEXT_DAY = date(2026, 11, 27)
NORTH_MAILBOX = "bureau.north@police.example.uk"
SUPERVISOR_EMAIL = "sam.sergeant@police.example.uk"
PASSWORD = "reminder-test-password-1"

COLUMNS = (*CSV_COLUMNS, "oic_team")


@dataclass(frozen=True)
class Officer:
    staff_no: str
    name: str
    email: str
    team: str
    division: str = "North"


JANE = Officer("P100", "PC Jane Jones", "jane.jones@police.example.uk", "N1")
RAY = Officer("P200", "PC Ray Khan", "ray.khan@police.example.uk", "N1")  # away, deputy Sue
SUE = Officer("P300", "PC Sue Park", "sue.park@police.example.uk", "N1")  # Ray's deputy
LEE = Officer("P400", "PC Lee Long", "lee.long@police.example.uk", "N2")  # left on 01/11/2026
MAX = Officer("P500", "PC Max Nash", "max.nash@police.example.uk", "N2")  # email removed: see build_force
OWEN = Officer("P600", "PC Owen Pugh", "owen.pugh@police.example.uk", "S1", "South")  # the same; South: no mailbox
NO_EMAIL = (MAX.staff_no, OWEN.staff_no)
SAM = Officer("P900", "PS Sam Sergeant", SUPERVISOR_EMAIL, "N1")  # the N1 supervisor

# crime, reported (UK time), officer, victim ref, victim name, enhanced reasons, opted out of referral
CRIMES = (
    ("CR-100A", "2026-11-16T10:00", JANE, "V-100A", "Anna Nowak", "", "no"),  # due 18/11: 6 working days late
    ("CR-100B", "2026-11-24T10:00", JANE, "V-100B", "Ben Carter", "", "no"),  # due today
    ("CR-100C", "2026-11-25T10:00", JANE, "V-100C", "Cleo Davies", "", "no"),  # due the next working day
    ("CR-100D", "2026-11-26T08:00", JANE, "V-100D", "Dan Evans", "", "no"),  # due 30/11: not yet
    ("CR-100E", "2026-11-23T10:00", JANE, "V-100E", "Eve Fox", "", "no"),  # due 25/11: 1 working day late
    ("CR-100F", "2026-11-02T10:00", JANE, "V-100F", "Finn Gray", "vulnerable", "yes"),  # arrest today (enhanced)
    ("CR-100G", "2026-11-02T10:00", JANE, "V-100G", "Gus Hart", "", "yes"),  # arrest today (standard)
    ("CR-200A", "2026-11-24T10:00", RAY, "V-200A", "Gita Hale", "", "no"),  # due today
    ("CR-300A", "2026-11-25T10:00", SUE, "V-300A", "Huw Ince", "", "no"),  # due the next working day
    ("CR-400A", "2026-11-16T10:00", LEE, "V-400A", "Iris Jay", "", "no"),  # 6 working days late
    ("CR-500A", "2026-11-24T10:00", MAX, "V-500A", "Jon Kemp", "", "no"),  # due today
    ("CR-600A", "2026-11-24T10:00", OWEN, "V-600A", "Kay Lowe", "", "no"),  # due today
    ("CR-900A", "2026-11-26T08:00", SAM, "V-900A", "Lia Moss", "", "no"),  # due 30/11: not yet
)


def extract_rows() -> list[dict[str, str]]:
    return [
        crime_row(
            crime_ref=crime,
            reported_at=reported,
            division=officer.division,
            oic_id=officer.staff_no,
            oic_name=officer.name,
            oic_email=officer.email,
            oic_team=officer.team,
            victim_ref=ref,
            victim_name=name,
            enhanced_reasons=reasons,
            vs_opt_out=opt_out,
        )
        for crime, reported, officer, ref, name, reasons, opt_out in CRIMES
    ]


def write_extract(path: Path) -> Path:
    return write_csv(path, extract_rows(), COLUMNS)


def build_force(ctx: ServiceContext, folder: Path, *, mailbox: bool = True, away: bool = True) -> None:
    """Import the crimes, arrest in CR-100F and CR-100G this morning, mark Ray away (deputy Sue) and Lee left,
    add the N1 supervisor's account, and set the North bureau mailbox."""
    from vicman.services import officers

    importing.import_crimes(ctx, write_extract(folder / "force.csv"))
    # The crime system always names an email address; an officer record without one (made before email
    # was required, or cleared since) is set up here directly.
    with ctx.db.transaction() as session:
        session.execute(update(OfficerRow).where(OfficerRow.staff_no.in_(NO_EMAIL)).values(email=None))
    for crime in ("CR-100F", "CR-100G"):
        entries.record_event(ctx, crime, "arrest", datetime(2026, 11, 26, 8, 30, tzinfo=UTC))
    if away:
        officers.set_away(ctx, RAY.staff_no, date(2026, 11, 20), date(2026, 11, 30), SUE.staff_no)
    officers.mark_left(ctx, LEE.staff_no, date(2026, 11, 1))
    users.add_user(ctx, "admin", "Alex Admin", PASSWORD, ["administrator"])
    users.add_user(ctx, "sgt.sam", SAM.name, PASSWORD, ["supervisor"], staff_no=SAM.staff_no)
    if mailbox:
        settings.set_setting(ctx, "bureau.mailbox.North", NORTH_MAILBOX)


def duty_id(ctx: ServiceContext, victim_ref: str, rule: str = "vs_referral") -> int:
    with ctx.db.read() as session:
        found = session.scalar(
            select(ObligationRow.id)
            .join(PersonRow, PersonRow.id == ObligationRow.person_id)
            .where(PersonRow.ref == victim_ref, ObligationRow.rule == rule)
        )
    assert found is not None, (victim_ref, rule)
    return int(found)


def duty_ids(ctx: ServiceContext, *victims: str, rule: str = "vs_referral") -> tuple[int, ...]:
    return tuple(sorted(duty_id(ctx, v, rule) for v in victims))


def crime_refs(ctx: ServiceContext) -> list[str]:
    with ctx.db.read() as session:
        return list(session.scalars(select(CrimeRow.ref).order_by(CrimeRow.ref)))


def by_key(messages: Any) -> dict[str, Any]:
    return {m.key: m for m in messages}


# --- a real SMTP server on 127.0.0.1 ---------------------------------------------------------------------------


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps what the server accepted: (recipients, message)."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.original_content or b"", policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def received(self) -> list[tuple[list[str], EmailMessage]]:
        with self.lock:
            return list(self.messages)

    def to(self, address: str) -> list[EmailMessage]:
        return [message for recipients, message in self.received() if address in recipients]


@contextmanager
def smtp_servers() -> Iterator[Callable[[int], tuple[Controller, Inbox]]]:
    """`start(port)` -> a running aiosmtpd server on 127.0.0.1:port and its inbox; all stopped at the end."""
    started: list[Controller] = []

    def start(port: int) -> tuple[Controller, Inbox]:
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        started.append(controller)
        return controller, inbox

    try:
        yield start
    finally:
        for controller in started:
            with suppress(Exception):
                controller.stop()

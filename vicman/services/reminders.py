"""Reminders that cannot fail silently: what to tell whom each day, queued in the outbox for sending.

Three kinds of message, each with an idempotency key so that running the day's reminders again (the
scheduled task, then the app's timer every 15 minutes) queues nothing twice:

- `digest` — once a day to each recipient (`digest:<as_of>:<staff number>`, or `…:<mailbox address>` for a
  bureau mailbox): the pending duties in the officers' cases that are overdue, due today, or due on the next
  working day, grouped by status, each with the victim's name and reference, the crime reference, the duty
  (the Code edition's title) and its deadline.
- `immediate` — a duty with a one-working-day deadline (a victim with enhanced rights) that arose on `as_of`
  or since the previous working day (`immediate:<victim's case id>:<duty key>`, e.g. `immediate:6:event:1`:
  obligation ids change whenever a case's duties are worked out again): the scheduled run in the morning catches
  what arose after yesterday's last run, the app's timer what arises during the day.
- `escalation` — to the officer's supervisors (active users with the supervisor role in the officer's
  division and team, linked to an officer with an email address) when a duty is overdue by at least
  `reminders.escalate_after_days` working days; else to the division's bureau mailbox
  (`escalation:<as_of>:<address>`), listing each duty and its officer.

Where a message goes: the officer in the case; while they are away (`vicman.services.officers`), their
deputy (if the deputy has a working address and is not away too), else the division's bureau mailbox; once
they have left, or when they have no working address, the bureau mailbox. The message's `reason` says why
("P100 is away until 30/11/2026: to their deputy P200"). A duty no one can be told about (no bureau mailbox
either) is reported as an orphan, never dropped: `vicman remind` then exits 1 with a warning.

`plan_reminders` only reads; `queue_reminders` queues the plan in one transaction with one audit record
(counts only). Both are checked as `reminders.run` (administrators; the built-in local administrator of a
scheduled task).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vicman.domain.enums import ObligationState
from vicman.notify import outbox
from vicman.services import audit, permissions, settings
from vicman.services import reminder_text as text
from vicman.services.context import ServiceContext
from vicman.services.officers import is_away
from vicman.services.reminder_text import DUE_NEXT, DUE_TODAY, OVERDUE, Duty
from vicman.services.reminder_text import uk as _uk
from vicman.store.tables import CrimeRow, ObligationRow, OfficerRow, PersonRow, UserRow

DIGEST = "digest"
IMMEDIATE = "immediate"
ESCALATION = "escalation"
KINDS = (DIGEST, IMMEDIATE, ESCALATION)

# --- what the plan is made of --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlannedMessage:
    """One message the day's reminders would queue (see `vicman.notify.outbox.queue`)."""

    key: str
    kind: str
    recipient: str
    recipient_name: str
    reason: str | None
    """Why this recipient, when it is not the officer in the case themselves."""
    officer_id: int | None
    subject: str
    body: str
    duties: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Orphan:
    """A duty a message should have been about, with no one to send it to."""

    kind: str
    obligation_id: int
    crime_ref: str
    victim_ref: str
    title: str
    due: date
    officer: str | None
    """The staff number of the officer in the case (None: no officer)."""
    division: str
    why: str


@dataclass(frozen=True)
class ReminderPlan:
    """The day's messages and the duties no message could carry. Iterating it yields the messages."""

    as_of: date
    messages: tuple[PlannedMessage, ...]
    orphans: tuple[Orphan, ...]

    def __iter__(self) -> Iterator[PlannedMessage]:
        return iter(self.messages)

    def __len__(self) -> int:
        return len(self.messages)

    def by_kind(self) -> dict[str, int]:
        return {kind: sum(1 for m in self.messages if m.kind == kind) for kind in KINDS}


@dataclass(frozen=True)
class QueueReport:
    as_of: date
    queued: int
    already_queued: int
    by_kind: dict[str, int]
    """New messages queued, per kind."""
    orphans: tuple[Orphan, ...]

    @property
    def ok(self) -> bool:
        return not self.orphans


@dataclass(frozen=True, slots=True)
class Route:
    """Where one officer's (or one division's) messages go on a day, and why."""

    address: str | None
    name: str
    ident: str
    """What names the recipient in a key: a staff number, or a mailbox address."""
    officer_id: int | None
    """The recipient's officer record (None for a mailbox)."""
    reason: str | None
    """None: the officer in the case themselves."""
    why_not: str | None = None
    """Why there is no address at all (the duty is an orphan)."""


# --- the service calls ---------------------------------------------------------------------------


def plan_reminders(ctx: ServiceContext, as_of: date) -> ReminderPlan:
    """The messages the reminders for `as_of` consist of, and the orphaned duties. Reads only."""
    permissions.require(ctx, permissions.RUN_REMINDERS, object_type="reminders", object_id=as_of.isoformat())
    return _Planner(ctx, as_of).plan()


def queue_reminders(ctx: ServiceContext, as_of: date) -> QueueReport:
    """Queue the reminders for `as_of` in the outbox (those already queued are left alone); one audit record."""
    permissions.require(ctx, permissions.RUN_REMINDERS, object_type="reminders", object_id=as_of.isoformat())
    plan = _Planner(ctx, as_of).plan()
    queued = 0
    by_kind = {kind: 0 for kind in KINDS}
    now = ctx.now()
    with ctx.db.transaction() as session:
        for message in plan.messages:
            if outbox.queue(
                session,
                key=message.key,
                kind=message.kind,
                recipient=message.recipient,
                recipient_name=message.recipient_name,
                reason=message.reason,
                officer_id=message.officer_id,
                subject=message.subject,
                body=message.body,
                duties=list(message.duties),
                now=now,
            ):
                queued += 1
                by_kind[message.kind] += 1
        detail: dict[str, Any] = {
            "as_of": as_of.isoformat(),
            "planned": len(plan.messages),
            "queued": queued,
            "already_queued": len(plan.messages) - queued,
            "by_kind": by_kind,
            "orphans": len(plan.orphans),
        }
        if plan.orphans:
            detail["orphaned_duties"] = sorted({o.obligation_id for o in plan.orphans})[:200]
        audit.record(ctx, session, audit.COMBINE, "reminders", as_of.isoformat(), detail)
    return QueueReport(as_of, queued, len(plan.messages) - queued, by_kind, plan.orphans)


# --- planning --------------------------------------------------------------------------------------


@dataclass
class _Officer:
    id: int
    staff_no: str
    name: str
    email: str | None
    division: str
    team: str | None
    active: bool
    away_from: date | None
    away_until: date | None
    deputy_id: int | None
    left_on: date | None

    @property
    def label(self) -> str:
        return f"{self.staff_no} {self.name}"


@dataclass
class _Box:
    """The duties going to one recipient, by officer in the case (None: crimes with no officer)."""

    route: Route
    sections: dict[tuple[int | None, str], list[Duty]] = field(default_factory=lambda: defaultdict(list))
    reasons: dict[tuple[int | None, str], str | None] = field(default_factory=dict)


class _Planner:
    def __init__(self, ctx: ServiceContext, as_of: date) -> None:
        self.ctx = ctx
        self.as_of = as_of
        self.calendar = ctx.calendar
        self.next_day = self.calendar.next_working_day(as_of)
        self.since = _previous_working_day(ctx, as_of)
        self.officers: dict[int, _Officer] = {}
        self.supervisors: dict[tuple[str, str | None], list[_Officer]] = defaultdict(list)
        self._mailboxes: dict[str, str] = {}
        self._routes: dict[tuple[int | None, str], Route] = {}
        self._days: dict[tuple[str, str, bool], int | None] = {}
        self._late: dict[date, int] = {}
        self.escalate_after = 2

    # --- reading ---------------------------------------------------------------------------------

    def plan(self) -> ReminderPlan:
        with self.ctx.db.read() as session:
            self.load_people(session)
            duties = list(self._duties(session))
        messages: list[PlannedMessage] = []
        orphans: list[Orphan] = []
        self._digests(duties, messages, orphans)
        self._immediates(duties, messages, orphans)
        self._escalations(duties, messages, orphans)
        return ReminderPlan(self.as_of, tuple(messages), tuple(orphans))

    def load_people(self, session: Session) -> None:
        """The officers, the supervisors and the settings reminders depend on."""
        self.escalate_after = settings.escalate_after_days_in(session)
        self._mailboxes = settings.bureau_mailboxes_in(session)
        for row in session.scalars(select(OfficerRow)):
            self.officers[row.id] = _Officer(
                row.id,
                row.staff_no,
                row.name,
                (row.email or "").strip() or None,
                row.division,
                row.team,
                bool(row.active),
                row.away_from,
                row.away_until,
                row.deputy_id,
                row.left_on,
            )
        users = session.execute(
            select(UserRow.roles, UserRow.division, UserRow.team, UserRow.officer_id).where(
                UserRow.active.is_(True), UserRow.officer_id.is_not(None)
            )
        )
        for roles, division, team, officer_id in users:
            officer = self.officers.get(officer_id) if officer_id is not None else None
            if officer is None or "supervisor" not in roles.split(";"):
                continue
            self.supervisors[(division or officer.division, team)].append(officer)

    def _duties(self, session: Session) -> Iterator[Duty]:
        titles = self.ctx.code.rule_titles()
        query = (
            select(
                ObligationRow.id,
                ObligationRow.link_id,
                ObligationRow.key,
                ObligationRow.rule,
                ObligationRow.edition,
                ObligationRow.enhanced,
                ObligationRow.trigger_date,
                ObligationRow.due,
                ObligationRow.division,
                ObligationRow.oic_id,
                CrimeRow.ref,
                PersonRow.ref,
                PersonRow.name,
            )
            .join(CrimeRow, CrimeRow.id == ObligationRow.crime_id)
            .join(PersonRow, PersonRow.id == ObligationRow.person_id)
            .where(
                ObligationRow.state == ObligationState.PENDING.value,
                ObligationRow.due <= self.next_day,
                ObligationRow.trigger_date <= self.as_of,
            )
            .order_by(ObligationRow.due, CrimeRow.ref, PersonRow.ref, ObligationRow.id)
        )
        for (
            ob_id,
            link_id,
            duty_key,
            rule,
            edition,
            enhanced,
            trigger_date,
            due,
            division,
            oic_id,
            crime_ref,
            victim_ref,
            victim_name,
        ) in session.execute(query):
            if due < self.as_of:
                status = OVERDUE
            elif due == self.as_of:
                status = DUE_TODAY
            else:
                status = DUE_NEXT
            yield Duty(
                obligation_id=ob_id,
                link_id=link_id,
                key=duty_key,
                crime_ref=crime_ref,
                victim_ref=victim_ref,
                victim_name=victim_name,
                rule=rule,
                title=self._title(edition, rule, titles),
                edition=edition,
                enhanced=bool(enhanced),
                trigger_date=trigger_date,
                due=due,
                division=division,
                officer_id=oic_id,
                status=status,
                working_days_overdue=self._working_days_late(due),
            )

    def _title(self, edition: str, rule: str, titles: dict[str, str]) -> str:
        try:
            found = self.ctx.code.edition(edition).rule(rule)
        except KeyError:
            found = None
        return found.title if found is not None else titles.get(rule, rule)

    def _working_days_late(self, due: date) -> int:
        if due >= self.as_of:
            return 0
        if due not in self._late:
            self._late[due] = self.calendar.working_days_between(due, self.as_of)
        return self._late[due]

    def _one_day_deadline(self, duty: Duty) -> bool:
        key = (duty.edition, duty.rule, duty.enhanced)
        if key not in self._days:
            try:
                rule = self.ctx.code.edition(duty.edition).rule(duty.rule)
                self._days[key] = rule.days(duty.enhanced) if rule is not None else None
            except (KeyError, ValueError):
                self._days[key] = None
        return self._days[key] == 1

    # --- where messages go -----------------------------------------------------------------------

    def mailbox(self, division: str) -> str | None:
        address = self._mailboxes.get(division)
        return address if address is not None and outbox.is_address(address) else None

    def bureau(self, division: str, because: str) -> Route:
        address = self.mailbox(division)
        name = f"{division} bureau"
        if address is None:
            return Route(
                None,
                name,
                "",
                None,
                None,
                f"{because}, and {division} has no bureau mailbox (set bureau.mailbox.{division})",
            )
        return Route(address, name, address.lower(), None, f"{because}: to the {division} bureau mailbox")

    def route(self, officer_id: int | None, division: str) -> Route:
        """Where the reminders about an officer's cases in `division` go on `as_of`."""
        key = (officer_id, division)
        if key not in self._routes:
            self._routes[key] = self._route(officer_id, division)
        return self._routes[key]

    def _route(self, officer_id: int | None, division: str) -> Route:
        officer = self.officers.get(officer_id) if officer_id is not None else None
        if officer is None:
            return self.bureau(division, "No officer in the case")
        staff = officer.staff_no
        if officer.left_on is not None and officer.left_on <= self.as_of:
            return self.bureau(division, f"{staff} left on {_uk(officer.left_on)}")
        if not officer.active:
            return self.bureau(division, f"{staff} is no longer an active officer")
        if is_away(officer.away_from, officer.away_until, self.as_of):
            away = f"{staff} is away until {_uk(officer.away_until)}" if officer.away_until else f"{staff} is away"
            deputy = self.officers.get(officer.deputy_id) if officer.deputy_id is not None else None
            if deputy is None:
                return self.bureau(division, f"{away} with no deputy")
            problem = self._unusable(deputy)
            if problem is not None:
                return self.bureau(division, f"{away} and their deputy {deputy.staff_no} {problem}")
            assert deputy.email is not None
            return Route(
                deputy.email, deputy.name, deputy.staff_no, deputy.id, f"{away}: to their deputy {deputy.staff_no}"
            )
        if not officer.email:
            return self.bureau(division, f"{staff} has no email address")
        if not outbox.is_address(officer.email):
            return self.bureau(division, f"{staff}'s email address is not usable")
        return Route(officer.email, officer.name, staff, officer.id, None)

    def _unusable(self, officer: _Officer) -> str | None:
        """Why an officer cannot take someone else's reminders on `as_of` (None: they can)."""
        if officer.left_on is not None and officer.left_on <= self.as_of:
            return "has left"
        if not officer.active:
            return "is no longer active"
        if is_away(officer.away_from, officer.away_until, self.as_of):
            return "is away too"
        if not officer.email:
            return "has no email address"
        if not outbox.is_address(officer.email):
            return "has no usable email address"
        return None

    def supervisor_routes(self, duty: Duty) -> list[Route]:
        officer = self.officers.get(duty.officer_id) if duty.officer_id is not None else None
        if officer is None:
            return [self.bureau(duty.division, "No officer in the case, so no supervisor")]
        routes = []
        for supervisor in self.supervisors.get((officer.division, officer.team), []):
            if supervisor.id == officer.id or self._unusable(supervisor) is not None:
                continue
            assert supervisor.email is not None
            routes.append(Route(supervisor.email, supervisor.name, supervisor.email.lower(), supervisor.id, None))
        if routes:
            return sorted({r.ident: r for r in routes}.values(), key=lambda r: r.ident)
        team = f"{officer.division}/{officer.team}" if officer.team else officer.division
        return [self.bureau(officer.division, f"No supervisor of {team} with a working email address")]

    # --- the messages ----------------------------------------------------------------------------

    def _orphan(self, kind: str, duty: Duty, why: str) -> Orphan:
        officer = self.officers.get(duty.officer_id) if duty.officer_id is not None else None
        return Orphan(
            kind=kind,
            obligation_id=duty.obligation_id,
            crime_ref=duty.crime_ref,
            victim_ref=duty.victim_ref,
            title=duty.title,
            due=duty.due,
            officer=officer.staff_no if officer is not None else None,
            division=duty.division,
            why=why,
        )

    def _digests(self, duties: list[Duty], messages: list[PlannedMessage], orphans: list[Orphan]) -> None:
        boxes: dict[str, _Box] = {}
        for duty in duties:
            route = self.route(duty.officer_id, duty.division)
            if route.address is None:
                orphans.append(self._orphan(DIGEST, duty, route.why_not or "no address"))
                continue
            box = boxes.setdefault(route.ident, _Box(route))
            section = (duty.officer_id, duty.division)
            box.sections[section].append(duty)
            box.reasons[section] = route.reason
        for ident, box in sorted(boxes.items()):
            messages.append(self._digest(ident, box))

    def _digest(self, ident: str, box: _Box) -> PlannedMessage:
        route = box.route
        every = [d for duties in box.sections.values() for d in duties]
        ordered = sorted(box.sections.items(), key=lambda item: self._section_order(route, item[0]))
        own_only = len(ordered) == 1 and ordered[0][0][0] == route.officer_id and route.officer_id is not None
        sections = [
            (None if own_only else self._section_heading(route, section, box.reasons.get(section)), duties)
            for section, duties in ordered
        ]
        subject, body = text.digest(route.name, self.as_of, self.next_day, sections)
        reasons = sorted({r for r in box.reasons.values() if r})
        officers = {officer_id for officer_id, _ in box.sections if officer_id is not None}
        officer_id = route.officer_id
        if officer_id is None and len(officers) == 1:
            officer_id = next(iter(officers))
        return PlannedMessage(
            key=f"{DIGEST}:{self.as_of.isoformat()}:{ident}",
            kind=DIGEST,
            recipient=route.address or "",
            recipient_name=route.name,
            reason="; ".join(reasons)[: outbox.REASON_LENGTH] or None,
            officer_id=officer_id,
            subject=subject,
            body=body,
            duties=tuple(sorted(d.obligation_id for d in every)),
        )

    def _section_order(self, route: Route | None, section: tuple[int | None, str]) -> tuple[int, str]:
        officer_id, division = section
        if route is not None and officer_id is not None and officer_id == route.officer_id:
            return (0, "")
        officer = self.officers.get(officer_id) if officer_id is not None else None
        return (1, officer.staff_no if officer is not None else f"~{division}")

    def _section_heading(self, route: Route, section: tuple[int | None, str], reason: str | None) -> str:
        officer_id, division = section
        if officer_id is not None and officer_id == route.officer_id:
            return "YOUR CASES"
        officer = self.officers.get(officer_id) if officer_id is not None else None
        title = f"CASES OF {officer.label.upper()}" if officer else f"{division.upper()} CRIMES WITH NO OFFICER"
        return f"{title}\n({reason})" if reason else title

    def _immediates(self, duties: list[Duty], messages: list[PlannedMessage], orphans: list[Orphan]) -> None:
        for duty in duties:
            if not (
                duty.enhanced
                and self.since <= duty.trigger_date <= self.as_of
                and duty.due >= self.as_of
                and self._one_day_deadline(duty)
            ):
                continue
            route = self.route(duty.officer_id, duty.division)
            if route.address is None:
                orphans.append(self._orphan(IMMEDIATE, duty, route.why_not or "no address"))
                continue
            officer = self.officers.get(duty.officer_id) if duty.officer_id is not None else None
            if route.reason is None:
                whose = "your case"
            elif officer is not None:
                whose = f"a case of {officer.label}"
            else:
                whose = f"a {duty.division} crime with no officer"
            subject, body = text.immediate(route.name, duty, whose, route.reason)
            messages.append(
                PlannedMessage(
                    key=f"{IMMEDIATE}:{duty.link_id}:{duty.key}",
                    kind=IMMEDIATE,
                    recipient=route.address,
                    recipient_name=route.name,
                    reason=route.reason,
                    officer_id=route.officer_id if route.officer_id is not None else duty.officer_id,
                    subject=subject,
                    body=body,
                    duties=(duty.obligation_id,),
                )
            )

    def _escalations(self, duties: list[Duty], messages: list[PlannedMessage], orphans: list[Orphan]) -> None:
        days = self.escalate_after
        boxes: dict[str, _Box] = {}
        for duty in duties:
            if duty.status != OVERDUE or duty.working_days_overdue < days:
                continue
            for route in self.supervisor_routes(duty):
                if route.address is None:
                    orphans.append(self._orphan(ESCALATION, duty, route.why_not or "no address"))
                    continue
                box = boxes.setdefault(route.ident, _Box(route))
                section = (duty.officer_id, duty.division)
                box.sections[section].append(duty)
                box.reasons[section] = route.reason
        for ident, box in sorted(boxes.items()):
            route = box.route
            every = [d for duties in box.sections.values() for d in duties]
            groups = []
            for (officer_id, division), listed in sorted(
                box.sections.items(), key=lambda i: self._section_order(None, i[0])
            ):
                officer = self.officers.get(officer_id) if officer_id is not None else None
                groups.append((officer.label if officer else f"{division} crimes with no officer in the case", listed))
            reasons = sorted({r for r in box.reasons.values() if r})
            subject, body = text.escalation(route.name, self.as_of, days, groups, reasons)
            messages.append(
                PlannedMessage(
                    key=f"{ESCALATION}:{self.as_of.isoformat()}:{ident}",
                    kind=ESCALATION,
                    recipient=route.address or "",
                    recipient_name=route.name,
                    reason="; ".join(reasons)[: outbox.REASON_LENGTH] or None,
                    officer_id=route.officer_id,
                    subject=subject,
                    body=body,
                    duties=tuple(sorted({d.obligation_id for d in every})),
                )
            )


# --- helpers ---------------------------------------------------------------------------------------


def _previous_working_day(ctx: ServiceContext, day: date) -> date:
    """The last working day before `day` (the start of the window in which a one-day duty is "new")."""
    current = day - timedelta(days=1)
    while not ctx.calendar.is_working_day(current):
        current -= timedelta(days=1)
    return current

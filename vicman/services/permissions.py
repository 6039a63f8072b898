"""Who may do what: the role table, checked by every service call (the GUI only mirrors it).

Each action grants each role a *scope*: the cases it reaches, measured from the acting user
(their own cases, their team's, their division's, or the whole force). For reading a record a
second, narrower scope says how far a user reads without giving a reason; beyond it, up to the
granted scope, the service asks for a reason and audits it. A user with several roles gets the
widest grant of any of them. `docs/permissions.md` is rendered from this table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import IntEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session, aliased

from vicman.services import audit
from vicman.services.context import ROLES, Actor, ServiceContext
from vicman.services.errors import NotFound, ServiceError
from vicman.store.tables import CrimePersonRow, CrimeRow, OfficerRow, PersonRow, UserRow


class NotPermitted(ServiceError):
    """The acting user's roles do not allow this (already audited as `authz-deny`)."""


class ReasonRequired(ServiceError):
    """Reading this record is outside the user's own cases: give a reason (nothing was read)."""


class Scope(IntEnum):
    NONE = 0
    SELF = 1
    """Cases where the user is the officer in the case (or, for people, the user themselves)."""
    TEAM = 2
    DIVISION = 3
    FORCE = 4


@dataclass(frozen=True, slots=True)
class Grant:
    scope: Scope
    without_reason: Scope | None = None
    """For reads: the scope up to which no reason is asked (None: the whole grant)."""

    @property
    def free(self) -> Scope:
        return self.scope if self.without_reason is None else min(self.scope, self.without_reason)


@dataclass(frozen=True, slots=True)
class Target:
    """Where a case (or an officer) sits: what scopes are measured against."""

    division: str | None = None
    team: str | None = None
    officer_id: int | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason_needed: bool = False


S, T, D, F = Scope.SELF, Scope.TEAM, Scope.DIVISION, Scope.FORCE

READ_RECORD = "record.read"
SEARCH = "search"
LIST_OBLIGATIONS = "obligations.list"
WRITE_ENTRY = "entry.write"
CORRECT_ENTRY = "entry.correct"
EDIT_DETAILS = "details.edit"
CERTIFY = "case.certify"
OFFICER_WORKLIST = "worklist.officer"
DIVISION_WORKLIST = "worklist.division"
BUREAU_QUEUE = "queue.bureau"
ASSIGN_WORK = "queue.assign"
READ_STANDARDS = "standards.read"
LIST_OFFICERS = "officers.list"
IMPORT_CRIMES = "crimes.import"
MAKE_DEMO = "demo.make"
DRAW_SAMPLE = "dip_sample.draw"
REVIEW_SAMPLE = "dip_sample.review"
READ_FINDINGS = "dip_sample.findings"
ACKNOWLEDGE_FINDINGS = "dip_sample.acknowledge"
TEAM_COMPLIANCE = "compliance.team"
VERIFY_AUDIT = "audit.verify"
READ_AUDIT = "audit.read"
MANAGE_USERS = "users.manage"
LIST_USERS = "users.list"
EXPORT_REFERRALS = "referrals.export"
READ_SETTINGS = "settings.read"
CHANGE_SETTINGS = "settings.change"
SEND_MAIL = "mail.send"
MAIL_HEALTH = "mail.health"
MANAGE_OFFICERS = "officers.manage"
RUN_REMINDERS = "reminders.run"
BACK_UP = "database.backup"
VIEW_REPORTS = "reports.view"
RECORD_SURVEY = "survey.record"

POLICY: dict[str, tuple[str, dict[str, Grant]]] = {
    READ_RECORD: (
        "Open a victim's record",
        {"officer": Grant(D, T), "bureau": Grant(D, D), "supervisor": Grant(F, T)},
    ),
    SEARCH: (
        "Search victims by name, reference or phone",
        {"officer": Grant(D), "bureau": Grant(D), "supervisor": Grant(F)},
    ),
    LIST_OBLIGATIONS: (
        "List duties for a crime, a victim or everyone",
        {"officer": Grant(D), "bureau": Grant(D), "supervisor": Grant(F)},
    ),
    WRITE_ENTRY: (
        "Record a contact, event, referral, waiver, needs assessment or contract",
        {"officer": Grant(T), "bureau": Grant(D), "supervisor": Grant(T)},
    ),
    CORRECT_ENTRY: (
        "Correct or retract an entry (one's own only)",
        {"officer": Grant(T), "bureau": Grant(D), "supervisor": Grant(T)},
    ),
    EDIT_DETAILS: (
        "Edit a victim's contact details and preferences",
        {"officer": Grant(T), "bureau": Grant(D), "supervisor": Grant(T)},
    ),
    CERTIFY: ("Certify that every duty to a victim is met", {"officer": Grant(S), "supervisor": Grant(T)}),
    OFFICER_WORKLIST: (
        "See an officer's due and overdue duties (My work)",
        {"officer": Grant(S), "bureau": Grant(D), "supervisor": Grant(F)},
    ),
    DIVISION_WORKLIST: ("See a division's overdue duties", {"bureau": Grant(D), "supervisor": Grant(F)}),
    BUREAU_QUEUE: ("Work the bureau queue", {"bureau": Grant(D), "supervisor": Grant(F)}),
    ASSIGN_WORK: ("Take or release work in the bureau queue", {"bureau": Grant(D)}),
    READ_STANDARDS: (
        "See an officer's minimum-standards month",
        {"officer": Grant(S), "bureau": Grant(D), "supervisor": Grant(F)},
    ),
    LIST_OFFICERS: (
        "List officers and divisions",
        {role: Grant(F) for role in ROLES},
    ),
    IMPORT_CRIMES: ("Import crimes from the crime system", {"administrator": Grant(F)}),
    MAKE_DEMO: ("Fill a database with demonstration data", {"administrator": Grant(F)}),
    DRAW_SAMPLE: ("Draw a dip sample", {"supervisor": Grant(F)}),
    REVIEW_SAMPLE: ("Review a sampled entry", {"supervisor": Grant(F)}),
    READ_FINDINGS: ("Read dip-sample findings", {"officer": Grant(S), "supervisor": Grant(F)}),
    ACKNOWLEDGE_FINDINGS: ("Acknowledge findings about one's own work", {"officer": Grant(S)}),
    TEAM_COMPLIANCE: ("See compliance per officer", {"supervisor": Grant(F)}),
    VERIFY_AUDIT: ("Verify or checkpoint the audit trail", {"administrator": Grant(F), "supervisor": Grant(F)}),
    READ_AUDIT: ("Read the audit trail", {"administrator": Grant(F), "supervisor": Grant(F)}),
    MANAGE_USERS: ("Add, change or disable users", {"administrator": Grant(F)}),
    LIST_USERS: ("List users", {"administrator": Grant(F), "supervisor": Grant(F)}),
    EXPORT_REFERRALS: (
        "Export the daily Victim Support referral file (and list who is due or held)",
        {"bureau": Grant(D), "supervisor": Grant(F), "administrator": Grant(F)},
    ),
    MANAGE_OFFICERS: (
        "Mark an officer away (with a deputy) or left",
        {"supervisor": Grant(D), "administrator": Grant(F)},
    ),
    RUN_REMINDERS: ("Queue the daily reminders and escalations", {"administrator": Grant(F)}),
    BACK_UP: ("Back up the whole database to a file (`vicman backup`)", {"administrator": Grant(F)}),
    READ_SETTINGS: (
        "Read the settings (mail server, reminders, bureau mailboxes)",
        {"administrator": Grant(F), "supervisor": Grant(F)},
    ),
    CHANGE_SETTINGS: ("Change the settings", {"administrator": Grant(F)}),
    SEND_MAIL: ("Send the email waiting in the outbox, or retry failed email", {"administrator": Grant(F)}),
    MAIL_HEALTH: (
        "See whether email is going out (outbox, errors, officers with no working address)",
        {"bureau": Grant(F), "supervisor": Grant(F), "administrator": Grant(F)},
    ),
    VIEW_REPORTS: (
        "See and export compliance, MoJ and satisfaction reports",
        {"officer": Grant(S), "bureau": Grant(D), "supervisor": Grant(F)},
    ),
    RECORD_SURVEY: (
        "Record or correct a victim's satisfaction survey",
        {"officer": Grant(T), "bureau": Grant(D), "supervisor": Grant(F)},
    ),
}


def grant_for(actor: Actor, action: str) -> Grant | None:
    """The widest grant of `action` among the actor's roles (None: not granted)."""
    if action not in POLICY:
        raise KeyError(f"no such action in the role table: {action}")
    if actor.unrestricted:
        return Grant(F)
    grants = [g for role, g in POLICY[action][1].items() if role in actor.roles]
    if not grants:
        return None
    return Grant(max(g.scope for g in grants), max(g.free for g in grants))


def reach(actor: Actor, target: Target | None) -> Scope:
    """The narrowest scope that covers `target` for this actor (FORCE if it is in no smaller one)."""
    if target is None:
        return F
    if actor.officer_id is not None and target.officer_id == actor.officer_id:
        return S
    if actor.division is not None and target.division == actor.division:
        if actor.team is not None and target.team == actor.team:
            return T
        return D
    return F


def decide(actor: Actor, action: str, target: Target | None = None) -> Decision:
    grant = grant_for(actor, action)
    if grant is None:
        return Decision(False)
    needed = reach(actor, target)
    if needed > grant.scope:
        return Decision(False)
    return Decision(True, reason_needed=needed > grant.free)


def describe_policy_markdown() -> str:
    """The role table as Markdown (docs/permissions.md is this text; a test keeps them equal)."""
    names = {S: "own", T: "team", D: "division", F: "force"}
    lines = [
        "| Action | " + " | ".join(ROLES) + " |",
        "| --- | " + " | ".join("---" for _ in ROLES) + " |",
    ]
    for action, (words, grants) in POLICY.items():
        cells = []
        for role in ROLES:
            grant = grants.get(role)
            if grant is None:
                cells.append("—")
            elif grant.free < grant.scope:
                cells.append(f"{names[grant.scope]} (reason beyond {names[grant.free]})")
            else:
                cells.append(names[grant.scope])
        lines.append(f"| {words} (`{action}`) | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


# --- enforcement --------------------------------------------------------------------------------


def current_actor(session: Session, actor: Actor) -> Actor:
    """The actor with roles and status as stored now: a disabled account or a revoked role takes effect
    at the next call, not at the next sign-in."""
    if actor.user_id is None:
        return actor
    user = session.get(UserRow, actor.user_id)
    if user is None or not user.active:
        raise NotPermitted("This account is disabled. Ask an administrator.")
    roles = frozenset(r for r in user.roles.split(";") if r)
    if roles == actor.roles and user.division == actor.division and user.team == actor.team:
        return actor
    return replace(actor, roles=roles, division=user.division, team=user.team)


def require(
    ctx: ServiceContext,
    action: str,
    target: Target | None = None,
    *,
    object_type: str | None = None,
    object_id: object = "",
    reason: audit.Reason | None = None,
    hide_as: str | None = None,
    detail: dict[str, Any] | None = None,
) -> Decision:
    """Check `action` on `target` for the acting user, before any data is read or written.

    Call it outside a write transaction: a refusal is audited (`authz-deny`) in a transaction of its
    own and raises NotPermitted. With `hide_as` (the words for "there is no such thing"), a refusal
    about something the user may not even read - or that does not exist - raises NotFound(`hide_as`)
    instead, so that the answer does not reveal whether it exists. A read beyond the user's own cases
    without a reason raises ReasonRequired.
    `detail` goes into the refusal's audit record (what was asked for, beyond `object_type`/`object_id`).
    """
    acting = ctx.actor
    with ctx.db.read() as session:
        try:
            actor = current_actor(session, acting)
        except NotPermitted:
            _deny(ctx, action, object_type, object_id, "account disabled", detail)
            raise
    if actor is not acting and ctx.actor is acting:
        # Roles changed since sign-in: act with the stored ones from now on. Only if the context still acts
        # for the same person: a desktop may have signed out (or in as someone else) while this call ran.
        ctx.actor = actor
    decision = decide(actor, action, target)
    if not decision.allowed:
        _deny(ctx, action, object_type, object_id, None, detail)
        if hide_as is not None and (target is None or not decide(actor, READ_RECORD, target).allowed):
            raise NotFound(hide_as)
        raise NotPermitted(f"You may not {describe(action)} here (your roles: {actor.role_label or 'none'}).")
    if decision.reason_needed and (reason is None or not reason.code):
        raise ReasonRequired("This record is outside your own cases: say why you are opening it.")
    if reason is not None and reason.code not in audit.REASON_CODES:
        raise ReasonRequired(f"Unknown reason {reason.code!r}: choose one of {', '.join(audit.REASON_CODES)}.")
    if reason is not None and reason.code == "other" and not reason.text.strip():
        raise ReasonRequired("Say why in a few words when the reason is 'Other'.")
    return decision


def describe(action: str) -> str:
    words = POLICY[action][0]
    return words[0].lower() + words[1:]


def require_author(
    ctx: ServiceContext,
    action: str,
    author: str,
    *,
    object_type: str,
    object_id: object,
    detail: dict[str, Any] | None = None,
) -> None:
    """Only the person who recorded an entry may alter it: supervisors read everything but cannot change
    another person's entries. The unrestricted local administrator is exempt. A refusal is audited."""
    if ctx.actor.unrestricted or author == ctx.actor.user:
        return
    _deny(ctx, action, object_type, object_id, "not the author", detail)
    raise NotPermitted(
        f"Only the person who recorded an entry may correct it; this one was recorded by {author}. "
        "Ask them to correct it."
    )


def _deny(
    ctx: ServiceContext,
    action: str,
    object_type: str | None,
    object_id: object,
    why: str | None,
    extra: dict[str, Any] | None = None,
) -> None:
    detail = (extra or {}) | {"action": action} | ({"why": why} if why else {})
    audit.log_alone(ctx, audit.AUTHZ_DENY, object_type or action.split(".")[0], object_id, detail)


def require_on_crime(
    ctx: ServiceContext,
    action: str,
    crime_ref: str,
    *,
    object_type: str,
    object_id: object,
    detail: dict[str, Any] | None = None,
) -> Decision:
    """`require` with the place of a crime as the target. Refused on a crime the user may not read, or on
    one that does not exist, the answer is the same: "no crime with reference ..."."""
    with ctx.db.read() as session:
        target = crime_target(session, crime_ref)
    return require(
        ctx,
        action,
        target,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
        hide_as=f"no crime with reference {crime_ref}",
    )


# --- where things sit ---------------------------------------------------------------------------

_oic = aliased(OfficerRow)


def crime_target(session: Session, crime_ref: str) -> Target | None:
    """Where a crime sits: its division and its officer in the case's team. None if there is no such crime."""
    row = session.execute(
        select(CrimeRow.division, _oic.team, CrimeRow.oic_id)
        .outerjoin(_oic, _oic.id == CrimeRow.oic_id)
        .where(CrimeRow.ref == crime_ref)
    ).first()
    return Target(row[0], row[1], row[2]) if row else None


def link_target(session: Session, link_id: int) -> Target | None:
    row = session.execute(
        select(CrimeRow.division, _oic.team, CrimeRow.oic_id)
        .join(CrimePersonRow, CrimePersonRow.crime_id == CrimeRow.id)
        .outerjoin(_oic, _oic.id == CrimeRow.oic_id)
        .where(CrimePersonRow.id == link_id)
    ).first()
    return Target(row[0], row[1], row[2]) if row else None


def person_targets(session: Session, person_ref: str) -> list[Target]:
    """Where each of a person's crimes sits (a person can be a victim in several)."""
    rows = session.execute(
        select(CrimeRow.division, _oic.team, CrimeRow.oic_id)
        .join(CrimePersonRow, CrimePersonRow.crime_id == CrimeRow.id)
        .join(PersonRow, PersonRow.id == CrimePersonRow.person_id)
        .outerjoin(_oic, _oic.id == CrimeRow.oic_id)
        .where(PersonRow.ref == person_ref)
    ).all()
    return [Target(r[0], r[1], r[2]) for r in rows]


def officer_target(session: Session, staff_no: str) -> Target | None:
    row = session.execute(
        select(OfficerRow.division, OfficerRow.team, OfficerRow.id).where(OfficerRow.staff_no == staff_no)
    ).first()
    return Target(row[0], row[1], row[2]) if row else None


def own_place(actor: Actor) -> Target:
    """Where the actor sits: the target of a call about "my own" work (a worklist, a search, a listing)."""
    return Target(actor.division, actor.team, actor.officer_id)


def crimes_within(actor: Actor, scope: Scope) -> ColumnElement[bool] | None:
    """A condition on `CrimeRow`: the crimes `actor` reaches within `scope`, as `reach` measures them.

    None when that is every crime (an unrestricted actor, or a force-wide scope), so that lists filter
    in SQL rather than after reading.
    """
    if actor.unrestricted or scope >= F:
        return None
    parts: list[ColumnElement[bool]] = []
    if actor.officer_id is not None:
        parts.append(CrimeRow.oic_id == actor.officer_id)
    if scope >= T and actor.division is not None and actor.team is not None:
        team = select(OfficerRow.id).where(OfficerRow.team == actor.team)
        parts.append(and_(CrimeRow.division == actor.division, CrimeRow.oic_id.in_(team)))
    if scope >= D and actor.division is not None:
        parts.append(CrimeRow.division == actor.division)
    return or_(*parts) if parts else false()


def nearest(actor: Actor, targets: Iterable[Target]) -> Target | None:
    """Of several places a record sits, the one closest to the actor (a person in one of my cases is mine)."""
    best: Target | None = None
    for target in targets:
        if best is None or reach(actor, target) < reach(actor, best):
            best = target
    return best


def farthest(actor: Actor, targets: Iterable[Target]) -> Target | None:
    """Of several places a call reaches at once, the one farthest from the actor (all must be allowed)."""
    worst: Target | None = None
    for target in targets:
        if worst is None or reach(actor, target) > reach(actor, worst):
            worst = target
    return worst

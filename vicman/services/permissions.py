"""Who may do what: the role table, checked by every service call (the GUI only mirrors it).

Each action grants each role a *scope*: the cases it reaches, measured from the acting user
(their own cases, their team's, their division's, or the whole force). For reading a record a
second, narrower scope says how far a user reads without giving a reason; beyond it, up to the
granted scope, the service asks for a reason and audits it. A user with several roles gets the
widest grant of any of them. `docs/permissions.md` is rendered from this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from vicman.services.context import ROLES, Actor


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

POLICY: dict[str, tuple[str, dict[str, Grant]]] = {
    READ_RECORD: (
        "Open a victim's record (a reason is asked beyond the second scope)",
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
        "Correct or retract an entry (only one's own entries)",
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

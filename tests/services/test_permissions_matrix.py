"""The role table, enforced by the services: every role x action x place, called directly.

The acting user is swapped into `ctx.actor` (no user accounts needed): one person, PC P100 of team N1 in
North, acting in one role at a time. The places, measured from them:

    own            CR-OWN    victim V-OWN    officer in the case P100 (themselves)
    team           CR-TEAM   victim V-TEAM   P101, same team N1
    other_team     CR-OTEAM  victim V-OTEAM  P102, team N2 of North
    other_division CR-ODIV   victim V-ODIV   P200, team S1 of South
    force          no target: the whole force (a list of everything, a queue of every division)

The expected outcome of each cell is written out below by hand, from docs/permissions.md, and is not
read from `permissions.POLICY`: changing the policy without changing this table fails here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import FIXED_NOW, copy_database, crime_row, open_test_context, snapshot_database, write_csv
from vicman.services import (
    assignment,
    audit,
    casework,
    entries,
    importing,
    people,
    permissions,
    queries,
    records,
    standards,
)
from vicman.services.context import ROLES, Actor, ServiceContext
from vicman.services.demo import make_demo
from vicman.services.errors import NotFound, ServiceError
from vicman.services.permissions import NotPermitted, ReasonRequired
from vicman.store.tables import AuditRow, ObligationRow, OfficerRow, PersonRow

CELLS = ("own", "team", "other_team", "other_division", "force")
CRIME = {"own": "CR-OWN", "team": "CR-TEAM", "other_team": "CR-OTEAM", "other_division": "CR-ODIV"}
VICTIM = {"own": "V-OWN", "team": "V-TEAM", "other_team": "V-OTEAM", "other_division": "V-ODIV"}
OFFICER = {"own": "P100", "team": "P101", "other_team": "P102", "other_division": "P200"}
DIVISION = {"other_team": "North", "other_division": "South", "force": None}
"""Division-wide actions have no 'own' or 'team' division: their cells are the actor's division, another
division and (no division) the whole force."""

ROWS = [
    {"crime_ref": "CR-OWN", "victim_ref": "V-OWN", "victim_name": "Alma Owens", "oic_id": "P100",
     "oic_name": "PC Nia Price", "oic_team": "N1", "division": "North"},
    {"crime_ref": "CR-TEAM", "victim_ref": "V-TEAM", "victim_name": "Tobias Teale", "oic_id": "P101",
     "oic_name": "PC Omar Dale", "oic_team": "N1", "division": "North", "oic_email": "omar@police.example.uk"},
    {"crime_ref": "CR-OTEAM", "victim_ref": "V-OTEAM", "victim_name": "Olwen Tarrant", "oic_id": "P102",
     "oic_name": "PC Ivy Marsh", "oic_team": "N2", "division": "North", "oic_email": "ivy@police.example.uk"},
    {"crime_ref": "CR-ODIV", "victim_ref": "V-ODIV", "victim_name": "Otto Dunmore", "oic_id": "P200",
     "oic_name": "PC Ray Khan", "oic_team": "S1", "division": "South", "oic_email": "ray@police.example.uk"},
]  # fmt: skip

# What each role may do in each place, in the order of CELLS:
#   Y  allowed (for a list: the place's victim or crime is in it)
#   R  allowed with a reason only (without one: ReasonRequired, nothing read, nothing logged)
#   N  refused: NotPermitted (NotFound for a record), one `authz-deny` audit record, nothing else changed
#   F  allowed, but the place's victim is filtered out of the result
#   D  allowed, limited to the actor's division
#   -  not a place this action has
EXPECTED: dict[str, dict[str, str]] = {
    "record.read": {"officer": "YYRN-", "bureau": "YYYN-", "supervisor": "YYRR-", "administrator": "NNNN-"},
    "search": {"officer": "YYYF-", "bureau": "YYYF-", "supervisor": "YYYY-", "administrator": "NNNN-"},
    "obligations.list": {"officer": "YYYND", "bureau": "YYYND", "supervisor": "YYYYY", "administrator": "NNNNN"},
    "entry.write": {"officer": "YYNN-", "bureau": "YYYN-", "supervisor": "YYNN-", "administrator": "NNNN-"},
    "entry.correct": {"officer": "YYNN-", "bureau": "YYYN-", "supervisor": "YYNN-", "administrator": "NNNN-"},
    "details.edit": {"officer": "YYNN-", "bureau": "YYYN-", "supervisor": "YYNN-", "administrator": "NNNN-"},
    "case.certify": {"officer": "YNNN-", "bureau": "NNNN-", "supervisor": "YYNN-", "administrator": "NNNN-"},
    "worklist.officer": {"officer": "YNNN-", "bureau": "YYYN-", "supervisor": "YYYY-", "administrator": "NNNN-"},
    "worklist.division": {"officer": "--NNN", "bureau": "--YNN", "supervisor": "--YYY", "administrator": "--NNN"},
    "queue.bureau": {"officer": "--NNN", "bureau": "--YNN", "supervisor": "--YYY", "administrator": "--NNN"},
    "queue.assign": {"officer": "NNNN-", "bureau": "YYYN-", "supervisor": "NNNN-", "administrator": "NNNN-"},
    "standards.read": {"officer": "YNNN-", "bureau": "YYYN-", "supervisor": "YYYY-", "administrator": "NNNN-"},
    "officers.list": {"officer": "----Y", "bureau": "----Y", "supervisor": "----Y", "administrator": "----Y"},
    "crimes.import": {"officer": "----N", "bureau": "----N", "supervisor": "----N", "administrator": "----Y"},
    "demo.make": {"officer": "----N", "bureau": "----N", "supervisor": "----N", "administrator": "----Y"},
}

# The whole role table as docs/permissions.md states it: (scope, scope read without a reason) per role.
S_, T_, D_, F_ = "own", "team", "division", "force"
ROLE_TABLE: dict[str, dict[str, tuple[str, str]]] = {
    "record.read": {"officer": (D_, T_), "bureau": (D_, D_), "supervisor": (F_, T_)},
    "search": {"officer": (D_, D_), "bureau": (D_, D_), "supervisor": (F_, F_)},
    "obligations.list": {"officer": (D_, D_), "bureau": (D_, D_), "supervisor": (F_, F_)},
    "entry.write": {"officer": (T_, T_), "bureau": (D_, D_), "supervisor": (T_, T_)},
    "entry.correct": {"officer": (T_, T_), "bureau": (D_, D_), "supervisor": (T_, T_)},
    "details.edit": {"officer": (T_, T_), "bureau": (D_, D_), "supervisor": (T_, T_)},
    "case.certify": {"officer": (S_, S_), "supervisor": (T_, T_)},
    "worklist.officer": {"officer": (S_, S_), "bureau": (D_, D_), "supervisor": (F_, F_)},
    "worklist.division": {"bureau": (D_, D_), "supervisor": (F_, F_)},
    "queue.bureau": {"bureau": (D_, D_), "supervisor": (F_, F_)},
    "queue.assign": {"bureau": (D_, D_)},
    "standards.read": {"officer": (S_, S_), "bureau": (D_, D_), "supervisor": (F_, F_)},
    "officers.list": {role: (F_, F_) for role in ROLES},
    "crimes.import": {"administrator": (F_, F_)},
    "demo.make": {"administrator": (F_, F_)},
    "dip_sample.draw": {"supervisor": (F_, F_)},
    "dip_sample.review": {"supervisor": (F_, F_)},
    "dip_sample.findings": {"officer": (S_, S_), "supervisor": (F_, F_)},
    "dip_sample.acknowledge": {"officer": (S_, S_)},
    "compliance.team": {"supervisor": (F_, F_)},
    "audit.verify": {"administrator": (F_, F_), "supervisor": (F_, F_)},
    "audit.read": {"administrator": (F_, F_), "supervisor": (F_, F_)},
    "users.manage": {"administrator": (F_, F_)},
    "users.list": {"administrator": (F_, F_), "supervisor": (F_, F_)},
    "referrals.export": {"bureau": (D_, D_), "supervisor": (F_, F_), "administrator": (F_, F_)},
    "settings.read": {"administrator": (F_, F_), "supervisor": (F_, F_)},
    "settings.change": {"administrator": (F_, F_)},
    "mail.send": {"administrator": (F_, F_)},
    "mail.health": {"bureau": (F_, F_), "supervisor": (F_, F_), "administrator": (F_, F_)},
    "officers.manage": {"supervisor": (D_, D_), "administrator": (F_, F_)},  # tests/services/test_officers_away.py
    "reminders.run": {"administrator": (F_, F_)},  # tests/services/test_reminders.py
    "database.backup": {"administrator": (F_, F_)},  # tests/store/test_backup.py
    "reports.view": {"officer": (S_, S_), "bureau": (D_, D_), "supervisor": (F_, F_)},  # test_reports_*.py
    "survey.record": {"officer": (T_, T_), "bureau": (D_, D_), "supervisor": (F_, F_)},  # test_reports_*.py
}

CONTACT_AT = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
REASON = audit.Reason("covering", "PC Price on leave")


# --- the database -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def matrix_template(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("matrix")
    path = copy_database(template_db, folder / "matrix.sqlite3")
    source = write_csv(folder / "crimes.csv", [crime_row(**row) for row in ROWS])
    context = open_test_context(path)
    try:
        importing.import_crimes(context, source)
    finally:
        context.close()
    return path


@dataclass
class Env:
    ctx: ServiceContext
    path: Path
    folder: Path
    officer_ids: dict[str, int]

    def as_role(self, role: str) -> Actor:
        return Actor(
            user=f"{role}-p100",
            workstation="ws-matrix",
            roles=frozenset({role}),
            officer_id=self.officer_ids["P100"],
            staff_no="P100",
            division="North",
            team="N1",
        )

    def unrestricted(self, user: str = "pc-test") -> Actor:
        return Actor(user, "test-host", unrestricted=True)

    def audit_rows(self) -> list[AuditRow]:
        with self.ctx.db.read() as session:
            rows = list(session.scalars(select(AuditRow).order_by(AuditRow.seq)))
            session.expunge_all()
            return rows


def _open_env(path: Path, folder: Path) -> Env:
    ctx = open_test_context(path)
    with ctx.db.read() as session:
        officer_ids = {staff_no: id_ for staff_no, id_ in session.execute(select(OfficerRow.staff_no, OfficerRow.id))}
    officer_ids.setdefault("P100", -1)
    return Env(ctx, path, folder, officer_ids)


@pytest.fixture
def env(matrix_template: Path, tmp_path: Path) -> Iterator[Env]:
    context = _open_env(copy_database(matrix_template, tmp_path / "vicman.sqlite3"), tmp_path)
    try:
        yield context
    finally:
        context.ctx.close()


@pytest.fixture
def empty_env(template_db: Path, tmp_path: Path) -> Iterator[Env]:
    context = _open_env(copy_database(template_db, tmp_path / "empty.sqlite3"), tmp_path)
    try:
        yield context
    finally:
        context.ctx.close()


# --- one call per action and place: what the acting user asks for -------------------------------------
# Each driver does its set-up as the unrestricted test user, then acts as `actor`, and returns what a
# list showed (for Y/F/D cells) or None. `reason` is passed where the service takes one.


def _act(env: Env, actor: Actor) -> None:
    env.ctx.actor = actor


def _record_read(env: Env, actor: Actor, cell: str, reason: audit.Reason | None) -> Any:
    _act(env, actor)
    return records.open_victim_record(env.ctx, VICTIM[cell], reason=reason)


def _search(env: Env, actor: Actor, cell: str, reason: audit.Reason | None) -> Any:
    _act(env, actor)
    return {h.person_ref for h in queries.search(env.ctx, VICTIM[cell])}


def _obligations(env: Env, actor: Actor, cell: str, reason: audit.Reason | None) -> Any:
    _act(env, actor)
    crime = CRIME.get(cell)
    return {v.crime_ref for v in queries.obligations_as_of(env.ctx, FIXED_NOW.date(), crime_ref=crime)}


def _write(env: Env, actor: Actor, cell: str, reason: audit.Reason | None) -> Any:
    _act(env, actor)
    return entries.record_contact(env.ctx, CRIME[cell], VICTIM[cell], CONTACT_AT, "phone", "informed")


def _correct(env: Env, actor: Actor, cell: str, reason: audit.Reason | None) -> Any:
    _act(env, env.unrestricted(actor.user))
    mine = entries.record_contact(env.ctx, CRIME[cell], VICTIM[cell], CONTACT_AT, "phone", "informed", note="Told")
    _act(env, actor)
    return entries.correct_entry(env.ctx, "contact", mine.id, "Missed a detail", note="Told of the arrest")


def _edit(env: Env, actor: Actor, cell: str, reason: audit.Reason | None) -> Any:
    with env.ctx.db.read() as session:
        version = session.scalar(select(PersonRow.version).where(PersonRow.ref == VICTIM[cell]))
    _act(env, actor)
    return casework.update_person_details(env.ctx, VICTIM[cell], version or 1, phone="07700 900999")


def _certify(env: Env, actor: Actor, cell: str, reason: audit.Reason | None) -> Any:
    _act(env, env.unrestricted())
    entries.record_event(env.ctx, CRIME[cell], "case_closed", CONTACT_AT)
    for _ in range(5):  # a waived update can bring the next due; closing the case ends them
        with env.ctx.db.read() as session:
            keys = list(
                session.scalars(
                    select(ObligationRow.key)
                    .join(PersonRow, PersonRow.id == ObligationRow.person_id)
                    .where(PersonRow.ref == VICTIM[cell], ObligationRow.state == "pending")
                )
            )
        for key in keys:
            entries.waive(env.ctx, CRIME[cell], VICTIM[cell], key, "Victim moved abroad; asked for no contact")
    _act(env, actor)
    return casework.certify(env.ctx, CRIME[cell], VICTIM[cell])


def _officer_worklist(env: Env, actor: Actor, cell: str, reason: audit.Reason | None) -> Any:
    _act(env, actor)
    return queries.officer_worklist(env.ctx, OFFICER[cell])


def _division_worklist(env: Env, actor: Actor, cell: str, reason: audit.Reason | None) -> Any:
    _act(env, actor)
    division = DIVISION[cell]
    if division is None:
        return queries.count_pending(env.ctx, FIXED_NOW.date())
    return queries.overdue_worklist(env.ctx, division, include_due_soon=True)


def _bureau_queue(env: Env, actor: Actor, cell: str, reason: audit.Reason | None) -> Any:
    _act(env, actor)
    return queries.bureau_queue(env.ctx, queries.DutyFilter(division=DIVISION[cell]))


def _assign(env: Env, actor: Actor, cell: str, reason: audit.Reason | None) -> Any:
    with env.ctx.db.read() as session:
        duty = session.scalar(
            select(ObligationRow.id)
            .join(PersonRow, PersonRow.id == ObligationRow.person_id)
            .where(PersonRow.ref == VICTIM[cell])
            .limit(1)
        )
    assert duty is not None
    _act(env, actor)
    return assignment.assign_duties(env.ctx, [duty])


def _standards(env: Env, actor: Actor, cell: str, reason: audit.Reason | None) -> Any:
    _act(env, actor)
    return standards.minimum_standards(env.ctx, OFFICER[cell])


def _officers(env: Env, actor: Actor, cell: str, reason: audit.Reason | None) -> Any:
    _act(env, actor)
    return people.list_officers(env.ctx), people.list_divisions(env.ctx)


def _import(env: Env, actor: Actor, cell: str, reason: audit.Reason | None) -> Any:
    source = write_csv(env.folder / "more.csv", [crime_row(crime_ref="CR-NEW", victim_ref="V-NEW", oic_team="N1")])
    _act(env, actor)
    return importing.import_crimes(env.ctx, source)


def _demo(env: Env, actor: Actor, cell: str, reason: audit.Reason | None) -> Any:
    _act(env, actor)
    return make_demo(env.ctx, crimes=8, seed=3)


DRIVERS: dict[str, Callable[[Env, Actor, str, audit.Reason | None], Any]] = {
    "record.read": _record_read,
    "search": _search,
    "obligations.list": _obligations,
    "entry.write": _write,
    "entry.correct": _correct,
    "details.edit": _edit,
    "case.certify": _certify,
    "worklist.officer": _officer_worklist,
    "worklist.division": _division_worklist,
    "queue.bureau": _bureau_queue,
    "queue.assign": _assign,
    "standards.read": _standards,
    "officers.list": _officers,
    "crimes.import": _import,
    "demo.make": _demo,
}

NORTH_CRIMES = {"CR-OWN", "CR-TEAM", "CR-OTEAM"}
ALL_CRIMES = NORTH_CRIMES | {"CR-ODIV"}


def _cells() -> list[Any]:
    found = []
    for action, by_role in EXPECTED.items():
        for role in ROLES:
            for cell, outcome in zip(CELLS, by_role[role], strict=True):
                if outcome != "-":
                    found.append(pytest.param(action, role, cell, outcome, id=f"{action}-{role}-{cell}-{outcome}"))
    return found


def _without_audit(path: Path) -> dict[str, Any]:
    return {table: rows for table, rows in snapshot_database(path).items() if table != "audit"}


# --- the matrix ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("action", "role", "cell", "outcome"), _cells())
def test_cell(request: pytest.FixtureRequest, action: str, role: str, cell: str, outcome: str) -> None:
    env: Env = request.getfixturevalue("empty_env" if action == "demo.make" else "env")
    actor = env.as_role(role)
    drive = DRIVERS[action]
    if outcome == "N":
        _assert_refused(env, actor, action, drive, cell)
        return
    if outcome == "R":
        before = len(env.audit_rows())
        with pytest.raises(ReasonRequired):
            drive(env, actor, cell, None)
        assert len(env.audit_rows()) == before, "asking for a reason reads and logs nothing"
    start = len(env.audit_rows())
    result = drive(env, actor, cell, REASON if outcome == "R" else None)
    new = env.audit_rows()[start:]
    assert not [r for r in new if r.action == audit.AUTHZ_DENY]
    if action == "search":
        assert (VICTIM[cell] in result) is (outcome == "Y")
    if action == "obligations.list":
        if cell == "force":
            assert result == (ALL_CRIMES if outcome == "Y" else NORTH_CRIMES)
        else:
            assert result == {CRIME[cell]}
    if action == "record.read":
        (consultation,) = [r for r in new if r.action == audit.CONSULT]
        assert (consultation.object_type, consultation.object_id) == ("person", VICTIM[cell])
        assert consultation.reason_code == ("covering" if outcome == "R" else None)
        assert result.person_ref == VICTIM[cell]


def _assert_refused(env: Env, actor: Actor, action: str, drive: Callable[..., Any], cell: str) -> None:
    """The call raises the refusal, writes exactly one `authz-deny` record and changes nothing else.

    About a case the user may not even read (the record.read row of EXPECTED says N), the refusal is
    NotFound in the words used for a thing that does not exist; about one they may read, NotPermitted.
    """
    hidden = {
        "record.read": f"no victim with reference {VICTIM.get(cell)}",
        "entry.write": f"no crime with reference {CRIME.get(cell)}",
        "details.edit": f"no victim with reference {VICTIM.get(cell)}",
        "case.certify": f"no crime with reference {CRIME.get(cell)}",
        "obligations.list": f"no crime with reference {CRIME.get(cell)}",
    }
    if action == "entry.correct":
        # The set-up (an entry of the actor's own, written unrestricted) is not part of the refusal.
        _act(env, env.unrestricted(actor.user))
        mine = entries.record_contact(env.ctx, CRIME[cell], VICTIM[cell], CONTACT_AT, "phone", "informed")
        hidden[action] = f"no contact entry {mine.id}"

        def drive(env: Env, actor: Actor, cell: str, reason: audit.Reason | None) -> Any:
            _act(env, actor)
            return entries.correct_entry(env.ctx, "contact", mine.id, "Missed a detail", note="Told of the arrest")

    if action == "case.certify":  # refused before the duties are looked at: no set-up needed

        def drive(env: Env, actor: Actor, cell: str, reason: audit.Reason | None) -> Any:
            _act(env, actor)
            return casework.certify(env.ctx, CRIME[cell], VICTIM[cell])

    unreadable = cell != "force" and EXPECTED["record.read"][actor_role(actor)][CELLS.index(cell)] == "N"
    before_rows = env.audit_rows()
    before = _without_audit(env.path)
    expected = NotFound if action in hidden and unreadable else NotPermitted
    with pytest.raises(ServiceError) as raised:
        drive(env, actor, cell, REASON)
    assert type(raised.value) is expected, raised.value
    if expected is NotFound:
        assert str(raised.value) == hidden[action]
    new = env.audit_rows()[len(before_rows) :]
    assert [(r.action, r.actor, r.role) for r in new] == [(audit.AUTHZ_DENY, actor.user, role_label(actor))]
    assert json.loads(new[0].detail or "{}")["action"] == action
    assert _without_audit(env.path) == before


def actor_role(actor: Actor) -> str:
    (role,) = actor.roles
    return role


def role_label(actor: Actor) -> str:
    return ";".join(sorted(actor.roles))


def test_every_action_of_these_services_is_in_the_matrix() -> None:
    covered = set(EXPECTED)
    groups = ("dip_sample", "compliance", "audit", "users", "settings", "mail", "referrals", "reminders", "reports",
              "survey")  # fmt: skip
    elsewhere_too = {"officers.manage", "database.backup"}  # database.backup: tests/store/test_backup.py
    elsewhere = {a for a in ROLE_TABLE if a.split(".")[0] in groups}
    assert covered | elsewhere | elsewhere_too == set(permissions.POLICY)


def test_the_role_table_is_as_documented() -> None:
    names = {permissions.Scope.SELF: S_, permissions.Scope.TEAM: T_, permissions.Scope.DIVISION: D_,
             permissions.Scope.FORCE: F_}  # fmt: skip
    actual = {
        action: {role: (names[g.scope], names[g.free]) for role, g in grants.items()}
        for action, (_, grants) in permissions.POLICY.items()
    }
    assert actual == ROLE_TABLE


# --- around the matrix -------------------------------------------------------------------------------------


def test_a_record_of_another_division_reads_exactly_like_a_record_that_does_not_exist(env: Env) -> None:
    actor = env.as_role("officer")
    answers = []
    for ref in ("V-ODIV", "V-NOSUCH"):
        start = len(env.audit_rows())
        _act(env, actor)
        with pytest.raises(NotFound) as raised:
            records.open_victim_record(env.ctx, ref, reason=REASON)
        (deny,) = env.audit_rows()[start:]
        answers.append(
            (
                type(raised.value),
                str(raised.value).replace(ref, "REF"),
                deny.action,
                deny.object_type,
                deny.object_id.replace(ref, "REF"),
                deny.detail,
            )
        )
    assert answers[0] == answers[1]
    # The unrestricted administrator, who may read anything, is told the same about the missing one.
    _act(env, env.unrestricted())
    with pytest.raises(NotFound, match=r"^no victim with reference V-NOSUCH$"):
        records.open_victim_record(env.ctx, "V-NOSUCH")


def test_an_administrator_cannot_open_a_victim_even_with_a_reason(env: Env) -> None:
    _act(env, env.as_role("administrator"))
    for ref in VICTIM.values():
        with pytest.raises(NotFound):
            records.open_victim_record(env.ctx, ref, reason=REASON)
    consults = [r for r in env.audit_rows() if r.action == audit.CONSULT]
    assert consults == []


def test_a_supervisor_reads_any_record_with_a_reason_but_corrects_only_their_own_entries(env: Env) -> None:
    supervisor = env.as_role("supervisor")
    _act(env, supervisor)
    for cell in ("other_team", "other_division"):
        with pytest.raises(ReasonRequired):
            records.open_victim_record(env.ctx, VICTIM[cell])
        assert records.open_victim_record(env.ctx, VICTIM[cell], reason=REASON).person_ref == VICTIM[cell]
    # An entry in the supervisor's own team, made by someone else:
    _act(env, env.unrestricted("pc-omar"))
    theirs = entries.record_contact(env.ctx, "CR-TEAM", "V-TEAM", CONTACT_AT, "phone", "informed", note="Told")
    before = len(env.audit_rows())
    _act(env, supervisor)
    with pytest.raises(NotPermitted, match="recorded by pc-omar"):
        entries.correct_entry(env.ctx, "contact", theirs.id, "Wrong outcome", outcome="no_contact")
    (deny,) = env.audit_rows()[before:]
    assert (deny.action, deny.object_type, deny.object_id) == (audit.AUTHZ_DENY, "contact", str(theirs.id))
    assert json.loads(deny.detail or "{}") == {"action": "entry.correct", "why": "not the author"}
    # ... and so cannot an officer of that team; the author can.
    _act(env, env.as_role("officer"))
    with pytest.raises(NotPermitted):
        entries.correct_entry(env.ctx, "contact", theirs.id, "Wrong outcome", outcome="no_contact")
    _act(env, replace(env.as_role("officer"), user="pc-omar"))
    fixed = entries.correct_entry(env.ctx, "contact", theirs.id, "Wrong outcome", outcome="no_contact")
    assert fixed.kind == "contact"


@pytest.mark.parametrize("action", list(EXPECTED))
def test_the_unrestricted_local_administrator_may_do_everything(request: pytest.FixtureRequest, action: str) -> None:
    env: Env = request.getfixturevalue("empty_env" if action == "demo.make" else "env")
    for cell, outcome in zip(CELLS, EXPECTED[action]["officer"], strict=True):
        if outcome == "-" or (action == "demo.make" and cell != "force"):
            continue
        start = len(env.audit_rows())
        result = DRIVERS[action](env, env.unrestricted(), cell, None)
        assert not [r for r in env.audit_rows()[start:] if r.action == audit.AUTHZ_DENY]
        if action == "search":
            assert VICTIM[cell] in result
        if action == "obligations.list":
            assert result == (ALL_CRIMES if cell == "force" else {CRIME[cell]})
        if action == "demo.make":
            break
    # Correcting someone else's entry too.
    if action == "entry.correct":
        _act(env, env.unrestricted("pc-someone-else"))
        theirs = entries.record_contact(env.ctx, "CR-ODIV", "V-ODIV", CONTACT_AT, "phone", "informed")
        _act(env, env.unrestricted())
        entries.correct_entry(env.ctx, "contact", theirs.id, "Wrong outcome", outcome="no_contact")


def test_several_roles_get_the_widest_grant_of_any(env: Env) -> None:
    both = replace(env.as_role("officer"), roles=frozenset({"officer", "bureau"}), user="both-p100")
    _act(env, both)
    records.open_victim_record(env.ctx, "V-OTEAM")  # the bureau reads its division without a reason
    entries.record_contact(env.ctx, "CR-OTEAM", "V-OTEAM", CONTACT_AT, "phone", "informed")
    with pytest.raises(NotFound):  # South: not even readable
        entries.record_contact(env.ctx, "CR-ODIV", "V-ODIV", CONTACT_AT, "phone", "informed")


def test_a_search_for_a_restricted_user_is_filtered_before_the_limit(env: Env) -> None:
    """Only people in the user's division count towards the limit: a division user asking for one hit
    gets a North victim even when a South victim sorts first."""
    _act(env, env.as_role("bureau"))
    hits = queries.search(env.ctx, "V-", limit=1)
    assert [h.person_ref for h in hits] != ["V-ODIV"] and len(hits) == 1
    _act(env, env.unrestricted())
    everyone = {h.person_ref for h in queries.search(env.ctx, "V-")}
    assert everyone == set(VICTIM.values())
    _act(env, env.as_role("officer"))
    assert {h.person_ref for h in queries.search(env.ctx, "V-")} == {VICTIM[c] for c in ("own", "team", "other_team")}


def test_a_disabled_or_changed_account_takes_effect_at_the_next_call(env: Env) -> None:
    """`require` re-reads the user's roles: an account whose officer role was removed is refused at once."""
    from vicman.store.tables import UserRow

    with env.ctx.db.transaction() as session:
        row = UserRow(
            username="pc-nia",
            display_name="PC Nia Price",
            password_hash="x",
            roles="officer",
            division="North",
            team="N1",
            officer_id=env.officer_ids["P100"],
            active=True,
            failed_count=0,
            version=1,
            created_at=FIXED_NOW,
            created_by="test",
        )
        session.add(row)
        session.flush()
        user_id = row.id
    _act(env, replace(env.as_role("officer"), user="pc-nia", user_id=user_id))
    entries.record_contact(env.ctx, "CR-OWN", "V-OWN", CONTACT_AT, "phone", "informed")
    with env.ctx.db.transaction() as session:
        stored = session.get(UserRow, user_id)
        assert stored is not None
        stored.roles = "administrator"
    with pytest.raises(NotFound):  # an administrator does not even see victims' cases
        entries.record_contact(env.ctx, "CR-OWN", "V-OWN", CONTACT_AT, "phone", "informed")
    with env.ctx.db.transaction() as session:
        stored = session.get(UserRow, user_id)
        assert stored is not None
        stored.roles, stored.active = "officer", False
    with pytest.raises(NotPermitted, match="disabled"):
        entries.record_contact(env.ctx, "CR-OWN", "V-OWN", CONTACT_AT, "phone", "informed")
    with env.ctx.db.read() as session:
        denies = session.scalar(select(func.count()).select_from(AuditRow).where(AuditRow.action == "authz-deny"))
    assert denies == 2


def test_assigning_several_victims_at_once_needs_the_password_given_within_minutes(env: Env) -> None:
    from vicman.services.auth import ReauthenticationRequired
    from vicman.store.tables import WorkAssignmentRow

    with env.ctx.db.read() as session:
        duties = list(
            session.scalars(
                select(ObligationRow.id)
                .join(PersonRow, PersonRow.id == ObligationRow.person_id)
                .where(PersonRow.ref.in_(["V-OWN", "V-OTEAM"]))
            )
        )
        one_victim = list(
            session.scalars(
                select(ObligationRow.id).join(PersonRow, PersonRow.id == ObligationRow.person_id)
                .where(PersonRow.ref == "V-OWN")
            )
        )

    def assignments() -> int:
        with env.ctx.db.read() as session:
            return session.scalar(select(func.count()).select_from(WorkAssignmentRow)) or 0

    _act(env, env.as_role("bureau"))
    env.ctx.authenticated_at = None
    assert assignment.assign_duties(env.ctx, one_victim) == 1  # one victim: not a bulk action
    with pytest.raises(ReauthenticationRequired):
        assignment.assign_duties(env.ctx, duties)
    assert assignments() == 1
    env.ctx.authenticated_at = FIXED_NOW - timedelta(minutes=6)
    with pytest.raises(ReauthenticationRequired):
        assignment.assign_duties(env.ctx, duties)
    env.ctx.authenticated_at = FIXED_NOW - timedelta(minutes=2)
    assert assignment.assign_duties(env.ctx, duties) == 2
    # Every division the duties sit in must be allowed: one South duty among North ones refuses them all.
    with env.ctx.db.read() as session:
        south = session.scalar(select(ObligationRow.id).where(ObligationRow.division == "South").limit(1))
    with pytest.raises(NotPermitted):
        assignment.assign_duties(env.ctx, [*duties, south])
    assert assignments() == 3


def test_logging_one_contact_with_several_victims_needs_fresh_authentication(env: Env) -> None:
    from vicman.services.auth import ReauthenticationRequired
    from vicman.services.entries import ContactToLog

    many = [ContactToLog("CR-OWN", "V-OWN"), ContactToLog("CR-OTEAM", "V-OTEAM"), ContactToLog("CR-ODIV", "V-ODIV")]
    _act(env, env.as_role("bureau"))
    start = len(env.audit_rows())
    with pytest.raises(ReauthenticationRequired):
        entries.record_contacts(env.ctx, many, CONTACT_AT, "phone", "informed")
    assert len(env.audit_rows()) == start
    (alone,) = entries.record_contacts(env.ctx, many[:1], CONTACT_AT, "phone", "informed")
    assert isinstance(alone, entries.Recorded)
    env.ctx.authenticated_at = FIXED_NOW
    done = entries.record_contacts(env.ctx, many, CONTACT_AT, "phone", "informed")
    assert [type(d).__name__ for d in done] == ["Recorded", "Recorded", "NotFound"]


def test_docs_permissions_md_ends_with_exactly_the_role_table_of_the_code() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "permissions.md").read_text(encoding="utf-8")
    table = permissions.describe_policy_markdown()
    heading, _, rest = text.rpartition("## The role table\n")
    assert heading, "docs/permissions.md has no '## The role table' section"
    assert rest.endswith("\n\n" + table) or rest.endswith("\n" + table)
    rows = [line for line in rest.splitlines() if line.startswith("|")]
    assert rows == table.splitlines()

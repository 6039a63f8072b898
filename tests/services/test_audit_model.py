"""The audit trail against a model: random service calls by users of every role, and after each one
the trail holds exactly the records the model expects - no more, no fewer, in order - and still chains.

Each example starts from a fresh copy of the empty template database with a small fixed CSV imported:
CR-1001 in North (officer P100) with victims V-1 and V-2, and CR-1002 in South (officer P200) with V-3.

The model decides by itself (from the role table as docs/permissions.md states it, written out below
for these few people and places) what each call should do:
- an allowed call writes its records (a contact `collect`, a referral `disclose`, a correction
  `alter`, an opened record or a search `consult`, with the reason when given);
- a refused call writes exactly one `authz-deny` record, and nothing else;
- a call that fails for any other reason (a reason missing, a victim already referred, an entry
  already corrected) writes nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from tests.conftest import copy_database, crime_row, open_test_context, write_csv
from vicman.services import audit, audit_verify, entries, importing, queries, records
from vicman.services.context import Actor
from vicman.services.errors import NotFound, ServiceError
from vicman.services.permissions import NotPermitted, ReasonRequired
from vicman.store.hashing import CHAIN_FIELDS, GENESIS, link_digest
from vicman.store.tables import AuditRow, OfficerRow

LINKS = (("CR-1001", "V-1"), ("CR-1001", "V-2"), ("CR-1002", "V-3"))
CRIME_OF = {"V-1": "CR-1001", "V-2": "CR-1001", "V-3": "CR-1002"}
USERS = ("pc-jones", "bureau-north", "sgt-khan", "admin-ada", "local")

# Who may do what here (the test's own statement of the role table for these places):
#   pc-jones      officer P100 of North (no team): CR-1001 is their own case; CR-1002 is South.
#   bureau-north  bureau of North: the whole division, reads without a reason.
#   sgt-khan      supervisor of team S1 in South: reads everything with a reason (no case is in their
#                 team: CR-1002's officer has no team), writes only in their team (so nowhere here).
#   admin-ada     administrator: no victims at all; no searching.
#   local         the unrestricted local administrator of the test: everything.
MAY_WRITE = {("pc-jones", "CR-1001"), ("bureau-north", "CR-1001")} | {("local", c) for c in ("CR-1001", "CR-1002")}
READS = {
    # (user, victim): "free" | "reason" | "no"
    ("pc-jones", "V-1"): "free", ("pc-jones", "V-2"): "free", ("pc-jones", "V-3"): "no",
    ("bureau-north", "V-1"): "free", ("bureau-north", "V-2"): "free", ("bureau-north", "V-3"): "no",
    ("sgt-khan", "V-1"): "reason", ("sgt-khan", "V-2"): "reason", ("sgt-khan", "V-3"): "reason",
    ("admin-ada", "V-1"): "no", ("admin-ada", "V-2"): "no", ("admin-ada", "V-3"): "no",
    ("local", "V-1"): "free", ("local", "V-2"): "free", ("local", "V-3"): "free",
}  # fmt: skip
MAY_SEARCH = {"pc-jones", "bureau-north", "sgt-khan", "local"}


def refusal(user: str, crime: str) -> type[ServiceError]:
    """How a refused change to a crime reads: as a missing crime to someone who may not even read it."""
    readable = any(READS[(user, victim)] != "no" for victim, of in CRIME_OF.items() if of == crime)
    return NotPermitted if readable else NotFound
REASON = audit.Reason("supervision", "Monthly dip sample")
CONTACT_AT = datetime(2026, 11, 20, 11, 0, tzinfo=UTC)


def actor_for(user: str, p100: int) -> Actor:
    if user == "pc-jones":
        return Actor(user, "ws-a", frozenset({"officer"}), officer_id=p100, staff_no="P100", division="North")
    if user == "bureau-north":
        return Actor(user, "ws-b", frozenset({"bureau"}), division="North")
    if user == "sgt-khan":
        return Actor(user, "ws-c", frozenset({"supervisor"}), division="South", team="S1")
    if user == "admin-ada":
        return Actor(user, "ws-d", frozenset({"administrator"}))
    return Actor(user, "ws-e", unrestricted=True)


@dataclass(frozen=True)
class Expected:
    action: str
    object_type: str
    object_id: str
    actor: str
    reason_code: str | None = None


@dataclass
class Contact:
    id: int
    crime: str
    author: str
    corrected: bool = False


@dataclass
class Model:
    records: list[Expected] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    next_contact_id: int = 1
    next_referral_id: int = 1
    referred: set[tuple[str, str]] = field(default_factory=set)


def _fields(row: AuditRow) -> tuple[Any, ...]:
    return (row.action, row.object_type, row.object_id, row.actor, row.reason_code)


def test_the_audit_trail_matches_the_model(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("audit-model")
    source = write_csv(
        folder / "crimes.csv",
        [
            crime_row(),
            crime_row(victim_ref="V-2", victim_name="Wang Wei", victim_phone=""),
            crime_row(crime_ref="CR-1002", division="South", oic_id="P200", oic_name="PC Ray Khan",
                      oic_email="ray.khan@police.example.uk", victim_ref="V-3", victim_name="Bethan Hughes"),
        ],
    )  # fmt: skip
    examples = iter(range(1_000))

    class AuditModel(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            path = copy_database(template_db, folder / f"example-{next(examples)}.sqlite3")
            self.ctx = open_test_context(path)
            importing.import_crimes(self.ctx, source)
            with self.ctx.db.read() as session:
                self.p100 = session.scalar(select(OfficerRow.id).where(OfficerRow.staff_no == "P100")) or -1
            self.base = len(self._rows())
            self.model = Model()

        def _rows(self) -> list[AuditRow]:
            with self.ctx.db.read() as session:
                rows = list(session.scalars(select(AuditRow).order_by(AuditRow.seq)))
                session.expunge_all()
                return rows

        def _as(self, user: str) -> None:
            self.ctx.actor = actor_for(user, self.p100)

        def _deny(self, object_type: str, object_id: object, user: str) -> None:
            self.model.records.append(Expected(audit.AUTHZ_DENY, object_type, str(object_id), user))

        # --- the calls ---------------------------------------------------------------------------

        @initialize(user=st.sampled_from(("pc-jones", "bureau-north")))
        def a_first_contact(self, user: str) -> None:
            """Every run starts with an entry to correct, by someone some others may not correct."""
            self.record_contact(user, ("CR-1001", "V-1"))

        @rule(user=st.sampled_from(USERS), link=st.sampled_from(LINKS))
        def record_contact(self, user: str, link: tuple[str, str]) -> None:
            crime, victim = link
            self._as(user)
            if (user, crime) not in MAY_WRITE:
                with pytest.raises(refusal(user, crime)):
                    entries.record_contact(self.ctx, crime, victim, CONTACT_AT, "phone", "informed")
                self._deny("person", victim, user)
                return
            entries.record_contact(self.ctx, crime, victim, CONTACT_AT, "phone", "informed", note="Updated")
            new_id = self.model.next_contact_id
            self.model.next_contact_id += 1
            self.model.contacts.append(Contact(new_id, crime, user))
            self.model.records.append(Expected(audit.COLLECT, "contact", str(new_id), user))

        @rule(user=st.sampled_from(USERS), link=st.sampled_from(LINKS))
        def record_referral(self, user: str, link: tuple[str, str]) -> None:
            crime, victim = link
            self._as(user)
            if (user, crime) not in MAY_WRITE:
                with pytest.raises(refusal(user, crime)):
                    entries.record_referral(self.ctx, crime, victim, CONTACT_AT)
                self._deny("person", victim, user)
                return
            if link in self.model.referred:
                with pytest.raises(ServiceError, match="already been referred"):
                    entries.record_referral(self.ctx, crime, victim, CONTACT_AT)
                return
            entries.record_referral(self.ctx, crime, victim, CONTACT_AT)
            self.model.referred.add(link)
            self.model.records.append(Expected(audit.DISCLOSE, "referral", str(self.model.next_referral_id), user))
            self.model.next_referral_id += 1

        @rule(user=st.sampled_from(USERS), crime=st.sampled_from(("CR-1001", "CR-1002")))
        def record_event(self, user: str, crime: str) -> None:
            self._as(user)
            if (user, crime) not in MAY_WRITE:
                with pytest.raises(refusal(user, crime)):
                    entries.record_event(self.ctx, crime, "interview", CONTACT_AT)
                self._deny("crime", crime, user)
                return
            entries.record_event(self.ctx, crime, "interview", CONTACT_AT)
            with self.ctx.db.read() as session:  # events are not modelled further: read the id
                latest = session.scalar(select(AuditRow.object_id).order_by(AuditRow.seq.desc()).limit(1))
            self.model.records.append(Expected(audit.COLLECT, "event", str(latest), user))

        @precondition(lambda self: bool(self.model.contacts))
        @rule(user=st.sampled_from(USERS), pick=st.integers(min_value=0, max_value=50))
        def correct_a_contact(self, user: str, pick: int) -> None:
            contact = self.model.contacts[pick % len(self.model.contacts)]
            self._as(user)
            allowed = (user, contact.crime) in MAY_WRITE
            author = user == "local" or contact.author == user
            if not (allowed and author):
                with pytest.raises(refusal(user, contact.crime) if not allowed else NotPermitted):
                    entries.correct_entry(self.ctx, "contact", contact.id, "Wrong outcome", outcome="no_contact")
                self._deny("contact", contact.id, user)
                return
            if contact.corrected:
                with pytest.raises(ServiceError, match="already been corrected"):
                    entries.correct_entry(self.ctx, "contact", contact.id, "Wrong outcome", outcome="no_contact")
                return
            entries.correct_entry(self.ctx, "contact", contact.id, "Wrong outcome", outcome="no_contact")
            contact.corrected = True
            new_id = self.model.next_contact_id
            self.model.next_contact_id += 1
            self.model.contacts.append(Contact(new_id, contact.crime, user))
            self.model.records.append(Expected(audit.ALTER, "contact", str(new_id), user))

        @rule(user=st.sampled_from(USERS), victim=st.sampled_from(("V-1", "V-2", "V-3", "V-404")), why=st.booleans())
        def open_record(self, user: str, victim: str, why: bool) -> None:
            self._as(user)
            reason = REASON if why else None
            stance = READS.get((user, victim), "no" if user != "local" else "missing")
            if victim == "V-404":  # no such person: as a refusal for those who may not read everywhere
                stance = {"sgt-khan": "reason", "local": "missing"}.get(user, "no")
            if stance == "no":
                with pytest.raises(NotFound, match=f"^no victim with reference {victim}$"):
                    records.open_victim_record(self.ctx, victim, reason=reason)
                self._deny("person", victim, user)
                return
            if stance == "reason" and not why:
                with pytest.raises(ReasonRequired):
                    records.open_victim_record(self.ctx, victim)
                return
            if victim == "V-404":
                with pytest.raises(NotFound, match=f"^no victim with reference {victim}$"):
                    records.open_victim_record(self.ctx, victim, reason=reason)
                return
            record = records.open_victim_record(self.ctx, victim, reason=reason)
            assert record.person_ref == victim
            self.model.records.append(
                Expected(audit.CONSULT, "person", victim, user, reason.code if reason else None)
            )
            assert (record.viewers[0].user, record.viewers_total) == (
                user,
                sum(1 for r in self.model.records if (r.action, r.object_id) == (audit.CONSULT, victim)),
            )

        @rule(user=st.sampled_from(USERS), term=st.sampled_from(("Nowak", "V-", "CR-1002", "Hughes")))
        def search(self, user: str, term: str) -> None:
            self._as(user)
            if user not in MAY_SEARCH:
                with pytest.raises(NotPermitted):
                    queries.search(self.ctx, term)
                self._deny("search", term, user)
                return
            hits = {h.person_ref for h in queries.search(self.ctx, term)}
            if user in ("pc-jones", "bureau-north"):
                assert "V-3" not in hits  # South is outside their division
            self.model.records.append(Expected(audit.CONSULT, "search", term, user))

        # --- after every step -------------------------------------------------------------------

        @invariant()
        def the_trail_is_the_model(self) -> None:
            actual = [_fields(r) for r in self._rows()[self.base :]]
            expected = [(e.action, e.object_type, e.object_id, e.actor, e.reason_code) for e in self.model.records]
            assert actual == expected

        @invariant()
        def the_chain_verifies(self) -> None:
            prev = GENESIS
            for number, row in enumerate(self._rows(), start=1):
                assert (row.seq, row.prev_hash) == (number, prev)
                fields = {name: getattr(row, name) for name in CHAIN_FIELDS}
                assert link_digest(prev, fields) == row.hash
                prev = row.hash

        def teardown(self) -> None:
            try:
                self.ctx.actor = Actor("local", "ws-e", unrestricted=True)
                report = audit_verify.verify(self.ctx)
                assert report.ok, report.problems
            finally:
                self.ctx.close()

    run_state_machine_as_test(
        AuditModel,
        settings=settings(
            max_examples=15,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,
        ),
    )

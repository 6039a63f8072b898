"""Two desktops on one database: the second save of something already changed is refused with the first
one's change, nothing is overwritten, the retry after reloading succeeds; entries never conflict.

Each test runs on SQLite and on PostgreSQL. "Desktops" are separate contexts (own engine, own connections)
acting as different users; the simultaneous cases run them on threads released together by a barrier.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text

from tests.conftest import FIXED_NOW, TEST_WORKSTATION, crime_row, write_csv
from vicman.services import casework, concurrency, entries, importing, officers, records, settings, users
from vicman.services.context import Actor, ServiceContext, open_context
from vicman.services.derivation import rederive_links
from vicman.store.tables import AuditRow, ContactEntryRow, CrimePersonRow, DetailChangeRow, ObligationRow, UserRow

PASSWORD = "correct horse battery staple"


def desktop(db_path: Any, user: str) -> ServiceContext:
    """Another desktop: its own context (engine and connections) on the same database, acting as `user`."""
    return open_context(str(db_path), actor=Actor(user, TEST_WORKSTATION, unrestricted=True), clock=lambda: FIXED_NOW)


@pytest.fixture
def two_desktops(ctx: ServiceContext, db_path: Any, tmp_path) -> Iterator[tuple[ServiceContext, ServiceContext]]:
    """Desktops of pc-alice and pc-bob on a database with crime CR-1001 (victim V-1) and officers P100, P200."""
    rows = [crime_row(), crime_row(crime_ref="CR-1002", victim_ref="V-2", oic_id="P200", oic_name="PC Sam Lee",
                                   oic_email="sam.lee@police.example.uk")]
    importing.import_crimes(ctx, write_csv(tmp_path / "crimes.csv", rows))
    alice, bob = desktop(db_path, "pc-alice"), desktop(db_path, "pc-bob")
    try:
        yield alice, bob
    finally:
        alice.close()
        bob.close()


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls on threads released together; each result, or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except Exception as exc:  # the outcome under test, returned to the main thread
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(t.is_alive() for t in threads), "a desktop's save never finished"
    return results


# --- a person's details ----------------------------------------------------------------------------


def test_second_save_gets_the_first_ones_change_nothing_is_overwritten_and_the_retry_succeeds(two_desktops) -> None:
    alice, bob = two_desktops
    opened = records.open_victim_record(bob, "V-1", consult=False).version
    assert records.open_victim_record(alice, "V-1", consult=False).version == opened

    assert casework.update_person_details(alice, "V-1", opened, phone="07700 900999") == opened + 1
    with pytest.raises(casework.EditConflict) as refused:
        casework.update_person_details(bob, "V-1", opened, phone="07700 900000", language="Polish")

    message = str(refused.value)
    assert message.startswith("The record of V-1 was changed by someone else after you opened it; nothing was saved.")
    assert "phone: 07700 900123 → 07700 900999 by pc-alice at 09:00 on 26/11/2026" in message
    assert refused.value.changes == [
        concurrency.Change("phone", "07700 900123", "07700 900999", "pc-alice", FIXED_NOW)
    ]
    with bob.db.read() as session:
        by_bob = select(func.count()).select_from(DetailChangeRow).where(DetailChangeRow.by == "pc-bob")
        assert session.scalar(by_bob) == 0
        bobs = list(session.scalars(select(AuditRow.action).where(AuditRow.actor == "pc-bob")))
    assert bobs == ["consult"]  # opening the record; no alteration
    record = records.open_victim_record(bob, "V-1", consult=False)
    assert (record.phone, record.language, record.version) == ("07700 900999", None, opened + 1)

    # Bob reloads, sees Alice's phone number, and re-applies only his language.
    assert casework.update_person_details(bob, "V-1", record.version, language="Polish") == opened + 2
    after = records.open_victim_record(alice, "V-1", consult=False)
    assert (after.phone, after.language) == ("07700 900999", "Polish")


def test_a_conflict_lists_every_save_since_the_form_was_opened(two_desktops) -> None:
    alice, bob = two_desktops
    opened = records.open_victim_record(bob, "V-1", consult=False).version
    version = casework.update_person_details(alice, "V-1", opened, phone="07700 900999")
    casework.update_person_details(alice, "V-1", version, email="anna.n@example.org", language="Polish")
    with pytest.raises(casework.EditConflict) as refused:
        casework.update_person_details(bob, "V-1", opened, name="Anna Nowak-Smith")
    assert sorted(c.field for c in refused.value.changes) == ["email", "language", "phone"]


def test_simultaneous_saves_of_one_version_store_exactly_one(two_desktops) -> None:
    alice, bob = two_desktops
    for round_no in range(4):
        version = records.open_victim_record(alice, "V-1", consult=False).version
        outcomes = at_once(
            lambda v=version, n=round_no: casework.update_person_details(alice, "V-1", v, phone=f"07700 90010{n}"),
            lambda v=version, n=round_no: casework.update_person_details(bob, "V-1", v, phone=f"07700 90020{n}"),
        )
        stored = [o for o in outcomes if isinstance(o, int)]
        refused = [o for o in outcomes if isinstance(o, casework.EditConflict)]
        assert stored == [version + 1] and len(refused) == 1, outcomes
        winner = "pc-alice" if outcomes[0] == version + 1 else "pc-bob"
        assert refused[0].changes[0].by == winner
        phone = records.open_victim_record(alice, "V-1", consult=False).phone
        assert phone == f"07700 900{'1' if winner == 'pc-alice' else '2'}0{round_no}"
    with alice.db.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditRow).where(AuditRow.action == "alter")) == 4


# --- entries never conflict ------------------------------------------------------------------------


def test_contacts_logged_at_once_on_one_victim_all_stand_and_the_duties_count_them_all(two_desktops) -> None:
    alice, bob = two_desktops
    moment = FIXED_NOW - timedelta(hours=1)

    def log(desk: ServiceContext, n: int) -> Callable[[], Any]:
        return lambda: entries.record_contact(desk, "CR-1001", "V-1", moment - timedelta(minutes=n), "phone",
                                              "informed", note=f"call {n}")

    outcomes = at_once(log(alice, 1), log(bob, 2), log(alice, 3), log(bob, 4))
    assert all(isinstance(o, entries.Recorded) for o in outcomes), outcomes
    with alice.db.transaction() as session:
        link_id = session.scalar(select(CrimePersonRow.id).join(ContactEntryRow).limit(1))
        notes = sorted(session.scalars(select(ContactEntryRow.note)))
        stored = sorted((o.rule, o.key, o.state, o.met_by_id) for o in session.scalars(select(ObligationRow)))
        rederive_links(alice, session, [link_id])  # what the duties are, derived from every contact at once
        session.flush()
        fresh = sorted((o.rule, o.key, o.state, o.met_by_id) for o in session.scalars(select(ObligationRow)))
        session.rollback()
    assert notes == ["call 1", "call 2", "call 3", "call 4"]
    assert stored == fresh


# --- officers, user accounts, settings -------------------------------------------------------------


def test_officer_absence_saved_over_a_changed_one_is_refused_with_theirs(two_desktops) -> None:
    alice, bob = two_desktops
    seen = officers.get_absence(bob, "P100")
    start = FIXED_NOW.date() + timedelta(days=1)
    as_alice_saw = officers.get_absence(alice, "P100")
    officers.set_away(alice, "P100", start, start + timedelta(days=4), "P200", expected=as_alice_saw)
    with pytest.raises(concurrency.EditConflict) as refused:
        officers.mark_left(bob, "P100", date(2026, 12, 31), expected=seen)
    message = str(refused.value)
    assert message.startswith("Where the reminders of P100 go was changed by someone else after you opened it")
    assert "deputy: (blank) → P200 by pc-alice" in message and "away from: (blank) → 27/11/2026" in message
    assert officers.get_absence(alice, "P100").left_on is None
    now = officers.get_absence(bob, "P100")
    assert officers.mark_left(bob, "P100", date(2026, 12, 31), expected=now).left_on == date(2026, 12, 31)
    assert officers.get_absence(alice, "P100").deputy_staff_no == "P200"  # Alice's change still stands


def test_officers_made_each_others_deputy_at_once_cannot_both_be_away(two_desktops) -> None:
    alice, bob = two_desktops
    start = FIXED_NOW.date() + timedelta(days=1)
    outcomes = at_once(
        lambda: officers.set_away(alice, "P100", start, start + timedelta(days=2), "P200"),
        lambda: officers.set_away(bob, "P200", start, start + timedelta(days=2), "P100"),
    )
    assert sum(isinstance(o, officers.OfficerAbsence) for o in outcomes) == 1, outcomes
    assert "is away themselves" in str(next(o for o in outcomes if isinstance(o, Exception)))


def add_administrators(ctx: ServiceContext, *names: str) -> None:
    for name in names:
        users.add_user(ctx, name, name.title(), PASSWORD, ["administrator"])


def test_roles_saved_over_a_changed_account_are_refused_with_theirs(ctx, two_desktops) -> None:
    alice, bob = two_desktops
    add_administrators(ctx, "admin.one", "admin.two")
    seen = users.get_user(bob, "admin.two")
    users.set_roles(alice, "admin.two", ["administrator", "supervisor"], expected_version=seen.version)
    with pytest.raises(concurrency.EditConflict) as refused:
        users.set_roles(bob, "admin.two", ["administrator", "bureau"], expected_version=seen.version)
    assert "roles: administrator → supervisor, administrator by pc-alice" in str(refused.value)
    assert users.get_user(ctx, "admin.two").roles == ("supervisor", "administrator")
    again = users.get_user(bob, "admin.two")
    done = users.set_roles(bob, "admin.two", ["administrator", "supervisor", "bureau"], expected_version=again.version)
    assert set(done.roles) == {"administrator", "supervisor", "bureau"}


def test_two_administrators_demoting_each_other_at_once_leave_one(ctx, two_desktops) -> None:
    alice, bob = two_desktops
    add_administrators(ctx, "admin.one", "admin.two")
    outcomes = at_once(
        lambda: users.set_roles(alice, "admin.one", ["supervisor"]),
        lambda: users.set_roles(bob, "admin.two", ["supervisor"]),
    )
    assert sum(isinstance(o, users.UserView) for o in outcomes) == 1, outcomes
    assert "last active administrator" in str(next(o for o in outcomes if isinstance(o, Exception)))
    with ctx.db.read() as session:
        roles = list(session.scalars(select(UserRow.roles)))
    assert sum("administrator" in r.split(";") for r in roles) == 1


def test_a_setting_saved_over_a_changed_one_is_refused_with_theirs(two_desktops) -> None:
    alice, bob = two_desktops
    seen = settings.get_setting(bob, settings.SMTP_HOST).value
    settings.set_setting(alice, settings.SMTP_HOST, "mail.force.example.uk", expected=seen)
    with pytest.raises(concurrency.EditConflict) as refused:
        settings.set_setting(bob, settings.SMTP_HOST, "smtp.other.example.uk", expected=seen)
    assert "smtp.host: (blank) → mail.force.example.uk by pc-alice" in str(refused.value)
    assert settings.get_setting(bob, settings.SMTP_HOST).value == "mail.force.example.uk"
    settings.set_setting(bob, settings.SMTP_HOST, "smtp.other.example.uk", expected="mail.force.example.uk")
    assert settings.get_setting(alice, settings.SMTP_HOST).value == "smtp.other.example.uk"


# --- PostgreSQL: writers queue, readers do not -----------------------------------------------------


@pytest.mark.postgresql_only(reason="the writer lock taken at BEGIN is PostgreSQL's; SQLite has BEGIN IMMEDIATE")
def test_on_postgresql_a_write_waits_for_the_open_one_and_a_read_does_not(two_desktops) -> None:
    alice, bob = two_desktops
    version = records.open_victim_record(alice, "V-1", consult=False).version
    with bob.db.transaction() as held:
        held.execute(text("SELECT 1"))  # Bob's write transaction is open and holds the writer lock
        waiting = threading.Thread(
            target=lambda: casework.update_person_details(alice, "V-1", version, language="Welsh")
        )
        waiting.start()
        deadline = time.monotonic() + 30
        while _advisory_waiters(bob) == 0:
            assert time.monotonic() < deadline, "Alice's save never queued for the writer lock"
            time.sleep(0.05)
        with alice.db.read() as session:  # reads go on meanwhile
            assert session.scalar(text("SELECT language FROM person WHERE ref = 'V-1'")) is None
        assert waiting.is_alive()
    waiting.join(30)
    assert records.open_victim_record(bob, "V-1", consult=False).language == "Welsh"


def _advisory_waiters(ctx: ServiceContext) -> int:
    with ctx.db.read() as session:
        return int(
            session.scalar(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")) or 0
        )

"""The demo force: every status shows as of today, the people it promises exist, nothing is dated in
the future, the same seed and day give the same data, and `vicman demo` works from the command line."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select, text

from vicman.domain.enums import ObligationState
from vicman.rules.localtime import local_date
from vicman.services.context import Actor, ServiceContext, open_context
from vicman.services.demo import DemoSummary, make_demo
from vicman.services.derivation import rederive_all
from vicman.services.errors import InvalidInput, ServiceError
from vicman.store.tables import (
    AuditRow,
    ContactEntryRow,
    CrimePersonRow,
    CrimeRow,
    EventRow,
    ObligationRow,
    OfficerRow,
    PersonRow,
    ReferralRow,
    WaiverRow,
)

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a Thursday
TODAY = date(2026, 11, 26)
CRIMES = 300
REPO = Path(__file__).resolve().parents[2]

ONS_2021 = {
    "White: English, Welsh, Scottish, Northern Irish or British",
    "White: Irish",
    "White: Gypsy or Irish Traveller",
    "White: Roma",
    "White: Other White",
    "Mixed: White and Black Caribbean",
    "Mixed: White and Black African",
    "Mixed: White and Asian",
    "Mixed: Other Mixed or Multiple ethnic groups",
    "Asian: Indian",
    "Asian: Pakistani",
    "Asian: Bangladeshi",
    "Asian: Chinese",
    "Asian: Other Asian",
    "Black: African",
    "Black: Caribbean",
    "Black: Other Black",
    "Other: Arab",
    "Other: Any other ethnic group",
}
# Ofcom's numbers for drama: mobile 07700 900000-900999, landlines 01632 960000-960999 and 0xxx 496 0000-0999.
DRAMA_PHONE = re.compile(r"^(07700 900\d{3}|01632 960\d{3}|01(13|14|15|16|17|18|21|31|41|51|61) 496 0\d{3})$")


def _context(path: Any, now: datetime = NOW) -> ServiceContext:
    return open_context(str(path), actor=Actor("demo-test", "test-host", unrestricted=True), clock=lambda: now)


@pytest.fixture(scope="module")
def demo(backend: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServiceContext, DemoSummary]]:
    ctx = _context(backend.new_database(tmp_path_factory.mktemp("demo") / "demo.sqlite3"))
    summary = make_demo(ctx, crimes=CRIMES, seed=2006)
    yield ctx, summary
    ctx.close()


def _count(ctx: ServiceContext, query: object) -> int:
    with ctx.db.read() as session:
        return session.scalar(query) or 0  # type: ignore[call-overload]


def _statuses(ctx: ServiceContext, today: date) -> dict[str, int]:
    next_day = ctx.calendar.next_working_day(today)
    o = ObligationRow
    pending = o.state == ObligationState.PENDING
    queries = {
        "overdue": select(func.count()).where(pending, o.due < today),
        "due_today": select(func.count()).where(pending, o.due == today),
        "due_next_working_day": select(func.count()).where(pending, o.due == next_day),
        "open_later": select(func.count()).where(pending, o.due > next_day),
        "met_on_time": select(func.count()).where(o.state == ObligationState.MET, o.late.is_(False)),
        "met_late": select(func.count()).where(o.state == ObligationState.MET, o.late.is_(True)),
        "waived_by_opt_out": select(func.count()).where(o.state == ObligationState.WAIVED, o.waived_by == "victim"),
        "waived_with_reason": select(func.count()).where(
            o.state == ObligationState.WAIVED, o.waived_by == "demo-test", o.waiver_reason != ""
        ),
    }
    return {name: _count(ctx, query.select_from(o)) for name, query in queries.items()}


# --- every status, as of today ---------------------------------------------------------------------


def test_every_status_appears_as_of_today(demo: tuple[ServiceContext, DemoSummary]) -> None:
    ctx, summary = demo
    assert ctx.today() == TODAY
    statuses = _statuses(ctx, TODAY)
    assert all(statuses.values()), statuses
    assert summary.overdue == statuses["overdue"]
    assert summary.due_today == statuses["due_today"]
    assert summary.due_next_working_day == statuses["due_next_working_day"]
    assert summary.met_late == statuses["met_late"]
    assert summary.waived == statuses["waived_by_opt_out"] + statuses["waived_with_reason"]


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 10, 31, 12, 0, tzinfo=UTC),  # a Saturday, the 31st (no 31 September to count a month from)
        datetime(2026, 12, 25, 10, 0, tzinfo=UTC),  # Christmas Day, a bank holiday
        datetime(2027, 5, 31, 8, 0, tzinfo=UTC),  # late May bank holiday Monday
        datetime(2026, 7, 15, 23, 30, tzinfo=UTC),  # just after midnight in London (BST): today is the 16th
    ],
)
def test_due_today_and_next_working_day_whatever_the_day(new_database: Any, now: datetime) -> None:
    ctx = _context(new_database("demo.sqlite3"), now)
    try:
        summary = make_demo(ctx, crimes=60, seed=5)
        statuses = _statuses(ctx, local_date(now))
    finally:
        ctx.close()
    assert statuses["due_today"] > 0 and statuses["due_next_working_day"] > 0, statuses
    assert summary.due_today == statuses["due_today"]


# --- the summary -----------------------------------------------------------------------------------


def test_summary_counts_what_is_in_the_database(demo: tuple[ServiceContext, DemoSummary]) -> None:
    ctx, summary = demo
    for table, expected in (
        (OfficerRow, summary.officers),
        (CrimeRow, summary.crimes),
        (PersonRow, summary.people),
        (CrimePersonRow, summary.links),
        (EventRow, summary.events),
        (ContactEntryRow, summary.contacts),
        (ReferralRow, summary.referrals),
        (WaiverRow, summary.waivers),
        (ObligationRow, summary.obligations),
    ):
        assert _count(ctx, select(func.count()).select_from(table)) == expected, table.__tablename__
    assert summary.crimes == CRIMES
    assert summary.divisions == 6
    assert summary.officers >= 20
    assert summary.corrections == 20
    line = str(summary)
    assert "\n" not in line
    assert f"{CRIMES} crimes" in line and "overdue" in line and "due today" in line and "waived" in line


def test_officers_divisions_and_teams(demo: tuple[ServiceContext, DemoSummary]) -> None:
    ctx, _ = demo
    with ctx.db.read() as session:
        officers = session.execute(
            select(OfficerRow.staff_no, OfficerRow.email, OfficerRow.division, OfficerRow.team)
        ).all()
    teams: dict[str, set[str]] = {}
    for _, _, division, team in officers:
        teams.setdefault(division, set()).add(team)
    assert len(teams) == 6
    assert all(2 <= len(t) <= 4 for t in teams.values()), teams
    emails = [e for _, e, _, _ in officers if e]
    assert all(e.endswith("@police.example") for e in emails)
    assert 0 < len(officers) - len(emails) < len(officers) // 5  # a few officers without email
    assert len({s for s, _, _, _ in officers}) == len(officers)


# --- crimes and the people in them -----------------------------------------------------------------


def test_crimes_look_like_a_crime_system_extract(demo: tuple[ServiceContext, DemoSummary]) -> None:
    ctx, _ = demo
    with ctx.db.read() as session:
        crimes = session.execute(select(CrimeRow.ref, CrimeRow.kind, CrimeRow.offence, CrimeRow.reported_at)).all()
        editions = set(session.scalars(select(ObligationRow.edition).distinct()))
        closed = session.execute(select(CrimeRow.id, CrimeRow.closed_at)).all()
        first_close = dict(
            session.execute(
                select(EventRow.crime_id, func.min(EventRow.at))
                .where(EventRow.type == "case_closed", EventRow.corrects_id.is_(None))
                .group_by(EventRow.crime_id)
            ).all()
        )
    assert all(re.fullmatch(r"[A-Z]{2}/\d{5}/\d{2}", ref) for ref, *_ in crimes)
    assert {kind for _, kind, _, _ in crimes} == {"crime", "rtc", "asb"}
    offences = {offence for _, _, offence, _ in crimes}
    assert any("(domestic)" in o for o in offences)
    assert any(o.startswith("Racially or religiously aggravated") for o in offences)
    assert any(o.startswith("Sexual") or o.startswith("Rape") for o in offences)
    recent = sum(1 for *_, at in crimes if (NOW - at).days <= 190)
    assert recent > 0.7 * len(crimes)
    assert any(at.year <= 2021 for *_, at in crimes)
    assert editions >= {"2021", "2015"}  # crimes from 2019-2021 bring the older Code in
    for crime_id, closed_at in closed:
        assert closed_at == first_close.get(crime_id)


def test_victims_witnesses_and_families(demo: tuple[ServiceContext, DemoSummary]) -> None:
    ctx, summary = demo
    with ctx.db.read() as session:
        links = session.execute(
            select(
                CrimePersonRow.person_id,
                CrimePersonRow.role,
                CrimePersonRow.enhanced_reasons,
                CrimePersonRow.vs_opt_out,
                PersonRow.dob,
                CrimeRow.reported_at,
            )
            .join(PersonRow, PersonRow.id == CrimePersonRow.person_id)
            .join(CrimeRow, CrimeRow.id == CrimePersonRow.crime_id)
        ).all()
        people = session.execute(
            select(
                PersonRow.name,
                PersonRow.phone,
                PersonRow.email,
                PersonRow.language,
                PersonRow.interpreter_needed,
                PersonRow.ethnicity,
                PersonRow.preferred_method,
            )
        ).all()
    roles = [role for _, role, *_ in links]
    victims = roles.count("victim")
    assert 1.0 <= victims / CRIMES <= 1.4
    for role in ("witness", "bereaved_relative", "parent_guardian"):
        assert role in roles, role
    reasons = {r for _, _, reasons, *_ in links for r in reasons.split(";") if r}
    assert {"vulnerable", "intimidated", "persistently_targeted"} <= reasons
    children = [1 for _, role, _, _, dob, at in links if dob and dob > local_date(at) - relativedelta(years=18)]
    assert children
    opt_outs = sum(1 for *_, opt_out, _, _ in links if opt_out) / len(links)
    assert 0.05 <= opt_outs <= 0.18
    per_person: dict[int, int] = {}
    for person_id, *_ in links:
        per_person[person_id] = per_person.get(person_id, 0) + 1
    repeat = sum(1 for n in per_person.values() if n >= 2) / len(per_person)
    assert 0.02 <= repeat <= 0.1, repeat
    interpreters = [p for p in people if p.interpreter_needed]
    assert 0.03 <= len(interpreters) / len(people) <= 0.15
    assert all(p.language for p in interpreters)
    assert any(not name.isascii() for name, *_ in people)
    assert all(p.phone is None or DRAMA_PHONE.match(p.phone) for p in people), [p.phone for p in people][:5]
    assert all(p.email is None or re.fullmatch(r"[a-z0-9.]+@example\.(com|org|net)", p.email) for p in people)
    assert all(p.ethnicity is None or p.ethnicity in ONS_2021 for p in people)
    assert {p.preferred_method for p in people} >= {"phone", "email", "letter"}
    assert summary.people == len(people)


# --- what the police did ---------------------------------------------------------------------------


def test_contacts_referrals_and_corrections(demo: tuple[ServiceContext, DemoSummary]) -> None:
    ctx, summary = demo
    with ctx.db.read() as session:
        outcomes = dict(
            session.execute(select(ContactEntryRow.outcome, func.count()).group_by(ContactEntryRow.outcome)).all()
        )
        methods = set(session.scalars(select(ContactEntryRow.method).distinct()))
        on_behalf = session.scalar(select(func.count()).where(ContactEntryRow.on_behalf_of_id.is_not(None)))
        notes = list(session.scalars(select(ContactEntryRow.note).limit(200)))
        corrections = sum(
            session.scalar(select(func.count()).select_from(t).where(t.corrects_id.is_not(None))) or 0
            for t in (ContactEntryRow, EventRow, ReferralRow, WaiverRow)
        )
        audits = dict(
            session.execute(
                select(AuditRow.object_type, func.count())
                .where(AuditRow.action.in_(("collect", "disclose")))
                .group_by(AuditRow.object_type)
            ).all()
        )
        originals = {
            t.__tablename__: session.scalar(select(func.count()).select_from(t).where(t.corrects_id.is_(None)))
            for t in (ContactEntryRow, EventRow, ReferralRow, WaiverRow)
        }
        event_types = set(session.scalars(select(EventRow.type).distinct()))
    assert 0.08 <= outcomes["no_contact"] / (outcomes["no_contact"] + outcomes["informed"]) <= 0.25
    assert methods == {"phone", "visit", "email", "letter", "sms"}
    assert on_behalf
    assert all(n and len(n) > 20 for n in notes)
    assert corrections == summary.corrections == 20
    assert event_types >= {
        "arrest",
        "interview",
        "charge",
        "release_nfa",
        "no_investigation",
        "case_closed",
        "bail",
        "rui",
        "out_of_court_disposal",
    }
    # One audit record for every entry the demo wrote (corrections add their own "alter" records).
    assert audits["contact"] == originals["contact_entry"]
    assert audits["event"] == originals["event"]
    assert audits["referral"] == originals["referral"]
    assert audits["waiver"] == originals["waiver"]


def test_obligations_are_what_the_engine_derives(demo: tuple[ServiceContext, DemoSummary]) -> None:
    """The bulk path leaves the obligations exactly as re-deriving everything from the facts does."""
    ctx, _ = demo

    def snapshot() -> list[tuple[object, ...]]:
        with ctx.db.read() as session:
            rows = session.execute(
                select(
                    ObligationRow.link_id,
                    ObligationRow.key,
                    ObligationRow.rule,
                    ObligationRow.due,
                    ObligationRow.state,
                    ObligationRow.late,
                    ObligationRow.met_at,
                    ObligationRow.waiver_reason,
                )
            ).all()
        return sorted(tuple(r) for r in rows)

    before = snapshot()
    rederive_all(ctx)
    assert snapshot() == before


def test_nothing_is_dated_after_now(demo: tuple[ServiceContext, DemoSummary]) -> None:
    ctx, _ = demo
    instants = [
        CrimeRow.reported_at,
        CrimeRow.closed_at,
        EventRow.at,
        EventRow.recorded_at,
        ContactEntryRow.at,
        ContactEntryRow.recorded_at,
        ReferralRow.at,
        ReferralRow.recorded_at,
        WaiverRow.at,
        WaiverRow.recorded_at,
        ObligationRow.met_at,
        ObligationRow.trigger_at,
        AuditRow.ts,
    ]
    with ctx.db.read() as session:
        for column in instants:
            latest = session.scalar(select(func.max(column)))
            assert latest is not None and latest <= NOW, column
        assert (session.scalar(select(func.max(PersonRow.dob))) or TODAY) <= TODAY


# --- the same seed, the same force -----------------------------------------------------------------


def _fingerprint(ctx: ServiceContext) -> str:
    digest = hashlib.sha256()
    with ctx.db.read() as session:
        for query in (
            "select ref, offence, division, reported_at, closed_at from crime order by ref",
            "select ref, name, dob, phone, email, address, language, ethnicity from person order by ref",
            "select at, method, outcome, note from contact_entry order by id",
            "select type, at from event order by id",
            "select link_id, key, due, state, late from obligation order by link_id, key",
        ):
            for row in session.execute(text(query)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def test_same_seed_same_day_same_data(new_database: Any) -> None:
    results = []
    for name, seed, now in (
        ("a", 31, NOW),
        ("b", 31, NOW.replace(hour=20, minute=15)),  # the same day, later: the same force
        ("c", 32, NOW),
    ):
        ctx = _context(new_database(f"{name}.sqlite3"), now)
        try:
            results.append((make_demo(ctx, crimes=120, seed=seed), _fingerprint(ctx)))
        finally:
            ctx.close()
    (first, print_a), (second, print_b), (_, print_c) = results
    assert first == second
    assert print_a == print_b
    assert print_a != print_c


def test_refuses_a_database_that_already_has_crimes(demo: tuple[ServiceContext, DemoSummary]) -> None:
    ctx, summary = demo
    with pytest.raises(ServiceError, match="already holds"):
        make_demo(ctx, crimes=10)
    assert _count(ctx, select(func.count()).select_from(CrimeRow)) == summary.crimes


def test_rejects_a_size_of_nothing(new_database: Any) -> None:
    ctx = _context(new_database("demo.sqlite3"))
    try:
        with pytest.raises(InvalidInput):
            make_demo(ctx, crimes=0)
    finally:
        ctx.close()


# --- from the command line -------------------------------------------------------------------------


def test_demo_command(new_database: Any) -> None:
    db = new_database("cli.sqlite3")
    env = {**os.environ, "VICMAN_USER": "demo-test"}
    done = subprocess.run(
        [sys.executable, "-m", "vicman", "--db", str(db), "demo", "--crimes", "200"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "200 crimes" in done.stdout and "overdue" in done.stdout
    assert len(done.stdout.strip().splitlines()) == 1
    again = subprocess.run(
        [sys.executable, "-m", "vicman", "--db", str(db), "demo", "--crimes", "200"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={**env, "VICMAN_USER": "admin", "VICMAN_PASSWORD": "demo-password-2026"},  # the demo accounts
        check=False,
    )
    assert again.returncode == 2
    assert "already holds" in again.stderr

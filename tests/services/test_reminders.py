"""The day's reminders (vicman/services/reminders.py) planned and queued against a hand-made force
(tests/reminder_support.py): which duties each digest lists, immediate messages for one-day duties of
enhanced victims, escalation after the configured working days, the fallbacks (away -> deputy, left or no
email -> bureau mailbox, no mailbox -> orphans reported), idempotent queuing, and who may run them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import copy_database, open_test_context, snapshot_database
from tests.reminder_support import (
    AS_OF,
    JANE,
    LEE,
    NORTH_MAILBOX,
    OWEN,
    RAY,
    SAM,
    SUE,
    SUPERVISOR_EMAIL,
    build_force,
    by_key,
    duty_id,
    duty_ids,
)
from vicman.services import entries, importing, officers, reminders, settings
from vicman.services.context import Actor, ServiceContext
from vicman.services.permissions import NotPermitted
from vicman.store.tables import AuditRow, ObligationRow, OutboxMessageRow, PersonRow

TITLE = "Refer the victim to support services"
ARREST = "Tell the victim about the arrest"


@pytest.fixture
def force(ctx: ServiceContext, tmp_path: Path) -> ServiceContext:
    build_force(ctx, tmp_path)
    return ctx


def sections(body: str) -> dict[str, list[str]]:
    """The lines of a body under each heading ("Overdue (2):" and so on), in order."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in body.splitlines():
        if re.search(r"\(\d+\):$", line) and not line.startswith(" "):
            current = found.setdefault(line, [])
        elif line.startswith("  - ") and current is not None:
            current.append(line)
        elif not line.strip():
            continue
        elif not line.startswith("    "):
            current = None
    return found


def link_of(ctx: ServiceContext, victim_ref: str) -> int:
    with ctx.db.read() as session:
        return int(
            session.scalar(
                select(ObligationRow.link_id)
                .join(PersonRow, PersonRow.id == ObligationRow.person_id)
                .where(PersonRow.ref == victim_ref)
                .limit(1)
            )
            or 0
        )


def line(victim: str, ref: str, crime: str, title: str, due: str, late: str = "") -> str:
    return f"  - {victim} ({ref}), crime {crime}: {title} (due {due}{late})"


# --- the digest -----------------------------------------------------------------------------------------


def test_a_digest_lists_exactly_the_duties_overdue_due_today_and_due_next_working_day(force: ServiceContext) -> None:
    plan = reminders.plan_reminders(force, AS_OF)
    digest = by_key(plan)["digest:2026-11-26:P100"]
    assert (digest.kind, digest.recipient, digest.recipient_name, digest.reason) == (
        "digest",
        JANE.email,
        JANE.name,
        None,
    )
    arrest = duty_id(force, "V-100F", "inform_arrest")
    assert digest.duties == tuple(sorted((*duty_ids(force, "V-100A", "V-100E", "V-100B", "V-100C"), arrest)))
    assert sections(digest.body) == {
        "Overdue (2):": [
            line("Anna Nowak", "V-100A", "CR-100A", TITLE, "18/11/2026", ", 6 working days overdue"),
            line("Eve Fox", "V-100E", "CR-100E", TITLE, "25/11/2026", ", 1 working day overdue"),
        ],
        "Due today, Thursday 26/11/2026 (1):": [line("Ben Carter", "V-100B", "CR-100B", TITLE, "26/11/2026")],
        "Due on the next working day, Friday 27/11/2026 (2):": [
            line("Cleo Davies", "V-100C", "CR-100C", TITLE, "27/11/2026"),
            line("Finn Gray", "V-100F", "CR-100F", ARREST, "27/11/2026"),
        ],
    }
    # Not later duties (Dan's referral on 30/11, Gus's arrest duty on 03/12, any update), nor other people's.
    for absent in ("Dan Evans", "V-100D", "Gus Hart", "Update the victim", "Gita Hale", "Iris Jay"):
        assert absent not in digest.body
    # No more about a victim than needed: no date of birth, phone, email or address.
    for detail in ("1980", "07700", "anna@example.org", "High Street"):
        assert detail not in digest.body
    assert digest.subject == "vicman reminders for 26/11/2026: 2 overdue, 1 due today, 2 due next working day"
    assert "Anna" not in digest.subject
    assert "open vicman" in digest.body and digest.body.rstrip().endswith("do not forward it.")


def test_one_digest_per_recipient_per_day(force: ServiceContext) -> None:
    digests = [m for m in reminders.plan_reminders(force, AS_OF) if m.kind == "digest"]
    assert sorted(m.recipient for m in digests) == sorted([JANE.email, SUE.email, NORTH_MAILBOX])
    assert {m.key for m in digests} == {
        "digest:2026-11-26:P100", "digest:2026-11-26:P300", f"digest:2026-11-26:{NORTH_MAILBOX}"
    }  # fmt: skip
    # Sam (the supervisor) has a duty due only on 30/11: no digest.
    assert not any(m.recipient == SUPERVISOR_EMAIL for m in digests)


def test_an_officer_away_has_their_reminders_sent_to_their_deputy_saying_why(force: ServiceContext) -> None:
    plan = reminders.plan_reminders(force, AS_OF)
    assert not any(m.recipient == RAY.email for m in plan)
    digest = by_key(plan)["digest:2026-11-26:P300"]
    assert digest.recipient == SUE.email
    assert digest.reason == "P200 is away until 30/11/2026: to their deputy P300"
    assert digest.duties == duty_ids(force, "V-200A", "V-300A")
    assert "YOUR CASES" in digest.body
    assert "CASES OF P200 PC RAY KHAN\n(P200 is away until 30/11/2026: to their deputy P300)" in digest.body
    assert digest.body.index("Huw Ince") < digest.body.index("CASES OF P200") < digest.body.index("Gita Hale")


def test_when_the_deputy_is_away_too_the_reminders_go_to_the_bureau_mailbox(force: ServiceContext) -> None:
    officers.set_away(force, SUE.staff_no, date(2026, 11, 25), date(2026, 11, 27))
    plan = reminders.plan_reminders(force, AS_OF)
    bureau = by_key(plan)[f"digest:2026-11-26:{NORTH_MAILBOX}"]
    assert "P200 is away until 30/11/2026 and their deputy P300 is away too: to the North bureau mailbox" in (
        bureau.reason or ""
    )
    assert set(duty_ids(force, "V-200A", "V-300A")) <= set(bureau.duties)
    assert not any(m.recipient in (RAY.email, SUE.email) for m in plan)
    # Back the next day: Sue's own duties go to Sue again.
    officers.clear_away(force, SUE.staff_no)
    assert by_key(reminders.plan_reminders(force, AS_OF))["digest:2026-11-26:P300"].recipient == SUE.email


def test_an_officer_who_left_or_has_no_email_is_covered_by_the_bureau_mailbox(force: ServiceContext) -> None:
    bureau = by_key(reminders.plan_reminders(force, AS_OF))[f"digest:2026-11-26:{NORTH_MAILBOX}"]
    assert bureau.recipient == NORTH_MAILBOX and bureau.recipient_name == "North bureau"
    assert bureau.duties == duty_ids(force, "V-400A", "V-500A")
    assert bureau.reason == (
        "P400 left on 01/11/2026: to the North bureau mailbox; P500 has no email address: to the North bureau mailbox"
    )
    assert "CASES OF P400 PC LEE LONG\n(P400 left on 01/11/2026: to the North bureau mailbox)" in bureau.body
    assert "CASES OF P500 PC MAX NASH\n(P500 has no email address: to the North bureau mailbox)" in bureau.body
    assert sections(bureau.body)["Overdue (1):"] == [
        line("Iris Jay", "V-400A", "CR-400A", TITLE, "18/11/2026", ", 6 working days overdue")
    ]
    # Leaving in the future changes nothing today.
    officers.mark_left(force, LEE.staff_no, date(2026, 12, 31))
    assert any(m.recipient == LEE.email for m in reminders.plan_reminders(force, AS_OF))


def test_with_no_bureau_mailbox_the_duty_is_reported_as_an_orphan(force: ServiceContext) -> None:
    plan = reminders.plan_reminders(force, AS_OF)
    (orphan,) = plan.orphans
    assert (orphan.kind, orphan.obligation_id, orphan.crime_ref, orphan.victim_ref, orphan.officer) == (
        "digest",
        duty_id(force, "V-600A"),
        "CR-600A",
        "V-600A",
        OWEN.staff_no,
    )
    assert orphan.why == "P600 has no email address, and South has no bureau mailbox (set bureau.mailbox.South)"
    assert not any(orphan.obligation_id in m.duties for m in plan)
    report = reminders.queue_reminders(force, AS_OF)
    assert report.orphans == plan.orphans and not report.ok
    # Once South has a mailbox, nothing is orphaned.
    settings.set_setting(force, "bureau.mailbox.South", "bureau.south@police.example.uk")
    plan = reminders.plan_reminders(force, AS_OF)
    assert plan.orphans == ()
    assert by_key(plan)["digest:2026-11-26:bureau.south@police.example.uk"].duties == (duty_id(force, "V-600A"),)


def test_with_no_mailbox_at_all_every_duty_without_an_officer_address_is_an_orphan(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    build_force(ctx, tmp_path, mailbox=False)
    plan = reminders.plan_reminders(ctx, AS_OF)
    orphaned = {(o.kind, o.victim_ref) for o in plan.orphans}
    assert orphaned == {
        ("digest", "V-400A"), ("digest", "V-500A"), ("digest", "V-600A"),
        ("escalation", "V-400A"),  # no supervisor of North/N2, and no bureau mailbox either
    }  # fmt: skip
    every_listed = {d for m in plan for d in m.duties} | {o.obligation_id for o in plan.orphans}
    # Never silently dropped: every duty due by the next working day is in a message or an orphan.
    wanted = duty_ids(ctx, "V-100A", "V-100B", "V-100C", "V-100E", "V-200A", "V-300A", "V-400A", "V-500A", "V-600A")
    assert set(wanted) <= every_listed


# --- immediate messages ---------------------------------------------------------------------------------


def test_an_enhanced_victims_one_day_duty_is_sent_at_once(force: ServiceContext) -> None:
    plan = reminders.plan_reminders(force, AS_OF)
    immediate = [m for m in plan if m.kind == "immediate"]
    arrest = duty_id(force, "V-100F", "inform_arrest")
    assert [m.key for m in immediate] == [f"immediate:{link_of(force, 'V-100F')}:event:1"]
    (message,) = immediate
    assert (message.recipient, message.duties, message.reason) == (JANE.email, (arrest,), None)
    assert "  - Finn Gray (V-100F), crime CR-100F: Tell the victim about the arrest" in message.body
    assert "Arose 26/11/2026; due by the end of Friday 27/11/2026." in message.body
    assert "Finn" not in message.subject and "27/11/2026" in message.subject
    # Gus's arrest was the same morning, but he has no enhanced rights: 5 working days, no message.
    assert duty_id(force, "V-100G", "inform_arrest") not in {d for m in immediate for d in m.duties}


def test_an_immediate_message_is_not_queued_again_when_the_case_is_worked_out_again(force: ServiceContext) -> None:
    """Obligation ids change whenever a case's duties are re-derived (a new event, say); the key does not."""
    first = reminders.queue_reminders(force, AS_OF)
    assert first.by_kind["immediate"] == 1
    before = duty_id(force, "V-100F", "inform_arrest")
    entries.record_event(force, "CR-100F", "interview", datetime(2026, 11, 26, 8, 50, tzinfo=UTC))
    assert duty_id(force, "V-100F", "inform_arrest") != before  # re-derived: new rows
    second = reminders.queue_reminders(force, AS_OF)
    assert second.by_kind["immediate"] == 1  # only the interview's; the arrest's went already
    keys = [r.key for r in outbox_rows(force) if r.kind == "immediate"]
    assert sorted(keys) == sorted(f"immediate:{link_of(force, 'V-100F')}:event:{n}" for n in (1, 3))


def test_a_one_day_duty_that_arose_over_the_weekend_is_sent_on_monday(db_path: Path, tmp_path: Path) -> None:
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    ctx = open_test_context(db_path, clock=lambda: monday)
    try:
        build_force(ctx, tmp_path)
        entries.record_event(ctx, "CR-100F", "interview", datetime(2026, 11, 28, 11, 0, tzinfo=UTC))  # Saturday
        entries.record_event(ctx, "CR-100F", "bail", datetime(2026, 11, 27, 16, 0, tzinfo=UTC))  # Friday
        plan = reminders.plan_reminders(ctx, date(2026, 11, 30))
        immediate = {m.duties[0] for m in plan if m.kind == "immediate"}
        assert immediate == {duty_id(ctx, "V-100F", "inform_interview"), duty_id(ctx, "V-100F", "inform_bail")}
        # The arrest of Thursday 26/11 was due on Friday: overdue now, so in the digest, not sent "at once".
        assert duty_id(ctx, "V-100F", "inform_arrest") in by_key(plan)["digest:2026-11-30:P100"].duties
    finally:
        ctx.close()


def test_an_immediate_message_for_an_officer_away_goes_to_the_deputy(force: ServiceContext) -> None:
    officers.set_away(force, JANE.staff_no, date(2026, 11, 26), date(2026, 12, 4), SAM.staff_no)
    plan = reminders.plan_reminders(force, AS_OF)
    (message,) = [m for m in plan if m.kind == "immediate"]
    assert message.recipient == SUPERVISOR_EMAIL
    assert message.reason == "P100 is away until 04/12/2026: to their deputy P900"
    assert "has arisen in a case of P100 PC Jane Jones" in message.body
    assert "You are receiving this because P100 is away until 04/12/2026: to their deputy P900." in message.body


# --- escalation -----------------------------------------------------------------------------------------


def test_a_duty_overdue_by_the_configured_working_days_is_escalated_to_the_supervisor(force: ServiceContext) -> None:
    plan = by_key(reminders.plan_reminders(force, AS_OF))
    escalation = plan[f"escalation:2026-11-26:{SUPERVISOR_EMAIL}"]
    assert (escalation.recipient, escalation.recipient_name, escalation.reason) == (SUPERVISOR_EMAIL, SAM.name, None)
    # Anna's referral is 6 working days overdue; Eve's only 1 (the default is 2).
    assert escalation.duties == (duty_id(force, "V-100A"),)
    assert sections(escalation.body) == {
        "P100 PC Jane Jones (1):": [line("Anna Nowak", "V-100A", "CR-100A", TITLE, "18/11/2026",
                                         ", 6 working days overdue")],
    }  # fmt: skip
    assert "overdue by 2 working days or more" in escalation.body
    # Team N2 has no supervisor: Lee's overdue duty goes to the North bureau mailbox, saying so.
    bureau = plan[f"escalation:2026-11-26:{NORTH_MAILBOX}"]
    assert bureau.duties == (duty_id(force, "V-400A"),)
    assert bureau.reason == "No supervisor of North/N2 with a working email address: to the North bureau mailbox"

    settings.set_setting(force, "reminders.escalate_after_days", "1")
    plan = by_key(reminders.plan_reminders(force, AS_OF))
    assert plan[f"escalation:2026-11-26:{SUPERVISOR_EMAIL}"].duties == duty_ids(force, "V-100A", "V-100E")
    settings.set_setting(force, "reminders.escalate_after_days", "7")
    assert not any(m.kind == "escalation" for m in reminders.plan_reminders(force, AS_OF))


def test_working_days_count_for_escalation_not_calendar_days(force: ServiceContext) -> None:
    # On Monday 30/11, Eve's referral (due Wednesday 25/11) is 3 working days overdue (26, 27, 30),
    # though 5 calendar days: with 3 it is escalated, with 4 it is not.
    settings.set_setting(force, "reminders.escalate_after_days", "3")
    escalated = by_key(reminders.plan_reminders(force, date(2026, 11, 30)))[f"escalation:2026-11-30:{SUPERVISOR_EMAIL}"]
    assert duty_id(force, "V-100E") in escalated.duties
    settings.set_setting(force, "reminders.escalate_after_days", "4")
    plan = by_key(reminders.plan_reminders(force, date(2026, 11, 30)))
    assert duty_id(force, "V-100E") not in plan[f"escalation:2026-11-30:{SUPERVISOR_EMAIL}"].duties


# --- queuing --------------------------------------------------------------------------------------------


def outbox_rows(ctx: ServiceContext) -> list[OutboxMessageRow]:
    with ctx.db.read() as session:
        rows = list(session.scalars(select(OutboxMessageRow).order_by(OutboxMessageRow.key)))
        session.expunge_all()
        return rows


def reminder_audits(ctx: ServiceContext) -> list[AuditRow]:
    with ctx.db.read() as session:
        rows = list(session.scalars(select(AuditRow).where(AuditRow.object_type == "reminders")))
        session.expunge_all()
        return rows


def test_queuing_twice_on_the_same_day_queues_nothing_new(force: ServiceContext) -> None:
    plan = reminders.plan_reminders(force, AS_OF)
    first = reminders.queue_reminders(force, AS_OF)
    assert (first.queued, first.already_queued) == (len(plan), 0)
    assert first.by_kind == {"digest": 3, "immediate": 1, "escalation": 2}
    rows = outbox_rows(force)
    assert [r.key for r in rows] == sorted(m.key for m in plan)
    jane = next(r for r in rows if r.key == "digest:2026-11-26:P100")
    assert (jane.status, jane.recipient, jane.body) == ("pending", JANE.email, by_key(plan)[jane.key].body)

    second = reminders.queue_reminders(force, AS_OF)
    assert (second.queued, second.already_queued, second.by_kind["digest"]) == (0, len(plan), 0)
    assert len(outbox_rows(force)) == len(rows)
    audits = reminder_audits(force)
    assert [a.action for a in audits] == ["combine", "combine"]
    assert '"queued": 6' in (audits[0].detail or "") and '"queued": 0' in (audits[1].detail or "")
    assert "Anna" not in (audits[0].detail or "")  # counts only


def test_the_next_day_brings_new_digests_but_not_a_second_immediate_message(force: ServiceContext) -> None:
    reminders.queue_reminders(force, AS_OF)
    report = reminders.queue_reminders(force, date(2026, 11, 27))
    assert report.by_kind["immediate"] == 0  # the arrest's message went yesterday (same key)
    assert report.by_kind["digest"] >= 1
    keys = [r.key for r in outbox_rows(force)]
    assert "digest:2026-11-27:P100" in keys and "digest:2026-11-26:P100" in keys
    assert len(keys) == len(set(keys))


def test_planning_writes_nothing(force: ServiceContext, db_path: Path) -> None:
    before = snapshot_database(db_path)
    reminders.plan_reminders(force, AS_OF)
    assert snapshot_database(db_path) == before


# --- who may run them -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "bureau", "supervisor"])
def test_only_administrators_run_the_reminders(force: ServiceContext, role: str) -> None:
    force.actor = Actor(f"{role}-1", "ws", roles=frozenset({role}), division="North", team="N1")
    with pytest.raises(NotPermitted):
        reminders.queue_reminders(force, AS_OF)
    with pytest.raises(NotPermitted):
        reminders.plan_reminders(force, AS_OF)
    force.actor = Actor("admin-1", "ws", roles=frozenset({"administrator"}))
    assert reminders.queue_reminders(force, AS_OF).queued == 6


# --- at scale (a little) ---------------------------------------------------------------------------------


@pytest.fixture
def busy(template_db: Path, tmp_path: Path) -> Iterator[ServiceContext]:
    from tests.conftest import crime_row, write_csv

    ctx = open_test_context(copy_database(template_db, tmp_path / "busy.sqlite3"))
    rows: list[dict[str, Any]] = []
    for i in range(600):
        officer = f"Q{i % 40:03d}"
        rows.append(
            crime_row(
                crime_ref=f"CR-B{i:04d}",
                victim_ref=f"V-B{i:04d}",
                reported_at="2026-11-16T10:00",
                oic_id=officer,
                oic_name=f"PC {officer}",
                oic_email=f"{officer.lower()}@police.example.uk",
            )
        )
    importing.import_crimes(ctx, write_csv(tmp_path / "busy.csv", rows))
    settings.set_setting(ctx, "bureau.mailbox.North", NORTH_MAILBOX)
    yield ctx
    ctx.close()


def test_six_hundred_overdue_duties_make_one_digest_per_officer(busy: ServiceContext) -> None:
    report = reminders.queue_reminders(busy, AS_OF)
    assert report.by_kind["digest"] == 40 and not report.orphans
    # No supervisor in this force: one escalation, to the bureau mailbox, listing all 600.
    assert report.by_kind["escalation"] == 1
    with busy.db.read() as session:
        listed = session.scalar(
            select(func.count()).select_from(OutboxMessageRow).where(OutboxMessageRow.kind == "digest")
        )
    assert listed == 40


def test_a_long_list_is_cut_at_fifty_lines_and_says_how_many_more(busy: ServiceContext) -> None:
    from vicman.services import reminder_text

    digest = next(m for m in reminders.plan_reminders(busy, AS_OF) if m.key == "digest:2026-11-26:Q000")
    assert len(sections(digest.body)["Overdue (15):"]) == 15  # under the cap: every duty listed
    many = [
        reminder_text.Duty(i, i, "report", f"CR-{i:03d}", f"V-{i:03d}", "Anna Nowak", "vs_referral", TITLE, "2021",
                           False, date(2026, 11, 2), date(2026, 11, 4), "North", 1, reminder_text.OVERDUE, 16)
        for i in range(60)
    ]  # fmt: skip
    _, body = reminder_text.digest("PC Test", AS_OF, date(2026, 11, 27), [(None, many)])
    listed = [line for line in body.splitlines() if line.startswith("  - ")]
    assert len(listed) == 50 and "  … and 10 more: see them all in vicman." in body
    assert "Overdue (60):" in body

"""The compliance report, the Ministry of Justice measures, and the duties behind any of their numbers.

A duty belongs to a period when its due date lies in it (both dates included); what became of it is read
from the stored (derived) duties, the same rows `vicman obligations` shows: met on time, met late, waived,
or still pending - overdue when its due date is before today (Europe/London), else open. Everything is
counted in the database (GROUP BY): a year of a large division is millions of duties.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import ColumnElement, and_, case, exists, false, func, select
from sqlalchemy.orm import Session, aliased

from vicman.documents.letters import default_book
from vicman.rules import CodeBook
from vicman.rules.localtime import start_of_local_day
from vicman.services import audit, permissions
from vicman.services.context import ServiceContext
from vicman.services.dip_sample_population import resolve_scope
from vicman.services.dip_sample_views import DUTY_STATUSES
from vicman.services.errors import InvalidInput
from vicman.services.permissions import Target
from vicman.services.report_types import (
    TREND_BUCKETS,
    ComplianceReport,
    DutyCounts,
    GroupCounts,
    MojMeasure,
    MojReport,
    ReportHeader,
    ReportScope,
    TrendPoint,
    WaiverReasonCount,
)
from vicman.services.team_compliance import DutyRow, duty_row
from vicman.store.tables import (
    ContactContractRow,
    ContactEntryRow,
    CrimePersonRow,
    CrimeRow,
    ObligationRow,
    OfficerRow,
    PersonRow,
)

TITLES = {
    "compliance": "Victims' Code compliance",
    "moj": "Ministry of Justice Victims' Code compliance measures",
    "satisfaction": "Victim satisfaction by ethnic group",
}
NO_GROUP = ""
"""The group key of duties with no team (or no officer in the case) at that level."""
NO_REASON = "(no reason recorded)"
ACKNOWLEDGEMENT_TEMPLATE = "acknowledgement"
"""The letter template (resources/letters/letters.toml) that is the written acknowledgement."""
NOT_VICTIMS = ("witness",)
"""Roles a written acknowledgement and a VPS offer do not apply to."""
BEHIND_STATUSES = (*DUTY_STATUSES, "met", "due")
"""What `duties_behind(status=...)` takes: one status, "met" (on time or late), or "due" (all)."""


# --- scope ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Scope:
    """A report's scope checked against the database, as conditions on duties and on crimes."""

    level: str
    """force, division, team or officer."""
    division: str | None
    officer_ids: tuple[int, ...]

    @property
    def group_level(self) -> str:
        return {"force": "division", "division": "team", "team": "officer", "officer": "rule"}[self.level]

    def duties(self) -> list[ColumnElement[bool]]:
        if self.level == "force":
            return []
        if self.level == "division":
            return [ObligationRow.division == self.division]
        return [ObligationRow.oic_id.in_(self.officer_ids)]

    def crimes(self) -> list[ColumnElement[bool]]:
        if self.level == "force":
            return []
        if self.level == "division":
            return [CrimeRow.division == self.division]
        return [CrimeRow.oic_id.in_(self.officer_ids)]


def _check_scope(scope: ReportScope) -> None:
    given = [name for name in ("division", "team", "officer") if (getattr(scope, name) or "").strip()]
    if len(given) > 1:
        raise InvalidInput(f"give at most one of division, team and officer, not {' and '.join(given)}", field="scope")


def _check_period(period_from: date, period_to: date) -> None:
    if period_from > period_to:
        raise InvalidInput(
            f"{period_from.isoformat()} is after the end of the period, {period_to.isoformat()}", field="period_from"
        )


def _scope_target(session: Session, scope: ReportScope) -> Target | None:
    """Where the scope sits, for the permission check (None: the whole force)."""
    if scope.officer:
        found = permissions.officer_target(session, scope.officer.strip())
        if found is None:
            raise InvalidInput(f"no officer with staff number {scope.officer.strip()!r}", field="officer")
        return found
    if scope.team:
        division, slash, team = scope.team.strip().partition("/")
        if slash:
            return Target(division.strip(), team.strip())
        divisions = set(session.scalars(select(OfficerRow.division).where(OfficerRow.team == scope.team.strip())))
        return Target(divisions.pop() if len(divisions) == 1 else None, scope.team.strip())
    if scope.division:
        return Target(scope.division.strip())
    return None


def _require(ctx: ServiceContext, scope: ReportScope, kind: str) -> None:
    _check_scope(scope)
    with ctx.db.read() as session:
        target = _scope_target(session, scope)
    permissions.require(ctx, permissions.VIEW_REPORTS, target, object_type="report", object_id=f"{kind}:{scope.label}")


def _resolve(session: Session, scope: ReportScope) -> _Scope:
    try:
        if scope.officer:
            found = resolve_scope(session, "officer", scope.officer)
            return _Scope("officer", None, found.officer_ids)
        if scope.team:
            found = resolve_scope(session, "team", scope.team)
            return _Scope("team", None, found.officer_ids)
        if scope.division:
            found = resolve_scope(session, "division", scope.division)
            return _Scope("division", found.division, ())
    except InvalidInput as exc:
        field = "officer" if scope.officer else "team" if scope.team else "division"
        raise InvalidInput(exc.reason, field=field) from None
    return _Scope("force", None, ())


def _header(ctx: ServiceContext, kind: str, period_from: date, period_to: date, scope: ReportScope) -> ReportHeader:
    return ReportHeader(
        kind=kind,
        title=TITLES[kind],
        force_name=default_book().force_name,
        period_from=period_from,
        period_to=period_to,
        scope=scope,
        as_of=ctx.today(),
        produced_at=ctx.now(),
        produced_by=ctx.actor.user,
    )


# --- counting -------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Tally:
    due: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    open: int = 0
    waived: int = 0

    def add(self, other: Sequence[Any]) -> None:
        due, on_time, late, overdue, still_open, waived = other
        self.due += int(due)
        self.on_time += int(on_time)
        self.late += int(late)
        self.overdue += int(overdue)
        self.open += int(still_open)
        self.waived += int(waived)

    @property
    def on_time_pct(self) -> float | None:
        return on_time_pct(self.on_time, self.due, self.waived, self.open)


def on_time_pct(met_on_time: int, due: int, waived: int, still_open: int) -> float | None:
    """Met on time as a percentage of the duties whose outcome is known (due less waived less open), to
    one decimal place; None when there are none."""
    known = due - waived - still_open
    return round(100.0 * met_on_time / known, 1) if known > 0 else None


def _tally_columns(today: date) -> list[Any]:
    """due, met on time, met late, overdue, open, waived: summed over the grouped duties."""

    def count(condition: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    state = ObligationRow.state
    pending = state == "pending"
    return [
        func.count(ObligationRow.id),
        count(and_(state == "met", ObligationRow.late.is_(False))),
        count(and_(state == "met", ObligationRow.late.is_(True))),
        count(and_(pending, ObligationRow.due < today)),
        count(and_(pending, ObligationRow.due >= today)),
        count(state == "waived"),
    ]


def _in_period(period_from: date, period_to: date) -> list[ColumnElement[bool]]:
    # Every duty is pending, met or waived: no condition on its state, so the covering index answers alone.
    return [ObligationRow.due >= period_from, ObligationRow.due <= period_to]


def rule_order(code: CodeBook) -> list[str]:
    """Rule ids in the Code's order: the newest edition's, then any only older editions have."""
    order: list[str] = []
    for edition in reversed(code.editions):
        order.extend(rule.id for rule in edition.rules if rule.id not in order)
    return order


def bucket_start(day: date, trend_bucket: str) -> date:
    """The Monday of `day`'s week, or the first of its month."""
    if trend_bucket == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def bucket_end(start: date, trend_bucket: str) -> date:
    if trend_bucket == "week":
        return start + timedelta(days=6)
    return start + relativedelta(months=1) - timedelta(days=1)


def bucket_label(start: date, trend_bucket: str) -> str:
    return f"w/c {start:%d/%m/%Y}" if trend_bucket == "week" else f"{start:%b %Y}"


def _buckets(period_from: date, period_to: date, trend_bucket: str) -> list[date]:
    found = []
    start = bucket_start(period_from, trend_bucket)
    while start <= period_to:
        found.append(start)
        start = bucket_end(start, trend_bucket) + timedelta(days=1)
    return found


def compliance_report(
    ctx: ServiceContext, period_from: date, period_to: date, scope: ReportScope, trend_bucket: str = "month"
) -> ComplianceReport:
    """For each duty (Code rule), of those that fell due in the period within the scope: how many were
    met on time, met late, are overdue now, still open or were waived (with the reasons); a trend by the
    week (Monday start) or month of the due date; and the scope broken down one level
    (force -> divisions, division -> teams, team -> officers, officer -> rules)."""
    _check_period(period_from, period_to)
    if trend_bucket not in TREND_BUCKETS:
        raise InvalidInput(f"must be one of {', '.join(TREND_BUCKETS)}, not {trend_bucket!r}", field="trend")
    _require(ctx, scope, "compliance")
    header = _header(ctx, "compliance", period_from, period_to, scope)
    today = header.as_of
    titles = ctx.code.rule_titles()
    with ctx.db.read() as session:
        resolved = _resolve(session, scope)
        where = [*resolved.duties(), *_in_period(period_from, period_to)]
        # Two passes over the covering index rather than one grouped by rule, day and group together: that
        # one returns nearly a group per duty (a division-year: 122,325 groups of 182,306 duties) to tally
        # in Python, where these return a few thousand rows and a few hundred.
        below: Any = {"division": ObligationRow.division, "rule": ObligationRow.rule}.get(
            resolved.group_level, ObligationRow.oic_id
        )
        by_day = [ObligationRow.rule, ObligationRow.due]
        counted: list[Any] = list(
            session.execute(select(*by_day, *_tally_columns(today)).where(*where).group_by(*by_day))
        )
        grouped: list[Any] = list(session.execute(select(below, *_tally_columns(today)).where(*where).group_by(below)))
        reasons = session.execute(
            select(ObligationRow.rule, ObligationRow.waiver_reason, func.count(ObligationRow.id))
            .where(*where, ObligationRow.state == "waived")
            .group_by(ObligationRow.rule, ObligationRow.waiver_reason)
        ).all()
        rules: dict[str, _Tally] = defaultdict(_Tally)
        days: dict[date, _Tally] = defaultdict(_Tally)
        raw_groups: dict[Any, _Tally] = defaultdict(_Tally)
        total = _Tally()
        for rule, due, *counts in counted:
            rules[rule].add(counts)
            days[bucket_start(due, trend_bucket)].add(counts)
            total.add(counts)
        for group, *counts in grouped:
            raw_groups[group].add(counts)
        by_group = _by_group(session, resolved, raw_groups, titles)
    reasons_by_rule: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    all_reasons: dict[str, int] = defaultdict(int)
    for rule, reason, count in reasons:
        text = (reason or "").strip() or NO_REASON
        reasons_by_rule[rule][text] += count
        all_reasons[text] += count
    order = rule_order(ctx.code)
    ranked = sorted(rules, key=lambda r: (order.index(r) if r in order else len(order), r))
    duties = tuple(_counts(rule, titles.get(rule, rule), rules[rule], reasons_by_rule.get(rule, {})) for rule in ranked)
    trend = tuple(
        TrendPoint(
            bucket_start=start,
            label=bucket_label(start, trend_bucket),
            due=days[start].due,
            met_on_time=days[start].on_time,
            on_time_pct=days[start].on_time_pct,
        )
        for start in _buckets(period_from, period_to, trend_bucket)
    )
    report = ComplianceReport(
        header=header,
        duties=duties,
        total=_counts("all", "All duties", total, all_reasons),
        trend_bucket=trend_bucket,
        trend=trend,
        by_group=by_group,
        group_level=resolved.group_level,
    )
    _consulted(ctx, header, {"duties": total.due, "trend": trend_bucket})
    return report


def _counts(rule: str, title: str, tally: _Tally, reasons: dict[str, int]) -> DutyCounts:
    return DutyCounts(
        rule=rule,
        title=title,
        due=tally.due,
        met_on_time=tally.on_time,
        met_late=tally.late,
        overdue=tally.overdue,
        open=tally.open,
        waived=tally.waived,
        waiver_reasons=tuple(
            WaiverReasonCount(reason, count) for reason, count in sorted(reasons.items(), key=lambda i: (-i[1], i[0]))
        ),
        on_time_pct=tally.on_time_pct,
    )


def _by_group(
    session: Session, scope: _Scope, raw: dict[Any, _Tally], titles: dict[str, str]
) -> tuple[GroupCounts, ...]:
    """The scope one level down, from the tallies per division, rule or officer in the case: teams and
    officers are named from the (few) officers rather than by joining every duty to its officer."""
    level = scope.group_level
    officers: dict[int, tuple[str, str, str | None]] = {}
    if level in ("team", "officer"):
        ids = [value for value in raw if value is not None]
        officers = {
            officer_id: (staff_no, name, team)
            for officer_id, staff_no, name, team in session.execute(
                select(OfficerRow.id, OfficerRow.staff_no, OfficerRow.name, OfficerRow.team).where(
                    OfficerRow.id.in_(ids)
                )
            )
        }
    groups: dict[str, _Tally] = defaultdict(_Tally)
    labels: dict[str, str] = {}
    for value, tally in raw.items():
        if level == "division":
            key, label = value, value
        elif level == "rule":
            key, label = value, titles.get(value, value)
        elif level == "team":
            team = officers[value][2] if value in officers else None
            key = team or NO_GROUP
            label = team or ("No team" if value is not None else "No officer in the case")
        else:
            staff_no, name, _team = officers.get(value, (NO_GROUP, "No officer in the case", None))
            key, label = staff_no, f"{name} ({staff_no})" if staff_no else name
        groups[key].add(_tally_row(tally))
        labels.setdefault(key, label)
    if level == "team" and NO_GROUP in groups:
        labels[NO_GROUP] = "No team or no officer"
    return tuple(
        GroupCounts(
            group=labels[key],
            due=tally.due,
            met_on_time=tally.on_time,
            overdue=tally.overdue,
            on_time_pct=tally.on_time_pct,
            key=key,
        )
        for key, tally in sorted(groups.items(), key=lambda item: (item[0] == NO_GROUP, labels[item[0]].lower()))
    )


def _consulted(ctx: ServiceContext, header: ReportHeader, detail: dict[str, Any]) -> None:
    """Reports hold counts, not victims; the reading is logged all the same (who looked at what)."""
    audit.consulted(
        ctx,
        "report",
        f"{header.kind}:{header.scope.label}",
        {"kind": header.kind, "from": header.period_from.isoformat(), "to": header.period_to.isoformat(), **detail},
    )


# --- the Ministry of Justice measures --------------------------------------------------------------


def moj_report(ctx: ServiceContext, period_from: date, period_to: date, scope: ReportScope) -> MojReport:
    """The five Ministry of Justice compliance measures for the period and scope. Each measure's `note`
    says exactly what is counted; what vicman does not record is reported as such, never estimated."""
    _check_period(period_from, period_to)
    _require(ctx, scope, "moj")
    header = _header(ctx, "moj", period_from, period_to, scope)
    today = header.as_of
    update_rules = _update_rules(ctx)
    with ctx.db.read() as session:
        resolved = _resolve(session, scope)
        where = [*resolved.duties(), *_in_period(period_from, period_to)]
        by_rule = {
            rule: _tally_of(counts)
            for rule, *counts in session.execute(
                select(ObligationRow.rule, *_tally_columns(today)).where(*where).group_by(ObligationRow.rule)
            )
        }
        victims, acknowledged, vps = _victim_measures(session, resolved, period_from, period_to)
    referral = by_rule.get("vs_referral", _Tally())
    updates = _Tally()
    for rule in update_rules:
        updates.add(_tally_row(by_rule.get(rule, _Tally())))
    measures = (
        MojMeasure(
            measure="acknowledgement",
            label="Written acknowledgement given",
            applicable=victims,
            met=acknowledged,
            met_on_time=None,
            pct=_pct(acknowledged, victims),
            note=(
                "Victims (not witnesses) whose crime was reported in the period, and of them those with a "
                "written acknowledgement letter recorded through vicman's letters (a standing letter contact "
                "from the acknowledgement template); the Code sets no deadline for it, so none is measured."
            ),
        ),
        _duty_measure(
            "referral",
            "Referral to support services",
            referral,
            by_time=False,
            note=(
                "Referral duties (vs_referral) that fell due in the period, less those waived (the victim opted "
                "out) and those not yet due; met: referred at all; on time: by the due date."
            ),
        ),
        _duty_measure(
            "updates",
            "Updates within the agreed timeframes",
            updates,
            by_time=True,
            note=(
                "Periodic updates and key-event notices (" + ", ".join(update_rules) + ") that fell due in the "
                "period, less those waived and those not yet due; the measure is the share met by the due date."
            ),
        ),
        MojMeasure(
            measure="vps_offered",
            label="Victim Personal Statement offered",
            applicable=victims,
            met=vps,
            met_on_time=None,
            pct=_pct(vps, victims),
            note=(
                "Victims (not witnesses) whose crime was reported in the period, and of them those with a "
                "standing contact contract that records the VPS as offered."
            ),
        ),
        MojMeasure(
            measure="release_information",
            label="Information about an offender's release",
            applicable=0,
            met=0,
            met_on_time=None,
            pct=None,
            note=(
                "Not recorded by vicman: it has no event for an offender's release from custody (the Victim "
                "Contact Scheme is run by the Probation Service), so this measure cannot be counted here."
            ),
        ),
    )
    _consulted(ctx, header, {"victims": victims})
    return MojReport(header=header, measures=measures)


def _update_rules(ctx: ServiceContext) -> list[str]:
    """The rules that keep a victim informed: every rule met by an informed contact (the periodic
    `update` and the `inform_*` key-event notices), in the Code's order."""
    informing = {r.id for e in ctx.code.editions for r in e.rules if r.met_by == "informed_contact"}
    return [rule for rule in rule_order(ctx.code) if rule in informing]


def _tally_of(counts: Sequence[Any]) -> _Tally:
    tally = _Tally()
    tally.add(counts)
    return tally


def _tally_row(tally: _Tally) -> tuple[int, int, int, int, int, int]:
    return tally.due, tally.on_time, tally.late, tally.overdue, tally.open, tally.waived


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole > 0 else None


def _duty_measure(measure: str, label: str, tally: _Tally, *, by_time: bool, note: str) -> MojMeasure:
    applicable = tally.due - tally.waived - tally.open
    met = tally.on_time + tally.late
    return MojMeasure(
        measure=measure,
        label=label,
        applicable=applicable,
        met=met,
        met_on_time=tally.on_time,
        pct=_pct(tally.on_time if by_time else met, applicable),
        note=note,
    )


def _standing(table: Any) -> list[ColumnElement[bool]]:
    """Conditions for an entry that stands: not retracted, not replaced by a correction."""
    newer = aliased(table)
    return [table.retracted.is_(False), ~exists().where(newer.corrects_id == table.id)]


def _victim_measures(session: Session, scope: _Scope, period_from: date, period_to: date) -> tuple[int, int, int]:
    """Victims whose crime was reported in the period; of them, those acknowledged in writing and those
    offered a VPS."""
    acknowledged = exists().where(
        ContactEntryRow.link_id == CrimePersonRow.id,
        ContactEntryRow.method == "letter",
        ContactEntryRow.outcome == "informed",
        ContactEntryRow.note.like(f"%template {ACKNOWLEDGEMENT_TEMPLATE}.%"),
        *_standing(ContactEntryRow),
    )
    offered = exists().where(
        ContactContractRow.link_id == CrimePersonRow.id,
        ContactContractRow.vps_offered.is_(True),
        *_standing(ContactContractRow),
    )

    def count(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = session.execute(
        select(func.count(CrimePersonRow.id), count(acknowledged), count(offered))
        .join(CrimeRow, CrimeRow.id == CrimePersonRow.crime_id)
        .where(
            *scope.crimes(),
            CrimeRow.reported_at >= start_of_local_day(period_from),
            CrimeRow.reported_at < start_of_local_day(period_to + timedelta(days=1)),
            CrimePersonRow.role.not_in(NOT_VICTIMS),
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


# --- the duties behind a number --------------------------------------------------------------------


def duties_behind(
    ctx: ServiceContext,
    period_from: date,
    period_to: date,
    scope: ReportScope,
    *,
    rule: str | None = None,
    status: str | None = None,
    group: str | None = None,
    bucket_start: date | None = None,
    trend_bucket: str = "month",
    limit: int = 500,
) -> list[DutyRow]:
    """The duties counted in one number of a compliance (or MoJ) report: those that fell due in the
    period within the scope, narrowed to one rule (or "all"), one status (on_time, late, waived,
    overdue, open; "met" for both kinds of met; None or "due" for all), one group of `by_group` (its
    `key`) and one trend bucket (its `bucket_start`, with the report's `trend_bucket`). Soonest due
    first, at most `limit`. Audited: the rows name victims."""
    _check_period(period_from, period_to)
    if status is not None and status not in BEHIND_STATUSES:
        raise InvalidInput(f"must be one of {', '.join(BEHIND_STATUSES)}, not {status!r}", field="status")
    if trend_bucket not in TREND_BUCKETS:
        raise InvalidInput(f"must be one of {', '.join(TREND_BUCKETS)}, not {trend_bucket!r}", field="trend")
    if limit < 1:
        raise InvalidInput("must be at least 1", field="limit")
    _require(ctx, scope, "duties")
    today = ctx.today()
    if bucket_start is not None:
        period_from, period_to = max(period_from, bucket_start), min(period_to, bucket_end(bucket_start, trend_bucket))
    titles = ctx.code.rule_titles()
    oic = aliased(OfficerRow)
    with ctx.db.read() as session:
        resolved = _resolve(session, scope)
        conditions = [*resolved.duties(), *_in_period(period_from, period_to)]
        if rule is not None and rule != "all":
            conditions.append(ObligationRow.rule == rule)
        if status not in (None, "due"):
            conditions.append(_status_condition(status or "", today))
        if group is not None:
            conditions.append(_group_condition(session, resolved, group))
        query = (
            select(ObligationRow, CrimeRow.ref, PersonRow.ref, PersonRow.name, oic.name, oic.staff_no)
            .join(CrimeRow, CrimeRow.id == ObligationRow.crime_id)
            .join(PersonRow, PersonRow.id == ObligationRow.person_id)
            .outerjoin(oic, oic.id == ObligationRow.oic_id)
            .where(*conditions)
            .order_by(ObligationRow.due, CrimeRow.ref, PersonRow.ref, ObligationRow.key)
            .limit(limit)
        )
        rows = []
        for duty, crime_ref, victim_ref, victim_name, oic_name, staff_no in session.execute(query):
            officer = f"{oic_name} ({staff_no})" if staff_no else ""
            rows.append(duty_row(duty, crime_ref, victim_ref, victim_name, titles, today, officer))
    audit.consulted(
        ctx,
        "report",
        f"duties:{scope.label}",
        {
            "from": period_from.isoformat(),
            "to": period_to.isoformat(),
            "rule": rule,
            "status": status,
            "group": group,
            "victims": sorted({r.victim_ref for r in rows}),
        },
    )
    return rows


def _status_condition(status: str, today: date) -> ColumnElement[bool]:
    state = ObligationRow.state
    return {
        "on_time": and_(state == "met", ObligationRow.late.is_(False)),
        "late": and_(state == "met", ObligationRow.late.is_(True)),
        "met": state == "met",
        "waived": state == "waived",
        "overdue": and_(state == "pending", ObligationRow.due < today),
        "open": and_(state == "pending", ObligationRow.due >= today),
    }[status]


def _group_condition(session: Session, scope: _Scope, group: str) -> ColumnElement[bool]:
    """The duties of one `GroupCounts.key` at the scope's group level."""
    level = scope.group_level
    if level == "division":
        return ObligationRow.division == group
    if level == "rule":
        return ObligationRow.rule == group
    if level == "officer":
        officer_id = session.scalar(select(OfficerRow.id).where(OfficerRow.staff_no == group))
        if group == NO_GROUP:
            return ObligationRow.oic_id.is_(None)
        return ObligationRow.oic_id == officer_id if officer_id is not None else false()
    team = select(OfficerRow.id).where(OfficerRow.team == group if group != NO_GROUP else OfficerRow.team.is_(None))
    in_team = ObligationRow.oic_id.in_(team)
    return (in_team | ObligationRow.oic_id.is_(None)) if group == NO_GROUP else in_team

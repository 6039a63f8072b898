"""Victims' satisfaction surveys: recording them (append-only entries, corrected like any other) and the
satisfaction report by ethnic group, with the gap between white and minority ethnic victims.

"Satisfied" is 4 or 5 on the five-point scale (fairly or very satisfied), of those who answered the
question. Ethnic groups are reported as recorded on the person; the White / Minority ethnic aggregate is
data (resources/ethnicity.toml). Unrecorded ethnicity is reported as "Not recorded", never guessed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session, aliased

from vicman.rules import statistics
from vicman.rules.localtime import LONDON, local_date, start_of_local_day, to_utc
from vicman.services import audit, permissions, records
from vicman.services.context import ServiceContext
from vicman.services.entries import FUTURE_TOLERANCE, _check_note, _link, append_correction, correction_target
from vicman.services.errors import InvalidInput
from vicman.services.report_types import (
    GapTest,
    GroupSatisfaction,
    Proportion,
    ReportScope,
    SatisfactionReport,
)
from vicman.store.tables import CrimePersonRow, CrimeRow, PersonRow, SatisfactionSurveyRow

METHODS: dict[str, str] = {
    "phone": "Telephone",
    "post": "Post",
    "online": "Online",
    "in_person": "In person",
    "sms": "Text message",
}
QUESTIONS: dict[str, str] = {
    "overall": "Overall service",
    "kept_informed": "Being kept informed",
    "treatment": "Treatment by staff",
    "ease_of_contact": "Ease of contact",
}
SCALE: dict[int, str] = {
    1: "Very dissatisfied",
    2: "Fairly dissatisfied",
    3: "Neither satisfied nor dissatisfied",
    4: "Fairly satisfied",
    5: "Very satisfied",
}
SATISFIED_FROM = 4
"""4 (fairly satisfied) and 5 (very satisfied) count as satisfied."""
WHITE = "White"
MINORITY = "Minority ethnic"
NOT_RECORDED = "Not recorded"
ALL = "All"
OBJECT_TYPE = "satisfaction_survey"
"""The entry kind in the audit trail (audit.ENTRY_TABLES)."""


# --- the White / Minority ethnic aggregate -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EthnicityGroups:
    white: frozenset[str]
    not_recorded: frozenset[str]
    census_2021: tuple[str, ...] = ()
    """The standard labels, in the census's order: what the record's ethnicity field suggests."""

    def aggregate(self, recorded: str | None) -> str:
        """White, Minority ethnic or Not recorded, for an ethnic group as recorded."""
        key = _key(recorded)
        if key in self.not_recorded:
            return NOT_RECORDED
        return WHITE if key in self.white else MINORITY

    def label(self, recorded: str | None) -> str:
        """The group as reported: as recorded, or "Not recorded"."""
        return NOT_RECORDED if _key(recorded) in self.not_recorded else (recorded or "").strip()


def _key(label: str | None) -> str:
    return (label or "").strip().casefold()


@lru_cache(maxsize=1)
def ethnicity_groups() -> EthnicityGroups:
    from vicman.paths import resources_dir

    path = resources_dir() / "ethnicity.toml"
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return EthnicityGroups(
        white=frozenset(_key(label) for label in data.get("white", [])),
        not_recorded=frozenset(_key(label) for label in data.get("not_recorded", [])) | {""},
        census_2021=tuple(data.get("census_2021", [])),
    )


# --- recording ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SurveyView:
    """One survey entry as the victim's record shows it (corrected entries stay visible)."""

    id: int
    crime_ref: str
    person_ref: str
    at: datetime
    method: str
    method_label: str
    overall: int | None
    kept_informed: int | None
    treatment: int | None
    ease_of_contact: int | None
    comments: str | None
    recorded_at: datetime
    recorded_by: str
    corrects_id: int | None
    corrected_by_id: int | None
    """The correction that replaced this entry (None: it stands, unless retracted)."""
    retracted: bool
    correction_reason: str | None

    @property
    def standing(self) -> bool:
        return self.corrected_by_id is None and not self.retracted

    def answers(self) -> dict[str, int | None]:
        return {question: getattr(self, question) for question in QUESTIONS}


@dataclass(frozen=True, slots=True)
class SurveyRecorded:
    id: int
    crime_ref: str
    person_ref: str


def _check_method(method: str) -> str:
    if method not in METHODS:
        raise InvalidInput(f"must be one of {', '.join(METHODS)}, not {method!r}", field="method")
    return method


def _check_score(field: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise InvalidInput(f"must be a whole number from 1 to 5, or not answered; not {value!r}", field=field)
    return value


def _check_scores(scores: dict[str, object]) -> dict[str, int | None]:
    checked = {field: _check_score(field, value) for field, value in scores.items()}
    if all(value is None for value in checked.values()):
        raise InvalidInput("answer at least one question", field="overall")
    return checked


def _moment(ctx: ServiceContext, at: date | datetime) -> datetime:
    """When the victim answered: an aware datetime, or a date (taken as noon that day, London)."""
    if isinstance(at, datetime):
        if at.tzinfo is None:
            raise InvalidInput("must include a time zone (services take aware datetimes)", field="at")
        moment = at
    else:
        if at > ctx.today():
            raise InvalidInput(f"is in the future: {at:%d/%m/%Y}", field="at")
        moment = min(to_utc(datetime.combine(at, time(12), tzinfo=LONDON)), ctx.now())
    if moment > ctx.now() + FUTURE_TOLERANCE:
        raise InvalidInput(f"is in the future: {local_date(moment):%d/%m/%Y}", field="at")
    return moment


def _check_after_report(moment: datetime, reported_at: datetime, crime_ref: str) -> None:
    if local_date(moment) < local_date(reported_at):
        raise InvalidInput(f"is before crime {crime_ref} was reported ({local_date(reported_at):%d/%m/%Y})", field="at")


def record_survey(
    ctx: ServiceContext,
    crime_ref: str,
    person_ref: str,
    *,
    at: date | datetime,
    method: str,
    overall: int | None,
    kept_informed: int | None,
    treatment: int | None,
    ease_of_contact: int | None,
    comments: str | None = None,
) -> SurveyRecorded:
    """Record a victim's answers about one crime: each question 1 (very dissatisfied) to 5 (very
    satisfied) or None (not answered), at least one answered; `at` when they answered (not in the
    future, not before the crime was reported); `method` one of METHODS."""
    _check_method(method)
    scores = _check_scores(
        {"overall": overall, "kept_informed": kept_informed, "treatment": treatment, "ease_of_contact": ease_of_contact}
    )
    moment = _moment(ctx, at)
    comments = _check_note(comments.strip() if comments else None) or None
    permissions.require_on_crime(
        ctx,
        permissions.RECORD_SURVEY,
        crime_ref,
        object_type="person",
        object_id=person_ref,
        detail={"crime": crime_ref, "entry": OBJECT_TYPE},
    )
    with ctx.db.transaction() as session:
        link = _link(session, crime_ref, person_ref)
        reported_at = session.scalar(select(CrimeRow.reported_at).where(CrimeRow.id == link.crime_id))
        assert reported_at is not None
        _check_after_report(moment, reported_at, crime_ref)
        row = SatisfactionSurveyRow(
            link_id=link.id,
            at=moment,
            method=method,
            **scores,
            comments=comments,
            recorded_at=ctx.now(),
            recorded_by=ctx.actor.user,
            retracted=False,
        )
        session.add(row)
        session.flush()
        audit.record(
            ctx,
            session,
            audit.COLLECT,
            OBJECT_TYPE,
            row.id,
            {"crime": crime_ref, "person": person_ref, "method": method},
            entry=row,
        )
        return SurveyRecorded(row.id, crime_ref, person_ref)


_CORRECTABLE = ("at", "method", "overall", "kept_informed", "treatment", "ease_of_contact", "comments")


def correct_survey(
    ctx: ServiceContext, survey_id: int, reason: str, *, retract: bool = False, **changes: Any
) -> SurveyRecorded:
    """Add a correction of a survey entry: the same answers with `changes` (any of at, method, overall,
    kept_informed, treatment, ease_of_contact, comments), or a retraction. The original stays in the
    record, marked as corrected. Only its author may correct it (as for every entry)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("a correction needs a reason", field="reason")
    _check_note(reason)
    unknown = set(changes) - set(_CORRECTABLE)
    if unknown:
        raise InvalidInput(f"cannot be corrected on a survey: {', '.join(sorted(unknown))}", field="changes")
    if "method" in changes:
        _check_method(changes["method"])
    if "comments" in changes:
        changes["comments"] = _check_note(changes["comments"].strip() if changes["comments"] else None) or None
    if "at" in changes:
        changes["at"] = _moment(ctx, changes["at"])
    _require_correction(ctx, survey_id)
    with ctx.db.transaction() as session:
        original = correction_target(session, SatisfactionSurveyRow, "survey", survey_id)
        values = {field: getattr(original, field) for field in _CORRECTABLE} | changes
        if not retract:
            values |= _check_scores({q: values[q] for q in QUESTIONS})
        crime_ref, person_ref, reported_at = session.execute(
            select(CrimeRow.ref, PersonRow.ref, CrimeRow.reported_at)
            .join(CrimePersonRow, CrimePersonRow.crime_id == CrimeRow.id)
            .join(PersonRow, PersonRow.id == CrimePersonRow.person_id)
            .where(CrimePersonRow.id == original.link_id)
        ).one()
        if "at" in changes:
            _check_after_report(values["at"], reported_at, crime_ref)
        values["link_id"] = original.link_id
        row = append_correction(
            ctx, session, SatisfactionSurveyRow, OBJECT_TYPE, survey_id, values, sorted(changes), retract, reason
        )
        return SurveyRecorded(row.id, crime_ref, person_ref)


def _require_correction(ctx: ServiceContext, survey_id: int) -> None:
    with ctx.db.read() as session:
        original = session.get(SatisfactionSurveyRow, survey_id)
        target = permissions.link_target(session, original.link_id) if original is not None else None
        author = original.recorded_by if original is not None else None
    permissions.require(
        ctx,
        permissions.RECORD_SURVEY,
        target,
        object_type=OBJECT_TYPE,
        object_id=survey_id,
        hide_as=f"no survey entry {survey_id}",
    )
    if author is not None:
        permissions.require_author(ctx, permissions.RECORD_SURVEY, author, object_type=OBJECT_TYPE, object_id=survey_id)


def surveys_for(
    ctx: ServiceContext, crime_ref: str, person_ref: str, reason: audit.Reason | None = None
) -> list[SurveyView]:
    """Every survey entry of this victim in this crime, newest first, corrections and the entries they
    replaced alike (the record shows both). Read as part of the victim's record: if this user opened
    the record within the last few minutes, that opening (and its reason) covers this read; otherwise
    it is logged as a consultation of its own, and beyond the user's own cases needs a reason."""
    with ctx.db.read() as session:
        target = permissions.crime_target(session, crime_ref)
        viewing, earlier = records._recent_viewing(ctx, session, person_ref)
    permissions.require(
        ctx,
        permissions.READ_RECORD,
        target,
        object_type="person",
        object_id=person_ref,
        reason=reason or earlier,
        hide_as=f"no crime with reference {crime_ref}",
    )
    newer = aliased(SatisfactionSurveyRow)
    with ctx.db.read() as session:
        link = _link(session, crime_ref, person_ref)
        rows = session.execute(
            select(SatisfactionSurveyRow, newer.id)
            .outerjoin(newer, newer.corrects_id == SatisfactionSurveyRow.id)
            .where(SatisfactionSurveyRow.link_id == link.id)
            .order_by(SatisfactionSurveyRow.at.desc(), SatisfactionSurveyRow.id.desc())
        ).all()
        views = [
            SurveyView(
                id=row.id,
                crime_ref=crime_ref,
                person_ref=person_ref,
                at=row.at,
                method=row.method,
                method_label=METHODS.get(row.method, row.method),
                overall=row.overall,
                kept_informed=row.kept_informed,
                treatment=row.treatment,
                ease_of_contact=row.ease_of_contact,
                comments=row.comments,
                recorded_at=row.recorded_at,
                recorded_by=row.recorded_by,
                corrects_id=row.corrects_id,
                corrected_by_id=corrected_by,
                retracted=row.retracted,
                correction_reason=row.correction_reason,
            )
            for row, corrected_by in rows
        ]
    if not viewing:
        audit.consulted(
            ctx, "person", person_ref, {"crime": crime_ref, "surveys": len(views)}, reason=reason or earlier
        )
    return views


# --- the report ---------------------------------------------------------------------------------


def satisfaction_report(
    ctx: ServiceContext, period_from: date, period_to: date, scope: ReportScope
) -> SatisfactionReport:
    """Satisfaction by ethnic group (as recorded) and in aggregate (White, Minority ethnic, Not recorded,
    All) for the surveys answered in the period (the standing version of each; retracted ones left out)
    about crimes in the scope; with, per question, the white/minority gap, its 95% interval and a
    two-proportion test (None when a group is too small to test)."""
    from vicman.services import reports  # the shared scope, header and period checks

    reports._check_period(period_from, period_to)
    reports._require(ctx, scope, "satisfaction")
    header = reports._header(ctx, "satisfaction", period_from, period_to, scope)
    with ctx.db.read() as session:
        resolved = reports._resolve(session, scope)
        rows = _counts_by_ethnicity(session, resolved.crimes(), period_from, period_to)
    groups = ethnicity_groups()
    by_group: dict[str, dict[str, list[int]]] = {}
    by_aggregate: dict[str, dict[str, list[int]]] = {name: _empty() for name in (WHITE, MINORITY, NOT_RECORDED, ALL)}
    surveys = 0
    for ethnicity, count, *answers in rows:
        surveys += count
        label = groups.label(ethnicity)
        for target in (
            by_group.setdefault(label, _empty()),
            by_aggregate[groups.aggregate(ethnicity)],
            by_aggregate[ALL],
        ):
            for index, question in enumerate(QUESTIONS):
                target[question][0] += int(answers[2 * index])
                target[question][1] += int(answers[2 * index + 1])
    ordered = sorted(by_group, key=lambda g: (g == NOT_RECORDED, groups.aggregate(g) != WHITE, g.lower()))
    report = SatisfactionReport(
        header=header,
        surveys=surveys,
        groups=tuple(_group(label, by_group[label]) for label in ordered),
        aggregates=tuple(_group(name, counts) for name, counts in by_aggregate.items()),
        gaps=tuple(
            _gap(question, by_aggregate[WHITE][question], by_aggregate[MINORITY][question]) for question in QUESTIONS
        ),
    )
    reports._consulted(ctx, header, {"surveys": surveys})
    return report


def _empty() -> dict[str, list[int]]:
    """Question -> [satisfied, answered]."""
    return {question: [0, 0] for question in QUESTIONS}


def _counts_by_ethnicity(session: Session, crimes: list[Any], period_from: date, period_to: date) -> list[Any]:
    """Per recorded ethnicity: surveys, then per question satisfied and answered; counted in SQL."""
    newer = aliased(SatisfactionSurveyRow)
    columns: list[Any] = [PersonRow.ethnicity, func.count(SatisfactionSurveyRow.id)]
    for question in QUESTIONS:
        score = getattr(SatisfactionSurveyRow, question)
        columns.append(func.coalesce(func.sum(case((score >= SATISFIED_FROM, 1), else_=0)), 0))
        columns.append(func.count(score))
    return list(
        session.execute(
            select(*columns)
            .join(CrimePersonRow, CrimePersonRow.id == SatisfactionSurveyRow.link_id)
            .join(CrimeRow, CrimeRow.id == CrimePersonRow.crime_id)
            .join(PersonRow, PersonRow.id == CrimePersonRow.person_id)
            .where(
                *crimes,
                SatisfactionSurveyRow.at >= start_of_local_day(period_from),
                SatisfactionSurveyRow.at < start_of_local_day(period_to + timedelta(days=1)),
                SatisfactionSurveyRow.retracted.is_(False),
                ~exists().where(newer.corrects_id == SatisfactionSurveyRow.id),
            )
            .group_by(PersonRow.ethnicity)
        ).all()
    )


def proportion(satisfied: int, answered: int) -> Proportion:
    """Satisfied of answered, as a percentage with its Wilson 95% interval (one decimal place)."""
    interval = statistics.wilson_interval(satisfied, answered)
    return Proportion(
        satisfied=satisfied,
        answered=answered,
        pct=round(100.0 * satisfied / answered, 1) if answered else None,
        ci_low=round(100.0 * interval.low, 1) if interval else None,
        ci_high=round(100.0 * interval.high, 1) if interval else None,
    )


def _group(name: str, counts: dict[str, list[int]]) -> GroupSatisfaction:
    return GroupSatisfaction(name, {question: proportion(*counts[question]) for question in QUESTIONS})


def _gap(question: str, white_counts: list[int], minority_counts: list[int]) -> GapTest:
    white = proportion(*white_counts)
    minority = proportion(*minority_counts)
    found = statistics.compare(white_counts[0], white_counts[1], minority_counts[0], minority_counts[1])
    points = None if found.difference is None else round(100.0 * found.difference, 1)
    return GapTest(
        question=question,
        white=white,
        minority=minority,
        gap_points=points,
        ci_low=round(100.0 * found.ci.low, 1) if found.ci else None,
        ci_high=round(100.0 * found.ci.high, 1) if found.ci else None,
        p_value=found.p_value,
        significant=found.significant,
        verdict=_verdict(QUESTIONS[question], white, minority, points, found),
    )


def _verdict(
    label: str, white: Proportion, minority: Proportion, points: float | None, found: statistics.Comparison
) -> str:
    """One sentence a manager can read aloud."""
    what = label[0].lower() + label[1:]
    if points is None:
        missing = [name for name, p in (("white", white), ("minority ethnic", minority)) if not p.answered]
        who = "Neither white nor minority ethnic victims" if len(missing) == 2 else f"No {missing[0]} victims"
        return f"{who} answered about {what} in this period: there is nothing to compare."
    assert found.ci is not None
    interval = f"95% CI {100 * found.ci.low:+.1f} to {100 * found.ci.high:+.1f} points"
    if points > 0:
        gap = f"White victims were more satisfied with {what} than minority ethnic victims by {points:.1f} points"
    elif points < 0:
        gap = f"Minority ethnic victims were more satisfied with {what} than white victims by {-points:.1f} points"
    else:
        gap = f"White and minority ethnic victims were equally satisfied with {what}"
    if found.significant is None:
        return (
            f"{gap} ({interval}), but too few answered to test whether that is more than chance "
            f"(white n = {white.answered}, minority ethnic n = {minority.answered}; each group needs at least "
            f"{statistics.MIN_ANSWERS} answers and {statistics.MIN_EXPECTED:g} satisfied and dissatisfied expected)."
        )
    assert found.p_value is not None
    p_text = "p < 0.001" if found.p_value < 0.001 else f"p = {found.p_value:.3f}"
    if found.significant:
        return f"{gap} ({interval}); a difference this large is unlikely to be chance ({p_text})."
    return f"{gap} ({interval}); that is not statistically significant ({p_text}): it may be chance."

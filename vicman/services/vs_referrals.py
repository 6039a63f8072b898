"""The daily Victim Support referral file: who is due a referral, who is held back and why, and the export.

A victim (or a bereaved relative, where the edition gives them the right) is a candidate while their
`vs_referral` duty is pending on the file's date and they have not opted out. A candidate is *included*
unless something holds them back for an officer to sort out:
- the edition needs explicit consent for them (sexual offences, domestic abuse, bereaved relatives in the
  2013 Code onwards: the duty's `consent` is "explicit") and none is recorded (`record_referral_consent`);
- the offence is domestic abuse and no safe contact channel is recorded (`PersonRow.safe_channel`), or the
  safe channel has no detail to use (a safe phone but no phone number).
Whenever a safe channel is recorded, only that channel's detail goes in the file. A victim already
referred for the crime (a standing referral) is never a candidate again. Columns: docs/referral-file.md.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from vicman.domain.enums import ContactMethod, Role
from vicman.rules.localtime import LONDON, end_of_local_day
from vicman.services import audit, auth, permissions
from vicman.services.context import ServiceContext
from vicman.services.derivation import rederive_links
from vicman.services.entries import _check_moment, _link
from vicman.services.errors import InvalidInput, ServiceError
from vicman.store.tables import (
    CrimePersonRow,
    CrimeRow,
    DetailChangeRow,
    ObligationRow,
    OfficerRow,
    PersonRow,
    ReferralRow,
)

SERVICE = "Victim Support"
RULE = "vs_referral"
DOMESTIC_ABUSE = "domestic_abuse"
REFERRED_ROLES = (Role.VICTIM.value, Role.BEREAVED_RELATIVE.value)
ROLE_WORDS = {Role.PARENT_GUARDIAN.value: "parent or guardian", Role.BUSINESS_CONTACT.value: "business's named contact"}
CONSENT_FIELD = "vs_consent"
"""Explicit consent is a dated detail of the victim's link to the crime (a `detail_change` row, append-only)."""
CONSENT_GIVEN, CONSENT_REFUSED = "given", "refused"
HELD_CONSENT = "held: needs explicit consent"
HELD_REFUSED = "held: explicit consent refused"
HELD_NO_CHANNEL = "held: no safe contact channel"

COLUMNS = (
    "referral_date",
    "crime_ref",
    "offence",
    "offence_class",
    "reported_at",
    "victim_ref",
    "role",
    "name",
    "dob",
    "phone",
    "email",
    "address",
    "language",
    "interpreter_needed",
    "preferred_method",
    "safe_channel",
    "safe_times",
    "may_leave_messages",
    "enhanced_reasons",
    "consent",
    "oic_name",
    "oic_email",
    "division",
)
"""The file's columns, in order (documented in docs/referral-file.md)."""
CHANNEL_FIELD = {
    ContactMethod.PHONE.value: "phone",
    ContactMethod.SMS.value: "phone",
    ContactMethod.EMAIL.value: "email",
    ContactMethod.LETTER.value: "address",
    ContactMethod.VISIT.value: "address",
}
"""The one contact detail a safe channel uses; the other details are left out of the file."""
_FORMULA = re.compile(r"^[=+\-@\t\r]")
_NUMBER_LIKE = re.compile(r"^[+\-]?[\d\s().\-]+$")


@dataclass(frozen=True)
class Candidate:
    """A victim due a referral on the file's date: included in the file, or held with the reasons."""

    crime_ref: str
    person_ref: str
    name: str
    role: str
    division: str
    offence: str
    due: date
    status: str
    """`open` or `overdue` on the file's date."""
    consent: str
    """What the edition needs: `opt_out` or `explicit`."""
    consent_recorded: str | None
    """`given`, `refused`, or None when nobody has asked."""
    domestic_abuse: bool
    safe_channel: str | None
    included: bool
    reasons: tuple[str, ...]

    @property
    def why(self) -> str:
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    exported: tuple[Candidate, ...]
    held: tuple[Candidate, ...]


@dataclass(frozen=True)
class ConsentRecorded:
    crime_ref: str
    person_ref: str
    consent: str
    at: datetime


@dataclass(frozen=True)
class _Due:
    candidate: Candidate
    link_id: int
    row: dict[str, str]


# --- who is due ---------------------------------------------------------------------------------


def referral_candidates(ctx: ServiceContext, as_of: date, division: str | None = None) -> list[Candidate]:
    """Everyone due a Victim Support referral on `as_of` (in `division`), included or held, by crime and victim."""
    _require(ctx, division)
    with ctx.db.read() as session:
        found = [due.candidate for due in _due(ctx, session, as_of, division)]
    audit.consulted(
        ctx,
        "referral_file",
        f"division:{division}" if division else "all",
        {
            "as_of": as_of.isoformat(),
            "included": sum(c.included for c in found),
            "held": sum(not c.included for c in found),
        },
    )
    return found


def _require(ctx: ServiceContext, division: str | None) -> None:
    target = permissions.Target(division=division) if division else None
    permissions.require(
        ctx,
        permissions.EXPORT_REFERRALS,
        target,
        object_type="referral_file",
        object_id=f"division:{division}" if division else "all",
    )


def _due(ctx: ServiceContext, session: Session, as_of: date, division: str | None) -> list[_Due]:
    oic = aliased(OfficerRow)
    newer = aliased(ReferralRow)
    referred = exists().where(
        ReferralRow.link_id == ObligationRow.link_id,
        ReferralRow.retracted.is_(False),
        ~exists().where(newer.corrects_id == ReferralRow.id),
    )
    query = (
        select(ObligationRow, CrimePersonRow, CrimeRow, PersonRow, oic.name, oic.email)
        .join(CrimePersonRow, CrimePersonRow.id == ObligationRow.link_id)
        .join(CrimeRow, CrimeRow.id == ObligationRow.crime_id)
        .join(PersonRow, PersonRow.id == ObligationRow.person_id)
        .outerjoin(oic, oic.id == CrimeRow.oic_id)
        .where(
            ObligationRow.rule == RULE,
            ObligationRow.state == "pending",
            ObligationRow.trigger_date <= as_of,
            CrimePersonRow.vs_opt_out.is_(False),
            ~referred,
        )
        .order_by(CrimeRow.ref, PersonRow.ref)
    )
    if division:
        query = query.where(ObligationRow.division == division)
    rows = session.execute(query).all()
    consents = _consents(session, [duty.link_id for duty, *_ in rows if duty.consent == "explicit"], as_of)
    found = []
    for duty, link, crime, person, oic_name, oic_email in rows:
        classes = ctx.code.offences.classify(crime.offence)
        consent = "explicit" if duty.consent == "explicit" else "opt_out"
        recorded = consents.get(link.id)
        domestic = DOMESTIC_ABUSE in classes
        channel = person.safe_channel if person.safe_channel in CHANNEL_FIELD else None
        details = {"phone": person.phone or "", "email": person.email or "", "address": person.address or ""}
        held = []
        if link.role not in REFERRED_ROLES:
            who = ROLE_WORDS.get(link.role, link.role.replace("_", " "))
            held.append(f"held: a {who} is referred by hand, not by the daily file")
        if consent == "explicit" and recorded != CONSENT_GIVEN:
            held.append(HELD_REFUSED if recorded == CONSENT_REFUSED else HELD_CONSENT)
        if domestic and channel is None:
            held.append(HELD_NO_CHANNEL)
        if channel is not None:
            field = CHANNEL_FIELD[channel]
            if not details[field]:
                held.append(f"held: no {field} recorded for the safe channel ({channel})")
            details = {key: value if key == field else "" for key, value in details.items()}
        included = not held
        reasons = tuple(held) if held else _included_because(consent, domestic, channel)
        candidate = Candidate(
            crime_ref=crime.ref,
            person_ref=person.ref,
            name=person.name,
            role=link.role,
            division=crime.division,
            offence=crime.offence,
            due=duty.due,
            status="overdue" if duty.due < as_of else "open",
            consent=consent,
            consent_recorded=recorded,
            domestic_abuse=domestic,
            safe_channel=channel,
            included=included,
            reasons=reasons,
        )
        row = {
            "referral_date": as_of.isoformat(),
            "crime_ref": crime.ref,
            "offence": crime.offence,
            "offence_class": ";".join(sorted(classes)),
            "reported_at": crime.reported_at.astimezone(LONDON).isoformat(),
            "victim_ref": person.ref,
            "role": link.role,
            "name": person.name,
            "dob": person.dob.isoformat() if person.dob else "",
            **details,
            "language": person.language or "",
            "interpreter_needed": _yes_no(person.interpreter_needed),
            "preferred_method": channel or person.preferred_method or "",
            "safe_channel": channel or "",
            "safe_times": person.safe_times or "",
            "may_leave_messages": _yes_no(person.may_leave_messages),
            "enhanced_reasons": duty.enhanced_reasons,
            "consent": consent,
            "oic_name": oic_name or "",
            "oic_email": oic_email or "",
            "division": crime.division,
        }
        found.append(_Due(candidate, link.id, row))
    return found


def _included_because(consent: str, domestic: bool, channel: str | None) -> tuple[str, ...]:
    reasons = ["included: explicit consent given" if consent == "explicit" else "included: has not opted out"]
    if channel is not None:
        reasons.append(f"only the safe channel ({channel}) is sent" + (" (domestic abuse)" if domestic else ""))
    return tuple(reasons)


def _consents(session: Session, link_ids: Sequence[int], as_of: date | None) -> dict[int, str]:
    """The latest consent answer recorded for each link by the end of `as_of` (None: the latest of all)."""
    latest: dict[int, str] = {}
    for start in range(0, len(link_ids), 1000):
        query = (
            select(DetailChangeRow.object_id, DetailChangeRow.after)
            .where(
                DetailChangeRow.object_type == "link",
                DetailChangeRow.field == CONSENT_FIELD,
                DetailChangeRow.object_id.in_(link_ids[start : start + 1000]),
            )
            .order_by(DetailChangeRow.at, DetailChangeRow.id)
        )
        if as_of is not None:
            query = query.where(DetailChangeRow.at <= end_of_local_day(as_of))
        for link_id, after in session.execute(query):
            latest[link_id] = after or ""
    return latest


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


# --- consent ------------------------------------------------------------------------------------


def record_referral_consent(
    ctx: ServiceContext, crime_ref: str, person_ref: str, given: bool, at: datetime | None = None
) -> ConsentRecorded:
    """Record the victim's answer when asked for explicit consent to a Victim Support referral.

    The answer is kept as a dated before/after detail of the victim's link to the crime (shown on the
    record's timeline); the latest answer by the file's date decides whether the victim is exported.
    """
    moment = _check_moment(ctx, at or ctx.now())
    permissions.require_on_crime(
        ctx,
        permissions.WRITE_ENTRY,
        crime_ref,
        object_type="person",
        object_id=person_ref,
        detail={"crime": crime_ref, "entry": "referral consent"},
    )
    answer = CONSENT_GIVEN if given else CONSENT_REFUSED
    with ctx.db.transaction() as session:
        link = _link(session, crime_ref, person_ref)
        before = _consents(session, [link.id], None).get(link.id)
        session.add(
            DetailChangeRow(
                object_type="link",
                object_id=link.id,
                field=CONSENT_FIELD,
                before=before,
                after=answer,
                at=moment,
                by=ctx.actor.user,
                source="referral consent",
            )
        )
        detail = {"crime": crime_ref, "person": person_ref, "consent": answer, "at": moment.isoformat()}
        audit.record(ctx, session, audit.COLLECT, "referral_consent", f"{crime_ref}/{person_ref}", detail)
    return ConsentRecorded(crime_ref, person_ref, answer, moment)


# --- the export ---------------------------------------------------------------------------------


def export_referral_file(
    ctx: ServiceContext, as_of: date, path: str | Path, division: str | None = None
) -> ExportResult:
    """Write the day's referral file and record a referral for everyone in it, all or nothing.

    The file is written to a temporary file beside `path` inside the transaction that records the
    referrals (meeting `vs_referral`) and audits one disclosure to Victim Support; it is renamed to
    `path` only after that commits. If writing fails nothing is recorded; if recording fails the
    temporary file is removed. An existing file is never overwritten. A victim in one file is never
    in another: their standing referral takes them out.
    """
    path = Path(path)
    if as_of > ctx.today():
        raise InvalidInput(f"is in the future: {as_of.isoformat()}", field="as_of")
    _require(ctx, division)
    auth.require_fresh_authentication(ctx)
    if path.exists():
        raise InvalidInput("already exists; a referral file is never overwritten: choose a new name", file=str(path))
    if not path.parent.is_dir():
        raise InvalidInput("the folder for the referral file does not exist", file=str(path))
    temporary: Path | None = None
    try:
        with ctx.db.transaction() as session:
            due = _due(ctx, session, as_of, division)
            included = [d for d in due if d.candidate.included]
            temporary = _write_temporary(path, (d.row for d in included))
            _record(ctx, session, included, path.name, as_of, division)
    except BaseException:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise
    assert temporary is not None
    try:
        os.replace(temporary, path)
    except OSError as exc:
        raise ServiceError(
            f"The referrals were recorded, but the file could not be named {path} ({exc.strerror}); "
            f"it is at {temporary}: rename it by hand."
        ) from exc
    return ExportResult(
        path,
        tuple(d.candidate for d in included),
        tuple(d.candidate for d in due if not d.candidate.included),
    )


def _write_temporary(path: Path, rows: Iterable[dict[str, str]]) -> Path:
    """The file's content in a new file beside `path` (readable by its owner only), flushed to disk."""
    try:
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise InvalidInput(
            f"cannot write the referral file ({exc.strerror}); nothing was recorded", file=str(path)
        ) from exc
    temporary = Path(name)
    try:
        with open(handle, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(COLUMNS)
            for row in rows:
                writer.writerow([_cell(row[column]) for column in COLUMNS])
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise InvalidInput(
            f"cannot write the referral file ({exc.strerror}); nothing was recorded", file=str(path)
        ) from exc
    return temporary


def _cell(value: str) -> str:
    """A value a spreadsheet will not run as a formula: a leading = + - @ gets a quote, numbers stay as they are."""
    if _FORMULA.match(value) and not _NUMBER_LIKE.match(value):
        return "'" + value
    return value


def _record(
    ctx: ServiceContext, session: Session, included: Sequence[_Due], name: str, as_of: date, division: str | None
) -> None:
    """One referral per victim in the file, then one disclosure.

    Each referral is written as `entries.save_entry` writes the one `entries.record_referral` makes (the
    entry, its audit record carrying the entry's digest, the victim's duties re-derived, so `vs_referral`
    is met), for all of them at once: a day's file can hold hundreds of victims.
    """
    if not included:
        return
    rows = [
        ReferralRow(
            link_id=due.link_id,
            at=ctx.now(),
            service=SERVICE,
            consent=due.candidate.consent,
            note=f"Daily referral file {name}",
            recorded_at=ctx.now(),
            recorded_by=ctx.actor.user,
            retracted=False,
        )
        for due in included
    ]
    session.add_all(rows)
    session.flush()
    audit.record_many(
        ctx,
        session,
        audit.COLLECT,
        "referral",
        [
            (row.id, {"crime": due.candidate.crime_ref, "person": due.candidate.person_ref, "file": name})
            for row, due in zip(rows, included, strict=True)
        ],
        entries=[audit.entry_values(row) for row in rows],
    )
    rederive_links(ctx, session, [due.link_id for due in included])
    audit.record(
        ctx,
        session,
        audit.DISCLOSE,
        "referral_file",
        name,
        {
            "file": name,
            "as_of": as_of.isoformat(),
            "division": division,
            "people": sorted({d.candidate.person_ref for d in included}),
            "referrals": [f"{d.candidate.crime_ref}/{d.candidate.person_ref}" for d in included],
        },
        recipients=[SERVICE],
    )


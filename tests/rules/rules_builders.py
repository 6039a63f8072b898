"""Small builders shared by the rules tests (imported as a plain module from tests/rules)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from vicman.domain import (
    CaseFacts,
    ContactFact,
    ContactMethod,
    EventFact,
    EventType,
    Obligation,
    Outcome,
    ReferralFact,
    Role,
    WaiverFact,
)


def utc(y: int, m: int, d: int, hh: int = 10, mm: int = 0, ss: int = 0) -> datetime:
    """An aware UTC instant (what the store hands the engine)."""
    return datetime(y, m, d, hh, mm, ss, tzinfo=UTC)


def event(id_: int, type_: str | EventType, at: datetime) -> EventFact:
    return EventFact(id=id_, type=EventType(type_), at=at)


def informed(id_: int, at: datetime, method: ContactMethod = ContactMethod.PHONE) -> ContactFact:
    return ContactFact(id=id_, at=at, outcome=Outcome.INFORMED, method=method)


def no_contact(id_: int, at: datetime) -> ContactFact:
    return ContactFact(id=id_, at=at, outcome=Outcome.NO_CONTACT, method=ContactMethod.PHONE)


def referral(id_: int, at: datetime) -> ReferralFact:
    return ReferralFact(id=id_, at=at)


def waiver(
    id_: int, key: str, at: datetime, reason: str = "Victim cannot be traced", by: str = "PC 1234"
) -> WaiverFact:
    return WaiverFact(id=id_, obligation_key=key, reason=reason, by=by, at=at)


def facts(
    reported_at: datetime,
    *,
    offence: str = "Burglary - dwelling",
    role: Role | str = Role.VICTIM,
    dob: date | None = None,
    reasons: Iterable[str] = (),
    events: Iterable[EventFact] = (),
    contacts: Iterable[ContactFact] = (),
    referrals: Iterable[ReferralFact] = (),
    waivers: Iterable[WaiverFact] = (),
    **extra: object,
) -> CaseFacts:
    return CaseFacts(
        crime_ref="CR/1",
        person_ref="V1",
        offence=offence,
        reported_at=reported_at,
        role=Role(role),
        dob=dob,
        explicit_reasons=frozenset(reasons),
        events=tuple(events),
        contacts=tuple(contacts),
        referrals=tuple(referrals),
        waivers=tuple(waivers),
        **extra,  # type: ignore[arg-type]
    )


def by_key(obligations: Iterable[Obligation]) -> dict[str, Obligation]:
    """Obligations keyed by `<rule>@<key>`; fails if one is listed twice."""
    found: dict[str, Obligation] = {}
    for o in obligations:
        name = f"{o.rule}@{o.key}"
        assert name not in found, f"duplicate obligation {name}"
        found[name] = o
    return found


def rules_of(obligations: Iterable[Obligation]) -> set[str]:
    return {o.rule for o in obligations}


def updates(obligations: Iterable[Obligation]) -> list[Obligation]:
    return sorted((o for o in obligations if o.rule == "update"), key=lambda o: int(o.key.split(":")[1]))


def reason_codes(obligation: Obligation) -> set[str]:
    return {r.code for r in obligation.enhanced_reasons}

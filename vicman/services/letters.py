"""Letters to victims: everything needed to fill one, and recording that letters were sent.

`letter_data` reads what a letter says (the victim's name and address, the crime, the officer in
the case, the victim's rights under the edition in force) and audits that read; the letter itself
is filled by `vicman.documents.letters` (`LetterData.html`) and put on paper by the GUI
(`vicman.gui.pdf`). `record_letters` records, for each victim, a contact entry (method `letter`)
and a disclosure in the audit trail naming the recipient, in one transaction.

Safety (DESIGN.md, "safe-contact guardrails"): no letter is recorded for a victim whose recorded safe
channel is not `letter`, nor for a victim of domestic abuse with no safe channel recorded; the
preview shows why (`LetterData.warning`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from vicman.documents import letters as documents
from vicman.documents.letters import LANGUAGES, LetterTemplate, MissingLetterField, language_for
from vicman.rules.enhanced import enhanced_reasons
from vicman.rules.localtime import end_of_local_day, local_date
from vicman.services import audit, auth, entries, permissions
from vicman.services.context import ServiceContext
from vicman.services.entries import Recorded
from vicman.services.errors import InvalidInput, NotFound, ServiceError
from vicman.store.facts import link_for, load_link_facts
from vicman.store.tables import ContactEntryRow, CrimePersonRow, CrimeRow, ObligationRow, OfficerRow, PersonRow

__all__ = [
    "LANGUAGES",
    "LetterData",
    "LetterItem",
    "MissingLetterField",
    "Recorded",
    "language_for",
    "letter_data",
    "letterhead_path",
    "letters_data",
    "record_letters",
    "templates",
]

DOMESTIC_ABUSE = "domestic_abuse"
EXTRA_FIELDS = frozenset({"officer_text"})
"""What the officer may add to a letter beyond what vicman reads from the record."""
CHANNEL_WORDS = {"phone": "telephone", "sms": "text message", "email": "email", "visit": "a visit"}


def templates() -> tuple[LetterTemplate, ...]:
    """The letters there are (acknowledgement, progress update, outcome, we tried to reach you)."""
    return tuple(documents.default_book().templates)


def letterhead_path() -> Path:
    return documents.default_book().letterhead


@dataclass(frozen=True)
class LetterData:
    """Everything that fills one letter to one victim about one crime. `html()` fills the template."""

    crime_ref: str
    person_ref: str
    template: str
    language: str
    recorded_language: str | None
    """The person's language as recorded (the letter's language follows it unless overridden)."""
    victim_name: str
    address: str | None
    offence: str
    reported_on: date
    letter_date: date
    oic_name: str
    oic_email: str | None
    oic_phone: str
    edition: str
    edition_title: str
    enhanced: bool
    extra: tuple[tuple[str, str], ...] = ()
    warning: str | None = None
    """Why this letter must not be sent (safe-contact guardrails); None when it may."""

    @property
    def rights(self) -> tuple[str, ...]:
        """The victim's rights under the edition in force, in the letter's language."""
        return documents.default_book().rights_for(self.edition, self.language, self.enhanced)

    @property
    def title(self) -> str:
        return documents.default_book().template(self.template).title_in(self.language)

    @property
    def recipient(self) -> str:
        """Who the letter goes to, as the audit trail records it: name and postal address."""
        return _recipient(self.victim_name, self.address)

    def choose(
        self, template: str | None = None, language: str | None = None, extra: Mapping[str, str] | None = None
    ) -> LetterData:
        """The same victim's letter as another template, language or officer's text (no database read)."""
        chosen = replace(
            self,
            template=template or self.template,
            language=language or self.language,
            extra=_extra(extra) if extra is not None else self.extra,
        )
        _check_choice(chosen.template, chosen.language)
        return chosen

    def fields(self) -> dict[str, documents.FieldValue]:
        values = documents.letter_fields(
            self.language,
            victim_name=self.victim_name,
            crime_ref=self.crime_ref,
            offence=self.offence,
            reported_on=self.reported_on,
            letter_date=self.letter_date,
            oic_name=self.oic_name,
            oic_email=self.oic_email,
            oic_phone=self.oic_phone,
            address=self.address,
            edition=self.edition,
            enhanced=self.enhanced,
        )
        values.update(dict(self.extra))
        return values

    def html(self) -> str:
        """The filled letter (HTML); MissingLetterField if the template needs something not given."""
        return documents.render_html(self.template, self.language, self.fields())


@dataclass(frozen=True)
class LetterItem:
    """One letter to record: which victim in which crime, which template, which language (None: theirs)."""

    crime_ref: str
    person_ref: str
    template: str
    language: str | None = None


# --- reading --------------------------------------------------------------------------------------


def letter_data(
    ctx: ServiceContext,
    crime_ref: str,
    person_ref: str,
    template: str,
    language: str | None = None,
    extra: Mapping[str, str] | None = None,
) -> LetterData:
    """What a letter to this victim about this crime says. `language`: `en` or `cy`, or None for the
    person's recorded language (Welsh/Cymraeg gives `cy`). `extra`: the officer's text (`officer_text`).

    Needs WRITE_ENTRY on the crime (a letter is written to be recorded); the read is audited as a
    consultation of the person's record.
    """
    _check_choice(template, language)
    extra_fields = _extra(extra)
    _require(ctx, crime_ref, person_ref)
    with ctx.db.read() as session:
        data = _read(ctx, session, crime_ref, person_ref, template, language, extra_fields)
    audit.consulted(ctx, "person", person_ref, {"crime": crime_ref, "letter": template, "language": data.language})
    return data


def letters_data(
    ctx: ServiceContext,
    victims: Sequence[tuple[str, str]],
    template: str,
    language: str | None = None,
    extra: Mapping[str, str] | None = None,
) -> list[LetterData]:
    """`letter_data` for several (crime, person) pairs: the bureau's letters for the selected victims."""
    if not victims:
        raise InvalidInput("choose at least one victim", field="victims")
    return [letter_data(ctx, crime_ref, person_ref, template, language, extra) for crime_ref, person_ref in victims]


def _read(
    ctx: ServiceContext,
    session: Session,
    crime_ref: str,
    person_ref: str,
    template: str,
    language: str | None,
    extra: tuple[tuple[str, str], ...],
) -> LetterData:
    link, crime, person = _rows(session, crime_ref, person_ref)
    officer = session.get(OfficerRow, crime.oic_id) if crime.oic_id else None
    if officer is None:
        raise InvalidInput(
            f"crime {crime_ref} has no officer in the case: assign one before writing to the victim", field="oic"
        )
    today = ctx.today()
    edition = ctx.code.edition_for(today) or ctx.code.editions[-1]
    (facts,) = load_link_facts(session, [link.id])
    explicit = facts.facts.explicit_reasons_at(end_of_local_day(today))
    enhanced = bool(enhanced_reasons(edition, facts.facts, today, ctx.code.offences, explicit))
    return LetterData(
        crime_ref=crime.ref,
        person_ref=person.ref,
        template=template,
        language=language or language_for(person.language),
        recorded_language=person.language,
        victim_name=person.name,
        address=person.address,
        offence=crime.offence,
        reported_on=local_date(crime.reported_at),
        letter_date=today,
        oic_name=officer.name,
        oic_email=officer.email,
        oic_phone=documents.default_book().phone,
        edition=edition.id,
        edition_title=edition.title,
        enhanced=enhanced,
        extra=extra,
        warning=_unsafe(ctx, person, crime),
    )


# --- recording ------------------------------------------------------------------------------------


def record_letters(
    ctx: ServiceContext, items: Sequence[LetterItem | tuple[str, str, str, str | None]], at: datetime
) -> list[Recorded]:
    """Record letters sent (printed or saved to PDF) at `at`: for each victim, a contact entry and a
    disclosure in the audit trail naming the recipient (name and address). All in one transaction:
    either every letter is recorded or none is.

    The contact entry: method `letter`; note naming the template and language; outcome from the
    template (letters.toml). A letter that carries news (acknowledgement, progress update, outcome) is
    `informed`, and meets only the duties that kind of letter can meet (`meets`: an update meets the
    periodic `update` duty, an outcome letter also the outcome notifications); every other pending
    duty is listed as not met, as the officer would untick it, because an acknowledgement does not
    tell the victim about an arrest. "We tried to reach you" is recorded as `no_contact`: the letter
    is information sent (so the disclosure is audited like any other), but it carries no news of the
    case, only a request to get in touch, so it must not meet any duty - it is one more attempt.

    Letters for more than one victim at once are a bulk action: the password must have been given
    within the last few minutes (`auth.require_fresh_authentication`), checked before anything else.
    Each victim needs WRITE_ENTRY on their crime (as `entries.record_contact`). A victim whose recorded
    safe channel is not `letter`, or a victim of domestic abuse with no safe channel, refuses the
    whole batch (nothing is recorded; the message names them).
    """
    letters = [_item(item) for item in items]
    if not letters:
        raise InvalidInput("choose at least one letter to record", field="letters")
    if len({(i.crime_ref, i.person_ref) for i in letters}) > 1:
        auth.require_fresh_authentication(ctx)
    if at.tzinfo is None:
        raise InvalidInput("must include a time zone (services take aware datetimes)", field="at")
    if at > ctx.now() + entries.FUTURE_TOLERANCE:
        raise InvalidInput(f"is in the future: {at.isoformat()}", field="at")
    for item in letters:
        _check_choice(item.template, item.language)
        _require(ctx, item.crime_ref, item.person_ref)
    book = documents.default_book()
    with ctx.db.transaction() as session:
        done = []
        for item in letters:
            link, crime, person = _rows(session, item.crime_ref, item.person_ref)
            unsafe = _unsafe(ctx, person, crime)
            if unsafe:
                raise ServiceError(f"No letters were recorded. {person.name} ({person.ref}, {crime.ref}): {unsafe}")
            template = book.template(item.template)
            language = item.language or language_for(person.language)
            outcome = template.outcome
            not_meeting = _not_met(ctx, session, link.id, at, template) if outcome == "informed" else []
            note = f"Letter: {template.title} ({book.languages[language].name}, template {template.id}.{language})"
            row = ContactEntryRow(
                link_id=link.id,
                at=at,
                method="letter",
                outcome=outcome,
                note=note,
                on_behalf_of_id=None,
                not_meeting=";".join(not_meeting) or None,
                recorded_at=ctx.now(),
                recorded_by=ctx.actor.user,
                retracted=False,
            )
            detail = {"outcome": outcome, "letter": template.id, "language": language}
            recorded = entries.save_entry(
                ctx, session, row, "contact", audit.COLLECT, link.id, crime.ref, person.ref, detail
            )
            audit.record(
                ctx,
                session,
                audit.DISCLOSE,
                "letter",
                row.id,
                {"crime": crime.ref, "person": person.ref, "letter": template.id, "language": language},
                recipients=[_recipient(person.name, person.address)],
            )
            done.append(recorded)
        return done


# --- helpers --------------------------------------------------------------------------------------


def _require(ctx: ServiceContext, crime_ref: str, person_ref: str) -> None:
    """WRITE_ENTRY about a victim in a crime, measured on the crime (as for a contact)."""
    permissions.require_on_crime(
        ctx,
        permissions.WRITE_ENTRY,
        crime_ref,
        object_type="person",
        object_id=person_ref,
        detail={"crime": crime_ref, "entry": "letter"},
    )


def _rows(session: Session, crime_ref: str, person_ref: str) -> tuple[CrimePersonRow, CrimeRow, PersonRow]:
    link = link_for(session, crime_ref, person_ref)
    if link is None:
        if session.scalar(select(CrimeRow.id).where(CrimeRow.ref == crime_ref)) is None:
            raise NotFound(f"no crime with reference {crime_ref}")
        raise NotFound(f"no victim {person_ref} in crime {crime_ref}")
    crime = session.get(CrimeRow, link.crime_id)
    person = session.get(PersonRow, link.person_id)
    assert crime is not None and person is not None
    return link, crime, person


def _not_met(ctx: ServiceContext, session: Session, link_id: int, at: datetime, template: LetterTemplate) -> list[str]:
    """Keys of the pending duties an informed contact at `at` would meet but this kind of letter does not."""
    rules = {r.id: r for e in ctx.code.editions for r in e.rules}
    rows = session.execute(
        select(ObligationRow.key, ObligationRow.rule).where(
            ObligationRow.link_id == link_id, ObligationRow.state == "pending", ObligationRow.trigger_at <= at
        )
    ).all()
    return sorted(
        key
        for key, rule in rows
        if rule in rules and rules[rule].met_by == "informed_contact" and rule not in template.meets
    )


def _unsafe(ctx: ServiceContext, person: PersonRow, crime: CrimeRow) -> str | None:
    """Why a letter to this person's address may not be safe (None: nothing says so)."""
    channel = person.safe_channel
    if channel and channel != "letter":
        return (
            f"the victim has said the safe way to contact them is by {CHANNEL_WORDS.get(channel, channel)}, "
            "so a letter to their address may not be safe. Contact them that way instead."
        )
    if not channel and DOMESTIC_ABUSE in ctx.code.offences.classify(crime.offence):
        return (
            "this is a domestic abuse case and no safe contact channel is recorded. Ask the victim first, and "
            "record letter as their safe channel (Edit details) before sending a letter."
        )
    return None


def _recipient(name: str, address: str | None) -> str:
    lines = documents.address_lines(address)
    return f"{name}, {', '.join(lines)}" if lines else f"{name} (no postal address recorded)"


def _check_choice(template: str, language: str | None) -> None:
    known = [t.id for t in documents.default_book().templates]
    if template not in known:
        raise InvalidInput(f"must be one of {', '.join(known)}, not {template!r}", field="template")
    if language is not None and language not in LANGUAGES:
        raise InvalidInput(f"must be one of {', '.join(LANGUAGES)}, not {language!r}", field="language")


def _extra(extra: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    values = dict(extra or {})
    unknown = sorted(set(values) - EXTRA_FIELDS)
    if unknown:
        raise InvalidInput(f"cannot be set by hand: {', '.join(unknown)}", field="extra")
    for name, value in values.items():
        if not isinstance(value, str):
            raise InvalidInput("must be text", field=name)
        if len(value) > entries.MAX_NOTE_CHARS:
            raise InvalidInput(f"is longer than {entries.MAX_NOTE_CHARS:,} characters", field=name)
    return tuple(sorted((k, v) for k, v in values.items() if v.strip()))


def _item(item: LetterItem | tuple[str, str, str, str | None]) -> LetterItem:
    if isinstance(item, LetterItem):
        return item
    crime_ref, person_ref, template, language = item
    return LetterItem(crime_ref, person_ref, template, language)

"""Letters as a service (issue 5, item 6): the data that fills a letter, and recording letters as contact
entries (method letter) with a disclosure in the audit trail naming the recipient.

(Named test_letters_service.py: tests/documents/test_letters.py has the plain name, and the test folders
are not packages.)

Crimes are reported on Monday 16/11/2026; now is Thursday 26/11/2026 09:00.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from vicman.services import entries, importing, letters, queries
from vicman.services.auth import ReauthenticationRequired
from vicman.services.context import Actor
from vicman.services.errors import InvalidInput, NotFound, ServiceError
from vicman.services.letters import LetterItem, MissingLetterField
from vicman.store.tables import AuditRow, ContactEntryRow

FIXED_NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
AT = datetime(2026, 11, 26, 8, 30, tzinfo=UTC)
ROWS = [
    # CR-1: Siân (Welsh, standard), Tom (English, vulnerable).
    dict(crime_ref="CR-1", victim_ref="V-1", victim_name="Siân O'Brien <script>",
         victim_address="1 High Street\nPreston\nPR1 1AA", victim_language="Welsh"),
    dict(crime_ref="CR-1", victim_ref="V-2", victim_name="Tom Price", victim_dob="2012-02-03",
         enhanced_reasons="vulnerable", victim_language="English", victim_address="2 Low Road, Preston"),
    # CR-2: domestic abuse, no safe channel recorded.
    dict(crime_ref="CR-2", offence="Assault (domestic)", victim_ref="V-3", victim_name="Dee Hall",
         victim_address="3 Mill Lane, Preston"),
    # CR-3: the victim's safe channel is the phone.
    dict(crime_ref="CR-3", offence="Criminal damage", victim_ref="V-4", victim_name="Sam Ray",
         victim_address="4 Church Street, Preston", victim_safe_channel="phone"),
    # CR-4: domestic abuse, letter recorded as safe.
    dict(crime_ref="CR-4", offence="Assault (domestic)", victim_ref="V-5", victim_name="Ann Lee",
         victim_address="5 Park Road, Preston", victim_safe_channel="letter"),
    # CR-5: South division, another officer.
    dict(crime_ref="CR-5", division="South", oic_id="P200", oic_name="PC Ray Khan",
         oic_email="ray.khan@police.example.uk", victim_ref="V-6", victim_name="Bo Chan",
         victim_address="6 Quay, Lancaster"),
]  # fmt: skip


@pytest.fixture
def lctx(ctx, make_csv, crime_rows):
    rows = [crime_rows(**row) for row in ROWS]
    header = list(dict.fromkeys(key for row in rows for key in row))
    importing.import_crimes(ctx, make_csv(rows, header=header))
    return ctx


def contacts(ctx) -> list[ContactEntryRow]:
    with ctx.db.read() as session:
        rows = list(session.scalars(select(ContactEntryRow).order_by(ContactEntryRow.id)))
        session.expunge_all()
        return rows


def audits(ctx, action: str) -> list[AuditRow]:
    with ctx.db.read() as session:
        rows = list(session.scalars(select(AuditRow).where(AuditRow.action == action).order_by(AuditRow.seq)))
        session.expunge_all()
        return rows


def status(ctx, victim: str, rule: str, crime: str = "CR-1") -> str:
    """The statuses of the victim's duties of `rule`, oldest first, joined with "," ("met,open")."""
    found = queries.obligations_as_of(ctx, date(2026, 11, 26), crime_ref=crime, victim_ref=victim)
    return ",".join(v.status.value for v in found if v.rule == rule)


def bureau(ctx, fresh: bool) -> None:
    ctx.actor = Actor("bea.bureau", "test-host", roles=frozenset({"bureau"}), division="North")
    ctx.authenticated_at = FIXED_NOW - timedelta(minutes=1 if fresh else 60)


# --- what fills a letter -----------------------------------------------------------------------------


def test_letter_data_has_everything_a_letter_needs_and_follows_the_recorded_language(lctx) -> None:
    data = letters.letter_data(lctx, "CR-1", "V-1", "acknowledgement")
    assert (data.victim_name, data.address) == ("Siân O'Brien <script>", "1 High Street\nPreston\nPR1 1AA")
    assert (data.crime_ref, data.offence, data.reported_on) == ("CR-1", "Theft of pedal cycle", date(2026, 11, 16))
    assert (data.oic_name, data.oic_email, data.oic_phone) == ("PC Jane Jones", "jane.jones@police.example.uk", "101")
    assert (data.edition, data.enhanced, data.letter_date) == ("2021", False, date(2026, 11, 26))
    assert data.language == "cy" and data.recorded_language == "Welsh" and data.warning is None
    assert data.recipient == "Siân O'Brien <script>, 1 High Street, Preston, PR1 1AA"
    assert "o fewn 5 diwrnod gwaith" in data.rights[0]
    html = data.html()
    assert "Annwyl Siân O&#x27;Brien &lt;script&gt;," in html and "<script>" not in html
    assert letters.letter_data(lctx, "CR-1", "V-1", "acknowledgement", language="en").language == "en"

    enhanced = letters.letter_data(lctx, "CR-1", "V-2", "acknowledgement")
    assert enhanced.enhanced and enhanced.language == "en"
    assert "within 1 working day" in enhanced.rights[0]
    consulted = audits(lctx, "consult")
    assert [(a.object_type, a.object_id) for a in consulted][-3:] == [("person", "V-1"), ("person", "V-1"),
                                                                     ("person", "V-2")]  # fmt: skip


def test_the_officers_words_and_another_template_need_no_new_read(lctx) -> None:
    data = letters.letter_data(lctx, "CR-1", "V-2", "acknowledgement")
    outcome = data.choose(template="outcome")
    with pytest.raises(MissingLetterField, match="officer_text"):
        outcome.html()
    written = outcome.choose(extra={"officer_text": "No further action: <not enough evidence>."})
    assert "No further action: &lt;not enough evidence&gt;." in written.html()
    assert written.choose(language="cy").html().count("Annwyl Tom Price") == 1
    with pytest.raises(InvalidInput) as caught:
        data.choose(extra={"oic_name": "Someone else"})
    assert caught.value.field == "extra"


def test_unknown_templates_languages_and_victims_are_refused(lctx) -> None:
    with pytest.raises(InvalidInput) as caught:
        letters.letter_data(lctx, "CR-1", "V-1", "apology")
    assert caught.value.field == "template"
    with pytest.raises(InvalidInput) as caught:
        letters.letter_data(lctx, "CR-1", "V-1", "outcome", language="fr")
    assert caught.value.field == "language"
    with pytest.raises(NotFound, match="no victim V-3 in crime CR-1"):
        letters.letter_data(lctx, "CR-1", "V-3", "outcome")
    with pytest.raises(NotFound, match="no crime with reference CR-9"):
        letters.record_letters(lctx, [("CR-9", "V-1", "outcome", None)], AT)


# --- recording -----------------------------------------------------------------------------------------


def test_recording_a_letter_writes_a_letter_contact_and_a_disclosure_naming_the_recipient(lctx) -> None:
    (recorded,) = letters.record_letters(lctx, [LetterItem("CR-1", "V-1", "acknowledgement")], AT)
    assert (recorded.kind, recorded.crime_ref, recorded.person_ref) == ("contact", "CR-1", "V-1")
    (entry,) = contacts(lctx)
    assert (entry.id, entry.method, entry.outcome, entry.at) == (recorded.id, "letter", "informed", AT)
    assert entry.note == "Letter: Written acknowledgement (Cymraeg, template acknowledgement.cy)"
    (disclosure,) = audits(lctx, "disclose")
    assert (disclosure.object_type, disclosure.object_id) == ("letter", str(entry.id))
    assert disclosure.recipients == "Siân O'Brien <script>, 1 High Street, Preston, PR1 1AA"
    assert '"letter": "acknowledgement"' in disclosure.detail and '"language": "cy"' in disclosure.detail
    collected = [a for a in audits(lctx, "collect") if a.object_type == "contact"]
    assert [a.object_id for a in collected] == [str(entry.id)] and collected[0].entry_hash


def test_a_letter_meets_only_the_duties_its_kind_of_letter_can_meet(lctx) -> None:
    entries.record_event(lctx, "CR-1", "arrest", datetime(2026, 11, 18, 14, 0, tzinfo=UTC))
    letters.record_letters(lctx, [("CR-1", "V-1", "acknowledgement", "en")], AT)
    assert status(lctx, "V-1", "update") == "open"  # an acknowledgement is not a progress update
    assert status(lctx, "V-1", "inform_arrest") == "overdue"  # nor news of the arrest
    letters.record_letters(lctx, [("CR-1", "V-1", "progress_update", "en")], AT)
    assert status(lctx, "V-1", "update") == "met,open"  # met; the next update is due a month on
    assert status(lctx, "V-1", "inform_arrest") == "overdue"
    first, second = contacts(lctx)
    assert first.not_meeting and "update" in first.not_meeting
    assert second.not_meeting and "update" not in second.not_meeting


def test_we_tried_to_reach_you_is_an_attempt_that_meets_nothing_but_is_still_a_disclosure(lctx) -> None:
    letters.record_letters(lctx, [("CR-1", "V-2", "tried_to_reach_you", None)], AT)
    (entry,) = contacts(lctx)
    assert (entry.method, entry.outcome, entry.not_meeting) == ("letter", "no_contact", None)
    assert status(lctx, "V-2", "update", "CR-1") == "open"
    (disclosure,) = audits(lctx, "disclose")
    assert disclosure.recipients == "Tom Price, 2 Low Road, Preston"


def test_letters_to_several_victims_are_a_bulk_action_needing_a_fresh_password(lctx) -> None:
    items = [("CR-1", "V-1", "progress_update", None), ("CR-1", "V-2", "progress_update", None)]
    bureau(lctx, fresh=False)
    with pytest.raises(ReauthenticationRequired):
        letters.record_letters(lctx, items, AT)
    assert contacts(lctx) == [] and audits(lctx, "disclose") == []
    letters.record_letters(lctx, items[:1], AT)  # one victim: not a bulk action
    bureau(lctx, fresh=True)
    done = letters.record_letters(lctx, items, AT)
    assert [(r.person_ref, r.kind) for r in done] == [("V-1", "contact"), ("V-2", "contact")]
    assert [c.method for c in contacts(lctx)] == ["letter"] * 3
    assert [a.actor for a in audits(lctx, "disclose")] == ["bea.bureau"] * 3


def test_each_victim_needs_write_entry_on_their_crime_and_one_refusal_records_nothing(lctx) -> None:
    bureau(lctx, fresh=True)
    with pytest.raises(NotFound, match="no crime with reference CR-5"):  # South: not this bureau's division
        letters.record_letters(lctx, [("CR-1", "V-1", "outcome", None), ("CR-5", "V-6", "outcome", None)], AT)
    with pytest.raises(NotFound):
        letters.letter_data(lctx, "CR-5", "V-6", "outcome")
    assert contacts(lctx) == []


UNSAFE = [("CR-2", "V-3", "domestic abuse"), ("CR-3", "V-4", "telephone")]


@pytest.mark.parametrize(("crime", "victim", "why"), UNSAFE)
def test_no_letter_is_recorded_where_a_letter_may_not_be_safe(lctx, crime, victim, why) -> None:
    data = letters.letter_data(lctx, crime, victim, "acknowledgement")
    assert data.warning and why in data.warning
    with pytest.raises(ServiceError, match="No letters were recorded") as caught:
        both = [("CR-1", "V-1", "acknowledgement", None), (crime, victim, "acknowledgement", None)]
        letters.record_letters(lctx, both, AT)
    assert why in str(caught.value)
    assert contacts(lctx) == []
    safe = letters.letter_data(lctx, "CR-4", "V-5", "acknowledgement")  # domestic abuse, letter marked safe
    assert safe.warning is None
    letters.record_letters(lctx, [("CR-4", "V-5", "acknowledgement", None)], AT)


def test_recording_checks_the_moment_and_needs_at_least_one_letter(lctx) -> None:
    with pytest.raises(InvalidInput) as caught:
        letters.record_letters(lctx, [], AT)
    assert caught.value.field == "letters"
    with pytest.raises(InvalidInput, match="in the future"):
        letters.record_letters(lctx, [("CR-1", "V-1", "outcome", None)], FIXED_NOW + timedelta(hours=1))
    with pytest.raises(InvalidInput, match="time zone"):
        letters.record_letters(lctx, [("CR-1", "V-1", "outcome", None)], datetime(2026, 11, 26, 8, 0))
    with lctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(ContactEntryRow)) == 0


def test_the_audit_trail_still_verifies_after_letters(lctx) -> None:
    from vicman.services import audit_verify

    letters.record_letters(lctx, [("CR-1", "V-1", "outcome", None), ("CR-1", "V-2", "tried_to_reach_you", None)], AT)
    report = audit_verify.verify(lctx)
    assert report.ok, report.problems

"""What an officer writes in a contact's note: what was said (or sent), in plain words."""

from __future__ import annotations

import random
from datetime import timedelta

from vicman.domain.enums import Outcome, Role
from vicman.services.demo.common import lower_offence, uk_date
from vicman.services.demo.model import Contact, Crime, Link
from vicman.services.demo.phrases import AGREEMENTS, FAILED, NEXT_STEPS, PROGRESS, REACTIONS, SPOKEN


def write_note(rng: random.Random, crime: Crime, link: Link, contact: Contact) -> str:
    """What the officer wrote: what was said (or sent), in plain words."""
    person = link.person
    first = person.given
    category = crime.offence.category
    if contact.outcome == Outcome.NO_CONTACT:
        if category in ("domestic", "sexual") and contact.method == "phone":
            return (
                f"Called {person.phone}; no answer. No voicemail left, in line with the safe contact plan. "
                "Will try again at the agreed safe time."
            )
        template = rng.choice(FAILED[contact.method])
        return template.format(
            phone=person.phone or "the number held",
            first=first,
            ref=crime.ref,
            address=person.address or "the address held",
        )
    spoken = contact.method in SPOKEN
    who = first if not link.relation else f"{first} ({link.relation})"
    if contact.method == "phone":
        parts = [f"Spoke to {who} on the phone."]
    elif contact.method == "visit":
        place = "at the premises" if link.role == Role.BUSINESS_CONTACT else "at home"
        parts = [f"Visited {who} {place}."]
    else:
        opening = {"email": "Emailed", "letter": "Letter sent to", "sms": "Text message sent to"}[contact.method]
        parts = [f"{opening} {who}."]
    if person.language == "Welsh":
        parts.append("In Welsh, as they prefer." if spoken else "Written in Welsh and English.")
    elif person.interpreter and person.language:
        if not spoken:
            parts.append(f"Written in English and {person.language}." if person.language != "BSL" else "")
        elif person.language == "BSL" or contact.method == "visit":
            parts.append(f"{person.language} interpreter present.")
        else:
            parts.append(f"{person.language} interpreter used (telephone interpreting service).")
    kind = contact.kind
    fact, follow = _facts(rng, crime, link, contact)
    if kind == "report":
        if spoken:
            parts.append(f"Introduced myself as the officer in the case and gave the crime reference {crime.ref}.")
            parts.append(NEXT_STEPS.get(category, "Explained what happens next.").format(first=first))
            parts.append(rng.choice(AGREEMENTS).format(first=first))
        else:
            parts.append(
                f"Gave the crime reference {crime.ref}, my contact details, what happens next and how to "
                "contact Victim Support."
            )
    elif kind == "update":
        last = [e.type for e in crime.events if e.at <= contact.at and e.type in PROGRESS]
        parts.append(rng.choice(PROGRESS[last[-1] if last else category]))
        if spoken:
            parts.append(rng.choice(REACTIONS).format(first=first))
        else:
            parts.append("Asked them to contact me with any questions.")
        every = f"{link.every_days} days" if link.every_days else "a month"
        parts.append(f"Next update within {every}, as agreed.")
    elif kind == "witness":
        parts.append(
            "Arranged for a statement to be taken."
            if spoken
            else "Asked them to call me to arrange a time to give a statement."
        )
    else:
        parts.append(f"Told {first} that {fact}." if spoken else f"To say that {fact}.")
        parts.extend(follow if spoken else follow[:1])
    return " ".join(p for p in parts if p)


def _facts(rng: random.Random, crime: Crime, link: Link, contact: Contact) -> tuple[str, list[str]]:
    """What a notification says, and what else is said (the first item also goes in writing)."""
    first = link.person.given
    when = uk_date(contact.after)
    offence = lower_offence(crime.offence.text)
    kind = contact.kind
    if kind == "arrest":
        return f"a suspect was arrested on {when} on suspicion of {offence}", [
            "Explained I will update them after the interview."
        ]
    if kind == "interview":
        return f"the suspect was interviewed under caution on {when} and the evidence is being reviewed", [
            "A decision on charge will follow; I will be in touch."
        ]
    if kind == "bail":
        street = "their road"
        address = link.person.address
        if address and "," in address:
            street = " ".join(w for w in address.split(",")[-2].split() if not w.isdigit())
        return (
            f"the suspect has been released on conditional bail until {uk_date(contact.after + timedelta(days=28))}, "
            f"with conditions not to contact {first} directly or indirectly and not to go to {street}"
        ), ["Advised to call 999 if the conditions are broken."]
    if kind == "bail_varied":
        return "the suspect's bail has been extended and the conditions varied; the no-contact condition remains", [
            "Advised to call 999 if the conditions are broken."
        ]
    if kind == "rui":
        return "the suspect has been released under investigation while enquiries continue", [
            "No bail conditions can be set with release under investigation.",
            "Gave safety advice and told them to call 999 in an emergency.",
        ]
    if kind == "charge":
        vps = rng.choice(("will make one", "does not want to at this stage", "wants time to think about it"))
        return (
            f"the suspect has been charged with {offence} and will appear at {crime.division.towns[0]} "
            "Magistrates' Court"
        ), [
            "The Witness Care Unit will now keep them informed about the court case.",
            f"Offered the chance to make a Victim Personal Statement; {first} {vps}.",
        ]
    if kind == "release_nfa":
        return (
            "the suspect was released with no further action because there is not enough evidence for a "
            "realistic prospect of conviction"
        ), [
            "Explained the Victims' Right to Review and that a request must be made within 3 months.",
            rng.choice((f"{first} was disappointed but understood.", f"{first} will think about asking for a review.")),
        ]
    if kind == "out_of_court_disposal":
        return f"the suspect has been given a {crime.disposal or 'community resolution'}", [
            f"{first}'s views were asked for before the decision was made.",
        ]
    if kind == "no_investigation":
        return (
            "the crime has been assessed and will not be investigated further at this time, as there are no "
            "lines of enquiry"
        ), [
            "If new information comes to light it will be looked at again.",
            "Gave crime prevention advice and offered a referral to Victim Support.",
        ]
    # closure
    return f"the investigation into the {offence} has been finalised: {crime.outcome}", [
        "Gave details of how to get in touch if anything new comes to light.",
        "Gave Victim Support's number in case they want to talk to someone.",
    ]

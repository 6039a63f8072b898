"""What the police did about each crime: screening out, arrest, interview, bail, charge or no further
action, and closure, as dated events (none on or after the start of today)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from vicman.rules.localtime import local_date
from vicman.services.demo.common import lower_offence, uk_date, weighted
from vicman.services.demo.model import Crime, Event
from vicman.services.demo.offences import INVESTIGATION, QUICK_ARREST
from vicman.services.demo.phrases import (
    DISPOSALS,
    INTERVIEWS,
    NO_INVESTIGATION_REASONS,
    OUTCOMES,
    OUTCOMES_DOMESTIC,
    PENDING,
    WITH_SOLICITOR,
)


def investigate(rng: random.Random, crime: Crime, today: date, cutoff: datetime) -> list[Event]:
    """The events of `crime`'s investigation, in order; sets the crime's outcome (and disposal) as it goes."""
    reported = crime.reported_at
    category = crime.offence.category
    town = crime.division.towns[0]
    offence = lower_offence(crime.offence.text)
    events: list[Event] = []
    if crime.plant is not None:
        return events

    def add(kind: str, at: datetime, note: str) -> datetime:
        events.append(Event(kind, at, note))
        return at

    screened, suspect = INVESTIGATION[category]
    draw = rng.random()
    if draw < screened:
        reason = rng.choice(NO_INVESTIGATION_REASONS)
        at = add(
            "no_investigation",
            reported + timedelta(hours=rng.uniform(6, 240)),
            f"Screened out after initial assessment: {reason}.",
        )
        crime.outcome = "there are no lines of enquiry, so it has been filed"
        if rng.random() < 0.85:
            add(
                "case_closed",
                at + timedelta(hours=rng.uniform(1, 72)),
                "Filed pending further information: no lines of enquiry.",
            )
    elif draw < screened + suspect:
        delay = (
            timedelta(hours=rng.uniform(0.5, 14)) if category in QUICK_ARREST else timedelta(days=rng.uniform(0.5, 35))
        )
        place = rng.choice(
            (
                "at their home address",
                "at the scene",
                f"in {town} town centre",
                f"after attending {town} police station by appointment",
                "at a friend's address",
            )
        )
        at = add("arrest", reported + delay, f"Suspect arrested {place} on suspicion of {offence}.")
        if rng.random() < 0.92:
            at = add(
                "interview",
                at + timedelta(hours=rng.uniform(2, 11)),
                f"Suspect interviewed under caution{rng.choice(WITH_SOLICITOR)}. {rng.choice(INTERVIEWS)}",
            )
        outcome = weighted(rng, OUTCOMES_DOMESTIC if category in QUICK_ARREST else OUTCOMES)
        at += timedelta(hours=rng.uniform(0.5, 3))
        if outcome in ("bail", "rui"):
            if outcome == "bail":
                add(
                    "bail",
                    at,
                    f"Released on conditional bail to return to {town} police station on "
                    f"{uk_date(at + timedelta(days=28))}.",
                )
            else:
                add("rui", at, f"Released under investigation pending {rng.choice(PENDING)}.")
            final_at = at + timedelta(days=rng.uniform(21, 120 if outcome == "bail" else 170))
            if outcome == "bail" and rng.random() < 0.25:
                varied = at + (final_at - at) * rng.uniform(0.2, 0.6)
                add(
                    "bail_varied",
                    varied,
                    f"Bail extended to {uk_date(varied + timedelta(days=42))}; conditions "
                    "varied at the request of the defence.",
                )
            outcome = weighted(rng, (("charge", 0.4), ("release_nfa", 0.45), ("out_of_court_disposal", 0.15)))
            at = final_at
        if outcome == "charge":
            add(
                "charge",
                at,
                f"Charged with {offence}; bailed to appear at {town} Magistrates' Court on "
                f"{uk_date(at + timedelta(days=rng.randint(14, 42)))}.",
            )
            closing = "Suspect charged; file passed to the Witness Care Unit."
            crime.outcome = "the suspect has been charged and the case is now with the court"
        elif outcome == "release_nfa":
            add(
                "release_nfa",
                at,
                "No further action: insufficient evidence for a realistic prospect of conviction.",
            )
            closing = "Finalised: no further action against the suspect."
            crime.outcome = "no further action against the suspect"
        else:
            disposal = rng.choice(DISPOSALS)
            add("out_of_court_disposal", at, f"Suspect given a {disposal}.")
            closing = f"Finalised by out-of-court disposal ({disposal})."
            crime.outcome = f"the suspect was given a {disposal}"
            crime.disposal = disposal
        if rng.random() < {"charge": 0.75, "release_nfa": 0.9}.get(outcome, 0.9):
            add("case_closed", at + timedelta(hours=rng.uniform(2, 240)), closing)
    elif rng.random() < (0.6 if category == "asb" else 0.85):
        if category == "asb":
            crime.outcome = "the problem has been dealt with through partnership work"
        add(
            "case_closed",
            reported + timedelta(days=rng.uniform(14, 100)),
            "Investigation complete; no suspect identified. Filed pending further information."
            if category != "asb"
            else "ASB case closed: problem resolved following partnership work.",
        )
    # Cases more than a few months old are nearly always finalised by now.
    age = (today - local_date(reported)).days
    if not any(e.type == "case_closed" for e in events) and (age > 700 or (age > 210 and rng.random() < 0.9)):
        last = max((e.at for e in events), default=reported)
        add(
            "case_closed",
            last + timedelta(days=rng.uniform(20, 150)),
            "Reviewed by the supervisor: all lines of enquiry complete. Filed.",
        )
    events.sort(key=lambda e: e.at)
    return [e for e in events if e.at < cutoff]

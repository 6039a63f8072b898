"""Enhanced entitlement (1 working day instead of 5), judged per edition on the date a duty arises.

A victim is enhanced for a reason the officer recorded (if the edition recognises it), for being a
child on the trigger date, for the offence (most serious crime; automatically intimidated), or for
their role (a bereaved close relative). Every reason is kept, so the officer sees why.
"""

from __future__ import annotations

from datetime import date

from vicman.domain.facts import CaseFacts
from vicman.domain.obligations import EnhancedReason
from vicman.rules.code import Edition
from vicman.rules.offences import OffenceClassifier

_CATEGORY_OF_EXPLICIT = {
    "vulnerable": "vulnerable",
    "intimidated": "intimidated",
    "persistently_targeted": "persistently_targeted",
    "most_serious_crime": "most_serious_crime",
    "bereaved": "most_serious_crime",
}


def age_on(dob: date, day: date) -> int:
    """Completed years on `day`. Someone born on 29 February turns a year older on 1 March in
    common years, as English law reads a birthday (Family Law Reform Act 1969, s.9)."""
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def enhanced_reasons(
    edition: Edition,
    facts: CaseFacts,
    on: date,
    offences: OffenceClassifier,
    explicit: frozenset[str] | None = None,
) -> tuple[EnhancedReason, ...]:
    """Why the victim is enhanced on `on`; `explicit` is the recorded reasons then in force
    (default: the case's recorded reasons)."""
    definition = edition.enhanced
    recorded = facts.explicit_reasons if explicit is None else explicit
    texts = definition.reason_text
    reasons: list[EnhancedReason] = []
    for reason in sorted(recorded & definition.reasons):
        reasons.append(
            EnhancedReason(reason, _CATEGORY_OF_EXPLICIT[reason], texts.get(reason, reason.replace("_", " ")))
        )
    if definition.child_under is not None and facts.dob is not None and facts.dob <= on:
        if age_on(facts.dob, on) < definition.child_under:
            text = texts.get("child", f"Under {definition.child_under} on the date the duty arose")
            reasons.append(EnhancedReason("child", "vulnerable", text))
    classes = offences.classify(facts.offence) if facts.offence else frozenset()
    for class_id in sorted(classes & definition.most_serious_offences):
        text = texts.get("offence_most_serious", "Victim of the most serious crime")
        reasons.append(
            EnhancedReason(f"offence:{class_id}", "most_serious_crime", f"{text}: {offences.label(class_id)}")
        )
    for class_id in sorted(classes & definition.intimidated_offences):
        text = texts.get("offence_intimidated", "Automatically treated as intimidated")
        reasons.append(EnhancedReason(f"intimidated:{class_id}", "intimidated", f"{text}: {offences.label(class_id)}"))
    if facts.role in definition.most_serious_roles:
        text = texts.get("role_bereaved", "Close relative bereaved by criminal conduct")
        reasons.append(EnhancedReason(f"role:{facts.role}", "most_serious_crime", text))
    return tuple(reasons)

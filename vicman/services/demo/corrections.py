"""A handful of corrections to the simulated entries, each through `entries.correct_entry` (one
transaction each) as an officer would make it: wrong method, missing detail, wrong date, wrong person,
wrong outcome, arrest time and referral date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from vicman.domain.enums import Outcome
from vicman.services import entries
from vicman.services.demo.model import Contact
from vicman.services.demo.writer import Writer

CORRECTIONS = 20


def correct(writer: Writer) -> int:
    """A handful of corrections, each through `entries.correct_entry` as an officer would make it."""
    ctx, rng, cutoff = writer.ctx, writer.rng, writer.world.cutoff
    contacts = [(i, c) for i, c, crime in writer.contacts if crime.plant is None and c.kind != "witness"]
    wanted = min(CORRECTIONS, len(contacts) // 8)
    plan: list[tuple[str, int, str, dict[str, Any], bool]] = []
    used: set[int] = set()

    def take(pool: Sequence[tuple[int, Contact]], count: int) -> list[tuple[int, Contact]]:
        fresh = [p for p in pool if p[0] not in used]
        chosen = rng.sample(fresh, min(count, len(fresh)))
        used.update(i for i, _ in chosen)
        return sorted(chosen, key=lambda p: p[0])

    informed = [p for p in contacts if p[1].outcome == Outcome.INFORMED]
    for i, _ in take([p for p in informed if p[1].method == "phone"], round(wanted * 0.2)):
        plan.append(
            ("contact", i, "Recorded as a phone call in error; it was a home visit.", {"method": "visit"}, False)
        )
    for i, contact in take(informed, round(wanted * 0.2)):
        extra = rng.choice(
            (
                "They also asked for the crime reference in writing, which I emailed the same day.",
                "Also gave the number for the local victims' hub.",
                "They said a neighbour may have doorbell footage; I will follow this up.",
            )
        )
        plan.append(
            (
                "contact",
                i,
                "Added detail left out of the original note.",
                {"note": f"{contact.note} {extra}"},
                False,
            )
        )
    movable = [p for p in informed if p[1].at - p[1].after > timedelta(days=2)]
    for i, contact in take(movable, round(wanted * 0.15)):
        plan.append(
            (
                "contact",
                i,
                "Wrong date entered; the contact was made the day before.",
                {"at": contact.at - timedelta(days=1)},
                False,
            )
        )
    for i, _ in take(contacts, round(wanted * 0.15)):
        plan.append(("contact", i, "Entered against the wrong victim in error.", {}, True))
    failed = [p for p in contacts if p[1].outcome == Outcome.NO_CONTACT and p[1].method == "phone"]
    for i, _ in take(failed, round(wanted * 0.1)):
        plan.append(
            (
                "contact",
                i,
                "Recorded as no contact in error; the victim answered on the second call and was updated.",
                {"outcome": "informed"},
                False,
            )
        )
    arrests = [
        (i, e) for i, e, crime in writer.events if e.type == "arrest" and e.at - crime.reported_at > timedelta(hours=4)
    ]
    for i, event in sorted(rng.sample(arrests, min(len(arrests), max(1, round(wanted * 0.1)))), key=lambda p: p[0]):
        plan.append(
            (
                "event",
                i,
                "Arrest time corrected from the custody record.",
                {"at": event.at - timedelta(hours=2)},
                False,
            )
        )
    referrals = [(i, r) for i, r, crime in writer.referrals if crime.plant is None]
    for i, referral in sorted(
        rng.sample(referrals, min(len(referrals), max(0, wanted - len(plan)))), key=lambda p: p[0]
    ):
        plan.append(
            (
                "referral",
                i,
                "Referral date corrected from the support service's receipt.",
                {"at": min(referral.at + timedelta(hours=20), cutoff - timedelta(minutes=1))},
                False,
            )
        )
    for kind, entry_id, reason, changes, retract in plan[:CORRECTIONS]:
        entries.correct_entry(ctx, kind, entry_id, reason, retract=retract, **changes)
    return len(plan[:CORRECTIONS])

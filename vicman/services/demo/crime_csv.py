"""The CSV of crimes and the people in them, in the columns the crime import reads."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from vicman.rules.localtime import LONDON
from vicman.services.demo.model import Crime


def write_csv(crimes: Iterable[Crime], path: Path) -> None:
    """Write one row per person in each crime, crime by crime, for `importing.import_crimes`."""
    columns = (
        "crime_ref",
        "reported_at",
        "offence",
        "kind",
        "division",
        "oic_id",
        "oic_name",
        "oic_email",
        "oic_team",
        "victim_ref",
        "victim_name",
        "victim_dob",
        "victim_phone",
        "victim_email",
        "victim_address",
        "victim_role",
        "enhanced_reasons",
        "vs_opt_out",
        "victim_language",
        "victim_interpreter",
        "victim_ethnicity",
        "victim_preferred_contact",
    )
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(columns)
        for crime in crimes:
            officer = crime.officer
            for link in crime.links:
                person = link.person
                out.writerow(
                    (
                        crime.ref,
                        crime.reported_at.astimezone(LONDON).isoformat(),
                        crime.offence.text,
                        crime.offence.kind,
                        crime.division.name,
                        officer.staff_no,
                        officer.name,
                        officer.email,
                        officer.team,
                        person.ref,
                        person.name,
                        person.dob.isoformat() if person.dob else "",
                        person.phone or "",
                        person.email or "",
                        person.address or "",
                        str(link.role),
                        ";".join(link.reasons),
                        "yes" if link.vs_opt_out else "no",
                        person.language or "",
                        ("yes" if person.interpreter else "no") if person.language else "",
                        person.ethnicity or "",
                        person.preferred or "",
                    )
                )
